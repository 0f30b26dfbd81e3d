/** deploy-eas never writes a service this spec did not create, unless --adopt; it never prints such a service's values. */
import { describe, expect, it } from 'vitest';
import { deployEas, FAST, spec, specFile, withFake } from './harness';

const FOREIGN_SECRET = 'sk-other-team-secret';
const ours = (deployment: string) => ({ 'managed-by': 'inferstack', 'inferstack-spec': 'spec', 'inferstack-deployment': deployment });

describe('ownership of PAI-EAS services', () => {
  it('labels each service with the spec identity (name:, default the file base name)', async () => {
    await withFake({}, async (server, url) => {
      const r = await deployEas([specFile(spec('own-a')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(server.services.get('own_a')!.labels).toMatchObject(ours('own-a'));
      const named = await deployEas([specFile(`name: acme-serving\n${spec('own-b')}`), '--endpoint', url, ...FAST]);
      expect(named.code, named.stderr).toBe(0);
      expect(server.services.get('own_b')!.labels['inferstack-spec']).toBe('acme-serving');
    });
  });

  it('refuses to update a service inferstack did not create, says whose it is, and never prints its values', async () => {
    await withFake({}, async (server, url) => {
      server.seedService('own_c');
      const file = specFile(spec('own-c'));
      for (const output of ['text', 'json']) {
        const r = await deployEas([file, '--endpoint', url, ...FAST, '--output', output]);
        expect(r.code).toBe(1);
        const text = r.stdout + r.stderr;
        expect(text).toContain('IS5100');
        expect(text).toContain('not created by inferstack');
        expect(text).toContain('--adopt');
        expect(r.stdout + r.stderr).not.toContain(FOREIGN_SECRET);
        expect(r.stdout + r.stderr).not.toContain('registry.example/other');
      }
      expect(server.writeCalls()).toEqual([]);
    });
  });

  it('refuses a service labelled by another spec, and --adopt takes it over', async () => {
    await withFake({}, async (server, url) => {
      server.seedService('own_d', { labels: { 'managed-by': 'inferstack', 'inferstack-spec': 'billing', 'inferstack-deployment': 'own-d' } });
      const file = specFile(spec('own-d'));
      const refused = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('owned by the inferstack spec "billing"');
      expect(server.writeCalls()).toEqual([]);
      const adopted = await deployEas([file, '--endpoint', url, ...FAST, '--adopt']);
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.stdout + adopted.stderr).not.toContain(FOREIGN_SECRET);
      expect(server.services.get('own_d')!.labels['inferstack-spec']).toBe('spec');
      const rerun = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toContain('= own_d (own-d): no change');
    });
  });

  it('--destroy deletes only this spec\'s services', async () => {
    await withFake({}, async (server, url) => {
      server.seedService('own_e');
      const r = await deployEas([specFile(spec('own-e')), '--endpoint', url, '--destroy', ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS5100');
      expect(server.services.has('own_e')).toBe(true);
      expect(server.writeCalls()).toEqual([]);
    });
  });

  it('a name taken between plan and create (409) is not replaced when the service is not ours', async () => {
    let raced = false;
    await withFake(
      {
        onRequest: (action, server) => {
          if (action === 'CreateService' && !raced) {
            raced = true;
            server.seedService('own_f');
          }
        },
      },
      async (server, url) => {
        const r = await deployEas([specFile(spec('own-f')), '--endpoint', url, ...FAST]);
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('already exists and is not this spec');
        expect(server.calls.map((c) => c.action)).not.toContain('UpdateService');
        expect(server.services.get('own_f')!.labels).toEqual({});
      },
    );
  });

  it('an invalid spec name is a diagnostic, and the default file base name must be a label value', async () => {
    await withFake({}, async (server, url) => {
      const bad = await deployEas([specFile(`name: "a,b"\n${spec('own-g')}`), '--endpoint', url, ...FAST]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/name/);
      expect(server.calls).toEqual([]);
    });
  });
});

describe('ownership rules (pure)', () => {
  const svc = (labels: Record<string, string>) => ({ ServiceName: 's', Status: 'Running', Labels: Object.entries(labels).map(([LabelKey, LabelValue]) => ({ LabelKey, LabelValue })) });

  it('ours only with this spec label; a service of an older inferstack without one is ours by its deployment label', async () => {
    const { ownershipOf, redactCurrent } = await import('../../providers/alibaba/ownership');
    expect(ownershipOf(svc(ours('d')), 'spec', 'd')).toEqual({ ours: true });
    expect(ownershipOf(svc({ 'managed-by': 'inferstack', 'inferstack-deployment': 'd' }), 'spec', 'd')).toEqual({ ours: true });
    expect(ownershipOf(svc({ 'managed-by': 'inferstack', 'inferstack-deployment': 'other' }), 'spec', 'd').ours).toBe(false);
    expect(ownershipOf(svc({ 'managed-by': 'terraform' }), 'spec', 'd')).toEqual({ ours: false, owner: 'managed by "terraform", not inferstack' });
    expect(redactCurrent([{ path: 'containers.0.env', from: [{ name: 'KEY', value: 'secret' }], to: [] }, { path: 'labels.a', from: undefined, to: 'b' }])).toEqual([
      { path: 'containers.0.env', from: '(redacted: not managed by this spec)', to: [] },
      { path: 'labels.a', from: undefined, to: 'b' },
    ]);
  });

  it('settings removed from the spec are changes (VPC, gateway, probes), server-added keys are not', async () => {
    const { removedSettings } = await import('../../providers/alibaba/reconcile');
    const desired = { metadata: { name: 's', instance: 1 }, containers: [{ image: 'i', port: 8000 }] };
    const current = {
      metadata: { name: 's', instance: 1, region: 'cn-hangzhou', rpc: { worker_threads: 5 } },
      cloud: { networking: { vpc_id: 'vpc-1', vswitch_id: 'vsw-1', security_group_id: 'sg-1' } },
      networking: { gateway: 'gw-1', disable_internet_endpoint: false },
      containers: [{ image: 'i', port: 8000, readiness_check: { http_get: { path: '/v1/models', port: 8000 } } }],
    };
    expect(removedSettings(desired, current).map((c) => c.path)).toEqual(['cloud.networking', 'containers.0.readiness_check', 'networking.gateway']);
  });
});
