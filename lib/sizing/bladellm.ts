/**
 * BladeLLM (Alibaba Cloud PAI, `blade_llm_server`; parameters documented at
 * https://www.alibabacloud.com/help/en/pai/user-guide/service-deployment-parameter-configuration):
 *
 * - `--max_gpu_memory_utilization` bounds the engine's share of each device; weights, the activation peak
 *   of a `--ragged_flash_max_batch_tokens` batch and runtime buffers come out of it, the rest is the paged
 *   KV cache (BladeLLM's scheduler preempts by RECOMPUTE/SWAP when it runs out, like vLLM).
 * - The engine's internal profiling constants are not published: we use vLLM's (same design: profile, then
 *   page the rest) with a 2048-token profiling batch, and the same admission rule — one sequence of the
 *   maximum length must fit.
 */
import { pagedResult, shardedWeights } from './paged';
import type { SizingInput, SizingResult } from './types';
import { vllmActivationBytes, vllmRuntimeBytes } from './vllm';

export const BLADELLM_DEFAULT_MAX_BATCH_TOKENS = 2048;
/** Used only when no utilization is given (inferstack always passes --max_gpu_memory_utilization). */
export const BLADELLM_ASSUMED_GPU_MEMORY_UTILIZATION = 0.9;

export function sizeBladeLlm(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const utilization = input.gpuMemoryUtilization ?? BLADELLM_ASSUMED_GPU_MEMORY_UTILIZATION;
  const profiling = { ...input, maxBatchedTokens: input.maxBatchedTokens ?? BLADELLM_DEFAULT_MAX_BATCH_TOKENS };
  return pagedResult(input, {
    engine: 'bladellm',
    rule: `BladeLLM: budget = device memory x max_gpu_memory_utilization (${utilization}); the paged KV cache is what is left after weights, activations and runtime; it must hold one sequence of the maximum length`,
    budgetBytes: Math.floor(input.deviceMemoryBytes * utilization),
    weightsBytes: weights,
    totalWeightBytes: total,
    activationBytes: vllmActivationBytes(profiling, weights, tp),
    runtimeBytes: vllmRuntimeBytes(tp),
    pageTokens: 16,
  });
}
