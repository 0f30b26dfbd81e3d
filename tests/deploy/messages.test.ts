/**
 * deploy-eas messages (issue 17): errors about the run are not positioned at spec:1:1, AWS-only errors do not block
 * PAI-EAS deployments, and declining the confirmation exits 2 with nothing changed.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, DEPLOY_EAS, ROOT } from '../helpers/paths';
import { credentialsEnv, deployEas, FAST, spec, specFile, withFake } from './harness';

const NO_CREDENTIALS = { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true', ALIBABA_CLOUD_CREDENTIALS_FILE: '/nonexistent', HOME: '/nonexistent' };

describe('deploy-eas messages', () => {
  it('missing credentials are reported about the run, not at spec:1:1', async () => {
    await withFake({}, async (_server, url) => {
      const file = specFile(spec('msg-a'));
      const r = await deployEas([file, '--endpoint', url, ...FAST], NO_CREDENTIALS);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}: error IS5001:`);
      expect(r.stderr).not.toMatch(/:1:1: error IS5001/);
    });
  });

  it('an unknown option gets a did-you-mean, not the Node argument-parser text', async () => {
    const r = await deployEas([specFile(spec('msg-d')), '--dryrun'], credentialsEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --dryrun; did you mean --dry-run?');
    expect(r.stderr).not.toContain('To specify a positional argument');
  });

  it('an AWS-only error does not block the Alibaba deployment; it is shown as a note', async () => {
    await withFake({}, async (server, url) => {
      const both = spec('msg-b')
        .replace('oss://acme/qwen/', 's3://acme/qwen/", alibaba: "oss://acme/qwen/')
        .replace('uri: "s3://', 'uri: { aws: "s3://')
        .replace('/", task', '/" }, task')
        .replace('resources: { instanceType: ecs.gn7i-c16g1.4xlarge }', 'resources: { instanceType: { alibaba: ecs.gn7i-c16g1.4xlarge, aws: ml.g5.nonexistent } }')
        .replace('targets: { alibaba: { region: cn-hangzhou } }', 'targets: { alibaba: { region: cn-hangzhou }, aws: { region: us-east-1 } }');
      const file = specFile(both);
      const r = await deployEas([file, '--endpoint', url, '--dry-run'], credentialsEnv());
      expect(r.stderr).toMatch(/note IS2009: unknown aws instance type "ml\.g5\.nonexistent" \[aws\]/);
      expect(r.code).toBe(0);
      expect(server.writeCalls()).toEqual([]);
    });
  });

  it.skipIf(!fs.existsSync('/usr/bin/script'))('answering no at the prompt exits 2 and changes nothing', async () => {
    await withFake({}, async (server, url) => {
      const file = specFile(spec('msg-c'));
      const command = [process.execPath, DEPLOY_EAS, file, '--endpoint', url, '--poll-interval', '50ms'].map((a) => `'${a}'`).join(' ');
      const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, ...credentialsEnv(), TERM: 'dumb' } });
        let text = '';
        let answered = false;
        child.stdin.on('error', () => undefined);
        child.stdout.on('data', (d) => {
          text += d;
          if (!answered && text.includes('[y/N]')) {
            answered = true;
            child.stdin.write('n\n');
          }
        });
        child.on('close', (c) => resolve({ code: c, out: text }));
      });
      expect(out).toContain('Cancelled; nothing was changed.');
      expect(code).toBe(2);
      expect(server.writeCalls()).toEqual([]);
    });
  }, 60_000);

  it('the first hour of the README: init, then a dry run and a deployment against the fake PAI-EAS', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-hour-'));
    expect(spawnSync(process.execPath, [CLI, 'init', '--target', 'alibaba'], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    const file = path.join(dir, 'inferstack.yaml');
    await withFake({}, async (server, url) => {
      const dry = await deployEas([file, '--endpoint', url, '--dry-run'], credentialsEnv());
      expect(dry.stderr).not.toMatch(/error IS/);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(/\+ qwen_chat \(qwen-chat\)/);
      expect(server.writeCalls()).toEqual([]);
      const apply = await deployEas([file, '--endpoint', url, ...FAST], credentialsEnv());
      expect(apply.code).toBe(0);
      const again = await deployEas([file, '--endpoint', url, '--dry-run'], credentialsEnv());
      expect(again.stdout).toMatch(/= qwen_chat \(qwen-chat\)/);
    });
  }, 120_000);
});
