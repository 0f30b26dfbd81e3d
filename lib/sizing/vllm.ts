/**
 * vLLM (github.com/vllm-project/vllm; the V1 engine of PAI-EAS's vllm image and the V0 engine inside SageMaker
 * LMI 0.30 follow the same budget rule, `worker/worker.py` `determine_num_available_blocks` in V0):
 *
 * - Budget per device = total memory as CUDA reports it x `gpu_memory_utilization`
 *   (`vllm/v1/worker/gpu_worker.py` `determine_available_memory`: requested_memory - non_kv_cache_memory).
 * - non-KV memory = weights (this shard) + torch activation peak of the profiling run + memory outside
 *   the torch allocator that grew during profiling (`vllm/utils` `memory_profiling`: NCCL and custom
 *   all-reduce buffers with tensor parallelism). CUDA graphs are captured after the KV cache is allocated
 *   and are not part of the budget (that is the headroom `gpu_memory_utilization` < 1 leaves).
 * - The profiling run is one forward pass of `max_num_batched_tokens` tokens, then a sampler pass over
 *   min(`max_num_seqs`, tokens) rows of vocabulary logits with top-k = vocab - 1 and top-p < 1 (V1
 *   `gpu_model_runner.py` `_dummy_sampler_run`; V0 `worker/model_runner.py` `profile_run`). The peak is the
 *   larger of the two. Defaults (`vllm/engine/arg_utils.py` `EngineArgs.get_batch_defaults`, OpenAI
 *   server): 8192 tokens / 1024 sequences on GPUs with >= 70 GiB that are not A100s, else 2048 / 256.
 * - The sampler's peak per logit depends on how top-k/top-p runs. PyTorch's path (`apply_top_k_top_p`,
 *   V0's `_apply_top_k_top_p`; V1 when FlashInfer sampling is off) sorts the fp32 logits: 16-bit logits 2 +
 *   fp32 logits 4 + sorted values 4 + int64 indices 8, and PyTorch's segmented sort
 *   (`aten/src/ATen/native/cuda/SortStable.cu` `segmented_sort_pairs`) adds an int64 index input 8 and
 *   CUB's double buffers 4 + 8: 38 bytes. Published profiles agree: 4.76 GiB for Llama-3.1-8B and 5.56 GiB
 *   for Qwen3-0.6B at 1024 sequences on H100 with vLLM 0.11.0 (llm-d-planner
 *   docs/empirical-vllm-memory-results.md), 0.90 GiB for 192 x 128,256 logits on a T4 (V0). FlashInfer's
 *   top-k/top-p kernel samples without sorting: fp32 logits and probabilities, 8 bytes.
 * - Admission (`vllm/v1/core/kv_cache_utils.py` `check_enough_kv_cache_memory`): refuses to start when the
 *   KV cache cannot hold one request of `max_model_len` ("To serve at least one request with the models's
 *   max seq len ..."). Then it logs "Maximum concurrency for N tokens per request: X" = KV tokens / N and
 *   schedules as many sequences as fit, shorter ones sharing the same blocks (block size 16).
 */
import { activationFallbackBytes, forwardActivationBytes } from './activation';
import { pagedResult, shardedWeights } from './paged';
import { GIB, SizingInput, SizingResult, VllmSampler } from './types';

/** `vllm/config/cache.py` CacheConfig.gpu_memory_utilization default (0.92 in current releases; it was 0.9). */
export const VLLM_DEFAULT_GPU_MEMORY_UTILIZATION = 0.92;
export const VLLM_BLOCK_SIZE = 16;
/** Memory outside the torch allocator measured during profiling: ~0.35 GiB logged at TP 1 (vllm#10517). */
export const VLLM_NON_TORCH_BYTES = 0.4 * GIB;
/** NCCL communicators and custom all-reduce buffers when tensor parallel. */
export const VLLM_TP_COMMUNICATION_BYTES = 0.5 * GIB;
/**
 * Peak bytes per vocabulary logit of the profiling sampler (derivation above). Sorting is the default: V0
 * always sorts, and so did vLLM 0.11.0; builds that sample with FlashInfer need less (`vllmSampler`).
 */
export const VLLM_SAMPLER_BYTES_PER_LOGIT: Record<VllmSampler, number> = { sort: 38, flashinfer: 8 };

export interface VllmBatchDefaults {
  readonly maxNumBatchedTokens: number;
  readonly maxNumSeqs: number;
}

export function vllmBatchDefaults(deviceMemoryBytes: number, acceleratorModel = ''): VllmBatchDefaults {
  const large = deviceMemoryBytes >= 70 * GIB && !/a100/i.test(acceleratorModel);
  return large ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}

/** Peak of the profiling run: the forward pass, or the sampler over its rows of vocabulary logits if larger. */
export function vllmActivationBytes(input: SizingInput, weightsPerDevice: number, tensorParallel: number): number {
  if (!input.architecture) return activationFallbackBytes(weightsPerDevice);
  const defaults = vllmBatchDefaults(input.deviceMemoryBytes, input.acceleratorModel);
  const tokens = input.maxBatchedTokens ?? defaults.maxNumBatchedTokens;
  const forward = forwardActivationBytes(tokens, input.architecture, input.parameters, tensorParallel);
  const rows = Math.min(input.maxNumSeqs ?? defaults.maxNumSeqs, tokens);
  const perLogit = VLLM_SAMPLER_BYTES_PER_LOGIT[input.vllmSampler ?? 'sort'];
  const sampler = input.architecture.vocabSize ? perLogit * rows * input.architecture.vocabSize : 0;
  return Math.max(forward, sampler);
}

export function vllmRuntimeBytes(tensorParallel: number): number {
  return Math.ceil(VLLM_NON_TORCH_BYTES + (tensorParallel > 1 ? VLLM_TP_COMMUNICATION_BYTES : 0));
}

export function sizeVllm(input: SizingInput): SizingResult {
  const { tp, total, weights } = shardedWeights(input);
  const utilization = input.gpuMemoryUtilization ?? VLLM_DEFAULT_GPU_MEMORY_UTILIZATION;
  return pagedResult(input, {
    engine: 'vllm',
    rule: `vLLM: budget = device memory x gpu_memory_utilization (${utilization}); the KV cache is what is left after weights, the profiling peak and runtime buffers; it must hold one sequence of max_model_len`,
    budgetBytes: Math.floor(input.deviceMemoryBytes * utilization),
    weightsBytes: weights,
    totalWeightBytes: total,
    activationBytes: vllmActivationBytes(input, weights, tp),
    runtimeBytes: vllmRuntimeBytes(tp),
    pageTokens: VLLM_BLOCK_SIZE,
  });
}
