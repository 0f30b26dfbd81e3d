/**
 * Hostile servers: every response body is limited on the wire, error bodies included (the SDK reads those itself,
 * so the limit sits under it: providers/alibaba/response-limit.ts).
 */
import { describe, expect, it } from 'vitest';
import { deployEas, FAST, spec, specFile, withFake } from './harness';

const MiB = 2 ** 20;

describe('response bodies are limited, errors included', () => {
  it('a 50 MiB HTTP 500 error body is cut off at the limit: a clear error, no retry, no stack trace', async () => {
    await withFake({ faults: { hugeBody: { status: 500, bytes: 50 * MiB } } }, async (server, url) => {
      const r = await deployEas([specFile(spec('hb-a')), '--endpoint', url, ...FAST, '--timeout', '20s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error response (HTTP 500) is larger than 8 MiB');
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
      // What the client took: the 8 MiB limit plus what loopback socket buffers hold, far from the 50 MiB sent
      // by a client that reads the whole body (each retry of a 500 would read it again).
      expect(server.calls).toHaveLength(1);
      expect(server.hugeBodyBytesSent).toBeLessThan(30 * MiB);
    });
  }, 60_000);

  it('an endless chunked error body ends the call at the limit, not at the deadline', async () => {
    await withFake({ faults: { hugeBody: { status: 503 } } }, async (server, url) => {
      const r = await deployEas([specFile(spec('hb-b')), '--endpoint', url, ...FAST, '--timeout', '20s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('error response (HTTP 503) is larger than 8 MiB');
      expect(r.stderr).not.toContain('took longer than');
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
      expect(server.hugeBodyBytesSent).toBeLessThan(30 * MiB);
    });
  }, 60_000);

  // A control: successful bodies were limited before (readJsonCapped); this one holds the same on the socket.
  it('an endless successful body is cut off the same way', async () => {
    await withFake({ faults: { hugeBody: { status: 200 } } }, async (server, url) => {
      const r = await deployEas([specFile(spec('hb-c')), '--endpoint', url, ...FAST, '--timeout', '20s']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/response is larger than 8 MiB/);
      expect(server.hugeBodyBytesSent).toBeLessThan(30 * MiB);
    });
  }, 60_000);
});
