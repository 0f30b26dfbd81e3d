import {
  CreateCompilationJobCommand,
  CreateOptimizationJobCommand,
  DescribeCompilationJobCommand,
  DescribeOptimizationJobCommand,
  ResourceInUse,
  ResourceNotFound,
  SageMakerClient,
  StopCompilationJobCommand,
  StopOptimizationJobCommand,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CustomResourceEvent, isComplete, jobName, JobResourceProperties, onEvent, setClient } from '../../providers/aws/handlers/optimization-job';

const sm = mockClient(SageMakerClient);
setClient(new SageMakerClient({ region: 'us-east-1' }));

const neo: JobResourceProperties = {
  Kind: 'compilation',
  NamePrefix: 'resnet-a1b2c3J',
  Request: JSON.stringify({ InputConfig: { S3Uri: 's3://m/model.tar.gz', Framework: 'PYTORCH', DataInputConfig: '{"input0":[1,3,224,224]}' }, OutputConfig: { S3OutputLocation: 's3://m/out/', TargetDevice: 'ml_c5' }, StoppingCondition: { MaxRuntimeInSeconds: 900 }, RoleArn: 'arn:aws:iam::123456789012:role/job' }),
};
const awq: JobResourceProperties = {
  Kind: 'optimization',
  NamePrefix: 'llama-d4e5f6J',
  Request: JSON.stringify({ ModelSource: { S3: { S3Uri: 's3://m/llama/' } }, DeploymentInstanceType: 'ml.g5.2xlarge', OptimizationConfigs: [{ ModelQuantizationConfig: { OverrideEnvironment: { OPTION_QUANTIZE: 'awq' } } }], OutputConfig: { S3OutputLocation: 's3://m/opt/' }, StoppingCondition: { MaxRuntimeInSeconds: 3600 }, RoleArn: 'arn:aws:iam::123456789012:role/job' }),
};
const event = (RequestType: 'Create' | 'Update' | 'Delete', props: JobResourceProperties, PhysicalResourceId?: string): CustomResourceEvent => ({ RequestType, ResourceProperties: props, ...(PhysicalResourceId ? { PhysicalResourceId } : {}) });

beforeEach(() => sm.reset());

describe('onEvent', () => {
  it('create starts the job under a deterministic name derived from the request', async () => {
    sm.on(CreateCompilationJobCommand).resolves({ CompilationJobArn: 'arn' });
    const r = await onEvent(event('Create', neo));
    expect(r.PhysicalResourceId).toBe(jobName(neo));
    expect(r.PhysicalResourceId).toMatch(/^resnet-a1b2c3J[0-9a-f]{12}$/);
    const input = sm.commandCalls(CreateCompilationJobCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ CompilationJobName: jobName(neo), OutputConfig: { TargetDevice: 'ml_c5' }, RoleArn: 'arn:aws:iam::123456789012:role/job' });
  });

  it('a retried create finds its job already started and does not start a second one', async () => {
    sm.on(CreateCompilationJobCommand).rejects(new ResourceInUse({ message: 'Job already exists', $metadata: {} }));
    sm.on(DescribeCompilationJobCommand).resolves({ CompilationJobStatus: 'INPROGRESS' } as never);
    const r = await onEvent(event('Create', neo));
    expect(r.PhysicalResourceId).toBe(jobName(neo));
    expect(sm.commandCalls(CreateCompilationJobCommand)).toHaveLength(1);
  });

  it.each(['FAILED', 'STOPPED'])('a rerun after a %s job starts a new job with a suffix instead of reusing the dead one', async (status) => {
    sm.on(CreateCompilationJobCommand, { CompilationJobName: jobName(neo) }).rejects(new ResourceInUse({ message: 'Job already exists', $metadata: {} }));
    sm.on(CreateCompilationJobCommand, { CompilationJobName: jobName(neo, 2) }).resolves({ CompilationJobArn: 'arn' });
    sm.on(DescribeCompilationJobCommand, { CompilationJobName: jobName(neo) }).resolves({ CompilationJobStatus: status, FailureReason: 'ClientError: bad shape' } as never);
    const r = await onEvent(event('Create', neo));
    expect(r.PhysicalResourceId).toBe(`${jobName(neo)}R2`);
    expect(r.PhysicalResourceId.length).toBeLessThanOrEqual(63);
    expect(sm.commandCalls(CreateCompilationJobCommand).map((c) => c.args[0].input.CompilationJobName)).toEqual([jobName(neo), jobName(neo, 2)]);
  });

  it('an update of a request whose job failed starts the next attempt', async () => {
    sm.on(DescribeOptimizationJobCommand, { OptimizationJobName: jobName(awq) }).resolves({ OptimizationJobStatus: 'FAILED' } as never);
    sm.on(CreateOptimizationJobCommand, { OptimizationJobName: jobName(awq) }).rejects(new ResourceInUse({ message: 'already exists', $metadata: {} }));
    sm.on(CreateOptimizationJobCommand, { OptimizationJobName: jobName(awq, 2) }).resolves({ OptimizationJobArn: 'arn' });
    const r = await onEvent(event('Update', awq, jobName(awq)));
    expect(r.PhysicalResourceId).toBe(`${jobName(awq)}R2`);
    expect(sm.commandCalls(CreateOptimizationJobCommand).at(-1)!.args[0].input.OptimizationJobName).toBe(`${jobName(awq)}R2`);
  });

  it('gives up after MAX_ATTEMPTS dead jobs with what to do', async () => {
    sm.on(CreateCompilationJobCommand).rejects(new ResourceInUse({ message: 'Job already exists', $metadata: {} }));
    sm.on(DescribeCompilationJobCommand).resolves({ CompilationJobStatus: 'FAILED' } as never);
    await expect(onEvent(event('Create', neo))).rejects.toThrow(/failed or was stopped 9 times.*change the request/);
  });

  it('other create errors fail the resource', async () => {
    sm.on(CreateOptimizationJobCommand).rejects(new Error('ValidationException: bad instance type'));
    await expect(onEvent(event('Create', awq))).rejects.toThrow('bad instance type');
  });

  it('an update with the same input keeps the job; a changed input starts a new one', async () => {
    sm.on(CreateOptimizationJobCommand).resolves({ OptimizationJobArn: 'arn' });
    sm.on(DescribeOptimizationJobCommand).resolves({ OptimizationJobStatus: 'COMPLETED' } as never);
    const same = await onEvent(event('Update', awq, jobName(awq)));
    expect(same.PhysicalResourceId).toBe(jobName(awq));
    expect(sm.commandCalls(CreateOptimizationJobCommand)).toHaveLength(0);
    const changed = { ...awq, Request: awq.Request.replace('"awq"', '"fp8"') };
    const r = await onEvent(event('Update', changed, jobName(awq)));
    expect(r.PhysicalResourceId).toBe(jobName(changed));
    expect(r.PhysicalResourceId).not.toBe(jobName(awq));
    expect(sm.commandCalls(CreateOptimizationJobCommand)[0]!.args[0].input.OptimizationJobName).toBe(jobName(changed));
  });

  it('delete stops a running job', async () => {
    sm.on(DescribeOptimizationJobCommand).resolves({ OptimizationJobStatus: 'INPROGRESS' } as never);
    sm.on(StopOptimizationJobCommand).resolves({});
    await onEvent(event('Delete', awq, 'inferstack-llama-0123456789abcdef'));
    expect(sm.commandCalls(StopOptimizationJobCommand)[0]!.args[0].input).toEqual({ OptimizationJobName: 'inferstack-llama-0123456789abcdef' });
  });

  it('delete of a finished or missing job stops nothing and succeeds', async () => {
    sm.on(DescribeCompilationJobCommand).resolvesOnce({ CompilationJobStatus: 'COMPLETED' } as never).rejectsOnce(new ResourceNotFound({ message: 'Could not find job', $metadata: {} }));
    await onEvent(event('Delete', neo, 'a'));
    await onEvent(event('Delete', neo, 'b'));
    expect(sm.commandCalls(StopCompilationJobCommand)).toHaveLength(0);
  });
});

describe('isComplete', () => {
  it('polls while the job runs, then returns the artifact for the model', async () => {
    sm.on(DescribeCompilationJobCommand)
      .resolvesOnce({ CompilationJobStatus: 'STARTING' } as never)
      .resolvesOnce({ CompilationJobStatus: 'INPROGRESS' } as never)
      .resolves({ CompilationJobStatus: 'COMPLETED', ModelArtifacts: { S3ModelArtifacts: 's3://m/out/model-ml_c5.tar.gz' }, InferenceImage: '785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-inference-pytorch:1.8-cpu-py3' } as never);
    const e = { ...event('Create', neo), PhysicalResourceId: jobName(neo) };
    expect((await isComplete(e)).IsComplete).toBe(false);
    expect((await isComplete(e)).IsComplete).toBe(false);
    const done = await isComplete(e);
    expect(done).toEqual({ IsComplete: true, Data: { JobName: jobName(neo), ArtifactUri: 's3://m/out/model-ml_c5.tar.gz', InferenceImage: '785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-inference-pytorch:1.8-cpu-py3' } });
  });

  it('optimization jobs return the output location and the recommended inference image', async () => {
    sm.on(DescribeOptimizationJobCommand).resolves({ OptimizationJobStatus: 'COMPLETED', OutputConfig: { S3OutputLocation: 's3://m/opt/' }, OptimizationOutput: { RecommendedInferenceImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124' } } as never);
    const done = await isComplete({ ...event('Create', awq), PhysicalResourceId: jobName(awq) });
    expect(done.Data).toMatchObject({ ArtifactUri: 's3://m/opt/', InferenceImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124' });
  });

  it('a failed job fails the stack operation with the job\'s FailureReason', async () => {
    sm.on(DescribeCompilationJobCommand).resolves({ CompilationJobStatus: 'FAILED', FailureReason: 'ClientError: InputConfiguration: Unable to load model: input0 shape mismatch' } as never);
    await expect(isComplete({ ...event('Create', neo), PhysicalResourceId: 'job-x' })).rejects.toThrow('SageMaker compilation job job-x FAILED: ClientError: InputConfiguration: Unable to load model: input0 shape mismatch');
  });

  it('a stopped job fails too; delete completes at once', async () => {
    sm.on(DescribeOptimizationJobCommand).resolves({ OptimizationJobStatus: 'STOPPED' } as never);
    await expect(isComplete({ ...event('Update', awq), PhysicalResourceId: 'job-y' })).rejects.toThrow('STOPPED');
    expect(await isComplete({ ...event('Delete', awq), PhysicalResourceId: 'job-y' })).toEqual({ IsComplete: true });
  });
});
