/** Faults during deploy-eas: every run ends in bounded time, and a rerun converges with no duplicate and nothing lost. */
import { describe, expect, it } from 'vitest';
import { deployEas, FAST, spec, specFile, withFake } from './harness';

function twoServices(): string {
  return `version: 1
deployments:
  fault-one:
    model: { uri: "oss://acme/one/", format: xgboost }
    scaling: { min: 1, max: 4, metric: qps, target: 20 }
    targets: { alibaba: { region: cn-hangzhou } }
  fault-two:
    model: { uri: "oss://acme/two/", format: xgboost }
    scaling: { min: 1, max: 2, metric: qps, target: 20, schedule: [ { cron: "0 9 * * 1-5", min: 2, timezone: Asia/Shanghai } ] }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

async function convergeCheck(url: string, file: string, server: { writeCalls(): unknown[] }): Promise<void> {
  const before = server.writeCalls().length;
  const rerun = await deployEas([file, '--endpoint', url, ...FAST]);
  expect(rerun.code, rerun.stderr).toBe(0);
  expect(rerun.stderr).toContain('No changes');
  expect(server.writeCalls().length).toBe(before);
}

describe('faults during deploy-eas', () => {
  it.each([
    ['a throttling storm', { throttleRate: 0.35 }],
    ['5xx answers', { error5xxRate: 0.3 }],
    ['dropped connections', { dropRate: 0.2 }],
    ['slow responses', { latencyMs: 250 }],
    ['a rate limit', { rateLimitPerSecond: 8 }],
  ])('%s: the run succeeds in bounded time and a rerun changes nothing', async (_label, faults) => {
    await withFake({ faults, seed: 7 }, async (server, url) => {
      const file = specFile(twoServices());
      const started = Date.now();
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(Date.now() - started).toBeLessThan(45_000);
      expect([...server.services.keys()].sort()).toEqual(['fault_one', 'fault_two']);
      expect(server.calls.filter((c) => c.action === 'CreateService' && c.status === 200 && c.service === 'fault_one').length).toBeLessThanOrEqual(1);
      server.faults = {};
      await convergeCheck(url, file, server);
      expect(server.services.get('fault_two')!.cronscaler!.ScaleJobs).toHaveLength(1);
    });
  }, 90_000);

  it('a create whose response is lost is not repeated blindly: the service exists once and the run succeeds', async () => {
    await withFake({ faults: { loseCreateResponseFor: ['lost_svc'] } }, async (server, url) => {
      const file = specFile(spec('lost-svc'));
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(server.calls.filter((c) => c.action === 'CreateService')).toHaveLength(1);
      expect(server.services.get('lost_svc')!.autoscaler).toBeDefined();
      server.faults = {};
      await convergeCheck(url, file, server);
    });
  }, 60_000);

  it('a service of that name created by someone else while our create failed is not taken for ours', async () => {
    await withFake({ faults: { createRaceLostFor: ['race_svc'] } }, async (server, url) => {
      const file = specFile(spec('race-svc'));
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr + r.stdout).toMatch(/service race_svc already exists and is not this spec's/);
      expect(server.services.get('race_svc')!.labels['managed-by']).toBe('someone-else');
      expect(server.calls.filter((c) => ['UpdateService', 'UpdateServiceLabel', 'CreateServiceAutoScaler'].includes(c.action) && c.service === 'race_svc')).toEqual([]);
    });
  }, 60_000);

  it('a deploy-eas killed with SIGKILL in the middle converges when run again', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 1500 }) }, async (server, url) => {
      const file = specFile(spec('killed-svc'));
      let pid = 0;
      const killer = setInterval(() => {
        if (pid && server.calls.some((c) => c.action === 'CreateService')) {
          process.kill(pid, 'SIGKILL');
          clearInterval(killer);
        }
      }, 20);
      const killed = await deployEas([file, '--endpoint', url, ...FAST], undefined, { onSpawn: (p) => (pid = p) });
      clearInterval(killer);
      expect(killed.code).toBeNull(); // killed by the signal
      const rerun = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(rerun.code, rerun.stderr).toBe(0);
      // Still Creating (or without its autoscaler): a rerun waits for it or completes it, never "no change".
      expect(rerun.stdout).toMatch(/killed_svc \(killed-svc\): (update|unhealthy \(Creating)/);
      expect(server.services.size).toBe(1);
      expect(server.services.get('killed_svc')!.autoscaler).toMatchObject({ min: 1, max: 3 });
      await convergeCheck(url, file, server);
    });
  }, 60_000);

  it('a service that goes Failed ends the run, and a fixed rerun recovers it', async () => {
    let broken = true;
    await withFake({ behavior: () => (broken ? { readyAfterMs: 100, failWith: { message: 'Back-off pulling image', events: ['Failed to pull image: ImagePullBackOff'] } } : { readyAfterMs: 100 }) }, async (server, url) => {
      const file = specFile(spec('flaky-svc'));
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ImagePullBackOff');
      expect(r.stderr).toContain('VPC registry');
      broken = false;
      const fixed = await deployEas([specFile(spec('flaky-svc').replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 7')), '--endpoint', url, ...FAST]);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(server.services.size).toBe(1);
    });
  }, 60_000);
});

describe('throttling', () => {
  it('a throttled CreateService was not processed: it is sent again directly, without the "may have succeeded" wait', async () => {
    await withFake({ faults: { throttleFirst: { CreateService: 3 } } }, async (server, url) => {
      const r = await deployEas([specFile(spec('thr-a')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      const creates = server.calls.filter((c) => c.action === 'CreateService');
      expect(creates.map((c) => c.status)).toEqual([400, 400, 400, 200]);
      const between = server.calls.slice(server.calls.indexOf(creates[0]!), server.calls.indexOf(creates[3]!));
      expect(between.filter((c) => c.action === 'DescribeService')).toEqual([]);
    });
  });

  it('retries end at the run deadline, not after a fixed number of attempts', async () => {
    await withFake({ faults: { throttleFirst: { DescribeService: 6 } } }, async (_server, url) => {
      const r = await deployEas([specFile(spec('thr-b')), '--endpoint', url, ...FAST, '--timeout', '2m']);
      expect(r.code, r.stderr).toBe(0);
    });
  }, 90_000);
});
