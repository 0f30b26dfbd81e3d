/**
 * Gateway readiness after Running. The PAI-EAS gateway may route to a service only some time after the service
 * reports Running; until then it answers 503 ("no healthy upstream" or an empty body) or an empty 404. The PAI
 * Python SDK waits the same way (aliyun/pai-python-sdk v0.4.13, pai/predictor.py `_wait_for_gateway_ready`:
 * GET the endpoint with the token, up to 60 attempts 2 s apart; three request errors end the wait with a warning;
 * checked 2026-11-25).
 */

export interface ProbeOptions {
  /** Attempts before giving up with a warning. @default 60 */
  readonly attempts?: number;
  /** @default 2000 */
  readonly intervalMs?: number;
  /** Epoch ms after which no attempt is started. */
  readonly deadline: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export type ProbeResult = { readonly ready: true; readonly attempts: number } | { readonly ready: false; readonly warning: string };

/** Bytes of a probe answer read at most: enough to tell an empty body from "no healthy upstream". */
const MAX_PROBE_BODY = 4096;
const REQUEST_ERRORS_ALLOWED = 3;

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  let text = '';
  const decoder = new TextDecoder();
  while (text.length < MAX_PROBE_BODY) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text.slice(0, MAX_PROBE_BODY);
}

/** The answers that mean "the gateway does not route to the service yet". */
export function gatewayNotReady(status: number, body: string): boolean {
  return (status === 503 && (body.trim() === '' || /no healthy upstream/i.test(body))) || (status === 404 && body.trim() === '');
}

export async function probeGateway(endpoint: string, token: string | undefined, o: ProbeOptions): Promise<ProbeResult> {
  const attempts = o.attempts ?? 60;
  const doFetch = o.fetch ?? fetch;
  let errors = 0;
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const remaining = o.deadline - o.now();
    if (remaining <= 0) break;
    try {
      const res = await doFetch(endpoint, { method: 'GET', headers: token ? { Authorization: token } : {}, redirect: 'manual', signal: AbortSignal.timeout(Math.min(10_000, remaining)) });
      const body = await readCapped(res);
      if (!gatewayNotReady(res.status, body)) return { ready: true, attempts: attempt };
    } catch (err) {
      lastError = (err as Error).name === 'TimeoutError' ? 'timed out' : ((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
      if (++errors >= REQUEST_ERRORS_ALLOWED) return { ready: false, warning: `could not reach ${endpoint} to check the gateway (${lastError}); the service is Running` };
    }
    await o.sleep(Math.min(o.intervalMs ?? 2000, Math.max(0, o.deadline - o.now())));
  }
  return { ready: false, warning: `the gateway still answered "not ready" (503 or an empty 404) for ${endpoint}; it may take a little longer` };
}
