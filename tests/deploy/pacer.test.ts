import { describe, expect, it } from 'vitest';
import { backoffDelay, EasApiError, isRetryable, Pacer } from '../../providers/alibaba/eas-client';

describe('retry classification and pacing', () => {
  it('retries throttling, ServiceUnavailable, 5xx and network errors; never client errors', () => {
    expect(isRetryable(400, 'Throttling.User')).toBe(true);
    expect(isRetryable(400, 'Rejected.Throttling')).toBe(true);
    expect(isRetryable(503, 'ServiceUnavailable')).toBe(true);
    expect(isRetryable(500, 'InternalError')).toBe(true);
    expect(isRetryable(undefined, 'ECONNRESET', 'socket hang up')).toBe(true);
    expect(isRetryable(400, 'SignatureDoesNotMatch')).toBe(false);
    expect(isRetryable(404, 'InvalidService.NotFound')).toBe(false);
    expect(isRetryable(409, 'Conflict')).toBe(false);
  });
  it('backs off exponentially with full jitter, capped', () => {
    const policy = { baseDelayMs: 500, maxDelayMs: 20_000 };
    expect(backoffDelay(1, policy, () => 1)).toBe(500);
    expect(backoffDelay(3, policy, () => 1)).toBe(2000);
    expect(backoffDelay(10, policy, () => 1)).toBe(20_000);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1000);
  });
  it('falls to what the server accepted when throttled and recovers per interval, not per call', async () => {
    let t = 0;
    const pacer = new Pacer(100, 2, 2, 400, () => t, 1000);
    const sleep = async (ms: number) => {
      t += ms;
    };
    await pacer.take(sleep);
    await pacer.take(sleep);
    const before = t;
    await pacer.take(sleep); // the bucket is empty: wait one token at 100/s
    expect(t - before).toBe(10);
    for (let i = 0; i < 60; i++) pacer.succeeded(); // the server accepted 60 calls in this interval
    t += 500;
    pacer.throttled();
    expect(pacer.currentRate).toBe(54); // a little below what was accepted, not half of 100
    pacer.throttled(); // the same burst of throttled answers: one signal per interval
    expect(pacer.currentRate).toBe(54);
    for (let i = 0; i < 300; i++) pacer.succeeded(); // many successes within one interval do not climb back
    expect(pacer.currentRate).toBe(54);
    t += 1000;
    pacer.succeeded();
    expect(pacer.currentRate).toBeCloseTo(59.4); // a tenth more per interval, not a fixed step
  });
  it('counts processed error answers (404, 409) as accepted, a network failure not; a throttle with nothing accepted halves the rate', () => {
    let t = 0;
    const pacer = new Pacer(100, 2, 2, 400, () => t, 1000);
    // 20 successes and 40 answers the server processed but refused (DescribeService 404 while planning, a 409).
    for (let i = 0; i < 20; i++) pacer.observe();
    for (let i = 0; i < 30; i++) pacer.observe(new EasApiError('DescribeService', 404, 'InvalidService.NotFound', 'not found', undefined, false));
    for (let i = 0; i < 10; i++) pacer.observe(new EasApiError('CreateService', 409, 'Conflict', 'exists', undefined, false));
    for (let i = 0; i < 30; i++) pacer.observe(new EasApiError('DescribeService', undefined, 'ECONNRESET', 'socket hang up', undefined, true));
    t += 500;
    pacer.observe(new EasApiError('DescribeService', 400, 'Throttling.User', 'flow control', undefined, true));
    expect(pacer.currentRate).toBe(54); // 0.9 of the 60 answers with a status; counting successes only gave 18

    // A throttle after a quiet spell, nothing accepted in the interval: half the current rate, not the minimum of 2.
    t += 5000;
    pacer.observe(new EasApiError('DescribeService', 400, 'Throttling.User', 'flow control', undefined, true));
    expect(pacer.currentRate).toBe(27);
  });
});
