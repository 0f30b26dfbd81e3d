import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { jobNamePrefix, planJob } from '../../providers/aws/ahead-of-time-job';
import { EXAMPLES } from '../helpers/paths';
import { exampleTemplate } from './helpers';

describe('Neo compilation in the stack', () => {
  const t = exampleTemplate('neo-resnet-c5.yaml');
  it('a custom resource with the CreateCompilationJob request: framework, input shape, target from the instance family', () => {
    t.hasResourceProperties('Custom::SageMakerCompilationJob', {
      Kind: 'compilation',
      NamePrefix: jobNamePrefix('resnet-neo', 'inferstack-resnet-neo'),
      Request: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"Framework":"PYTORCH".*"DataInputConfig":"\\{\\\\"input0\\\\":\\[1,3,224,224\\]\\}".*"TargetDevice":"ml_c5".*"MaxRuntimeInSeconds":900')])] },
    });
  });
  it('a Provider with onEvent and isComplete handlers on a current Node.js runtime, bundled without Docker', () => {
    t.resourcePropertiesCountIs('AWS::Lambda::Function', { Handler: 'index.onEvent', Runtime: 'nodejs24.x' }, 1);
    t.resourcePropertiesCountIs('AWS::Lambda::Function', { Handler: 'index.isComplete', Runtime: 'nodejs24.x' }, 1);
    t.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });
  it('the model depends on the job and serves its artifact with the image the compilation job names', () => {
    const models = t.findResources('AWS::SageMaker::Model');
    const [model] = Object.values(models) as Array<{ DependsOn: string[]; Properties: { PrimaryContainer: { Image: string; ModelDataUrl: unknown } } }>;
    const jobId = Object.keys(t.findResources('Custom::SageMakerCompilationJob'))[0]!;
    expect(model!.DependsOn).toContain(jobId);
    expect(model!.Properties.PrimaryContainer.ModelDataUrl).toEqual({ 'Fn::GetAtt': [jobId, 'ArtifactUri'] });
    expect(model!.Properties.PrimaryContainer.Image).toEqual({ 'Fn::GetAtt': [jobId, 'InferenceImage'] });
  });
  it('least privilege: the handler manages only this deployment\'s jobs and passes only the job role to SageMaker', () => {
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['sagemaker:CreateCompilationJob', 'sagemaker:DescribeCompilationJob', 'sagemaker:StopCompilationJob'], Resource: { 'Fn::Join': ['', Match.arrayWith([`:compilation-job/${jobNamePrefix('resnet-neo', 'inferstack-resnet-neo')}*`])] } }),
          Match.objectLike({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadModel', Action: 's3:GetObject' }), Match.objectLike({ Sid: 'WriteOutput' })]) },
    });
  });
});

describe('job names and handler functions', () => {
  it('one deployment\'s IAM job-name pattern covers none of another\'s (resnet vs resnet-canary, same deployment in two stacks)', () => {
    const resnet = jobNamePrefix('resnet', 'inferstack-resnet');
    const others = [jobNamePrefix('resnet-canary', 'inferstack-resnet-canary'), jobNamePrefix('resnet', 'other-stack'), jobNamePrefix('resnet-a1b2c3', 'x')];
    for (const other of others) expect(`${other}0123456789ab`.startsWith(resnet)).toBe(false);
    expect(resnet).toMatch(/^resnet-[0-9a-f]{6}J$/);
  });
  it('the handler functions reserve no concurrency (it fails on accounts with a low Lambda quota)', () => {
    const t = exampleTemplate('neo-resnet-c5.yaml');
    for (const fn of Object.values(t.findResources('AWS::Lambda::Function'))) expect((fn as { Properties: Record<string, unknown> }).Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('Inferentia and optimization jobs', () => {
  it('Neo for ml_inf1 serves with the image the compilation job names; the role pulls from the Inferentia PyTorch repository', () => {
    const t = exampleTemplate('neo-resnet-inferentia.yaml');
    const jobId = Object.keys(t.findResources('Custom::SageMakerCompilationJob'))[0]!;
    t.hasResourceProperties('Custom::SageMakerCompilationJob', { Request: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"TargetDevice":"ml_inf1".*"CompilerOptions":"\\{\\\\"--num-neuroncores\\\\":4\\}"')])] } });
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Image: { 'Fn::GetAtt': [jobId, 'InferenceImage'] } }) });
    expect(JSON.stringify(t.findResources('AWS::IAM::ManagedPolicy'))).toContain(':785573368785:repository/sagemaker-neo-pytorch');
  });
  it('AWQ by an optimization job: quantization config, the recommended image and the uncompressed output feed the model', () => {
    const t = exampleTemplate('llm-awq-optimization.yaml');
    t.hasResourceProperties('Custom::SageMakerOptimizationJob', { Kind: 'optimization', Request: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"DeploymentInstanceType":"ml.g5.2xlarge","OptimizationConfigs":\\[\\{"ModelQuantizationConfig":\\{"OverrideEnvironment":\\{"OPTION_QUANTIZE":"awq"\\}\\}\\}\\]')])] } });
    const jobId = Object.keys(t.findResources('Custom::SageMakerOptimizationJob'))[0]!;
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({
        Image: { 'Fn::GetAtt': [jobId, 'InferenceImage'] },
        ModelDataSource: { S3DataSource: { S3Uri: { 'Fn::GetAtt': [jobId, 'ArtifactUri'] }, S3DataType: 'S3Prefix', CompressionType: 'None' } },
      }),
    });
  });
  it('plans: compilation for Neo, optimization for quantization/TRT/EAGLE, none for pre-quantized checkpoints', () => {
    const plan = (f: string) => planJob(compileSpecFile(path.join(EXAMPLES, f)).deployments[0]!);
    expect(plan('neo-resnet-c5.yaml')).toMatchObject({ kind: 'compilation', artifactKind: 'tar.gz', techniques: ['neo:ml_c5'] });
    expect(plan('llm-awq-optimization.yaml')).toMatchObject({ kind: 'optimization', artifactKind: 'prefix', techniques: ['quantization:awq'], outputUri: 's3://acme-models/inferstack-optimized/llama-awq/' });
    expect(plan('tgi-llama.yaml')).toBeUndefined();
    expect(plan('qwen-chat.yaml')).toBeUndefined();
  });
});
