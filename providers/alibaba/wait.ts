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
/** Pages of one snapshot at most (10,000 services). */
const MAX_PAGES = 100;
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

  /**
   * One look at the service. With a board: the first snapshot listed at or after `notBefore` (the board lists once
   * per interval for every waiter); without one, or for a service the list does not show, a DescribeService.
   */
  private async observe(name: string, mark: WriteMark, justCreated: boolean, elapsed: number, notBefore: number): Promise<Observation & { listed: boolean }> {
    const fromBoard = this.o.board ? await this.o.board.observe(name, notBefore) : undefined;
    if (fromBoard?.service) return { ...fromBoard, listed: true };
    // A just-created service missing from the list is read directly only after its grace period.
    if (fromBoard && justCreated && elapsed < INVISIBLE_GRACE_MS) return { ...fromBoard, listed: true };
    const at = this.o.now();
    return { at, listed: false, ...optional('service', await undefinedIfNotFound(() => this.o.client.describeService(name))) };
  }

  /** Waits until `name` runs at the version of its write; `onVisible` runs once the service is first seen. */
  async running(name: string, started: number, mark: WriteMark, justCreated: boolean, onVisible?: () => Promise<void>): Promise<EasService> {
    let visible = false;
    let notBefore = mark.at;
    for (;;) {
      const elapsed = this.o.now() - started;
      const obs = await this.observe(name, mark, justCreated, elapsed, notBefore);
      const svc = obs.service;
      if (svc && !visible) {
        visible = true;
        if (onVisible) await onVisible();
      }
      this.progress(name, svc, elapsed);
      if (!svc && !(justCreated && elapsed < INVISIBLE_GRACE_MS)) throw new DeployError(`service ${name} disappeared while waiting for it`, 'check whether someone deleted it, then run deploy-eas again');
      if (svc && isFresh(obs, mark)) {
        // A list is a hint: Running is confirmed by the service's own read (which also carries its endpoint and token).
        const confirmed = isHealthy(svc) ? (obs.listed ? await this.confirmRunning(name, mark) : svc) : undefined;
        if (confirmed) return confirmed;
        if (STOPPED.has(svc.Status)) throw await this.o.reporter.failed(name, svc);
      }
      if (this.o.now() - started >= this.o.timeoutMs) throw await this.o.reporter.timedOut(name, svc, this.o.timeoutMs);
      // The board lists once per interval: wait for its next snapshot, whose answer is looked at as soon as it arrives.
      if (obs.listed) notBefore = obs.at + 1;
      else await this.o.sleep(Math.min(this.o.pollIntervalMs, Math.max(0, this.o.timeoutMs - (this.o.now() - started))));
    }
  }

  /** The service's own read after a list showed it Running; a read that does not confirm it keeps the wait going. */
  private async confirmRunning(name: string, mark: WriteMark): Promise<EasService | undefined> {
    const at = this.o.now();
    const own = await undefinedIfNotFound(() => this.o.client.describeService(name));
    return own && isFresh({ at, service: own }, mark) && isHealthy(own) ? own : undefined;
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

interface Snapshot {
  /** When its listing started: it shows nothing written after this instant. */
  readonly at: number;
  readonly services: Map<string, EasService>;
  readonly total: number;
}

/**
 * One ListServices snapshot shared by every service being waited for, listed at most once per polling interval:
 * waiting for N services costs one list per interval (one call per hundred services) instead of N describe calls.
 * A waiter asks for the first snapshot listed after an instant (its write, or the snapshot it last saw) and gets it
 * as soon as its answer arrives, so a service is seen within one interval of becoming Running, not two.
 */
export class StatusBoard {
  private latest?: Snapshot;
  private next?: Promise<void>;
  private lastStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: EasClient,
    private readonly label: Record<string, string>,
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * The service in the first snapshot listed at or after `notBefore`. A snapshot listed before the service's write
   * is never returned for it when `notBefore` is the write's instant; the waiter also checks versions (isFresh).
   */
  async observe(name: string, notBefore: number): Promise<Observation> {
    while (!this.latest || this.latest.at < notBefore) await this.refresh(notBefore);
    const snap = this.latest;
    return { at: snap.at, ...optional('service', snap.services.get(name)) };
  }

  /** The next listing (one at a time, the same for every waiter), started no sooner than one interval after the last. */
  private refresh(notBefore: number): Promise<void> {
    this.next ??= this.listAt(Math.max(notBefore, this.lastStart + this.intervalMs)).finally(() => (this.next = undefined));
    return this.next;
  }

  private async listAt(startAt: number): Promise<void> {
    for (let wait = startAt - this.now(); wait > 0; wait = startAt - this.now()) await this.sleep(wait);
    const at = this.now();
    this.lastStart = at;
    const page = (n: number) => this.client.listServices({ Label: this.label, PageNumber: n, PageSize: PAGE_SIZE });
    // As many pages at once as the last snapshot had (one round trip), then any the first answer says are missing.
    const known = Math.max(1, Math.ceil((this.latest?.total ?? 0) / PAGE_SIZE));
    const answers = await Promise.all(Array.from({ length: Math.min(MAX_PAGES, known) }, (_, i) => page(i + 1)));
    const pages = Math.min(MAX_PAGES, Math.ceil((answers[0]!.TotalCount ?? 0) / PAGE_SIZE));
    answers.push(...(await Promise.all(Array.from({ length: Math.max(0, pages - answers.length) }, (_, i) => page(answers.length + i + 1)))));
    const services = new Map<string, EasService>();
    for (const r of answers) for (const svc of r.Services ?? []) services.set(svc.ServiceName, svc);
    this.latest = { at, services, total: answers[0]!.TotalCount ?? services.size };
  }
}
