/**
 * What each SageMaker serving container is told, built only from the pinned contracts: the contract that applies
 * to a deployment and the environment it gets before the user's container.env (which wins, with a warning).
 * Every name set here is an option of the returned contract; tests/contracts/aws-conformance.test.ts checks it.
 */
import type { DeploymentIR } from '../ir';
import type { EngineContract } from './contract';
import { awsNeo, awsPytorch, awsSklearn, awsTensorflow, awsXgboost } from './contracts/aws-framework';
import { awsLmiNeuron } from './contracts/aws-lmi-neuron';
import { awsLmiTrtllm } from './contracts/aws-lmi-trtllm';
import { awsLmiVllm } from './contracts/aws-lmi-vllm';
import { awsTeiCpu, awsTeiGpu } from './contracts/aws-tei';
import { awsTgi } from './contracts/aws-tgi';
import { awsTgiNeuron } from './contracts/aws-tgi-neuron';
import { awsTriton } from './contracts/aws-triton';
import { deploymentServingDtype, ServingDtype } from './dtype';

export const SAGEMAKER_MODEL_DIR = '/opt/ml/model';
export const SAGEMAKER_CODE_DIR = '/opt/ml/model/code';
/** LMI's default option.model_loading_timeout (serving/docs/lmi/deployment_guide/configurations.md). */
export const LMI_DEFAULT_LOADING_TIMEOUT_SECONDS = 1800;
/** "set MMS_DEFAULT_RESPONSE_TIMEOUT environment variable to 500" (SageMaker Neo deployment guide, neo-deployment-hosting-services-sdk). */
export const NEO_RESPONSE_TIMEOUT_SECONDS = 500;
/** TensorRT-LLM's default max_num_tokens; the engine needs room for a whole prompt in one step. */
const TRT_DEFAULT_MAX_NUM_TOKENS = 8192;

export interface ContainerOptions {
  readonly contract: EngineContract;
  /** Environment the contract sets, before the user's container.env. */
  readonly env: Readonly<Record<string, string>>;
}

/** The engine's own model source: a hub id, else the model directory SageMaker mounts. */
function modelId(ir: DeploymentIR): string {
  return ir.model.uriKind === 'hub' ? ir.model.uri.replace(/^hf:\/\//, '') : SAGEMAKER_MODEL_DIR;
}

/** True when the hosted checkpoint carries its own quantization_config (pre-quantized, or an optimization job's output). */
export function hostsQuantizedCheckpoint(ir: DeploymentIR): boolean {
  const q = ir.quantization;
  if (q.method === 'none') return false;
  return q.preQuantized || quantizedByJob(ir);
}

/** Quantization SageMaker does with an optimization job: AWQ/FP8/SmoothQuant for the LMI containers (TGI quantizes at load). */
export function quantizedByJob(ir: DeploymentIR): boolean {
  const q = ir.quantization;
  return ir.model.generative && ['awq', 'fp8', 'smoothquant'].includes(q.method) && !q.preQuantized && ['lmi', 'vllm', 'tensorrt-llm'].includes(ir.engine.name);
}

/** TensorRT-LLM's QuantAlgo for a quantization method (trt_llm_partition.parse_quant_config reads option.quant_algo). */
const TRT_QUANT_ALGO: Record<string, string> = { awq: 'W4A16_AWQ', fp8: 'FP8', smoothquant: 'W8A8_SQ_PER_CHANNEL' };

/**
 * The optimization job's quantization environment, read by the LMI container the job runs: the vLLM/lmi-dist image's
 * sm_neo_quantize.py reads option.quantize; the TensorRT-LLM image builds the engine from option.quant_algo and
 * ignores option.quantize (serving/docker/partition/sm_neo_dispatcher.py).
 */
export function jobQuantizationEnv(ir: DeploymentIR): Record<string, string> {
  const method = ir.quantization.method;
  return ir.engine.name === 'tensorrt-llm' ? { OPTION_QUANT_ALGO: TRT_QUANT_ALGO[method] ?? method.toUpperCase() } : { OPTION_QUANTIZE: method };
}

/** Whether SageMaker must run an optimization job before hosting (quantization, TRT-LLM/Neuron compilation, EAGLE). */
export function needsOptimizationJob(ir: DeploymentIR): boolean {
  if (!ir.model.generative) return false;
  const compile = ir.compile?.compiler === 'neuron' || ir.compile?.compiler === 'tensorrt-llm' || ir.engine.name === 'tensorrt-llm';
  return quantizedByJob(ir) || compile || ir.speculative?.method === 'eagle';
}

/** The input part of the context window (the rest is left for generated tokens). */
export function maxInputTokens(maxContextLength: number): number {
  return Math.max(1, Math.min(maxContextLength - 1, Math.floor(maxContextLength * 0.75)));
}

/** The dtype the SageMaker engine serves in (lib/engines/dtype.ts: fp16 for vLLM's AWQ/GPTQ kernels and below compute capability 8.0). */
export function awsServingDtype(ir: DeploymentIR): ServingDtype {
  return deploymentServingDtype(ir);
}

function lmiCommon(ir: DeploymentIR, rollingBatch: string): Record<string, string> {
  const env: Record<string, string> = {
    OPTION_ROLLING_BATCH: rollingBatch,
    OPTION_TENSOR_PARALLEL_DEGREE: String(ir.tensorParallel),
    OPTION_MAX_ROLLING_BATCH_SIZE: String(ir.llm!.maxConcurrentSequences),
  };
  if (ir.model.trustRemoteCode) env.OPTION_TRUST_REMOTE_CODE = 'true';
  // Never below LMI's 1800 s default; a longer startup gets the same allowance as SageMaker's startup health check.
  if (ir.timeouts.startupSeconds > LMI_DEFAULT_LOADING_TIMEOUT_SECONDS) env.OPTION_MODEL_LOADING_TIMEOUT = String(ir.timeouts.startupSeconds);
  if (ir.model.uriKind === 'hub') env.HF_MODEL_ID = modelId(ir);
  return env;
}

function lmiVllmEnv(ir: DeploymentIR): Record<string, string> {
  const llm = ir.llm!;
  const env = lmiCommon(ir, 'vllm');
  env.OPTION_DTYPE = awsServingDtype(ir).dtype;
  env.OPTION_MAX_MODEL_LEN = String(llm.maxContextLength);
  env.OPTION_GPU_MEMORY_UTILIZATION = String(llm.gpuMemoryUtilization);
  if (llm.maxBatchedTokens !== undefined) env.OPTION_MAX_ROLLING_BATCH_PREFILL_TOKENS = String(llm.maxBatchedTokens);
  env.OPTION_ENABLE_PREFIX_CACHING = String(llm.prefixCaching);
  // Pre-quantized checkpoints (and optimization-job outputs) carry quantization_config, which vLLM reads itself.
  if (ir.quantization.method !== 'none' && !hostsQuantizedCheckpoint(ir)) env.OPTION_QUANTIZE = ir.quantization.method;
  if (ir.speculative?.method === 'draft' && ir.speculative.draftModel) {
    env.OPTION_SPECULATIVE_MODEL = ir.speculative.draftModel;
    env.OPTION_NUM_SPECULATIVE_TOKENS = String(ir.speculative.tokens);
    env.OPTION_USE_V2_BLOCK_MANAGER = 'true';
  }
  return env;
}

const TRT_DTYPE: Record<string, string> = { bf16: 'bfloat16', fp16: 'float16', fp32: 'float32' };

/** TensorRT-LLM engine limits; the optimization job that builds the engine gets the same values. */
export function trtllmLimits(ir: DeploymentIR): Record<string, string> {
  const ctx = ir.llm!.maxContextLength;
  const env: Record<string, string> = {
    OPTION_MAX_INPUT_LEN: String(maxInputTokens(ctx)),
    OPTION_MAX_SEQ_LEN: String(ctx),
    OPTION_MAX_NUM_TOKENS: String(Math.max(TRT_DEFAULT_MAX_NUM_TOKENS, ctx)),
  };
  if (ir.kvCacheDtype === 'fp8' || ir.kvCacheDtype === 'int8') env.OPTION_KV_CACHE_QUANT_ALGO = ir.kvCacheDtype.toUpperCase();
  return env;
}

function lmiTrtllmEnv(ir: DeploymentIR): Record<string, string> {
  return { ...lmiCommon(ir, 'trtllm'), OPTION_DTYPE: TRT_DTYPE[awsServingDtype(ir).dtype]!, ...trtllmLimits(ir) };
}

function lmiNeuronEnv(ir: DeploymentIR): Record<string, string> {
  const env = lmiCommon(ir, 'auto');
  env.OPTION_DTYPE = ir.model.dtype;
  env.OPTION_N_POSITIONS = String(ir.llm!.maxContextLength);
  env.OPTION_ENTRYPOINT = 'djl_python.transformers_neuronx';
  if (ir.speculative?.method === 'draft' && ir.speculative.draftModel) {
    env.OPTION_SPECULATIVE_DRAFT_MODEL = ir.speculative.draftModel;
    env.OPTION_SPECULATIVE_LENGTH = String(ir.speculative.tokens);
  }
  return env;
}

const TGI_DTYPE: Record<string, string> = { bf16: 'bfloat16', fp16: 'float16' };

function tgiEnv(ir: DeploymentIR): Record<string, string> {
  const llm = ir.llm!;
  const env: Record<string, string> = {
    HF_MODEL_ID: modelId(ir),
    SM_NUM_GPUS: String(ir.tensorParallel),
    MAX_INPUT_TOKENS: String(maxInputTokens(llm.maxContextLength)),
    MAX_TOTAL_TOKENS: String(llm.maxContextLength),
    MAX_BATCH_SIZE: String(llm.maxConcurrentSequences),
  };
  if (llm.maxBatchedTokens !== undefined) env.MAX_BATCH_PREFILL_TOKENS = String(llm.maxBatchedTokens);
  if (ir.model.trustRemoteCode) env.HF_MODEL_TRUST_REMOTE_CODE = 'true';
  const quantized = ir.quantization.method !== 'none';
  // A pre-quantized checkpoint's quantization_config is read by the launcher; DTYPE and a quantize method exclude each other.
  if (quantized && !ir.quantization.preQuantized) env.HF_MODEL_QUANTIZE = ir.quantization.method;
  if (!quantized) {
    const dtype = TGI_DTYPE[awsServingDtype(ir).dtype];
    if (dtype) env.DTYPE = dtype;
  }
  if (ir.kvCacheDtype === 'fp8') env.KV_CACHE_DTYPE = 'fp8_e5m2';
  return env;
}

function tgiNeuronEnv(ir: DeploymentIR): Record<string, string> {
  const llm = ir.llm!;
  return {
    HF_MODEL_ID: modelId(ir),
    HF_NUM_CORES: String(ir.tensorParallel),
    HF_AUTO_CAST_TYPE: ir.model.dtype,
    MAX_BATCH_SIZE: String(llm.maxConcurrentSequences),
    MAX_INPUT_TOKENS: String(maxInputTokens(llm.maxContextLength)),
    MAX_TOTAL_TOKENS: String(llm.maxContextLength),
  };
}

function teiEnv(ir: DeploymentIR): Record<string, string> {
  const gpu = ir.engine.device === 'nvidia';
  const env: Record<string, string> = {
    HF_MODEL_ID: modelId(ir),
    DTYPE: gpu && ir.model.dtype !== 'fp32' ? 'float16' : 'float32',
  };
  if (ir.batching) env.MAX_BATCH_REQUESTS = String(ir.batching.maxBatchSize);
  return env;
}

function scriptEnv(ir: DeploymentIR): Record<string, string> {
  return ir.model.entryPoint ? { SAGEMAKER_PROGRAM: ir.model.entryPoint, SAGEMAKER_SUBMIT_DIRECTORY: SAGEMAKER_CODE_DIR } : {};
}

function multiModelEnv(ir: DeploymentIR): Record<string, string> {
  return ir.mode === 'multi-model' ? { SAGEMAKER_MULTI_MODEL: 'true' } : {};
}

function frameworkOptions(ir: DeploymentIR): ContainerOptions {
  if (ir.compile?.compiler === 'neo') {
    return { contract: awsNeo, env: { ...scriptEnv(ir), MMS_DEFAULT_RESPONSE_TIMEOUT: String(NEO_RESPONSE_TIMEOUT_SECONDS) } };
  }
  const b = ir.batching;
  switch (ir.model.format) {
    case 'sklearn':
      return { contract: awsSklearn, env: { ...scriptEnv(ir), ...multiModelEnv(ir) } };
    case 'xgboost':
      return { contract: awsXgboost, env: { ...scriptEnv(ir), ...multiModelEnv(ir) } };
    case 'tensorflow':
      // TF Serving finds code/inference.py itself; SAGEMAKER_PROGRAM is not read.
      return {
        contract: awsTensorflow,
        env: {
          ...multiModelEnv(ir),
          ...(b ? { SAGEMAKER_TFS_ENABLE_BATCHING: 'true', SAGEMAKER_TFS_MAX_BATCH_SIZE: String(b.maxBatchSize), SAGEMAKER_TFS_BATCH_TIMEOUT_MICROS: String(b.maxDelayMs * 1000) } : {}),
        },
      };
    default:
      return {
        contract: awsPytorch,
        env: { ...scriptEnv(ir), ...multiModelEnv(ir), ...(b ? { SAGEMAKER_TS_BATCH_SIZE: String(b.maxBatchSize), SAGEMAKER_TS_MAX_BATCH_DELAY: String(b.maxDelayMs) } : {}) },
      };
  }
}

/** The contract and environment of a SageMaker deployment's serving container; undefined for custom images. */
export function awsContainerOptions(ir: DeploymentIR): ContainerOptions | undefined {
  const neuron = ir.engine.device === 'neuron';
  switch (ir.engine.name) {
    case 'lmi':
    case 'vllm':
      return neuron ? { contract: awsLmiNeuron, env: lmiNeuronEnv(ir) } : { contract: awsLmiVllm, env: lmiVllmEnv(ir) };
    case 'tensorrt-llm':
      return { contract: awsLmiTrtllm, env: lmiTrtllmEnv(ir) };
    case 'tgi':
      return neuron ? { contract: awsTgiNeuron, env: tgiNeuronEnv(ir) } : { contract: awsTgi, env: tgiEnv(ir) };
    case 'tei':
      return { contract: ir.engine.device === 'nvidia' ? awsTeiGpu : awsTeiCpu, env: teiEnv(ir) };
    case 'triton':
      return { contract: awsTriton, env: multiModelEnv(ir) };
    case 'framework':
      return frameworkOptions(ir);
    default:
      return undefined;
  }
}

/** The option a user's container.env entry replaces, with the spec field inferstack computes it from. */
export function overriddenOptions(ir: DeploymentIR, userEnv: Readonly<Record<string, string>>): Array<{ name: string; ours: string; from: string }> {
  const options = awsContainerOptions(ir);
  if (!options) return [];
  return Object.keys(userEnv)
    .filter((name) => name in options.env && options.env[name] !== userEnv[name])
    .map((name) => ({ name, ours: options.env[name]!, from: options.contract.options.find((o) => o.name === name)?.from ?? 'a fixed value of the contract' }));
}
