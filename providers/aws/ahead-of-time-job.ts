/**
 * Ahead-of-time optimization on AWS: SageMaker Neo compilation jobs and inference optimization jobs
 * (quantization, TensorRT-LLM / Neuron compilation, EAGLE speculative decoding) as a custom resource in the same
 * stack; the model depends on it and takes its artifact (and, for optimization jobs, the recommended image).
 * CloudFormation has no resource for these jobs (AWS::SageMaker resource types,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/AWS_SageMaker.html, checked 2026-11-25).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Aws, CfnElement, CustomResource, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { DeploymentIR } from '../../lib/ir';
import { neoTargetFor } from '../../lib/normalize/rules-aws';
import { hasIamWildcard, parseS3Uri } from './execution-role';
import { awsPartition, resolveAwsImage } from '../../lib/catalog/images';
import { jobQuantizationEnv, quantizedByJob, trtllmLimits } from '../../lib/engines/aws-options';

export type AheadOfTimeKind = 'compilation' | 'optimization';

export interface JobPlan {
  readonly kind: AheadOfTimeKind;
  /** The Create*Job request without name and role (they are filled in by the construct and the handler). */
  readonly request: Record<string, unknown>;
  /** Where the job writes its result. */
  readonly outputUri: string;
  /** Neo writes one .tar.gz; optimization jobs write an uncompressed model directory. */
  readonly artifactKind: 'tar.gz' | 'prefix';
  readonly maxRuntimeSeconds: number;
  readonly techniques: readonly string[];
}

const NEO_FRAMEWORK: Record<string, string> = { pytorch: 'PYTORCH', tensorflow: 'TENSORFLOW', keras: 'KERAS', mxnet: 'MXNET', onnx: 'ONNX', tflite: 'TFLITE', xgboost: 'XGBOOST', darknet: 'DARKNET', sklearn: 'SKLEARN' };

/** The output prefix: the spec's, else next to the model under inferstack-optimized/<deployment>/. */
export function outputUriFor(ir: DeploymentIR): string {
  if (ir.compile?.output) return ir.compile.output.endsWith('/') ? ir.compile.output : `${ir.compile.output}/`;
  const loc = parseS3Uri(ir.model.uri);
  return `s3://${loc?.bucket ?? 'unknown'}/inferstack-optimized/${ir.name}/`;
}

/** Whether and how a deployment needs an ahead-of-time job on SageMaker. */
export function planJob(ir: DeploymentIR): JobPlan | undefined {
  const output = outputUriFor(ir);
  const c = ir.compile;
  if (c?.compiler === 'neo') {
    const device = c.target && c.target !== 'auto' ? c.target : neoTargetFor(ir.instance!.family)!;
    return {
      kind: 'compilation',
      request: {
        InputConfig: {
          S3Uri: ir.model.uri,
          Framework: NEO_FRAMEWORK[c.framework ?? 'pytorch'],
          ...(c.inputShape ? { DataInputConfig: JSON.stringify(c.inputShape) } : {}),
          ...(c.frameworkVersion ? { FrameworkVersion: c.frameworkVersion } : {}),
        },
        OutputConfig: {
          S3OutputLocation: output,
          TargetDevice: device,
          ...(c.compilerOptions ? { CompilerOptions: JSON.stringify(c.compilerOptions) } : {}),
        },
        StoppingCondition: { MaxRuntimeInSeconds: c.maxRuntimeSeconds },
      },
      outputUri: output,
      artifactKind: 'tar.gz',
      maxRuntimeSeconds: c.maxRuntimeSeconds,
      techniques: [`neo:${device}`],
    };
  }
  if (!ir.model.generative) return undefined;
  const quantize = quantizedByJob(ir);
  const compile = c?.compiler === 'neuron' || c?.compiler === 'tensorrt-llm' || ir.engine.name === 'tensorrt-llm';
  const eagle = ir.speculative?.method === 'eagle';
  if (!quantize && !compile && !eagle) return undefined;
  const configs: Array<Record<string, unknown>> = [];
  const techniques: string[] = [];
  if (quantize) {
    configs.push({ ModelQuantizationConfig: { OverrideEnvironment: jobQuantizationEnv(ir) } });
    techniques.push(`quantization:${ir.quantization.method}`);
  }
  if (compile) {
    const env: Record<string, string> = { OPTION_TENSOR_PARALLEL_DEGREE: String(ir.tensorParallel) };
    if (ir.llm) env.OPTION_MAX_ROLLING_BATCH_SIZE = String(ir.llm.maxConcurrentSequences);
    if (ir.engine.device === 'neuron' && ir.llm) env.OPTION_N_POSITIONS = String(ir.llm.maxContextLength);
    // The engine is built with these limits; the hosted model gets the same ones (containers.ts).
    if (ir.engine.name === 'tensorrt-llm' && ir.llm) Object.assign(env, trtllmLimits(ir));
    configs.push({ ModelCompilationConfig: { OverrideEnvironment: env } });
    techniques.push(ir.engine.device === 'neuron' ? 'compilation:neuron' : 'compilation:tensorrt-llm');
  }
  if (eagle) {
    configs.push({ ModelSpeculativeDecodingConfig: { Technique: 'EAGLE' } });
    techniques.push('speculative:eagle');
  }
  const maxRuntime = c?.maxRuntimeSeconds ?? 3600;
  return {
    kind: 'optimization',
    request: {
      ModelSource: { S3: { S3Uri: ir.model.uri } },
      DeploymentInstanceType: ir.instance!.type,
      OptimizationConfigs: configs,
      OutputConfig: { S3OutputLocation: output },
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntime },
    },
    outputUri: output,
    artifactKind: 'prefix',
    maxRuntimeSeconds: maxRuntime,
    techniques,
  };
}

/**
 * The job-name prefix of a deployment: `<deployment>-<6 hex of the stack name>J`. Deployment names are lowercase
 * ([a-z][a-z0-9-]*), so the uppercase J marks where the name ends: the IAM pattern `<prefix>*` of `resnet` cannot
 * match the jobs of `resnet-canary`, and the stack-name hash keeps two stacks' `resnet` deployments apart.
 */
export function jobNamePrefix(deployment: string, stackName: string): string {
  const scope = createHash('sha256').update(stackName).digest('hex').slice(0, 6);
  return `${deployment}-${scope}J`;
}

/** The compiled handler directory (dist/...), which holds only the handler: that is the Lambda asset. */
export function handlerAssetDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the inferstack package root');
    dir = parent;
  }
  const compiled = path.join(dir, 'dist', 'providers', 'aws', 'handlers', 'optimization-job');
  if (!fs.existsSync(path.join(compiled, 'index.js'))) throw new Error(`the compiled handler is missing at ${compiled}: run "npm run build"`);
  return compiled;
}

export interface AheadOfTimeJobProps {
  readonly deployment: DeploymentIR;
  readonly plan: JobPlan;
  /** KMS key for the job's output. @default none */
  readonly kmsKeyArn?: string;
}

export class AheadOfTimeJob extends Construct {
  readonly resource: CustomResource;
  readonly artifactUri: string;
  readonly inferenceImage: string;
  readonly jobRole: iam.Role;

  constructor(scope: Construct, id: string, props: AheadOfTimeJobProps) {
    super(scope, id);
    const { plan, deployment: ir } = props;
    const stack = Stack.of(this);
    const partition = Token.isUnresolved(stack.region) ? Aws.PARTITION : awsPartition(stack.region);
    const nagPartition = Token.isUnresolved(partition) ? '<AWS::Partition>' : partition;
    const namePrefix = jobNamePrefix(ir.name, stack.stackName);
    const acknowledge: Array<{ construct: Construct; id: string; reason: string }> = [];
    const nagAccount = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;

    // The role SageMaker assumes to run the job: read the input, write the output, log, pull the LMI image.
    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the ${plan.kind} job of ${ir.name} (generated by inferstack)`,
    });
    const input = parseS3Uri(ir.model.uri)!;
    const output = parseS3Uri(plan.outputUri)!;
    const inputObjects = input.prefix.endsWith('.tar.gz') ? input.prefix : `${input.prefix.replace(/\/?$/, '/')}*`;
    // Buckets are pinned to their owner's account (s3:ResourceAccount), as in the execution role.
    const owner = (bucket: string) => ({ 's3:ResourceAccount': ir.aws?.bucketOwners[bucket] ?? stack.account });
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadModel', actions: ['s3:GetObject'], resources: [`arn:${partition}:s3:::${input.bucket}/${inputObjects}`], conditions: { StringEquals: owner(input.bucket) } }),
      new iam.PolicyStatement({ sid: 'WriteOutput', actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject'], resources: [`arn:${partition}:s3:::${output.bucket}/${output.prefix}*`], conditions: { StringEquals: owner(output.bucket) } }),
      ...[...new Set([input.bucket, output.bucket])].map(
        (bucket, i) =>
          new iam.PolicyStatement({
            sid: i === 0 ? 'ListPrefixes' : `ListPrefixes${i + 1}`,
            actions: ['s3:ListBucket'],
            resources: [`arn:${partition}:s3:::${bucket}`],
            conditions: { StringLike: { 's3:prefix': [...new Set([...(bucket === input.bucket ? [inputObjects] : []), ...(bucket === output.bucket ? [`${output.prefix}*`] : [])])] }, StringEquals: owner(bucket) },
          }),
      ),
      new iam.PolicyStatement({
        sid: 'JobLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`arn:${partition}:logs:${stack.region}:${stack.account}:log-group:/aws/sagemaker/${plan.kind === 'compilation' ? 'CompilationJobs' : 'OptimizationJobs'}:*`],
      }),
    ];
    // Only wildcards inferstack appends are acknowledged; a bucket or prefix holding one (a spec value) is not.
    const jobAck = [`Resource::arn:${nagPartition}:logs:${stack.region}:${nagAccount}:log-group:/aws/sagemaker/${plan.kind === 'compilation' ? 'CompilationJobs' : 'OptimizationJobs'}:*`];
    if (!hasIamWildcard(`${output.bucket}/${output.prefix}`)) jobAck.push(`Resource::arn:${nagPartition}:s3:::${output.bucket}/${output.prefix}*`);
    if (inputObjects.endsWith('*') && !hasIamWildcard(`${input.bucket}/${input.prefix}`)) jobAck.push(`Resource::arn:${nagPartition}:s3:::${input.bucket}/${inputObjects}`);
    if (plan.kind === 'optimization') {
      const lmi = resolveAwsImage(ir.engine.device === 'neuron' ? 'lmi-neuron' : ir.engine.name === 'tensorrt-llm' ? 'tensorrt-llm' : 'lmi', stack.region);
      if (lmi) {
        statements.push(new iam.PolicyStatement({ sid: 'PullLmiImage', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [lmi.repositoryArn] }));
        statements.push(new iam.PolicyStatement({ sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
        jobAck.push('Resource::*');
      }
    }
    if (props.kmsKeyArn) statements.push(new iam.PolicyStatement({ sid: 'EncryptOutput', actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.kmsKeyArn] }));
    const jobPolicy = new iam.ManagedPolicy(this, 'JobPolicy', { statements, roles: [this.jobRole] });
    for (const a of jobAck) acknowledge.push({ construct: jobPolicy, id: `AwsSolutions-IAM5[${a}]`, reason: 'scoped to the job\'s own input, output prefix and log group; ecr:GetAuthorizationToken supports only "*"' });

    // The handler role: create/describe/stop jobs of this deployment only, pass only the job role.
    const jobArn = `arn:${partition}:sagemaker:${stack.region}:${stack.account}:${plan.kind === 'compilation' ? 'compilation-job' : 'optimization-job'}/${namePrefix}*`;
    const handlerRole = new iam.Role(this, 'HandlerRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: `Starts and watches the ${plan.kind} job of ${ir.name}` });
    const verbs = plan.kind === 'compilation' ? ['CreateCompilationJob', 'DescribeCompilationJob', 'StopCompilationJob'] : ['CreateOptimizationJob', 'DescribeOptimizationJob', 'StopOptimizationJob'];
    const logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const handlerPolicy = new iam.ManagedPolicy(this, 'HandlerPolicy', {
      roles: [handlerRole],
      statements: [
        new iam.PolicyStatement({ sid: 'ManageJobs', actions: verbs.map((v) => `sagemaker:${v}`), resources: [jobArn] }),
        new iam.PolicyStatement({ sid: 'PassJobRole', actions: ['iam:PassRole'], resources: [this.jobRole.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
        new iam.PolicyStatement({ sid: 'HandlerLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup.logGroupArn}:*`] }),
      ],
    });
    acknowledge.push({ construct: handlerPolicy, id: `AwsSolutions-IAM5[Resource::arn:${nagPartition}:sagemaker:${stack.region}:${nagAccount}:${plan.kind === 'compilation' ? 'compilation-job' : 'optimization-job'}/${namePrefix}*]`, reason: 'job names are <deployment>-<stack hash>J<hash of the request>; the uppercase J cannot occur in a deployment name, so the role manages only this deployment\'s jobs' });
    const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
    acknowledge.push({ construct: handlerPolicy, id: `AwsSolutions-IAM5[Resource::<${logicalId(logGroup)}.Arn>:*]`, reason: 'the handler writes only to its own log group\'s streams' });

    const code = lambda.Code.fromAsset(handlerAssetDir(), { exclude: ['*.d.ts', '*.map'] });
    const fn = (name: string, handler: string) =>
      new lambda.Function(this, name, {
        runtime: lambda.Runtime.NODEJS_24_X,
        handler,
        code,
        role: handlerRole,
        timeout: Duration.minutes(2),
        memorySize: 256,
        logGroup,
        // No reserved concurrency: Lambda keeps a minimum of unreserved concurrency (100), so on accounts whose
        // concurrency quota is low (new accounts) any reservation fails the deployment
        // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
        description: `inferstack: ${plan.kind} job of ${ir.name} (${name === 'OnEvent' ? 'start/stop' : 'poll'})`,
      });
    const onEvent = fn('OnEvent', 'index.onEvent');
    const isComplete = fn('IsComplete', 'index.isComplete');
    onEvent.node.addDependency(handlerPolicy);
    isComplete.node.addDependency(handlerPolicy);

    // A custom resource waits at most one hour (the normalizer refuses longer jobs).
    const totalTimeout = Duration.seconds(Math.min(3600, plan.maxRuntimeSeconds + 600));
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: Duration.seconds(plan.kind === 'compilation' ? 30 : 60),
      totalTimeout,
    });
    this.resource = new CustomResource(this, 'Job', {
      serviceToken: provider.serviceToken,
      resourceType: plan.kind === 'compilation' ? 'Custom::SageMakerCompilationJob' : 'Custom::SageMakerOptimizationJob',
      properties: { Kind: plan.kind, NamePrefix: namePrefix, Request: JSON.stringify({ ...plan.request, RoleArn: this.jobRole.roleArn }) },
    });
    this.resource.node.addDependency(jobPolicy);
    this.artifactUri = this.resource.getAttString('ArtifactUri');
    this.inferenceImage = this.resource.getAttString('InferenceImage');

    for (const a of acknowledge) Validations.of(a.construct).acknowledge({ id: a.id, reason: a.reason });
    // The CDK Provider framework (its functions, roles and waiter state machine) is AWS's code; acknowledge the
    // findings it cannot avoid, each with why it is acceptable for a one-shot deployment-time job.
    const framework = [
      { id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]', reason: 'the Provider framework functions use the AWS basic execution policy (CloudWatch Logs only)' },
      ...[onEvent, isComplete].map((f) => ({ id: `AwsSolutions-IAM5[Resource::<${logicalId(f)}.Arn>:*]`, reason: 'the Provider framework invokes these handler functions, including their versions (":*")' })),
      ...['framework-isComplete', 'framework-onTimeout'].map((n) => ({ id: `AwsSolutions-IAM5[Resource::<${logicalId(provider.node.findChild(n))}.Arn>:*]`, reason: 'the waiter state machine invokes the framework functions, including their versions (":*")' })),
      { id: 'AwsSolutions-SF1', reason: 'the waiter state machine only polls the job; the job and the handlers log to CloudWatch Logs' },
      { id: 'AwsSolutions-SF2', reason: 'the waiter state machine only polls the job; X-Ray tracing adds nothing to a single polling loop' },
      { id: 'HIPAA.Security-IAMNoInlinePolicy', reason: 'inline default policies are created by the CDK Provider framework for its own functions' },
      { id: 'HIPAA.Security-LambdaConcurrency', reason: 'the handlers run once per stack operation; reserving concurrency would fail on accounts at the default Lambda concurrency quota' },
      { id: 'HIPAA.Security-LambdaDLQ', reason: 'custom-resource handlers are invoked synchronously by CloudFormation and Step Functions, which report failures; a DLQ would never receive anything' },
      { id: 'HIPAA.Security-LambdaInsideVPC', reason: 'the handlers only call the SageMaker control-plane API and process no data' },
      { id: 'HIPAA.Security-CloudWatchLogGroupEncrypted', reason: 'the handler log group holds job names and statuses only, no model data or requests' },
    ];
    for (const f of framework) Validations.of(this).acknowledge(f);
  }
}
