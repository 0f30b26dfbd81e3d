import { describe, expect, it } from 'vitest';
import { canonicalFamily, KNOWN_ARCHITECTURES, knownArchitecture } from '../../lib/catalog/models';
import { GIB, kvBytesPerToken, kvHeadsPerShard, sizeForEngine, SizingInput, weightBytes } from '../../lib/sizing';

const QWEN25_7B = knownArchitecture('qwen2.5', 7.62e9)!;
const QWEN25_14B = knownArchitecture('qwen2.5', 14.7e9)!;

function input(overrides: Partial<SizingInput>): SizingInput {
  return {
    engine: 'vllm',
    parameters: 7.62e9,
    dtype: 'bf16',
    quantization: 'none',
    kvCacheDtype: 'auto',
    architecture: QWEN25_7B,
    maxContextLength: 16384,
    maxConcurrentSequences: 32,
    deviceMemoryBytes: 21.99 * GIB,
    devices: 1,
    gpuMemoryUtilization: 0.9,
    ...overrides,
  };
}

describe('KV-cache bytes per token against hand-computed values', () => {
  it('Qwen2.5-7B: 28 layers x 4 KV heads x 128 dim x 2 (K,V) x 2 bytes = 57,344 bytes per token', () => {
    expect(kvBytesPerToken({ layers: 28, kvHeads: 4, headDim: 128 }, 2)).toBe(57_344);
  });
  it('Llama-3-8B: 131,072 bytes per token; FP8 halves it; TP 2 halves it per device', () => {
    expect(kvBytesPerToken({ layers: 32, kvHeads: 8, headDim: 128 }, 2)).toBe(131_072);
    expect(kvBytesPerToken({ layers: 32, kvHeads: 8, headDim: 128 }, 1)).toBe(65_536);
    expect(kvBytesPerToken({ layers: 32, kvHeads: 8, headDim: 128 }, 2, 2)).toBe(65_536);
  });
  it('replicates KV heads when tensor parallelism exceeds them (never less than one head per device)', () => {
    expect(kvHeadsPerShard(4, 8)).toBe(1);
    expect(kvHeadsPerShard(8, 2)).toBe(4);
  });
});

describe('weights', () => {
  it('7.6B parameters in bf16 take 15.2 GB', () => {
    expect(weightBytes(7.6e9, 'bf16', 'none')).toBe(15_200_000_000);
  });
  it('AWQ keeps the embedding and LM head in 16 bits', () => {
    const embedding = 152064 * 3584 * 2; // untied Qwen2.5-7B: embed_tokens + lm_head
    expect(weightBytes(7.62e9, 'fp16', 'awq', QWEN25_7B)).toBe(Math.ceil(((7.62e9 - embedding) * 4.25 + embedding * 16) / 8));
    expect(weightBytes(8e9, 'fp16', 'awq')).toBe(4_250_000_000);
  });
  it('FP8 and INT8 take one byte per weight; fp32 four', () => {
    expect(weightBytes(1e9, 'bf16', 'fp8')).toBe(1e9);
    expect(weightBytes(1e9, 'fp32', 'none')).toBe(4e9);
  });
});

describe('admission follows the engine, not "every sequence at full length"', () => {
  it('Qwen2.5-7B bf16 16k x 32 on one A10G: vLLM starts, with less than 32 full-length sequences', () => {
    const r = sizeForEngine(input({}));
    expect(r.fits).toBe(true);
    expect(r.concurrencyLimited).toBe(true);
    expect(r.maxConcurrencyAtFullContext!).toBeGreaterThan(1);
    expect(r.maxConcurrencyAtFullContext!).toBeLessThan(32);
    // The budget is the driver-reported memory x utilization, not the nominal 24 GiB.
    expect(r.perDevice.budgetBytes).toBe(Math.floor(21.99 * GIB * 0.9));
    expect(r.perDevice.weightsBytes + r.perDevice.activationBytes + r.perDevice.runtimeBytes + r.perDevice.kvCacheBytes).toBe(r.perDevice.budgetBytes);
  });
  it('the same at 128k context is refused with the numbers', () => {
    const r = sizeForEngine(input({ maxContextLength: 131072 }));
    expect(r.fits).toBe(false);
    expect(r.reason).toMatch(/one sequence of 131072 tokens needs 7\.0 GiB of KV cache per device/);
  });
  it('Qwen2.5-14B BladeLLM 8k x 16 on 2 x A10 starts; 128k is refused', () => {
    const base = input({ engine: 'bladellm', parameters: 14.7e9, architecture: QWEN25_14B, maxContextLength: 8192, maxConcurrentSequences: 16, devices: 2 });
    const r = sizeForEngine(base);
    expect(r.fits).toBe(true);
    expect(r.tensorParallel).toBe(2);
    expect(r.perDevice.weightsBytes).toBe(Math.ceil(weightBytes(14.7e9, 'bf16', 'none') / 2));
    expect(sizeForEngine({ ...base, maxContextLength: 131072 }).fits).toBe(false);
  });
  it('LMI Neuron allocates the KV cache for every sequence, so too many sequences do not fit', () => {
    const neuron = input({ engine: 'lmi', lmiBackend: 'neuron', deviceMemoryBytes: 32 * GIB, maxContextLength: 16384, maxConcurrentSequences: 32 });
    expect(sizeForEngine(neuron).fits).toBe(false);
    expect(sizeForEngine({ ...neuron, maxConcurrentSequences: 4 }).fits).toBe(true);
  });
  it('SGLang reserves by its own formula when no fraction is given; TGI budgets 0.90 of the fraction (TGI_WIGGLE_ROOM)', () => {
    const sglang = sizeForEngine(input({ engine: 'sglang', gpuMemoryUtilization: undefined } as Partial<SizingInput>));
    // 512 + 2048 x 1.5 + 24 x 2 + 1/8 x 1024 MiB reserved on a 24 GB-class GPU
    expect(sglang.perDevice.activationBytes + sglang.perDevice.runtimeBytes).toBe((512 + 3072 + 48 + 128) * 1024 ** 2);
    const tgi = sizeForEngine(input({ engine: 'tgi' }));
    const d = tgi.perDevice;
    // TGI 3.3.6: free memory - (1 - CUDA_MEMORY_FRACTION x TGI_WIGGLE_ROOM) x total, after the warm-up prefill.
    expect(d.budgetBytes).toBe(Math.floor(21.99 * GIB * 0.9 * 0.9));
    expect(d.kvCacheBytes).toBe(d.budgetBytes - d.weightsBytes - d.activationBytes - d.runtimeBytes);
  });
  it('without an architecture the KV cache is not checked and the result says so', () => {
    const r = sizeForEngine(input({ architecture: undefined } as Partial<SizingInput>));
    expect(r.kvChecked).toBe(false);
    expect(r.kvCacheTokens).toBeUndefined();
    expect(r.reason).toMatch(/could not be checked/);
  });
  it('maxBatchedTokens raises the activation peak vLLM profiles with', () => {
    const small = sizeForEngine(input({}));
    const large = sizeForEngine(input({ maxBatchedTokens: 16384 }));
    expect(large.perDevice.activationBytes).toBeGreaterThan(small.perDevice.activationBytes);
    expect(large.kvCacheTokens!).toBeLessThan(small.kvCacheTokens!);
  });
});

describe('vLLM profiling sampler (top-k/top-p over max_num_seqs rows of vocabulary logits)', () => {
  const llama8b = knownArchitecture('llama3.1', 8.03e9)!;
  const h100 = (overrides: Partial<SizingInput>) =>
    input({ parameters: 8.03e9, architecture: llama8b, deviceMemoryBytes: 79.18 * GIB, acceleratorModel: 'H100', maxContextLength: 16000, ...overrides });
  it('sorting sampler: 38 bytes per logit, 1024 x 128,256 on H100 defaults (vLLM 0.11.0 measured 4.76 GiB)', () => {
    expect(sizeForEngine(h100({})).perDevice.activationBytes).toBe(38 * 1024 * 128256);
  });
  it('FlashInfer sampling does not sort: 8 bytes per logit, so the forward pass is the peak', () => {
    const r = sizeForEngine(h100({ vllmSampler: 'flashinfer' }));
    expect(r.perDevice.activationBytes).toBeLessThan(38 * 1024 * 128256);
    expect(r.perDevice.activationBytes).toBeGreaterThanOrEqual(8 * 1024 * 128256);
  });
  it('max_num_seqs bounds the rows, and so do the profiled tokens', () => {
    expect(sizeForEngine(h100({ maxNumSeqs: 256, maxBatchedTokens: 512 })).perDevice.activationBytes).toBe(38 * 256 * 128256);
    expect(sizeForEngine(h100({ maxNumSeqs: 256, maxBatchedTokens: 128 })).perDevice.activationBytes).toBeLessThan(38 * 256 * 128256);
  });
});

describe('known architectures', () => {
  it('recognises families leniently and picks the size by parameter count', () => {
    expect(knownArchitecture('Qwen2.5', 7.6e9)).toMatchObject({ layers: 28, kvHeads: 4, headDim: 128 });
    expect(knownArchitecture('qwen-2.5', 14.7e9)).toMatchObject({ layers: 48, kvHeads: 8 });
    expect(knownArchitecture('llama-3.1', 8.03e9)).toMatchObject({ layers: 32, kvHeads: 8 });
    expect(knownArchitecture('Llama_3.3', 70.6e9)).toMatchObject({ layers: 80 });
    expect(knownArchitecture('qwen2', 7.0e9)).toBeUndefined();
    expect(canonicalFamily('DeepSeek-R1-Distill-Qwen')).toBe('deepseek-r1-distill-qwen');
    expect(canonicalFamily('falcon')).toBeUndefined();
  });
  it('covers the families people serve today, each with its config.json source', () => {
    for (const f of ['qwen2', 'qwen3', 'llama3', 'mistral', 'mixtral', 'gemma2', 'gemma3', 'deepseek-r1-distill-qwen', 'deepseek-r1-distill-llama', 'phi3', 'phi4', 'glm4', 'yi']) {
      expect(KNOWN_ARCHITECTURES.some((a) => a.family === f), f).toBe(true);
    }
    for (const a of KNOWN_ARCHITECTURES) expect(a.source).toMatch(/^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/blob\/main\/config\.json$/);
  });
});
