/**
 * The intermediate representation: one record per deployment and target, every default resolved.
 * Emitters read only this; nothing downstream sees YAML.
 */
import type { EngineName, DeviceKind } from './catalog/engines';
import type { Architecture, KvDtype, QuantMethod, SizingResult, WeightDtype } from './sizing';
import type { TargetName } from './spec/schema';

export type UriKind = 's3-object' | 's3-prefix' | 'oss' | 'nas' | 'hub' | 'http';
export type ModelFormat = 'huggingface' | 'pytorch' | 'tensorflow' | 'onnx' | 'xgboost' | 'sklearn' | 'pmml' | 'triton' | 'custom';
export type Mode = 'realtime' | 'serverless' | 'async' | 'multi-model';
export type ScalingMetric = 'concurrency' | 'invocations' | 'gpu-utilization' | 'cpu-utilization' | 'qps' | 'backlog';
export type RolloutStrategy = 'all-at-once' | 'canary' | 'linear' | 'rolling';

export interface ModelIR {
  readonly uri: string;
  readonly uriKind: UriKind;
  readonly format: ModelFormat;
  readonly task: 'text-generation' | 'embedding' | 'rerank' | 'other';
  readonly generative: boolean;
  readonly family?: string;
  readonly parameters?: number;
  readonly dtype: WeightDtype;
  readonly architecture?: Architecture;
  /** Where the architecture came from: the spec, or the built-in table of known models. */
  readonly architectureSource?: 'spec' | 'catalog';
  /** Framework containers: the script in the artifact's code/ directory. */
  readonly entryPoint?: string;
  /** Framework containers / PAI-EAS processors: the framework version that serves the model. */
  readonly frameworkVersion?: string;
  readonly trustRemoteCode: boolean;
}

export interface EngineIR {
  readonly name: EngineName;
  /** Why this engine (for `plan`): "spec" or the auto-selection rule that chose it. */
  readonly reason: string;
  readonly device: DeviceKind;
  readonly image?: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly port: number;
  readonly healthPath: string;
  readonly readinessPath?: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface InstanceIR {
  readonly type: string;
  readonly accelerator: string;
  readonly count: number;
  readonly acceleratorMemoryGiB: number;
  /** Per-device memory as the driver reports it (what the engines budget from). */
  readonly acceleratorUsableMemoryGiB: number;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly fp8: boolean;
  readonly family: string;
  /** False when the type came from the escape hatch and is not in the catalog. */
  readonly cataloged: boolean;
  readonly reason: string;
}

/** The engine's memory model on the chosen instance (per device), see lib/sizing. */
export type SizingIR = SizingResult;

export interface QuantizationIR {
  readonly method: QuantMethod;
  readonly weightsOnly: boolean;
  readonly preQuantized: boolean;
  readonly calibrationData?: string;
}

export interface CompileIR {
  readonly compiler: 'neo' | 'neuron' | 'tensorrt-llm';
  readonly framework?: string;
  readonly frameworkVersion?: string;
  readonly inputShape?: Readonly<Record<string, readonly number[]>>;
  readonly target?: string;
  readonly compilerOptions?: Readonly<Record<string, string | number | boolean>>;
  readonly maxRuntimeSeconds: number;
  readonly output?: string;
}

export interface SpeculativeIR {
  readonly method: 'draft' | 'eagle' | 'lookahead';
  readonly draftModel?: string;
  readonly tokens: number;
}

export interface LlmIR {
  readonly maxContextLength: number;
  readonly maxConcurrentSequences: number;
  readonly prefixCaching: boolean;
  readonly gpuMemoryUtilization: number;
  /** The engine's batch/profiling token budget; absent = the engine's default. */
  readonly maxBatchedTokens?: number;
}

export interface PipelineStepIR {
  readonly name: string;
  readonly image?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly modelUri?: string;
  readonly isModel: boolean;
}

export interface ScheduleIR {
  readonly cron: string;
  readonly min?: number;
  readonly max?: number;
  readonly timezone: string;
}

export interface ScalingIR {
  readonly enabled: boolean;
  readonly min: number;
  readonly max: number;
  readonly metric: ScalingMetric;
  readonly target: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
  readonly schedule: readonly ScheduleIR[];
}

export interface RolloutIR {
  readonly strategy: RolloutStrategy;
  readonly canaryPercent: number;
  readonly stepPercent: number;
  readonly waitSeconds: number;
  readonly rollbackAlarms: readonly string[];
}

export interface AwsTargetIR {
  readonly kind: 'aws';
  readonly region: string;
  readonly account?: string;
  readonly stackName: string;
  readonly endpointName?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly subnets?: readonly string[];
  readonly securityGroups?: readonly string[];
  readonly kmsKey?: string;
  readonly role?: string;
  /** S3 bucket -> owning account, for buckets outside the deployment account (s3:ResourceAccount). */
  readonly bucketOwners: Readonly<Record<string, string>>;
}

export interface AlibabaTargetIR {
  readonly kind: 'alibaba';
  readonly region: string;
  readonly serviceName: string;
  /** The spec's identity (top-level `name:`, default the file's base name): the `inferstack-spec` label. Set by compile. */
  readonly specName?: string;
  readonly workspaceId?: string;
  readonly gateway?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly fallback: readonly string[];
  readonly spotMaxPrice?: number;
  readonly resourceGroup?: string;
  /**
   * On a dedicated resource group, what each instance requests when the spec sets resources.cpu / resources.memory
   * (otherwise the whole instance type's vCPU and memory). @default the instance type's
   */
  readonly requests?: { readonly cpu?: number; readonly memoryMb?: number };
  readonly vpc?: { readonly vpcId: string; readonly vswitchId: string; readonly securityGroupId: string };
  /** container.healthCheck.path as the spec gives it; without one a custom image gets a TCP probe on its port. */
  readonly healthCheckPath?: string;
}

/** An environment variable read from the target's secret store at deploy time (never a literal in any output). */
export interface SecretIR {
  readonly name: string;
  /** AWS: the complete Secrets Manager ARN; Alibaba: the KMS secret ARN. */
  readonly reference: string;
  /** AWS: the JSON key inside SecretString, when the secret holds key-value pairs. */
  readonly jsonKey?: string;
}

export interface DeploymentIR {
  readonly name: string;
  readonly target: TargetName;
  readonly description?: string;
  readonly model: ModelIR;
  readonly engine: EngineIR;
  readonly mode: Mode;
  /** Absent for serverless endpoints. */
  readonly instance?: InstanceIR;
  /** Ordered instance types to fall back to when the chosen one has no capacity (resources.fallback). */
  readonly fallbackInstanceTypes: readonly string[];
  /** ML storage volume per instance in GB (resources.volumeSize). */
  readonly volumeSizeGb?: number;
  readonly tensorParallel: number;
  readonly llm?: LlmIR;
  readonly sizing?: SizingIR;
  readonly batching?: { readonly maxBatchSize: number; readonly maxDelayMs: number };
  readonly quantization: QuantizationIR;
  readonly kvCacheDtype: KvDtype;
  readonly compile?: CompileIR;
  readonly speculative?: SpeculativeIR;
  readonly serverless?: { readonly memoryMb: number; readonly maxConcurrency: number; readonly provisionedConcurrency?: number };
  readonly async?: {
    /** S3 prefix where clients upload requests before InvokeEndpointAsync (the execution role reads it). */
    readonly input?: string;
    readonly output: string;
    readonly failure?: string;
    readonly notifySuccess?: string;
    readonly notifyError?: string;
    readonly maxConcurrentPerInstance?: number;
  };
  /** Multi-model endpoints: the model archives (relative to model.uri) callers may name as TargetModel. */
  readonly multiModel?: { readonly models: readonly string[] };
  readonly pipeline?: readonly PipelineStepIR[];
  /** Environment variables of the model container read from a secret store (sorted by name). */
  readonly secrets?: readonly SecretIR[];
  readonly scaling: ScalingIR;
  readonly rollout: RolloutIR;
  readonly publicEndpoint: boolean;
  readonly networkIsolation: boolean;
  readonly dataCapture?: { readonly percent: number; readonly destination: string };
  readonly timeouts: { readonly startupSeconds: number; readonly downloadSeconds: number };
  readonly price?: { readonly perHour: number; readonly currency: 'USD' | 'CNY'; readonly region: string; readonly source: 'catalog' | 'user' };
  readonly aws?: AwsTargetIR;
  readonly alibaba?: AlibabaTargetIR;
}

export interface SpecIR {
  readonly file: string;
  readonly deployments: readonly DeploymentIR[];
}
