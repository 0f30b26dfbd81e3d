/**
 * KV cache per token and tokens per byte budget.
 *
 *   per token and device = 2 (K and V) x layers x kvHeads-per-shard x headDim x bytes(kvCacheDtype)
 *
 * kvHeads-per-shard = max(1, kvHeads / tp): with more shards than KV heads the engines replicate heads
 * (vLLM `QKVParallelLinear`, `num_kv_head_replicas`), so a device never holds less than one head.
 */
import type { Architecture, KvDtype, WeightDtype } from './types';

export function kvBytesPerElement(dtype: WeightDtype, kv: KvDtype): number {
  switch (kv) {
    case 'fp8':
    case 'int8':
      return 1;
    case 'int4':
      return 0.5;
    case 'auto':
      return dtype === 'fp32' ? 4 : 2;
  }
}

export function kvHeadsPerShard(kvHeads: number, tensorParallel: number): number {
  return Math.max(1, Math.ceil(kvHeads / Math.max(1, tensorParallel)));
}

/** KV bytes of one token on one device. */
export function kvBytesPerToken(arch: Architecture, bytesPerElement: number, tensorParallel = 1): number {
  return 2 * arch.layers * kvHeadsPerShard(arch.kvHeads, tensorParallel) * arch.headDim * bytesPerElement;
}

/** Tokens that fit in `kvBytes` on each device, rounded down to whole pages of `pageTokens`. */
export function kvTokens(kvBytes: number, bytesPerToken: number, pageTokens = 1): number {
  if (kvBytes <= 0 || bytesPerToken <= 0) return 0;
  const tokens = Math.floor(kvBytes / bytesPerToken);
  return tokens - (tokens % pageTokens);
}
