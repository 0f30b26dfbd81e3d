/** Removals reach the services: --prune, settings and labels the spec no longer has, scaler diffs that settle. */
import { describe, expect, it } from 'vitest';
import { autoscalerChanges } from '../../providers/alibaba/reconcile';
import { deployEas, FAST, spec, specFile, withFake } from './harness';

function two(names: string[]): string {
  return `version: 1\ndeployments:\n${names.map((n) => `  ${n}:\n    model: { uri: "oss://acme/${n}/", format: xgboost }\n    targets: { alibaba: { region: cn-hangzhou } }\n`).join('')}`;
}

describe('removals and drift', () => {
  it('a deployment removed from the spec is shown, kept without --prune and deleted with it; others are untouched', async () => {
    await withFake({}, async (server, url) => {
      const file = specFile(two(['dr-a', 'dr-b']));
      expect((await deployEas([file, '--endpoint', url, ...FAST])).code).toBe(0);
      server.seedService('someone_else', { labels: { 'managed-by': 'inferstack', 'inferstack-spec': 'other' } });
      const smaller = specFile(two(['dr-a']));
      const kept = await deployEas([smaller, '--endpoint', url, ...FAST]);
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stdout).toContain('- dr_b (dr-b): no longer in the spec (kept; --prune deletes it)');
      expect(server.services.has('dr_b')).toBe(true);
      const pruned = await deployEas([smaller, '--endpoint', url, ...FAST, '--prune']);
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(pruned.stdout).toContain('- dr_b (dr-b): delete (no longer in the spec)');
      expect(server.services.has('dr_b')).toBe(false);
      expect(server.services.has('dr_a')).toBe(true);
      expect(server.services.has('someone_else')).toBe(true);
      expect(pruned.stdout).not.toContain('someone_else');
    });
  });

  it('removing a setting and a label reaches the service: compared both ways, labels deleted through the label API', async () => {
    await withFake({}, async (server, url) => {
      const withExtras = spec('dr-c', '    network: { public: false }\n').replace('targets: { alibaba: { region: cn-hangzhou } }', 'targets: { alibaba: { region: cn-hangzhou, labels: { team: search } } }');
      expect((await deployEas([specFile(withExtras), '--endpoint', url, ...FAST])).code).toBe(0);
      const svc = server.services.get('dr_c')!;
      expect((svc.config.networking as Record<string, unknown>).disable_internet_endpoint).toBe(true);
      expect(svc.labels.team).toBe('search');
      const r = await deployEas([specFile(spec('dr-c')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('networking.disable_internet_endpoint: true -> (none)');
      expect(r.stdout).toContain('labels.team: "search" -> (none)');
      expect(server.calls.map((c) => c.action)).toContain('DeleteServiceLabel');
      expect(server.services.get('dr_c')!.config.networking).toBeUndefined();
      expect(server.services.get('dr_c')!.labels.team).toBeUndefined();
      const again = await deployEas([specFile(spec('dr-c')), '--endpoint', url, ...FAST]);
      expect(again.stdout).toContain('= dr_c (dr-c): no change');
    });
  });

  it('scaler diffs are normalized: metric name case and a wrapped behavior are not changes', () => {
    const desired = { min: 1, max: 3, scaleStrategies: [{ metricName: 'qps', threshold: 5 }], behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } } };
    const described = { MinReplica: 1, MaxReplica: 3, ScaleStrategies: [{ metricName: 'QPS', threshold: 5 }], Behavior: { behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 300 } } } };
    expect(autoscalerChanges(desired, described)).toEqual([]);
    expect(autoscalerChanges({ ...desired, max: 4 }, described)).toEqual([{ path: 'autoscaler.max', from: 3, to: 4 }]);
  });
});

describe('pruning a spec whose deployments all left', () => {
  it('--prune --region finds and deletes this spec\'s services', async () => {
    await withFake({}, async (server, url) => {
      expect((await deployEas([specFile(two(['dr-d'])), '--endpoint', url, ...FAST])).code).toBe(0);
      const empty = specFile('version: 1\ndeployments:\n  local-only:\n    model: { uri: "s3://acme/m/", format: xgboost }\n    targets: { aws: { region: us-east-1 } }\n');
      const r = await deployEas([empty, '--endpoint', url, ...FAST, '--prune', '--region', 'cn-hangzhou']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('- dr_d (dr-d): delete (no longer in the spec)');
      expect(server.services.has('dr_d')).toBe(false);
    });
  });
});
