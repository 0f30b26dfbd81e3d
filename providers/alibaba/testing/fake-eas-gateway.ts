/**
 * The data plane of the fake PAI-EAS server: `/api/predict/<service>[/<path>]`, as the EAS gateway serves it.
 * - The caller sends the service's token in `Authorization` (raw token, no "Bearer"); a wrong or missing token
 *   answers 401 {"code":"Unauthorized","message":"Invalid token"} (aliyun/alibabacloud-aiops-skills,
 *   alibabacloud-pai-eas-service-diagnose error-codes.md).
 * - Right after a service turns Running the gateway does not route to it yet: 503 "no healthy upstream" (the case
 *   aliyun/pai-python-sdk v0.4.13 pai/predictor.py `_wait_for_gateway_ready` waits out), then it forwards.
 * - A service that is not Running answers 503 with an empty body; an unknown service an empty 404.
 * Kept apart from the control plane so that request handlers (e.g. an OpenAI-style echo) can grow here.
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
  readonly path: string;
  readonly status: number;
  readonly at: number;
}

export const PREDICT_PREFIX = '/api/predict/';

export function isPredictPath(path: string): boolean {
  return path.startsWith(PREDICT_PREFIX);
}

function reply(res: http.ServerResponse, status: number, body: string, type = 'application/json'): number {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
  return status;
}

/** A minimal answer per request path: OpenAI-style routes echo the model; anything else echoes the body size. */
function answer(service: string, subPath: string, body: Buffer): string {
  if (subPath.startsWith('/v1/')) return JSON.stringify({ object: 'fake', service, path: subPath, received: body.length });
  return JSON.stringify({ service, received: body.length });
}

export function handlePredict(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, lookup: (name: string) => GatewayService | undefined, now: number): GatewayCall {
  const path = (req.url ?? '/').split('?')[0]!;
  const rest = path.slice(PREDICT_PREFIX.length);
  const name = decodeURIComponent(rest.split('/')[0] ?? '');
  const subPath = rest.slice(name.length) || '/';
  const record = (status: number): GatewayCall => ({ service: name, path: subPath, status, at: now });
  const svc = lookup(name);
  if (!svc) return record(reply(res, 404, ''));
  if (req.headers.authorization !== svc.token) return record(reply(res, 401, JSON.stringify({ code: 'Unauthorized', message: 'Invalid token' })));
  if (svc.runningSince === undefined) return record(reply(res, 503, ''));
  if (now < svc.runningSince + svc.warmupMs) return record(reply(res, 503, 'no healthy upstream', 'text/plain'));
  return record(reply(res, 200, answer(name, subPath, body)));
}
