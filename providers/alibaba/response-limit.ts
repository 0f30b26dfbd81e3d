/**
 * A byte limit on every HTTP response the PAI-EAS SDK receives, success or error.
 *
 * @alicloud/openapi-client reads a 4xx/5xx body in full (tea-util `readAsJSON`) before it throws, and its HTTP layer
 * (@alicloud/tea-typescript 1.8 `doAction` -> httpx 2.3 `request`) takes no agent, socket or response hook from the
 * caller. So the limit sits under it: Node's `http.client.request.start` diagnostics channel
 * (https://nodejs.org/api/diagnostics_channel.html#http) hands over each ClientRequest as it is created, and a call
 * made inside `withResponseLimit` (an AsyncLocalStorage context, so only our calls, never another library's) counts
 * the bytes its socket receives. Past the limit the response and its socket are destroyed with a ResponseTooLarge
 * error, which the SDK's reader rejects with: at most the limit plus one socket chunk is ever held.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface ResponseLimit {
  /** Bytes a response (status line, headers and body) may take on the wire. */
  readonly maxBytes: number;
  /** The API action, named in the error. */
  readonly action: string;
}

const current = new AsyncLocalStorage<ResponseLimit>();
let subscribed = false;

export function responseTooLarge(action: string, maxBytes: number, statusCode?: number): Error {
  const what = statusCode !== undefined && statusCode >= 400 ? `error response (HTTP ${statusCode})` : 'response';
  return Object.assign(new Error(`the ${action} ${what} is larger than ${Math.round(maxBytes / 2 ** 20)} MiB`), { code: 'ResponseTooLarge' });
}

/** Runs `call`; every HTTP response received on its behalf is cut off past `limit.maxBytes`. */
export function withResponseLimit<T>(limit: ResponseLimit, call: () => Promise<T>): Promise<T> {
  if (!subscribed) {
    diagnosticsChannel.subscribe('http.client.request.start', onRequestStart);
    subscribed = true;
  }
  return current.run(limit, call);
}

function onRequestStart(message: unknown): void {
  const limit = current.getStore();
  if (limit) limitRequest((message as { request: ClientRequest }).request, limit);
}

function limitRequest(request: ClientRequest, limit: ResponseLimit): void {
  let response: IncomingMessage | undefined;
  request.once('response', (r: IncomingMessage) => (response = r));
  const watch = (socket: Socket): void => {
    let received = 0;
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= limit.maxBytes) return;
      stop();
      const error = responseTooLarge(limit.action, limit.maxBytes, response?.statusCode);
      // The reader of the response rejects with the error; before a response, the request's sender does. The
      // socket goes first, so that the error reaches the reader alone (httpx rewrites the request's error message).
      if (response) {
        socket.destroy();
        // Backpressure holds the socket while nobody reads, so a reader is there; never crash if one is not.
        if (response.listenerCount('error') === 0) response.once('error', () => undefined);
        response.destroy(error);
      } else {
        request.destroy(error);
      }
    };
    // A keep-alive socket serves the next request too: count only while this one is in flight.
    const stop = (): void => void socket.off('data', count);
    socket.on('data', count);
    request.once('close', stop);
  };
  // The channel publishes when the request has been sent, by when it usually has its socket already.
  if (request.socket) watch(request.socket);
  else request.once('socket', watch);
}
