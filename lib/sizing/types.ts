/** Types shared by the per-engine memory models (see ./index.ts for the overview). */
export const GIB = 1024 ** 3;

export type WeightDtype = 'bf16' | 'fp16' | 'fp32';
export type QuantMethod = 'none' | 'awq' | 'gptq' | 'fp8' | 'int8' | 'int4' | 'smoothquant';
export type KvDtype = 'auto' | 'fp8' | 'int8' | 'int4';
export type SizingEngine = 'vllm' | 'sglang' | 'tgi' | 'lmi' | 'bladellm';
export type LmiBackend = 'vllm' | 'trtllm' | 'neuron';
/** How vLLM samples top-k/top-p: PyTorch's sort (V0; V1 without FlashInfer sampling) or FlashInfer's kernel. */
export type VllmSampler = 'sort' | 'flashinfer';

/** What the KV cache and the activation peak depend on (a model's config.json). */
export interface Architecture {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly attentionHeads?: number;
  /** hidden_size; estimated from the parameter count when absent. */
  readonly hiddenSize?: number;
  /** intermediate_size of the MLP (for MoE: moe_intermediate_size x experts per token). */
  readonly intermediateSize?: number;
  readonly vocabSize?: number;
  /** tie_word_embeddings: the LM head shares the embedding matrix. */
  readonly tiedEmbeddings?: boolean;
}

export interface SizingInput {
  readonly engine: SizingEngine;
  /** LMI only: which backend serves the model. @default 'vllm' */
  readonly lmiBackend?: LmiBackend;
  readonly parameters: number;
  readonly dtype: WeightDtype;
  readonly quantization: QuantMethod;
  readonly kvCacheDtype: KvDtype;
  readonly architecture?: Architecture;
  readonly maxContextLength: number;
  readonly maxConcurrentSequences: number;
  /** Memory per device as the CUDA driver reports it (cudaMemGetInfo total), bytes. */
  readonly deviceMemoryBytes: number;
  /** Accelerator model name (vLLM picks smaller batch defaults on A100s). */
  readonly acceleratorModel?: string;
  readonly devices: number;
  /** Tensor-parallel degree. @default devices */
  readonly tensorParallel?: number;
  /** gpuMemoryUtilization (vLLM, LMI, BladeLLM) or the engine's own fraction (SGLang, TGI) when unset there. */
  readonly gpuMemoryUtilization?: number;
  /** The engine's batch/profiling token budget; the engine's default when unset. */
  readonly maxBatchedTokens?: number;
  /** vLLM's max_num_seqs (rows its profiling run samples from); the engine's default when unset. */
  readonly maxNumSeqs?: number;
  /** vLLM's top-k/top-p implementation during profiling. @default 'sort' */
  readonly vllmSampler?: VllmSampler;
}

/** Per-device memory breakdown (the shape `fit --output json` and `plan --output json` print). */
export interface DeviceMemory {
  readonly totalBytes: number;
  readonly budgetBytes: number;
  readonly weightsBytes: number;
  readonly activationBytes: number;
  readonly runtimeBytes: number;
  readonly kvCacheBytes: number;
}

export interface SizingResult {
  readonly engine: SizingEngine;
  /** How the engine decides (one sentence, for messages and the README). */
  readonly rule: string;
  readonly devices: number;
  readonly tensorParallel: number;
  readonly perDevice: DeviceMemory;
  /** Weights over all devices (the checkpoint as loaded). */
  readonly totalWeightBytes: number;
  /** KV bytes one token takes on one device; undefined when the architecture is unknown. */
  readonly kvBytesPerTokenPerDevice?: number;
  /** Tokens the KV cache holds (each device holds its shard of every token). */
  readonly kvCacheTokens?: number;
  readonly maxConcurrencyAtFullContext?: number;
  /** The engine starts: its admission rule holds (or, without an architecture, weights and runtime fit). */
  readonly fits: boolean;
  /** Whether the KV cache could be checked (the architecture is known). */
  readonly kvChecked: boolean;
  readonly reason: string;
  /** maxConcurrentSequences above maxConcurrencyAtFullContext (a warning, not a refusal). */
  readonly concurrencyLimited: boolean;
}
