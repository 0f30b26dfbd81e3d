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
