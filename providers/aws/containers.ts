/**
 * Container definitions for SageMaker: the engine's environment (LMI `OPTION_*`, TGI launcher variables,
 * framework-container batching) and where the model artifacts come from.
 * Facts: ../shared/reference/aws-sagemaker.md §1.1 (ModelDataUrl vs ModelDataSource), §5.3 (LMI), §5.4 (TGI).
 */
import type { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import type { DeploymentIR, PipelineStepIR } from '../../lib/ir';

export const DEFAULT_VARIANT = 'AllTraffic';
const SAGEMAKER_MODEL_DIR = '/opt/ml/model';

const DTYPE: Record<string, string> = { bf16: 'bf16', fp16: 'fp16', fp32: 'fp32' };
const TGI_DTYPE: Record<string, string> = { bf16: 'bfloat16', fp16: 'float16', fp32: 'float32' };

/** Environment variable values must be strings; keys sorted for stable templates. */
function sorted(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]!]));
}

export function lmiEnvironment(ir: DeploymentIR, artifactsInContainer: boolean): Record<string, string> {
  const llm = ir.llm!;
  const neuron = ir.engine.device === 'neuron';
  const trt = ir.engine.name === 'tensorrt-llm';
  const env: Record<string, string> = {
    OPTION_ROLLING_BATCH: neuron ? 'auto' : trt ? 'trtllm' : 'vllm',
    OPTION_TENSOR_PARALLEL_DEGREE: String(ir.tensorParallel),
    OPTION_MAX_ROLLING_BATCH_SIZE: String(llm.maxConcurrentSequences),
    OPTION_DTYPE: DTYPE[ir.model.dtype]!,
    OPTION_TRUST_REMOTE_CODE: 'true',
    // LMI's own loading timeout must not outlast SageMaker's startup health check.
    OPTION_MODEL_LOADING_TIMEOUT: String(ir.timeouts.startupSeconds),
  };
  if (neuron) {
    env.OPTION_N_POSITIONS = String(llm.maxContextLength);
    env.OPTION_ENTRYPOINT = 'djl_python.transformers_neuronx';
  } else {
    env.OPTION_MAX_MODEL_LEN = String(llm.maxContextLength);
    if (!trt) {
      env.OPTION_GPU_MEMORY_UTILIZATION = String(llm.gpuMemoryUtilization);
      env.OPTION_ENABLE_PREFIX_CACHING = String(llm.prefixCaching);
    }
  }
  if (!artifactsInContainer) env.HF_MODEL_ID = ir.model.uri.replace(/^hf:\/\//, '');
  const q = ir.quantization;
  if (q.method !== 'none') env.OPTION_QUANTIZE = q.method;
  if (ir.kvCacheDtype !== 'auto') env.OPTION_KV_CACHE_DTYPE = ir.kvCacheDtype;
  if (ir.speculative?.draftModel) {
    env.OPTION_SPECULATIVE_DRAFT_MODEL = ir.speculative.draftModel;
    env.OPTION_SPECULATIVE_LENGTH = String(ir.speculative.tokens);
  }
  return env;
}

export function tgiEnvironment(ir: DeploymentIR, artifactsInContainer: boolean): Record<string, string> {
  const llm = ir.llm!;
  const total = llm.maxContextLength;
  const input = Math.max(1, Math.min(total - 1, Math.floor(total * 0.75)));
  const env: Record<string, string> = {
    HF_MODEL_ID: artifactsInContainer ? SAGEMAKER_MODEL_DIR : ir.model.uri.replace(/^hf:\/\//, ''),
    MAX_INPUT_TOKENS: String(input),
    MAX_TOTAL_TOKENS: String(total),
  };
  if (ir.engine.device === 'neuron') {
    env.HF_NUM_CORES = String(ir.tensorParallel);
    env.HF_AUTO_CAST_TYPE = DTYPE[ir.model.dtype]!;
    env.MAX_BATCH_SIZE = String(llm.maxConcurrentSequences);
  } else {
    env.SM_NUM_GPUS = String(ir.tensorParallel);
    env.DTYPE = TGI_DTYPE[ir.model.dtype]!;
    env.MAX_BATCH_TOTAL_TOKENS = String(total * llm.maxConcurrentSequences);
  }
  if (ir.quantization.method !== 'none') env.HF_MODEL_QUANTIZE = ir.quantization.method;
  if (ir.kvCacheDtype === 'fp8') env.KV_CACHE_DTYPE = 'fp8_e5m2';
  return env;
}

/** Dynamic batching knobs of the SageMaker framework containers (TorchServe and TF Serving toolkits). */
export function frameworkEnvironment(ir: DeploymentIR): Record<string, string> {
  const env: Record<string, string> = {};
  if (ir.batching) {
    if (ir.model.format === 'pytorch') {
      env.SAGEMAKER_TS_BATCH_SIZE = String(ir.batching.maxBatchSize);
      env.SAGEMAKER_TS_MAX_BATCH_DELAY = String(ir.batching.maxDelayMs);
    } else if (ir.model.format === 'tensorflow') {
      env.SAGEMAKER_TFS_ENABLE_BATCHING = 'true';
      env.SAGEMAKER_TFS_MAX_BATCH_SIZE = String(ir.batching.maxBatchSize);
      env.SAGEMAKER_TFS_BATCH_TIMEOUT_MICROS = String(ir.batching.maxDelayMs * 1000);
    }
  }
  if (ir.mode === 'multi-model') env.SAGEMAKER_MULTI_MODEL = 'true';
  return env;
}

export function engineEnvironment(ir: DeploymentIR): Record<string, string> {
  const inContainer = ir.model.uriKind !== 'hub';
  let env: Record<string, string>;
  switch (ir.engine.name) {
    case 'lmi':
    case 'vllm':
    case 'tensorrt-llm':
      env = lmiEnvironment(ir, inContainer);
      break;
    case 'tgi':
      env = tgiEnvironment(ir, inContainer);
      break;
    case 'framework':
    case 'triton':
      env = frameworkEnvironment(ir);
      break;
    default:
      env = {};
  }
  return sorted({ ...env, ...ir.engine.env, ...secretEnvironment(ir) });
}

/**
 * `container.secrets` as CloudFormation dynamic references: the template holds `{{resolve:secretsmanager:...}}`,
 * CloudFormation resolves it when it creates the model (with the deploying principal's permissions) and never
 * persists it in the template or its logs. SageMaker itself stores the resolved value in the model's
 * Environment, so DescribeModel (and the console's model page) shows it to anyone with sagemaker:DescribeModel.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 */
export function secretEnvironment(ir: DeploymentIR): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of ir.secrets ?? []) env[s.name] = `{{resolve:secretsmanager:${s.reference}${s.jsonKey ? `:SecretString:${s.jsonKey}` : ''}}}`;
  return env;
}

export interface ArtifactLocation {
  readonly uri: string;
  readonly kind: 'tar.gz' | 'prefix';
}

/** `.tar.gz` -> ModelDataUrl; an S3 prefix -> ModelDataSource (uncompressed); multi-model -> the prefix as ModelDataUrl. */
export function modelArtifacts(ir: DeploymentIR, artifact?: ArtifactLocation): Pick<CfnModel.ContainerDefinitionProperty, 'modelDataUrl' | 'modelDataSource'> {
  if (!artifact && ir.model.uriKind === 'hub') return {};
  const uri = artifact?.uri ?? ir.model.uri;
  const kind = artifact?.kind ?? (uri.endsWith('.tar.gz') ? 'tar.gz' : 'prefix');
  if (ir.mode === 'multi-model' || kind === 'tar.gz') return { modelDataUrl: uri };
  return {
    modelDataSource: {
      s3DataSource: { s3Uri: artifact ? uri : uri.endsWith('/') ? uri : `${uri}/`, s3DataType: 'S3Prefix', compressionType: 'None' },
    },
  };
}

export function primaryContainer(ir: DeploymentIR, image: string, artifact?: ArtifactLocation): CfnModel.ContainerDefinitionProperty {
  const environment = engineEnvironment(ir);
  return {
    image,
    ...modelArtifacts(ir, artifact),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(ir.mode === 'multi-model' ? { mode: 'MultiModel' } : {}),
  };
}

export function pipelineContainer(step: PipelineStepIR): CfnModel.ContainerDefinitionProperty {
  return {
    containerHostname: step.name,
    image: step.image!,
    ...(step.modelUri ? { modelDataUrl: step.modelUri } : {}),
    ...(Object.keys(step.env).length > 0 ? { environment: sorted({ ...step.env }) } : {}),
  };
}
