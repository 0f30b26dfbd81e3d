/**
 * `inferstack invoke` on PAI-EAS: DescribeService gives the service endpoint and its access token; the request goes
 * to the endpoint with `Authorization: <token>` (the raw token, no scheme: "Call a service over a public endpoint",
 * https://www.alibabacloud.com/help/en/pai/user-guide/call-a-service-over-a-public-endpoint, which also says http
 * may be replaced by https — done here for every non-loopback endpoint, so the token never crosses a network in
 * clear; VPC endpoints are called as DescribeService gives them). Right after a deployment the gateway answers 503 ("no healthy upstream") for a while; those answers are
 * retried with backoff. The token is never printed, logged or put into an error.
 */
import type { InvokeOutcome, InvokeProvider, InvokeRequest } from '../../lib/commands/invoke';
import { excerptOf, StreamText } from '../../lib/commands/invoke';
import type { DeploymentIR } from '../../lib/ir';
import { EasApiError } from './eas-client';
import { apiErrorText, EasAccess } from './status';

export interface EasInvokeOptions {
  /** Attempts while the gateway answers 503. @default 6 */
  readonly gatewayAttempts?: number;
  /** First backoff delay; doubles per attempt. @default 1000 */
  readonly gatewayDelayMs?: number;
  /** Per-request timeout. @default 120000 */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
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

  async invoke(ir: DeploymentIR, request: InvokeRequest, opts: { readonly onText?: (text: string) => void }): Promise<InvokeOutcome> {
    const base = { deployment: ir.name, target: 'alibaba' as const };
    const service = ir.alibaba!.serviceName;
    let endpoint: string | undefined;
    let token: string | undefined;
    let internet = true;
    try {
      const svc = await (await this.access.client(ir.alibaba!.region)).describeService(service);
      endpoint = ir.publicEndpoint ? (svc.InternetEndpoint ?? svc.IntranetEndpoint) : (svc.IntranetEndpoint ?? svc.InternetEndpoint);
      internet = endpoint === svc.InternetEndpoint;
      token = svc.AccessToken;
    } catch (err) {
      const notFound = err instanceof EasApiError && err.notFound;
      return { ...base, ok: false, error: notFound ? `service ${service} does not exist: deploy it with deploy-eas` : apiErrorText(err) };
    }
    if (!endpoint) return { ...base, ok: false, error: `service ${service} has no endpoint yet (is it still being created?)` };
    const url = serviceUrl(endpoint, request.path, internet);
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const attempts = this.options.gatewayAttempts ?? 6;
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': request.contentType, accept: request.stream ? 'text/event-stream' : 'application/json', ...(token ? { authorization: token } : {}) },
          body: request.body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
        });
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
        return { ...base, ok: false, error: `POST ${url} failed: ${cause}` };
      }
      const gatewayNotReady = response.status === 503;
      if (gatewayNotReady && attempt < attempts) {
        await response.arrayBuffer().catch(() => undefined);
        await sleep((this.options.gatewayDelayMs ?? 1000) * 2 ** (attempt - 1));
        continue;
      }
      const text = request.stream && response.ok && response.body ? await readStream(response.body, opts.onText) : await response.text();
      const latencyMs = Math.round(performance.now() - started);
      if (!response.ok) {
        const hint = response.status === 401 || response.status === 403 ? ' (the gateway rejected the service token)' : gatewayNotReady ? ` (the gateway was still not routing to the service after ${attempts} attempts)` : '';
        return { ...base, ok: false, httpStatus: response.status, latencyMs, error: `HTTP ${response.status}${hint}: ${excerptOf('raw', token ? text.split(token).join('<token>') : text, 200)}` };
      }
      return { ...base, ok: true, httpStatus: response.status, latencyMs, excerpt: request.stream ? excerptOf('raw', text) : excerptOf(request.kind, text), output: text };
    }
  }
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
