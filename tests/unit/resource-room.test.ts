import { describe, expect, it } from 'vitest';
import { claimRoom, freeRoom, judgeRoom, memoryMb, placeable, unreadableNode } from '../../providers/alibaba/resource-room';

const request = { cpu: 8, memoryMb: 30_720, gpu: 1 };

describe('room in a dedicated resource group', () => {
  it('reads ListResourceInstances memory strings ("8192M", "30Gi", "64G") in MB', () => {
    expect(memoryMb('8192M')).toBe(8192);
    expect(memoryMb('30Gi')).toBe(30_720);
    expect(memoryMb('64G')).toBe(65_536);
    expect(memoryMb(undefined)).toBe(0);
  });

  it('counts free room per Ready node; an instance never spans nodes', () => {
    const rooms = freeRoom([
      { InstanceName: 'a', InstanceStatus: 'Ready', InstanceCpuCount: 16, InstanceUsedCpu: 10, InstanceMemory: '61440M', InstanceUsedMemory: '0M', InstanceGpuCount: 1, InstanceUsedGpu: 0 },
      { InstanceName: 'b', InstanceStatus: 'Ready', InstanceCpuCount: 16, InstanceUsedCpu: 10, InstanceMemory: '61440M', InstanceUsedMemory: '0M', InstanceGpuCount: 1, InstanceUsedGpu: 0 },
      { InstanceName: 'c', InstanceStatus: 'NotReady', InstanceCpuCount: 64, InstanceMemory: '262144M', InstanceGpuCount: 8 },
    ]);
    expect(rooms.map((r) => r.name)).toEqual(['a', 'b']);
    expect(placeable(rooms, request)).toBe(0); // 6 + 6 free vCPU, but never 8 on one node
    expect(placeable(rooms, { cpu: 6, memoryMb: 1024, gpu: 1 })).toBe(2);
  });

  it('a create needs one placeable instance; an update a surge instance, or an old instance whose room the new one fits', () => {
    const full = [{ name: 'n', cpu: 8, memoryMb: 30_720, gpu: 0 }];
    expect(judgeRoom(full, request).kind).toBe('noRoom');
    expect(judgeRoom([{ name: 'n', cpu: 8, memoryMb: 30_720, gpu: 1 }], request)).toEqual({ kind: 'ok' });
    expect(judgeRoom(full, request, { request, instances: 1 })).toMatchObject({ kind: 'noSurge', alone: true });
    expect(judgeRoom(full, request, { request, instances: 3 })).toMatchObject({ kind: 'noSurge', alone: false });
    expect(judgeRoom(full, { ...request, cpu: 12 }, { request, instances: 2 }).kind).toBe('noRoom');
  });

  it('an update of a service with no instance (stopped or scaled to zero) places nothing: ok on a full group', () => {
    const full = [{ name: 'n', cpu: 0, memoryMb: 0, gpu: 0 }];
    expect(judgeRoom(full, request, { request, instances: 0 })).toEqual({ kind: 'ok' });
    expect(judgeRoom(full, { ...request, cpu: 12 }, { request, instances: 0 })).toEqual({ kind: 'ok' });
  });

  it('rollouts of one plan share the room: a create takes the free node, and the update after it has no surge room', () => {
    const rooms = [{ name: 'n1', cpu: 8, memoryMb: 30_720, gpu: 1 }];
    const created = claimRoom(rooms, request, 1);
    expect(created.verdict).toEqual({ kind: 'ok' });
    expect(placeable(created.left, request)).toBe(0);
    const updated = claimRoom(created.left, request, 1, { request, instances: 1 });
    expect(updated.verdict).toMatchObject({ kind: 'noSurge', alone: true });
  });

  it('an update with surge room takes the surge instance and the instances it adds; instances go first-fit per node', () => {
    const rooms = [
      { name: 'n1', cpu: 8, memoryMb: 30_720, gpu: 1 },
      { name: 'n2', cpu: 16, memoryMb: 61_440, gpu: 2 },
    ];
    const updated = claimRoom(rooms, request, 2, { request, instances: 1 });
    expect(updated.verdict).toEqual({ kind: 'ok' });
    expect(updated.left.map((r) => r.gpu)).toEqual([0, 1]); // surge on n1, the added instance on n2
    expect(claimRoom(updated.left, request, 2).verdict).toEqual({ kind: 'ok' }); // one of two fits: a create needs one
    expect(claimRoom(claimRoom(updated.left, request, 1).left, request, 1).verdict.kind).toBe('noRoom');
  });

  it('a Ready node whose totals cannot be read makes the room unknown, not 0 (which would refuse every instance)', () => {
    const node = { InstanceName: 'a', InstanceStatus: 'Ready', InstanceCpuCount: 16, InstanceMemory: '61440M', InstanceGpuCount: 1 };
    expect(unreadableNode([node])).toBeUndefined();
    expect(unreadableNode([{ ...node, InstanceMemory: '60 gigs' }])).toBe('node a reports InstanceMemory "60 gigs", not a number or size');
    expect(unreadableNode([{ ...node, InstanceCpuCount: undefined }])).toContain('InstanceCpuCount null');
    expect(unreadableNode([{ ...node, InstanceUsedMemory: 'n/a' }])).toContain('InstanceUsedMemory "n/a"');
    expect(unreadableNode([{ ...node, InstanceStatus: 'NotReady', InstanceMemory: '?' }])).toBeUndefined();
  });
});
