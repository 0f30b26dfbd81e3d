/**
 * Plan, apply, wait and destroy PAI-EAS services for the Alibaba deployments of a spec. The YAML is the
 * source of truth: services are created or replaced (UpdateType=replace) to match it, autoscaler and cron
 * scaler are created, updated or removed to match, and nothing is called when nothing changed.
 */
import type { DeploymentIR } from '../../lib/ir';
import { EasApiError, EasClient, EasEvent, EasService } from './eas-client';
import { autoscalerChanges, cronscalerChanges, DesiredService, FieldChange, serviceChanges, splitConfig } from './reconcile';
import { SecretResolver } from './secrets';
import { buildServiceConfig } from './service-config';

export type PlannedAction = 'create' | 'update' | 'no-change' | 'delete' | 'absent';

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
}

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
  readonly hint?: string;
}

export interface ProgressEvent {
  readonly service: string;
  readonly status: string;
  readonly running?: number;
  readonly total?: number;
  readonly elapsedMs: number;
  readonly warning?: string;
}

export interface DeployerOptions {
  readonly client: EasClient;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly showToken?: boolean;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Reads `container.secrets` values at plan time; plans compare their digests. @default none (no secrets) */
  readonly secrets?: SecretResolver;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const TERMINAL_FAILURES = new Set(['Failed', 'Stopped', 'DeleteFailed']);
/** How long a just-created service may stay invisible to DescribeService. */
const INVISIBLE_GRACE_MS = 60_000;

export function maskToken(token: string | undefined, show: boolean): string | undefined {
  if (!token) return undefined;
  if (show) return token;
  return token.length > 8 ? `****${token.slice(-4)}` : '****';
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

function isLlmEngine(ir: DeploymentIR): boolean {
  return ['vllm', 'sglang', 'bladellm'].includes(ir.engine.name);
}

export class Deployer {
  private readonly client: EasClient;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: DeployerOptions) {
    this.client = options.client;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private describeOrUndefined(name: string): Promise<EasService | undefined> {
    return undefinedIfNotFound(() => this.client.describeService(name));
  }

  /** Names of all services in the region, when listing is cheaper than describing each deployment. */
  private async existingNames(count: number): Promise<Set<string> | undefined> {
    if (count <= 3) return undefined;
    try {
      const names = new Set<string>();
      for (let page = 1; page <= 50; page++) {
        const r = await this.client.listServices({ PageNumber: page, PageSize: 100 });
        for (const s of r.Services ?? []) names.add(s.ServiceName);
        if ((r.Services ?? []).length < 100 || names.size >= (r.TotalCount ?? 0)) return names;
      }
      return undefined; // a very large account: describe each deployment instead
    } catch {
      return undefined;
    }
  }

  async plan(deployments: readonly DeploymentIR[], destroy = false): Promise<PlanEntry[]> {
    const existing = await this.existingNames(deployments.length);
    return mapLimit(deployments, this.options.concurrency ?? 4, async (ir) => {
      const service = ir.alibaba!.serviceName;
      const current = existing && !existing.has(service) ? undefined : await this.describeOrUndefined(service);
      if (destroy) {
        return { deployment: ir.name, service, action: current ? 'delete' : 'absent', changes: [], ...(current ? { current } : {}), serviceChanged: !!current, autoscalerChanged: false, cronscalerChanged: false };
      }
      const shown = splitConfig(buildServiceConfig(ir));
      const secrets = this.options.secrets && SecretResolver.needs(shown) ? this.options.secrets : undefined;
      const desired = secrets ? await secrets.resolve(shown) : shown;
      if (!current) {
        return { deployment: ir.name, service, action: 'create', changes: [], desired, shown, serviceChanged: true, autoscalerChanged: !!desired.autoscaler, cronscalerChanged: !!desired.cronscaler };
      }
      const svc = secrets ? serviceChanges(secrets.forComparison(desired), secrets.currentForComparison(current)) : serviceChanges(desired, current);
      const [autoscaler, cron] = await Promise.all([this.describeAutoScaler(service), this.describeCronScaler(service)]);
      const as = autoscalerChanges(desired.autoscaler, autoscaler);
      const cs = cronscalerChanges(desired.cronscaler, cron);
      const changes = [...svc, ...as, ...cs];
      return {
        deployment: ir.name,
        service,
        action: changes.length > 0 ? 'update' : 'no-change',
        changes,
        desired,
        shown,
        current,
        serviceChanged: svc.some((c) => !c.path.startsWith('labels.')),
        autoscalerChanged: as.length > 0,
        cronscalerChanged: cs.length > 0,
      };
    });
  }

  private describeAutoScaler(service: string) {
    return undefinedIfNotFound(() => this.client.describeServiceAutoScaler(service));
  }

  private describeCronScaler(service: string) {
    return undefinedIfNotFound(() => this.client.describeServiceCronScaler(service));
  }

  private board?: StatusBoard;

  async apply(plan: readonly PlanEntry[], deployments: readonly DeploymentIR[]): Promise<DeploymentOutcome[]> {
    const byName = new Map(deployments.map((d) => [d.name, d]));
    const waiting = plan.filter((e) => e.action === 'create' || e.action === 'update').length;
    if (waiting > 1) this.board = new StatusBoard(this.client, { 'managed-by': 'inferstack' }, this.options.pollIntervalMs ?? 5000, this.now);
    return mapLimit(plan, this.options.concurrency ?? 4, (entry) => this.applyOne(entry, byName.get(entry.deployment)!));
  }

  private async applyOne(entry: PlanEntry, ir: DeploymentIR): Promise<DeploymentOutcome> {
    const base = { deployment: entry.deployment, service: entry.service, action: entry.action };
    try {
      if (entry.action === 'delete' || entry.action === 'absent') return await this.destroyOne(entry);
      const desired = entry.desired!;
      const started = this.now();
      if (entry.action === 'create') {
        await this.createIdempotently(entry.service, desired, ir);
      } else if (entry.action === 'update') {
        if (entry.serviceChanged) await this.client.updateService(entry.service, desired.service, 'replace');
        const labelChanges = entry.changes.filter((c) => c.path.startsWith('labels.'));
        if (labelChanges.length > 0) await this.client.updateServiceLabel(entry.service, desired.labels);
      }
      // Scalers of a new service are attached as soon as the service is visible (it may be invisible for a moment
      // after CreateService), while it is still starting, so they cost no time at the end.
      if (entry.action === 'create') {
        const running = await this.waitRunning(entry.service, started, true, async () => {
          await this.syncAutoScaler(entry.service, desired, true);
          await this.syncCronScaler(entry.service, desired, true);
        });
        return this.outcome(base, running, ir, true);
      }
      if (entry.autoscalerChanged) await this.syncAutoScaler(entry.service, desired, false);
      if (entry.cronscalerChanged) await this.syncCronScaler(entry.service, desired, false);
      const final = await this.waitRunning(entry.service, started, false);
      return this.outcome(base, final, ir, true);
    } catch (err) {
      return this.failure(base, err);
    }
  }

  /** A create whose response was lost may have succeeded: look before creating again. */
  private async createIdempotently(name: string, desired: DesiredService, ir: DeploymentIR): Promise<void> {
    try {
      await this.client.createService(desired.service, { labels: desired.labels, ...(ir.alibaba?.workspaceId ? { workspaceId: ir.alibaba.workspaceId } : {}) });
    } catch (err) {
      const e = err as EasApiError;
      if (e instanceof EasApiError && e.conflict) {
        // Created by an earlier, interrupted run (or ours whose response was lost): converge by updating.
        await this.client.updateService(name, desired.service, 'replace');
        return;
      }
      if (e instanceof EasApiError && e.retryable) {
        for (let attempt = 0; attempt < 5; attempt++) {
          await this.sleep(1000 * (attempt + 1));
          const existing = await this.describeOrUndefined(name).catch(() => undefined);
          if (existing) return;
        }
        await this.client.createService(desired.service, { labels: desired.labels, ...(ir.alibaba?.workspaceId ? { workspaceId: ir.alibaba.workspaceId } : {}) });
        return;
      }
      throw err;
    }
  }

  private async syncAutoScaler(name: string, desired: DesiredService, created: boolean): Promise<void> {
    const current = created ? undefined : await this.describeAutoScaler(name);
    const exists = !!current && current.MaxReplica !== undefined;
    if (!desired.autoscaler) {
      if (exists) await this.client.deleteServiceAutoScaler(name);
      return;
    }
    if (exists) await this.client.updateServiceAutoScaler(name, desired.autoscaler);
    else await this.client.createServiceAutoScaler(name, desired.autoscaler);
  }

  private async syncCronScaler(name: string, desired: DesiredService, created: boolean): Promise<void> {
    const current = created ? undefined : await this.describeCronScaler(name);
    const exists = !!current && (current.ScaleJobs ?? []).length > 0;
    if (!desired.cronscaler) {
      if (exists) await this.client.deleteServiceCronScaler(name);
      return;
    }
    if (exists) await this.client.updateServiceCronScaler(name, desired.cronscaler);
    else await this.client.createServiceCronScaler(name, desired.cronscaler);
  }

  private async waitRunning(name: string, started: number, justCreated: boolean, onVisible?: () => Promise<void>): Promise<EasService> {
    const timeout = this.options.timeoutMs ?? 30 * 60_000;
    const interval = this.options.pollIntervalMs ?? 5000;
    let lastStatus = '';
    let visible = false;
    for (;;) {
      const elapsed = this.now() - started;
      // With many services, one shared list answers for all; a service missing from it is read directly only
      // once a just-created one has had its grace period to appear.
      const fromBoard = this.board ? await this.board.get(name) : undefined;
      const svc = fromBoard ?? (this.board && justCreated && elapsed < INVISIBLE_GRACE_MS ? undefined : await this.describeOrUndefined(name));
      if (svc && !visible) {
        visible = true;
        if (onVisible) await onVisible();
      }
      if (!svc) {
        if (!(justCreated && elapsed < INVISIBLE_GRACE_MS)) throw new DeployError(`service ${name} disappeared while waiting for it`, 'check whether someone deleted it, then run deploy-eas again');
        this.options.onProgress?.({ service: name, status: 'Creating', elapsedMs: elapsed });
      } else {
        if (svc.Status !== lastStatus || svc.Status !== 'Running') {
          this.options.onProgress?.({ service: name, status: svc.Status, running: svc.RunningInstance ?? 0, total: svc.TotalInstance ?? 0, elapsedMs: elapsed });
        }
        lastStatus = svc.Status;
        if (svc.Status === 'Running' && (svc.RunningInstance ?? 0) >= (svc.TotalInstance ?? 0)) {
          // List entries carry no endpoints or token: one describe for the result.
          return this.board ? ((await this.describeOrUndefined(name)) ?? svc) : svc;
        }
        if (TERMINAL_FAILURES.has(svc.Status)) {
          const events = await this.warningEvents(name);
          throw new DeployError(`service ${name} is ${svc.Status}: ${svc.Message ?? svc.Reason ?? 'no message'}`, hintFor(svc, events), events);
        }
      }
      if (this.now() - started >= timeout) {
        const events = await this.warningEvents(name);
        throw new DeployError(`service ${name} did not become Running within ${Math.round(timeout / 1000)}s (status ${svc?.Status ?? 'unknown'}, ${svc?.RunningInstance ?? 0}/${svc?.TotalInstance ?? 0} instances ready)`, 'raise --timeout, or look at the events below (GPU stock, image pulls, model loading)', events);
      }
      await this.sleep(Math.min(interval, Math.max(0, timeout - (this.now() - started))));
    }
  }

  private async warningEvents(name: string): Promise<string[]> {
    try {
      const r = await this.client.describeServiceEvent(name, { eventType: 'Warning', pageSize: 5 });
      return (r.Events ?? []).slice(-5).map(formatEvent);
    } catch {
      return [];
    }
  }

  private async destroyOne(entry: PlanEntry): Promise<DeploymentOutcome> {
    const base = { deployment: entry.deployment, service: entry.service, action: entry.action };
    if (entry.action === 'absent') return { ...base, ok: true, status: 'absent' };
    const started = this.now();
    try {
      await this.client.deleteService(entry.service);
    } catch (err) {
      if (!(err instanceof EasApiError && err.notFound)) throw err;
    }
    const timeout = this.options.timeoutMs ?? 30 * 60_000;
    for (;;) {
      const svc = await this.describeOrUndefined(entry.service);
      if (!svc) return { ...base, ok: true, status: 'deleted' };
      this.options.onProgress?.({ service: entry.service, status: svc.Status, elapsedMs: this.now() - started });
      if (svc.Status === 'DeleteFailed') throw new DeployError(`deleting ${entry.service} failed: ${svc.Message ?? ''}`, 'retry deploy-eas --destroy, or delete it in the console');
      if (this.now() - started >= timeout) throw new DeployError(`service ${entry.service} was not deleted within ${Math.round(timeout / 1000)}s`, 'raise --timeout');
      await this.sleep(this.options.pollIntervalMs ?? 5000);
    }
  }

  private outcome(base: { deployment: string; service: string; action: PlannedAction }, svc: EasService, ir: DeploymentIR, ok: boolean): DeploymentOutcome {
    const endpoint = svc.InternetEndpoint ?? svc.IntranetEndpoint;
    const token = maskToken(svc.AccessToken, !!this.options.showToken);
    const callHint = endpoint
      ? isLlmEngine(ir)
        ? `curl ${endpoint}/v1/chat/completions -H "Authorization: <token>" -H "Content-Type: application/json" -d '{"model":"${ir.name}","messages":[{"role":"user","content":"Hello"}]}'`
        : `curl ${endpoint} -H "Authorization: <token>" -d @request.json`
      : undefined;
    return {
      ...base,
      ok,
      status: svc.Status,
      runningInstances: svc.RunningInstance ?? 0,
      totalInstances: svc.TotalInstance ?? 0,
      ...(svc.InternetEndpoint ? { internetEndpoint: svc.InternetEndpoint } : {}),
      ...(svc.IntranetEndpoint ? { intranetEndpoint: svc.IntranetEndpoint } : {}),
      ...(token ? { token } : {}),
      ...(callHint ? { callHint } : {}),
    };
  }

  private failure(base: { deployment: string; service: string; action: PlannedAction }, err: unknown): DeploymentOutcome {
    if (err instanceof DeployError) return { ...base, ok: false, error: err.message, hint: err.hint, events: err.events };
    if (err instanceof EasApiError) {
      return {
        ...base,
        ok: false,
        error: `${err.action} failed: ${err.code}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}: ${err.message}${err.requestId ? ` (request ${err.requestId})` : ''}`,
        hint: hintForApiError(err),
      };
    }
    return { ...base, ok: false, error: (err as Error).message ?? String(err) };
  }
}

/**
 * One ListServices snapshot shared by every service being waited for, refreshed at most once per polling interval:
 * waiting for N services costs one list call per interval instead of N describe calls, which keeps large
 * rollouts far below the API's rate limits.
 */
export class StatusBoard {
  private snapshot?: { at: number; services: Map<string, EasService> };
  private inflight?: Promise<Map<string, EasService>>;

  constructor(
    private readonly client: EasClient,
    private readonly label: Record<string, string>,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  async get(name: string): Promise<EasService | undefined> {
    if (!this.snapshot || this.now() - this.snapshot.at >= this.maxAgeMs) await this.refresh();
    return this.snapshot!.services.get(name);
  }

  private async refresh(): Promise<void> {
    this.inflight ??= this.list().finally(() => (this.inflight = undefined));
    const services = await this.inflight;
    this.snapshot = { at: this.now(), services };
  }

  private async list(): Promise<Map<string, EasService>> {
    const services = new Map<string, EasService>();
    for (let page = 1; page <= 100; page++) {
      const r = await this.client.listServices({ Label: this.label, PageNumber: page, PageSize: 100 });
      for (const svc of r.Services ?? []) services.set(svc.ServiceName, svc);
      if ((r.Services ?? []).length < 100 || services.size >= (r.TotalCount ?? 0)) break;
    }
    return services;
  }
}

/** A read whose not-found answer means "absent". */
async function undefinedIfNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof EasApiError && err.notFound) return undefined;
    throw err;
  }
}

export class DeployError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly events: string[] = [],
  ) {
    super(message);
  }
}

export function formatEvent(e: EasEvent): string {
  let message = e.Message;
  try {
    const parsed = JSON.parse(e.Message) as { message?: string; Message?: string };
    message = parsed.message ?? parsed.Message ?? e.Message;
  } catch {
    /* plain text */
  }
  return `${e.Time} ${e.Reason}: ${message}`;
}

function hintFor(svc: EasService, events: string[]): string {
  const text = `${svc.Message ?? ''} ${events.join(' ')}`;
  if (/Insufficient|stock|no available|ResourceNotEnough/i.test(text)) return 'the GPU type is sold out in this region: add resources.alibaba.fallback instance types, use a dedicated resource group, or try another region';
  if (/ImagePull|pull image/i.test(text)) return 'the image could not be pulled: use the region\'s VPC registry address (eas-registry-vpc.<region>...) and check credentials for private images';
  if (/OOM|out of memory/i.test(text)) return 'the engine ran out of memory: check inferstack plan, lower llm.maxContextLength or maxConcurrentSequences, or quantize';
  if (/probe|health|startup/i.test(text)) return 'the health check failed: raise container.healthCheck.startupTimeout for slow model loads, or check the engine logs';
  return 'see the warning events above and the service logs (eascmd or the PAI console)';
}

function hintForApiError(err: EasApiError): string {
  if (/SignatureDoesNotMatch|InvalidAccessKeyId/i.test(err.code)) return 'the AccessKey is wrong or was rotated: check ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET or your profile';
  if (/Forbidden/i.test(err.code)) return 'the credentials lack the PAI-EAS permission (eas:' + err.action + '), or the service name belongs to another account';
  if (err.retryable) return 'the API kept failing after retries: run deploy-eas again (it resumes where it stopped)';
  return 'fix the request as the message says and run deploy-eas again';
}
