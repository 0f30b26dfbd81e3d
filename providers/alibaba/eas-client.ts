/**
 * A small typed client for the PAI-EAS OpenAPI 2021-07-01 over @alicloud/openapi-client's `callApi`
 * (ROA style, JSON bodies, ACS3-HMAC-SHA256 signatures). Paths, methods and fields follow the official
 * generated SDK (aliyun/alibabacloud-typescript-sdk eas-20210701 src/client.ts) and the API reference pages
 * https://www.alibabacloud.com/help/en/pai/developer-reference/api-eas-2021-07-01-<action> (checked 2026-11-25).
 *
 * Retries with exponential backoff and full jitter on throttling, ServiceUnavailable, 5xx and network errors until
 * the run's deadline; never on client errors. A throttled answer means the request was not processed, so even
 * CreateService is sent again; any other failure of a non-idempotent call is left to the deployer, which looks
 * before creating again.
 */
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import { backoffDelay, cleanServerText, DEFAULT_RETRY, isRetryable, Pacer, readJsonCapped, RetryPolicy, sleep, withDeadline } from './eas-http';
import type { EasResourceInstance } from './resource-room';
import { withResponseLimit } from './response-limit';

export { backoffDelay, cleanServerText, DEFAULT_RETRY, isRetryable, Pacer } from './eas-http';
export type { RetryPolicy } from './eas-http';

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
  /** The version being served and the newest one (DescribeService `CurrentVersion` / `LatestVersion`). */
  CurrentVersion?: number;
  LatestVersion?: number;
}

/** DescribeServiceDiagnosis: https://www.alibabacloud.com/help/en/pai/developer-reference/api-eas-2021-07-01-describeservicediagnosis */
export interface EasDiagnosis {
  Error?: string;
  Causes?: string[];
  Advices?: string[];
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

  /** A missing resource; never an authentication failure (an unknown AccessKey ID also answers 404). */
  get notFound(): boolean {
    if (this.auth) return false;
    return this.statusCode === 404 || /\.NotFound$/.test(this.code) || this.code === 'NotFound';
  }

  /** The credentials were refused: unknown or disabled AccessKey, bad signature, expired or malformed STS token. */
  get auth(): boolean {
    return AUTH_CODE.test(this.code);
  }

  /** The request was refused before it was processed. */
  get throttled(): boolean {
    return this.statusCode === 429 || /Throttling/.test(this.code);
  }

  get conflict(): boolean {
    return this.statusCode === 409 || /AlreadyExist|Conflict/i.test(this.code);
  }
}

export interface EasClientOptions {
  readonly region: string;
  /** Host[:port] or URL; default pai-eas.<region>.aliyuncs.com over HTTPS. */
  readonly endpoint?: string;
  /** A @alicloud/credentials instance (default chain) or explicit keys. */
  readonly credential: unknown;
  readonly retry?: RetryPolicy;
  readonly readTimeoutMs?: number;
  /** Largest response (success or error) read from the wire; a larger one is an error. @default 8 MiB */
  readonly maxResponseBytes?: number;
  /** Called before each retry (for progress output). */
  readonly onRetry?: (action: string, attempt: number, delayMs: number, reason: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Epoch ms after which no call is started or retried and a call in flight is abandoned (the run's --timeout). */
  readonly deadline?: number;
  readonly now?: () => number;
}

/**
 * Credential errors of Alibaba Cloud's OpenAPI gateway (InvalidAccessKeyId.NotFound, InvalidAccessKeyId.Inactive,
 * SignatureDoesNotMatch, InvalidSecurityToken.Expired / .Malformed / .MismatchWithAccessKey, ...), as listed in
 * aliyun/alibabacloud-aiops-skills cli-installation-guide.md and the OpenAPI common error codes.
 */
const AUTH_CODE = /^(InvalidAccessKeyId(\..+)?|SignatureDoesNotMatch|IncompleteSignature|InvalidSecurityToken(\..+)?|SecurityTokenExpired|MissingSecurityToken|InvalidCredentials|MissingAuthorization)$/;
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

  /** Secrets that must never be echoed back from a server message. */
  private secrets: string[] = [];

  /** Reads the credential once, so that error text the server echoes can be scrubbed of it. */
  async loadSecrets(): Promise<void> {
    const credential = this.options.credential as { getCredential?: () => Promise<{ accessKeySecret?: string; securityToken?: string }> } | undefined;
    const c = await credential?.getCredential?.().catch(() => undefined);
    this.secrets = [c?.accessKeySecret, c?.securityToken].filter((x): x is string => !!x && x.length >= 8);
  }

  private get deadline(): number {
    return this.options.deadline ?? Number.POSITIVE_INFINITY;
  }

  private async call<T>(action: string, method: string, pathname: string, opts: { query?: Record<string, string>; body?: unknown; idempotent?: boolean } = {}): Promise<T> {
    const idempotent = opts.idempotent ?? method !== 'POST';
    const now = this.options.now ?? Date.now;
    for (let attempt = 1; ; attempt++) {
      await this.pacer.take(this.options.sleep ?? sleep);
      this.calls.push({ action, attempt });
      try {
        const response = await this.send<T>(action, method, pathname, opts);
        this.pacer.observe();
        return response;
      } catch (err) {
        const e = toApiError(action, err, this.secrets);
        this.pacer.observe(e);
        // A throttled request was not processed: sending it again cannot create a duplicate.
        const mayRepeat = e.retryable && (idempotent || e.throttled);
        const delay = backoffDelay(attempt, this.retry);
        if (!mayRepeat || attempt >= (this.retry.maxAttempts ?? Number.POSITIVE_INFINITY) || now() + delay >= this.deadline) throw e;
        this.options.onRetry?.(action, attempt, delay, `${e.code}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}`);
        await (this.options.sleep ?? sleep)(delay);
      }
    }
  }

  /** One HTTP exchange, abandoned when the run's deadline passes whatever the server does. */
  private async send<T>(action: string, method: string, pathname: string, opts: { query?: Record<string, string>; body?: unknown }): Promise<T> {
    const now = this.options.now ?? Date.now;
    const remaining = Math.max(1, this.deadline - now());
    const readTimeout = Math.min(this.options.readTimeoutMs ?? 30_000, remaining);
    // bodyType "binary": openapi-client hands over the response stream, which is read here up to a limit.
    const params = new $OpenApi.Params({ action, version: EAS_API_VERSION, protocol: this.protocol, pathname, method, authType: 'AK', style: 'ROA', reqBodyType: 'json', bodyType: 'binary' });
    const request = new $OpenApi.OpenApiRequest({ ...(opts.query ? { query: opts.query } : {}), ...(opts.body !== undefined ? { body: opts.body } : {}) });
    const runtime = new $Util.RuntimeOptions({ autoretry: false, readTimeout, connectTimeout: Math.min(10_000, remaining) });
    const maxBytes = this.options.maxResponseBytes ?? 8 * 2 ** 20;
    // Error bodies are read inside the SDK: the limit is enforced on the socket for every response (response-limit.ts).
    const exchange = withResponseLimit({ maxBytes, action }, async () => {
      const response = (await this.api.callApi(params, request, runtime)) as { body?: NodeJS.ReadableStream };
      return readJsonCapped<T>(response.body, maxBytes, action);
    });
    return withDeadline(exchange, Math.min(remaining, readTimeout * 2), action);
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

  /** DeleteServiceLabel: DELETE .../label with `Keys` joined by commas (the TS SDK's "simple" array style). */
  deleteServiceLabel(name: string, keys: readonly string[]): Promise<unknown> {
    return this.call('DeleteServiceLabel', 'DELETE', this.servicePath(name, '/label'), { query: { Keys: keys.join(',') } });
  }

  describeServiceDiagnosis(name: string): Promise<{ DiagnosisList?: EasDiagnosis[] }> {
    return this.call('DescribeServiceDiagnosis', 'GET', this.servicePath(name, '/diagnosis'));
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

  /** ListResourceInstances: the nodes of a dedicated resource group, with their CPU, memory and GPUs in use (resource-room.ts). */
  listResourceInstances(resourceId: string, page = 1): Promise<{ Instances?: EasResourceInstance[]; TotalCount?: number }> {
    return this.call('ListResourceInstances', 'GET', `/api/v2/resources/${enc(this.cluster)}/${enc(resourceId)}/instances`, { query: { PageNumber: String(page), PageSize: '100' } });
  }

  /** `since`: events from this instant on (StartTime, UTC "2006-01-02 15:04:05"); the API's default is the last 7 days. */
  describeServiceEvent(name: string, opts: { eventType?: 'Normal' | 'Warning'; pageSize?: number; since?: number } = {}): Promise<{ Events?: EasEvent[] }> {
    const query: Record<string, string> = { PageNum: '1', PageSize: String(opts.pageSize ?? 20) };
    if (opts.eventType) query.EventType = opts.eventType;
    if (opts.since !== undefined) query.StartTime = eventTime(opts.since);
    return this.call('DescribeServiceEvent', 'GET', this.servicePath(name, '/events'), { query });
  }
}

/** The time format of DescribeServiceEvent's StartTime/EndTime (UTC). */
export function eventTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19);
}

/** Normalizes the errors thrown by openapi-client (tea errors with code, statusCode in data) and by the network. */
export function toApiError(action: string, err: unknown, secrets: readonly string[] = []): EasApiError {
  const e = err as { code?: string; message?: string; statusCode?: number; data?: { statusCode?: number; RequestId?: string; requestId?: string; Message?: string; message?: string; Code?: string } };
  const statusCode = e.data?.statusCode ?? e.statusCode;
  const code = String(e.data?.Code ?? e.code ?? 'Unknown');
  const serverMessage = e.data?.Message ?? e.data?.message;
  const message = cleanServerText(String(serverMessage ?? (e.message ?? String(err)).replace(/^code: \d+, /, '')), secrets);
  const requestId = e.data?.RequestId ?? e.data?.requestId;
  return new EasApiError(action, statusCode, cleanServerText(code, secrets, 100), message, requestId ? cleanServerText(String(requestId), secrets, 100) : undefined, isRetryable(statusCode, code, e.message ?? ''));
}
