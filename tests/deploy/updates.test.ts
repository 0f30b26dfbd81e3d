/** Safe updates, gateway readiness and hostile servers. */
import { describe, expect, it } from 'vitest';
import { easCron } from '../../providers/alibaba/service-config';
import { gatewayNotReady, probeGateway } from '../../providers/alibaba/probe';
import { cleanServerText } from '../../providers/alibaba/eas-client';
import { deployEas, FAST, spec, specFile, TEST_KEY_ID, TEST_SECRET, withFake } from './harness';

describe('safe updates', () => {
  it('an update keeps the instance count the autoscaler set (no reset to scaling.min at a peak)', async () => {
    await withFake({}, async (server, url) => {
      expect((await deployEas([specFile(spec('up-a')), '--endpoint', url, ...FAST])).code).toBe(0);
      server.scaleTo('up_a', 3);
      const r = await deployEas([specFile(spec('up-a').replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 6')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('metadata.instance');
      expect(r.stdout).toMatch(/✓ up_a \(up-a\): Running 3\/3 instances/);
      expect((server.services.get('up_a')!.config.metadata as { instance: number }).instance).toBe(3);
    });
  });

  it('cron weekday 7 is sent as Sunday 0; an unchanged scaler and schedule never rewrite', async () => {
    expect(easCron('0 9 * * 7')).toBe('0 0 9 * * 0');
    expect(easCron('0 9 * * 1-7')).toBe('0 0 9 * * 1-6,0');
    expect(easCron('0 9 * * 2-7/2')).toBe('0 0 9 * * 2,4,6');
    expect(easCron('0 9 * * MON-FRI')).toBe('0 0 9 * * MON-FRI');
    await withFake({}, async (server, url) => {
      const file = specFile(spec('up-b', '', 'scaling: { min: 1, max: 3, metric: qps, target: 5, schedule: [ { cron: "0 9 * * 7", min: 2, timezone: Asia/Shanghai } ] }'));
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect((server.services.get('up_b')!.cronscaler!.ScaleJobs[0] as { Schedule: string }).Schedule).toBe('0 0 9 * * 0');
      const writes = server.writeCalls().length;
      const again = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(again.stdout).toContain('= up_b (up-b): no change');
      expect(server.writeCalls().length).toBe(writes);
    });
  });

  it('a schedule entry with both min and max is an error on alibaba, not a silently dropped max', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('up-c', '', 'scaling: { min: 1, max: 3, metric: qps, target: 5, schedule: [ { cron: "0 9 * * 1", min: 2, max: 4 } ] }')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS2017');
      expect(r.stderr).toContain('both min 2 and max 4');
      expect(server.calls).toEqual([]);
    });
  });

  it('per-minute invocations and decimal QPS targets use qps1k (thousandths of a QPS), never rounded to 1; a rerun changes nothing', async () => {
    await withFake({}, async (server, url) => {
      const file = specFile(spec('up-d', '', 'scaling: { min: 1, max: 3, metric: invocations, target: 20 }'));
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(server.services.get('up_d')!.autoscaler!.scaleStrategies).toEqual([{ metricName: 'qps1k', threshold: 333 }]);
      const writes = server.writeCalls().length;
      expect((await deployEas([file, '--endpoint', url, ...FAST])).stdout).toContain('= up_d (up-d): no change');
      expect(server.writeCalls().length).toBe(writes);

      expect((await deployEas([specFile(spec('up-f', '', 'scaling: { min: 1, max: 3, metric: qps, target: 2.5 }')), '--endpoint', url, ...FAST])).code).toBe(0);
      expect(server.services.get('up_f')!.autoscaler!.scaleStrategies).toEqual([{ metricName: 'qps1k', threshold: 2500 }]);
      expect((await deployEas([specFile(spec('up-g', '', 'scaling: { min: 1, max: 3, metric: invocations, target: 120 }')), '--endpoint', url, ...FAST])).code).toBe(0);
      expect(server.services.get('up_g')!.autoscaler!.scaleStrategies).toEqual([{ metricName: 'qps', threshold: 2 }]);
    });
  });

  it('--region recompiles the service for that region and refuses values bound to another region', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('up-e')), '--endpoint', url, '--dry-run', '--output', 'json', '--region', 'cn-shanghai']);
      expect(r.code, r.stderr).toBe(0);
      const image = JSON.parse(r.stdout).serviceConfigs.up_e.containers[0].image as string;
      expect(image).toContain('cn-shanghai');
      expect(image).not.toContain('cn-hangzhou');
      const bound = spec('up-e', '    container: { image: "eas-registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/server:1" }\n').replace('engine: vllm', 'engine: custom');
      const callsBefore = server.calls.length;
      const refused = await deployEas([specFile(bound), '--endpoint', url, '--dry-run', '--region', 'cn-shanghai']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('IS5102');
      expect(refused.stderr).toContain('cn-hangzhou');
      expect(server.calls.length).toBe(callsBefore); // refused before any API call
    });
  });
});

describe('gateway readiness', () => {
  it('after Running, probes the endpoint with its token until the gateway stops answering 503; --no-probe skips it', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 100, gatewayWarmupMs: 2000 }) }, async (server, url) => {
      const r = await deployEas([specFile(spec('gw-a')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      const statuses = server.gatewayCalls.filter((c) => c.service === 'gw_a').map((c) => c.status);
      expect(statuses).toContain(503);
      expect(statuses.at(-1)).toBe(200);
      expect(statuses).not.toContain(401); // the token was sent
      const skipped = await deployEas([specFile(spec('gw-b')), '--endpoint', url, ...FAST, '--no-probe']);
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(server.gatewayCalls.filter((c) => c.service === 'gw_b')).toEqual([]);
    });
  });

  it('a probe that cannot reach the endpoint is a warning, not a failure', async () => {
    let t = 0;
    const result = await probeGateway('http://127.0.0.1:9/api/predict/x', 'tok', {
      deadline: 60_000,
      now: () => t,
      sleep: async (ms) => void (t += ms),
      fetch: async () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      },
    });
    expect(result).toEqual({ ready: false, warning: expect.stringContaining('ECONNREFUSED') });
    expect(gatewayNotReady(503, 'no healthy upstream')).toBe(true);
    expect(gatewayNotReady(404, '')).toBe(true);
    expect(gatewayNotReady(404, '{"code":"NotFound"}')).toBe(false);
    expect(gatewayNotReady(401, '')).toBe(false);
  });
});

describe('hostile servers', () => {
  it('--region must be a region name, never a host', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('ho-a')), '--endpoint', url, ...FAST, '--region', `x@${new URL(url).host}/#`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--region takes a region ID');
      expect(server.calls).toEqual([]);
    });
  });

  it('server text loses terminal control sequences, and echoed credentials are redacted', async () => {
    const hostile = (_action: string, headers: Record<string, unknown>) => `\u001b]0;pwned\u0007\u001b[31mboom\u001b[0m auth=${String(headers.authorization)} x-acs-security-token: ${String(headers['x-acs-security-token'])}`;
    await withFake({ faults: { errorMessage: hostile, error5xxRate: 1 } }, async (_server, url) => {
      const r = await deployEas([specFile(spec('ho-b')), '--endpoint', url, ...FAST, '--timeout', '2s'], { ...(await import('./harness')).credentialsEnv(), ALIBABA_CLOUD_SECURITY_TOKEN: 'CAIS-sts-token-value-xyz' });
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).toContain('boom');
      expect(r.stdout + r.stderr).not.toMatch(/\u001b/);
      expect(r.stdout + r.stderr).not.toContain('CAIS-sts-token-value-xyz');
      expect(r.stdout + r.stderr).not.toContain(TEST_SECRET);
    });
    expect(cleanServerText('a\u001b[2Jb\u0000c', ['s3cr3t-value'])).toBe('abc');
    expect(cleanServerText(`key ${TEST_KEY_ID} secret s3cr3t-value`, ['s3cr3t-value'])).toBe(`key ${TEST_KEY_ID} secret ****`);
  });

  it('a response body larger than the limit is refused, not read into memory', async () => {
    await withFake({ faults: { padResponseBytes: 9 * 2 ** 20 } }, async (server, url) => {
      const r = await deployEas([specFile(spec('ho-d')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('response is larger than 8 MiB');
      expect(server.writeCalls()).toEqual([]);
    });
  });

  it('a server that answers slowly cannot hold a call past --timeout', async () => {
    await withFake({ faults: { trickleMs: 120_000 } }, async (_server, url) => {
      const r = await deployEas([specFile(spec('ho-c')), '--endpoint', url, ...FAST, '--timeout', '2s'], undefined, { timeoutMs: 40_000 });
      expect(r.code).toBe(1); // ended by its own deadline, not killed by the harness
    });
  }, 60_000);
});
