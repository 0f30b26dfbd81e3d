/**
 * Architectures of widely served open models, so `model.architecture` can be omitted for them.
 * Source: each model's config.json on Hugging Face (num_hidden_layers, num_key_value_heads,
 * head_dim or hidden_size / num_attention_heads, hidden_size, intermediate_size — for MoE models
 * moe_intermediate_size x num_experts_per_tok — vocab_size, tie_word_embeddings), retrieved 2026-11-25;
 * the URL of each is in `source` (https://huggingface.co/<repo>/blob/main/config.json).
 * Gemma 2/3 interleave sliding-window layers; the table counts every layer at full length (conservative).
 */
import type { Architecture } from '../sizing';

export interface KnownArchitecture extends Architecture {
  readonly family: string;
  readonly parametersB: number;
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly attentionHeads: number;
  /** Hugging Face repository whose config.json the row copies. */
  readonly source: string;
}

type Row = [family: string, repo: string, parametersB: number, layers: number, kvHeads: number, headDim: number, attentionHeads: number, hidden: number, intermediate: number, vocab: number, tied: boolean];

const ROWS: readonly Row[] = [
  ['qwen2', 'Qwen/Qwen2.5-0.5B-Instruct', 0.49, 24, 2, 64, 14, 896, 4864, 151936, true],
  ['qwen2', 'Qwen/Qwen2.5-1.5B-Instruct', 1.54, 28, 2, 128, 12, 1536, 8960, 151936, true],
  ['qwen2', 'Qwen/Qwen2.5-3B-Instruct', 3.09, 36, 2, 128, 16, 2048, 11008, 151936, true],
  ['qwen2', 'Qwen/Qwen2.5-7B-Instruct', 7.62, 28, 4, 128, 28, 3584, 18944, 152064, false],
  ['qwen2', 'Qwen/Qwen2.5-14B-Instruct', 14.7, 48, 8, 128, 40, 5120, 13824, 152064, false],
  ['qwen2', 'Qwen/Qwen2.5-32B-Instruct', 32.8, 64, 8, 128, 40, 5120, 27648, 152064, false],
  ['qwen2', 'Qwen/Qwen2.5-72B-Instruct', 72.7, 80, 8, 128, 64, 8192, 29568, 152064, false],
  ['qwen1.5', 'Qwen/Qwen1.5-7B-Chat', 7.72, 32, 32, 128, 32, 4096, 11008, 151936, false],
  ['qwen1.5', 'Qwen/Qwen1.5-14B-Chat', 14.2, 40, 40, 128, 40, 5120, 13696, 152064, false],
  ['qwen3', 'Qwen/Qwen3-0.6B', 0.6, 28, 8, 128, 16, 1024, 3072, 151936, true],
  ['qwen3', 'Qwen/Qwen3-1.7B', 1.7, 28, 8, 128, 16, 2048, 6144, 151936, true],
  ['qwen3', 'Qwen/Qwen3-4B', 4.0, 36, 8, 128, 32, 2560, 9728, 151936, true],
  ['qwen3', 'Qwen/Qwen3-8B', 8.2, 36, 8, 128, 32, 4096, 12288, 151936, false],
  ['qwen3', 'Qwen/Qwen3-14B', 14.8, 40, 8, 128, 40, 5120, 17408, 151936, false],
  ['qwen3', 'Qwen/Qwen3-32B', 32.8, 64, 8, 128, 64, 5120, 25600, 151936, false],
  ['qwen3', 'Qwen/Qwen3-30B-A3B', 30.5, 48, 4, 128, 32, 2048, 768 * 8, 151936, false],
  ['qwen3', 'Qwen/Qwen3-235B-A22B', 235, 94, 4, 128, 64, 4096, 1536 * 8, 151936, false],
  ['llama3', 'meta-llama/Llama-3.2-1B-Instruct', 1.24, 16, 8, 64, 32, 2048, 8192, 128256, true],
  ['llama3', 'meta-llama/Llama-3.2-3B-Instruct', 3.21, 28, 8, 128, 24, 3072, 8192, 128256, true],
  ['llama3', 'meta-llama/Llama-3.1-8B-Instruct', 8.03, 32, 8, 128, 32, 4096, 14336, 128256, false],
  ['llama3', 'meta-llama/Llama-3.3-70B-Instruct', 70.6, 80, 8, 128, 64, 8192, 28672, 128256, false],
  ['llama3', 'meta-llama/Llama-3.1-405B-Instruct', 405.9, 126, 8, 128, 128, 16384, 53248, 128256, false],
  ['mistral', 'mistralai/Mistral-7B-Instruct-v0.3', 7.25, 32, 8, 128, 32, 4096, 14336, 32768, false],
  ['mistral', 'mistralai/Mistral-Nemo-Instruct-2407', 12.2, 40, 8, 128, 32, 5120, 14336, 131072, false],
  ['mistral', 'mistralai/Mistral-Small-24B-Instruct-2501', 23.6, 40, 8, 128, 32, 5120, 32768, 131072, false],
  ['mixtral', 'mistralai/Mixtral-8x7B-Instruct-v0.1', 46.7, 32, 8, 128, 32, 4096, 14336 * 2, 32000, false],
  ['mixtral', 'mistralai/Mixtral-8x22B-Instruct-v0.1', 141, 56, 8, 128, 48, 6144, 16384 * 2, 32768, false],
  ['gemma2', 'google/gemma-2-2b-it', 2.61, 26, 4, 256, 8, 2304, 9216, 256000, true],
  ['gemma2', 'google/gemma-2-9b-it', 9.24, 42, 8, 256, 16, 3584, 14336, 256000, true],
  ['gemma2', 'google/gemma-2-27b-it', 27.2, 46, 16, 128, 32, 4608, 36864, 256000, true],
  ['gemma3', 'google/gemma-3-1b-it', 1.0, 26, 1, 256, 4, 1152, 6912, 262144, true],
  ['gemma3', 'google/gemma-3-4b-it', 4.3, 34, 4, 256, 8, 2560, 10240, 262208, true],
  ['gemma3', 'google/gemma-3-12b-it', 12.2, 48, 8, 256, 16, 3840, 15360, 262208, true],
  ['gemma3', 'google/gemma-3-27b-it', 27.4, 62, 16, 128, 32, 5376, 21504, 262208, true],
  ['deepseek-r1-distill-qwen', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B', 1.78, 28, 2, 128, 12, 1536, 8960, 151936, false],
  ['deepseek-r1-distill-qwen', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-7B', 7.62, 28, 4, 128, 28, 3584, 18944, 152064, false],
  ['deepseek-r1-distill-qwen', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-14B', 14.8, 48, 8, 128, 40, 5120, 13824, 152064, false],
  ['deepseek-r1-distill-qwen', 'deepseek-ai/DeepSeek-R1-Distill-Qwen-32B', 32.8, 64, 8, 128, 40, 5120, 27648, 152064, false],
  ['deepseek-r1-distill-llama', 'deepseek-ai/DeepSeek-R1-Distill-Llama-8B', 8.03, 32, 8, 128, 32, 4096, 14336, 128256, false],
  ['deepseek-r1-distill-llama', 'deepseek-ai/DeepSeek-R1-Distill-Llama-70B', 70.6, 80, 8, 128, 64, 8192, 28672, 128256, false],
  ['phi3', 'microsoft/Phi-3.5-mini-instruct', 3.82, 32, 32, 96, 32, 3072, 8192, 32064, false],
  ['phi3', 'microsoft/Phi-3-medium-4k-instruct', 14.0, 40, 10, 128, 40, 5120, 17920, 32064, false],
  ['phi4', 'microsoft/phi-4', 14.7, 40, 10, 128, 40, 5120, 17920, 100352, false],
  ['phi4', 'microsoft/Phi-4-mini-instruct', 3.84, 32, 8, 128, 24, 3072, 8192, 200064, true],
  ['glm4', 'THUDM/glm-4-9b-chat', 9.4, 40, 2, 128, 32, 4096, 13696, 151552, false],
  ['yi', '01-ai/Yi-1.5-6B-Chat', 6.06, 32, 4, 128, 32, 4096, 11008, 64000, false],
  ['yi', '01-ai/Yi-1.5-9B-Chat', 8.83, 48, 4, 128, 32, 4096, 11008, 64000, false],
  ['yi', '01-ai/Yi-1.5-34B-Chat', 34.4, 60, 8, 128, 56, 7168, 20480, 64000, false],
];

export const KNOWN_ARCHITECTURES: readonly KnownArchitecture[] = ROWS.map(([family, repo, parametersB, layers, kvHeads, headDim, attentionHeads, hiddenSize, intermediateSize, vocabSize, tiedEmbeddings]) => ({
  family,
  parametersB,
  layers,
  kvHeads,
  headDim,
  attentionHeads,
  hiddenSize,
  intermediateSize,
  vocabSize,
  tiedEmbeddings,
  source: `https://huggingface.co/${repo}/blob/main/config.json`,
}));

/** Canonical family names, for the schema's completion list and messages. */
export const KNOWN_FAMILIES: readonly string[] = [...new Set(KNOWN_ARCHITECTURES.map((a) => a.family))];

/** Spellings people use, after lowercasing and dropping separators, mapped to the canonical family. */
const ALIASES: Readonly<Record<string, string>> = {
  'qwen1.5': 'qwen1.5', qwen15: 'qwen1.5', qwen2: 'qwen2', 'qwen2.5': 'qwen2', qwen25: 'qwen2', qwen3: 'qwen3', qwen3moe: 'qwen3',
  llama3: 'llama3', 'llama3.1': 'llama3', 'llama3.2': 'llama3', 'llama3.3': 'llama3', llama31: 'llama3', llama32: 'llama3', llama33: 'llama3',
  mistral: 'mistral', mistralnemo: 'mistral', mistralsmall: 'mistral', mixtral: 'mixtral',
  gemma2: 'gemma2', gemma3: 'gemma3',
  deepseekr1distillqwen: 'deepseek-r1-distill-qwen', deepseekr1distillllama: 'deepseek-r1-distill-llama',
  phi3: 'phi3', 'phi3.5': 'phi3', phi35: 'phi3', phi4: 'phi4', phi4mini: 'phi4',
  glm4: 'glm4', chatglm4: 'glm4', yi: 'yi', 'yi1.5': 'yi', yi15: 'yi',
};

/** Family names for editor completion: the canonical ones and the dotted versions people write (qwen2.5, llama3.1). */
export const FAMILY_SPELLINGS: readonly string[] = [...new Set([...KNOWN_FAMILIES, ...Object.keys(ALIASES).filter((k) => k.includes('.'))])].sort();

/** `Qwen2.5`, `qwen-2.5`, `llama-3.1`, `Llama_3.3` -> the canonical family, or undefined. */
export function canonicalFamily(family: string | undefined): string | undefined {
  if (!family) return undefined;
  const key = family.toLowerCase().replace(/[\s_-]+/g, '');
  return ALIASES[key];
}

/** The known architecture of a family whose parameter count is within 5% of the given one. */
export function knownArchitecture(family: string | undefined, parameters: number | undefined): KnownArchitecture | undefined {
  const base = canonicalFamily(family);
  if (!base || !parameters) return undefined;
  const billions = parameters / 1e9;
  const candidates = KNOWN_ARCHITECTURES.filter((a) => a.family === base && Math.abs(a.parametersB - billions) / a.parametersB <= 0.05);
  return candidates.sort((a, b) => Math.abs(a.parametersB - billions) - Math.abs(b.parametersB - billions))[0];
}
