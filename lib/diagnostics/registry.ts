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
  DoesNotFit: def('IS2010', 'error', 'the model needs {needed} of accelerator memory but {instance} offers {available}'),
  NoInstanceFits: def('IS2011', 'error', 'no {target} instance type fits this deployment ({needed} needed)'),
  KvCacheNotSized: def('IS2012', 'warning', 'KV-cache memory is not sized: model.architecture is unknown'),
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
  QuantizationEngine: def('IS2031', 'error', 'quantization {method} cannot be done by {engine} on {target}: {reason}'),
  SpeculativeUnsupported: def('IS2032', 'error', 'speculative decoding ({method}) is not supported by {engine}'),
  KvCacheDtypeUnsupported: def('IS2033', 'error', 'kvCacheDtype {found} is not supported by {engine}'),
  CompileUnsupported: def('IS2034', 'error', 'compile.compiler {compiler} is not available on {target}: {reason}'),
  RolloutNeedsInstances: def('IS2035', 'error', 'rollout {strategy} needs at least {needed} instances, scaling.min is {found}'),
  ParametersUnsafe: def('IS2036', 'error', 'model.parameters {found} is not a plausible parameter count'),

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

  // --- deployment (deploy-eas)
  DeployCredentials: def('IS5001', 'error', 'no Alibaba Cloud credentials found: {detail}'),
  DeployEndpoint: def('IS5002', 'error', 'endpoint {found} is not allowed: {reason}'),
  DeployApi: def('IS5003', 'error', '{action} {service} failed: {detail}'),
  DeployNeedsYes: def('IS5006', 'error', 'changes need confirmation: run with --yes when there is no terminal'),
  DeployUnknownDeployment: def('IS5007', 'error', 'no Alibaba deployment named {found} in the spec'),
  DeployNotOurs: def('IS5100', 'error', 'service {service} ({deployment}) is not managed by this spec: {owner}'),
  DeployCredentialsRefused: def('IS5101', 'error', 'PAI-EAS refused the credentials: {detail}'),
  DeployRegionBound: def('IS5102', 'error', '--region {region}: {setting} is bound to region {bound}'),

  // --- review
  DiffMissingDir: def('IS6002', 'error', 'cannot read the committed synthesis in {found}'),
} as const satisfies Record<string, DiagnosticDefinition>;

export type DiagnosticKind = keyof typeof Diagnostics;

export function allDefinitions(): DiagnosticDefinition[] {
  return Object.values(Diagnostics);
}
