/** On a terminal, deploy-eas keeps one live status line; `script` gives the child a real pseudo-terminal. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOY_EAS, ROOT } from '../helpers/paths';
import { credentialsEnv, spec, specFile, withFake } from './harness';

const hasScript = fs.existsSync('/usr/bin/script');

describe.skipIf(!hasScript)('deploy-eas on a TTY', () => {
  it('rewrites one status line (status, running/total, elapsed) instead of printing progress lines', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 1200 }) }, async (_server, url) => {
      const file = specFile(spec('tty-svc'));
      const command = [process.execPath, DEPLOY_EAS, file, '--endpoint', url, '--yes', '--poll-interval', '200ms'].map((a) => `'${a}'`).join(' ');
      const out = await new Promise<string>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...credentialsEnv(), TERM: 'xterm' } });
        let text = '';
        child.stdout.on('data', (d) => (text += d));
        child.on('close', () => resolve(text));
      });
      expect(out).toContain('\r\u001b[2K');
      expect(out).toMatch(/tty_svc: Creating 0\/1 \(\d+s\)/);
      expect(out).toMatch(/tty_svc: Running 1\/1/);
      expect(out).toContain('\u001b['); // colour on a TTY
    });
  }, 60_000);
});
