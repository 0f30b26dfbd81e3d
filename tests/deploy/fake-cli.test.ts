/** The fake PAI-EAS server runs as a command, prints its port, and deploy-eas works against it. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_KEY_ID, TEST_SECRET } from './harness';

describe('inferstack-fake-eas', () => {
  it('listens on the port it prints and serves deploy-eas', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'bin', 'fake-eas.js'), '--port', '0', '--key-id', TEST_KEY_ID, '--key-secret', TEST_SECRET, '--ready-after', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /port=(\d+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(Number(port)).toBeGreaterThan(0);
      const r = await deployEas([specFile(spec('cli-a')), '--endpoint', `http://127.0.0.1:${port}`, ...FAST], credentialsEnv());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('+ cli_a (cli-a): create');
      expect(r.stdout).toMatch(/✓ cli_a \(cli-a\): Running 1\/1/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
