/**
 * Secrets never appear in any output of any command, nor in any synthesized file: the test access key secret,
 * the STS security token and the services' access tokens are scanned for everywhere.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, EXAMPLES, ROOT } from './helpers/paths';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_SECRET, TEST_STS_TOKEN, withFake } from './deploy/harness';

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => fs.statSync(f).isFile());
}

describe('secrets', () => {
  it('no command output and no synthesized file contains a secret', async () => {
    const env = { ...credentialsEnv(), ALIBABA_CLOUD_SECURITY_TOKEN: TEST_STS_TOKEN };
    const outputs: string[] = [];
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    for (const f of fs.readdirSync(EXAMPLES).filter((x) => x.endsWith('.yaml'))) {
      for (const args of [['validate'], ['plan'], ['plan', '--output', 'json'], ['synth', '--out', path.join(out, f)]]) {
        const [cmd, ...rest] = args;
        const r = spawnSync(process.execPath, [CLI, cmd!, path.join('examples', f), ...rest], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
        outputs.push(r.stdout, r.stderr);
      }
    }
    const serviceTokens: string[] = [];
    await withFake({ behavior: (n) => (n === 'sec_fail' ? { readyAfterMs: 100, failWith: { message: 'boom', events: ['ContainerCrash'] } } : {}) }, async (server, url) => {
      const file = specFile(spec('sec-svc'));
      for (const args of [[...FAST], [...FAST, '--output', 'json'], ['--dry-run'], ['--dry-run', '--output', 'json'], [...FAST, '--destroy']]) {
        const r = await deployEas([file, '--endpoint', url, ...args], env);
        outputs.push(r.stdout, r.stderr);
        for (const s of server.services.values()) serviceTokens.push(s.token);
      }
      const failing = await deployEas([specFile(spec('sec-fail')), '--endpoint', url, ...FAST], env);
      outputs.push(failing.stdout, failing.stderr);
      const wrong = await deployEas([file, '--endpoint', url, ...FAST], { ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: `${TEST_SECRET}-rotated` });
      outputs.push(wrong.stdout, wrong.stderr);
      for (const s of server.services.values()) serviceTokens.push(s.token);
    });
    expect(serviceTokens.length).toBeGreaterThan(0);
    const files = listFiles(out).map((f) => fs.readFileSync(f, 'utf8'));
    const haystacks = [...outputs, ...files];
    for (const secret of [TEST_SECRET, TEST_STS_TOKEN, ...serviceTokens]) {
      for (const h of haystacks) expect(h.includes(secret), `secret found in output`).toBe(false);
    }
  }, 180_000);
});
