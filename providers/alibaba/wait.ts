/**
 * Waiting for a service to become Running, accepting only what was observed after the service's own write: an
 * observation counts when its request started after the write completed and, for a change of the service body,
 * when the service's version advanced past the one seen before the write. A shared list read before the write, or
 * a stale read right after it, is progress, never success or failure.
 */
import type { EasClient, EasService } from './eas-client';
import { FAILED_STATUSES, isHealthy, undefinedIfNotFound } from './plan';
import { DeployError, FailureReporter } from './report';

/** What the waiter must see: an observation started at or after `at`, of a version at least `minVersion`. */
export interface WriteMark {
  readonly at: number;
  readonly minVersion?: number;
}

export interface Observation {
  readonly service?: EasService;
  /** When the request that read it started. */
  readonly at: number;
}

export interface ProgressEvent {
  readonly service: string;
  readonly status: string;
  readonly running?: number;
  readonly total?: number;
  readonly elapsedMs: number;
  readonly warning?: string;
}

export interface WaitOptions {
  readonly client: EasClient;
  readonly board?: StatusBoard;
  readonly reporter: FailureReporter;
  readonly timeoutMs: number;
  readonly pollIntervalMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onProgress?: (e: ProgressEvent) => void;
}

const PAGE_SIZE = 100;
const STOPPED = new Set(['Stopped', ...FAILED_STATUSES]);
/** How long a just-created service may stay invisible to DescribeService. */
const INVISIBLE_GRACE_MS = 60_000;

export function isFresh(obs: Observation, mark: WriteMark): boolean {
  if (!obs.service || obs.at < mark.at) return false;
  if (mark.minVersion === undefined) return true;
  const { LatestVersion: latest, CurrentVersion: current } = obs.service;
  if (latest === undefined) return true; // a server that reports no versions: the time check is all there is
  return latest >= mark.minVersion && (current === undefined || current === latest);
}

/** The version a body update must reach: one past the newest version seen before the write. */
export function nextVersion(before: EasService | undefined): number | undefined {
  return before?.LatestVersion === undefined ? undefined : before.LatestVersion + 1;
}

export class Waiter {
  constructor(private readonly o: WaitOptions) {}

  private async observe(name: string, mark: WriteMark, justCreated: boolean, elapsed: number): Promise<Observation> {
    const fromBoard = this.o.board ? await this.o.board.observe(name) : undefined;
    if (fromBoard?.service && isFresh(fromBoard, mark)) return fromBoard;
    // A just-created service missing from the list is read directly only after its grace period.
    if (this.o.board && !fromBoard?.service && justCreated && elapsed < INVISIBLE_GRACE_MS) return { at: this.o.now() };
    if (this.o.board && fromBoard?.service) return fromBoard;
    const at = this.o.now();
    return { at, ...optional('service', await undefinedIfNotFound(() => this.o.client.describeService(name))) };
  }

  /** Waits until `name` runs at the version of its write; `onVisible` runs once the service is first seen. */
  async running(name: string, started: number, mark: WriteMark, justCreated: boolean, onVisible?: () => Promise<void>): Promise<EasService> {
    let visible = false;
    for (;;) {
      const elapsed = this.o.now() - started;
      const obs = await this.observe(name, mark, justCreated, elapsed);
      const svc = obs.service;
      if (svc && !visible) {
        visible = true;
        if (onVisible) await onVisible();
      }
      this.progress(name, svc, elapsed);
      if (!svc && !(justCreated && elapsed < INVISIBLE_GRACE_MS)) throw new DeployError(`service ${name} disappeared while waiting for it`, 'check whether someone deleted it, then run deploy-eas again');
      if (svc && isFresh(obs, mark)) {
        if (isHealthy(svc)) return this.o.board ? ((await undefinedIfNotFound(() => this.o.client.describeService(name))) ?? svc) : svc;
        if (STOPPED.has(svc.Status)) throw await this.o.reporter.failed(name, svc);
      }
      if (this.o.now() - started >= this.o.timeoutMs) throw await this.o.reporter.timedOut(name, svc, this.o.timeoutMs);
      await this.o.sleep(Math.min(this.o.pollIntervalMs, Math.max(0, this.o.timeoutMs - (this.o.now() - started))));
    }
  }

  private readonly lastShown = new Map<string, string>();

  private progress(name: string, svc: EasService | undefined, elapsedMs: number): void {
    const status = svc?.Status ?? 'Creating';
    const key = `${status}|${svc?.RunningInstance}|${svc?.TotalInstance}`;
    if (this.lastShown.get(name) === key && status === 'Running') return;
    this.lastShown.set(name, key);
    this.o.onProgress?.({ service: name, status, ...(svc ? { running: svc.RunningInstance ?? 0, total: svc.TotalInstance ?? 0 } : {}), elapsedMs });
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * One ListServices snapshot shared by every service being waited for, refreshed at most once per polling interval:
 * waiting for N services costs one list call per interval instead of N describe calls. Each snapshot remembers
 * when its first page was requested, so that a service written after that instant does not trust it.
 */
export class StatusBoard {
  private snapshot?: { at: number; services: Map<string, EasService> };
  private inflight?: Promise<{ at: number; services: Map<string, EasService> }>;

  constructor(
    private readonly client: EasClient,
    private readonly label: Record<string, string>,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  /**
   * The service in the latest snapshot, refreshed once per interval. A snapshot requested before the service's write
   * is returned as it is: the waiter takes it as progress only (see isFresh).
   */
  async observe(name: string): Promise<Observation> {
    if (!this.snapshot || this.now() - this.snapshot.at >= this.maxAgeMs) await this.refresh();
    const snap = this.snapshot!;
    return { at: snap.at, ...optional('service', snap.services.get(name)) };
  }

  private async refresh(): Promise<void> {
    this.inflight ??= this.list().finally(() => (this.inflight = undefined));
    await this.inflight;
  }

  private async list(): Promise<{ at: number; services: Map<string, EasService> }> {
    const at = this.now();
    const page = (n: number) => this.client.listServices({ Label: this.label, PageNumber: n, PageSize: PAGE_SIZE });
    const first = await page(1);
    // The other pages at once: one refresh costs one round trip, not one per hundred services.
    const pages = Math.min(100, Math.ceil((first.TotalCount ?? 0) / PAGE_SIZE));
    const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => page(i + 2)));
    const services = new Map<string, EasService>();
    for (const r of [first, ...rest]) for (const svc of r.Services ?? []) services.set(svc.ServiceName, svc);
    const snapshot = { at, services };
    if (!this.snapshot || this.snapshot.at <= at) this.snapshot = snapshot;
    return snapshot;
  }
}
