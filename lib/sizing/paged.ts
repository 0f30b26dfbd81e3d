/**
 * The arithmetic every paged-KV engine shares once it has decided its budget and its reservations:
 * what is left of the budget is the KV cache; the engine starts when it holds one sequence of
 * `maxContextLength`; concurrency at full context is KV tokens / maxContextLength.
 */
import { formatBytes, formatCount } from '../spec/units';
import { kvBytesPerElement, kvBytesPerToken, kvTokens } from './kv';
import type { SizingEngine, SizingInput, SizingResult } from './types';
import { weightBytes, weightBytesPerDevice } from './weights';

export interface PagedPlan {
  readonly engine: SizingEngine;
  readonly rule: string;
  readonly budgetBytes: number;
  readonly weightsBytes: number;
  readonly totalWeightBytes: number;
  readonly activationBytes: number;
  readonly runtimeBytes: number;
  /** Share of what is left that becomes KV cache (TensorRT-LLM's free fraction). @default 1 */
  readonly kvShareOfRest?: number;
  /** Tokens per KV page (vLLM block size 16, TGI 16 on CUDA, SGLang 1). @default 1 */
  readonly pageTokens?: number;
}

export function tensorParallelOf(input: SizingInput): number {
  return Math.max(1, input.tensorParallel ?? input.devices);
}

/** Tensor-parallel degree, the checkpoint's weights, and one shard's (what each device holds). */
export function shardedWeights(input: SizingInput): { tp: number; total: number; weights: number } {
  const tp = tensorParallelOf(input);
  const total = weightBytes(input.parameters, input.dtype, input.quantization, input.architecture);
  return { tp, total, weights: weightBytesPerDevice(total, tp) };
}

export function pagedResult(input: SizingInput, plan: PagedPlan): SizingResult {
  const tp = tensorParallelOf(input);
  const rest = plan.budgetBytes - plan.weightsBytes - plan.activationBytes - plan.runtimeBytes;
  const kvCacheBytes = Math.max(0, Math.floor(rest * (plan.kvShareOfRest ?? 1)));
  const perDevice = {
    totalBytes: input.deviceMemoryBytes,
    budgetBytes: plan.budgetBytes,
    weightsBytes: plan.weightsBytes,
    activationBytes: plan.activationBytes,
    runtimeBytes: plan.runtimeBytes,
    kvCacheBytes,
  };
  const base = { engine: plan.engine, rule: plan.rule, devices: input.devices, tensorParallel: tp, perDevice, totalWeightBytes: plan.totalWeightBytes };
  if (rest <= 0) {
    return { ...base, fits: false, kvChecked: !!input.architecture, concurrencyLimited: false, reason: `weights (${formatBytes(plan.weightsBytes)}), activations and runtime exceed the ${formatBytes(plan.budgetBytes)} budget per device` };
  }
  if (!input.architecture) {
    return {
      ...base,
      fits: true,
      kvChecked: false,
      concurrencyLimited: false,
      reason: `weights, activations and runtime fit in the ${formatBytes(plan.budgetBytes)} budget per device; the KV cache could not be checked (architecture unknown)`,
    };
  }
  const perToken = kvBytesPerToken(input.architecture, kvBytesPerElement(input.dtype, input.kvCacheDtype), tp);
  const tokens = kvTokens(kvCacheBytes, perToken, plan.pageTokens ?? 1);
  const maxConcurrency = Math.floor((tokens / input.maxContextLength) * 100) / 100;
  const fits = tokens >= input.maxContextLength;
  const needed = perToken * input.maxContextLength;
  return {
    ...base,
    kvBytesPerTokenPerDevice: perToken,
    kvCacheTokens: tokens,
    maxConcurrencyAtFullContext: maxConcurrency,
    fits,
    kvChecked: true,
    concurrencyLimited: fits && maxConcurrency < input.maxConcurrentSequences,
    reason: fits
      ? `the KV cache holds ${formatCount(tokens)} tokens: ${maxConcurrency} sequences of ${input.maxContextLength} tokens at once`
      : `one sequence of ${input.maxContextLength} tokens needs ${formatBytes(needed)} of KV cache per device, but only ${formatBytes(kvCacheBytes)} is left (${formatCount(tokens)} tokens)`,
  };
}
