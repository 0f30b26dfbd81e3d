/**
 * Files and terminals (issue 17), through the built binary: the spec must be a regular file inside the working
 * folder, non-spec content is never echoed, printed values cannot inject lines or escape sequences, and YAML
 * numbers keep their meaning.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonSchema } from '../lib/spec/schema';
import { spec } from './deploy/harness';
import { CLI } from './helpers/paths';

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

function tmp(): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'safety-')));
}

const SPEC = (deployment: string, extra = '') => spec(deployment, extra);

describe('the spec must be a regular file inside the working folder', () => {
  it.skipIf(process.platform === 'win32')('a FIFO is refused at once instead of hanging', () => {
    const dir = tmp();
    spawnSync('mkfifo', [path.join(dir, 'spec.yaml')]);
    const r = run(['validate', 'spec.yaml'], dir);
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error IS1107: the spec is not a regular file: it is a named pipe (FIFO)');
  });

  it.skipIf(!fs.existsSync('/proc/self/environ'))('/proc/self/environ and devices are refused and nothing of them is printed', () => {
    const dir = tmp();
    for (const file of ['/proc/self/environ', '/dev/null']) {
      const r = spawnSync(process.execPath, [CLI, 'validate', file], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', INFERSTACK_CANARY: 'canary-5f3a' } });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('IS1107');
      expect(r.stderr + r.stdout).not.toContain('canary-5f3a');
    }
  });

  it('a link to a file outside the working folder is refused; a link inside it is fine', () => {
    const outside = tmp();
    fs.writeFileSync(path.join(outside, 'spec.yaml'), SPEC('svc-a'));
    const dir = tmp();
    fs.symlinkSync(path.join(outside, 'spec.yaml'), path.join(dir, 'away.yaml'));
    const away = run(['validate', 'away.yaml'], dir);
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(/away\.yaml: error IS1108: the spec is a link to .*spec\.yaml, outside the working folder/);
    fs.writeFileSync(path.join(dir, 'real.yaml'), SPEC('svc-a'));
    fs.symlinkSync(path.join(dir, 'real.yaml'), path.join(dir, 'near.yaml'));
    expect(run(['validate', 'near.yaml'], dir).code).toBe(0);
  });

  it('a file that is not a spec is described, never echoed', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, '.env'), 'DB_PASSWORD=hunter2-secret\n');
    const r = run(['validate', '.env'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('must be a mapping, found a string (is this an inferstack spec?)');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('printed values cannot inject lines or terminal escapes', () => {
  it('a newline in an image or a key becomes a visible \\n, in text and in plan output', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'spec.yaml'), SPEC('svc-b', '    container: { image: "registry/x:1\\n::error::injected\\u001b[2J", port: 8000 }\n    "x\\n::error::key\\u001b[2J": 1\n'));
    const r = run(['validate', 'spec.yaml'], dir);
    expect(r.code).toBe(1);
    for (const line of (r.stdout + r.stderr).split('\n')) expect(line).not.toMatch(/^::(error|warning)/);
    expect(r.stderr).not.toContain('\u001b');
    fs.writeFileSync(path.join(dir, 'ok.yaml'), SPEC('svc-c', '    container: { image: "registry/x:1\\n::error::injected", port: 8000 }\n'));
    const plan = run(['plan', 'ok.yaml'], dir);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('image: registry/x:1\\n::error::injected');
    for (const line of plan.stdout.split('\n')) expect(line).not.toMatch(/^::error/);
  });
});

describe('YAML numbers keep their meaning', () => {
  it('unquoted numeric env values keep the text written in the spec', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'spec.yaml'), SPEC('svc-d', '    container:\n      env: { VERSION: 1.10, MODE: 0o755, BIG: 12345678901234567890, PLAIN: 8, FLAG: true }\n'));
    const r = run(['synth', 'spec.yaml', '--target', 'alibaba', '--out', 'out'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const service = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'svc-d.eas.json'), 'utf8')) as { containers: Array<{ env: Array<{ name: string; value: string }> }> };
    const env = Object.fromEntries(service.containers[0]!.env.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ VERSION: '1.10', MODE: '0o755', BIG: '12345678901234567890', PLAIN: '8', FLAG: 'true' });
  });
});

describe('the schema explains every pattern in words', () => {
  it('each string pattern carries an x-format-hint (or is a unit)', () => {
    const missing: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (typeof n.pattern === 'string' && !n['x-format-hint'] && !n['x-unit']) missing.push(`${at}: ${n.pattern}`);
      for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
    };
    walk(jsonSchema(), '#');
    expect(missing).toEqual([]);
  });
});
