import { describe, expect, it } from 'vitest';
import { formatCount, parseCount, parseDurationSeconds, parseSizeBytes, unitHint } from '../../lib/spec/units';

describe('units', () => {
  it('parses durations', () => {
    expect(parseDurationSeconds('50ms')).toBeCloseTo(0.05);
    expect(parseDurationSeconds('90s')).toBe(90);
    expect(parseDurationSeconds('15m')).toBe(900);
    expect(parseDurationSeconds('1h')).toBe(3600);
    expect(() => parseDurationSeconds('90')).toThrow();
  });
  it('parses binary sizes', () => {
    expect(parseSizeBytes('512Mi')).toBe(512 * 1024 ** 2);
    expect(parseSizeBytes('16Gi')).toBe(16 * 1024 ** 3);
    expect(() => parseSizeBytes('16GB')).toThrow();
  });
  it('parses parameter counts', () => {
    expect(parseCount('7.6B')).toBe(7_600_000_000);
    expect(parseCount('350M')).toBe(350_000_000);
    expect(parseCount(1234)).toBe(1234);
  });
  it('suggests the right spelling for common unit mistakes', () => {
    expect(unitHint('size', '16GB')).toBe('write 16Gi (binary units: Ki, Mi, Gi, Ti)');
    expect(unitHint('size', 16)).toContain('16Gi');
    expect(unitHint('duration', '90 seconds')).toBe('write 90s');
    expect(unitHint('duration', 300)).toBe('add a unit: 300s');
  });
});

describe('formatCount', () => {
  it("writes exactly what toLocaleString('en-US') writes", () => {
    const samples = [0, -0, 1, -1, 12, 999, 1000, -1000, 12345, 999999, 1000000, 123456789, -987654321, 2 ** 31, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1e21, 0.5, 1234.5678, -0.0004, NaN, Infinity, -Infinity];
    let seed = 7;
    for (let i = 0; i < 200; i++) {
      seed = (seed * 48271) % 2147483647; // a fixed pseudo-random sequence of every length up to 16 digits
      samples.push(Math.floor((seed / 2147483647) * 10 ** (1 + (i % 16))) * (i % 3 === 0 ? -1 : 1));
    }
    for (const n of samples) expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
