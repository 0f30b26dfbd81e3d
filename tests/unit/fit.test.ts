/** `inferstack fit`: argument parsing, the structured result, and the JSON contract of the issue. */
import { describe, expect, it } from 'vitest';
import { fit, fitJson, FitUsageError, parseFitArgs, parseTokens, renderFitText } from '../../lib/commands/fit';
import { GIB } from '../../lib/sizing';

const LLAMA = ['--parameters', '8.03B', '--layers', '32', '--kv-heads', '8', '--head-dim', '128', '--dtype', 'bf16'];

describe('inferstack fit', () => {
  it('prints exactly the JSON shape of the contract', () => {
    const r = fit(parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10', '--count', '2', '--context', '16k', '--output', 'json']));
    const json = fitJson(r);
    // The contract (plan's memory object) plus the documented `warnings` array.
    expect(Object.keys(json).sort()).toEqual(['devices', 'fits', 'kvCacheTokens', 'maxConcurrencyAtFullContext', 'perDevice', 'reason', 'warnings']);
    expect(json.warnings).toEqual([]);
    expect(Object.keys(json.perDevice).sort()).toEqual(['activationBytes', 'budgetBytes', 'kvCacheBytes', 'runtimeBytes', 'totalBytes', 'weightsBytes']);
    expect(json.devices).toBe(2);
    expect(json.fits).toBe(true);
    expect(json.perDevice.totalBytes).toBe(Math.floor(21.99 * GIB));
    const d = json.perDevice;
    expect(d.weightsBytes + d.activationBytes + d.runtimeBytes + d.kvCacheBytes).toBe(d.budgetBytes);
    expect(json.kvCacheTokens! / 16384).toBeCloseTo(json.maxConcurrencyAtFullContext!, 1);
  });
  it('--gpu-memory sizes any GPU; --family replaces the architecture flags', () => {
    const r = fit(parseFitArgs(['--parameters', '8.03B', '--family', 'llama-3.1', '--gpu-memory', '23.58Gi', '--context', '29000', '--gpu-memory-utilization', '0.9', '--max-batched-tokens', '29000']));
    expect(r.request.sizing.architecture).toMatchObject({ layers: 32, kvHeads: 8, headDim: 128 });
    expect(r.memory.fits).toBe(false); // vLLM refused this one (vllm#10517)
    expect(renderFitText(r)).toMatch(/does not fit: one sequence of 29000 tokens needs/);
  });
  it('fp8 KV cache doubles the tokens', () => {
    const base = fit(parseFitArgs([...LLAMA, '--accelerator', 'nvidia-l4', '--context', '8k']));
    const fp8 = fit(parseFitArgs([...LLAMA, '--accelerator', 'nvidia-l4', '--context', '8k', '--kv-cache-dtype', 'fp8']));
    expect(fp8.sizing.kvBytesPerTokenPerDevice).toBe(base.sizing.kvBytesPerTokenPerDevice! / 2);
    expect(fp8.memory.kvCacheTokens!).toBeGreaterThan(1.9 * base.memory.kvCacheTokens!);
  });
  it('rejects usage errors with a message (exit 2 in the CLI)', () => {
    expect(() => parseFitArgs([...LLAMA, '--context', '8k'])).toThrow(/exactly one of --accelerator NAME or --gpu-memory SIZE/);
    expect(() => parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10', '--gpu-memory', '20Gi', '--context', '8k'])).toThrow(FitUsageError);
    expect(() => parseFitArgs(['--parameters', '8B', '--family', 'falcon', '--accelerator', 'nvidia-a10', '--context', '8k'])).toThrow(/not a known family/);
    expect(() => parseFitArgs(['--parameters', '8B', '--layers', '32', '--accelerator', 'nvidia-a10', '--context', '8k'])).toThrow(/all three/);
    expect(() => parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10', '--context', '8k', '--engine', 'foo'])).toThrow(/--engine must be one of/);
    expect(() => parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10', '--context', '8k', '--count', '1', '--tensor-parallel', '2'])).toThrow(/exceeds the 1 devices of --count 1/);
    expect(() => parseFitArgs([...LLAMA, '--accelerator', 'gpu9000', '--context', '8k'])).toThrow(/not cataloged/);
  });
  it('reads token counts as 16384 or 16k', () => {
    expect(parseTokens('context', '16k')).toBe(16384);
    expect(parseTokens('context', '128K')).toBe(131072);
    expect(parseTokens('context', '29000')).toBe(29000);
    expect(() => parseTokens('context', '16 k')).toThrow(FitUsageError);
  });
});

describe('inferstack fit: instances and prices', () => {
  it('names the cheapest type per cloud with that accelerator, priced from the catalog or --prices', () => {
    const r = fit(parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10g', '--context', '8k']));
    const text = renderFitText(r);
    expect(text).toMatch(/^aws: ml\.g5\.xlarge \(1 x nvidia-a10g, \$1\.408\/h in us-east-1\)$/m);
    expect(text).toMatch(/^alibaba: \S+ \(1 x nvidia-a10, no price known; give one with --prices\)$/m);
    const withPrices = fit({ ...parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10g', '--context', '8k']), prices: { alibaba: { currency: 'CNY', regions: { 'cn-hangzhou': { 'ml.gu7i.c8m30.1-gu30': 9.9 } } } } });
    expect(renderFitText(withPrices)).toMatch(/^alibaba: ml\.gu7i\.c8m30\.1-gu30 \(1 x nvidia-a10, 9\.90 CNY\/h in cn-hangzhou\)$/m);
  });
  it('a bad --prices file is a usage error', () => {
    expect(() => parseFitArgs([...LLAMA, '--accelerator', 'nvidia-a10g', '--context', '8k', '--prices', '/nonexistent/prices.yaml'])).toThrow(/--prices \/nonexistent\/prices\.yaml: cannot read it/);
  });
});

describe('inferstack fit on Neuron', () => {
  it('sizes NeuronCores, as plan does, with the static KV cache of LMI Neuron', () => {
    const r = fit(parseFitArgs([...LLAMA, '--engine', 'lmi', '--lmi-backend', 'neuron', '--accelerator', 'aws-inferentia2', '--count', '1', '--context', '4k']));
    expect(r.memory.devices).toBe(2); // 1 chip x 2 NeuronCores
    expect(r.memory.perDevice.totalBytes).toBe(Math.floor((32 * GIB) / 2));
    expect(renderFitText(r)).toMatch(/^aws: ml\.inf2\.xlarge \(1 x aws-inferentia2/m);
  });
});
