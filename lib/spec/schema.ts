/**
 * The spec's single source of truth: this TypeBox schema is the JSON Schema (`inferstack schema`,
 * schema/inferstack.schema.json), the validator's input (Ajv) and, through `Static`, the TypeScript types.
 *
 * Annotations read by the validator's error translator:
 *  - `x-unit`: duration | size | count, for unit-specific diagnostics;
 *  - `x-per-target`: a value that may be given once or per target as `{ aws, alibaba }`;
 *  - `x-format-hint`: what a pattern means, for messages.
 */
import { Static, TSchema, Type } from '@sinclair/typebox';
import { COUNT_PATTERN, DURATION_PATTERN, SIZE_PATTERN } from './units';
import { FAMILY_SPELLINGS, KNOWN_FAMILIES } from '../catalog/models';

const strict = { additionalProperties: false } as const;

export * from './constants';
import { COMPILERS, DTYPES, ENGINES, KV_CACHE_DTYPES, MODEL_FORMATS, MODEL_TASKS, MODES, NEO_FRAMEWORKS, QUANTIZATION_METHODS, ROLLOUT_STRATEGIES, SCALING_METRICS, SPECULATIVE_METHODS } from './constants';

function enumOf<T extends readonly string[]>(values: T, description: string) {
  // A plain `enum` keeps Ajv's error single and lets the translator list what is allowed.
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], description });
}

const Duration = (description: string) =>
  Type.String({ pattern: DURATION_PATTERN, 'x-unit': 'duration', description: `${description} (e.g. 50ms, 90s, 15m, 1h)` });
const Size = (description: string) =>
  Type.String({ pattern: SIZE_PATTERN, 'x-unit': 'size', description: `${description} (e.g. 512Mi, 16Gi)` });
const Count = (description: string) =>
  Type.Union([Type.String({ pattern: COUNT_PATTERN, 'x-unit': 'count' }), Type.Number({ minimum: 1 })], {
    'x-unit': 'count',
    description: `${description} (e.g. 7.6B, 350M, or a number)`,
  });

/** A value given once, or per target as `{ aws: ..., alibaba: ... }`. */
function PerTarget<T extends TSchema>(schema: T, description: string) {
  return Type.Union(
    [
      schema,
      Type.Object(
        { aws: Type.Optional(schema), alibaba: Type.Optional(schema) },
        { ...strict, minProperties: 1, description: 'per-target values' },
      ),
    ],
    { 'x-per-target': true, description: `${description}; one value, or { aws: ..., alibaba: ... }` },
  );
}

const StringMap = (description: string) =>
  Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$', 'x-format-hint': 'a letter or "_", then letters, digits, "_", "." or "-"' }), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
    description,
    additionalProperties: false,
    'x-format-hint': 'environment variable names: a letter or "_", then letters, digits, "_", "." or "-"',
  });

const Architecture = Type.Object(
  {
    layers: Type.Integer({ minimum: 1, maximum: 1024, description: 'transformer layers' }),
    kvHeads: Type.Integer({ minimum: 1, maximum: 1024, description: 'key/value heads (GQA groups)' }),
    headDim: Type.Integer({ minimum: 1, maximum: 4096, description: 'dimension of one attention head' }),
    attentionHeads: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096, description: 'query heads; checks tensorParallel divisibility' })),
  },
  { ...strict, description: 'enables KV-cache sizing' },
);

const Model = Type.Object(
  {
    uri: Type.Optional(PerTarget(Type.String({ minLength: 1 }), 'model location: s3://, oss://, nas:// or a hub id (hf://org/name)')),
    format: Type.Optional(enumOf(MODEL_FORMATS, 'how the model is stored')),
    task: Type.Optional(enumOf(MODEL_TASKS, 'what the model does (default: other)')),
    family: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z][A-Za-z0-9._ -]*$',
        'x-format-hint': 'a letter, then letters, digits, ".", "_", "-" or spaces (e.g. qwen2, Llama-3.1)',
        examples: [...FAMILY_SPELLINGS],
        description: `model family; engines check support (BladeLLM: Qwen/Llama) and known families size the KV cache without model.architecture. Known: ${KNOWN_FAMILIES.join(', ')} (matched leniently: Qwen2.5, qwen-2.5, llama-3.1)`,
      }),
    ),
    parameters: Type.Optional(Count('parameter count; needed for LLM sizing')),
    dtype: Type.Optional(enumOf(DTYPES, 'weights dtype as stored')),
    architecture: Type.Optional(Architecture),
    entryPoint: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_./-]*\\.py$', 'x-format-hint': 'a Python file name such as inference.py, relative to the artifact\'s code/ directory', description: "framework containers: the inference script in the model artifact's code/ directory" })),
    frameworkVersion: Type.Optional(Type.String({ pattern: '^[0-9]+(\\.[0-9]+)*(-[0-9]+)?$', 'x-format-hint': 'a version such as 1.2-1 or 2.1', description: 'framework containers and PAI-EAS processors: the framework version that serves the model' })),
    trustRemoteCode: Type.Optional(Type.Boolean({ description: "pass the engine's trust-remote-code switch (runs code from the model repository); default false" })),
  },
  { ...strict, description: 'the model to serve' },
);

const HealthCheck = Type.Object(
  {
    path: Type.Optional(Type.String({ pattern: '^/', 'x-format-hint': 'an HTTP path starting with "/", e.g. /health', description: 'HTTP path' })),
    startupTimeout: Type.Optional(Duration('how long loading may take before the container is restarted')),
  },
  strict,
);

/**
 * Environment variables whose values come from a secret store at deploy time, never from the spec or a template:
 * AWS Secrets Manager (a complete secret ARN, optionally `:SecretString:<json-key>`), Alibaba Cloud KMS Secrets
 * Manager (`acs:kms:<region>:<account>:secret/<name>`).
 */
const SecretRefs = Type.Record(
  Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', 'x-format-hint': 'an environment variable name: a letter or "_", then letters, digits or "_"' }),
  PerTarget(Type.String({ minLength: 1, maxLength: 2048 }), 'secret reference: an AWS Secrets Manager ARN, an Alibaba Cloud KMS secret ARN'),
  {
    description: 'environment variables read from a secret store at deploy time (never written into templates)',
    additionalProperties: false,
    'x-format-hint': 'environment variable names: a letter or "_", then letters, digits or "_"',
  },
);

const Container = Type.Object(
  {
    image: Type.Optional(PerTarget(Type.String({ minLength: 1 }), 'container image')),
    command: Type.Optional(Type.Array(Type.String(), { description: 'entry command' })),
    args: Type.Optional(Type.Array(Type.String(), { description: 'arguments appended to the command' })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'port the server listens on' })),
    env: Type.Optional(StringMap('environment variables')),
    healthCheck: Type.Optional(HealthCheck),
    secrets: Type.Optional(SecretRefs),
  },
  { ...strict, description: 'required for engine custom; otherwise overrides the engine defaults' },
);

const Llm = Type.Object(
  {
    maxContextLength: Type.Optional(Type.Integer({ minimum: 16, maximum: 10_000_000, description: 'tokens per sequence (prompt + output)' })),
    maxConcurrentSequences: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536, description: 'sequences batched at once' })),
    prefixCaching: Type.Optional(Type.Boolean({ description: 'reuse KV cache of shared prompt prefixes' })),
    gpuMemoryUtilization: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'share of accelerator memory the engine may use' })),
    maxBatchedTokens: Type.Optional(
      Type.Integer({
        minimum: 16,
        maximum: 1_048_576,
        description: "tokens the engine batches in one step and profiles its activation peak with (vLLM max_num_batched_tokens, SGLang chunked_prefill_size, TGI max_batch_prefill_tokens, BladeLLM ragged_flash_max_batch_tokens); default: the engine's",
      }),
    ),
  },
  { ...strict, description: 'generative engines only' },
);

const Batching = Type.Object(
  {
    maxBatchSize: Type.Integer({ minimum: 1, maximum: 4096 }),
    maxDelay: Type.Optional(Duration('longest wait to fill a batch')),
  },
  { ...strict, description: 'dynamic (server-side) batching for non-generative models' },
);

const QuantizationObject = Type.Object(
  {
    method: enumOf(QUANTIZATION_METHODS, 'quantization method'),
    weightsOnly: Type.Optional(Type.Boolean({ description: 'quantize weights only (activations stay in 16 bit)' })),
    preQuantized: Type.Optional(Type.Boolean({ description: 'the checkpoint at model.uri is already quantized' })),
    calibrationData: Type.Optional(Type.String({ description: 'calibration data for PTQ' })),
  },
  strict,
);

const Compile = Type.Object(
  {
    compiler: enumOf(COMPILERS, 'ahead-of-time compiler'),
    framework: Type.Optional(enumOf(NEO_FRAMEWORKS, 'Neo input framework')),
    frameworkVersion: Type.Optional(Type.String({ description: 'Neo input framework version, e.g. "2.0"' })),
    inputShape: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1 }), { description: 'input name -> shape' }),
    ),
    target: Type.Optional(Type.String({ description: 'Neo target device (ml_c5, ml_g4dn, ml_inf2, ...); auto = from the instance family' })),
    compilerOptions: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
    maxRuntime: Type.Optional(Duration('longest time the compilation job may run')),
    output: Type.Optional(Type.String({ pattern: '^s3://[^/]+/', 'x-format-hint': 'an S3 prefix: s3://BUCKET/ followed by a path', description: 'S3 prefix for the compiled model (default: <model bucket>/inferstack-optimized/<deployment>/)' })),
  },
  strict,
);

const Speculative = Type.Object(
  {
    method: Type.Optional(enumOf(SPECULATIVE_METHODS, 'draft (a draft model), eagle or lookahead')),
    draftModel: Type.Optional(Type.String({ description: 'draft model location' })),
    tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, description: 'tokens proposed per step' })),
  },
  strict,
);

const Acceleration = Type.Object(
  {
    quantization: Type.Optional(Type.Union([enumOf(QUANTIZATION_METHODS, 'quantization method'), QuantizationObject], { description: 'post-training quantization' })),
    kvCacheDtype: Type.Optional(enumOf(KV_CACHE_DTYPES, 'KV-cache element type')),
    compile: Type.Optional(Compile),
    speculativeDecoding: Type.Optional(Speculative),
    tensorParallel: Type.Optional(Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, maximum: 64 })], { description: 'auto = all accelerators' })),
  },
  strict,
);

const AlibabaResources = Type.Object(
  {
    fallback: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 10, description: 'ordered instance types (alias of resources.fallback, PAI-EAS only)' })),
    spot: Type.Optional(Type.Object({ maxPrice: Type.Number({ exclusiveMinimum: 0, description: 'USD per hour' }) }, strict)),
    resourceGroup: Type.Optional(Type.String({ pattern: '^eas-r-[a-z0-9]+$', 'x-format-hint': 'a resource group id: "eas-r-" then lowercase letters and digits', description: 'dedicated resource group id' })),
  },
  strict,
);

const Resources = Type.Object(
  {
    accelerator: Type.Optional(Type.String({ minLength: 1, description: 'portable accelerator name, cpu, or auto' })),
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'accelerators per instance' })),
    cpu: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 512, description: 'minimum vCPU; on a PAI-EAS dedicated resource group, what each instance requests' })),
    memory: Type.Optional(Size('minimum memory; on a PAI-EAS dedicated resource group, what each instance requests')),
    instanceType: Type.Optional(PerTarget(Type.String({ minLength: 1 }), 'instance type; wins over accelerator')),
    fallback: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        maxItems: 10,
        description: 'ordered fallbacks (instance types or portable accelerator names) after the chosen instance: SageMaker instance pools, PAI-EAS instances list',
      }),
    ),
    volumeSize: Type.Optional(Size('ML storage volume per instance (SageMaker VolumeSizeInGB; not on instance families with local NVMe storage)')),
    alibaba: Type.Optional(AlibabaResources),
  },
  strict,
);

const Serverless = Type.Object(
  {
    memory: Size('memory of the serverless endpoint (1-6Gi in 1Gi steps)'),
    maxConcurrency: Type.Integer({ minimum: 1, maximum: 200 }),
    provisionedConcurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  strict,
);

const Async = Type.Object(
  {
    input: Type.Optional(Type.String({ pattern: '^s3://[^/]+/', 'x-format-hint': 'an S3 prefix: s3://BUCKET/ followed by a path', description: 'S3 prefix where requests are uploaded; the execution role may read it' })),
    output: Type.Optional(Type.String({ pattern: '^s3://[^/]+/', 'x-format-hint': 'an S3 prefix: s3://BUCKET/ followed by a path', description: 'S3 prefix for results' })),
    failure: Type.Optional(Type.String({ pattern: '^s3://[^/]+/', 'x-format-hint': 'an S3 prefix: s3://BUCKET/ followed by a path', description: 'S3 prefix for failures' })),
    notify: Type.Optional(
      Type.Object(
        {
          success: Type.Optional(Type.String({ pattern: '^arn:aws[a-z-]*:sns:', 'x-format-hint': 'an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)' })),
          error: Type.Optional(Type.String({ pattern: '^arn:aws[a-z-]*:sns:', 'x-format-hint': 'an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC)' })),
        },
        strict,
      ),
    ),
    maxConcurrentPerInstance: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  strict,
);

const MultiModel = Type.Object(
  {
    models: Type.Array(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$))[^\\s]+$',
        'x-format-hint': 'a path relative to model.uri, e.g. customer-a.tar.gz (no leading /, no "..", no spaces)',
      }),
      { minItems: 1, uniqueItems: true, description: 'model archives under model.uri that this endpoint serves, as InvokeEndpoint TargetModel names them; the first is what `inferstack invoke` calls by default' },
    ),
  },
  { ...strict, description: 'multi-model endpoints (mode: multi-model): the models callers may name' },
);

const PipelineStep = Type.Union(
  [
    Type.Literal('model'),
    Type.Object(
      {
        name: Type.String({ pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$', 'x-format-hint': 'letters, digits and hyphens, at most 63' }),
        image: PerTarget(Type.String({ minLength: 1 }), 'container image'),
        env: Type.Optional(StringMap('environment variables')),
        modelUri: Type.Optional(Type.String({ description: 'artifacts for this step (.tar.gz)' })),
      },
      strict,
    ),
  ],
  { description: '"model" marks the model\'s place' },
);

const ScheduleEntry = Type.Object(
  {
    cron: Type.String({ minLength: 1, description: '5-field cron: minute hour day month weekday' }),
    min: Type.Optional(Type.Integer({ minimum: 0 })),
    max: Type.Optional(Type.Integer({ minimum: 0 })),
    timezone: Type.Optional(Type.String({ description: 'IANA time zone, e.g. Asia/Shanghai' })),
  },
  strict,
);

const Scaling = Type.Object(
  {
    min: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    metric: Type.Optional(enumOf(SCALING_METRICS, 'scaling metric')),
    target: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'target value of the metric per instance' })),
    scaleInCooldown: Type.Optional(Duration('wait after scaling in')),
    scaleOutCooldown: Type.Optional(Duration('wait after scaling out')),
    schedule: Type.Optional(Type.Array(ScheduleEntry, { maxItems: 50 })),
  },
  strict,
);

const Rollout = Type.Object(
  {
    strategy: Type.Optional(enumOf(ROLLOUT_STRATEGIES, 'how updates shift traffic')),
    canaryPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    stepPercent: Type.Optional(Type.Integer({ minimum: 5, maximum: 50 })),
    wait: Type.Optional(Duration('bake time between steps')),
    rollbackAlarms: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1 })),
  },
  strict,
);

const Network = Type.Object(
  {
    public: Type.Optional(Type.Boolean()),
    aws: Type.Optional(
      Type.Object(
        {
          subnets: Type.Array(Type.String({ pattern: '^subnet-([0-9a-f]{8}|[0-9a-f]{17})$', 'x-format-hint': 'a subnet id such as subnet-0123456789abcdef0' }), { minItems: 1, maxItems: 16 }),
          securityGroups: Type.Array(Type.String({ pattern: '^sg-([0-9a-f]{8}|[0-9a-f]{17})$', 'x-format-hint': 'a security group id such as sg-0123456789abcdef0' }), { minItems: 1, maxItems: 5 }),
        },
        strict,
      ),
    ),
    alibaba: Type.Optional(
      Type.Object(
        {
          vpcId: Type.String({ pattern: '^vpc-[a-z0-9]+$', 'x-format-hint': 'a VPC id: "vpc-" then lowercase letters and digits' }),
          vswitchId: Type.String({ pattern: '^vsw-[a-z0-9]+(,vsw-[a-z0-9]+)*$', 'x-format-hint': 'one or more vSwitch ids ("vsw-" then lowercase letters and digits), separated by commas without spaces' }),
          securityGroupId: Type.String({ pattern: '^sg-[a-z0-9]+$', 'x-format-hint': 'a security group id: "sg-" then lowercase letters and digits' }),
        },
        strict,
      ),
    ),
  },
  strict,
);

const Security = Type.Object(
  {
    kmsKey: Type.Optional(PerTarget(Type.String({ minLength: 1 }), 'KMS key ARN or id')),
    networkIsolation: Type.Optional(Type.Boolean()),
    role: Type.Optional(PerTarget(Type.String({ minLength: 1 }), 'execution role ARN')),
  },
  strict,
);

const Observability = Type.Object(
  {
    dataCapture: Type.Optional(
      Type.Object(
        {
          percent: Type.Integer({ minimum: 1, maximum: 100 }),
          destination: Type.String({ pattern: '^s3://[^/]+/', 'x-format-hint': 'an S3 prefix: s3://BUCKET/ followed by a path' }),
        },
        strict,
      ),
    ),
  },
  strict,
);

const AwsTarget = Type.Object(
  {
    region: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$', 'x-format-hint': 'an AWS region such as us-east-1' })),
    account: Type.Optional(Type.String({ pattern: '^[0-9]{12}$', 'x-format-hint': 'a 12-digit AWS account id' })),
    stackName: Type.Optional(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9-]{0,127}$', 'x-format-hint': 'a letter, then up to 127 letters, digits or hyphens' })),
    endpointName: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$', 'x-format-hint': 'letters, digits and hyphens, at most 63, not starting or ending with a hyphen' })),
    tags: Type.Optional(Type.Record(Type.String(), Type.String())),
    bucketOwners: Type.Optional(
      Type.Record(Type.String(), Type.String({ pattern: '^[0-9]{12}$', 'x-format-hint': 'a 12-digit AWS account id, quoted' }), {
        description: 'S3 bucket -> owning account id, for buckets outside the deployment account (the role pins every other bucket to its own account with s3:ResourceAccount)',
      }),
    ),
  },
  strict,
);

const AlibabaTarget = Type.Object(
  {
    region: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[a-z0-9]+)+$', 'x-format-hint': 'an Alibaba Cloud region such as cn-hangzhou' })),
    workspaceId: Type.Optional(Type.String({ pattern: '^[0-9]+$', 'x-format-hint': 'a workspace id: digits only, quoted ("12345")' })),
    gateway: Type.Optional(Type.String({ pattern: '^gw-[a-z0-9]+$', 'x-format-hint': 'a dedicated gateway id: "gw-" then lowercase letters and digits' })),
    serviceName: Type.Optional(Type.String({ description: 'overrides the service name derived from the deployment name' })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  strict,
);

const Targets = Type.Object(
  {
    aws: Type.Optional(AwsTarget),
    alibaba: Type.Optional(AlibabaTarget),
  },
  { ...strict, description: 'the clouds this deployment goes to, and where' },
);

const deploymentProperties = {
  description: Type.Optional(Type.String({ maxLength: 256 })),
  model: Type.Optional(Model),
  engine: Type.Optional(enumOf(ENGINES, 'serving engine; auto picks the best accelerated engine per target')),
  container: Type.Optional(Container),
  llm: Type.Optional(Llm),
  batching: Type.Optional(Batching),
  acceleration: Type.Optional(Acceleration),
  resources: Type.Optional(Resources),
  mode: Type.Optional(enumOf(MODES, 'endpoint mode')),
  serverless: Type.Optional(Serverless),
  async: Type.Optional(Async),
  multiModel: Type.Optional(MultiModel),
  pipeline: Type.Optional(Type.Array(PipelineStep, { minItems: 1 })),
  scaling: Type.Optional(Scaling),
  rollout: Type.Optional(Rollout),
  network: Type.Optional(Network),
  security: Type.Optional(Security),
  observability: Type.Optional(Observability),
  targets: Type.Optional(Targets),
};

export const DeploymentSchema = Type.Object(deploymentProperties, { ...strict, description: 'one model deployment' });
const CloudPrices = Type.Object(
  {
    currency: Type.Optional(Type.Union([Type.Literal('USD'), Type.Literal('CNY')], { description: 'currency of every price in this table (default USD)' })),
    regions: Type.Record(
      Type.String({ pattern: '^[a-z0-9-]+$', 'x-format-hint': 'a region id: lowercase letters, digits and hyphens' }),
      Type.Record(Type.String({ minLength: 1 }), Type.Number({ exclusiveMinimum: 0, description: 'price per instance-hour' }), { description: 'instance type -> price per hour' }),
      { description: 'region -> { instance type: price per hour }' },
    ),
  },
  { ...strict, description: 'hourly prices of one cloud' },
);

/** A user price table (`defaults.prices`, or the file given to --prices): per cloud, region and instance type. */
export const PricesSchema = Type.Object(
  { aws: Type.Optional(CloudPrices), alibaba: Type.Optional(CloudPrices) },
  { ...strict, description: 'your hourly prices per cloud, region and instance type; plan, fit and the cheapest-instance choice use them (they win over the catalog)' },
);

const DefaultsSchema = Type.Object({ ...deploymentProperties, prices: Type.Optional(PricesSchema) }, { ...strict, description: 'deep-merged under every deployment' });

import { DEPLOYMENT_NAME_PATTERN, SPEC_NAME_PATTERN } from './constants';

export const SpecSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1, { description: 'spec format version' }),
    name: Type.Optional(
      Type.String({
        pattern: SPEC_NAME_PATTERN,
        description: "the spec's identity on the clouds (the inferstack-spec label of PAI-EAS services); default: the file's base name",
        'x-format-hint': 'a letter or digit, then up to 62 letters, digits, ".", "_" or "-", ending in a letter or digit',
      }),
    ),
    defaults: Type.Optional(DefaultsSchema),
    deployments: Type.Record(Type.String({ pattern: DEPLOYMENT_NAME_PATTERN }), DeploymentSchema, {
      minProperties: 1,
      additionalProperties: false,
      'x-format-hint': 'deployment names: a lowercase letter, then up to 39 lowercase letters, digits or hyphens',
    }),
  },
  {
    ...strict,
    $id: 'https://inferstack.dev/schema/v1/inferstack.schema.json',
    title: 'inferstack spec v1',
    description: 'One YAML spec for ML model serving on AWS SageMaker and Alibaba Cloud PAI-EAS',
  },
);

export type Spec = Static<typeof SpecSchema>;
export type DeploymentSpec = Static<typeof DeploymentSchema>;
export type PerTargetValue<T> = T | { aws?: T; alibaba?: T };

/**
 * The JSON Schema document, as committed, printed by `inferstack schema` and compiled into the validator. The
 * deployment schema is defined once under `definitions` and referenced by `defaults` and every deployment, so
 * editors and the generated validator share one copy.
 */
export function jsonSchema(): Record<string, unknown> {
  const doc = JSON.parse(JSON.stringify(SpecSchema)) as { properties: Record<string, Record<string, unknown>> } & Record<string, unknown>;
  const deployment = JSON.parse(JSON.stringify(DeploymentSchema)) as Record<string, unknown>;
  const ref = { $ref: '#/definitions/deployment' };
  // defaults: every deployment key (by reference, defined once) plus the spec-wide price table.
  const defaults = doc.properties.defaults as { properties: Record<string, unknown>; description?: string };
  const deploymentKeys = Object.keys((deployment as { properties: object }).properties);
  defaults.properties = {
    ...Object.fromEntries(deploymentKeys.map((k) => [k, { $ref: `#/definitions/deployment/properties/${k}` }])),
    prices: defaults.properties.prices,
  };
  defaults.description = 'any deployment key, deep-merged under every deployment; and prices, your price table';
  const deployments = doc.properties.deployments!;
  const pattern = Object.keys(deployments.patternProperties as object)[0]!;
  deployments.patternProperties = { [pattern]: ref };
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...doc, definitions: { deployment } };
}
