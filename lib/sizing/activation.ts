/**
 * Activation peak of one forward pass over `tokens` tokens (the engines' profiling run), per device.
 *
 * The peak is the MLP of one layer: gate and up projections (2 x intermediate / tp), the activated
 * product (intermediate / tp), plus the residual stream and attention input/output kept alive (about
 * 4 x hidden, not sharded), in the activation dtype (16-bit also for quantized weights). Checked against
 * published vLLM profiles (tests/unit/sizing-vllm-logs.test.ts): Llama-3.1-8B at 20,000 tokens logs
 * 2.07 GiB of "PyTorch activation peak"; this gives 2.21 GiB.
 */
import type { Architecture } from './types';

const ACTIVATION_BYTES = 2;

/** hidden_size, or an estimate from the parameter count (dense transformer: params ~ 12 x layers x hidden^2). */
export function hiddenSizeOf(arch: Architecture, parameters: number): number {
  if (arch.hiddenSize) return arch.hiddenSize;
  if (arch.attentionHeads) return arch.attentionHeads * arch.headDim;
  return Math.round(Math.sqrt(parameters / (12 * arch.layers)));
}

/** intermediate_size, or the common 3.5 x hidden when unknown. */
export function intermediateSizeOf(arch: Architecture, parameters: number): number {
  return arch.intermediateSize ?? Math.round(3.5 * hiddenSizeOf(arch, parameters));
}

export function forwardActivationBytes(tokens: number, arch: Architecture, parameters: number, tensorParallel: number): number {
  const hidden = hiddenSizeOf(arch, parameters);
  const intermediate = intermediateSizeOf(arch, parameters);
  return Math.ceil(tokens * ACTIVATION_BYTES * ((3 * intermediate) / Math.max(1, tensorParallel) + 4 * hidden));
}

/** Without an architecture: 5% of the weights per device, the previous conservative rule. */
export function activationFallbackBytes(weightsPerDevice: number): number {
  return Math.ceil(0.05 * weightsPerDevice);
}
