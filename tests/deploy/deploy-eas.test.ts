import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_SECRET, withFake } from './harness';

describe('deploy-eas against the fake PAI-EAS server', () => {
  it('creates, then a rerun plans no change and makes no write call', async () => {
    await withFake({}, async (server, url) => {
      const file = specFile(spec('chat-a'));
      const first = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain('+ chat_a (chat-a): create');
      expect(first.stdout).toMatch(/✓ chat_a \(chat-a\): Running 1\/1 instances/);
      expect(server.calls.map((c) => c.action)).toContain('CreateService');
      expect(server.services.get('chat_a')!.autoscaler).toMatchObject({ min: 1, max: 3 });
      const writes = server.writeCalls().length;
      const second = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('= chat_a (chat-a): no change');
      expect(second.stderr).toContain('No changes');
      expect(server.writeCalls().length).toBe(writes);
    });
  });

  it('updates with a field-level diff and UpdateType=replace; scaler-only changes do not touch the service', async () => {
    await withFake({}, async (server, url) => {
      await deployEas([specFile(spec('chat-b')), '--endpoint', url, ...FAST]);
      const update = await deployEas([specFile(spec('chat-b').replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 6')), '--endpoint', url, ...FAST]);
      expect(update.code, update.stderr).toBe(0);
      expect(update.stdout).toContain('~ chat_b (chat-b): update');
      expect(update.stdout).toMatch(/containers\.0|containers: /);
      const put = server.calls.filter((c) => c.action === 'UpdateService');
      expect(put).toHaveLength(1);
      const before = server.calls.length;
      const scalerOnly = await deployEas([specFile(spec('chat-b', '', 'scaling: { min: 1, max: 5, metric: qps, target: 5 }').replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 6')), '--endpoint', url, ...FAST]);
      expect(scalerOnly.code, scalerOnly.stderr).toBe(0);
      expect(scalerOnly.stdout).toContain('autoscaler.max: 3 -> 5');
      const after = server.calls.slice(before).map((c) => c.action);
      expect(after).toContain('UpdateServiceAutoScaler');
      expect(after).not.toContain('UpdateService');
      expect(server.services.get('chat_b')!.autoscaler!.max).toBe(5);
      // Removing scaling removes the autoscaler.
      const removed = await deployEas([specFile(spec('chat-b', '', '').replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 6')), '--endpoint', url, ...FAST]);
      expect(removed.code).toBe(0);
      expect(server.services.get('chat_b')!.autoscaler).toBeUndefined();
    });
  });

  it('a service that fails reports the message, the warning events and a hint, and exits 1', async () => {
    await withFake({ behavior: (n) => (n === 'chat_c' ? { readyAfterMs: 200, failWith: { message: 'Instance failed to start', events: ['0/4 nodes are available: Insufficient nvidia.com/gpu'] } } : {}) }, async (_server, url) => {
      const r = await deployEas([specFile(spec('chat-c')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('chat_c is Failed: Instance failed to start');
      expect(r.stderr).toContain('Insufficient nvidia.com/gpu');
      expect(r.stderr).toContain('fix:');
      expect(r.stderr).toContain('fallback');
    });
  });

  it('--timeout ends the wait in bounded time with exit 1', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 60_000 }) }, async (_server, url) => {
      const started = Date.now();
      const r = await deployEas([specFile(spec('chat-d')), '--endpoint', url, ...FAST, '--timeout', '1s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('did not become Running within 1s');
      expect(Date.now() - started).toBeLessThan(20_000);
    });
  });

  it('a briefly invisible new service is waited for', async () => {
    await withFake({ behavior: () => ({ invisibleForMs: 600, readyAfterMs: 800 }) }, async (_server, url) => {
      const r = await deployEas([specFile(spec('chat-e')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
    });
  });

  it('--dry-run shows the plan and the service JSON and makes no write call', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('chat-f')), '--endpoint', url, '--dry-run']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('+ chat_f (chat-f): create');
      expect(r.stdout).toContain('"vllm serve /model_dir');
      expect(server.writeCalls()).toEqual([]);
      expect(server.calls.length).toBeGreaterThan(0);
    });
  });

  it('--destroy deletes the services (not-found counts as done) and waits until they are gone', async () => {
    await withFake({}, async (server, url) => {
      const file = specFile(spec('chat-g'));
      await deployEas([file, '--endpoint', url, ...FAST]);
      const r = await deployEas([file, '--endpoint', url, '--destroy', ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('- chat_g (chat-g): delete');
      expect(server.services.has('chat_g')).toBe(false);
      const again = await deployEas([file, '--endpoint', url, '--destroy', ...FAST]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('absent');
    });
  });

  it('deploys several deployments in parallel, bounded by --concurrency', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 500 }) }, async (server, url) => {
      const names = ['par-one', 'par-two', 'par-three', 'par-four'];
      const yaml = `version: 1\ndeployments:\n${names.map((n) => `  ${n}:\n    model: { uri: "oss://acme/${n}/", format: xgboost }\n    targets: { alibaba: { region: cn-hangzhou } }\n`).join('')}`;
      const started = Date.now();
      const r = await deployEas([specFile(yaml), '--endpoint', url, ...FAST, '--concurrency', '4', '--output', 'json']);
      const elapsed = Date.now() - started;
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.deployments.map((d: { service: string }) => d.service).sort()).toEqual(['par_four', 'par_one', 'par_three', 'par_two']);
      expect(server.services.size).toBe(4);
      // Four 500 ms rollouts in parallel take far less than four in a row.
      expect(elapsed).toBeLessThan(10_000);
      // Waiting for several services shares one ListServices snapshot per polling interval.
      expect(server.calls.some((c) => c.action === 'ListServices')).toBe(true);
      expect(server.calls.length / names.length).toBeLessThanOrEqual(15);
    });
  });

  it('wrong credentials: the signature is rejected and the error says what to check, without the secret', async () => {
    await withFake({}, async (_server, url) => {
      const r = await deployEas([specFile(spec('chat-h')), '--endpoint', url, ...FAST], credentialsEnv('wrong-secret-value-123'));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('SignatureDoesNotMatch');
      expect(r.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
      expect(r.stderr + r.stdout).not.toContain('wrong-secret-value-123');
      expect(r.stderr + r.stdout).not.toContain(TEST_SECRET);
    });
  });

  it('no credentials at all: a clear error naming the places it looked, and no API call', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('chat-i')), '--endpoint', url, ...FAST], { ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true', ALIBABA_CLOUD_CREDENTIALS_FILE: '/nonexistent', HOME: '/nonexistent' });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS5001');
      expect(r.stderr).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID');
      expect(r.stderr).toContain('~/.aliyun/config.json');
      expect(server.calls).toEqual([]);
    });
  });

  it('an invalid spec exits 1 and calls nothing; http:// is refused for non-loopback endpoints', async () => {
    await withFake({}, async (server, url) => {
      const bad = await deployEas([specFile(spec('chat-j').replace('engine: vllm', 'engine: tgi')), '--endpoint', url, ...FAST]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('IS2018');
      const http = await deployEas([specFile(spec('chat-j')), '--endpoint', 'http://10.1.2.3:8080', ...FAST]);
      expect(http.code).toBe(1);
      expect(http.stderr).toContain('IS5002');
      expect(server.calls).toEqual([]);
    });
  });

  it('without a terminal, changes are applied only with --yes', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('chat-k')), '--endpoint', url, '--poll-interval', '50ms']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS5006');
      expect(server.writeCalls()).toEqual([]);
    });
  });

  it('--output json is one machine-readable document with masked tokens', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('chat-l')), '--endpoint', url, ...FAST, '--output', 'json']);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.ok).toBe(true);
      expect(doc.deployments[0]).toMatchObject({ service: 'chat_l', action: 'create', ok: true, status: 'Running' });
      const token = server.services.get('chat_l')!.token;
      expect(r.stdout).not.toContain(token);
      expect(doc.deployments[0].token).toMatch(/^\*\*\*\*/);
      const shown = await deployEas([specFile(spec('chat-l')), '--endpoint', url, ...FAST, '--output', 'json', '--show-token']);
      expect(shown.stdout).not.toContain(token); // no change: nothing applied, nothing printed
    });
  });

  it('usage errors exit 2', async () => {
    expect((await deployEas([])).code).toBe(2);
    expect((await deployEas(['a.yaml', '--timeout', 'soon'])).code).toBe(2);
    expect((await deployEas(['a.yaml', '--concurrency', '0'])).code).toBe(2);
  });

  it('keeps the spec untouched', async () => {
    const file = specFile(spec('chat-m'));
    const before = fs.readFileSync(file, 'utf8');
    await withFake({}, async (_s, url) => deployEas([file, '--endpoint', url, '--dry-run']));
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });
});
