/** Unit grammar shared by the JSON Schema patterns and the parsers, so the two cannot drift apart. */

export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$';
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti)$';
export const COUNT_PATTERN = '^[0-9]+(\\.[0-9]+)?[KMBT]$';

const DURATION_FACTORS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const SIZE_FACTORS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
const COUNT_FACTORS: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };

/** Seconds in a duration such as `90s`, `15m`, `1h`, `50ms`. */
export function parseDurationSeconds(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * DURATION_FACTORS[m[2]!]!;
}

/** Bytes in a size such as `512Mi`, `16Gi`. */
export function parseSizeBytes(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti)$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Math.round(Number(m[1]) * SIZE_FACTORS[m[2]!]!);
}

/** A parameter count such as `7.6B`, `350M`, or a plain number. */
export function parseCount(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = /^([0-9]+(?:\.[0-9]+)?)([KMBT])$/.exec(value);
  if (!m) throw new Error(`not a count: ${value}`);
  return Math.round(Number(m[1]) * COUNT_FACTORS[m[2]!]!);
}

/** A hint for the most common unit mistakes (`16GB`, `16G`, `90sec`, `2 hours`). */
export function unitHint(kind: 'duration' | 'size' | 'count', found: unknown): string {
  const text = typeof found === 'string' ? found.trim() : String(found);
  if (kind === 'size') {
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*([KMGT])i?B?$/i.exec(text);
    if (m) return `write ${m[1]}${m[2]!.toUpperCase()}i (binary units: Ki, Mi, Gi, Ti)`;
    if (typeof found === 'number') return `add a unit: ${found}Gi or ${found}Mi`;
    return 'write a size such as 512Mi or 16Gi';
  }
  if (kind === 'duration') {
    const m = /^([0-9]+(?:\.[0-9]+)?)\s*(milliseconds?|msec|seconds?|secs?|minutes?|mins?|hours?|hrs?)$/i.exec(text);
    if (m) {
      const unit = m[2]!.toLowerCase();
      const short = unit.startsWith('ms') || unit.startsWith('milli') ? 'ms' : unit.startsWith('s') ? 's' : unit.startsWith('m') ? 'm' : 'h';
      return `write ${m[1]}${short}`;
    }
    if (typeof found === 'number') return `add a unit: ${found}s`;
    return 'write a duration such as 50ms, 90s, 15m or 1h';
  }
  const words: Record<string, string> = { thousand: 'K', million: 'M', billion: 'B', trillion: 'T' };
  const w = /^([0-9]+(?:\.[0-9]+)?)\s*(thousand|million|billion|trillion)$/i.exec(text);
  if (w) return `write ${w[1]}${words[w[2]!.toLowerCase()]}`;
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmbt])$/i.exec(text);
  if (m) return `write ${m[1]}${m[2]!.toUpperCase()}`;
  return 'write a count such as 7.6B or 350M, or a plain number';
}

/**
 * A number with en-US digit grouping (12,345), exactly as `n.toLocaleString('en-US')` writes it. Safe integers are
 * grouped here: the first toLocaleString of a process initializes ICU's number formatting (about 11 ms of CPU), and
 * sizing words a result for every deployment. Anything else goes to toLocaleString.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let grouped = '';
  for (let i = 0; i < digits.length; i++) grouped += (i > 0 && (digits.length - i) % 3 === 0 ? ',' : '') + digits[i];
  return n < 0 ? `-${grouped}` : grouped;
}

export function formatBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  if (gib >= 1) return `${gib.toFixed(gib >= 100 ? 0 : 1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

export function formatDuration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  return `${seconds}s`;
}
