/**
 * The one fake PAI-EAS gateway (data plane) of the test suite: `/api/predict/<service>[/<path>]`, served by the fake
 * control plane on its own port (fake-eas-server.ts), so that DescribeService's endpoint reaches it. As the gateway
 * behaves (aliyun/pai-python-sdk v0.4.13 pai/predictor.py, checked 2026-11-25):
 * - The caller sends the service's token as `Authorization: <token>`, no "Bearer" (predictor.py `headers["Authorization"]
 *   = self.access_token`); a wrong or missing token answers 401 {"code":"Unauthorized","message":"Invalid token"}
 *   (aliyun/alibabacloud-aiops-skills, alibabacloud-pai-eas-service-diagnose error-codes.md).
 * - An unknown service answers an empty 404; a service that is not Running an empty 503; right after it turns Running
 *   the gateway answers 503 "no healthy upstream" for a while: the two answers `_wait_for_gateway_ready` waits out.
 * - Then it forwards: here an OpenAI-compatible chat route (JSON, or server-sent events with `stream`), a TEI-style
 *   `/embed`, and an echo of the body on any other path.
 * - An asynchronous service (`metadata.type: "Async"`) is its queue service (pai/predictor.py AsyncPredictor, and
 *   https://www.alibabacloud.com/help/en/pai/user-guide/access-queue-service): a POST puts the request into the
 *   input queue and answers 200 with the request id in `X-Eas-Queueservice-Request-Id` and the queue index as the
 *   body; the service's answer then lands in the output queue, read with GET `/sink?requestId=<id>`: 204 while it
 *   is not there (for `queueDelay` polls here), then a JSON list of one entry with the answer base64-encoded in
 *   `data` and, when the service did not answer 200, its status in `tags.lastCode`. The queue's other operations
 *   (GET with `_attrs_`, `_index_`, `requestId` on the input queue) are not modelled: they answer 405 here.
 * Faults for tests: an answer whose body stalls after the headers or whose connection is reset mid-body
 * (`bodyFault`), and sink polls that answer a 5xx or are reset (`sinkFaults`).
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';

export interface GatewayService {
  readonly name: string;
  readonly token: string;
  /** Running, and since when (epoch ms); undefined while not Running. */
  readonly runningSince?: number;
  /** How long after Running the gateway keeps answering 503 (default 0). */
  readonly warmupMs: number;
  /** An asynchronous inference service (ServiceConfig `metadata.type: "Async"`): requests go through its queue. */
  readonly async?: boolean;
}

interface QueuedResult {
  readonly index: number;
  readonly status: number;
  readonly payload: string;
  /** Sink polls still answered 204 before the result is in the output queue. */
  pollsLeft: number;
}

export interface GatewayCall {
  readonly service: string;
  /** What follows `/api/predict/<service>` ("" for the service root). */
  readonly path: string;
  readonly status: number;
  readonly method: string;
  /** The query string ("" when none). */
  readonly query: string;
  readonly at: number;
  readonly body: string;
  /** The request carried the token the gateway accepts. */
  readonly authorized: boolean;
}

export const PREDICT_PREFIX = '/api/predict/';

export function isPredictPath(path: string): boolean {
  return path.startsWith(PREDICT_PREFIX);
}

export interface FakeGatewayOptions {
  /** The text the chat route generates. @default "OK" */
  readonly reply?: string;
}

export class FakeEasGateway {
  readonly calls: GatewayCall[] = [];
  /** Per service, a token the gateway accepts instead of the service's own (to test a rejected token). */
  readonly tokenOverride = new Map<string, string>();
  /** Per service, how many more requests answer 503 "no healthy upstream" (a warm-up window counted in requests). */
  readonly unavailable = new Map<string, number>();
  /** Per asynchronous service, how many sink polls answer 204 before a queued request's result is there. @default 1 */
  readonly queueDelay = new Map<string, number>();
  /** Per asynchronous service, the status its inference sub-service answers with (default: the route's own). */
  readonly queueAnswerStatus = new Map<string, number>();
  /** Per service, every answer except sink polls sends its headers and half its body, then stalls or resets the connection. */
  readonly bodyFault = new Map<string, 'stall' | 'reset'>();
  /** Per asynchronous service, what the next sink polls get instead of the queue's answer: a status, or a reset mid-body. */
  readonly sinkFaults = new Map<string, Array<number | 'reset'>>();
  private readonly queued = new Map<string, QueuedResult>();
  private nextIndex = 1;

  constructor(
    private readonly lookup: (name: string) => GatewayService | undefined,
    private readonly options: FakeGatewayOptions = {},
  ) {}

  handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, now = Date.now()): GatewayCall {
    const [pathPart, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    const rest = pathPart.slice(PREDICT_PREFIX.length);
    const service = decodeURIComponent(rest.split('/')[0] ?? '');
    const path = rest.slice(service.length);
    const body = raw.toString('utf8');
    const svc = this.lookup(service);
    const token = this.tokenOverride.get(service) ?? svc?.token;
    const authorized = !!token && req.headers.authorization === token;
    const sinkPoll = req.method === 'GET' && path === '/sink';
    const sinkFault = sinkPoll ? this.sinkFaults.get(service)?.shift() : undefined;
    const fault = sinkFault === 'reset' ? 'reset' : sinkPoll ? undefined : this.bodyFault.get(service);
    const reply = (status: number, payload: string, type = 'application/json', headers: Record<string, string> = {}): GatewayCall => {
      const length = Buffer.byteLength(payload);
      res.writeHead(status, { 'content-type': type, 'content-length': fault ? Math.max(2, length) : length, ...headers });
      if (!fault) res.end(payload);
      else {
        // Headers and half the body, then nothing (stall) or a closed connection (reset).
        res.write(payload.slice(0, Math.max(1, Math.floor(payload.length / 2))) || ' ', () => {
          if (fault === 'reset') res.socket?.destroy();
        });
      }
      const call = { service, path, status, method: req.method ?? 'GET', query, at: now, body, authorized };
      this.calls.push(call);
      return call;
    };
    if (!svc) return reply(404, '');
    if (svc.runningSince === undefined) return reply(503, '');
    const left = this.unavailable.get(service) ?? 0;
    if (left > 0 || now < svc.runningSince + svc.warmupMs) {
      if (left > 0) this.unavailable.set(service, left - 1);
      return reply(503, 'no healthy upstream', 'text/plain');
    }
    if (!authorized) return reply(401, JSON.stringify({ code: 'Unauthorized', message: 'Invalid token' }));
    if (sinkFault !== undefined) return reply(sinkFault === 'reset' ? 200 : sinkFault, JSON.stringify({ error: `injected fault ${sinkFault}` }));
    if (svc.async) return this.queue(service, req.method ?? 'GET', path, query, body, reply);
    const answer = this.forward(path, body);
    return reply(answer.status, answer.payload, answer.type);
  }

  /** An asynchronous service's queue: POST enqueues (the answer is computed at once), GET /sink reads it back. */
  private queue(service: string, method: string, path: string, query: string, body: string, reply: (status: number, payload: string, type?: string, headers?: Record<string, string>) => GatewayCall): GatewayCall {
    if (method === 'GET' && path === '/sink') {
      const requestId = new URLSearchParams(query).get('requestId') ?? '';
      const entry = this.queued.get(requestId);
      if (!entry || entry.pollsLeft > 0) {
        if (entry) entry.pollsLeft--;
        return reply(204, '');
      }
      const tags = entry.status === 200 ? {} : { lastCode: String(entry.status) };
      return reply(200, JSON.stringify([{ data: Buffer.from(entry.payload, 'utf8').toString('base64'), tags }]));
    }
    if (method !== 'POST') return reply(405, JSON.stringify({ error: `${method} ${path} is not a queue operation of this fake` }));
    const answer = this.forward(path, body);
    const requestId = randomUUID();
    const index = this.nextIndex++;
    this.queued.set(requestId, { index, status: this.queueAnswerStatus.get(service) ?? answer.status, payload: answer.payload, pollsLeft: this.queueDelay.get(service) ?? 1 });
    return reply(200, String(index), 'text/plain', { 'X-Eas-Queueservice-Request-Id': requestId });
  }

  private forward(path: string, body: string): { status: number; payload: string; type: string } {
    const json = (status: number, doc: unknown) => ({ status, payload: JSON.stringify(doc), type: 'application/json' });
    if (path === '/embed') return json(200, [[0.1, 0.2, 0.3, 0.4]]);
    if (path !== '/v1/chat/completions') return { status: 200, payload: body, type: 'application/octet-stream' };
    let request: { stream?: boolean; model?: string; messages?: unknown[] };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return json(400, { error: 'invalid JSON' });
    }
    if (!Array.isArray(request.messages)) return json(400, { error: 'messages is required' });
    const text = this.options.reply ?? 'OK';
    if (!request.stream) {
      return json(200, { object: 'chat.completion', model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] });
    }
    const events = text.split(/(?<= )/).map((w) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: request.model, choices: [{ index: 0, delta: { content: w } }] })}\n\n`);
    return { status: 200, payload: `${events.join('')}data: [DONE]\n\n`, type: 'text/event-stream' };
  }
}
