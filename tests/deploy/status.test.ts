/** deploy-eas reports only what it observed: live status, fresh reads after its own write, this run's events. */
import { describe, expect, it } from 'vitest';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_STS_TOKEN, withFake } from './harness';

const ours = (deployment: string) => ({ 'managed-by': 'inferstack', 'inferstack-spec': 'spec', 'inferstack-deployment': deployment });
const failing = { readyAfterMs: 100, failWith: { message: 'Instance failed to start', events: ['Failed to pull image "x": ImagePullBackOff'] } };

describe('observed status', () => {
  it('a rerun after a failed rollout shows the service unhealthy, applies the spec again and exits 1 until it runs', async () => {
    let broken = true;
    await withFake({ behavior: () => (broken ? failing : { readyAfterMs: 100 }) }, async (server, url) => {
      const file = specFile(spec('st-a'));
      expect((await deployEas([file, '--endpoint', url, ...FAST])).code).toBe(1);
      const rerun = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(rerun.code).toBe(1);
      expect(rerun.stdout).toContain('! st_a (st-a): unhealthy (Failed: Instance failed to start)');
      expect(rerun.stderr).not.toContain('No changes');
      broken = false;
      const fixed = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toMatch(/✓ st_a \(st-a\): Running/);
      expect(server.services.get('st_a')!.phase).toBe('Running');
    });
  });

  it('a service still starting is waited for, not reported as unchanged', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 100 }) }, async (server, url) => {
      const file = specFile(spec('st-b'));
      expect((await deployEas([file, '--endpoint', url, ...FAST])).code).toBe(0);
      const svc = server.services.get('st_b')!;
      svc.phase = 'Creating'; // an earlier run was stopped while the service was still starting
      svc.phaseUntil = Date.now() + 4000; // long enough to outlast a slow start of deploy-eas on a loaded machine
      const writes = server.writeCalls().length;
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('! st_b (st-b): unhealthy (Creating: Service is Creating): waiting for it');
      expect(r.stdout).toMatch(/✓ st_b \(st-b\): Running 1\/1/);
      expect(server.writeCalls().length).toBe(writes);
    });
  });

  it('Running is accepted only after the version of its own write: stale reads right after an update are not success', async () => {
    let broken = false;
    await withFake({ behavior: () => ({ ...(broken ? failing : { readyAfterMs: 100 }), staleReadsForMs: 1500 }) }, async (server, url) => {
      const yaml = `version: 1\ndeployments:\n${['st-c', 'st-d'].map((n) => `  ${n}:\n    model: { uri: "oss://acme/${n}/", format: xgboost }\n    targets: { alibaba: { region: cn-hangzhou } }\n`).join('')}`;
      expect((await deployEas([specFile(yaml), '--endpoint', url, ...FAST])).code).toBe(0);
      broken = true;
      const r = await deployEas([specFile(yaml.replace(/format: xgboost/g, 'format: xgboost, uri: "oss://acme/v2/"').replace(/uri: "oss:\/\/acme\/st-.\/", /g, '')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('st_c is Failed');
      expect(r.stderr).toContain('st_d is Failed');
      expect(r.stdout).not.toMatch(/✓ st_/);
    });
  });

  it('failure reports show events since this run and the service diagnosis, not last week\'s events', async () => {
    const diagnosis = [{ Error: 'Container worker0 failed to pull image.', Causes: ['Failed to pull image "busybox:no_exist_tag": rpc error: code = NotFound.'], Advices: ['Please make sure the container image exists.'] }];
    await withFake({ behavior: () => ({ ...failing, diagnosis }) }, async (server, url) => {
      server.seedService('st_e', { status: 'Failed', labels: ours('st-e'), events: [{ at: Date.now() - 2 * 86_400_000, message: 'old: disk full on node 7' }] });
      const r = await deployEas([specFile(spec('st-e')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ImagePullBackOff');
      expect(r.stderr).toContain('diagnosis: Container worker0 failed to pull image.');
      expect(r.stderr).toContain('advice: Please make sure the container image exists.');
      expect(r.stderr).not.toContain('disk full');
    });
  });
});

describe('credential errors stop the run before any plan', () => {
  it.each([
    ['an unknown AccessKey ID', { ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tNoSuchKey000000' }, 'InvalidAccessKeyId.NotFound'],
    ['a wrong secret', { ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'wrong-secret-value-123' }, 'SignatureDoesNotMatch'],
    ['an expired STS token', { ALIBABA_CLOUD_SECURITY_TOKEN: TEST_STS_TOKEN }, 'InvalidSecurityToken.Expired'],
  ])('%s: a credentials error, no plan, exit 1 (also with --destroy)', async (_label, env, code) => {
    await withFake({ expiredTokens: [TEST_STS_TOKEN] }, async (server, url) => {
      for (const extra of [[], ['--destroy']]) {
        const r = await deployEas([specFile(spec('st-f')), '--endpoint', url, ...FAST, ...extra], { ...credentialsEnv(), ...env });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('IS5101');
        expect(r.stderr).toContain(code);
        expect(r.stdout).not.toContain('Plan:');
        expect(r.stdout + r.stderr).not.toContain('wrong-secret-value-123');
        expect(r.stdout + r.stderr).not.toContain(TEST_STS_TOKEN);
      }
      expect(server.writeCalls()).toEqual([]);
    });
  });
});
