/**
 * Text Generation Inference (github.com/huggingface/text-generation-inference, v3,
 * `server/text_generation_server/models/flash_causal_lm.py` `warmup`):
 *
 * - Warm-up runs one prefill batch of `--max-batch-prefill-tokens` (default 4096) tokens, then sizes the
 *   KV cache from the free memory: free = CUDA free memory - (1 - `--cuda-memory-fraction`) x total
 *   (`utils/import_utils.py` `get_free_memory`, fraction default 1.0), KV = free x TGI_WIGGLE_ROOM (0.93),
 *   leaving the rest for CUDA graphs (captured afterwards, batch sizes 1-32 by default).
 * - The inferred `max_batch_total_tokens` is the KV capacity; the router refuses to start when it is below
 *   `--max-total-tokens` ("Not enough memory to handle max_total_tokens").
 */
import { activationFallbackBytes, forwardActivationBytes } from './activation';
import { pagedResult, shardedWeights } from './paged';
import { GIB, SizingInput, SizingResult } from './types';

export const TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS = 4096;
export const TGI_WIGGLE_ROOM = 0.93;
/** CUDA context and cuBLAS workspaces outside the KV computation; NCCL buffers when sharded. */
const TGI_RUNTIME_BYTES = 0.5 * GIB;
const TGI_SHARDED_BYTES = 0.5 * GIB;

export function sizeTgi(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const fraction = input.gpuMemoryUtilization ?? 1;
  const tokens = input.maxBatchedTokens ?? TGI_DEFAULT_MAX_BATCH_PREFILL_TOKENS;
  return pagedResult(input, {
    engine: 'tgi',
    rule: `TGI: the KV cache is ${TGI_WIGGLE_ROOM} x the memory free after loading and a warm-up prefill of max-batch-prefill-tokens; max_batch_total_tokens must reach max-total-tokens`,
    budgetBytes: Math.floor(input.deviceMemoryBytes * fraction),
    weightsBytes: weights,
    totalWeightBytes: total,
    activationBytes: input.architecture ? forwardActivationBytes(tokens, input.architecture, input.parameters, tp) : activationFallbackBytes(weights),
    runtimeBytes: Math.ceil(TGI_RUNTIME_BYTES + (tp > 1 ? TGI_SHARDED_BYTES : 0)),
    kvShareOfRest: TGI_WIGGLE_ROOM,
    pageTokens: 16,
  });
}
