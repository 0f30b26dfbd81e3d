/**
 * How deploy-eas talks to a server it does not trust to behave: retry classification and full-jitter backoff,
 * client-side pacing, a deadline for every exchange, a size limit for response bodies, and server text made safe
 * for a terminal.
 */

export interface RetryPolicy {
  /** @default unbounded: retries end at the client's deadline */
  readonly maxAttempts?: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 10_000 };

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

/**
 * Client-side pacing shared by every call of a client. The rate is a number of calls per interval, enforced over
 * any interval (a sliding window) and spread by a token bucket; callers are served first come, first served, with
 * one timer for the caller at the head of the queue rather than one per caller. When the API throttles, the rate
 * falls to a little below what the server accepted (answered with any status but a throttle) during the last
 * interval (to half the current rate when it accepted nothing then), and the sliding window holds further
 * calls until the calls already sent in that interval age out, instead of sending the rest of the interval into a
 * limit that is already used up. It grows back by a tenth per interval without throttling (per interval, not per
 * call), so a large rollout does not climb back within a few calls and burst past the limit, and a low limit is
 * not overshot by a fixed step many times its size. It starts at its highest rate: a throttled answer costs one
 * retry, and the first one tells the server's rate.
 */
export class Pacer {
  private tokens: number;
  private last: number;
  private lastChange: number;
  private lastThrottle = Number.NEGATIVE_INFINITY;
  /** Send times, and accepted answer times (any HTTP status but a throttle), during the last interval, oldest first. */
  private sent: number[] = [];
  private accepted: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private rate = 400,
    private readonly burst = 100,
    private readonly minRate = 2,
    private readonly maxRate = 400,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = 1000,
  ) {
    this.tokens = burst;
    this.last = now();
    this.lastChange = this.last;
  }

  /** Resolves when the caller may send: callers go in the order they asked. */
  take(sleepFn: (ms: number) => Promise<void>): Promise<void> {
    const turn = this.queue.then(() => this.nextSlot(sleepFn));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async nextSlot(sleepFn: (ms: number) => Promise<void>): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
      this.last = t;
      this.sent = within(this.sent, t - this.intervalMs);
      const cap = Math.max(1, Math.floor((this.rate * this.intervalMs) / 1000));
      if (this.tokens >= 1 && this.sent.length < cap) {
        this.tokens -= 1;
        this.sent.push(t);
        return;
      }
      const bucketWait = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
      const windowWait = this.sent.length < cap ? 0 : this.sent[this.sent.length - cap]! + this.intervalMs + 1 - t;
      await sleepFn(Math.max(1, bucketWait, windowWait));
    }
  }

  /** Lowers the rate once per interval: a burst of throttled answers to one burst of calls is one signal. */
  throttled(): void {
    const t = this.now();
    if (t - this.lastThrottle < this.intervalMs) return;
    this.accepted = within(this.accepted, t - this.intervalMs);
    const acceptedRate = (this.accepted.length * 1000) / this.intervalMs;
    // What the server accepted tells its limit; with nothing accepted in the interval (a throttle right after a
    // quiet spell) there is no such figure, and the rate is halved instead of dropping to the minimum, from which
    // it would take many intervals, at a tenth per interval, to climb back.
    const target = this.accepted.length > 0 ? 0.9 * acceptedRate : this.rate / 2;
    this.rate = Math.max(this.minRate, Math.min(this.rate, target));
    this.tokens = Math.min(this.tokens, 1);
    this.lastThrottle = t;
    this.lastChange = t;
  }

  /**
   * Records how a call ended (`error` undefined: it succeeded). A throttle lowers the rate. Any other answer that
   * carries an HTTP status (a success, a 404 from DescribeService while planning, a 409) is a call the server
   * accepted and processed, and counts as such; a network failure without a status tells nothing about the limit.
   */
  observe(error?: { readonly statusCode: number | undefined; readonly throttled: boolean }): void {
    if (!error) this.succeeded();
    else if (error.throttled) this.throttled();
    else if (error.statusCode !== undefined) this.succeeded();
  }

  /** An accepted answer; grows the rate by a tenth once a full interval has passed without throttling or growth. */
  succeeded(): void {
    const t = this.now();
    this.accepted.push(t);
    if (this.accepted.length > 2 * this.maxRate) this.accepted = within(this.accepted, t - this.intervalMs);
    if (t - this.lastChange < this.intervalMs) return;
    this.rate = Math.min(this.maxRate, this.rate + Math.max(this.minRate, this.rate / 10));
    this.lastChange = t;
  }

  get currentRate(): number {
    return this.rate;
  }
}

/** The times (oldest first) after `from`. */
function within(times: number[], from: number): number[] {
  let drop = 0;
  while (drop < times.length && times[drop]! <= from) drop++;
  return drop === 0 ? times : times.slice(drop);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Reads a JSON response body, refusing one larger than `max` bytes (a broken or hostile server). */
export async function readJsonCapped<T>(body: NodeJS.ReadableStream | undefined, max: number, action: string): Promise<T> {
  if (!body) return {} as T;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      (body as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw Object.assign(new Error(`the ${action} response is larger than ${Math.round(max / 2 ** 20)} MiB`), { code: 'ResponseTooLarge' });
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw Object.assign(new Error(`the ${action} response is not JSON`), { code: 'InvalidResponse' });
  }
}

/** Rejects with a network-style timeout when `promise` has not settled within `ms` (a slow-drip server). */
export function withDeadline<T>(promise: Promise<T>, ms: number, action: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${action} took longer than ${Math.round(ms / 1000)}s`), { code: 'ReadTimeout' })), ms);
    timer.unref();
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Server text is shown on a terminal: no control sequences (ESC, CSI, OSC, C0/C1 controls), bounded length. */
export function cleanServerText(text: string, secrets: readonly string[] = [], max = 500): string {
  let out = text
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?|\u001b[@-_]/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/(x-acs-security-token|securitytoken|accesskeysecret|access_key_secret|signature)(["']?\s*[:=]\s*["']?)[^"'\s,&}]+/gi, '$1$2****');
  for (const secret of secrets) out = out.split(secret).join('****');
  return out.length > max ? `${out.slice(0, max)}...` : out;
}

