/**
 * Memory model for generative models on accelerators.
 *
 *   weights   = parameters x bytes per parameter (dtype, or the quantized width)
 *   kvPerTok  = 2 (K and V) x layers x kvHeads x headDim x bytes(kvCacheDtype)
 *   kvCache   = kvPerTok x maxContextLength x maxConcurrentSequences
 *   overhead  = 1 GiB per device (CUDA/Neuron runtime context, communication buffers, workspaces)
 *               + 5% of the weights (activation peak the engine reserves during its profiling run)
 *   needed    = weights + kvCache + overhead
 *   available = memory per device x devices x gpuMemoryUtilization
 *
 * The per-device constant and the activation share are deliberately simple and conservative; the
 * engines' own profiling decides the final KV-cache size at start-up.
 */
export const GIB = 1024 ** 3;
export const RUNTIME_OVERHEAD_PER_DEVICE_BYTES = 1 * GIB;
export const ACTIVATION_SHARE_OF_WEIGHTS = 0.05;

export type WeightDtype = 'bf16' | 'fp16' | 'fp32';
export type QuantMethod = 'none' | 'awq' | 'gptq' | 'fp8' | 'int8' | 'int4' | 'smoothquant';
export type KvDtype = 'auto' | 'fp8' | 'int8' | 'int4';

/** Bits per weight, including group scales for 4-bit methods (group size 128: 4 + 32/128 bits). */
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

export function kvBytesPerElement(dtype: WeightDtype, kv: KvDtype): number {
  switch (kv) {
    case 'fp8':
    case 'int8':
      return 1;
    case 'int4':
      return 0.5;
    case 'auto':
      return dtype === 'fp32' ? 4 : 2;
  }
}

export interface Architecture {
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
}

export function kvCacheBytesPerToken(arch: Architecture, bytesPerElement: number): number {
  return 2 * arch.layers * arch.kvHeads * arch.headDim * bytesPerElement;
}

export function weightBytes(parameters: number, dtype: WeightDtype, quantization: QuantMethod): number {
  return Math.ceil((parameters * bitsPerWeight(dtype, quantization)) / 8);
}

export interface SizingInput {
  readonly parameters: number;
  readonly dtype: WeightDtype;
  readonly quantization: QuantMethod;
  readonly kvCacheDtype: KvDtype;
  readonly architecture?: Architecture;
  readonly maxContextLength: number;
  readonly maxConcurrentSequences: number;
  readonly devices: number;
}

export interface MemoryNeed {
  readonly weightBytes: number;
  readonly kvCacheBytesPerToken?: number;
  readonly kvCacheBytes?: number;
  readonly overheadBytes: number;
  readonly neededBytes: number;
}

export function memoryNeed(input: SizingInput): MemoryNeed {
  const weights = weightBytes(input.parameters, input.dtype, input.quantization);
  const overhead = Math.ceil(RUNTIME_OVERHEAD_PER_DEVICE_BYTES * Math.max(1, input.devices) + ACTIVATION_SHARE_OF_WEIGHTS * weights);
  if (!input.architecture) {
    return { weightBytes: weights, overheadBytes: overhead, neededBytes: weights + overhead };
  }
  const perToken = kvCacheBytesPerToken(input.architecture, kvBytesPerElement(input.dtype, input.kvCacheDtype));
  const kv = perToken * input.maxContextLength * input.maxConcurrentSequences;
  return { weightBytes: weights, kvCacheBytesPerToken: perToken, kvCacheBytes: kv, overheadBytes: overhead, neededBytes: weights + kv + overhead };
}

export function availableBytes(memoryGiBPerDevice: number, devices: number, utilization: number): number {
  return Math.floor(memoryGiBPerDevice * GIB * devices * utilization);
}
