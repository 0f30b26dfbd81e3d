/**
 * SGLang (github.com/sgl-project/sglang, `python/sglang/srt/server_args.py` `_handle_gpu_memory_settings`):
 *
 * - Unless `--mem-fraction-static` is given, the engine reserves (MiB)
 *     512 (attention metadata) + max(chunked_prefill_size, 2048) x 1.5 (activations)
 *     + cuda_graph_max_bs x 2 (CUDA graphs) + tp x pp / 8 x 1024 (parallel communication),
 *   at least 10 GiB on GPUs with more than 60 GiB, and sets mem_fraction_static = (total - reserved) / total.
 *   chunked_prefill_size / cuda_graph_max_bs defaults grow with GPU memory: < 20 GiB 2048 / 8, < 35 GiB 2048 / 24
 *   (80 from tp 4), < 60 GiB 4096 / 32 (160), larger 8192 / 256 (512). These tiers and coefficients change between
 *   SGLang releases (some releases use fixed reservations per tier instead); this follows the formula above.
 * - The KV pool is total x mem_fraction_static minus the weights (`model_runner` `profile_max_num_token`),
 *   in pages of 1 token; requests longer than the pool are rejected, so the pool must hold one
 *   `--context-length` sequence. `--max-running-requests` caps concurrency, the pool decides it.
 *
 * We pass the spec's `gpuMemoryUtilization` as `--mem-fraction-static` when it is set; then the reservation
 * is total x (1 - fraction), shown as runtime.
 */
import { pagedResult, shardedWeights } from './paged';
import { GIB, SizingInput, SizingResult } from './types';

const MIB = 1024 ** 2;

/** chunked_prefill_size and cuda_graph_max_bs defaults by GPU memory tier and tensor parallelism (server_args.py). */
export function sglangBatchDefaults(deviceMemoryBytes: number, tp = 1): { chunkedPrefillSize: number; cudaGraphMaxBs: number } {
  const wide = tp >= 4;
  if (deviceMemoryBytes < 20 * GIB) return { chunkedPrefillSize: 2048, cudaGraphMaxBs: 8 };
  if (deviceMemoryBytes < 35 * GIB) return { chunkedPrefillSize: 2048, cudaGraphMaxBs: wide ? 80 : 24 };
  if (deviceMemoryBytes < 60 * GIB) return { chunkedPrefillSize: 4096, cudaGraphMaxBs: wide ? 160 : 32 };
  return { chunkedPrefillSize: 8192, cudaGraphMaxBs: wide ? 512 : 256 };
}

/** Reserved MiB split into activation and runtime parts, per the server_args formula. */
export function sglangReservation(input: SizingInput, tp: number): { activationBytes: number; runtimeBytes: number } {
  const defaults = sglangBatchDefaults(input.deviceMemoryBytes, tp);
  const chunk = input.maxBatchedTokens ?? defaults.chunkedPrefillSize;
  const activation = Math.max(chunk, 2048) * 1.5 * MIB;
  let runtime = (512 + defaults.cudaGraphMaxBs * 2 + (tp / 8) * 1024) * MIB;
  if (input.deviceMemoryBytes > 60 * GIB && activation + runtime < 10 * 1024 * MIB) runtime = 10 * 1024 * MIB - activation;
  return { activationBytes: Math.ceil(activation), runtimeBytes: Math.ceil(runtime) };
}

export function sizeSglang(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const explicit = input.gpuMemoryUtilization;
  const reservation = explicit !== undefined ? { activationBytes: 0, runtimeBytes: Math.ceil(input.deviceMemoryBytes * (1 - explicit)) } : sglangReservation(input, tp);
  return pagedResult(input, {
    engine: 'sglang',
    rule: 'SGLang: the KV pool is device memory x mem_fraction_static minus the weights; the fraction reserves room for activations, CUDA graphs and communication; the pool must hold one sequence of context-length',
    budgetBytes: input.deviceMemoryBytes,
    weightsBytes: weights,
    totalWeightBytes: total,
    ...reservation,
  });
}
