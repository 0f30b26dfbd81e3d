/**
 * The PAI-EAS vLLM image (`pai-eas/vllm:0.14.0-gpu`, vLLM 0.14.0): the `vllm serve` flags and environment
 * variables inferstack emits, with where each was read. Also serves `model.task: embedding|rerank` in pooling
 * mode, because PAI-EAS publishes no Text Embeddings Inference image (its Model Gallery deploys embedding models
 * with vLLM or FlagEmbedding).
 */
import type { ContractOption, ContractRule, ContractSource, EngineContract } from '../contract';

const CHECKED = '2026-11-25';
/** vLLM's engine-argument reference, generated from vllm/engine/arg_utils.py and vllm/config/*.py. */
const VLLM_ARGS: ContractSource = {
  ref: 'https://docs.vllm.ai/en/v0.16.0/configuration/engine_args/ and https://docs.vllm.ai/en/v0.11.0/configuration/engine_args.html (the flags below are identical in both, bracketing the pinned 0.14.0)',
  checked: CHECKED,
};
const VLLM_POOLING: ContractSource = {
  ref: 'https://docs.vllm.ai/en/v0.15.0/models/pooling_models/ (--runner pooling; also in v0.11.2); --task replaced by --runner/--convert in https://github.com/vllm-project/vllm/pull/21470',
  checked: CHECKED,
};
/**
 * SpeculativeConfig: {"method": "eagle"|"draft_model", "model", "num_speculative_tokens"}. vLLM 0.13.0 refused draft
 * models (NotImplementedError, vllm-project/vllm#31883); draft-model support came with vllm-project/vllm#24322.
 */
const VLLM_SPEC: ContractSource = {
  ref: 'https://docs.vllm.ai/en/latest/features/speculative_decoding/draft_model/ ("method": "draft_model"); draft models refused up to vLLM 0.13.0 (https://github.com/vllm-project/vllm/issues/31883), added by https://github.com/vllm-project/vllm/pull/24322',
  checked: CHECKED,
};
/** ModelDType (auto, half, float16, bfloat16, float, float32) and its resolution for --dtype auto. */
const VLLM_DTYPE: ContractSource = {
  ref: 'https://docs.vllm.ai/en/v0.13.0/api/vllm/config/model/ (ModelDType, _FLOAT16_NOT_SUPPORTED_MODELS); vllm-project/vllm:vllm/config/model.py (_resolve_auto_dtype)',
  checked: CHECKED,
};
const VLLM_ENVS: ContractSource = { ref: 'vllm-project/vllm:vllm/envs.py (VLLM_USE_MODELSCOPE: os.environ.get(...).lower() == "true")', checked: CHECKED };
const NCCL_ENV: ContractSource = { ref: 'https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html#nccl-p2p-disable', checked: CHECKED };
const VLLM_SERVE: ContractSource = { ref: 'vllm-project/vllm:vllm/entrypoints/openai/cli_args.py (vllm serve frontend arguments --host, --port)', checked: CHECKED };
const PAI_IMAGE: ContractSource = {
  ref: 'aliyun/alibabacloud-aiops-skills@1202ecc7:skills/aiml/learn/alibabacloud-pai-eas-service-deploy (image pai-eas/vllm:0.14.0-gpu, "vllm serve /model_dir --port 8000")',
  checked: CHECKED,
};

/**
 * `--kv-cache-dtype`: the CLI of vLLM 0.14 also accepts fp8_e5m2, fp8_inc, fp8_ds_mla and bfloat16, but `vllm serve`
 * crashes at engine start-up with each of them on vLLM 0.14.1 (Llama-3.1-8B-Instruct, vllm#42587): where FlashAttention
 * 3 runs (Hopper) its backend claims every quantized KV dtype, then `get_fp8_dtype_for_flashattn` raises for all but
 * fp8 / fp8_e4m3. Fixed after 0.14 by vllm#42685 (merged 2026-05-14). So only the values that start are accepted here;
 * fp8 (= fp8_e4m3 on CUDA) still needs a GPU the attention backend can store it on (lib/engines/kv-cache.ts).
 */
const VLLM_KV_CACHE_DTYPE: ContractSource = {
  ref: 'https://docs.vllm.ai/en/v0.14.0/api/vllm/v1/attention/backends/triton_attn/ (KV dtypes auto, fp8, fp8_e4m3, fp8_e5m2); fp8_e5m2, fp8_inc, fp8_ds_mla and bfloat16 crash at engine init on vLLM 0.14.1: https://github.com/vllm-project/vllm/issues/42587, fixed by https://github.com/vllm-project/vllm/pull/42685 (after 0.14)',
  checked: CHECKED,
};

function flag(name: string, type: ContractOption['type'], from: string | undefined, source: ContractSource = VLLM_ARGS, values?: readonly string[]): ContractOption {
  return { name, kind: 'flag', type, ...(values ? { values } : {}), ...(from ? { from } : {}), source };
}

export const VLLM_QUANTIZATION_VALUES = ['awq', 'gptq', 'fp8', 'compressed-tensors', 'bitsandbytes'] as const;

const options: readonly ContractOption[] = [
  flag('--host', 'string', undefined, VLLM_SERVE),
  flag('--port', 'int', 'container.port', PAI_IMAGE),
  flag('--served-model-name', 'string', 'deployment name'),
  flag('--tensor-parallel-size', 'int', 'acceleration.tensorParallel'),
  flag('--max-model-len', 'int', 'llm.maxContextLength'),
  flag('--max-num-seqs', 'int', 'llm.maxConcurrentSequences'),
  flag('--gpu-memory-utilization', 'float', 'llm.gpuMemoryUtilization'),
  flag('--max-num-batched-tokens', 'int', 'llm.maxBatchedTokens'),
  flag('--enable-prefix-caching', 'bool', 'llm.prefixCaching: true', VLLM_ARGS, ['']),
  flag('--no-enable-prefix-caching', 'bool', 'llm.prefixCaching: false', VLLM_ARGS, ['']),
  flag('--trust-remote-code', 'bool', 'model.trustRemoteCode: true', VLLM_ARGS, ['']),
  flag('--quantization', 'enum', 'acceleration.quantization fp8 (load-time; pre-quantized checkpoints are detected from quantization_config)', VLLM_ARGS, VLLM_QUANTIZATION_VALUES),
  flag('--kv-cache-dtype', 'enum', 'acceleration.kvCacheDtype', VLLM_KV_CACHE_DTYPE, ['auto', 'fp8', 'fp8_e4m3']),
  flag('--dtype', 'enum', 'model.dtype as served on GPUs without bf16 (lib/engines/dtype.ts)', VLLM_DTYPE, ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32']),
  flag('--speculative-config', 'json', 'acceleration.speculative', VLLM_SPEC),
  flag('--runner', 'enum', 'model.task embedding|rerank', VLLM_POOLING, ['auto', 'generate', 'pooling', 'draft']),
  { name: 'VLLM_USE_MODELSCOPE', kind: 'env', type: 'bool', values: ['True'], from: 'model.uri modelscope://', source: VLLM_ENVS },
  { name: 'NCCL_P2P_DISABLE', kind: 'env', type: 'enum', values: ['1'], from: 'tensorParallel > 1 on PCIe A10 instances', source: NCCL_ENV },
];

const rules: readonly ContractRule[] = [
  {
    id: 'prefix-caching-one-form',
    description: 'argparse keeps the last of --enable-prefix-caching / --no-enable-prefix-caching; both at once is a contradiction',
    check: (o) => ('--enable-prefix-caching' in o && '--no-enable-prefix-caching' in o ? 'both --enable-prefix-caching and --no-enable-prefix-caching' : undefined),
    source: VLLM_ARGS,
  },
  {
    id: 'pooling-no-generation-options',
    description: 'a pooling runner generates no tokens: speculative decoding does not apply',
    check: (o) => (o['--runner'] === 'pooling' && '--speculative-config' in o ? '--speculative-config with --runner pooling' : undefined),
    source: VLLM_POOLING,
  },
  {
    id: 'speculative-config-shape',
    description: 'SpeculativeConfig needs num_speculative_tokens, a method (eagle or draft_model) and the draft model',
    check: (o) => {
      const raw = o['--speculative-config'];
      if (raw === undefined) return undefined;
      try {
        const c = JSON.parse(raw) as Record<string, unknown>;
        if (typeof c.num_speculative_tokens !== 'number') return '--speculative-config has no num_speculative_tokens';
        if (c.method !== 'eagle' && c.method !== 'draft_model') return `--speculative-config method ${String(c.method)} is not eagle or draft_model`;
        return c.model ? undefined : '--speculative-config has no draft model';
      } catch {
        return '--speculative-config is not JSON';
      }
    },
    source: VLLM_SPEC,
  },
];

export const ALIBABA_VLLM_CONTRACT: EngineContract = {
  id: 'alibaba/vllm',
  target: 'alibaba',
  engine: 'vllm',
  image: 'eas-registry-vpc.<region>.cr.aliyuncs.com/pai-eas/vllm:0.14.0-gpu (vLLM 0.14.0)',
  options,
  rules,
};

/** vLLM's OpenAI server routes: liveness and the model list (readiness). */
export const VLLM_HEALTH_PATH = '/health';
export const VLLM_READINESS_PATH = '/v1/models';
