/**
 * How deploy-eas schedules its reads and writes at scale (issue 14, item 16): the status board, the waiter and the
 * client's pacer, on a virtual clock (no wall-clock timing: every instant below is the virtual clock's).
 */
import { describe, expect, it } from 'vitest';
import { EasApiError, type EasClient, type EasService } from '../../providers/alibaba/eas-client';
import { Pacer } from '../../providers/alibaba/eas-http';
import { planRegion } from '../../providers/alibaba/plan';
import { compileSpecText } from '../../lib/compile';
import { alibabaSpec } from '../../bench/specs';
import { deployEas, specFile, withFake } from './harness';
import { FailureReporter } from '../../providers/alibaba/report';
import { StatusBoard, Waiter } from '../../providers/alibaba/wait';

/** A virtual clock: `sleep` resolves when `run` advances time to its instant; ties resolve in the order slept. */
class VirtualClock {
  t = 0;
  private timers: Array<{ at: number; seq: number; resolve: () => void }> = [];
  private seq = 0;
  /** The most sleeps pending at once. */
  maxPending = 0;

  readonly now = (): number => this.t;

  readonly sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
      this.maxPending = Math.max(this.maxPending, this.timers.length);
    });

  /** Runs until `done` settles, advancing to each next timer once the microtasks have run out. */
  async run<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    void done.finally(() => (settled = true)).catch(() => undefined);
    for (let guard = 0; guard < 100_000; guard++) {
      await new Promise((r) => setImmediate(r));
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing left to run and the promise has not settled');
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    throw new Error('virtual clock ran away');
  }
}

/** A PAI-EAS control plane reduced to what the waiter reads: each service's status as a function of time. */
class StubEas {
  readonly calls: Array<{ action: string; service?: string; page?: number; at: number }> = [];
  constructor(
    private readonly clock: VirtualClock,
    private readonly statusAt: (name: string, t: number, via: 'list' | 'describe') => string | undefined,
    private readonly names: readonly string[],
    private readonly latencyMs = 40,
  ) {}

  private view(name: string, t: number, via: 'list' | 'describe'): EasService | undefined {
    const status = this.statusAt(name, t, via);
    if (!status) return undefined;
    return { ServiceName: name, Status: status, TotalInstance: 1, RunningInstance: status === 'Running' ? 1 : 0, CurrentVersion: 1, LatestVersion: 1 };
  }

  /** The answer reflects the state when the request arrived (half the latency after it was sent). */
  async listServices(q: { PageNumber?: number; PageSize?: number }): Promise<{ Services?: EasService[]; TotalCount?: number }> {
    const sent = this.clock.t;
    await this.clock.sleep(this.latencyMs);
    this.calls.push({ action: 'ListServices', page: q.PageNumber ?? 1, at: sent });
    const all = this.names.map((n) => this.view(n, sent + this.latencyMs / 2, 'list')).filter((s): s is EasService => !!s);
    const size = q.PageSize ?? 100;
    const page = q.PageNumber ?? 1;
    return { Services: all.slice((page - 1) * size, page * size), TotalCount: all.length };
  }

  async describeService(name: string): Promise<EasService> {
    const sent = this.clock.t;
    await this.clock.sleep(this.latencyMs);
    this.calls.push({ action: 'DescribeService', service: name, at: sent });
    const svc = this.view(name, sent + this.latencyMs / 2, 'describe');
    if (!svc) throw new EasApiError('DescribeService', 404, 'InvalidService.NotFound', `service [${name}] not found`, undefined, false);
    return svc;
  }

  asClient(): EasClient {
    return this as unknown as EasClient;
  }
}

function waiterFor(clock: VirtualClock, eas: StubEas, intervalMs: number): Waiter {
  const client = eas.asClient();
  return new Waiter({
    client,
    board: new StatusBoard(client, { 'inferstack-spec': 'bench' }, intervalMs, clock.now, clock.sleep),
    reporter: new FailureReporter(client, 0),
    timeoutMs: 60_000,
    pollIntervalMs: intervalMs,
    now: clock.now,
    sleep: clock.sleep,
  });
}

describe('the status board and the waiter', () => {
  it('a service is seen at the first snapshot listed after it runs, whatever instant its own wait started at', async () => {
    const clock = new VirtualClock();
    // Two services written 250 ms apart: their waits are out of phase with each other.
    const runningFrom: Record<string, number> = { early: 800, late: 561 };
    const eas = new StubEas(clock, (name, t) => (t >= runningFrom[name]! ? 'Running' : 'Creating'), ['early', 'late']);
    const waiter = waiterFor(clock, eas, 500);
    const seenAt: Record<string, number> = {};
    const wait = (name: string, writtenAt: number) =>
      clock.sleep(writtenAt).then(async () => {
        await waiter.running(name, writtenAt, { at: writtenAt }, true);
        seenAt[name] = clock.t;
      });
    await clock.run(Promise.all([wait('early', 0), wait('late', 250)]));
    // `late` runs from 561: the board lists at 0, 500 (read at 520: not yet), 1000; that answer (40 ms) and the
    // confirming DescribeService (40 ms) end at 1080. When each waiter slept a full interval after each look at a
    // shared snapshot (refreshed by whichever waiter looked once it was an interval old), `late` looked at snapshots
    // out of phase with its own looks and was seen at 1290.
    expect(seenAt.late).toBe(1080);
    expect(seenAt.early).toBe(1080);
    // One list per interval for both waiters, each listing started one interval after the previous one.
    const lists = eas.calls.filter((c) => c.action === 'ListServices').map((c) => c.at);
    expect(lists).toEqual([0, 500, 1000]);
  });

  it('never accepts Running from a snapshot listed before the service\'s own write', async () => {
    const clock = new VirtualClock();
    // The service already runs (an earlier version) before the write at 300.
    const eas = new StubEas(clock, () => 'Running', ['svc'], 40);
    const waiter = waiterFor(clock, eas, 500);
    let seenAt = -1;
    const other = waiter.running('svc', 0, { at: 0 }, false); // lists at 0
    const mine = clock.sleep(300).then(async () => {
      await waiter.running('svc', 300, { at: 300 }, false);
      seenAt = clock.t;
    });
    await clock.run(Promise.all([other, mine]));
    // The snapshot listed at 0 is older than the write: the next one, listed at 500, is the first it may trust.
    expect(seenAt).toBeGreaterThanOrEqual(500);
    const describes = eas.calls.filter((c) => c.action === 'DescribeService' && c.at >= 300);
    expect(describes.length).toBeGreaterThanOrEqual(1);
    expect(describes[0]!.at).toBeGreaterThanOrEqual(500);
  });

  it('a list showing Running is a hint: a confirming read that does not show it Running keeps the wait going', async () => {
    const clock = new VirtualClock();
    // The list runs ahead of the service's own read until 2000 (e.g. an index updated before the service record).
    const eas = new StubEas(clock, (_n, t, via) => (via === 'list' || t >= 2000 ? 'Running' : 'Creating'), ['svc']);
    const waiter = waiterFor(clock, eas, 500);
    const result = await clock.run(waiter.running('svc', 0, { at: 0 }, true));
    // Reported only once its own read shows it Running, never as a finished rollout that is still Creating.
    expect(result.Status).toBe('Running');
    expect(clock.t).toBeGreaterThanOrEqual(2000);
  });

  it('waiting for many services costs one list per interval, not one read per service per interval', async () => {
    const clock = new VirtualClock();
    const names = Array.from({ length: 250 }, (_, i) => `svc_${String(i).padStart(3, '0')}`);
    const eas = new StubEas(clock, (name, t) => (t >= 1000 + Number(name.slice(4)) * 8 ? 'Running' : 'Creating'), names);
    const waiter = waiterFor(clock, eas, 500);
    await clock.run(Promise.all(names.map((n) => waiter.running(n, 0, { at: 0 }, true))));
    const lists = eas.calls.filter((c) => c.action === 'ListServices');
    const snapshots = lists.filter((c) => c.page === 1);
    // At most one snapshot per interval, three pages each (fetched at once once the first told how many there are).
    expect(snapshots.length).toBeLessThanOrEqual(Math.ceil(clock.t / 500));
    expect(lists.length).toBe(3 * snapshots.length);
    // Every page of a snapshot but the very first one's is sent at the same instant: one round trip per snapshot.
    expect(new Set(lists.map((c) => c.at)).size).toBe(snapshots.length + 1);
    // One confirming read per service.
    expect(eas.calls.filter((c) => c.action === 'DescribeService')).toHaveLength(names.length);
  });
});

describe('the plan', () => {
  it('of new services: its two lists go out at once, and nothing else is read before the first write', async () => {
    const clock = new VirtualClock();
    const eas = new StubEas(clock, () => undefined, []);
    const compiled = compileSpecText('bench.yaml', alibabaSpec(40, 'framework'), { targets: ['alibaba'] });
    expect(compiled.ok).toBe(true);
    const plan = await clock.run(planRegion({ client: eas.asClient(), specName: compiled.specName, concurrency: 8 }, compiled.deployments, {}));
    expect(plan.map((e) => e.action)).toEqual(new Array(40).fill('create'));
    // The spec's own services and every name in the region, listed in one round trip (not one after the other).
    expect(eas.calls.map((c) => `${c.action}@${c.at}`)).toEqual(['ListServices@0', 'ListServices@0']);
  });
});

describe('the client pacer', () => {
  it('serves callers in the order they asked, with one timer for the head of the queue', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(100, 1, 2, 400, clock.now, 1000);
    const order: number[] = [];
    const takes = Array.from({ length: 50 }, (_, i) => pacer.take(clock.sleep).then(() => order.push(i)));
    await clock.run(Promise.all(takes));
    expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // A pacer where every waiting caller sleeps on its own wakes all of them for each token.
    expect(clock.maxPending).toBe(1);
  });

  it('after throttling, falls to what the server accepted and holds calls until the interval\'s calls age out', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(400, 400, 2, 400, clock.now, 1000);
    // 300 calls sent and accepted within the first 300 ms, then the server throttles.
    for (let i = 0; i < 300; i++) {
      await clock.run(pacer.take(clock.sleep));
      pacer.succeeded();
      clock.t += 1;
    }
    pacer.throttled();
    // The server accepted 300 in the last second: 0.9 of that, not half of 400.
    expect(pacer.currentRate).toBe(270);
    // 300 calls in the trailing second already exceed 270: the next call waits until the 31st oldest ages out.
    await clock.run(pacer.take(clock.sleep));
    expect(clock.t).toBeGreaterThanOrEqual(1000 + 30);
  });

  it('starts at its highest rate: a first wave of calls is not spread over seconds', async () => {
    const clock = new VirtualClock();
    const pacer = new Pacer(undefined, undefined, undefined, undefined, clock.now);
    await clock.run(Promise.all(Array.from({ length: 256 }, () => pacer.take(clock.sleep))));
    // 100 at once, then 400 per second: the 256th call goes out at 390 ms (200 per second and 50 at once: 1030 ms).
    expect(clock.t).toBeLessThanOrEqual(400);
  });
});

describe('deploy-eas against a low API rate limit (fake PAI-EAS server)', () => {
  it('40 services at 25 requests per second: each created once, few throttled answers, under 4.5 calls per service', async () => {
    await withFake({ behavior: () => ({ readyAfterMs: 300 }), faults: { rateLimitPerSecond: 25 } }, async (server, url) => {
      const r = await deployEas([specFile(alibabaSpec(40, 'framework')), '--endpoint', url, '--yes', '--poll-interval', '500ms', '--concurrency', '40', '--output', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const creates = server.calls.filter((c) => c.action === 'CreateService' && c.status === 200).map((c) => c.service);
      expect(creates).toHaveLength(40);
      expect(new Set(creates).size).toBe(40);
      expect(server.calls.filter((c) => c.action === 'CreateService' && c.status === 409)).toHaveLength(0);
      // A client that halved its rate and then climbed back by a fixed 40 per second kept overshooting a limit of 25:
      // it made 6-7 calls per service, half of them throttled.
      expect(server.calls.length / 40).toBeLessThan(4.5);
    });
  }, 90_000);
});
