/**
 * The values of one benchmark deployment (bench/specs.ts `awsSpec`), as inferstack's normalizer resolves them:
 * the L1 baseline app and the direct JSON emitter build their templates from these, and the benchmark checks that
 * both write byte-identical templates to `inferstack synth`.
 */
export const REGION = 'us-east-1';
export const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124';
export const IMAGE_REPOSITORY_ARN = 'arn:aws:ecr:us-east-1:763104351884:repository/djl-inference';
export const INSTANCE_TYPE = 'ml.g5.xlarge';
export const TIMEOUT_SECONDS = 884;
export const ENVIRONMENT: Readonly<Record<string, string>> = {
  OPTION_DTYPE: 'bf16',
  OPTION_ENABLE_PREFIX_CACHING: 'true',
  OPTION_GPU_MEMORY_UTILIZATION: '0.9',
  OPTION_MAX_MODEL_LEN: '8192',
  OPTION_MAX_ROLLING_BATCH_SIZE: '8',
  OPTION_ROLLING_BATCH: 'vllm',
  OPTION_TENSOR_PARALLEL_DEGREE: '1',
};
export const LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'];
export const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];
/** Tags in the order CloudFormation templates list them (sorted by key). */
export const tagsOf = (name: string) => [
  { key: 'inferstack-deployment', value: name },
  { key: 'inferstack-version', value: '0.1.0' },
  { key: 'managed-by', value: 'inferstack' },
];

export interface BenchDeployment {
  /** llm-0007 */
  readonly name: string;
  /** Llm0007: the stack's construct id and template file name */
  readonly stackId: string;
  readonly stackName: string;
  readonly modelUri: string;
  readonly bucket: string;
}

export function benchDeployment(i: number): BenchDeployment {
  const n = String(i).padStart(4, '0');
  const name = `llm-${n}`;
  return { name, stackId: `Llm${n}`, stackName: `bench-${name}`, modelUri: `s3://bench-models/${name}/`, bucket: 'bench-models' };
}

export const description = (d: BenchDeployment) => `${d.name} (inferstack: lmi on ${INSTANCE_TYPE})`;
export const invokeCommand = (d: BenchDeployment) => `aws sagemaker-runtime invoke-endpoint --endpoint-name ${d.name} --content-type application/json --body fileb://request.json --region ${REGION} out.json`;

/**
 * The execution role's policy statements; `account` and `logGroupArn` are the account-dependent values as each side
 * writes them (token strings in the CDK app, `{ Ref: AWS::AccountId }` and its Fn::Join in the JSON).
 */
export function policyStatements(d: BenchDeployment, account: unknown, logGroupArn: unknown): unknown[] {
  const owner = { StringEquals: { 's3:ResourceAccount': account } };
  return [
    { Action: ECR_PULL_ACTIONS, Effect: 'Allow', Resource: IMAGE_REPOSITORY_ARN, Sid: 'PullServingImages' },
    { Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*', Sid: 'EcrAuthorizationToken' },
    { Action: 's3:GetObject', Condition: owner, Effect: 'Allow', Resource: `arn:aws:s3:::${d.bucket}/${d.name}/*`, Sid: 'ReadModelArtifacts' },
    { Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': [`${d.name}/*`] }, ...owner }, Effect: 'Allow', Resource: `arn:aws:s3:::${d.bucket}`, Sid: 'ListModelPrefix' },
    { Action: LOG_ACTIONS, Effect: 'Allow', Resource: logGroupArn, Sid: 'EndpointLogs' },
    { Action: 'cloudwatch:PutMetricData', Condition: METRICS_CONDITION, Effect: 'Allow', Resource: '*', Sid: 'PublishEndpointMetrics' },
  ];
}

export const METRICS_CONDITION = { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', '/aws/sagemaker/InferenceComponents'] } };

export const logGroupPrefix = (d: BenchDeployment) => `:log-group:/aws/sagemaker/Endpoints/${d.name}:*`;
