/**
 * Whether a dedicated resource group has room for what a deploy-eas run asks of it, judged from its nodes as
 * ListResourceInstances reports them (GET /api/v2/resources/{ClusterId}/{ResourceId}/instances, aliyun/pai-python-sdk
 * v0.4.13 pai/libs/alibabacloud_eas20210701/client.py; fields per
 * https://www.alibabacloud.com/help/zh/pai/user-guide/api-eas-2021-07-01-struct-resourceinstance: InstanceCpuCount,
 * InstanceUsedCpu, InstanceMemory "8192M", InstanceUsedMemory "1000M", InstanceGpuCount, InstanceUsedGpu,
 * InstanceStatus "Ready"; checked 2026-11-25).
 *
 * A rolling update first adds `rolling_strategy.max_surge` new instances, and stops `max_unavailable` old ones at once
 * "to release resources and prevent the update from being blocked by insufficient resources"
 * (https://www.alibabacloud.com/help/en/pai/user-guide/scrolling-updates-with-graceful-exit). On a dedicated group the
 * surge instance needs a node with one instance's CPU, memory and GPUs free; without one, only the instance stopped
 * first makes room, and a service of one instance is down until its replacement is ready.
 */

/** One node of a dedicated resource group (ResourceInstance). */
export interface EasResourceInstance {
  readonly InstanceName?: string;
  readonly InstanceStatus?: string;
  readonly InstanceCpuCount?: number;
  readonly InstanceUsedCpu?: number;
  readonly InstanceMemory?: string;
  readonly InstanceUsedMemory?: string;
  readonly InstanceGpuCount?: number;
  readonly InstanceUsedGpu?: number;
}

/** What one service instance requests (metadata.cpu, metadata.memory in MB, metadata.gpu). */
export interface InstanceRequest {
  readonly cpu: number;
  readonly memoryMb: number;
  readonly gpu: number;
}

export interface NodeRoom extends InstanceRequest {
  readonly name: string;
}

/** "8192M", "30Gi", "64G", "1000M", "512Mi" or a bare number of MB, in MB; undefined when not such a size. */
export function parseMemoryMb(text: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*$/i.exec(text ?? '');
  if (!m) return undefined;
  const scale: Record<string, number> = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };
  return Number(m[1]) * scale[m[2]!.toUpperCase()]!;
}

/** As parseMemoryMb, 0 when absent or unreadable. */
export function memoryMb(text: string | undefined): number {
  return parseMemoryMb(text) ?? 0;
}

function readyNodes(nodes: readonly EasResourceInstance[]): EasResourceInstance[] {
  return nodes.filter((n) => (n.InstanceStatus ?? 'Ready') === 'Ready');
}

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * Why the room of a Ready node cannot be judged, if so: a CPU or memory total that is missing or no number / size, or
 * a GPU count or used amount that is present but unreadable (read as 0, such a node would refuse every instance).
 */
export function unreadableNode(nodes: readonly EasResourceInstance[]): string | undefined {
  for (const n of readyNodes(nodes)) {
    const bad = [
      !isCount(n.InstanceCpuCount) && `InstanceCpuCount ${JSON.stringify(n.InstanceCpuCount ?? null)}`,
      parseMemoryMb(n.InstanceMemory) === undefined && `InstanceMemory ${JSON.stringify(n.InstanceMemory ?? null)}`,
      n.InstanceGpuCount !== undefined && !isCount(n.InstanceGpuCount) && `InstanceGpuCount ${JSON.stringify(n.InstanceGpuCount)}`,
      n.InstanceUsedCpu !== undefined && !isCount(n.InstanceUsedCpu) && `InstanceUsedCpu ${JSON.stringify(n.InstanceUsedCpu)}`,
      n.InstanceUsedMemory !== undefined && parseMemoryMb(n.InstanceUsedMemory) === undefined && `InstanceUsedMemory ${JSON.stringify(n.InstanceUsedMemory)}`,
      n.InstanceUsedGpu !== undefined && !isCount(n.InstanceUsedGpu) && `InstanceUsedGpu ${JSON.stringify(n.InstanceUsedGpu)}`,
    ].filter(Boolean);
    if (bad.length > 0) return `node ${n.InstanceName ?? '?'} reports ${bad.join(', ')}, not a number or size`;
  }
  return undefined;
}

/** Free CPU, memory and GPUs of each Ready node. */
export function freeRoom(nodes: readonly EasResourceInstance[]): NodeRoom[] {
  return readyNodes(nodes)
    .map((n) => ({
      name: n.InstanceName ?? '?',
      cpu: (n.InstanceCpuCount ?? 0) - (n.InstanceUsedCpu ?? 0),
      memoryMb: memoryMb(n.InstanceMemory) - memoryMb(n.InstanceUsedMemory),
      gpu: (n.InstanceGpuCount ?? 0) - (n.InstanceUsedGpu ?? 0),
    }));
}

export function requestOf(metadata: Record<string, unknown> | undefined): InstanceRequest {
  return { cpu: Number(metadata?.cpu ?? 0), memoryMb: Number(metadata?.memory ?? 0), gpu: Number(metadata?.gpu ?? 0) };
}

function fits(room: InstanceRequest, request: InstanceRequest): boolean {
  return room.cpu >= request.cpu && room.memoryMb >= request.memoryMb && room.gpu >= request.gpu;
}

/** How many instances of `request` the nodes can still place (each node on its own: an instance never spans nodes). */
export function placeable(rooms: readonly NodeRoom[], request: InstanceRequest): number {
  let count = 0;
  for (const room of rooms) {
    let left = room;
    while (fits(left, request) && count < 10_000) {
      count++;
      left = { ...left, cpu: left.cpu - request.cpu, memoryMb: left.memoryMb - request.memoryMb, gpu: left.gpu - request.gpu };
      if (request.cpu <= 0 && request.memoryMb <= 0 && request.gpu <= 0) break;
    }
  }
  return count;
}

export function describeRequest(r: InstanceRequest, withGpu = r.gpu > 0): string {
  return `${r.cpu} vCPU, ${Math.round(r.memoryMb / 1024)} GiB${withGpu ? `, ${r.gpu} GPU` : ''}`;
}

function largestFree(rooms: readonly NodeRoom[], request: InstanceRequest): string {
  if (rooms.length === 0) return 'no Ready node';
  const best = [...rooms].sort((a, b) => b.gpu - a.gpu || b.cpu - a.cpu || b.memoryMb - a.memoryMb)[0]!;
  const free = { cpu: Math.max(0, Math.floor(best.cpu * 10) / 10), memoryMb: Math.max(0, best.memoryMb), gpu: Math.max(0, best.gpu) };
  return `at most ${describeRequest(free, request.gpu > 0)} free on one node (${best.name})`;
}

/**
 * `ok`: the run can proceed as planned. `noSurge`: an update proceeds only by stopping an old instance first (a
 * warning; `alone`: the service has one instance and is down meanwhile). `noRoom`: the new instances cannot be placed
 * at all (they would stay Pending): an error before anything is written. `unknown`: the group's nodes could not be
 * read (a warning; an update keeps its surge strategy).
 */
export type RoomVerdict =
  | { readonly kind: 'ok' }
  | { readonly kind: 'unknown'; readonly detail: string }
  | { readonly kind: 'noSurge'; readonly alone: boolean; readonly detail: string }
  | { readonly kind: 'noRoom'; readonly detail: string };

/** Places `count` instances first-fit, each on the first node with room for it; the room left and how many were placed. */
export function place(rooms: readonly NodeRoom[], request: InstanceRequest, count: number): { readonly rooms: NodeRoom[]; readonly placed: number } {
  const left = rooms.map((r) => ({ ...r }));
  let placed = 0;
  for (; placed < count; placed++) {
    const node = left.find((r) => fits(r, request));
    if (!node) break;
    node.cpu -= request.cpu;
    node.memoryMb -= request.memoryMb;
    node.gpu -= request.gpu;
  }
  return { rooms: left, placed };
}

/**
 * Judges one rollout against the room left by the ones before it in the plan (`judgeRoom`) and takes what it places:
 * a create its instances (`instances`), an update its surge instance and the instances it adds beyond those running.
 * An update without surge room takes only the added instances (each new instance takes the room of an old one).
 */
export function claimRoom(
  rooms: readonly NodeRoom[],
  request: InstanceRequest,
  instances: number,
  current?: { readonly request: InstanceRequest; readonly instances: number },
): { readonly verdict: RoomVerdict; readonly left: NodeRoom[] } {
  const verdict = judgeRoom(rooms, request, current);
  if (verdict.kind === 'noRoom' || (current && current.instances <= 0)) return { verdict, left: [...rooms] };
  const added = Math.max(0, instances - (current?.instances ?? 0));
  const taken = !current ? instances : verdict.kind === 'ok' ? 1 + added : added;
  return { verdict, left: place(rooms, request, taken).rooms };
}

/**
 * A create needs room for its instances; an update needs room for one surge instance, or at least for one new
 * instance in the room an old one leaves (`current`: what each running instance requests now, and how many run).
 */
export function judgeRoom(rooms: readonly NodeRoom[], request: InstanceRequest, current?: { readonly request: InstanceRequest; readonly instances: number }): RoomVerdict {
  const need = describeRequest(request);
  if (!current) {
    return placeable(rooms, request) >= 1 ? { kind: 'ok' } : { kind: 'noRoom', detail: `one instance needs ${need}; the group has ${largestFree(rooms, request)}` };
  }
  // A service stopped or scaled to zero places nothing: an update only changes its configuration.
  if (current.instances <= 0 || placeable(rooms, request) >= 1) return { kind: 'ok' };
  // Without surge room, the old instance stopped first frees its own request on its node: a new instance that asks
  // for no more than the old one fits there. (Where a larger one could go depends on which node that is: not known.)
  if (current.instances >= 1 && fits(current.request, request)) {
    return { kind: 'noSurge', alone: current.instances <= 1, detail: `a surge instance needs ${need}; the group has ${largestFree(rooms, request)}` };
  }
  return { kind: 'noRoom', detail: `one new instance needs ${need}, more than an old instance frees when it stops, and the group has no other room (${largestFree(rooms, request)})` };
}
