/**
 * Dedicated resource groups: deploy-eas reads the group's nodes (ListResourceInstances) before a rollout. New
 * instances come up before old ones go when a node has room for a surge instance; otherwise one instance is replaced
 * at a time (max_surge 0 / max_unavailable 1) with a warning, and instances that fit nowhere are refused before any
 * write.
 */
import { describe, expect, it } from 'vitest';
import type { FakeGroupNode } from '../../providers/alibaba/testing/fake-eas-server';
import { deployEas, FAST, specFile, withFake } from './harness';

const A10_NODE: FakeGroupNode = { cpu: 16, memoryMb: 61_440, gpu: 1 };

function groupSpec(name: string, sequences = 8): string {
  return `version: 1
deployments:
  ${name}:
    model: { uri: "oss://acme/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    engine: vllm
    llm: { maxContextLength: 4096, maxConcurrentSequences: ${sequences} }
    resources: { instanceType: ecs.gn7i-c16g1.4xlarge, cpu: 8, memory: 30Gi, alibaba: { resourceGroup: eas-r-grp1 } }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

type Meta = { rolling_strategy?: unknown; cpu?: number; memory?: number };

describe('dedicated resource groups', () => {
  it('instances that fit on no node of the group are refused before any write (IS5116)', async () => {
    await withFake({ resourceGroups: { 'eas-r-grp1': [{ ...A10_NODE, usedGpu: 1 }] } }, async (server, url) => {
      const r = await deployEas([specFile(groupSpec('rg-a')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS5116');
      expect(r.stderr).toContain('one instance needs 8 vCPU, 30 GiB, 1 GPU');
      expect(server.calls.map((c) => c.action)).toContain('ListResourceInstances');
      expect(server.writeCalls()).toEqual([]);
    });
  });

  it('a full group: the update replaces one instance at a time (max_surge 0, max_unavailable 1) with a warning, and finishes', async () => {
    await withFake({ resourceGroups: { 'eas-r-grp1': [A10_NODE] } }, async (server, url) => {
      expect((await deployEas([specFile(groupSpec('rg-b')), '--endpoint', url, ...FAST])).code).toBe(0);
      const meta = () => server.services.get('rg_b')!.config.metadata as Meta;
      expect(meta()).toMatchObject({ cpu: 8, memory: 30_720 });
      const file = specFile(groupSpec('rg-b', 6));
      const r = await deployEas([file, '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('warning IS5117');
      expect(r.stderr).toContain('its only instance');
      expect(meta().rolling_strategy).toEqual({ max_surge: 0, max_unavailable: 1 });
      const dry = await deployEas([specFile(groupSpec('rg-b', 4)), '--endpoint', url, '--dry-run', '--output', 'json']);
      const doc = JSON.parse(dry.stdout);
      expect(doc.plan[0].resourceGroup).toMatchObject({ group: 'eas-r-grp1', kind: 'noSurge', alone: true });
      expect(doc.serviceConfigs.rg_b.metadata.rolling_strategy).toEqual({ max_surge: 0, max_unavailable: 1 });
      // The strategy follows the room at each rollout: it is no change of its own.
      const writes = server.writeCalls().length;
      expect((await deployEas([file, '--endpoint', url, ...FAST])).stdout).toContain('= rg_b (rg-b): no change');
      expect(server.writeCalls().length).toBe(writes);
    });
  }, 60_000);

  it('a group whose nodes cannot be read: a warning (IS5118), and updates keep their surge strategy (a service of one instance stays up)', async () => {
    await withFake({ resourceGroups: { 'eas-r-grp1': [A10_NODE, A10_NODE] }, resourceGroupsUnlistable: true }, async (server, url) => {
      const created = await deployEas([specFile(groupSpec('rg-d')), '--endpoint', url, ...FAST]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stderr).toContain('warning IS5118');
      expect(created.stderr).toContain('its room is not checked');
      const r = await deployEas([specFile(groupSpec('rg-d', 6)), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('warning IS5118');
      expect(r.stderr).toContain('the update keeps its surge strategy');
      expect(r.stderr).toContain('the old version keeps serving');
      expect((server.services.get('rg_d')!.config.metadata as Meta).rolling_strategy).toEqual({ max_surge: 1, max_unavailable: 0 });
    });
  }, 60_000);

  it('with room for a surge instance, new instances come up before any old one stops (max_unavailable 0)', async () => {
    await withFake({ resourceGroups: { 'eas-r-grp1': [A10_NODE, A10_NODE] } }, async (server, url) => {
      expect((await deployEas([specFile(groupSpec('rg-c')), '--endpoint', url, ...FAST])).code).toBe(0);
      const r = await deployEas([specFile(groupSpec('rg-c', 6)), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('IS5117');
      expect((server.services.get('rg_c')!.config.metadata as Meta).rolling_strategy).toEqual({ max_surge: 1, max_unavailable: 0 });
    });
  }, 60_000);

  it('a create and an update in one run share the room: with one free node the create takes it and the update replaces one instance at a time', async () => {
    await withFake({ resourceGroups: { 'eas-r-grp1': [A10_NODE, A10_NODE] } }, async (server, url) => {
      expect((await deployEas([specFile(groupSpec('rg-old')), '--endpoint', url, ...FAST])).code).toBe(0);
      // rg-new comes first in the plan: it takes the only free node, so rg-old's surge instance has none left.
      const both = groupSpec('rg-new') + groupSpec('rg-old', 6).split('deployments:\n')[1];
      const r = await deployEas([specFile(both), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('warning IS5117');
      expect(r.stderr).toMatch(/IS5117[^\n]*rg_old/);
      expect((server.services.get('rg_old')!.config.metadata as Meta).rolling_strategy).toEqual({ max_surge: 0, max_unavailable: 1 });
      expect((server.services.get('rg_new')!.config.metadata as Meta).rolling_strategy).toEqual({ max_surge: 1, max_unavailable: 0 });
    });
  }, 60_000);

  it('a service moved to a full group is refused (IS5116): its running instance frees room only in the group it runs in', async () => {
    const groups = { 'eas-r-grp0': [A10_NODE], 'eas-r-grp1': [{ ...A10_NODE, usedGpu: 1 }] };
    await withFake({ resourceGroups: groups }, async (server, url) => {
      expect((await deployEas([specFile(groupSpec('rg-m').replace('eas-r-grp1', 'eas-r-grp0')), '--endpoint', url, ...FAST])).code).toBe(0);
      const writes = server.writeCalls().length;
      const r = await deployEas([specFile(groupSpec('rg-m')), '--endpoint', url, ...FAST]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('IS5116');
      expect(r.stderr).toContain('one instance needs 8 vCPU, 30 GiB, 1 GPU');
      expect(server.writeCalls().length).toBe(writes);
      expect((server.services.get('rg_m')!.config.metadata as { resource?: string }).resource).toBe('eas-r-grp0');
    });
  }, 60_000);

  it('a node whose memory total cannot be read makes the room unknown (IS5118), not zero (IS5116 refusing the run)', async () => {
    await withFake({ resourceGroups: { 'eas-r-grp1': [{ ...A10_NODE, memoryText: '60 gigs' }] } }, async (server, url) => {
      const r = await deployEas([specFile(groupSpec('rg-u')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('IS5116');
      expect(r.stderr).toContain('warning IS5118');
      expect(r.stderr).toContain('InstanceMemory "60 gigs"');
      expect(server.services.has('rg_u')).toBe(true);
    });
  }, 60_000);

  it('reads every page of the group\'s nodes when ListResourceInstances gives no TotalCount', async () => {
    const nodes = [...Array.from({ length: 100 }, () => ({ ...A10_NODE, usedGpu: 1 })), A10_NODE]; // the free node is on page 2
    await withFake({ resourceGroups: { 'eas-r-grp1': nodes }, resourceGroupsWithoutTotalCount: true }, async (server, url) => {
      const r = await deployEas([specFile(groupSpec('rg-p')), '--endpoint', url, ...FAST]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('IS5116');
      expect(server.calls.filter((c) => c.action === 'ListResourceInstances').length).toBe(2);
    });
  }, 60_000);
});
