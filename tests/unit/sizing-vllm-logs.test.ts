/**
 * The vLLM memory model against published vLLM start-up logs. Each case copies what the log states (GPU
 * memory as vLLM reports it, gpu_memory_utilization, the profiling token count the engine used, tensor
 * parallelism) and asserts that the KV cache per device is within 5% of the device budget of what vLLM
 * logged, and that the start/refuse verdict is the same.
 *
 * Profiling tokens: V0 without chunked prefill profiles max(max_model_len, 2048) tokens; with chunked
 * prefill (V0 auto-enables it above 32k context; V1 always) it profiles max_num_batched_tokens (2048 on
 * GPUs under 70 GiB). Sampler rows: max_num_seqs where the run set it, V0's default 256, else V1's per-GPU
 * default; the sampler sorts unless the case says the run sampled with FlashInfer.
 */
import { describe, expect, it } from 'vitest';
import { knownArchitecture } from '../../lib/catalog/models';
import { GIB, kvBytesPerElement, kvBytesPerToken, kvTokens, sizeForEngine, SizingInput } from '../../lib/sizing';

interface LoggedStartup {
  readonly source: string;
  readonly family: string;
  readonly parameters: number;
  /** Activation dtype the engine ran (fp16 where the GPU has no bf16). @default 'bf16' */
  readonly dtype?: SizingInput['dtype'];
  readonly quantization?: SizingInput['quantization'];
  readonly kvCacheDtype?: SizingInput['kvCacheDtype'];
  readonly gpuGiB: number;
  readonly utilization: number;
  readonly tensorParallel: number;
  readonly maxModelLen: number;
  readonly profileTokens: number;
  /** max_num_seqs where the run set it (the engine default otherwise). */
  readonly maxNumSeqs?: number;
  /** How the run's sampler did top-k/top-p (see lib/sizing/vllm.ts). @default 'sort' */
  readonly sampler?: SizingInput['vllmSampler'];
  /** KV cache per device vLLM logged, GiB. */
  readonly loggedKvGiB: number;
  readonly started: boolean;
}

/** What CUDA reports for an A100 80GB (lib/catalog/data/accelerators.json usableMemoryGiB). */
const A100_80_GIB = 79.15;

/** V0's `EngineArgs.max_num_seqs` default (vllm/engine/arg_utils.py before the V1 per-GPU defaults). */
const V0_MAX_NUM_SEQS = 256;

/**
 * vLLM 0.11.0 (V1, vllm/vllm-openai:v0.11.0) on one H100 (79.18 GiB), `--gpu-memory-utilization=0.90
 * --max-model-len=16000 --block-size=128 --enable-prefix-caching`, batch defaults for GPUs of 70 GiB and more (8192
 * tokens, 1024 sequences): measured weights / activation / non-torch / KV GiB per model. The activation peak is the
 * sampler's (about 38 bytes per logit of 1024 x vocabulary, the same for every context length); "Qwen3-32B, TP 1: no
 * KV cache room at max-model-len=32000" (32,000 x 262,144 bytes = 7.8 GiB > 4.45 GiB). Checked 2026-11-25.
 */
const LLM_D_SOURCE = 'https://github.com/llm-d-incubation/llm-d-planner/blob/e50305af90f0812e77e1827f3bc740fe75b76370/docs/empirical-vllm-memory-results.md';
const LLM_D_H100: readonly {
  label: string; family: string; parameters: number; quantization?: SizingInput['quantization'];
  tensorParallel: number; loggedKvGiB: number; maxModelLen?: number; started?: boolean;
}[] = [
  { label: 'H100, Llama-3.1-8B-Instruct: 14.99 / 4.76 / 0.13 / 51.38', family: 'llama3.1', parameters: 8.03e9, tensorParallel: 1, loggedKvGiB: 51.38 },
  { label: 'H100, Qwen3-0.6B: 1.12 / 5.56 / 0.13 / 64.45', family: 'qwen3', parameters: 0.6e9, tensorParallel: 1, loggedKvGiB: 64.45 },
  { label: 'H100, Qwen3-32B: 61.03 / 5.64 / 0.14 / 4.45', family: 'qwen3', parameters: 32.8e9, tensorParallel: 1, loggedKvGiB: 4.45 },
  { label: 'H100, Qwen3-32B at 32000: refused', family: 'qwen3', parameters: 32.8e9, tensorParallel: 1, loggedKvGiB: 4.45, maxModelLen: 32000, started: false },
  { label: '2 x H100, Qwen3-32B, TP 2: 30.59 / 5.64 / 0.54 / 34.49', family: 'qwen3', parameters: 32.8e9, tensorParallel: 2, loggedKvGiB: 34.49 },
  { label: '2 x H100, Llama-3.3-70B-Instruct-FP8-dynamic, FP8 weights, TP 2: 33.88 / 4.84 / 0.55 / 32.00', family: 'llama3.3', parameters: 70.6e9, quantization: 'fp8', tensorParallel: 2, loggedKvGiB: 32.0 },
];

const CASES: readonly LoggedStartup[] = [
  {
    // "total_gpu_memory=23.58GiB ... kv_cache_size=3.81GiB gpu_memory_utilization=0.90 ... Maximum concurrency for 20000 tokens per request: 1.56x"
    source: 'https://github.com/vllm-project/vllm/issues/10517 (RTX 3090, Llama-3.1-8B-Instruct, 20k)',
    family: 'llama3.1', parameters: 8.03e9, gpuGiB: 23.58, utilization: 0.9, tensorParallel: 1,
    maxModelLen: 20000, profileTokens: 20000, loggedKvGiB: 3.81, started: true,
  },
  {
    // "kv_cache_size=2.89GiB ... The model's max seq len (29000) is larger than the maximum number of tokens that can be stored in KV cache (23648)"
    source: 'https://github.com/vllm-project/vllm/issues/10517 (RTX 3090, Llama-3.1-8B-Instruct, 29k)',
    family: 'llama3.1', parameters: 8.03e9, gpuGiB: 23.58, utilization: 0.9, tensorParallel: 1,
    maxModelLen: 29000, profileTokens: 29000, loggedKvGiB: 2.89, started: false,
  },
  {
    // "total_gpu_memory 79.22GiB ... model weights take 14.96GiB ... available_kv_cache_memory 53.29GiB"
    source: 'https://github.com/vllm-project/vllm/pull/10511 (H100 80GB, Meta-Llama-3-8B, TP 1)',
    family: 'llama3', parameters: 8.03e9, gpuGiB: 79.22, utilization: 0.9, tensorParallel: 1,
    maxModelLen: 8192, profileTokens: 8192, maxNumSeqs: V0_MAX_NUM_SEQS, loggedKvGiB: 53.29, started: true,
  },
  {
    // "-tp 2 ... can use 71.29GiB, model weights take 7.48GiB, non_torch_memory 3.58GiB, PyTorch activation peak memory 1.26GiB" -> 58.97 GiB left
    source: 'https://github.com/vllm-project/vllm/pull/10511 (2 x H100 80GB, Meta-Llama-3-8B, TP 2)',
    family: 'llama3', parameters: 8.03e9, gpuGiB: 79.22, utilization: 0.9, tensorParallel: 2,
    maxModelLen: 8192, profileTokens: 8192, maxNumSeqs: V0_MAX_NUM_SEQS, loggedKvGiB: 71.29 - 7.48 - 3.58 - 1.26, started: true,
  },
  {
    // "--tensor_parallel_size 2 --gpu_memory_utilization=0.98 ... max seq len (131072) is larger than ... KV cache (81536)".
    // The quoted "the rest of the memory reserved for KV Cache is 8.69GiB" (activation 0.19 GiB) is the second worker's:
    // V0 samples only on the driver worker (`vllm/worker/model_runner.py` execute_model returns before sampling when
    // not is_driver_worker) and allocates the smallest block count over the workers (`num_gpu_blocks = min(...)`), so
    // the cache vLLM built is the driver's 81,536 tokens x 98,304 bytes (48 layers x 4 KV heads per shard x 128 x 2 x 2).
    source: 'https://github.com/vllm-project/vllm/issues/13061 (2 x RTX 4090, DeepSeek-R1-Distill-Qwen-14B, TP 2)',
    family: 'deepseek-r1-distill-qwen', parameters: 14.8e9, gpuGiB: 23.55, utilization: 0.98, tensorParallel: 2,
    maxModelLen: 131072, profileTokens: 2048, loggedKvGiB: (81536 * 98304) / GIB, started: false,
  },
  {
    // V1: "Loading model weights took 67.7229 GB ... # GPU blocks: 1381 ... Maximum concurrency for 2048 tokens per request: 10.79x"
    // (--max-model-len 2048 --gpu-memory-utilization 0.98; 1381 blocks x 16 tokens x 327,680 bytes = 6.74 GiB; an 80 GB GPU,
    // the only size that holds 67.7 GiB of weights at 0.98; V1's API-server default then was 2048 batched tokens)
    source: 'https://github.com/vllm-project/vllm/pull/12569 (80 GB GPU, Llama-3.1-70B-Instruct w8a8, INT8 weights)',
    family: 'llama3.1', parameters: 70.6e9, quantization: 'int8', gpuGiB: 79.22, utilization: 0.98, tensorParallel: 1,
    maxModelLen: 2048, profileTokens: 2048, loggedKvGiB: (1381 * 16 * 327680) / GIB, started: true,
  },
  {
    // RTX 3090 24G, qwen/Qwen1.5-7B-Chat-GPTQ-Int4 --quantization gptq (max_model_len 32768, profiled in full then):
    // "The model's max seq len (32768) is larger than the maximum number of tokens that can be stored in KV cache (24320)"
    // -> 24,320 tokens x 524,288 bytes (32 layers x 32 KV heads x 128 x 2 x 2) = 11.88 GiB
    source: 'https://github.com/QwenLM/Qwen3/issues/16 (RTX 3090, Qwen1.5-7B-Chat-GPTQ-Int4, GPTQ weights, 32k)',
    family: 'qwen1.5', parameters: 7.72e9, quantization: 'gptq', gpuGiB: 23.58, utilization: 0.9, tensorParallel: 1,
    maxModelLen: 32768, profileTokens: 32768, loggedKvGiB: (24320 * 524288) / GIB, started: false,
  },
  {
    // V1 (2026): "Free memory on device (46.99/47.37 GiB) on startup. Desired GPU memory utilization is (0.85, 40.27 GiB).
    // Actual usage is 2.81 GiB for consumed memory (weights + non-torch), 0.57 GiB for peak activation ... Current kv cache
    // memory in use is 36.88 GiB" and "GPU KV cache size: 268,560 tokens, Maximum concurrency for 2,048 tokens per request".
    // The log names no model: 36.88 GiB / 268,560 tokens = 147,456 bytes per token (36 layers x 8 KV heads x 128 x 2 x 2)
    // and the 2.48 GiB AWQ checkpoint are Qwen/Qwen3-4B-AWQ, the model of vLLM's AWQ batch-invariance tests (vllm#38670).
    source: 'https://github.com/vllm-project/vllm/pull/57047 (48 GB-class SM89 GPU, Qwen3-4B-AWQ, AWQ weights)',
    family: 'qwen3', parameters: 4.0e9, quantization: 'awq', gpuGiB: 47.37, utilization: 0.85, tensorParallel: 1,
    maxModelLen: 2048, profileTokens: 2048, loggedKvGiB: 36.88, started: true,
  },
  {
    // "total_gpu_memory (8.00GiB) x gpu_memory_utilization (0.70) = 5.60GiB; model weights take 5.20GiB ... the rest of the
    // memory reserved for KV Cache is -1.05GiB ... # cuda blocks: 0" (Qwen2.5-7B AWQ: 5.20 GiB of weights; max_model_len 4096)
    source: 'https://github.com/vllm-project/vllm/issues/13882 (RTX 4060 8 GB, Qwen2.5-7B AWQ, util 0.7: no room for the KV cache)',
    family: 'qwen2.5', parameters: 7.62e9, quantization: 'awq', gpuGiB: 8.0, utilization: 0.7, tensorParallel: 1,
    maxModelLen: 4096, profileTokens: 4096, loggedKvGiB: 0, started: false,
  },
  {
    // V1, FP8 weights: `vllm serve Qwen3-Coder-30B-A3B-Instruct-FP8 --enable-expert-parallel --tensor-parallel-size 8
    // --gpu-memory-utilization 0.7` on 8 x 24 GB Ampere GPUs ("initial gpu memory usage is about 24003MiB / 24564MiB"):
    // "Available KV cache memory: 12.11 GiB". The same command with the BF16 checkpoint at 0.85 logged "Available KV cache
    // memory: 12.22 GiB ... GPU KV cache size: 534,064 tokens ... Maximum concurrency for 262,144 tokens per request: 2.04x"
    // (max_model_len 262,144; 534,064 tokens x 24,576 bytes = 48 layers x 1 replicated KV head x 128 x 2 x 2 = 12.22 GiB, so
    // TP 8 replicates the 4 KV heads). GPU memory is nvidia-smi's 24564 MiB (the log states no CUDA total); V1 profiles
    // 2048 batched tokens on GPUs under 70 GiB. Qwen3-Coder-30B-A3B has Qwen3-30B-A3B's architecture. The logged cache
    // leaves no room for a sorting sampler over 256 x 151,936 logits (1.4 GiB per rank): this 0.10 build sampled with
    // FlashInfer's top-k/top-p kernel, which `vllm/v1/sample/ops/topk_topp_sampler.py` uses when FlashInfer is installed
    // (builds without it log "FlashInfer is not available. Falling back to the PyTorch-native implementation", as the
    // Qwen3-8B-FP8 L4 case below does).
    source: 'https://github.com/vllm-project/vllm/issues/22177 (8 x 24 GB Ampere, Qwen3-Coder-30B-A3B-Instruct-FP8, FP8 weights, TP 8)',
    family: 'qwen3', parameters: 30.5e9, quantization: 'fp8', gpuGiB: 24564 / 1024, utilization: 0.7, tensorParallel: 8,
    maxModelLen: 262144, profileTokens: 2048, sampler: 'flashinfer', loggedKvGiB: 12.11, started: true,
  },
  {
    // 16 GB Tesla T4 (compute capability 7.5: V0 engine, XFormers attention, bf16 cast to fp16), vLLM 0.8.2,
    // `vllm serve unsloth/Llama-3.2-3B-Instruct --dtype float16 --max-model-len 2048 --gpu-memory-utilization 0.8938626454842437
    // --max-num-batched-tokens 2048 --max-num-seqs 192` (Unsloth's SyntheticDataKit starts it; the notebook keeps the output):
    // "total_gpu_memory (14.74GiB) x gpu_memory_utilization (0.89) = 13.18GiB; model weights take 6.02GiB; non_torch_memory
    // takes 0.05GiB; PyTorch activation peak memory takes 0.90GiB; the rest of the memory reserved for KV Cache is 6.22GiB.
    // # cuda blocks: 3637 ... Maximum concurrency for 2048 tokens per request: 28.41x" (3637 x 16 x 114,688 bytes = 6.22 GiB).
    // Our parts differ but nearly cancel: V0 profiles the sampler with top-k/top-p over max_num_seqs x vocab logits (0.90 GiB,
    // we count 0.25), and its non-torch memory on one GPU is 0.05 GiB (we count 0.40). Checked 2026-11-25.
    source: 'https://github.com/unslothai/notebooks/blob/bdda2efc7ad5ae129ea63cd2065d23c391406283/nb/Meta_Synthetic_Data_Llama3_2_(3B).ipynb (Tesla T4 16 GB, Llama-3.2-3B-Instruct fp16, vLLM 0.8.2)',
    family: 'llama3.2', parameters: 3.21e9, dtype: 'fp16', gpuGiB: 14.74, utilization: 0.8938626454842437, tensorParallel: 1,
    maxModelLen: 2048, profileTokens: 2048, maxNumSeqs: 192, loggedKvGiB: (3637 * 16 * 114688) / GIB, started: true,
  },
  {
    // 16 GB Tesla T4, vLLM 0.8.5.post1 (V0, XFormers, fp16), unsloth/Qwen3-4B-Base with max_seq_len 2048, "actual GPU
    // utilization = 69.34%", LoRA enabled (rank 32) for GRPO training: "total_gpu_memory (14.74GiB) x gpu_memory_utilization
    // (0.69) = 10.22GiB; model weights take 7.63GiB; non_torch_memory takes 0.03GiB; PyTorch activation peak memory takes
    // 0.88GiB; the rest of the memory reserved for KV Cache is 1.68GiB. # cuda blocks: 764 ... Maximum concurrency for 2048
    // tokens per request: 5.97x" (764 x 16 x 147,456 bytes = 1.68 GiB). The 7.63 GiB include the LoRA slots (we count the
    // 4.02B base parameters: 7.49 GiB). Checked 2026-11-25.
    source: 'https://github.com/unslothai/notebooks/blob/bdda2efc7ad5ae129ea63cd2065d23c391406283/nb/Qwen3_(4B)-GRPO.ipynb (Tesla T4 16 GB, Qwen3-4B-Base fp16, vLLM 0.8.5.post1)',
    family: 'qwen3', parameters: 4.02e9, dtype: 'fp16', gpuGiB: 14.74, utilization: 0.6934, tensorParallel: 1,
    maxModelLen: 2048, profileTokens: 2048, maxNumSeqs: 160, loggedKvGiB: (764 * 16 * 147456) / GIB, started: true,
  },
  {
    // 24 GB-class NVIDIA L4 ("Free memory on device (21.91/22.16 GiB)"), vLLM 0.10.2 V1, unsloth/Qwen3-8B-FP8 with
    // max_model_len 2048, max_num_batched_tokens 2048, max_num_seqs 224, gpu_memory_utilization 0.8661508568217998, LoRA
    // rank 32 enabled: "FlashInfer is not available. Falling back to the PyTorch-native implementation of top-p & top-k
    // sampling ... Actual usage is 8.96 GiB for weight, 1.23 GiB for peak activation, 0.02 GiB for non-torch memory ...
    // Available KV cache memory: 8.98 GiB ... GPU KV cache size: 65,376 tokens". The sorting sampler over 224 x 151,936
    // logits is the 1.23 GiB peak. Checked 2026-11-25.
    source: 'https://github.com/unslothai/notebooks/blob/bdda2efc7ad5ae129ea63cd2065d23c391406283/nb/Qwen3_8B_FP8_GRPO.ipynb (NVIDIA L4 24 GB, Qwen3-8B-FP8, FP8 weights, vLLM 0.10.2)',
    family: 'qwen3', parameters: 8.2e9, quantization: 'fp8', gpuGiB: 22.16, utilization: 0.8661508568217998, tensorParallel: 1,
    maxModelLen: 2048, profileTokens: 2048, maxNumSeqs: 224, loggedKvGiB: 8.98, started: true,
  },
  {
    // The same L4, vLLM 0.11.2, unsloth/Llama-3.2-1B-Instruct-FP8-Block, max_num_seqs 288, the same other settings:
    // "Using FlashInfer for top-p & top-k sampling ... Model loading took 1.4721 GiB ... Available KV cache memory: 17.20 GiB
    // ... GPU KV cache size: 563,744 tokens". Checked 2026-11-25.
    source: 'https://github.com/unslothai/notebooks/blob/bdda2efc7ad5ae129ea63cd2065d23c391406283/nb/Llama_FP8_GRPO.ipynb (NVIDIA L4 24 GB, Llama-3.2-1B-Instruct-FP8-Block, FP8 weights, FlashInfer sampling, vLLM 0.11.2)',
    family: 'llama3.2', parameters: 1.24e9, quantization: 'fp8', gpuGiB: 22.16, utilization: 0.8661508568217998, tensorParallel: 1,
    maxModelLen: 2048, profileTokens: 2048, maxNumSeqs: 288, sampler: 'flashinfer', loggedKvGiB: 17.2, started: true,
  },
  {
    // 80 GB A100 (compute capability 8.0), V1 with the FlashInfer attention backend, Qwen/Qwen3-0.6B bf16 via lm_eval
    // (the LLM class) at max_model_len 4096: "Model loading took 1.1201 GiB ... Available KV cache memory: 69.66 GiB ...
    // GPU KV cache size: 652,144 tokens ... Maximum concurrency for 4,096 tokens per request: 159.21x" (652,144 x 114,688
    // bytes = 28 layers x 8 KV heads x 128 x 2 x 2 = 69.66 GiB). An A100 gets the small batch defaults even with 80 GB,
    // 8192 batched tokens and 256 sequences for the LLM class (vllm-project/vllm tests/engine/test_arg_utils.py
    // test_defaults_with_usage_context: `device_memory >= 70 * GiB_bytes and "a100" not in device_name`). The log states no
    // CUDA total (more than 40 GB is in use, so the 80 GB card: 79.15 GiB, the catalog's usable memory) and no sampler
    // line (sorting assumed). Checked 2026-11-25.
    source: 'https://github.com/vllm-project/vllm/pull/24577 (A100 80 GB, Qwen3-0.6B, FlashInfer attention, bf16 KV)',
    family: 'qwen3', parameters: 0.6e9, gpuGiB: A100_80_GIB, utilization: 0.9, tensorParallel: 1,
    maxModelLen: 4096, profileTokens: 8192, maxNumSeqs: 256, loggedKvGiB: 69.66, started: true,
  },
  ...[8192, 4096, 16384].map((maxModelLen, i): LoggedStartup => ({
    // 16 GB Tesla T4 (V0, "# cuda blocks" log format of vLLM 0.8), NVIDIA NIM meta/llama-3.2-3b-instruct at
    // gpu_memory_utilization 0.90 and three max_model_len values, same 256-sequence default:
    // "total_gpu_memory (14.56GiB) x gpu_memory_utilization (0.90) = 13.11GiB; model weights take 6.02GiB;
    // non_torch_memory takes 0.05GiB; PyTorch activation peak memory takes 1.22GiB / 1.19GiB / 1.26GiB; the rest of
    // the memory reserved for KV Cache is 5.83GiB / 5.85GiB / 5.78GiB" (# cuda blocks: 3409 / 3422 / 3381). Without
    // chunked prefill V0 profiles max_model_len tokens; the activation peak is the sampler's (256 x 128,256 logits).
    // Checked 2026-11-25.
    source: `https://discuss.vllm.ai/t/max-model-len-vs-gpu-memory-usage/2724 (Tesla T4 16 GB, Llama-3.2-3B-Instruct NIM, ${maxModelLen})`,
    family: 'llama3.2', parameters: 3.21e9, dtype: 'fp16', gpuGiB: 14.56, utilization: 0.9, tensorParallel: 1,
    maxModelLen, profileTokens: maxModelLen, maxNumSeqs: V0_MAX_NUM_SEQS,
    loggedKvGiB: ([3409, 3422, 3381][i]! * 16 * 114688) / GIB, started: true,
  })),
  ...LLM_D_H100.map((r): LoggedStartup => ({
    source: `${LLM_D_SOURCE} (${r.label})`,
    family: r.family, parameters: r.parameters, ...(r.quantization ? { quantization: r.quantization } : {}),
    gpuGiB: 79.18, utilization: 0.9, tensorParallel: r.tensorParallel,
    maxModelLen: r.maxModelLen ?? 16000, profileTokens: 8192, loggedKvGiB: r.loggedKvGiB, started: r.started ?? true,
  })),
];

function sized(c: LoggedStartup) {
  const architecture = knownArchitecture(c.family, c.parameters);
  expect(architecture, `${c.family} is a known architecture`).toBeDefined();
  return sizeForEngine({
    engine: 'vllm',
    parameters: c.parameters,
    dtype: c.dtype ?? 'bf16',
    quantization: c.quantization ?? 'none',
    kvCacheDtype: c.kvCacheDtype ?? 'auto',
    architecture: architecture!,
    maxContextLength: c.maxModelLen,
    maxConcurrentSequences: 1,
    deviceMemoryBytes: c.gpuGiB * GIB,
    devices: c.tensorParallel,
    tensorParallel: c.tensorParallel,
    gpuMemoryUtilization: c.utilization,
    maxBatchedTokens: c.profileTokens,
    ...(c.maxNumSeqs !== undefined ? { maxNumSeqs: c.maxNumSeqs } : {}),
    ...(c.sampler ? { vllmSampler: c.sampler } : {}),
  });
}

describe('vLLM memory model reproduces published start-up logs', () => {
  for (const c of CASES) {
    it(c.source, () => {
      const result = sized(c);
      const budgetGiB = c.gpuGiB * c.utilization;
      const kvGiB = result.perDevice.kvCacheBytes / GIB;
      expect(Math.abs(kvGiB - c.loggedKvGiB), `KV ${kvGiB.toFixed(2)} GiB vs logged ${c.loggedKvGiB.toFixed(2)} GiB`).toBeLessThanOrEqual(0.05 * budgetGiB);
      expect(result.fits).toBe(c.started);
    });
  }
});

/**
 * fp8 KV cache, as vLLM counts it (https://github.com/vllm-project/vllm/issues/25350, V1, checked 2026-11-25): with
 * `--kv-cache-dtype fp8 --max-model-len 100000` "Available KV cache memory: 10.55 GiB / GPU KV cache size: 230,528
 * tokens / Maximum concurrency for 100,000 tokens per request: 2.31x"; with `--max-model-len 221000` "ValueError: To
 * serve at least one request with the models's max seq len (221000), (10.12 GiB KV cache is needed, which is larger
 * than the available KV cache memory (5.59 GiB). Based on the available memory, the estimated maximum model length is
 * 122080". The excerpt names neither GPU nor model, so the budget cannot be rebuilt; 10.55 GiB / 230,528 tokens =
 * 49,152 bytes per token = 48 layers x 4 KV heads x 128 x 2 x 1 byte, Qwen3-30B-A3B's shape (its FP8 checkpoint is the
 * 29.09 GiB the log loads). Checked here: bytes per token with fp8, tokens per byte, and the refusal.
 */
describe('fp8 KV cache: vLLM\'s own token counts and refusal (vllm#25350)', () => {
  const architecture = knownArchitecture('qwen3', 30.5e9)!;
  const perToken = kvBytesPerToken(architecture, kvBytesPerElement('bf16', 'fp8'));
  const logged = (gib: number) => gib * GIB;
  // The log prints GiB with two decimals: +-0.005 GiB is +-0.05% of 10 GiB.
  const within = (actual: number, expected: number, fraction: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(fraction * expected);

  it('one token takes 49,152 bytes: 221,000 tokens need the 10.12 GiB vLLM states', () => {
    expect(perToken).toBe(49152);
    within(221000 * perToken, logged(10.12), 0.001);
  });

  it('10.55 GiB hold the 230,528 tokens vLLM logs (twice what the 16-bit cache would)', () => {
    within(kvTokens(logged(10.55), perToken, 16), 230528, 0.001);
    within(kvTokens(logged(10.55), kvBytesPerToken(architecture, kvBytesPerElement('bf16', 'auto')), 16), 230528 / 2, 0.001);
  });

  it('vllm#24577, A100 80 GB through FlashInfer: an fp8 cache in the same memory doubles the concurrency', () => {
    // "Here are my results on A100 with FP8 KV Cache, it seems to work fine for kv cache compression. See the available
    // concurrency doubles." — the bf16 run logged 159.21x at 4,096 tokens (the A100 case in CASES above).
    const a100 = CASES.find((c) => c.source.startsWith('https://github.com/vllm-project/vllm/pull/24577'))!;
    const bf16 = sized(a100);
    const fp8 = sized({ ...a100, kvCacheDtype: 'fp8' });
    expect(fp8.perDevice.kvCacheBytes).toBe(bf16.perDevice.kvCacheBytes);
    expect(fp8.kvBytesPerTokenPerDevice).toBe(57344);
    within(fp8.maxConcurrencyAtFullContext!, 2 * 159.21, 0.05);
    within(fp8.kvCacheTokens!, 2 * 652144, 0.05);
  });

  it('5.59 GiB hold about 122,080 tokens, so max_model_len 221000 is refused', () => {
    const tokens = kvTokens(logged(5.59), perToken, 16);
    within(tokens, 122080, 0.001);
    expect(tokens).toBeLessThan(221000);
  });
});
