/**
 * Plan, apply, wait and destroy PAI-EAS services for the Alibaba deployments of a spec. The YAML is the source of
 * truth for the services this spec owns: they are created or replaced (UpdateType=replace) to match it, scalers
 * are created, updated or removed to match, and a service is reported Running only when observed so after its
 * own write. Services that are not this spec's are never written without --adopt.
 */
import type { DeploymentIR } from '../../lib/ir';
import { EasApiError, EasClient, EasService } from './eas-client';
import { ownershipOf, specLabelFilter } from './ownership';
import { isHealthy, mapLimit, PlanEntry, PlanMode, PlannedAction, planRegion, undefinedIfNotFound } from './plan';
import { probeGateway } from './probe';
import { DesiredService, updateBody } from './reconcile';
import { DeployError, FailureReporter, hintForApiError } from './report';
import { nextVersion, ProgressEvent, StatusBoard, Waiter, WriteMark } from './wait';

export { mapLimit } from './plan';
export type { PlanEntry, PlannedAction } from './plan';
export type { ProgressEvent } from './wait';
export { DeployError, formatEvent } from './report';

export interface DeploymentOutcome {
  readonly deployment: string;
  readonly service: string;
  readonly action: PlannedAction;
  readonly ok: boolean;
  readonly status?: string;
  readonly runningInstances?: number;
  readonly totalInstances?: number;
  readonly internetEndpoint?: string;
  readonly intranetEndpoint?: string;
  /** Masked unless asked for. */
  readonly token?: string;
  readonly callHint?: string;
  readonly error?: string;
  readonly events?: readonly string[];
  readonly diagnosis?: readonly string[];
  readonly hint?: string;
  readonly warnings?: readonly string[];
}

export interface DeployerOptions {
  readonly client: EasClient;
  /** The spec's identity (the inferstack-spec label). */
  readonly specName: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly showToken?: boolean;
  /** Probe the endpoint after Running until the gateway routes to it. @default true */
  readonly probe?: boolean;
  /** Probe attempts. @default 60 */
  readonly probeAttempts?: number;
  /** Take over services that are not this spec's. @default false */
  readonly adopt?: boolean;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Reads `container.secrets` values at plan time; plans compare their digests. @default none (no secrets) */
  readonly secrets?: import('./secrets').SecretResolver;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

type Base = { deployment: string; service: string; action: PlannedAction };

/** Event times are the server's: a local clock a little ahead must not hide this run's first events. */
const CLOCK_SKEW_MS = 60_000;

export function maskToken(token: string | undefined, show: boolean): string | undefined {
  if (!token) return undefined;
  if (show) return token;
  return token.length > 8 ? `****${token.slice(-4)}` : '****';
}

function isLlmEngine(ir: DeploymentIR | undefined): boolean {
  return !!ir && ['vllm', 'sglang', 'bladellm'].includes(ir.engine.name);
}

export class Deployer {
  private readonly client: EasClient;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Events and statuses before this instant belong to earlier runs. */
  private readonly runStarted: number;
  private readonly reporter: FailureReporter;
  private waiter: Waiter;

  constructor(private readonly options: DeployerOptions) {
    this.client = options.client;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.runStarted = this.now();
    this.reporter = new FailureReporter(this.client, this.runStarted - CLOCK_SKEW_MS);
    this.waiter = this.makeWaiter();
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30 * 60_000;
  }

  private makeWaiter(board?: StatusBoard): Waiter {
    return new Waiter({
      client: this.client,
      ...(board ? { board } : {}),
      reporter: this.reporter,
      timeoutMs: this.timeoutMs,
      pollIntervalMs: this.options.pollIntervalMs ?? 5000,
      now: this.now,
      sleep: this.sleep,
      ...(this.options.onProgress ? { onProgress: this.options.onProgress } : {}),
    });
  }

  plan(deployments: readonly DeploymentIR[], mode: PlanMode = {}): Promise<PlanEntry[]> {
    return planRegion({ client: this.client, specName: this.options.specName, concurrency: this.options.concurrency ?? 4, ...(this.options.secrets ? { secrets: this.options.secrets } : {}) }, deployments, { ...mode, adopt: !!this.options.adopt });
  }

  async apply(plan: readonly PlanEntry[], deployments: readonly DeploymentIR[]): Promise<DeploymentOutcome[]> {
    const byName = new Map(deployments.map((d) => [d.name, d]));
    const actionable = plan.filter((e) => ['create', 'update', 'unhealthy', 'delete'].includes(e.action));
    if (actionable.filter((e) => e.action !== 'delete').length > 1) {
      this.waiter = this.makeWaiter(new StatusBoard(this.client, specLabelFilter(this.options.specName), this.options.pollIntervalMs ?? 5000, this.now, this.sleep));
    }
    return mapLimit(actionable, this.options.concurrency ?? 4, (entry) => this.applyOne(entry, byName.get(entry.deployment)));
  }

  private async applyOne(entry: PlanEntry, ir: DeploymentIR | undefined): Promise<DeploymentOutcome> {
    const base: Base = { deployment: entry.deployment, service: entry.service, action: entry.action };
    try {
      if (entry.action === 'delete') return await this.destroyOne(entry);
      const desired = entry.desired!;
      const started = this.now();
      if (entry.action === 'create') return await this.createOne(entry, desired, ir, started);
      const mark = await this.updateOne(entry, desired, started);
      if (entry.autoscalerChanged) await this.syncAutoScaler(entry.service, desired, false);
      if (entry.cronscalerChanged) await this.syncCronScaler(entry.service, desired, false);
      const final = await this.waiter.running(entry.service, started, mark, false);
      return await this.outcome(base, final, ir);
    } catch (err) {
      return this.failure(base, err);
    }
  }

  private async createOne(entry: PlanEntry, desired: DesiredService, ir: DeploymentIR | undefined, started: number): Promise<DeploymentOutcome> {
    const base: Base = { deployment: entry.deployment, service: entry.service, action: entry.action };
    const { mark, converged } = await this.createIdempotently(entry.service, desired, ir);
    // Scalers of a new service are attached as soon as it is visible (it may be invisible for a moment after
    // CreateService), while it is still starting, so they cost no time at the end.
    const running = await this.waiter.running(entry.service, started, mark, true, async () => {
      await this.syncAutoScaler(entry.service, desired, !converged);
      await this.syncCronScaler(entry.service, desired, !converged);
    });
    return this.outcome(base, running, ir);
  }

  /** Writes what changed; returns what the waiter must observe to believe the result. */
  private async updateOne(entry: PlanEntry, desired: DesiredService, started: number): Promise<WriteMark> {
    let mark: WriteMark = { at: started };
    if (entry.serviceChanged) {
      await this.client.updateService(entry.service, updateBody(desired, entry.current), 'replace');
      mark = { at: this.now(), ...optional(nextVersion(entry.current)) };
    }
    await this.syncLabels(entry, desired);
    return mark;
  }

  private async syncLabels(entry: PlanEntry, desired: DesiredService): Promise<void> {
    const labelChanges = entry.changes.filter((c) => c.path.startsWith('labels.'));
    if (labelChanges.length === 0 && !entry.adopting) return;
    await this.client.updateServiceLabel(entry.service, desired.labels);
    const removed = labelChanges.filter((c) => c.to === undefined).map((c) => c.path.slice('labels.'.length));
    if (removed.length > 0) await this.client.deleteServiceLabel(entry.service, removed);
  }

  /**
   * A create whose response was lost may have succeeded: look before creating again. A name that already exists
   * (409) is converged by an update only when the service is this spec's (or --adopt).
   */
  private async createIdempotently(name: string, desired: DesiredService, ir: DeploymentIR | undefined): Promise<{ mark: WriteMark; converged: boolean }> {
    const create = () => this.client.createService(desired.service, { labels: desired.labels, ...(ir?.alibaba?.workspaceId ? { workspaceId: ir.alibaba.workspaceId } : {}) });
    const created = () => ({ mark: { at: this.now() }, converged: false });
    try {
      await create();
      return created();
    } catch (err) {
      if (!(err instanceof EasApiError)) throw err;
      if (err.conflict) return { mark: await this.convergeExisting(name, desired, ir), converged: true };
      if (!err.retryable) throw err;
      // Not throttled (the client sends those again itself): the request may have been processed.
      const found = await this.lookForLostCreate(name);
      // Ours only if it carries this spec's labels (a create sends them); someone else's is a conflict.
      if (found) return ownershipOf(found, this.options.specName, ir?.name).ours ? created() : { mark: await this.convergeExisting(name, desired, ir), converged: true };
      await create();
      return created();
    }
  }

  private async lookForLostCreate(name: string): Promise<EasService | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const step = Math.min(1000, this.options.pollIntervalMs ?? 1000) * (attempt + 1);
      await this.sleep(Math.min(step, Math.max(0, this.runStarted + this.timeoutMs - this.now())));
      const existing = await undefinedIfNotFound(() => this.client.describeService(name)).catch(() => undefined);
      if (existing) return existing;
    }
    return undefined;
  }

  private async convergeExisting(name: string, desired: DesiredService, ir: DeploymentIR | undefined): Promise<WriteMark> {
    const current = await this.client.describeService(name);
    const owner = ownershipOf(current, this.options.specName, ir?.name);
    if (!owner.ours && !this.options.adopt) {
      throw new DeployError(`service ${name} already exists and is not this spec's: ${owner.owner}`, 'rename the deployment (targets.alibaba.serviceName), or run again with --adopt to take it over');
    }
    await this.client.updateService(name, updateBody(desired, current), 'replace');
    const mark = { at: this.now(), ...optional(nextVersion(current)) };
    await this.client.updateServiceLabel(name, desired.labels);
    return mark;
  }

  private async syncAutoScaler(name: string, desired: DesiredService, created: boolean): Promise<void> {
    const current = created ? undefined : await undefinedIfNotFound(() => this.client.describeServiceAutoScaler(name));
    const exists = !!current && current.MaxReplica !== undefined;
    if (!desired.autoscaler) {
      if (exists) await this.client.deleteServiceAutoScaler(name);
      return;
    }
    if (exists) await this.client.updateServiceAutoScaler(name, desired.autoscaler);
    else await this.client.createServiceAutoScaler(name, desired.autoscaler);
  }

  private async syncCronScaler(name: string, desired: DesiredService, created: boolean): Promise<void> {
    const current = created ? undefined : await undefinedIfNotFound(() => this.client.describeServiceCronScaler(name));
    const exists = !!current && (current.ScaleJobs ?? []).length > 0;
    if (!desired.cronscaler) {
      if (exists) await this.client.deleteServiceCronScaler(name);
      return;
    }
    if (exists) await this.client.updateServiceCronScaler(name, desired.cronscaler);
    else await this.client.createServiceCronScaler(name, desired.cronscaler);
  }

  private async destroyOne(entry: PlanEntry): Promise<DeploymentOutcome> {
    const base: Base = { deployment: entry.deployment, service: entry.service, action: entry.action };
    const started = this.now();
    try {
      await this.client.deleteService(entry.service);
    } catch (err) {
      if (!(err instanceof EasApiError && err.notFound)) throw err;
    }
    for (;;) {
      const svc = await undefinedIfNotFound(() => this.client.describeService(entry.service));
      if (!svc) return { ...base, ok: true, status: 'deleted' };
      this.options.onProgress?.({ service: entry.service, status: svc.Status, elapsedMs: this.now() - started });
      if (svc.Status === 'DeleteFailed') throw await this.reporter.failed(entry.service, svc);
      if (this.now() - started >= this.timeoutMs) throw new DeployError(`service ${entry.service} was not deleted within ${Math.round(this.timeoutMs / 1000)}s`, 'raise --timeout');
      await this.sleep(this.options.pollIntervalMs ?? 5000);
    }
  }

  private async outcome(base: Base, svc: EasService, ir: DeploymentIR | undefined): Promise<DeploymentOutcome> {
    const endpoint = svc.InternetEndpoint ?? svc.IntranetEndpoint;
    const warnings = endpoint && isHealthy(svc) && this.options.probe !== false ? await this.probe(endpoint, svc.AccessToken) : [];
    const token = maskToken(svc.AccessToken, !!this.options.showToken);
    return {
      ...base,
      ok: true,
      status: svc.Status,
      runningInstances: svc.RunningInstance ?? 0,
      totalInstances: svc.TotalInstance ?? 0,
      ...(svc.InternetEndpoint ? { internetEndpoint: svc.InternetEndpoint } : {}),
      ...(svc.IntranetEndpoint ? { intranetEndpoint: svc.IntranetEndpoint } : {}),
      ...(token ? { token } : {}),
      ...(endpoint ? { callHint: callHint(endpoint, ir) } : {}),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  private async probe(endpoint: string, token: string | undefined): Promise<string[]> {
    const result = await probeGateway(endpoint, token, {
      attempts: this.options.probeAttempts ?? 60,
      intervalMs: Math.min(2000, this.options.pollIntervalMs ?? 2000),
      deadline: this.runStarted + this.timeoutMs,
      now: this.now,
      sleep: this.sleep,
    });
    return result.ready ? [] : [result.warning];
  }

  private failure(base: Base, err: unknown): DeploymentOutcome {
    if (err instanceof DeployError) return { ...base, ok: false, error: err.message, hint: err.hint, events: err.events, diagnosis: err.diagnosis };
    if (err instanceof EasApiError) {
      const detail = `${err.action} failed: ${err.code}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}: ${err.message}${err.requestId ? ` (request ${err.requestId})` : ''}`;
      return { ...base, ok: false, error: detail, hint: hintForApiError(err) };
    }
    return { ...base, ok: false, error: (err as Error).message ?? String(err) };
  }
}

function optional(minVersion: number | undefined): { minVersion?: number } {
  return minVersion === undefined ? {} : { minVersion };
}

function callHint(endpoint: string, ir: DeploymentIR | undefined): string {
  return isLlmEngine(ir)
    ? `curl ${endpoint}/v1/chat/completions -H "Authorization: <token>" -H "Content-Type: application/json" -d '{"model":"${ir!.name}","messages":[{"role":"user","content":"Hello"}]}'`
    : `curl ${endpoint} -H "Authorization: <token>" -d @request.json`;
}
