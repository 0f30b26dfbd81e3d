/**
 * Every diagnostic inferstack can emit, in one place (like the TypeScript compiler's diagnosticMessages.json).
 * Codes are stable: never renumber, only add. Templates use `{name}` placeholders filled from `args`.
 *
 * Ranges: IS1xxx file and schema, IS2xxx spec semantics, IS3xxx AWS capability, IS4xxx PAI-EAS capability,
 * IS5xxx deployment (deploy-eas), IS6xxx review (diff).
 */
export type Severity = 'error' | 'warning';

export interface DiagnosticDefinition {
  readonly code: string;
  readonly severity: Severity;
  readonly template: string;
}

function def(code: string, severity: Severity, template: string): DiagnosticDefinition {
  return { code, severity, template };
}

export const Diagnostics = {
  // --- the file itself
  YamlSyntax: def('IS1001', 'error', 'YAML syntax error: {detail}'),
  WrongType: def('IS1002', 'error', '{path} must be {expected}, found {found}'),
  UnknownKey: def('IS1003', 'error', 'unknown key "{key}" in {parent}'),
  MissingKey: def('IS1004', 'error', '{parent} is missing the required key "{key}"'),
  NotAllowed: def('IS1005', 'error', '{path} does not allow {found}'),
  BadUnit: def('IS1006', 'error', '{path}: {found} is not a valid {unitKind}'),
  BadFormat: def('IS1007', 'error', '{path}: {found} is not valid'),
  OutOfRange: def('IS1008', 'error', '{path} is {found}, which is out of range'),
  BadCount: def('IS1009', 'error', '{path} has {found}'),
  DuplicateKey: def('IS1010', 'error', 'duplicate key "{key}"'),
  AliasBomb: def('IS1011', 'error', 'the file expands YAML aliases too many times ({detail})'),
  FileTooLarge: def('IS1012', 'error', 'the spec file is {found} bytes; the limit is {limit} bytes'),
  TooDeep: def('IS1013', 'error', 'the spec nests deeper than {limit} levels'),
  NotUtf8: def('IS1014', 'error', 'the spec file is not valid UTF-8 (byte offset {offset})'),
  CannotRead: def('IS1015', 'error', 'cannot read the spec: {detail}'),
  EmptySpec: def('IS1016', 'error', 'the spec is empty'),
  MultipleDocuments: def('IS1017', 'error', 'the spec holds {found} YAML documents; inferstack reads exactly one'),
  // IS1100-IS1199: files and folders around the spec (issue 17)
  OutDirNotOurs: def('IS1101', 'error', 'output folder {found} is not empty and was not written by inferstack synth'),
  OutDirLink: def('IS1102', 'error', '{found} is a symbolic link; synth does not write through links'),
  OutDirNotFolder: def('IS1103', 'error', 'output folder {found} exists and is not a folder'),
  NotFinite: def('IS1104', 'error', '{path}: {found} is not a finite number'),
  YamlTag: def('IS1105', 'error', 'YAML tag {found} is not supported'),
  ReservedKey: def('IS1106', 'error', 'the key "{key}" is not allowed'),
  NotRegularFile: def('IS1107', 'error', 'the spec is not a regular file: {detail}'),
  SpecOutsideTree: def('IS1108', 'error', 'the spec is a link to {found}, outside the working folder'),

  // --- spec semantics (target-independent)
  NoDeployments: def('IS2001', 'error', 'the spec has no deployments'),
  SpecNameDefault: def('IS2300', 'error', "the spec's name defaults to the file's base name {found}, which is not a valid label value"),
  NoTargets: def('IS2002', 'error', 'deployment "{deployment}" names no target'),
  MissingRegion: def('IS2003', 'error', 'deployment "{deployment}" has no region for target {target}'),
  MissingModelUri: def('IS2004', 'error', 'deployment "{deployment}" has no model.uri for target {target}'),
  UriSchemeMismatch: def('IS2005', 'error', 'model.uri "{uri}" cannot be read by {target}'),
  MissingParameters: def('IS2006', 'error', 'deployment "{deployment}" serves a generative model but model.parameters is not set'),
  CustomNeedsImage: def('IS2007', 'error', 'engine {engine} needs container.image for target {target}'),
  UnknownAccelerator: def('IS2008', 'error', 'unknown accelerator {found}'),
  UnknownInstanceType: def('IS2009', 'error', 'unknown {target} instance type {found}'),
  DoesNotFit: def('IS2010', 'error', 'the engine would refuse to start on {instance}: {reason}'),
  NoInstanceFits: def('IS2011', 'error', 'no {target} instance type fits this deployment: {reason}'),
  KvCacheNotSized: def('IS2012', 'warning', 'the KV cache could not be checked: model.architecture is unknown'),
  TensorParallelTooLarge: def('IS2013', 'error', 'tensorParallel {found} exceeds the {available} accelerators of {instance}'),
  TensorParallelHeads: def('IS2014', 'error', 'tensorParallel {found} does not divide the {heads} attention heads'),
  ScalingRange: def('IS2015', 'error', 'scaling.min ({min}) is greater than scaling.max ({max})'),
  SettingIgnored: def('IS2016', 'warning', '{setting} has no effect on {target}: {reason}'),
  SettingUnsupported: def('IS2017', 'error', '{setting} is not supported on {target}: {reason}'),
  EngineUnsupported: def('IS2018', 'error', 'engine {engine} is not available on {target}'),
  EngineNeedsGenerative: def('IS2019', 'error', 'engine {engine} serves text-generation models; model.task is {task}'),
  FormatEngineMismatch: def('IS2020', 'error', 'model.format {format} cannot be served by engine {engine}'),
  Fp8Unsupported: def('IS2021', 'error', '{what} needs FP8 support but {accelerator} ({instance}) has none'),
  GpuEngineOnCpu: def('IS2022', 'error', 'engine {engine} needs accelerators but {instance} has none'),
  AcceleratorNotOnTarget: def('IS2023', 'error', 'accelerator {accelerator} is not offered on {target}'),
  PipelineNoModel: def('IS2024', 'error', 'pipeline must contain the entry "model" exactly once, found {found}'),
  BadCron: def('IS2025', 'error', 'cron {found} is not a 5-field cron expression'),
  BadTimezone: def('IS2026', 'error', 'time zone {found} is unknown'),
  AsyncNeedsOutput: def('IS2027', 'error', 'mode async needs async.output'),
  ServerlessNeedsConfig: def('IS2028', 'error', 'mode serverless needs the serverless block'),
  CountAmbiguous: def('IS2030', 'error', 'resources.count {found} is not offered for {accelerator} on {target}; offered: {allowed}'),
  ConcurrencyAboveFullContext: def('IS2200', 'warning', 'llm.maxConcurrentSequences ({declared}) is more than fits at full context on {instance}: at most {max} sequences of {context} tokens at once'),
  QuantizationEngine: def('IS2031', 'error', 'quantization {method} cannot be done by {engine} on {target}: {reason}'),
  SpeculativeUnsupported: def('IS2032', 'error', 'speculative decoding ({method}) is not supported by {engine}'),
  KvCacheDtypeUnsupported: def('IS2033', 'error', 'kvCacheDtype {found} is not supported by {engine}'),
  // IS2260-IS2269: issue 13 (fp8 KV cache per GPU)
  Fp8KvCacheRefusesGpu: def('IS2260', 'error', 'kvCacheDtype fp8: {engine} cannot store an fp8 KV cache on {instance} ({accelerator}, compute capability {cc}): {reason}'),
  Fp8KvCacheFlashInferOnly: def('IS2261', 'warning', 'kvCacheDtype fp8 on {instance} ({accelerator}, compute capability {cc}): {engine} {reason}'),
  CompileUnsupported: def('IS2034', 'error', 'compile.compiler {compiler} is not available on {target}: {reason}'),
  RolloutNeedsInstances: def('IS2035', 'error', 'rollout {strategy} needs at least {needed} instances, scaling.min is {found}'),
  // IS2400-IS2499: issue 17
  EngineNotOnAccelerator: def('IS2401', 'error', 'engine {engine} does not run on {accelerator}; it runs on {devices}'),
  CronOutOfRange: def('IS2402', 'error', 'cron {found} is out of range: {problem}'),
  AwsEndpointName: def('IS2403', 'error', 'endpoint name {found} is not valid for SageMaker'),
  ParametersUnsafe: def('IS2036', 'error', 'model.parameters {found} is not a plausible parameter count'),
  FallbackConflict: def('IS2310', 'error', 'resources.fallback and resources.alibaba.fallback are both set'),
  FallbackUnplaceable: def('IS2311', 'error', 'resources.fallback entry {found} has no {target} instance type that fits this deployment'),
  FallbackDevice: def('IS2312', 'error', 'resources.fallback entry {found} runs on {kind} devices, but engine {engine} on {instance} needs {needed} devices'),
  FallbackNotOffered: def('IS2314', 'warning', 'resources.fallback entry {found} is not offered on {target}: the list skips it there'),
  NameCollision: def('IS2313', 'error', '{what} "{name}" of deployment "{deployment}" is also the {what} of deployment "{other}"'),
  SecretMissingForTarget: def('IS2501', 'error', 'container.secrets.{name} has no reference for {target}'),
  SecretBadReference: def('IS2502', 'error', 'container.secrets.{name} is not a valid {target} secret reference'),
  SecretAlsoInEnv: def('IS2503', 'error', '{name} is set both in container.env and in container.secrets'),
  SecretLiteralInEnv: def('IS2504', 'warning', '{path} looks like a secret ({kind}) written into the spec'),
  SecretNeedsContainer: def('IS2505', 'error', 'container.secrets needs a container environment; {target} serves engine {engine} through a built-in processor'),

  // --- engine contracts (issue #12): what the serving container is told
  ContractOptionOverridden: def('IS2100', 'warning', 'container.env.{name} overrides {name}={ours}, which inferstack sets from {field}; the container gets {value}'),
  ServingDtypeChanged: def('IS2101', 'warning', 'model.dtype {stored} is served as {dtype} by {engine}: {reason}'),
  ContainerArgsIgnored: def('IS2102', 'warning', '{setting} has no effect on {target}: {reason}'),
  EngineRefusesAccelerator: def('IS2103', 'error', '{engine} cannot serve this model on {instance}: {reason}'),

  // --- AWS capability
  AwsServerlessGpu: def('IS3001', 'error', 'serverless endpoints have no accelerators; {accelerator} was requested'),
  AwsServerlessFeature: def('IS3002', 'error', 'serverless endpoints do not support {feature}'),
  AwsServerlessMemory: def('IS3003', 'error', 'serverless.memory {found} is not one of 1024-6144 MB in 1 GB steps'),
  AwsMultiModelGpu: def('IS3004', 'error', 'multi-model endpoints on {instance} need engine triton; found {engine}'),
  AwsMultiModelInferentia: def('IS3005', 'error', 'multi-model endpoints are not available on Inferentia/Trainium ({instance})'),
  AwsPipelineTooLong: def('IS3006', 'error', 'a serial inference pipeline holds at most 15 containers, found {found}'),
  AwsNeuronOnNvidia: def('IS3007', 'error', 'engine {engine} with Neuron needs an Inferentia/Trainium instance, {instance} is {accelerator}'),
  AwsCudaOnNeuron: def('IS3008', 'error', 'engine {engine} needs NVIDIA GPUs, {instance} is {accelerator}'),
  AwsBurstableScaling: def('IS3009', 'error', 'burstable instance {instance} cannot be autoscaled'),
  AwsScaleToZero: def('IS3010', 'error', 'scaling.min 0 is not possible for mode {mode} on AWS: {reason}'),
  AwsTimeoutRange: def('IS3011', 'error', '{setting} {found}s is outside SageMaker\'s 60-3600 s range'),
  AwsMultiModelUri: def('IS3012', 'error', 'multi-model endpoints load every model under an S3 prefix; "{uri}" is not a prefix ending in /'),
  AwsRollbackAlarms: def('IS3014', 'error', 'rollout.rollbackAlarms holds {found} alarms; SageMaker allows 1 to 10'),
  AwsImageUnavailable: def('IS3015', 'error', 'no {image} image is published in {region}'),
  AwsNeoTarget: def('IS3016', 'error', 'Neo target device {device} does not match instance {instance} (family {family})'),
  AwsNeoFramework: def('IS3017', 'error', 'Neo cannot compile framework {framework}; allowed: {allowed}'),
  AwsNeoRegion: def('IS3018', 'error', 'Neo target {device} is only available in {regions}'),
  AwsNeoNeedsTarGz: def('IS3019', 'error', 'Neo compiles a single .tar.gz; model.uri "{uri}" is not one'),
  AwsCompileAndSpeculative: def('IS3020', 'error', 'SageMaker cannot combine compilation with speculative decoding in one optimization job'),
  AwsOptimizationInstance: def('IS3021', 'error', 'optimization jobs cannot target {instance}; allowed families: {allowed}'),
  AwsJobTooLong: def('IS3022', 'error', '{what} may run {found}; a CloudFormation custom resource waits at most 1h'),
  AwsAsyncFeature: def('IS3023', 'error', 'asynchronous endpoints do not support {feature}'),
  AwsServerlessConcurrency: def('IS3024', 'error', 'serverless.provisionedConcurrency {found} exceeds maxConcurrency {max}'),
  AwsFrameworkVersion: def('IS3100', 'error', 'the SageMaker {framework} container has no version {version}'),
  AwsFrameworkVersionDefault: def('IS3101', 'warning', 'model.frameworkVersion is not set: serving with {framework} {version}'),
  AwsEntryPointRequired: def('IS3102', 'error', 'the SageMaker {framework} container needs an inference script: model.entryPoint is not set'),
  AwsEntryPointFixed: def('IS3103', 'error', 'the SageMaker {framework} container runs code/{expected} and ignores model.entryPoint {found}'),
  AwsJobNeedsS3Model: def('IS3104', 'error', 'the {job} reads the model from S3; model.uri "{uri}" is a Hugging Face hub id'),
  AwsEngineDtype: def('IS3105', 'error', 'engine {engine} cannot serve model.dtype {found} on SageMaker'),
  AwsEngineOptionUnsupported: def('IS3106', 'error', '{setting} is not supported by {engine} ({image}): {reason}'),
  AwsCronBothDays: def('IS3200', 'error', 'cron {found} restricts both day-of-month and day-of-week, which Application Auto Scaling cannot express'),
  AwsRolloutWait: def('IS3201', 'error', 'rollout.wait {found} exceeds the 3600 s SageMaker allows between traffic shifts'),
  AwsGuardrailsExcluded: def('IS3202', 'warning', 'rollout {strategy} is not honoured on {instance}: SageMaker deployment guardrails exclude {family} endpoints and update them blue/green all at once'),
  AwsScaleToZeroMetric: def('IS3203', 'error', 'scaling.metric {metric} cannot drive an inference component that scales to zero'),
  AwsVolumeSizeNvme: def('IS3204', 'error', 'resources.volumeSize is not allowed on {instance}: the {family} family has local NVMe storage and SageMaker rejects VolumeSizeInGB for it'),
  AwsVolumeSizeRange: def('IS3205', 'error', 'resources.volumeSize {found} is outside SageMaker\'s 1-512 GB range'),
  AwsInstancePools: def('IS3206', 'error', 'SageMaker instance pools hold at most 5 instance types; the chosen instance and resources.fallback make {found}'),
  AwsBadS3Uri: def('IS3207', 'error', '{setting} {found} is not an S3 location inferstack can grant access to'),
  AwsBadArn: def('IS3208', 'error', '{setting} {found} is not {kind}'),
  AwsBadImage: def('IS3209', 'error', '{setting} {found} is not an image reference inferstack can grant a pull on'),
  AwsTokenString: def('IS3210', 'error', '{setting} holds {found}, which the AWS CDK or CloudFormation would treat as a token or dynamic reference'),
  AwsFallbackMode: def('IS3211', 'error', 'resources.fallback cannot be honoured for mode {mode} on AWS: {reason}'),

  // --- PAI-EAS capability
  EasReservedPort: def('IS4001', 'error', 'port {port} is reserved by the PAI-EAS engine'),
  EasServiceName: def('IS4002', 'error', 'service name {found} is not valid for PAI-EAS'),
  EasBladeFamily: def('IS4003', 'error', 'BladeLLM serves only Qwen and Llama families; model.family is {found}'),
  EasBladeGpu: def('IS4004', 'error', 'BladeLLM needs an A/H/L-series GPU; {instance} has {accelerator}'),
  EasBladeMemory: def('IS4005', 'error', 'BladeLLM needs GPU memory of at least 1.7x the weights ({needed}); {instance} has {available}'),
  EasScaleToZeroGateway: def('IS4007', 'error', 'scaling.min 0 is not allowed for services on a dedicated gateway ({gateway})'),
  EasNoMultiModel: def('IS4008', 'error', 'PAI-EAS has no multi-model endpoint mode'),
  EasNoCompile: def('IS4009', 'error', 'PAI-EAS has no {compiler} compilation service'),
  EasNoProcessor: def('IS4010', 'error', 'no PAI-EAS built-in processor serves model.format {format} on {device}'),
  EasServerlessMode: def('IS4013', 'error', 'mode serverless is a SageMaker mode; on PAI-EAS use scaling.min 0 instead'),
  EasSpotNeedsPublic: def('IS4014', 'error', 'spot instances need the public resource group; resourceGroup {found} is set'),
  EasPipeline: def('IS4015', 'error', 'serial pipelines of several images are not supported by PAI-EAS'),
  // PAI-EAS engine contracts (issue #12)
  EasOptionOverridden: def('IS4100', 'warning', '{option} from {where} replaces {engineValue}, which inferstack derives from {field}'),
  EasModelScopeEngine: def('IS4101', 'error', 'model.uri {uri} is a ModelScope id, which {engine} cannot download on PAI-EAS'),
  EasHttpModel: def('IS4102', 'error', 'model.uri {uri} is an HTTP archive; PAI-EAS mounts no HTTP storage into the {engine} container'),
  EasHubNeedsInternet: def('IS4103', 'warning', 'model.uri {uri} is downloaded from {hub} when the service starts, but PAI-EAS services reach the internet only through a VPC with a NAT gateway'),
  EasProcessorVersion: def('IS4104', 'error', 'PAI-EAS has no {format} processor for version {found} on {device}'),
  EasProcessorModelPath: def('IS4106', 'error', 'model.uri {uri} cannot be read by a PAI-EAS built-in processor (model_path)'),
  EasProcessorDefault: def('IS4105', 'warning', 'model.frameworkVersion is not set: the PAI-EAS processor {processor} serves this {format} model'),

  // --- deployment (deploy-eas)
  DeployCredentials: def('IS5001', 'error', 'no Alibaba Cloud credentials found: {detail}'),
  DeployEndpoint: def('IS5002', 'error', 'endpoint {found} is not allowed: {reason}'),
  DeployApi: def('IS5003', 'error', '{action} {service} failed: {detail}'),
  DeployNeedsYes: def('IS5006', 'error', 'changes need confirmation: run with --yes when there is no terminal'),
  DeployUnknownDeployment: def('IS5007', 'error', 'no Alibaba deployment named {found} in the spec'),
  DeployNotOurs: def('IS5100', 'error', 'service {service} ({deployment}) is not managed by this spec: {owner}'),
  DeployCredentialsRefused: def('IS5101', 'error', 'PAI-EAS refused the credentials: {detail}'),
  DeployRegionBound: def('IS5102', 'error', '--region {region}: {setting} is bound to region {bound}'),
  DeployGroupNoRoom: def('IS5116', 'error', 'resource group {group} has no room for {service} ({deployment}): {detail}'),
  DeployGroupNoSurge: def('IS5117', 'warning', 'resource group {group} has no room for a surge instance of {service} ({deployment}): {detail}; the update stops {stopped}'),
  DeployGroupUnreadable: def('IS5118', 'warning', 'cannot read the nodes of resource group {group} for {service} ({deployment}): {detail}; {consequence}'),
  EasQpsTooFine: def('IS5115', 'error', 'scaling.target ({metric}) is {qps} queries per second per instance, below the 0.001 that PAI-EAS can express'),
  SecretRead: def('IS5501', 'error', 'cannot read secret {name} ({reference}): {detail}'),
  AfterDeployUnknownDeployment: def('IS5502', 'error', 'no deployment named {found} for {target} in the spec'),
  AfterDeployNoTarget: def('IS5503', 'error', 'no deployment of the spec targets {target}'),
  InvokeNeedsBody: def('IS5504', 'error', 'deployment {deployment} serves engine {engine}, which takes the request body as given: pass --body FILE'),
  InvokeUnknownModel: def('IS5130', 'error', 'deployment {deployment} serves no model named {found} (multiModel.models)'),
  InvokeNeedsModel: def('IS5131', 'error', 'deployment {deployment} is a multi-model endpoint that lists no models: InvokeEndpoint needs a TargetModel'),
  InvokeModelNotMultiModel: def('IS5132', 'error', '--model applies to multi-model endpoints; deployment {deployment} is {mode} on {target}'),
  InvokeStreamAsync: def('IS5133', 'error', 'deployment {deployment} is an asynchronous service on {target}: its result is read back whole, not streamed'),
  InvokeAsyncInput: def('IS5505', 'error', 'deployment {deployment} is asynchronous: its request must be uploaded to S3 first'),

  // --- review
  DiffMissingDir: def('IS6002', 'error', 'cannot read the committed synthesis in {found}'),
} as const satisfies Record<string, DiagnosticDefinition>;

export type DiagnosticKind = keyof typeof Diagnostics;

export function allDefinitions(): DiagnosticDefinition[] {
  return Object.values(Diagnostics);
}
