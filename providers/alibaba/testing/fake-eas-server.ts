/**
 * A fake PAI-EAS control plane (and gateway) for tests and benchmarks, on 127.0.0.1 only. It speaks the documented
 * OpenAPI 2021-07-01 paths (https://www.alibabacloud.com/help/en/pai/developer-reference/api-eas-2021-07-01-<action>,
 * checked 2026-11-25: CreateService, DescribeService, UpdateService, DeleteService, ListServices,
 * UpdateServiceLabel, DeleteServiceLabel, Create/Update/Describe/DeleteServiceAutoScaler and ...CronScaler,
 * DescribeServiceEvent (StartTime filter), DescribeServiceDiagnosis), verifies the ACS3-HMAC-SHA256 signature of
 * every request against known key pairs (and STS tokens), keeps services through their states (Creating ->
 * Running, Failed, Updating, Deleting) with CurrentVersion / LatestVersion, returns the documented error shapes
 * ({Code, Message, RequestId}), injects faults on demand and records every call. `/api/predict/<service>` is the
 * gateway (fake-eas-gateway.ts), the suite's only one. Run it alone: `node dist/providers/alibaba/testing/fake-eas-server.js --port 0`.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeEasGateway, GatewayCall, isPredictPath } from './fake-eas-gateway';

export interface ServiceBehavior {
  /** Milliseconds from create/update until Running (default 300). */
  readonly readyAfterMs?: number;
  /** The service goes Failed instead of Running, with these warning events. */
  readonly failWith?: { readonly message: string; readonly events: readonly string[] };
  /** Milliseconds during which a new service is invisible to DescribeService (default 0). */
  readonly invisibleForMs?: number;
  /** What DescribeServiceDiagnosis reports for a Failed service. */
  readonly diagnosis?: ReadonlyArray<{ readonly Error: string; readonly Causes: readonly string[]; readonly Advices: readonly string[] }>;
  /** Milliseconds after a write during which reads still show the service as it was before (eventual consistency). */
  readonly staleReadsForMs?: number;
  /** Milliseconds after Running during which the gateway answers 503 "no healthy upstream" (default 0). */
  readonly gatewayWarmupMs?: number;
}

export interface FaultOptions {
  /** Probability of a 400 Throttling.User answer per request (before it is processed). */
  readonly throttleRate?: number;
  /** Probability of a 503 ServiceUnavailable answer. */
  readonly error5xxRate?: number;
  /** Probability of a dropped connection (socket destroyed) before processing. */
  readonly dropRate?: number;
  /** Extra latency per request. */
  readonly latencyMs?: number | ((action: string) => number);
  /** Service names whose CreateService is processed, then the connection is dropped (response lost). */
  readonly loseCreateResponseFor?: readonly string[];
  /**
   * Service names whose CreateService answers 503 unprocessed while someone else creates a service of that name
   * (labelled `managed-by: someone-else`): a race between plan and create.
   */
  readonly createRaceLostFor?: readonly string[];
  /** Requests per second the whole server accepts; excess answers 400 Throttling.Api. */
  readonly rateLimitPerSecond?: number;
  /** Error messages carry this text (a hostile or broken server: control sequences, echoed headers). */
  readonly errorMessage?: (action: string, headers: http.IncomingHttpHeaders) => string;
  /** Successful answers carry this many extra bytes (a broken or hostile server). */
  readonly padResponseBytes?: number;
  /** The first N requests of an action answer 400 Throttling.User (deterministic throttling). */
  readonly throttleFirst?: Readonly<Record<string, number>>;
  /** Milliseconds a response trickles out byte by byte (a slow server; 0 = at once). */
  readonly trickleMs?: number;
  /**
   * Every API request is answered with this status and a body of `bytes` bytes, or an endless chunked body when
   * `bytes` is unset (a hostile server); `hugeBodyBytesSent` counts what the client took before it hung up.
   */
  readonly hugeBody?: { readonly status: number; readonly bytes?: number };
}

export interface FakeEasOptions {
  readonly keys: Readonly<Record<string, string>>;
  /** STS security tokens that have expired (requests carrying one answer InvalidSecurityToken.Expired). */
  readonly expiredTokens?: readonly string[];
  readonly behavior?: (serviceName: string) => ServiceBehavior;
  readonly faults?: FaultOptions;
  readonly seed?: number;
  /** The text the gateway's chat route generates (fake-eas-gateway.ts). @default "OK" */
  readonly gatewayReply?: string;
  /** Called with each authenticated API request before it is processed (to stage races in tests). */
  readonly onRequest?: (action: string, server: FakeEasServer) => void;
  /**
   * Dedicated resource groups by id, each a list of nodes (ListResourceInstances). What the services on a group
   * request is placed on its nodes first-fit; `used*` is what other workloads take.
   */
  readonly resourceGroups?: Readonly<Record<string, readonly FakeGroupNode[]>>;
  /** ListResourceInstances is refused (HTTP 403 Forbidden.RAM, credentials without eas:ListResourceInstances); nodes still place instances. */
  readonly resourceGroupsUnlistable?: boolean;
  /** ListResourceInstances pages its answer (PageNumber, PageSize) without TotalCount. */
  readonly resourceGroupsWithoutTotalCount?: boolean;
}

export interface FakeGroupNode {
  readonly cpu: number;
  readonly memoryMb: number;
  readonly gpu: number;
  readonly usedCpu?: number;
  readonly usedMemoryMb?: number;
  readonly usedGpu?: number;
  /** InstanceMemory as reported, when not `${memoryMb}M` (e.g. an unreadable value). */
  readonly memoryText?: string;
}

export interface RecordedCall {
  readonly action: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly service?: string;
  readonly at: number;
}

interface StoredService {
  name: string;
  id: string;
  config: Record<string, unknown>;
  labels: Record<string, string>;
  createdAt: number;
  visibleAt: number;
  phase: 'Creating' | 'Updating' | 'Running' | 'Failed' | 'Deleting';
  phaseUntil: number;
  deleting: boolean;
  token: string;
  autoscaler?: { min: number; max: number; scaleStrategies: unknown[]; behavior?: unknown };
  cronscaler?: { ScaleJobs: unknown[]; ExcludeDates?: string[] };
  events: Array<{ Message: string; Reason: string; Time: string; Type: 'Normal' | 'Warning'; Resource: string }>;
  failWith?: { message: string; events: readonly string[] };
  /** Served version and newest version. */
  currentVersion: number;
  latestVersion: number;
  runningSince?: number;
  /** What reads return until `staleUntil` (the state before the last write). */
  staleView?: Record<string, unknown>;
  staleUntil: number;
  /** Instances the autoscaler set (overrides metadata.instance). */
  scaledTo?: number;
}

/** DescribeServiceEvent's time format (UTC "2006-01-02 15:04:05"). */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

const WRITE_ACTIONS = new Set(['CreateService', 'UpdateService', 'DeleteService', 'CreateServiceAutoScaler', 'UpdateServiceAutoScaler', 'DeleteServiceAutoScaler', 'CreateServiceCronScaler', 'UpdateServiceCronScaler', 'DeleteServiceCronScaler', 'UpdateServiceLabel', 'DeleteServiceLabel']);

function drainOrClose(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/!/g, '%21').replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29').replace(/\*/g, '%2A');
}

/** Recomputes the ACS3-HMAC-SHA256 signature of a request (the algorithm of Alibaba Cloud's V3 signing). */
export function expectedSignature(method: string, rawPath: string, query: URLSearchParams, headers: http.IncomingHttpHeaders, signedHeaders: string[], payloadHash: string, secret: string): string {
  const canonicalQuery = [...new Set([...query.keys()])]
    .sort()
    .map((k) => `${k}=${percentEncode(query.get(k) ?? '')}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(headers[h] ?? '').trim()}\n`).join('');
  const canonicalRequest = `${method}\n${rawPath}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${payloadHash}`;
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

export class FakeEasServer {
  readonly calls: RecordedCall[] = [];
  /** The data plane, `/api/predict/<service>` on the same port (fake-eas-gateway.ts). */
  readonly gateway: FakeEasGateway;
  readonly services = new Map<string, StoredService>();
  private server?: http.Server;
  private baseUrl = 'http://127.0.0.1';
  private random: () => number;
  private windowStart = 0;
  private windowCount = 0;
  faults: FaultOptions;
  /** Bytes of `faults.hugeBody` bodies written so far. */
  hugeBodyBytesSent = 0;

  constructor(private readonly options: FakeEasOptions) {
    this.random = mulberry32(options.seed ?? 42);
    this.faults = options.faults ?? {};
    this.gateway = new FakeEasGateway((name) => this.gatewayView(name), { ...(options.gatewayReply ? { reply: options.gatewayReply } : {}) });
  }

  /** Requests to the gateway (`/api/predict/...`). */
  get gatewayCalls(): readonly GatewayCall[] {
    return this.gateway.calls;
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    // Clients reuse a connection only when the server's announced keep-alive ("Keep-Alive: timeout=N") exceeds a
    // one-second safety margin (Node's http.Agent keepSocketAlive, lib/_http_agent.js, v20; undici likewise): at 1 s
    // every call opened a new connection, which a real API endpoint does not force. Node's default is 5 s.
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    const address = this.server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  /** A service someone else created (or an earlier run left), as the API would return it. */
  seedService(name: string, opts: { labels?: Record<string, string>; config?: Record<string, unknown>; status?: 'Running' | 'Failed' | 'Creating'; message?: string; events?: Array<{ at: number; message: string }> } = {}): StoredService {
    const now = Date.now();
    const phase = opts.status ?? 'Running';
    const s: StoredService = {
      name,
      id: `eas-m-${randomUUID().replace(/-/g, '').slice(0, 12)}`,
      config: opts.config ?? { metadata: { name, instance: 1 }, containers: [{ image: 'registry.example/other:1', port: 8000, env: [{ name: 'API_KEY', value: 'sk-other-team-secret' }] }] },
      labels: opts.labels ?? {},
      createdAt: now,
      visibleAt: now,
      phase,
      phaseUntil: phase === 'Creating' ? now + 3_600_000 : now,
      deleting: false,
      token: `tok-${randomUUID().replace(/-/g, '')}`,
      events: (opts.events ?? []).map((e) => ({ Message: JSON.stringify({ message: e.message }), Reason: 'ContainerFailed', Time: eventTime(e.at), Type: 'Warning', Resource: 'Pod' })),
      currentVersion: 1,
      latestVersion: 1,
      staleUntil: 0,
      ...(phase === 'Running' ? { runningSince: now - 60_000 } : {}),
      ...(phase === 'Failed' ? { failWith: { message: opts.message ?? 'Instance failed', events: [] } } : {}),
    };
    this.services.set(name, s);
    return s;
  }

  /** What the autoscaler does at a peak: the service runs `instances` now. */
  scaleTo(name: string, instances: number): void {
    this.services.get(name)!.scaledTo = instances;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  writeCalls(): RecordedCall[] {
    return this.calls.filter((c) => WRITE_ACTIONS.has(c.action));
  }

  private send(res: http.ServerResponse, status: number, body: Record<string, unknown>): number {
    const padding = status < 400 && this.faults.padResponseBytes ? { Padding: 'x'.repeat(this.faults.padResponseBytes) } : {};
    const text = JSON.stringify({ RequestId: randomUUID().toUpperCase(), ...body, ...padding });
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text) });
    if (this.faults.trickleMs) void this.trickle(res, Buffer.from(text), this.faults.trickleMs);
    else res.end(text);
    return status;
  }

  private async trickle(res: http.ServerResponse, data: Buffer, totalMs: number): Promise<void> {
    const step = Math.max(1, Math.floor(totalMs / Math.max(1, data.length)));
    for (let i = 0; i < data.length && !res.destroyed; i++) {
      res.write(data.subarray(i, i + 1));
      await new Promise((r) => setTimeout(r, step));
    }
    res.end();
  }

  /** Writes a JSON-looking error body of `bytes` bytes (endless when unset), as fast as the client reads it. */
  private async sendHugeBody(res: http.ServerResponse, status: number, bytes?: number): Promise<number> {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...(bytes !== undefined ? { 'content-length': bytes } : {}) });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    res.write('{"Code":"InternalError","Message":"');
    this.hugeBodyBytesSent += 35;
    let left = bytes === undefined ? Number.POSITIVE_INFINITY : bytes - 35;
    while (left > 0 && !res.destroyed) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= part.length;
      this.hugeBodyBytesSent += part.length;
      if (!res.write(part)) await drainOrClose(res);
    }
    if (!res.destroyed) res.end();
    return status;
  }

  private error(res: http.ServerResponse, status: number, code: string, message: string): number {
    const req = (res as http.ServerResponse & { req?: http.IncomingMessage }).req;
    const shown = this.faults.errorMessage ? this.faults.errorMessage(String(req?.headers['x-acs-action'] ?? ''), req?.headers ?? {}) : message;
    return this.send(res, status, { Code: code, Message: shown });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rawPath = (req.url ?? '/').split('?')[0]!;
    if (isPredictPath(rawPath)) return void this.gateway.handle(req, res, body);
    const action = String(req.headers['x-acs-action'] ?? 'Unknown');
    const record = (status: number, service?: string) => this.calls.push({ action, method: req.method ?? '', path: rawPath, status, ...(service ? { service } : {}), at: Date.now() });
    if (this.faults.hugeBody) return void record(await this.sendHugeBody(res, this.faults.hugeBody.status, this.faults.hugeBody.bytes));

    const latency = typeof this.faults.latencyMs === 'function' ? this.faults.latencyMs(action) : (this.faults.latencyMs ?? 0);
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));

    // Authentication first: a request with a bad signature is rejected whatever else happens.
    const auth = this.verify(req, rawPath, url.searchParams, body);
    if (auth) return void record(this.error(res, auth.status, auth.code, auth.message));

    if (this.faults.rateLimitPerSecond) {
      const now = Date.now();
      if (now - this.windowStart >= 1000) {
        this.windowStart = now;
        this.windowCount = 0;
      }
      if (++this.windowCount > this.faults.rateLimitPerSecond) return void record(this.error(res, 400, 'Throttling.Api', 'Request was denied due to api flow control.'));
    }
    if (this.faults.dropRate && this.random() < this.faults.dropRate) {
      record(0);
      req.socket.destroy();
      return;
    }
    const throttledSoFar = this.calls.filter((c) => c.action === action && c.status === 400).length;
    if (throttledSoFar < (this.faults.throttleFirst?.[action] ?? 0)) return void record(this.error(res, 400, 'Throttling.User', 'Request was denied due to user flow control.'));
    if (this.faults.throttleRate && this.random() < this.faults.throttleRate) return void record(this.error(res, 400, 'Throttling.User', 'Request was denied due to user flow control.'));
    if (this.faults.error5xxRate && this.random() < this.faults.error5xxRate) return void record(this.error(res, 503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'));

    this.options.onRequest?.(action, this);
    try {
      const result = this.route(req.method ?? 'GET', rawPath, url.searchParams, body, res, action);
      if (result.dropAfter) {
        record(0, result.service);
        req.socket.destroy();
        return;
      }
      record(result.status, result.service);
    } catch (err) {
      record(this.error(res, 500, 'InternalError', (err as Error).message));
    }
  }

  private verify(req: http.IncomingMessage, rawPath: string, query: URLSearchParams, body: Buffer): { status: number; code: string; message: string } | undefined {
    const header = String(req.headers.authorization ?? '');
    const m = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(header);
    if (!m) return { status: 400, code: 'MissingAuthorization', message: 'The Authorization header is missing or malformed.' };
    const [, keyId, signed, signature] = m;
    const secret = this.options.keys[keyId!];
    if (!secret) return { status: 404, code: 'InvalidAccessKeyId.NotFound', message: 'Specified access key is not found.' };
    const token = req.headers['x-acs-security-token'];
    if (typeof token === 'string' && this.options.expiredTokens?.includes(token)) return { status: 400, code: 'InvalidSecurityToken.Expired', message: 'Specified SecurityToken is expired.' };
    if (req.headers['x-acs-version'] !== '2021-07-01') return { status: 400, code: 'InvalidVersion', message: 'Specified parameter Version is not valid.' };
    const payloadHash = createHash('sha256').update(body).digest('hex');
    if (req.headers['x-acs-content-sha256'] !== payloadHash) return { status: 400, code: 'SignatureDoesNotMatch', message: 'The request body hash does not match x-acs-content-sha256.' };
    const signedHeaders = signed!.split(';');
    if (!signedHeaders.includes('host') || !signedHeaders.includes('x-acs-date')) return { status: 400, code: 'SignatureDoesNotMatch', message: 'Required headers are not signed.' };
    const expected = expectedSignature(req.method ?? 'GET', rawPath, query, req.headers, signedHeaders, payloadHash, secret);
    if (expected !== signature) return { status: 400, code: 'SignatureDoesNotMatch', message: 'The request signature does not conform to Aliyun standards.' };
    return undefined;
  }

  private behaviorOf(name: string): ServiceBehavior {
    return this.options.behavior?.(name) ?? {};
  }

  /** Advances a service's state machine to `now`. */
  private tick(s: StoredService, now: number): void {
    if (s.deleting && now >= s.phaseUntil) {
      this.services.delete(s.name);
      return;
    }
    if ((s.phase === 'Creating' || s.phase === 'Updating') && now >= s.phaseUntil) {
      if (s.failWith) {
        s.phase = 'Failed';
        for (const e of s.failWith.events) s.events.push({ Message: JSON.stringify({ message: e }), Reason: 'ContainerFailed', Time: eventTime(s.phaseUntil), Type: 'Warning', Resource: 'Pod' });
      } else {
        s.phase = 'Running';
        s.runningSince = s.phaseUntil;
        s.events.push({ Message: 'Service is running', Reason: 'ServiceRunning', Time: eventTime(s.phaseUntil), Type: 'Normal', Resource: 'Service' });
      }
    }
  }

  private instances(s: StoredService): number {
    const meta = (s.config.metadata ?? {}) as { instance?: number };
    return s.scaledTo ?? Number(meta.instance ?? 1);
  }

  /** What a read returns: right after a write, possibly the state before it (staleReadsForMs). */
  private read(s: StoredService, cluster: string, now: number): Record<string, unknown> {
    return s.staleView && now < s.staleUntil ? s.staleView : this.view(s, cluster);
  }

  /** Called before a write: reads keep returning this state for the service's staleReadsForMs. */
  private markWrite(s: StoredService, now: number): void {
    const stale = this.behaviorOf(s.name).staleReadsForMs ?? 0;
    if (stale <= 0) return;
    s.staleView = this.view(s, 'cn-hangzhou');
    s.staleUntil = now + stale;
  }

  private gatewayView(name: string) {
    const s = this.services.get(name);
    if (!s || s.deleting) return undefined;
    this.tick(s, Date.now());
    const async = (s.config.metadata as { type?: unknown } | undefined)?.type === 'Async';
    return { name, token: s.token, ...(s.phase === 'Running' && s.runningSince !== undefined ? { runningSince: s.runningSince } : {}), warmupMs: this.behaviorOf(name).gatewayWarmupMs ?? 0, async };
  }

  private view(s: StoredService, cluster: string) {
    const total = this.instances(s);
    const running = s.phase === 'Running' ? total : s.phase === 'Updating' ? Math.max(0, total - 1) : 0;
    const config = { ...s.config, metadata: { ...(s.config.metadata as object), region: cluster } };
    return {
      ServiceName: s.name,
      ServiceId: s.id,
      Status: s.deleting ? 'Deleting' : s.phase,
      Message: s.phase === 'Failed' ? s.failWith?.message : s.phase === 'Running' ? 'Service is Running' : `Service is ${s.phase}`,
      TotalInstance: total,
      RunningInstance: running,
      PendingInstance: total - running,
      Region: cluster,
      // The real endpoints are http://<uid>.<region>.pai-eas.aliyuncs.com/api/predict/<service>; the fake's gateway
      // answers on its own loopback address.
      InternetEndpoint: `${this.baseUrl}/api/predict/${s.name}`,
      IntranetEndpoint: `http://${s.id}.vpc.${cluster}.pai-eas.aliyuncs.com/api/predict/${s.name}`,
      AccessToken: s.token,
      ServiceConfig: JSON.stringify(config),
      Labels: Object.entries(s.labels).map(([LabelKey, LabelValue]) => ({ LabelKey, LabelValue })),
      CurrentVersion: s.currentVersion,
      LatestVersion: s.latestVersion,
    };
  }

  /** A group's nodes with what its services' instances take (first-fit), or undefined for an unknown group. */
  private groupNodes(id: string): Array<Required<Omit<FakeGroupNode, 'memoryText'>> & Pick<FakeGroupNode, 'memoryText'>> | undefined {
    const seeded = this.options.resourceGroups?.[id];
    if (!seeded) return undefined;
    const nodes = seeded.map((n) => ({ usedCpu: 0, usedMemoryMb: 0, usedGpu: 0, ...n }));
    for (const svc of this.services.values()) {
      const meta = (svc.config.metadata ?? {}) as { resource?: string; cpu?: number; memory?: number; gpu?: number };
      if (svc.deleting || meta.resource !== id) continue;
      for (let i = 0; i < this.instances(svc); i++) {
        const node = nodes.find((n) => n.cpu - n.usedCpu >= (meta.cpu ?? 0) && n.memoryMb - n.usedMemoryMb >= (meta.memory ?? 0) && n.gpu - n.usedGpu >= (meta.gpu ?? 0));
        if (!node) break; // Pending: takes nothing
        node.usedCpu += meta.cpu ?? 0;
        node.usedMemoryMb += meta.memory ?? 0;
        node.usedGpu += meta.gpu ?? 0;
      }
    }
    return nodes;
  }

  /**
   * An update on a dedicated group that adds a surge instance before stopping any (max_unavailable 0) waits for a
   * node with room for it; with none it never finishes (scrolling-updates-with-graceful-exit).
   */
  private surgeBlocked(config: Record<string, unknown>): boolean {
    const meta = (config.metadata ?? {}) as { resource?: string; cpu?: number; memory?: number; gpu?: number; rolling_strategy?: { max_unavailable?: number | string } };
    if (!meta.resource || Number(meta.rolling_strategy?.max_unavailable ?? 1) > 0) return false;
    const nodes = this.groupNodes(meta.resource) ?? [];
    return !nodes.some((n) => n.cpu - n.usedCpu >= (meta.cpu ?? 0) && n.memoryMb - n.usedMemoryMb >= (meta.memory ?? 0) && n.gpu - n.usedGpu >= (meta.gpu ?? 0));
  }

  private route(method: string, path: string, query: URLSearchParams, body: Buffer, res: http.ServerResponse, action: string): { status: number; service?: string; dropAfter?: boolean } {
    const now = Date.now();
    const parseBody = (): unknown => {
      const text = body.toString('utf8');
      const first = JSON.parse(text) as unknown;
      return typeof first === 'string' ? JSON.parse(first) : first; // the SDK sends the config as a JSON string
    };
    if (path === '/api/v2/services' && method === 'POST' && action === 'CreateService') {
      const config = parseBody() as Record<string, unknown>;
      const name = String((config.metadata as { name?: string } | undefined)?.name ?? config.name ?? '');
      if (!/^[a-z][a-z0-9_]{2,62}$/.test(name)) return { status: this.error(res, 400, 'InvalidParameter', `service name [${name}] is invalid`) };
      for (const s of this.services.values()) this.tick(s, now);
      if (!this.services.has(name) && this.faults.createRaceLostFor?.includes(name)) {
        this.seedService(name, { labels: { 'managed-by': 'someone-else' } });
        return { status: this.error(res, 503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.'), service: name };
      }
      if (this.services.has(name)) return { status: this.error(res, 409, 'Conflict', `service [${name}] already exists`), service: name };
      const behavior = this.behaviorOf(name);
      const labels = query.get('Labels') ? (JSON.parse(query.get('Labels')!) as Record<string, string>) : {};
      const s: StoredService = {
        name,
        id: `eas-m-${randomUUID().replace(/-/g, '').slice(0, 12)}`,
        config,
        labels: { ...labels, ...((config.labels as Record<string, string>) ?? {}) },
        createdAt: now,
        visibleAt: now + (behavior.invisibleForMs ?? 0),
        phase: 'Creating',
        phaseUntil: now + (behavior.readyAfterMs ?? 300),
        deleting: false,
        token: `tok-${randomUUID().replace(/-/g, '')}`,
        events: [],
        currentVersion: 1,
        latestVersion: 1,
        staleUntil: 0,
        ...(behavior.failWith ? { failWith: behavior.failWith } : {}),
      };
      if (config.autoscaler) s.autoscaler = config.autoscaler as StoredService['autoscaler'];
      if (config.cronscaler) s.cronscaler = config.cronscaler as StoredService['cronscaler'];
      this.services.set(name, s);
      if (this.faults.loseCreateResponseFor?.includes(name)) return { status: 0, service: name, dropAfter: true };
      return { status: this.send(res, 200, { ServiceId: s.id, ServiceName: name, Status: 'Creating', Region: 'cn', InternetEndpoint: this.view(s, 'cn').InternetEndpoint }), service: name };
    }
    if (path === '/api/v2/services' && method === 'GET') {
      for (const s of [...this.services.values()]) this.tick(s, now);
      const label = query.get('Label') ? (JSON.parse(query.get('Label')!) as Record<string, string>) : {};
      const wanted = query.get('ServiceName');
      const all = [...this.services.values()]
        .filter((s) => now >= s.visibleAt && (!wanted || s.name === wanted) && Object.entries(label).every(([k, v]) => s.labels[k] === v))
        .sort((a, b) => a.name.localeCompare(b.name));
      const pageSize = Math.min(100, Number(query.get('PageSize') ?? 100));
      const pageNumber = Number(query.get('PageNumber') ?? 1);
      const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map((s) => {
        const { InternetEndpoint: _i, IntranetEndpoint: _v, AccessToken: _t, ...rest } = this.read(s, 'cn-hangzhou', now);
        void _i;
        void _v;
        void _t;
        return rest; // ListServices carries no endpoints or tokens
      });
      return { status: this.send(res, 200, { Services: page, TotalCount: all.length, PageNumber: pageNumber, PageSize: pageSize }) };
    }
    const group = /^\/api\/v2\/resources\/([^/]+)\/([^/]+)\/instances$/.exec(path);
    if (group && method === 'GET') {
      if (this.options.resourceGroupsUnlistable) return { status: this.error(res, 403, 'Forbidden.RAM', 'the user is not authorized to operate eas:ListResourceInstances') };
      const nodes = this.groupNodes(decodeURIComponent(group[2]!));
      if (!nodes) return { status: this.error(res, 404, 'InvalidResource.NotFound', `resource [${decodeURIComponent(group[2]!)}] not found`) };
      const Instances = nodes.map((n, i) => ({ InstanceName: `node-${i + 1}`, InstanceStatus: 'Ready', ResourceId: decodeURIComponent(group[2]!), InstanceCpuCount: n.cpu, InstanceUsedCpu: n.usedCpu, InstanceMemory: n.memoryText ?? `${n.memoryMb}M`, InstanceUsedMemory: `${n.usedMemoryMb}M`, InstanceGpuCount: n.gpu, InstanceUsedGpu: n.usedGpu }));
      if (this.options.resourceGroupsWithoutTotalCount) {
        const pageNumber = Number(query.get('PageNumber') ?? 1);
        const pageSize = Number(query.get('PageSize') ?? 100);
        return { status: this.send(res, 200, { Instances: Instances.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), PageNumber: pageNumber, PageSize: pageSize }) };
      }
      return { status: this.send(res, 200, { Instances, TotalCount: Instances.length, PageNumber: 1, PageSize: 100 }) };
    }
    const m = /^\/api\/v2\/services\/([^/]+)\/([^/]+)(\/(autoscaler|cronscaler|events|label|diagnosis))?$/.exec(path);
    if (!m) return { status: this.error(res, 404, 'InvalidAction.NotFound', `no API at ${method} ${path}`) };
    const cluster = decodeURIComponent(m[1]!);
    const name = decodeURIComponent(m[2]!);
    const sub = m[4];
    const s = this.services.get(name);
    if (s) this.tick(s, now);
    const live = this.services.get(name);
    if (!live || now < live.visibleAt) return { status: this.error(res, 404, 'InvalidService.NotFound', `service [${name}] in region [${cluster}] not found`), service: name };

    if (!sub) {
      if (method === 'GET') return { status: this.send(res, 200, this.read(live, cluster, now)), service: name };
      if (method === 'PUT') {
        if (live.deleting) return { status: this.error(res, 400, 'InvalidService.Status', `service [${name}] is being deleted`), service: name };
        const config = parseBody() as Record<string, unknown>;
        const replace = query.get('UpdateType') === 'replace';
        const blocked = this.surgeBlocked(replace ? config : { ...live.config, ...config });
        this.markWrite(live, now);
        live.config = replace ? config : { ...live.config, ...config };
        if (config.labels) live.labels = { ...live.labels, ...(config.labels as Record<string, string>) };
        // The update sets the instance count it carries; a new version is built and rolled out.
        if ((config.metadata as { instance?: number } | undefined)?.instance !== undefined) delete live.scaledTo;
        live.latestVersion += 1;
        live.currentVersion = live.latestVersion;
        delete live.runningSince;
        const behavior = this.behaviorOf(name);
        live.phase = 'Updating';
        live.phaseUntil = blocked ? Number.POSITIVE_INFINITY : now + (behavior.readyAfterMs ?? 300);
        if (blocked) live.events.push({ Message: JSON.stringify({ message: 'Insufficient resources for the surge instance' }), Reason: 'FailedScheduling', Time: eventTime(now), Type: 'Warning', Resource: 'Pod' });
        if (behavior.failWith) live.failWith = behavior.failWith;
        else delete live.failWith;
        return { status: this.send(res, 200, { Message: `Service [${name}] in region [${cluster}] is updating` }), service: name };
      }
      if (method === 'DELETE') {
        live.deleting = true;
        live.phaseUntil = now + Math.min(500, this.behaviorOf(name).readyAfterMs ?? 300);
        return { status: this.send(res, 200, { Message: `Service [${name}] in region [${cluster}] is terminating` }), service: name };
      }
    }
    if (sub === 'label' && method === 'PUT') {
      const b = parseBody() as { Labels?: Record<string, string> };
      live.labels = { ...live.labels, ...(b.Labels ?? {}) };
      return { status: this.send(res, 200, { Message: `Succeed to update service [${name}] labels.` }), service: name };
    }
    if (sub === 'label' && method === 'DELETE') {
      // DeleteServiceLabel: Keys, an array sent comma-joined (the TS SDK's "simple" style).
      const keys = (query.get('Keys') ?? '').split(',').filter(Boolean);
      if (keys.length === 0) return { status: this.error(res, 400, 'InvalidParameter', 'Keys is required'), service: name };
      for (const k of keys) delete live.labels[k];
      return { status: this.send(res, 200, { Message: `Succeed to delete service [${name}] labels.` }), service: name };
    }
    if (sub === 'events' && method === 'GET') {
      const type = query.get('EventType');
      // StartTime/EndTime in UTC "2006-01-02 15:04:05"; without StartTime the API returns the last 7 days.
      const since = query.get('StartTime') ?? eventTime(now - 7 * 86_400_000);
      const events = live.events.filter((e) => (!type || e.Type === type) && e.Time >= since);
      return { status: this.send(res, 200, { Events: events, PageNum: 1, TotalCount: events.length, TotalPageNum: 1 }), service: name };
    }
    if (sub === 'diagnosis' && method === 'GET') {
      const list = live.phase === 'Failed' ? (this.behaviorOf(name).diagnosis ?? []) : [];
      return { status: this.send(res, 200, { DiagnosisList: list }), service: name };
    }
    if (sub === 'autoscaler') {
      if (method === 'GET') {
        if (!live.autoscaler) return { status: this.error(res, 404, 'InvalidAutoScaler.NotFound', `autoscaler of service [${name}] not found`), service: name };
        // As documented (DescribeServiceAutoScaler, https://help.aliyun.com/document_detail/412104.htm): metric names
        // in upper case ("QPS", "CPU") and Behavior wrapped as { "behavior": { "scaleDown": {...} } }.
        const strategies = (live.autoscaler.scaleStrategies as Array<{ metricName: string; threshold: number }>).map((st) => ({ ...st, metricName: ['qps', 'cpu'].includes(st.metricName) ? st.metricName.toUpperCase() : st.metricName }));
        return { status: this.send(res, 200, { ServiceName: name, MinReplica: live.autoscaler.min, MaxReplica: live.autoscaler.max, ScaleStrategies: strategies, Behavior: { behavior: live.autoscaler.behavior ?? {} }, CurrentMetrics: [] }), service: name };
      }
      if (method === 'POST' || method === 'PUT') {
        const b = parseBody() as StoredService['autoscaler'] & Record<string, unknown>;
        if (!(b.max > 0) || b.min > b.max) return { status: this.error(res, 400, 'InvalidParameter', 'max must be greater than 0 and not less than min'), service: name };
        if (method === 'PUT' && !live.autoscaler) return { status: this.error(res, 404, 'InvalidAutoScaler.NotFound', 'autoscaler not found'), service: name };
        live.autoscaler = { min: b.min, max: b.max, scaleStrategies: b.scaleStrategies, ...(b.behavior ? { behavior: b.behavior } : {}) };
        return { status: this.send(res, 200, { Message: 'Succeed' }), service: name };
      }
      if (method === 'DELETE') {
        delete live.autoscaler;
        return { status: this.send(res, 200, { Message: 'Succeed' }), service: name };
      }
    }
    if (sub === 'cronscaler') {
      if (method === 'GET') return { status: this.send(res, 200, { ScaleJobs: live.cronscaler?.ScaleJobs ?? [], ExcludeDates: live.cronscaler?.ExcludeDates ?? [] }), service: name };
      if (method === 'POST' || method === 'PUT') {
        const b = parseBody() as StoredService['cronscaler'];
        for (const job of (b?.ScaleJobs ?? []) as Array<{ Schedule?: string }>) {
          if ((job.Schedule ?? '').trim().split(/\s+/).length !== 6) return { status: this.error(res, 400, 'InvalidParameter', `cron [${job.Schedule}] must have 6 fields`), service: name };
          const weekday = (job.Schedule ?? '').trim().split(/\s+/)[5] ?? '*';
          if (!/^([0-6]|SUN|MON|TUE|WED|THU|FRI|SAT|\*|[-,/?])*$/i.test(weekday.replace(/\/\d+/g, ''))) return { status: this.error(res, 400, 'InvalidParameter', `cron [${job.Schedule}]: the day of week takes 0-6 or SUN-SAT`), service: name };
        }
        live.cronscaler = b!;
        return { status: this.send(res, 200, { Message: 'Succeed' }), service: name };
      }
      if (method === 'DELETE') {
        delete live.cronscaler;
        return { status: this.send(res, 200, { Message: 'Succeed' }), service: name };
      }
    }
    return { status: this.error(res, 404, 'InvalidAction.NotFound', `no API at ${method} ${path}`), service: name };
  }
}
