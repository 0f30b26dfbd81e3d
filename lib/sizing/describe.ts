/** Text for the memory breakdown, shared by diagnostics, `plan` and `fit`. */
import { formatBytes } from '../spec/units';
import type { SizingResult } from './types';

/** "budget 19.8 GiB = weights 14.2 + activations 0.3 + runtime 0.4 + KV cache 4.9 GiB (87,360 tokens)" */
export function describeBreakdown(r: SizingResult): string {
  const d = r.perDevice;
  const tokens = r.kvCacheTokens !== undefined ? ` (${r.kvCacheTokens.toLocaleString('en-US')} tokens, ${r.kvBytesPerTokenPerDevice!.toLocaleString('en-US')} bytes/token)` : '';
  const devices = r.devices > 1 ? `per device (${r.devices} devices, tensor parallel ${r.tensorParallel})` : 'per device';
  return `${devices}: ${formatBytes(d.totalBytes)} usable, budget ${formatBytes(d.budgetBytes)} = weights ${formatBytes(d.weightsBytes)} + activations ${formatBytes(d.activationBytes)} + runtime ${formatBytes(d.runtimeBytes)} + KV cache ${formatBytes(d.kvCacheBytes)}${tokens}`;
}

/** The short form for table cells: "KV 4.9 GiB x1 = 87k tok, 5.3x@16k". */
export function describeShort(r: SizingResult, maxContextLength: number): string {
  const d = r.perDevice;
  const head = `${formatBytes(d.weightsBytes)} w + ${formatBytes(d.activationBytes + d.runtimeBytes)} act/rt + ${formatBytes(d.kvCacheBytes)} KV / ${formatBytes(d.budgetBytes)}`;
  if (r.maxConcurrencyAtFullContext === undefined) return `${head} (KV unchecked)`;
  return `${head} = ${r.maxConcurrencyAtFullContext}x ${compactTokens(maxContextLength)}`;
}

export function compactTokens(n: number): string {
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}k` : String(n);
}
