/**
 * Weights per device.
 *
 * Linear layers take the quantized width; the token embedding and the LM head stay in 16-bit for the
 * methods that keep them so (AWQ, GPTQ, vLLM's FP8: `lm_head` and `embed_tokens` are unquantized in their
 * checkpoints and in vLLM's quantization configs). Tensor parallelism shards every layer, embeddings
 * included (vLLM `VocabParallelEmbedding`, TGI `TensorParallelEmbedding`), so a device holds 1/tp.
 */
import type { Architecture, QuantMethod, WeightDtype } from './types';

/** Bits per linear-layer weight, including group scales for 4-bit methods (group size 128: 4 + 32/128 bits). */
export function bitsPerWeight(dtype: WeightDtype, quantization: QuantMethod): number {
  switch (quantization) {
    case 'awq':
    case 'gptq':
    case 'int4':
      return 4.25;
    case 'fp8':
    case 'int8':
    case 'smoothquant':
      return 8;
    case 'none':
      return dtype === 'fp32' ? 32 : 16;
  }
}

function unquantizedBits(dtype: WeightDtype): number {
  return dtype === 'fp32' ? 32 : 16;
}

/** Parameters of the embedding and LM head (counted once when tied). */
export function embeddingParameters(arch: Architecture | undefined): number {
  if (!arch?.vocabSize || !arch.hiddenSize) return 0;
  return arch.vocabSize * arch.hiddenSize * (arch.tiedEmbeddings ? 1 : 2);
}

/** Bytes of the whole checkpoint as the engine loads it. */
export function weightBytes(parameters: number, dtype: WeightDtype, quantization: QuantMethod, arch?: Architecture): number {
  const embedding = quantization === 'none' ? 0 : Math.min(parameters, embeddingParameters(arch));
  const linear = parameters - embedding;
  return Math.ceil((linear * bitsPerWeight(dtype, quantization) + embedding * unquantizedBits(dtype)) / 8);
}

export function weightBytesPerDevice(totalWeightBytes: number, tensorParallel: number): number {
  return Math.ceil(totalWeightBytes / Math.max(1, tensorParallel));
}
