/**
 * The PAI-EAS SGLang image (`pai-eas/sglang:0.5.8-acclep1.2.1-gpu`, SGLang 0.5.8): the
 * `python -m sglang.launch_server` flags and environment variables inferstack emits.
 */
import type { ContractOption, ContractRule, ContractSource, EngineContract } from '../contract';

const CHECKED = '2026-11-25';
const SERVER_ARGS: ContractSource = {
  ref: 'sgl-project/sglang:python/sglang/srt/server_args.py (ServerArgs.add_cli_args; flags cross-checked with https://docs.sglang.io/SpecForge/benchmarks/benchmark.html)',
  checked: CHECKED,
};
const MODELSCOPE: ContractSource = { ref: 'https://docs.sglang.io/supported_models/modelscope.html', checked: CHECKED };
const PAI_IMAGE: ContractSource = {
  ref: 'aliyun/alibabacloud-aiops-skills@1202ecc7:skills/aiml/learn/alibabacloud-pai-eas-service-deploy (Pattern 4: python -m sglang.launch_server --model-path /model_dir --host 0.0.0.0 --port 8000)',
  checked: CHECKED,
};
const NCCL_ENV: ContractSource = { ref: 'https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/env.html#nccl-p2p-disable', checked: CHECKED };

function flag(name: string, type: ContractOption['type'], from: string | undefined, values?: readonly string[], source: ContractSource = SERVER_ARGS): ContractOption {
  return { name, kind: 'flag', type, ...(values ? { values } : {}), ...(from ? { from } : {}), source };
}

const options: readonly ContractOption[] = [
  flag('--model-path', 'path', 'model.uri', undefined, PAI_IMAGE),
  flag('--host', 'string', undefined, undefined, PAI_IMAGE),
  flag('--port', 'int', 'container.port', undefined, PAI_IMAGE),
  flag('--served-model-name', 'string', 'deployment name'),
  flag('--tp', 'int', 'acceleration.tensorParallel'),
  flag('--context-length', 'int', 'llm.maxContextLength'),
  flag('--max-running-requests', 'int', 'llm.maxConcurrentSequences'),
  flag('--mem-fraction-static', 'float', 'llm.gpuMemoryUtilization'),
  flag('--chunked-prefill-size', 'int', 'llm.maxBatchedTokens'),
  flag('--trust-remote-code', 'bool', 'model.trustRemoteCode: true', ['']),
  flag('--disable-radix-cache', 'bool', 'llm.prefixCaching: false', ['']),
  flag('--quantization', 'enum', 'acceleration.quantization fp8 (load-time; pre-quantized checkpoints are detected from quantization_config)', ['fp8', 'awq', 'gptq']),
  flag('--kv-cache-dtype', 'enum', 'acceleration.kvCacheDtype', ['auto', 'fp8_e5m2', 'fp8_e4m3']),
  flag('--dtype', 'enum', 'model.dtype as served on GPUs without bf16 (lib/engines/dtype.ts)', ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32']),
  flag('--speculative-algorithm', 'enum', 'acceleration.speculative.method', ['EAGLE', 'EAGLE3', 'STANDALONE']),
  flag('--speculative-draft-model-path', 'path', 'acceleration.speculative.draftModel'),
  flag('--speculative-num-draft-tokens', 'int', 'acceleration.speculative.tokens'),
  { name: 'SGLANG_USE_MODELSCOPE', kind: 'env', type: 'bool', values: ['true'], from: 'model.uri modelscope://', source: MODELSCOPE },
  { name: 'NCCL_P2P_DISABLE', kind: 'env', type: 'enum', values: ['1'], from: 'tensorParallel > 1 on PCIe A10 instances', source: NCCL_ENV },
];

const rules: readonly ContractRule[] = [
  {
    id: 'speculative-options-need-algorithm',
    description: 'the speculative draft options are read only when --speculative-algorithm is set',
    check: (o) =>
      ('--speculative-draft-model-path' in o || '--speculative-num-draft-tokens' in o) && !('--speculative-algorithm' in o)
        ? 'speculative options without --speculative-algorithm'
        : undefined,
    source: SERVER_ARGS,
  },
  {
    id: 'standalone-needs-draft',
    description: 'STANDALONE speculative decoding runs a separate draft model',
    check: (o) => (o['--speculative-algorithm'] === 'STANDALONE' && !('--speculative-draft-model-path' in o) ? 'STANDALONE without --speculative-draft-model-path' : undefined),
    source: SERVER_ARGS,
  },
];

export const ALIBABA_SGLANG_CONTRACT: EngineContract = {
  id: 'alibaba/sglang',
  target: 'alibaba',
  engine: 'sglang',
  image: 'eas-registry-vpc.<region>.cr.aliyuncs.com/pai-eas/sglang:0.5.8-acclep1.2.1-gpu (SGLang 0.5.8)',
  options,
  rules,
};
