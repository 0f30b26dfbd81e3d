/**
 * Memory models of the serving engines: how much of each device the engine may use (its budget), what it
 * reserves (weights per tensor-parallel shard, the activation peak of its profiling batch, runtime memory
 * outside the allocator), what is left for the KV cache, and the engine's own admission rule.
 *
 *   KV tokens = KV bytes per device / (2 x layers x kvHeads-per-shard x headDim x bytes(kvCacheDtype))
 *
 * Paged engines (vLLM, SGLang, TGI, BladeLLM, LMI's vLLM/TensorRT-LLM backends) start when the KV cache
 * holds one sequence of `maxContextLength` and schedule as many sequences as fit; more declared
 * `maxConcurrentSequences` than fit at full length is a warning, not a refusal. LMI's Neuron backend
 * allocates the KV cache statically for every sequence. One file per engine documents its rule and source.
 */
import { sizeBladeLlm } from './bladellm';
import { sizeLmi } from './lmi';
import { sizeSglang } from './sglang';
import { sizeTgi } from './tgi';
import type { SizingEngine, SizingInput, SizingResult } from './types';
import { sizeVllm } from './vllm';

export * from './types';
export { bitsPerWeight, weightBytes, weightBytesPerDevice, embeddingParameters } from './weights';
export { kvBytesPerElement, kvBytesPerToken, kvHeadsPerShard, kvTokens } from './kv';
export { vllmBatchDefaults } from './vllm';
export { describeBreakdown, describeShort, compactTokens } from './describe';

const MODELS: Record<SizingEngine, (input: SizingInput) => SizingResult> = {
  vllm: sizeVllm,
  sglang: sizeSglang,
  tgi: sizeTgi,
  lmi: sizeLmi,
  bladellm: sizeBladeLlm,
};

export function sizeForEngine(input: SizingInput): SizingResult {
  return MODELS[input.engine](input);
}
