import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, EXAMPLES, INVALID, ROOT } from './helpers/paths';

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const examples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => path.join('examples', f));

describe('inferstack CLI', () => {
  it.each(examples)('validate %s exits 0', (spec) => {
    const r = run(['validate', spec]);
    expect(r.stderr).toContain('valid');
    expect(r.code).toBe(0);
  });

  it.each(examples)('plan --output json %s gives one JSON document with every deployment', (spec) => {
    const r = run(['plan', spec, '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.deployments.length).toBeGreaterThan(0);
    for (const row of doc.deployments) {
      expect(row.engine).toBeTruthy();
      expect(typeof row.priceNote).toBe('string');
      if (row.mode !== 'serverless') expect(row.instanceType).toMatch(/^(ml|ecs)\./);
    }
  });

  it('plan prints the table with prices where they are known', () => {
    const r = run(['plan', 'examples/qwen-chat.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/qwen-chat\s+aws\/us-east-1\s+realtime\s+ml\.g5\.xlarge/);
    expect(r.stdout).toContain('$1.408');
    expect(r.stdout).toContain('no public price recorded for ecs.gn7i-c8g1.2xlarge');
  });

  it('invalid specs exit 1 with positioned diagnostics, write nothing', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-'));
    const spec = path.relative(ROOT, path.join(INVALID, 'aws-serverless-gpu.yaml'));
    const r = run(['synth', spec, '--out', path.join(out, 'x')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/aws-serverless-gpu\.yaml:\d+:\d+: error IS3001:/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    expect(fs.existsSync(path.join(out, 'x'))).toBe(false);
  });

  it('validate --output json carries the same diagnostics as data', () => {
    const r = run(['validate', path.relative(ROOT, path.join(INVALID, 'unit-size-gb.yaml')), '--output', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.diagnostics[0]).toMatchObject({ code: 'IS1006', severity: 'error', line: 5, column: 26 });
    expect(r.stderr).toBe('');
  });

  it('usage errors exit 2', () => {
    expect(run(['frobnicate']).code).toBe(2);
    expect(run(['validate']).code).toBe(2);
    expect(run(['plan', 'examples/qwen-chat.yaml', '--target', 'gcp']).code).toBe(2);
    expect(run(['validate', 'examples/qwen-chat.yaml', '--bogus']).code).toBe(2);
    expect(run([]).code).toBe(2);
  });

  it('a missing file or a directory is a diagnostic, not a crash', () => {
    const missing = run(['validate', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('IS1015');
    const dir = run(['validate', 'examples']);
    expect(dir.code).toBe(1);
    expect(dir.stderr).toContain('directory');
  });

  it('schema prints the committed schema', () => {
    const r = run(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(fs.readFileSync(path.join(ROOT, 'schema', 'inferstack.schema.json'), 'utf8'));
  });

  it('synth is byte-for-byte deterministic across runs', () => {
    const a = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-a-'));
    const b = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-b-'));
    expect(run(['synth', 'examples/qwen-chat.yaml', '--out', a]).code).toBe(0);
    expect(run(['synth', 'examples/qwen-chat.yaml', '--out', b]).code).toBe(0);
    const list = (d: string): string[] => fs.readdirSync(d, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(d, f)).isFile()).sort();
    expect(list(a)).toEqual(list(b));
    for (const f of list(a)) expect(fs.readFileSync(path.join(a, f), 'utf8'), f).toBe(fs.readFileSync(path.join(b, f), 'utf8'));
    expect(list(a)).toContain(path.join('alibaba', 'qwen-chat.eas.json'));
    expect(list(a)).toContain(path.join('aws', 'QwenChat.template.json'));
  });

  it('colour only on a TTY and never with NO_COLOR', () => {
    const r = run(['validate', path.relative(ROOT, path.join(INVALID, 'unit-size-gb.yaml'))]);
    expect(r.stderr).not.toContain('\u001b[');
  });
});

describe('every invalid fixture through the built CLI: exit 1, the recorded diagnostics, nothing written', () => {
  const fixtures = fs.readdirSync(INVALID).filter((f) => f.endsWith('.yaml')).sort();
  it.each(fixtures)('%s', (fixture) => {
    const rel = path.relative(ROOT, path.join(INVALID, fixture));
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'inv-')), 'out');
    const r = run(['synth', rel, '--target', 'all', '--out', out, '--output', 'json']);
    expect(r.code).toBe(1);
    expect(fs.existsSync(out)).toBe(false);
    const baseline = fs.readFileSync(path.join(INVALID, fixture.replace(/\.yaml$/, '.diagnostics.txt')), 'utf8');
    const heads = baseline.split('\n').filter((l) => /^\S.*: (error|warning) IS\d{4}:/.test(l));
    const doc = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; line: number; column: number; severity: string; code: string; message: string; target?: string }> };
    expect(doc.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}${d.target ? ` [${d.target}]` : ''}`)).toEqual(heads);
  });
});

describe('synth output directories', () => {
  it('a synthesis into a fresh folder holds only its files and manifest (details: tests/cli-first-run.test.ts)', () => {
    const eas = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eas-')), 'out');
    expect(run(['synth', 'examples/eas-qwen-vllm.yaml', '--target', 'alibaba', '--out', eas]).code).toBe(0);
    expect(fs.readdirSync(eas).sort()).toEqual(['.inferstack-synth.json', 'qwen7b-vllm.eas.json']);
  });
});
