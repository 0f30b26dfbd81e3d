/**
 * A fake PAI-EAS gateway data plane for tests, on 127.0.0.1 only: `/api/predict/<service>[/<path>]` with the access
 * token check (`Authorization: <token>`, 401 `{"code":"Unauthorized","message":"Invalid token"}` otherwise), a
 * window of 503 "no healthy upstream" answers per service (as right after a deployment), an OpenAI-compatible chat
 * route (JSON or server-sent events), a TEI-style /embed route, and an echo for any other path. Give its URL to the
 * fake control plane (`FakeEasOptions.serviceEndpoint`) so DescribeService returns it as the service endpoint.
 */
import * as http from 'node:http';
import { LoopbackServer } from './loopback-server';

export interface FakePredictOptions {
  /** The token a service accepts (the control plane's AccessToken); undefined = unknown service (404). */
  readonly tokenFor: (service: string) => string | undefined;
  /** How many requests to a service get 503 before it is routed. @default 0 */
  readonly unavailableFirst?: (service: string) => number;
  /** The text the chat route generates. @default "OK" */
  readonly reply?: string;
}

export class FakeEasPredict extends LoopbackServer {
  readonly requests: Array<{ service: string; path: string; status: number; body: string; authorized: boolean }> = [];
  private readonly seen = new Map<string, number>();

  constructor(private readonly options: FakePredictOptions) {
    super();
  }

  protected respond(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const body = raw.toString('utf8');
    const m = /^\/api\/predict\/([^/?]+)(\/[^?]*)?/.exec(req.url ?? '');
    const service = m ? decodeURIComponent(m[1]!) : '';
    const path = m?.[2] ?? '';
    const expected = this.options.tokenFor(service);
    const authorized = !!expected && req.headers.authorization === expected;
    const reply = (status: number, payload: string, type = 'application/json') => {
      this.requests.push({ service, path, status, body, authorized });
      res.writeHead(status, { 'content-type': type });
      res.end(payload);
    };
    if (!m || expected === undefined) return reply(404, '');
    const count = (this.seen.get(service) ?? 0) + 1;
    this.seen.set(service, count);
    if (count <= (this.options.unavailableFirst?.(service) ?? 0)) return reply(503, 'no healthy upstream', 'text/plain');
    if (!authorized) return reply(401, JSON.stringify({ code: 'Unauthorized', message: 'Invalid token' }));
    const text = this.options.reply ?? 'OK';
    if (path === '/v1/chat/completions') {
      let request: { stream?: boolean; model?: string; messages?: unknown[] };
      try {
        request = JSON.parse(body) as typeof request;
      } catch {
        return reply(400, JSON.stringify({ error: 'invalid JSON' }));
      }
      if (!Array.isArray(request.messages)) return reply(400, JSON.stringify({ error: 'messages is required' }));
      if (request.stream) {
        const words = text.split(/(?<= )/);
        const events = words.map((w) => `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: request.model, choices: [{ index: 0, delta: { content: w } }] })}\n\n`);
        return reply(200, `${events.join('')}data: [DONE]\n\n`, 'text/event-stream');
      }
      return reply(200, JSON.stringify({ object: 'chat.completion', model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }));
    }
    if (path === '/embed') return reply(200, JSON.stringify([[0.1, 0.2, 0.3, 0.4]]));
    return reply(200, body, 'application/octet-stream');
  }
}
