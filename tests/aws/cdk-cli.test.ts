/** The real aws-cdk CLI synthesizes every AWS example, and `inferstack synth --target aws` writes the same templates. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { CLI, EXAMPLES, ROOT } from '../helpers/paths';

function exec(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
}

const cdkBin = path.join(ROOT, 'node_modules', 'aws-cdk', 'bin', 'cdk');
const awsExamples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && compileSpecFile(path.join(EXAMPLES, f)).deployments.some((d) => d.target === 'aws'));

describe('cdk synth with the real CDK CLI', () => {
  it.each(awsExamples)(
    '%s',
    async (file) => {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-'));
      const cdkOut = path.join(base, 'cdk');
      const ours = path.join(base, 'ours');
      const [cdk, inferstack] = await Promise.all([
        exec(process.execPath, [cdkBin, 'synth', '-c', `spec=examples/${file}`, '-o', cdkOut, '--quiet', '--no-notices']),
        exec(process.execPath, [CLI, 'synth', `examples/${file}`, '--target', 'aws', '--out', ours]),
      ]);
      expect(cdk.code, cdk.out).toBe(0);
      expect(cdk.out).not.toMatch(/feature flags are not configured/);
      expect(inferstack.code, inferstack.out).toBe(0);
      const templates = fs.readdirSync(cdkOut).filter((f) => f.endsWith('.template.json'));
      expect(templates.length).toBeGreaterThan(0);
      // The built-in validator is off on both paths (it writes this report when it runs; see validation.test.ts).
      expect(fs.existsSync(path.join(cdkOut, 'validation-report.json'))).toBe(false);
      for (const t of templates) {
        expect(fs.readFileSync(path.join(ours, t), 'utf8'), t).toBe(fs.readFileSync(path.join(cdkOut, t), 'utf8'));
        expect(fs.readFileSync(path.join(cdkOut, t), 'utf8'), t).toContain('"aws:cdk:path"');
        // Creation stack traces (one captured stack per construct) stay out of the metadata on both paths.
        const metadata = t.replace('.template.json', '.metadata.json');
        for (const dir of [cdkOut, ours]) expect(fs.readFileSync(path.join(dir, metadata), 'utf8'), `${dir}/${metadata}`).not.toContain('aws:cdk:creationStack');
        const resources = Object.keys(JSON.parse(fs.readFileSync(path.join(cdkOut, t), 'utf8')).Resources);
        expect(resources.length).toBeLessThanOrEqual(500);
      }
    },
    120_000,
  );

  it('inferstack synth replaces what cdk synth wrote into the same folder, and keeps files that were there before', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-then-ours-')), 'cdk.out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(out, 'notes.txt'), old, old);
    const cdk = await exec(process.execPath, [cdkBin, 'synth', '-c', 'spec=examples/qwen-chat.yaml', '-o', out, '--quiet', '--no-notices']);
    expect(cdk.code, cdk.out).toBe(0);
    const recorded = JSON.parse(fs.readFileSync(path.join(out, '.inferstack-synth.json'), 'utf8')) as { files: string[] };
    expect(recorded.files).toContain('QwenChat.template.json');
    expect(recorded.files).not.toContain('notes.txt');
    const ours = await exec(process.execPath, [CLI, 'synth', 'examples/qwen-chat.yaml', '--target', 'aws', '--out', out]);
    expect(ours.code, ours.out).toBe(0);
    expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
  }, 120_000);

  it('-c inferstack:validate=true runs the built-in validator; the templates stay the same', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-validate-'));
    const [plain, validated] = [path.join(base, 'plain'), path.join(base, 'validated')];
    const synth = (out: string, ...extra: string[]) => exec(process.execPath, [cdkBin, 'synth', '-c', 'spec=examples/qwen-chat.yaml', ...extra, '-o', out, '--quiet', '--no-notices']);
    const [a, b] = await Promise.all([synth(plain), synth(validated, '-c', 'inferstack:validate=true')]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    expect(fs.existsSync(path.join(plain, 'validation-report.json'))).toBe(false);
    expect(fs.existsSync(path.join(validated, 'validation-report.json'))).toBe(true);
    const templates = fs.readdirSync(plain).filter((f) => f.endsWith('.template.json'));
    expect(templates.length).toBeGreaterThan(0);
    for (const t of templates) expect(fs.readFileSync(path.join(validated, t), 'utf8'), t).toBe(fs.readFileSync(path.join(plain, t), 'utf8'));
  }, 120_000);
});
