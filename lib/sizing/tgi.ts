/**
 * Text Generation Inference (github.com/huggingface/text-generation-inference, v3.3.6 as pinned,
 * `server/text_generation_server/models/flash_causal_lm.py` `warmup`):
 *
 * - Warm-up runs one prefill batch of `--max-batch-prefill-tokens` (default 4096) tokens, then sizes the
 *   KV cache from what is free: `get_free_memory(device, MEMORY_FRACTION * TGI_WIGGLE_ROOM)` =
 *   CUDA free memory - (1 - fraction x wiggle room) x total (`utils/import_utils.py` `get_cuda_free_memory`),
 *   with `CUDA_MEMORY_FRACTION` 1.0 (`utils/dist.py`) and `TGI_WIGGLE_ROOM` 0.90 (`models/globals.py`; 0.93 in
 *   v3.1-v3.2, 0.95 in v3.0). So the budget is 0.90 x total and the KV cache is what the weights, the warm-up's
 *   cached activations and the runtime leave of it; the rest is for CUDA graphs (captured afterwards).
 * - The inferred `max_batch_total_tokens` is the KV capacity; the router refuses to start when it is below
 *   `--max-total-tokens` ("Not enough memory to handle max_total_tokens").
 */
import { activationFallbackBytes, forwardActivationBytes } from './activation';
import { pagedResult, shardedWeights } from './paged';
import { GIB, SizingInput, SizingResult } from './types';

export const TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS = 4096;
/** `TGI_WIGGLE_ROOM` default at v3.3.6 (`server/text_generation_server/models/globals.py`). */
export const TGI_WIGGLE_ROOM = 0.9;
/** CUDA context and cuBLAS workspaces outside the KV computation; NCCL buffers when sharded. */
const TGI_RUNTIME_BYTES = 0.5 * GIB;
const TGI_SHARDED_BYTES = 0.5 * GIB;

export function sizeTgi(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const fraction = input.gpuMemoryUtilization ?? 1;
  const tokens = input.maxBatchedTokens ?? TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS;
  return pagedResult(input, {
    engine: 'tgi',
    rule: `TGI: budget = device memory x cuda-memory-fraction (${fraction}) x TGI_WIGGLE_ROOM (${TGI_WIGGLE_ROOM}); the KV cache is what is free of it after loading and a warm-up prefill of max-batch-prefill-tokens; max_batch_total_tokens must reach max-total-tokens`,
    budgetBytes: Math.floor(input.deviceMemoryBytes * fraction * TGI_WIGGLE_ROOM),
    weightsBytes: weights,
    totalWeightBytes: total,
    activationBytes: input.architecture ? forwardActivationBytes(tokens, input.architecture, input.parameters, tp) : activationFallbackBytes(weights),
    runtimeBytes: Math.ceil(TGI_RUNTIME_BYTES + (tp > 1 ? TGI_SHARDED_BYTES : 0)),
    pageTokens: 16,
  });
}
