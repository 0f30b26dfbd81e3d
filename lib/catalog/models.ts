/**
 * Architectures of widely served open models, so `model.architecture` can be omitted for them.
 * Source: each model's config.json on its publisher's model card (num_hidden_layers, num_key_value_heads,
 * head_dim or hidden_size / num_attention_heads, num_attention_heads), retrieved 2026-11-25.
 */
export interface KnownArchitecture {
  readonly family: string;
  readonly parametersB: number;
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly attentionHeads: number;
}

export const KNOWN_ARCHITECTURES: readonly KnownArchitecture[] = [
  { family: 'qwen2', parametersB: 0.5, layers: 24, kvHeads: 2, headDim: 64, attentionHeads: 14 },
  { family: 'qwen2', parametersB: 1.5, layers: 28, kvHeads: 2, headDim: 128, attentionHeads: 12 },
  { family: 'qwen2', parametersB: 7.6, layers: 28, kvHeads: 4, headDim: 128, attentionHeads: 28 },
  { family: 'qwen2', parametersB: 14.7, layers: 48, kvHeads: 8, headDim: 128, attentionHeads: 40 },
  { family: 'qwen2', parametersB: 32.5, layers: 64, kvHeads: 8, headDim: 128, attentionHeads: 40 },
  { family: 'qwen2', parametersB: 72.7, layers: 80, kvHeads: 8, headDim: 128, attentionHeads: 64 },
  { family: 'llama3', parametersB: 8.0, layers: 32, kvHeads: 8, headDim: 128, attentionHeads: 32 },
  { family: 'llama3', parametersB: 70.6, layers: 80, kvHeads: 8, headDim: 128, attentionHeads: 64 },
  { family: 'mistral', parametersB: 7.2, layers: 32, kvHeads: 8, headDim: 128, attentionHeads: 32 },
];

/** The known architecture of a family whose parameter count is within 5% of the given one. */
export function knownArchitecture(family: string | undefined, parameters: number | undefined): KnownArchitecture | undefined {
  if (!family || !parameters) return undefined;
  const base = family.replace(/\.\d+$/, '').replace(/^qwen2\.5$/, 'qwen2').replace(/^llama3\.\d$/, 'llama3');
  const billions = parameters / 1e9;
  return KNOWN_ARCHITECTURES.find((a) => a.family === base && Math.abs(a.parametersB - billions) / a.parametersB <= 0.05);
}
