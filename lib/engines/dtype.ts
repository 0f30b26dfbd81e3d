/**
 * The dtype an engine serves in, which can differ from the dtype the weights are stored in: GPUs below compute
 * capability 8.0 (T4, V100) have no bf16 kernels (vLLM and TGI refuse bf16 there), and vLLM's AWQ/GPTQ kernels
 * take float16 only. Both clouds use this; the normalizer warns when the result differs from model.dtype.
 */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import type { QuantMethod, WeightDtype } from '../sizing';

/** Below this CUDA compute capability there is no bf16 (https://developer.nvidia.com/cuda-gpus, checked 2026-11-25). */
export const BF16_MIN_COMPUTE_CAPABILITY = 8.0;

export interface ServingDtype {
  readonly dtype: WeightDtype;
  /** Why it differs from the stored dtype; undefined when it does not. */
  readonly reason?: string;
}

export function servingDtype(stored: WeightDtype, acceleratorName: string | undefined, quantization: QuantMethod, fp16OnlyQuantization: readonly QuantMethod[] = ['awq', 'gptq']): ServingDtype {
  if (stored !== 'bf16') return { dtype: stored };
  if (fp16OnlyQuantization.includes(quantization)) return { dtype: 'fp16', reason: `${quantization.toUpperCase()} kernels take float16 activations only` };
  const cc = acceleratorName ? acceleratorInfo(acceleratorName)?.computeCapability : undefined;
  if (cc !== undefined && cc < BF16_MIN_COMPUTE_CAPABILITY) {
    return { dtype: 'fp16', reason: `${acceleratorName} has compute capability ${cc}, below the ${BF16_MIN_COMPUTE_CAPABILITY.toFixed(1)} that bf16 needs` };
  }
  return { dtype: stored };
}
