import { describe, expect, it } from 'vitest';
import { FakeKmsServer } from '../../providers/alibaba/testing/fake-kms-server';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_KEY_ID, TEST_SECRET } from '../deploy/harness';
import { inferstack, withEasWorld } from '../invoke/run-cli';

describe('inferstack status on PAI-EAS (built binary, fake PAI-EAS server)', () => {
  it('a deployed, running service that matches the spec: exit 0, instances, endpoint, no token', async () => {
    await withEasWorld(async ({ control, controlUrl }) => {
      const file = specFile(spec('chat-ok'));
      const deployed = await deployEas([file, '--endpoint', controlUrl, ...FAST]);
      expect(deployed.code, deployed.stderr).toBe(0);
      const r = await inferstack(['status', file, '--endpoint', controlUrl]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('✓ chat-ok [alibaba/cn-hangzhou] chat_ok: Running, serving as specified');
      expect(r.stdout).toContain('instances: 1/1 running');
      expect(r.stdout).toMatch(/endpoint: http:\/\/127\.0\.0\.1:\d+\/api\/predict\/chat_ok/);
      const json = await inferstack(['status', file, '--output', 'json'], { ...(await import('../deploy/harness')).credentialsEnv(), INFERSTACK_EAS_ENDPOINT: controlUrl });
      expect(json.code).toBe(0);
      const doc = JSON.parse(json.stdout);
      expect(doc.ok).toBe(true);
      expect(doc.deployments[0]).toMatchObject({ deployment: 'chat-ok', target: 'alibaba', serving: true, state: 'Running', facts: { runningInstances: 1, totalInstances: 1, createdByInferstack: true, drift: [] } });
      const token = control.services.get('chat_ok')!.token;
      expect(r.stdout + r.stderr + json.stdout).not.toContain(token);
      // Read-only: status made no write call.
      const writesBefore = control.writeCalls().length;
      await inferstack(['status', file, '--endpoint', controlUrl]);
      expect(control.writeCalls().length).toBe(writesBefore);
    });
  });

  it('a service that does not exist: exit 1 and how to deploy it', async () => {
    await withEasWorld(async ({ controlUrl }) => {
      const r = await inferstack(['status', specFile(spec('chat-none')), '--endpoint', controlUrl]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('✗ chat-none');
      expect(r.stdout).toContain('service chat_none does not exist: deploy it with deploy-eas');
    });
  });

  it('a failed service: exit 1 with its message and the latest warning events', async () => {
    await withEasWorld(async ({ control, controlUrl }) => {
      const file = specFile(spec('chat-bad'));
      await deployEas([file, '--endpoint', controlUrl, ...FAST]);
      const s = control.services.get('chat_bad')!;
      s.phase = 'Failed';
      s.failWith = { message: 'Instance failed to start', events: [] };
      s.events.push({ Message: JSON.stringify({ message: 'Back-off restarting failed container' }), Reason: 'ContainerFailed', Time: '2026-11-25 10:00:00', Type: 'Warning', Resource: 'Pod' });
      const r = await inferstack(['status', file, '--endpoint', controlUrl]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('service is Failed: Instance failed to start');
      expect(r.stdout).toContain('warning event: 2026-11-25 10:00:00 ContainerFailed: Back-off restarting failed container');
    });
  });

  it('a running service whose configuration differs from the spec is not serving as specified', async () => {
    await withEasWorld(async ({ controlUrl }) => {
      await deployEas([specFile(spec('chat-drift')), '--endpoint', controlUrl, ...FAST]);
      const changed = specFile(spec('chat-drift').replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 6'));
      const r = await inferstack(['status', changed, '--endpoint', controlUrl]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('the running configuration differs from the spec at containers');
      expect(r.stdout).toContain('run deploy-eas');
    });
  });

  it('a service someone else created under the same name is reported, not claimed', async () => {
    await withEasWorld(async ({ control, controlUrl }) => {
      const file = specFile(spec('chat-other'));
      await deployEas([file, '--endpoint', controlUrl, ...FAST]);
      control.services.get('chat_other')!.labels = { owner: 'someone-else' };
      const r = await inferstack(['status', file, '--endpoint', controlUrl]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('was not created by inferstack for deployment chat-other');
    });
  });

  it('usage errors exit 2; an http:// endpoint that is not loopback is refused as deploy-eas refuses it (IS5002, exit 1)', async () => {
    expect((await inferstack(['status'])).code).toBe(2);
    expect((await inferstack(['status', 'x.yaml', '--target', 'gcp'])).code).toBe(2);
    const r = await inferstack(['status', specFile(spec('chat-x')), '--endpoint', 'http://example.com']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error IS5002: endpoint http://example.com is not allowed');
    expect(r.stderr).toContain('only for loopback');
  });

  it('an unknown --deployment is a diagnostic, exit 1, and no cloud call', async () => {
    await withEasWorld(async ({ control, controlUrl }) => {
      const r = await inferstack(['status', specFile(spec('chat-y')), '--deployment', 'nope', '--endpoint', controlUrl]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS5502');
      expect(r.stderr).toContain('use one of: chat-y');
      expect(control.calls).toHaveLength(0);
    });
  });

  it('a service with container.secrets is not reported as drifted because its value differs from the placeholder', async () => {
    const kms = new FakeKmsServer({ [TEST_KEY_ID]: TEST_SECRET });
    const kmsUrl = await kms.start();
    const ref = 'acs:kms:cn-hangzhou:1234567890:secret/hf-token';
    kms.secrets.set(ref, 'hf_StatusTestValueNeverPrinted0123456789');
    try {
      await withEasWorld(async ({ controlUrl }) => {
        const file = specFile(spec('chat-sec', `    container: { secrets: { HF_TOKEN: "${ref}" } }\n`));
        expect((await deployEas([file, '--endpoint', controlUrl, ...FAST], { ...credentialsEnv(), INFERSTACK_KMS_ENDPOINT: kmsUrl })).code).toBe(0);
        const r = await inferstack(['status', file, '--endpoint', controlUrl, '--output', 'json']);
        expect(r.code, r.stdout).toBe(0);
        expect(JSON.parse(r.stdout).deployments[0].facts.drift).toEqual([]);
        expect(r.stdout + r.stderr).not.toContain('hf_StatusTestValueNeverPrinted0123456789');
      });
    } finally {
      await kms.stop();
    }
  });
});
