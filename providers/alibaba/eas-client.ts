/**
 * A small typed client for the PAI-EAS OpenAPI 2021-07-01 over @alicloud/openapi-client's `callApi`
 * (ROA style, JSON bodies, ACS3-HMAC-SHA256 signatures). Paths, methods and fields follow the official
 * generated SDK (see ../shared/reference/alibaba-pai-eas.md §2).
 *
 * Retries with exponential backoff and full jitter on throttling, ServiceUnavailable, 5xx and network
 * errors; never on client errors. Non-idempotent calls (CreateService) are never retried here: the
 * deployer checks whether the service exists before trying again.
 */
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';

export const EAS_API_VERSION = '2021-07-01';

export interface EasService {
  ServiceName: string;
  ServiceId?: string;
  Status: string;
  Message?: string;
  Reason?: string;
  TotalInstance?: number;
  RunningInstance?: number;
  PendingInstance?: number;
  InternetEndpoint?: string;
  IntranetEndpoint?: string;
  AccessToken?: string;
  ServiceConfig?: string;
  Labels?: Array<{ LabelKey: string; LabelValue: string }>;
  Region?: string;
}

export interface EasEvent {
  Message: string;
  Reason: string;
  Resource?: string;
  Time: string;
  Type: 'Normal' | 'Warning';
}

export interface EasAutoScalerState {
  MinReplica?: number;
  MaxReplica?: number;
  ScaleStrategies?: Array<{ metricName: string; threshold: number; service?: string }>;
  Behavior?: Record<string, unknown>;
}

export interface EasCronScalerState {
  ScaleJobs?: Array<{ Name?: string; Schedule: string; TargetSize: number; TimeZone?: string }>;
  ExcludeDates?: string[];
}

export class EasApiError extends Error {
  constructor(
    readonly action: string,
    readonly statusCode: number | undefined,
    readonly code: string,
    message: string,
    readonly requestId: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
  }

  get notFound(): boolean {
    return this.statusCode === 404 || /\.NotFound$/.test(this.code) || this.code === 'NotFound';
  }

  get conflict(): boolean {
    return this.statusCode === 409 || /AlreadyExist|Conflict/i.test(this.code);
  }
}

export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

export interface EasClientOptions {
  readonly region: string;
  /** Host[:port] or URL; default pai-eas.<region>.aliyuncs.com over HTTPS. */
  readonly endpoint?: string;
  /** A @alicloud/credentials instance (default chain) or explicit keys. */
  readonly credential: unknown;
  readonly retry?: RetryPolicy;
  readonly readTimeoutMs?: number;
  /** Called before each retry (for progress output). */
  readonly onRetry?: (action: string, attempt: number, delayMs: number, reason: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE_CODE = /^(Throttling.*|Rejected\.Throttling|ServiceUnavailable|InternalError|InternalServerError)$/;
const NETWORK_CODE = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ESOCKETTIMEDOUT|EAI_AGAIN|ReadTimeout|ConnectTimeout|RetryError|UND_ERR_SOCKET)$/;

export function isRetryable(statusCode: number | undefined, code: string, message = ''): boolean {
  if (statusCode !== undefined && statusCode >= 500) return true;
  if (statusCode === 429) return true;
  if (RETRYABLE_CODE.test(code)) return true;
  if (statusCode === undefined && (NETWORK_CODE.test(code) || /socket hang up|ECONNRESET|timeout|ECONNREFUSED/i.test(message))) return true;
  return false;
}

/** Full-jitter exponential backoff. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * cap);
}

export function resolveEndpoint(region: string, override?: string): { host: string; protocol: 'HTTPS' | 'HTTP' } {
  if (!override) return { host: `pai-eas.${region}.aliyuncs.com`, protocol: 'HTTPS' };
  const m = /^(https?):\/\/([^/]+)\/?$/i.exec(override);
  if (m) return { host: m[2]!, protocol: m[1]!.toUpperCase() as 'HTTPS' | 'HTTP' };
  return { host: override.replace(/\/$/, ''), protocol: 'HTTPS' };
}

/** `http://` is accepted only for loopback addresses (a test server or a local tunnel). */
export function checkEndpointAllowed(override: string): string | undefined {
  const m = /^http:\/\/([^/:]+|\[[^\]]+\])(:\d+)?\/?$/i.exec(override);
  if (/^http:\/\//i.test(override)) {
    const host = m?.[1]?.replace(/^\[|\]$/g, '') ?? '';
    if (!(host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1')) return 'http:// is accepted only for loopback addresses (127.0.0.0/8, localhost, [::1]); use https://';
  } else if (!/^https:\/\/[^/]+\/?$/i.test(override) && !/^[a-z0-9.-]+(:\d+)?$/i.test(override)) {
    return 'give a host name or an https:// URL';
  }
  return undefined;
}

const enc = encodeURIComponent;

/**
 * Client-side pacing shared by every call of a client: a token bucket whose rate halves when the API throttles
 * and creeps back up on success (AIMD), so a large rollout slows itself down instead of hammering the limit.
 */
export class Pacer {
  private tokens: number;
  private last: number;

  constructor(
    private rate = 200,
    private readonly burst = 50,
    private readonly minRate = 2,
    private readonly maxRate = 400,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  async take(sleepFn: (ms: number) => Promise<void>): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleepFn(Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    }
  }

  throttled(): void {
    this.rate = Math.max(this.minRate, this.rate / 2);
  }

  succeeded(): void {
    this.rate = Math.min(this.maxRate, this.rate + 2);
  }

  get currentRate(): number {
    return this.rate;
  }
}

export class EasClient {
  private readonly api: OpenApi;
  private readonly retry: RetryPolicy;
  private readonly protocol: 'HTTPS' | 'HTTP';
  private readonly pacer = new Pacer();
  readonly calls: Array<{ action: string; attempt: number }> = [];

  constructor(private readonly options: EasClientOptions) {
    const { host, protocol } = resolveEndpoint(options.region, options.endpoint);
    this.protocol = protocol;
    this.api = new OpenApi(
      new $OpenApi.Config({
        credential: options.credential as $OpenApi.Config['credential'],
        endpoint: host,
        protocol,
        regionId: options.region,
        readTimeout: options.readTimeoutMs ?? 30_000,
        connectTimeout: 10_000,
        userAgent: 'inferstack-deploy-eas/0.1.0',
      }),
    );
    this.retry = options.retry ?? DEFAULT_RETRY;
  }

  get cluster(): string {
    return this.options.region;
  }

  private servicePath(name: string, suffix = ''): string {
    return `/api/v2/services/${enc(this.cluster)}/${enc(name)}${suffix}`;
  }

  private async call<T>(action: string, method: string, pathname: string, opts: { query?: Record<string, string>; body?: unknown; idempotent?: boolean } = {}): Promise<T> {
    const idempotent = opts.idempotent ?? method !== 'POST';
    for (let attempt = 1; ; attempt++) {
      await this.pacer.take(this.options.sleep ?? sleep);
      this.calls.push({ action, attempt });
      try {
        const params = new $OpenApi.Params({
          action,
          version: EAS_API_VERSION,
          protocol: this.protocol,
          pathname,
          method,
          authType: 'AK',
          style: 'ROA',
          reqBodyType: 'json',
          bodyType: 'json',
        });
        const request = new $OpenApi.OpenApiRequest({ ...(opts.query ? { query: opts.query } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}) });
        const response = (await this.api.callApi(params, request, new $Util.RuntimeOptions({ autoretry: false }))) as { body?: T };
        this.pacer.succeeded();
        return (response.body ?? {}) as T;
      } catch (err) {
        const e = toApiError(action, err);
        if (e.statusCode === 429 || /Throttling/.test(e.code)) this.pacer.throttled();
        if (!e.retryable || !idempotent || attempt >= this.retry.maxAttempts) throw e;
        const delay = backoffDelay(attempt, this.retry);
        this.options.onRetry?.(action, attempt, delay, `${e.code}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}`);
        await (this.options.sleep ?? sleep)(delay);
      }
    }
  }

  createService(config: unknown, opts: { labels?: Record<string, string>; workspaceId?: string } = {}): Promise<{ ServiceName: string; ServiceId?: string; Status?: string; RequestId?: string }> {
    const query: Record<string, string> = {};
    if (opts.labels && Object.keys(opts.labels).length > 0) query.Labels = JSON.stringify(opts.labels);
    if (opts.workspaceId) query.WorkspaceId = opts.workspaceId;
    return this.call('CreateService', 'POST', '/api/v2/services', { query, body: JSON.stringify(config), idempotent: false });
  }

  describeService(name: string): Promise<EasService> {
    return this.call('DescribeService', 'GET', this.servicePath(name));
  }

  updateService(name: string, config: unknown, updateType: 'merge' | 'replace' = 'replace'): Promise<{ Message?: string }> {
    return this.call('UpdateService', 'PUT', this.servicePath(name), { query: { UpdateType: updateType }, body: JSON.stringify(config) });
  }

  deleteService(name: string): Promise<{ Message?: string }> {
    return this.call('DeleteService', 'DELETE', this.servicePath(name));
  }

  listServices(query: { ServiceName?: string; PageNumber?: number; PageSize?: number; Label?: Record<string, string> } = {}): Promise<{ Services?: EasService[]; TotalCount?: number }> {
    const q: Record<string, string> = {};
    if (query.ServiceName) q.ServiceName = query.ServiceName;
    if (query.PageNumber) q.PageNumber = String(query.PageNumber);
    if (query.PageSize) q.PageSize = String(query.PageSize);
    if (query.Label) q.Label = JSON.stringify(query.Label);
    return this.call('ListServices', 'GET', '/api/v2/services', { query: q });
  }

  updateServiceLabel(name: string, labels: Record<string, string>): Promise<unknown> {
    return this.call('UpdateServiceLabel', 'PUT', this.servicePath(name, '/label'), { body: { Labels: labels } });
  }

  createServiceAutoScaler(name: string, body: { min: number; max: number; scaleStrategies: unknown[]; behavior?: unknown }): Promise<unknown> {
    // A POST, but creating an autoscaler for a service is naturally idempotent on the server (one per service).
    return this.call('CreateServiceAutoScaler', 'POST', this.servicePath(name, '/autoscaler'), { body, idempotent: true });
  }

  updateServiceAutoScaler(name: string, body: { min: number; max: number; scaleStrategies: unknown[]; behavior?: unknown }): Promise<unknown> {
    return this.call('UpdateServiceAutoScaler', 'PUT', this.servicePath(name, '/autoscaler'), { body });
  }

  describeServiceAutoScaler(name: string): Promise<EasAutoScalerState> {
    return this.call('DescribeServiceAutoScaler', 'GET', this.servicePath(name, '/autoscaler'));
  }

  deleteServiceAutoScaler(name: string): Promise<unknown> {
    return this.call('DeleteServiceAutoScaler', 'DELETE', this.servicePath(name, '/autoscaler'));
  }

  createServiceCronScaler(name: string, body: { ScaleJobs: unknown[]; ExcludeDates?: string[] }): Promise<unknown> {
    return this.call('CreateServiceCronScaler', 'POST', this.servicePath(name, '/cronscaler'), { body, idempotent: true });
  }

  updateServiceCronScaler(name: string, body: { ScaleJobs: unknown[]; ExcludeDates?: string[] }): Promise<unknown> {
    return this.call('UpdateServiceCronScaler', 'PUT', this.servicePath(name, '/cronscaler'), { body });
  }

  describeServiceCronScaler(name: string): Promise<EasCronScalerState> {
    return this.call('DescribeServiceCronScaler', 'GET', this.servicePath(name, '/cronscaler'));
  }

  deleteServiceCronScaler(name: string): Promise<unknown> {
    return this.call('DeleteServiceCronScaler', 'DELETE', this.servicePath(name, '/cronscaler'));
  }

  describeServiceEvent(name: string, opts: { eventType?: 'Normal' | 'Warning'; pageSize?: number } = {}): Promise<{ Events?: EasEvent[] }> {
    const query: Record<string, string> = { PageNum: '1', PageSize: String(opts.pageSize ?? 20) };
    if (opts.eventType) query.EventType = opts.eventType;
    return this.call('DescribeServiceEvent', 'GET', this.servicePath(name, '/events'), { query });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Normalizes the errors thrown by openapi-client (tea errors with code, statusCode in data) and by the network. */
export function toApiError(action: string, err: unknown): EasApiError {
  const e = err as { code?: string; message?: string; statusCode?: number; data?: { statusCode?: number; RequestId?: string; requestId?: string; Message?: string; message?: string; Code?: string } };
  const statusCode = e.data?.statusCode ?? e.statusCode;
  const code = String(e.data?.Code ?? e.code ?? 'Unknown');
  const serverMessage = e.data?.Message ?? e.data?.message;
  const message = serverMessage ?? (e.message ?? String(err)).replace(/^code: \d+, /, '');
  const requestId = e.data?.RequestId ?? e.data?.requestId;
  return new EasApiError(action, statusCode, code, message, requestId, isRetryable(statusCode, code, e.message ?? ''));
}
