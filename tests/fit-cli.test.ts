/** `inferstack fit` and the memory/prices parts of `plan`, through the built CLI (exit codes, JSON). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers/paths';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const QWEN7B = ['fit', '--parameters', '7.6B', '--family', 'qwen2.5', '--accelerator', 'nvidia-a10g'];

describe('inferstack fit (CLI)', () => {
  it('exits 0 when it fits and prints the breakdown, KV tokens, concurrency and verdict', () => {
    const r = run([...QWEN7B, '--context', '16k']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/weights\s+14\.2 GiB/);
    expect(r.stdout).toMatch(/KV cache tokens: [\d,]+/);
    expect(r.stdout).toMatch(/maximum concurrency at 16,384 tokens: \d+(\.\d+)?x/);
    expect(r.stdout).toMatch(/^fits: /m);
  });
  it('exits 1 when the engine would refuse, with JSON on request', () => {
    const r = run([...QWEN7B, '--context', '128k', '--output', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.fits).toBe(false);
    expect(doc.reason).toMatch(/one sequence of 131072 tokens needs/);
  });
  it('exits 1 when the engine build refuses the GPU: an fp8 KV cache on a V100 (PAI-EAS vLLM 0.14.0), reason in the JSON', () => {
    const small = ['fit', '--parameters', '1.54B', '--family', 'qwen2.5', '--accelerator', 'nvidia-v100', '--context', '4k', '--output', 'json'];
    expect(run(small).code).toBe(0);
    const r = run([...small, '--kv-cache-dtype', 'fp8']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.fits).toBe(false);
    expect(doc.reason).toMatch(/^IS2260: --kv-cache-dtype fp8: vLLM 0\.14\.0 cannot store an fp8 KV cache on this GPU \(nvidia-v100/);
  });
  it('prints the served-dtype warning in the text output (Qwen bf16 on a T4 is served in fp16)', () => {
    const r = run(['fit', '--parameters', '1.54B', '--family', 'qwen2.5', '--accelerator', 'nvidia-t4', '--context', '4k']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^1\.54B bf16 served as fp16 on 1 x nvidia-t4/m);
    expect(r.stdout).toMatch(/^warning: IS2101: --dtype bf16 is served as fp16 by vLLM 0\.14\.0/m);
    expect(r.stdout).toMatch(/^GPU rules: vLLM 0\.14\.0 on alibaba by default; --target chooses the cloud$/m);
  });
  it('exits 2 on usage errors, with the usage', () => {
    const r = run(['fit', '--parameters', '7.6B', '--family', 'qwen2.5', '--context', '16k']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exactly one of --accelerator NAME or --gpu-memory SIZE/);
    expect(r.stderr).toMatch(/Usage:/);
  });
});

describe('plan: memory and prices', () => {
  it('plan --output json has the memory object per deployment and target', () => {
    const r = run(['plan', 'examples/qwen-chat.yaml', '--output', 'json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout).deployments as { target: string; memory: Record<string, unknown> }[];
    expect(rows.map((row) => row.target).sort()).toEqual(['alibaba', 'aws']);
    for (const row of rows) {
      expect(Object.keys(row.memory).sort()).toEqual(['devices', 'fits', 'kvCacheTokens', 'maxConcurrencyAtFullContext', 'perDevice', 'reason']);
      expect(row.memory.fits).toBe(true);
    }
  });
  it('plan --prices FILE prices PAI-EAS types in the table currency', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-prices-'));
    const file = path.join(dir, 'prices.yaml');
    fs.writeFileSync(file, 'alibaba:\n  currency: CNY\n  regions:\n    cn-hangzhou: { ecs.gn7i-c8g1.2xlarge: 11.5 }\n');
    const r = run(['plan', 'examples/qwen-chat.yaml', '--prices', file, '--output', 'json']);
    expect(r.code).toBe(0);
    const alibaba = JSON.parse(r.stdout).deployments.find((row: { target: string }) => row.target === 'alibaba');
    expect(alibaba.pricePerHour).toEqual({ amount: 11.5, currency: 'CNY', source: 'user' });
    expect(alibaba.pricePerHourUsd).toBeNull();
    fs.writeFileSync(file, 'alibaba:\n  regions:\n    cn-hangzhou: { ecs.gn7i-c8g1.2xlarge: cheap }\n');
    const bad = run(['plan', 'examples/qwen-chat.yaml', '--prices', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/alibaba\.regions\.cn-hangzhou\.ecs\.gn7i-c8g1\.2xlarge must be a positive number/);
  });
});
