/**
 * BladeLLM (`pai-eas/blade-llm:0.11.0`): the `blade_llm_server` flags inferstack emits. BladeLLM is closed
 * source; its options are documented only in the PAI docs (the `--help` text is reproduced there).
 * It has no option for a maximum context length or a maximum number of concurrent sequences (its scheduler is
 * bounded by `--ragged_flash_max_batch_tokens` and GPU memory), so those spec fields are reported as ignored.
 */
import type { ContractOption, ContractRule, ContractSource, EngineContract } from '../contract';

const CHECKED = '2026-11-25';
const SERVER_PARAMS: ContractSource = { ref: 'https://www.alibabacloud.com/help/en/pai/user-guide/service-deployment-parameter-configuration', checked: CHECKED };
const QUICK_START: ContractSource = { ref: 'https://www.alibabacloud.com/help/en/pai/user-guide/bladellm-quick-start (image blade-llm, port 8081)', checked: CHECKED };
const NCCL_ENV: ContractSource = { ref: 'https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html#nccl-p2p-disable', checked: CHECKED };

function flag(name: string, type: ContractOption['type'], from: string | undefined, values?: readonly string[], source: ContractSource = SERVER_PARAMS): ContractOption {
  return { name, kind: 'flag', type, ...(values ? { values } : {}), ...(from ? { from } : {}), source };
}

export const BLADE_KV_CACHE_QUANT = ['no_quant', 'int8', 'int4', 'int8_affine', 'int4_affine', 'fp8_e5m2', 'fp8_e4m3', 'mix_f852i4', 'mix_f843i4', 'mix_i8i4', 'mix_i4i4'] as const;

const options: readonly ContractOption[] = [
  flag('--host', 'string', undefined),
  flag('--port', 'int', 'container.port', undefined, QUICK_START),
  flag('--model', 'path', 'model.uri (mounted at /model_dir)'),
  flag('--tensor_parallel_size', 'int', 'acceleration.tensorParallel'),
  flag('--max_gpu_memory_utilization', 'float', 'llm.gpuMemoryUtilization'),
  flag('--disable_prompt_cache', 'bool', 'llm.prefixCaching: false', ['']),
  flag('--kv_cache_quant', 'enum', 'acceleration.kvCacheDtype', BLADE_KV_CACHE_QUANT),
  flag('--decode_algo', 'enum', 'acceleration.speculative.method', ['sps', 'look_ahead', 'normal']),
  flag('--gamma', 'int', 'acceleration.speculative.tokens'),
  flag('--draft.model', 'path', 'acceleration.speculative.draftModel'),
  { name: 'NCCL_P2P_DISABLE', kind: 'env', type: 'enum', values: ['1'], from: 'tensorParallel > 1 on PCIe A10 instances', source: NCCL_ENV },
];

const rules: readonly ContractRule[] = [
  {
    id: 'draft-needs-sps',
    description: '--gamma and --draft.model configure speculative sampling (--decode_algo sps) only',
    check: (o) => (('--gamma' in o || '--draft.model' in o) && o['--decode_algo'] !== 'sps' ? '--gamma/--draft.model without --decode_algo sps' : undefined),
    source: SERVER_PARAMS,
  },
];

export const ALIBABA_BLADELLM_CONTRACT: EngineContract = {
  id: 'alibaba/bladellm',
  target: 'alibaba',
  engine: 'bladellm',
  image: 'eas-registry-vpc.<region>.cr.aliyuncs.com/pai-eas/blade-llm:0.11.0',
  options,
  rules,
};

/** Spec fields BladeLLM has no option for; reported as ignored when a spec sets them. */
export const BLADE_IGNORED_FIELDS: ReadonlyArray<{ readonly path: readonly string[]; readonly reason: string }> = [
  { path: ['llm', 'maxContextLength'], reason: 'blade_llm_server has no maximum-context-length option; the model config.json decides it' },
  { path: ['llm', 'maxConcurrentSequences'], reason: 'blade_llm_server has no maximum-concurrent-sequences option; batching is bounded by --ragged_flash_max_batch_tokens and GPU memory' },
  { path: ['model', 'trustRemoteCode'], reason: 'blade_llm_server has no trust-remote-code option (it serves Qwen and Llama architectures built in)' },
];
