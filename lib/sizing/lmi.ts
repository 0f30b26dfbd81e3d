/**
 * SageMaker LMI (github.com/deepjavalibrary/djl-serving) sizes through its backend:
 *
 * - `vllm` (rolling batch vllm / lmi-dist): vLLM's rule with `option.gpu_memory_utilization` (default 0.9).
 * - `trtllm`: TensorRT-LLM gives the KV cache `kv_cache_free_gpu_mem_fraction` (default 0.9) of the memory
 *   free after the engine (weights and activation buffers for `max_num_tokens`) is loaded
 *   (TensorRT-LLM docs, "KV cache": free_gpu_memory_fraction 0.9); paged, so one max-length sequence must fit.
 * - `neuron` (transformers-neuronx): the KV cache is allocated statically for `batch_size` x `n_positions`
 *   at compile time, so every sequence needs its full-length cache: concurrency is not a scheduling choice.
 */
import { activationFallbackBytes, forwardActivationBytes } from './activation';
import { kvBytesPerElement, kvBytesPerToken } from './kv';
import { pagedResult, shardedWeights } from './paged';
import { GIB, SizingInput, SizingResult } from './types';
import { sizeVllm } from './vllm';
import { formatBytes } from '../spec/units';

export const TRTLLM_KV_FREE_FRACTION = 0.9;
/** LMI's own default for option.gpu_memory_utilization, which it passes to vLLM. */
export const LMI_DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;
const TRTLLM_DEFAULT_MAX_NUM_TOKENS = 8192;
const TRTLLM_RUNTIME_BYTES = 1 * GIB;
const NEURON_RUNTIME_BYTES = 1 * GIB;

export function sizeLmi(input: SizingInput): SizingResult {
  const backend = input.lmiBackend ?? 'vllm';
  if (backend === 'vllm') {
    const r = sizeVllm({ ...input, gpuMemoryUtilization: input.gpuMemoryUtilization ?? LMI_DEFAULT_GPU_MEMORY_UTILIZATION });
    return { ...r, engine: 'lmi', rule: `LMI (vLLM backend): ${r.rule.replace(/^vLLM: /, '')}` };
  }
  return backend === 'trtllm' ? sizeTrtllm(input) : sizeNeuron(input);
}

function sizeTrtllm(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const tokens = input.maxBatchedTokens ?? TRTLLM_DEFAULT_MAX_NUM_TOKENS;
  return pagedResult(input, {
    engine: 'lmi',
    rule: `LMI (TensorRT-LLM backend): the KV cache is kv_cache_free_gpu_mem_fraction (${TRTLLM_KV_FREE_FRACTION}) of the memory free after the engine is loaded; it must hold one sequence of max_model_len`,
    budgetBytes: input.deviceMemoryBytes,
    weightsBytes: weights,
    totalWeightBytes: total,
    activationBytes: input.architecture ? forwardActivationBytes(tokens, input.architecture, input.parameters, tp) : activationFallbackBytes(weights),
    runtimeBytes: TRTLLM_RUNTIME_BYTES,
    kvShareOfRest: TRTLLM_KV_FREE_FRACTION,
    pageTokens: 64,
  });
}

function sizeNeuron(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const perDevice = {
    totalBytes: input.deviceMemoryBytes,
    budgetBytes: input.deviceMemoryBytes,
    weightsBytes: weights,
    activationBytes: 0,
    runtimeBytes: NEURON_RUNTIME_BYTES,
    kvCacheBytes: 0,
  };
  const rule = 'LMI (Neuron backend): the KV cache is allocated at compile time for batch size x n_positions; every sequence needs its full-length cache';
  const rest = input.deviceMemoryBytes - weights - NEURON_RUNTIME_BYTES;
  const base = { engine: 'lmi' as const, rule, devices: input.devices, tensorParallel: tp, totalWeightBytes: total };
  if (!input.architecture) {
    return { ...base, perDevice, fits: rest > 0, kvChecked: false, concurrencyLimited: false, reason: rest > 0 ? 'weights fit; the KV cache could not be checked (architecture unknown)' : 'the weights do not fit' };
  }
  const perToken = kvBytesPerToken(input.architecture, kvBytesPerElement(input.dtype, input.kvCacheDtype), tp);
  const kvNeeded = perToken * input.maxContextLength * input.maxConcurrentSequences;
  const maxConcurrency = Math.max(0, Math.floor(rest / (perToken * input.maxContextLength)));
  const fits = kvNeeded <= rest;
  return {
    ...base,
    perDevice: { ...perDevice, kvCacheBytes: Math.min(kvNeeded, Math.max(0, rest)) },
    kvBytesPerTokenPerDevice: perToken,
    kvCacheTokens: input.maxContextLength * Math.min(input.maxConcurrentSequences, maxConcurrency),
    maxConcurrencyAtFullContext: maxConcurrency,
    fits,
    kvChecked: true,
    concurrencyLimited: false,
    reason: fits
      ? `${input.maxConcurrentSequences} sequences of ${input.maxContextLength} tokens take ${formatBytes(kvNeeded)} of KV cache per device`
      : `${input.maxConcurrentSequences} sequences of ${input.maxContextLength} tokens need ${formatBytes(kvNeeded)} of static KV cache per device, but only ${formatBytes(Math.max(0, rest))} is left (at most ${maxConcurrency} sequences)`,
  };
}
