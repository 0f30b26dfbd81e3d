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
 */
import type * as http from 'node:http';

export interface GatewayService {
  readonly name: string;
  readonly token: string;
  /** Running, and since when (epoch ms); undefined while not Running. */
  readonly runningSince?: number;
  /** How long after Running the gateway keeps answering 503 (default 0). */
  readonly warmupMs: number;
}

export interface GatewayCall {
  readonly service: string;
  /** What follows `/api/predict/<service>` ("" for the service root). */
  readonly path: string;
  readonly status: number;
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

  constructor(
    private readonly lookup: (name: string) => GatewayService | undefined,
    private readonly options: FakeGatewayOptions = {},
  ) {}

  handle(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer, now = Date.now()): GatewayCall {
    const rest = (req.url ?? '/').split('?')[0]!.slice(PREDICT_PREFIX.length);
    const service = decodeURIComponent(rest.split('/')[0] ?? '');
    const path = rest.slice(service.length);
    const body = raw.toString('utf8');
    const svc = this.lookup(service);
    const token = this.tokenOverride.get(service) ?? svc?.token;
    const authorized = !!token && req.headers.authorization === token;
    const reply = (status: number, payload: string, type = 'application/json'): GatewayCall => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
      const call = { service, path, status, at: now, body, authorized };
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
    return this.forward(path, body, reply);
  }

  private forward(path: string, body: string, reply: (status: number, payload: string, type?: string) => GatewayCall): GatewayCall {
    if (path === '/embed') return reply(200, JSON.stringify([[0.1, 0.2, 0.3, 0.4]]));
    if (path !== '/v1/chat/completions') return reply(200, body, 'application/octet-stream');
    let request: { stream?: boolean; model?: string; messages?: unknown[] };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return reply(400, JSON.stringify({ error: 'invalid JSON' }));
    }
    if (!Array.isArray(request.messages)) return reply(400, JSON.stringify({ error: 'messages is required' }));
    const text = this.options.reply ?? 'OK';
    if (!request.stream) {
      return reply(200, JSON.stringify({ object: 'chat.completion', model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }));
    }
    const events = text.split(/(?<= )/).map((w) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: request.model, choices: [{ index: 0, delta: { content: w } }] })}\n\n`);
    return reply(200, `${events.join('')}data: [DONE]\n\n`, 'text/event-stream');
  }
}
