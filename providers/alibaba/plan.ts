/**
 * The plan of a deploy-eas run: for every deployment (and every service of this spec that left it), what runs now
 * (owner, live status, version) and what the run will do. Reads only; never writes.
 */
import type { DeploymentIR } from '../../lib/ir';
import { EasApiError, EasAutoScalerState, EasClient, EasCronScalerState, EasService } from './eas-client';
import { DEPLOYMENT_LABEL, labelsOf, ownershipOf, redactCurrent, specLabelFilter } from './ownership';
import { autoscalerChanges, cronscalerChanges, DesiredService, FieldChange, serviceChanges, splitConfig } from './reconcile';
import { claimRoom, EasResourceInstance, freeRoom, NodeRoom, unreadableNode, requestOf, RoomVerdict } from './resource-room';
import { SecretResolver } from './secrets';
import { buildServiceConfig } from './service-config';

/**
 * create/update/delete change the service; `unhealthy`: the service matches the spec but is not Running (re-applied
 * when Failed, waited for otherwise); `refused`: not ours and no --adopt; `orphan`: this spec's service whose
 * deployment left the spec, kept without --prune; `absent`: nothing to delete.
 */
export type PlannedAction = 'create' | 'update' | 'no-change' | 'unhealthy' | 'delete' | 'absent' | 'refused' | 'orphan';

export interface PlanEntry {
  readonly deployment: string;
  readonly service: string;
  readonly action: PlannedAction;
  readonly changes: readonly FieldChange[];
  /** What is applied (secret values resolved). */
  readonly desired?: DesiredService;
  /** As synthesized, secret placeholders in place: what plans and dry runs show. */
  readonly shown?: DesiredService;
  readonly current?: EasService;
  /** Scaler changes are applied without touching the service (no rolling update). */
  readonly serviceChanged: boolean;
  readonly autoscalerChanged: boolean;
  readonly cronscalerChanged: boolean;
  /** Whose the service is, when it is not this spec's. */
  readonly owner?: string;
  /** Why: "no longer in the spec", "Failed: <message>". */
  readonly reason?: string;
  /** The service is someone else's and --adopt takes it over. */
  readonly adopting?: boolean;
  /** On a dedicated resource group: whether it has room for the new instances (resource-room.ts). */
  readonly room?: RoomVerdict & { readonly group: string };
}

export interface PlanMode {
  readonly destroy?: boolean;
  readonly prune?: boolean;
  readonly adopt?: boolean;
  /** Deployments left out with --deployment: the spec's other services are not orphans. */
  readonly partial?: boolean;
}

export interface PlanContext {
  readonly client: EasClient;
  readonly specName: string;
  readonly concurrency: number;
  /** Reads `container.secrets` values at plan time; plans compare their digests. @default none (no secrets) */
  readonly secrets?: SecretResolver;
}

/** Statuses after which a service does not become Running by waiting: the spec is applied again. */
export const FAILED_STATUSES = new Set(['Failed', 'DeleteFailed']);

export function isHealthy(svc: EasService): boolean {
  return svc.Status === 'Running' && (svc.RunningInstance ?? 0) >= (svc.TotalInstance ?? 0);
}

function statusReason(svc: EasService): string {
  return `${svc.Status}${svc.Message ? `: ${svc.Message}` : ''}`;
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/** A read whose not-found answer means "absent"; an authentication error is never "absent". */
export async function undefinedIfNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof EasApiError && err.notFound) return undefined;
    throw err;
  }
}

const noChange = { changes: [], serviceChanged: false, autoscalerChanged: false, cronscalerChanged: false } as const;

export async function planRegion(ctx: PlanContext, deployments: readonly DeploymentIR[], mode: PlanMode): Promise<PlanEntry[]> {
  // The credentials are checked by the first calls, before anything is planned: a refused key is never "not found".
  // Both lists at once: the plan's first round trip is the only one before the services' own reads.
  const [ours, existing] = await Promise.all([listSpecServices(ctx), deployments.length > 3 ? listAllNames(ctx.client) : undefined]);
  const entries = await mapLimit(deployments, ctx.concurrency, async (ir) => {
    const service = ir.alibaba!.serviceName;
    const current = existing && !existing.has(service) ? undefined : await undefinedIfNotFound(() => ctx.client.describeService(service));
    return mode.destroy ? planDestroy(ctx, ir, current, mode) : planChanges(ctx, ir, current, mode);
  });
  if (!mode.destroy) await judgeRooms(ctx, deployments, entries);
  if (mode.partial) return entries;
  const inSpec = new Set(deployments.map((d) => d.alibaba!.serviceName));
  const orphans = ours.filter((s) => !inSpec.has(s.ServiceName)).map((s) => planOrphan(s, mode));
  return [...entries, ...orphans];
}

type GroupRoom = NodeRoom[] | { readonly unreadable: string };

/** Free room of each dedicated resource group, read once per plan (a plan has its own context); why not, when unreadable. */
const groupRooms = new WeakMap<PlanContext, Map<string, Promise<GroupRoom>>>();

function groupRoom(ctx: PlanContext, group: string): Promise<GroupRoom> {
  const groups = groupRooms.get(ctx) ?? new Map<string, Promise<GroupRoom>>();
  groupRooms.set(ctx, groups);
  let room = groups.get(group);
  if (!room) {
    room = (async () => {
      let nodes: EasResourceInstance[];
      try {
        // Past 20 pages (2,000 nodes) the room is judged from those read, as before.
        nodes = (await allPages(20, async (n) => {
          const r = await ctx.client.listResourceInstances(group, n);
          return { items: r.Instances, total: r.TotalCount };
        })).items;
      } catch (err) {
        // Credentials that may deploy but not list the group's nodes (eas:ListResourceInstances): decide without it.
        if (err instanceof EasApiError && !err.auth && !err.retryable) return { unreadable: `${err.code}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}: ${err.message}` };
        throw err;
      }
      const unreadable = unreadableNode(nodes);
      return unreadable ? { unreadable } : freeRoom(nodes);
    })();
    groups.set(group, room);
  }
  return room;
}

/**
 * Each create, or update that rolls instances, on a dedicated resource group: is there room for it? The plan's
 * rollouts of one group are judged in plan order, each against the room the ones before it leave (a create takes its
 * instances, an update its surge instance and those it adds), so that two of them never count on the same free node.
 */
async function judgeRooms(ctx: PlanContext, deployments: readonly DeploymentIR[], entries: PlanEntry[]): Promise<void> {
  const left = new Map<string, NodeRoom[]>();
  for (const [i, entry] of entries.entries()) {
    const ir = deployments[i]!;
    const group = ir.alibaba!.resourceGroup;
    const rolls = entry.action === 'create' || ((entry.action === 'update' || entry.action === 'unhealthy') && entry.serviceChanged);
    if (!group || !rolls || !entry.desired) continue;
    const rooms = left.get(group) ?? (await groupRoom(ctx, group));
    let room: PlanEntry['room'];
    if ('unreadable' in rooms) {
      room = { group, kind: 'unknown', detail: rooms.unreadable };
    } else {
      // An old instance frees room in this group only if it runs here: one moving from another group is placed anew.
      const live = entry.action === 'create' ? undefined : entry.current;
      const current = live && liveMetadata(live)?.resource === group ? live : undefined;
      const running = current ? { request: requestOf(liveMetadata(current)), instances: current.TotalInstance ?? 1 } : undefined;
      const claimed = claimRoom(rooms, requestOf(entry.desired.service.metadata), Number(entry.desired.service.metadata?.instance ?? 1), running);
      left.set(group, claimed.left);
      room = { group, ...claimed.verdict };
    }
    entries[i] = withRoom(entry, room);
  }
}

function withRoom(entry: PlanEntry, room: PlanEntry['room']): PlanEntry {
  // Unknown room keeps the surge strategy: at worst the surge instance stays Pending and the old version keeps serving,
  // where replacing one instance at a time would take a service of one instance down.
  if (room?.kind !== 'noSurge') return { ...entry, room };
  // No node can take a surge instance: replace one instance at a time, which the group can honour (a warning).
  return { ...entry, room, desired: withoutSurge(entry.desired!), ...(entry.shown ? { shown: withoutSurge(entry.shown) } : {}) };
}

function liveMetadata(current: EasService): Record<string, unknown> | undefined {
  try {
    return (JSON.parse(current.ServiceConfig ?? '{}') as { metadata?: Record<string, unknown> }).metadata;
  } catch {
    return undefined;
  }
}

const PAGE_SIZE = 100;

/**
 * The items of a paged PAI-EAS listing, PAGE_SIZE a page: a short page, or TotalCount items (counted by `key` when
 * given, so an item seen on two pages counts once), ends it; `complete` is false when `maxPages` came first.
 */
async function allPages<T>(maxPages: number, page: (n: number) => Promise<{ items?: readonly T[]; total?: number }>, key?: (item: T) => string): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  for (let n = 1; n <= maxPages; n++) {
    const r = await page(n);
    items.push(...(r.items ?? []));
    const counted = key ? new Set(items.map(key)).size : items.length;
    // Without TotalCount only a short page ends the list.
    if ((r.items ?? []).length < PAGE_SIZE || (r.total !== undefined && counted >= r.total)) return { items, complete: true };
  }
  return { items, complete: false };
}

async function listSpecServices(ctx: PlanContext): Promise<EasService[]> {
  const label = specLabelFilter(ctx.specName);
  return (await allPages(100, async (n) => {
    const r = await ctx.client.listServices({ Label: label, PageNumber: n, PageSize: PAGE_SIZE });
    return { items: r.Services, total: r.TotalCount };
  })).items;
}

/** Names of all services in the region, when listing is cheaper than describing each deployment. */
async function listAllNames(client: EasClient): Promise<Set<string> | undefined> {
  const listed = await allPages(
    50,
    async (n) => {
      const r = await client.listServices({ PageNumber: n, PageSize: PAGE_SIZE });
      return { items: r.Services, total: r.TotalCount };
    },
    (s) => s.ServiceName,
  );
  // A very large account: describe each deployment instead.
  return listed.complete ? new Set(listed.items.map((s) => s.ServiceName)) : undefined;
}

function planOrphan(svc: EasService, mode: PlanMode): PlanEntry {
  const deployment = labelsOf(svc)[DEPLOYMENT_LABEL] ?? '?';
  const action = mode.prune ? 'delete' : 'orphan';
  return { deployment, service: svc.ServiceName, action, current: svc, reason: 'no longer in the spec', ...noChange, serviceChanged: action === 'delete' };
}

function planDestroy(ctx: PlanContext, ir: DeploymentIR, current: EasService | undefined, mode: PlanMode): PlanEntry {
  const base = { deployment: ir.name, service: ir.alibaba!.serviceName, ...noChange };
  if (!current) return { ...base, action: 'absent' };
  const owner = ownershipOf(current, ctx.specName, ir.name);
  if (!owner.ours && !mode.adopt) return { ...base, action: 'refused', current, owner: owner.owner };
  return { ...base, action: 'delete', current, serviceChanged: true, ...(owner.ours ? {} : { owner: owner.owner, adopting: true }) };
}

/** rolling_strategy max_surge 0 / max_unavailable 1: an old instance stops first and its room takes the new one. */
export const NO_SURGE = { max_surge: 0, max_unavailable: 1 } as const;

function withoutSurge(d: DesiredService): DesiredService {
  return { ...d, service: { ...d.service, metadata: { ...d.service.metadata, rolling_strategy: { ...NO_SURGE } } } };
}

async function planChanges(ctx: PlanContext, ir: DeploymentIR, current: EasService | undefined, mode: PlanMode): Promise<PlanEntry> {
  const service = ir.alibaba!.serviceName;
  const shown = splitConfig(buildServiceConfig(ir));
  const secrets = ctx.secrets && SecretResolver.needs(shown) ? ctx.secrets : undefined;
  const desired = secrets ? await secrets.resolve(shown) : shown;
  if (!current) return { deployment: ir.name, service, action: 'create', changes: [], desired, shown, serviceChanged: true, autoscalerChanged: !!desired.autoscaler, cronscalerChanged: !!desired.cronscaler };
  const [autoscaler, cron] = await Promise.all([
    undefinedIfNotFound<EasAutoScalerState>(() => ctx.client.describeServiceAutoScaler(service)),
    undefinedIfNotFound<EasCronScalerState>(() => ctx.client.describeServiceCronScaler(service)),
  ]);
  const compared = secrets ? serviceChanges(secrets.forComparison(desired), secrets.currentForComparison(current), { autoscaled: !!desired.autoscaler }) : serviceChanges(desired, current, { autoscaled: !!desired.autoscaler });
  // On a dedicated group each rollout's strategy follows the group's room (judgeRooms): it is no change of its own.
  const svc = ir.alibaba!.resourceGroup ? compared.filter((c) => !c.path.startsWith('metadata.rolling_strategy')) : compared;
  const as = autoscalerChanges(desired.autoscaler, autoscaler);
  const cs = cronscalerChanges(desired.cronscaler, cron);
  const changes = [...svc, ...as, ...cs];
  const owner = ownershipOf(current, ctx.specName, ir.name);
  const flags = { serviceChanged: svc.some((c) => !c.path.startsWith('labels.')), autoscalerChanged: as.length > 0, cronscalerChanged: cs.length > 0 };
  const base = { deployment: ir.name, service, desired, shown, current, ...flags };
  if (!owner.ours) {
    const shown = redactCurrent(changes);
    if (!mode.adopt) return { ...base, action: 'refused', changes: shown, owner: owner.owner };
    return { ...base, action: 'update', changes: shown, owner: owner.owner, adopting: true, serviceChanged: true };
  }
  const reason = isHealthy(current) ? undefined : statusReason(current);
  if (changes.length > 0) return { ...base, action: 'update', changes, ...(reason ? { reason } : {}) };
  if (reason) return { ...base, action: 'unhealthy', changes, reason, serviceChanged: FAILED_STATUSES.has(current.Status) };
  return { ...base, action: 'no-change', changes };
}
