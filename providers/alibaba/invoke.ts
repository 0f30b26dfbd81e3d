/**
 * `inferstack invoke` on PAI-EAS: DescribeService gives the service endpoint and its access token; the request goes
 * to the endpoint with `Authorization: <token>` (the raw token, no scheme: "Call a service over a public endpoint",
 * https://www.alibabacloud.com/help/en/pai/user-guide/call-a-service-over-a-public-endpoint, which also says http
 * may be replaced by https — done here for every non-loopback endpoint, so the token never crosses a network in
 * clear; VPC endpoints are called as DescribeService gives them). Right after a deployment the gateway answers 503 ("no healthy upstream") for a while; those answers are
 * retried with backoff. The token is never printed, logged or put into an error.
 *
 * Asynchronous services (`metadata.type: "Async"`) are called through their queue service, as pai-python-sdk's
 * AsyncPredictor does (aliyun/pai-python-sdk v0.4.13 pai/predictor.py, checked 2026-11-25) and the "Access queue
 * service" page describes (https://www.alibabacloud.com/help/en/pai/user-guide/access-queue-service):
 * - POST the request to the endpoint (the input queue); a 2xx answer carries the request id in the header
 *   `X-Eas-Queueservice-Request-Id` (`_QUEUE_SERVICE_REQUEST_ID_HEADER`), the body only the queue index.
 * - GET `<endpoint>/sink?requestId=<id>&_raw_=false` (the output queue, `_QUEUE_SERVICE_SINK_PATH`; `_get_result`):
 *   204 = no result yet (poll again, every 5 s by default as `WaitConfig.interval`); 2xx = a JSON list whose first
 *   entry has the result base64-encoded in `data` and, when the service did not answer 200, its status in
 *   `tags.lastCode` (`_parse_encapsulated_response`).
 * The SDK waits forever by default; here the wait ends at --timeout. A sink GET answered 5xx or failed on the network
 * is polled again (it is idempotent), and when less than one interval is left the poll runs once more at the deadline.
 * A body that stalls past the deadline or a connection closed mid-body is a failed outcome, never a throw.
 */
import type { InvokeCallOptions, InvokeOutcome, InvokeProvider, InvokeRequest } from '../../lib/commands/invoke';
import { defaultAnswerWaitMs, excerptOf, INVOKE_WAIT, StreamText } from '../../lib/commands/invoke';
import type { DeploymentIR } from '../../lib/ir';
import { EasApiError } from './eas-client';
import { apiErrorText, EasAccess } from './status';

export interface EasInvokeOptions {
  /** Attempts while the gateway answers 503. @default 6 */
  readonly gatewayAttempts?: number;
  /** First backoff delay; doubles per attempt. @default 1000 */
  readonly gatewayDelayMs?: number;
  /** Per-request timeout (a call's `timeoutMs` wins). @default 120000 (900000 for a streamed answer, which may run long) */
  readonly timeoutMs?: number;
  /** How long to wait for an asynchronous service's result (a call's `timeoutMs` wins). @default 900000 */
  readonly asyncTimeoutMs?: number;
  /** How often the output queue is asked for the result (a call's `pollIntervalMs` wins). @default 5000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** pai-python-sdk v0.4.13 pai/predictor.py `_QUEUE_SERVICE_REQUEST_ID_HEADER`. */
export const QUEUE_REQUEST_ID_HEADER = 'X-Eas-Queueservice-Request-Id';
/** pai-python-sdk v0.4.13 pai/predictor.py `_QUEUE_SERVICE_SINK_PATH`: the output queue under the endpoint. */
export const QUEUE_SINK_PATH = '/sink';

interface Called {
  readonly base: { readonly deployment: string; readonly target: 'alibaba' };
  readonly url: string;
  readonly endpoint: string;
  readonly internet: boolean;
  readonly token?: string;
  readonly started: number;
}

/**
 * Whether the service is asynchronous: its ServiceConfig's `metadata.type` (what AsyncPredictor._check reads), so
 * what runs decides; the spec's mode only when DescribeService gives no readable ServiceConfig.
 */
export function isAsyncService(serviceConfig: string | undefined, specMode: string): boolean {
  try {
    const type = (JSON.parse(serviceConfig ?? '') as { metadata?: { type?: unknown } }).metadata?.type;
    return type === 'Async';
  } catch {
    return specMode === 'async';
  }
}

const LOOPBACK = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

/** The URL to call: a public (internet) endpoint over https:// unless it is loopback; a VPC endpoint as given. */
export function serviceUrl(endpoint: string, path: string, internet = true): string {
  const base = !internet || LOOPBACK.test(endpoint) ? endpoint : endpoint.replace(/^http:\/\//i, 'https://');
  return `${base.replace(/\/$/, '')}${path}`;
}

export class EasInvokeProvider implements InvokeProvider {
  constructor(
    private readonly access: EasAccess,
    private readonly options: EasInvokeOptions = {},
  ) {}

  async invoke(ir: DeploymentIR, request: InvokeRequest, opts: InvokeCallOptions): Promise<InvokeOutcome> {
    const base = { deployment: ir.name, target: 'alibaba' as const };
    const service = ir.alibaba!.serviceName;
    let endpoint: string | undefined;
    let token: string | undefined;
    let internet = true;
    let asyncService = false;
    try {
      const svc = await (await this.access.client(ir.alibaba!.region)).describeService(service);
      endpoint = ir.publicEndpoint ? (svc.InternetEndpoint ?? svc.IntranetEndpoint) : (svc.IntranetEndpoint ?? svc.InternetEndpoint);
      internet = endpoint === svc.InternetEndpoint;
      token = svc.AccessToken;
      asyncService = isAsyncService(svc.ServiceConfig, ir.mode);
    } catch (err) {
      const notFound = err instanceof EasApiError && err.notFound;
      return { ...base, ok: false, error: notFound ? `service ${service} does not exist: deploy it with deploy-eas` : apiErrorText(err) };
    }
    if (!endpoint) return { ...base, ok: false, error: `service ${service} has no endpoint yet (is it still being created?)` };
    const called: Called = { base, url: serviceUrl(endpoint, request.path, internet), endpoint, internet, ...(token ? { token } : {}), started: performance.now() };
    if (asyncService && request.stream) return { ...base, ok: false, error: `service ${service} is asynchronous: its result is read back whole from the output queue, not streamed; drop --stream` };
    const deadline = Date.now() + (opts.timeoutMs ?? (asyncService ? (this.options.asyncTimeoutMs ?? INVOKE_WAIT.longMs) : (this.options.timeoutMs ?? defaultAnswerWaitMs(request.stream))));
    const sent = await this.post(called, request, deadline);
    if ('outcome' in sent) return sent.outcome;
    const { response } = sent;
    if (asyncService && response.ok) return this.awaitQueuedResult(called, request, response, deadline, opts);
    const read = await readBody(() => (request.stream && response.ok && response.body ? readStream(response.body, opts.onText) : response.text()), deadline);
    const latencyMs = Math.round(performance.now() - called.started);
    if ('failure' in read) return { ...base, ok: false, httpStatus: response.status, latencyMs, error: `HTTP ${response.status}, then ${read.failure}` };
    const { text } = read;
    if (!response.ok) return this.failed(called, response.status, text, latencyMs);
    return { ...base, ok: true, httpStatus: response.status, latencyMs, excerpt: request.stream ? excerptOf('raw', text) : excerptOf(request.kind, text), output: text };
  }

  /** POSTs the request, waiting out the gateway's 503 window; a failed exchange is an outcome. */
  private async post(called: Called, request: InvokeRequest, deadline: number): Promise<{ response: Response } | { outcome: InvokeOutcome }> {
    const sleep = this.sleeper();
    const attempts = this.options.gatewayAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(called.url, {
          method: 'POST',
          headers: { 'content-type': request.contentType, accept: request.stream ? 'text/event-stream' : 'application/json', ...(called.token ? { authorization: called.token } : {}) },
          body: request.body,
          signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
        });
      } catch (err) {
        return { outcome: { ...called.base, ok: false, error: `POST ${called.url} failed: ${causeOf(err)}` } };
      }
      if (response.status === 503 && attempt < attempts) {
        await response.arrayBuffer().catch(() => undefined);
        await sleep((this.options.gatewayDelayMs ?? 1000) * 2 ** (attempt - 1));
        continue;
      }
      if (response.status === 503) {
        const read = await readBody(() => response.text(), deadline);
        const text = 'text' in read ? read.text : `(${read.failure})`;
        return { outcome: this.failed(called, 503, text, Math.round(performance.now() - called.started), ` (the gateway was still not routing to the service after ${attempts} attempts)`) };
      }
      return { response };
    }
  }

  /** The input queue took the request: poll the output queue (sink) for its result until the deadline. */
  private async awaitQueuedResult(called: Called, request: InvokeRequest, queued: Response, deadline: number, opts: InvokeCallOptions): Promise<InvokeOutcome> {
    const { base } = called;
    await queued.arrayBuffer().catch(() => undefined);
    const requestId = queued.headers.get(QUEUE_REQUEST_ID_HEADER);
    if (!requestId) return { ...base, ok: false, httpStatus: queued.status, error: `the input queue answered HTTP ${queued.status} without the ${QUEUE_REQUEST_ID_HEADER} header, so the result cannot be looked up` };
    const query = new URLSearchParams({ requestId, _raw_: 'false' });
    const sinkUrl = serviceUrl(called.endpoint, `${QUEUE_SINK_PATH}?${query.toString()}`, called.internet);
    const where = `the output queue (${QUEUE_SINK_PATH}, request ${requestId})`;
    const sleep = this.sleeper();
    const interval = opts.pollIntervalMs ?? this.options.pollIntervalMs ?? INVOKE_WAIT.pollIntervalMs;
    // The GET is idempotent: a 5xx or a network failure is retried until the deadline, not the end of a long wait.
    let lastProblem = '';
    for (;;) {
      const polled = await pollOnce(sinkUrl, called.token, deadline);
      const latencyMs = Math.round(performance.now() - called.started);
      const transient = 'failure' in polled || polled.status === 204 || polled.status >= 500;
      if (transient) {
        lastProblem = 'failure' in polled ? polled.failure : polled.status === 204 ? '' : `HTTP ${polled.status}: ${excerptOf('raw', this.redacted(called, polled.text), 200)}`;
        const remaining = deadline - Date.now();
        if (remaining <= 0) return { ...base, ok: false, latencyMs, error: `no result in ${where} before the timeout; it may still arrive${lastProblem ? ` (last poll: ${lastProblem})` : ''}` };
        // Less than one interval left: wait out what remains and poll once more rather than give up early.
        await sleep(Math.min(interval, remaining));
        continue;
      }
      const { response, text } = polled;
      if (!response.ok) return this.failed(called, response.status, text, latencyMs, ` (reading ${where})`);
      const result = decodeSinkEntry(text);
      if ('error' in result) return { ...base, ok: false, httpStatus: response.status, latencyMs, error: `${where}: ${result.error}` };
      const location = `${QUEUE_SINK_PATH}?requestId=${requestId}`;
      if (result.status < 200 || result.status >= 300) return { ...this.failed(called, result.status, result.body, latencyMs, ' (the service\'s answer, from the output queue)'), outputLocation: location };
      return { ...base, ok: true, httpStatus: result.status, latencyMs, excerpt: excerptOf(request.kind, result.body), output: result.body, outputLocation: location };
    }
  }

  private redacted(called: Called, text: string): string {
    return called.token ? text.split(called.token).join('<token>') : text;
  }

  private failed(called: Called, status: number, text: string, latencyMs: number, why?: string): InvokeOutcome {
    const hint = why ?? (status === 401 || status === 403 ? ' (the gateway rejected the service token)' : '');
    const shown = this.redacted(called, text);
    return { ...called.base, ok: false, httpStatus: status, latencyMs, error: `HTTP ${status}${hint}: ${excerptOf('raw', shown, 200)}` };
  }

  private sleeper(): (ms: number) => Promise<void> {
    return this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  }
}

/**
 * The last poll runs at the deadline; it still gets this long to answer. Node's fetch (undici) aborts the body read
 * too when the request's AbortSignal fires, so a poll with ~0 ms left could never succeed.
 */
const LAST_POLL_GRACE_MS = 2000;

/** One GET of the output queue, body included; a failed exchange or body read is a `failure`, never a throw. */
async function pollOnce(sinkUrl: string, token: string | undefined, deadline: number): Promise<{ response: Response; status: number; text: string } | { failure: string }> {
  const signal = AbortSignal.timeout(Math.max(LAST_POLL_GRACE_MS, deadline - Date.now()));
  let response: Response;
  try {
    response = await fetch(sinkUrl, { method: 'GET', headers: token ? { authorization: token } : {}, signal });
  } catch (err) {
    return { failure: isTimeout(err) ? 'no answer before the timeout' : `GET ${QUEUE_SINK_PATH} failed: ${causeOf(err)}` };
  }
  const read = await readBody(() => response.text(), Number.POSITIVE_INFINITY);
  return 'failure' in read ? read : { response, status: response.status, text: read.text };
}

/**
 * Reads a body whose request carries an AbortSignal.timeout: the signal also aborts the body read (undici), and a
 * connection can close mid-body (undici's `TypeError: terminated`). Either is a failure to report, not a throw.
 */
async function readBody(read: () => Promise<string>, deadline: number): Promise<{ text: string } | { failure: string }> {
  try {
    return { text: await read() };
  } catch (err) {
    return { failure: isTimeout(err) || Date.now() >= deadline ? 'no answer before the timeout' : `the connection was closed while reading the answer (${causeOf(err)})` };
  }
}

function isTimeout(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

function causeOf(err: unknown): string {
  return (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
}

/** The first entry of a sink answer (`_raw_=false`): base64 `data`, and `tags.lastCode` when the service did not answer 200. */
export function decodeSinkEntry(text: string): { status: number; body: string } | { error: string } {
  let entry: { data?: unknown; tags?: { lastCode?: unknown } } | undefined;
  try {
    entry = (JSON.parse(text) as unknown[])[0] as typeof entry;
  } catch {
    return { error: 'the answer is not the JSON list the queue service returns' };
  }
  if (!entry || typeof entry.data !== 'string') return { error: 'the answer has no base64 "data" entry' };
  const status = entry.tags?.lastCode === undefined ? 200 : Number(entry.tags.lastCode);
  if (!Number.isInteger(status)) return { error: `tags.lastCode is not a status code: ${String(entry.tags?.lastCode)}` };
  return { status, body: Buffer.from(entry.data, 'base64').toString('utf8') };
}

/** Reads a streamed answer, handing each piece of generated text to `onText`; returns the whole text. */
async function readStream(body: ReadableStream<Uint8Array>, onText?: (text: string) => void): Promise<string> {
  const decoder = new TextDecoder();
  const parser = new StreamText();
  let text = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    const delta = parser.push(decoder.decode(chunk, { stream: true }));
    if (delta) {
      text += delta;
      onText?.(delta);
    }
  }
  const rest = parser.flush();
  if (rest) {
    text += rest;
    onText?.(rest);
  }
  return text;
}
