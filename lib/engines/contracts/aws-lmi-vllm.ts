/** LMI (djl-inference 0.30.0-lmi12.0.0) with the vLLM rolling-batch backend, on NVIDIA GPUs. */
import type { ContractOption, EngineContract } from '../contract';
import { DJL_LMI, LMI_ENV_MAPPING, src } from '../sources';

const PROPS = 'engines/python/setup/djl_python/properties_manager/properties.py';
const VLLM_PROPS = 'engines/python/setup/djl_python/properties_manager/vllm_rb_properties.py';
const ENGINE_ARGS = 'engines/python/setup/djl_python/rolling_batch/rolling_batch_vllm_utils.py';
const CONFIG_DOC = 'serving/docs/lmi/deployment_guide/configurations.md';

/** Options every LMI backend reads through Properties (OPTION_X becomes option.x in ModelInfo). */
export function lmiCommonOptions(repo: string): ContractOption[] {
  return [
    { name: 'OPTION_ROLLING_BATCH', kind: 'env', type: 'enum', values: ['vllm', 'lmi-dist', 'trtllm', 'auto', 'tnx', 'disable'], from: 'engine', source: src(repo, PROPS) },
    { name: 'OPTION_TENSOR_PARALLEL_DEGREE', kind: 'env', type: 'int', from: 'acceleration.tensorParallel', source: src(repo, PROPS) },
    { name: 'OPTION_MAX_ROLLING_BATCH_SIZE', kind: 'env', type: 'int', from: 'llm.maxConcurrentSequences', source: src(repo, PROPS) },
    { name: 'OPTION_TRUST_REMOTE_CODE', kind: 'env', type: 'bool', values: ['true'], from: 'model.trustRemoteCode', source: src(repo, PROPS) },
    { name: 'OPTION_MODEL_LOADING_TIMEOUT', kind: 'env', type: 'int', from: 'container.healthCheck.startupTimeout', source: src(repo, CONFIG_DOC) },
    { name: 'HF_MODEL_ID', kind: 'env', type: 'string', from: 'model.uri', source: src(repo, 'serving/src/main/java/ai/djl/serving/util/ModelStore.java') },
  ];
}

export const awsLmiVllm: EngineContract = {
  id: 'aws/lmi-vllm',
  target: 'aws',
  engine: 'lmi',
  image: 'djl-inference:0.30.0-lmi12.0.0-cu124',
  options: [
    ...lmiCommonOptions(DJL_LMI),
    // DTYPE_MAPPER of the vLLM backend: fp32, fp16, bf16, auto.
    { name: 'OPTION_DTYPE', kind: 'env', type: 'enum', values: ['fp32', 'fp16', 'bf16', 'auto'], from: 'model.dtype', source: src(DJL_LMI, ENGINE_ARGS) },
    { name: 'OPTION_MAX_MODEL_LEN', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(DJL_LMI, VLLM_PROPS) },
    // Passed to vLLM as max_num_batched_tokens (rolling_batch_vllm_utils.py get_engine_args_from_config).
    { name: 'OPTION_MAX_ROLLING_BATCH_PREFILL_TOKENS', kind: 'env', type: 'int', from: 'llm.maxBatchedTokens', source: src(DJL_LMI, VLLM_PROPS) },
    { name: 'OPTION_GPU_MEMORY_UTILIZATION', kind: 'env', type: 'float', from: 'llm.gpuMemoryUtilization', source: src(DJL_LMI, VLLM_PROPS) },
    { name: 'OPTION_ENABLE_PREFIX_CACHING', kind: 'env', type: 'bool', from: 'llm.prefixCaching', source: src(DJL_LMI, VLLM_PROPS) },
    // VllmQuantizeMethods; only for checkpoints vLLM quantizes at load (fp8): pre-quantized ones carry quantization_config.
    { name: 'OPTION_QUANTIZE', kind: 'env', type: 'enum', values: ['awq', 'deepspeedfp', 'fp8', 'fbgemm_fp8', 'gptq', 'gptq_marlin', 'gptq_marlin_24', 'awq_marlin', 'marlin', 'squeezellm'], from: 'acceleration.quantization', source: src(DJL_LMI, VLLM_PROPS) },
    // Speculative decoding: speculative_model + num_speculative_tokens, and vLLM needs the V2 block manager for it.
    { name: 'OPTION_SPECULATIVE_MODEL', kind: 'env', type: 'string', from: 'acceleration.speculativeDecoding.draftModel', source: src(DJL_LMI, VLLM_PROPS) },
    { name: 'OPTION_NUM_SPECULATIVE_TOKENS', kind: 'env', type: 'int', from: 'acceleration.speculativeDecoding.tokens', source: src(DJL_LMI, VLLM_PROPS) },
    { name: 'OPTION_USE_V2_BLOCK_MANAGER', kind: 'env', type: 'bool', values: ['true'], from: 'acceleration.speculativeDecoding', source: src(DJL_LMI, VLLM_PROPS) },
  ],
  rules: [
    {
      id: 'speculative-needs-v2-block-manager',
      description: 'VllmRbProperties.validate_speculative_model raises unless use_v2_block_manager is true',
      check: (o) => ('OPTION_SPECULATIVE_MODEL' in o && o.OPTION_USE_V2_BLOCK_MANAGER !== 'true' ? 'OPTION_SPECULATIVE_MODEL without OPTION_USE_V2_BLOCK_MANAGER=true' : undefined),
      source: src(DJL_LMI, VLLM_PROPS),
    },
    {
      id: 'awq-gptq-fp16',
      description: 'vLLM AWQ and GPTQ kernels take float16 activations only; bf16 fails at load',
      check: (o) => (/^(awq|gptq)/.test(o.OPTION_QUANTIZE ?? '') && o.OPTION_DTYPE !== 'fp16' ? `OPTION_QUANTIZE=${o.OPTION_QUANTIZE} with OPTION_DTYPE=${o.OPTION_DTYPE ?? '(unset)'}` : undefined),
      source: { ref: 'https://github.com/vllm-project/vllm/issues/1823', checked: '2026-11-25' },
    },
    {
      id: 'rolling-batch-vllm',
      description: 'this contract is the vLLM backend',
      check: (o) => (o.OPTION_ROLLING_BATCH !== 'vllm' ? `OPTION_ROLLING_BATCH=${o.OPTION_ROLLING_BATCH ?? '(unset)'}` : undefined),
      source: src(DJL_LMI, LMI_ENV_MAPPING),
    },
  ],
};
