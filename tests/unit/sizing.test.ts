import { describe, expect, it } from 'vitest';
import { availableBytes, kvCacheBytesPerToken, memoryNeed, weightBytes, GIB } from '../../lib/sizing';
import { knownArchitecture } from '../../lib/catalog/models';

describe('KV-cache sizing against hand-computed values', () => {
  it('Qwen2.5-7B: 28 layers x 4 KV heads x 128 dim x 2 (K,V) x 2 bytes = 57,344 bytes per token', () => {
    expect(kvCacheBytesPerToken({ layers: 28, kvHeads: 4, headDim: 128 }, 2)).toBe(57_344);
  });
  it('Llama-3-8B: 32 x 8 x 128 x 2 x 2 = 131,072 bytes per token; FP8 halves it', () => {
    expect(kvCacheBytesPerToken({ layers: 32, kvHeads: 8, headDim: 128 }, 2)).toBe(131_072);
    expect(kvCacheBytesPerToken({ layers: 32, kvHeads: 8, headDim: 128 }, 1)).toBe(65_536);
  });
  it('Qwen2.5-72B: 80 x 8 x 128 x 2 x 2 = 327,680 bytes per token', () => {
    expect(kvCacheBytesPerToken({ layers: 80, kvHeads: 8, headDim: 128 }, 2)).toBe(327_680);
  });
});

describe('weights', () => {
  it('7.6B parameters in bf16 take 15.2 GB', () => {
    expect(weightBytes(7.6e9, 'bf16', 'none')).toBe(15_200_000_000);
  });
  it('AWQ/GPTQ int4 with group-128 scales take 4.25 bits per weight', () => {
    expect(weightBytes(8e9, 'fp16', 'awq')).toBe(4_250_000_000);
  });
  it('FP8 and INT8 take one byte per weight; fp32 four', () => {
    expect(weightBytes(1e9, 'bf16', 'fp8')).toBe(1e9);
    expect(weightBytes(1e9, 'bf16', 'int8')).toBe(1e9);
    expect(weightBytes(1e9, 'fp32', 'none')).toBe(4e9);
  });
});

describe('memory need', () => {
  it('adds weights, KV cache for context x sequences, and the stated overhead', () => {
    const need = memoryNeed({
      parameters: 7.6e9,
      dtype: 'bf16',
      quantization: 'none',
      kvCacheDtype: 'auto',
      architecture: { layers: 28, kvHeads: 4, headDim: 128 },
      maxContextLength: 8192,
      maxConcurrentSequences: 8,
      devices: 1,
    });
    expect(need.kvCacheBytes).toBe(57_344 * 8192 * 8); // 3.5 GiB
    expect(need.overheadBytes).toBe(Math.ceil(GIB + 0.05 * 15_200_000_000));
    expect(need.neededBytes).toBe(15_200_000_000 + 57_344 * 8192 * 8 + need.overheadBytes);
  });
  it('omits the KV cache when the architecture is unknown', () => {
    const need = memoryNeed({ parameters: 1e9, dtype: 'bf16', quantization: 'none', kvCacheDtype: 'auto', maxContextLength: 4096, maxConcurrentSequences: 4, devices: 2 });
    expect(need.kvCacheBytes).toBeUndefined();
    expect(need.overheadBytes).toBe(Math.ceil(2 * GIB + 0.05 * 2e9));
  });
  it('available memory is per-device memory x devices x utilization', () => {
    expect(availableBytes(24, 1, 0.9)).toBe(Math.floor(24 * GIB * 0.9));
    expect(availableBytes(80, 4, 0.92)).toBe(Math.floor(80 * GIB * 4 * 0.92));
  });
});

describe('known architectures', () => {
  it('recognises Qwen2.5 7B by family and parameter count', () => {
    expect(knownArchitecture('qwen2.5', 7.6e9)).toMatchObject({ layers: 28, kvHeads: 4, headDim: 128 });
    expect(knownArchitecture('qwen2', 7.0e9)).toBeUndefined();
    expect(knownArchitecture('llama3.1', 8.03e9)).toMatchObject({ layers: 32, kvHeads: 8 });
  });
});
