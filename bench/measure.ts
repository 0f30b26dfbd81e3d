/** Runs a command in a fresh Node process and measures its wall time and peak memory (max RSS). */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface Sample {
  readonly ms: number;
  readonly maxRssMb: number;
  /** CPU time of the process (user + system), which other load on the machine disturbs less than wall time. */
  readonly cpuMs: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const REPORTER = path.join(__dirname, 'rss-reporter.js');

export function runNode(args: string[], env: NodeJS.ProcessEnv = {}, cwd = path.resolve(__dirname, '..', '..')): Promise<Sample> {
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')), 'rss');
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['--require', REPORTER, ...args], { cwd, env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const usage = fs.existsSync(rssFile) ? (JSON.parse(fs.readFileSync(rssFile, 'utf8')) as { maxRssKb: number; cpuMicros: number }) : { maxRssKb: NaN, cpuMicros: NaN };
      fs.rmSync(path.dirname(rssFile), { recursive: true, force: true });
      resolve({ ms, maxRssMb: usage.maxRssKb / 1024, cpuMs: usage.cpuMicros / 1000, code, stdout, stderr });
    });
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median and range of a list of numbers (for ratios taken pair by pair). */
export function spread(xs: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

export async function repeat(n: number, fn: () => Promise<Sample>): Promise<{ ms: number; maxRssMb: number; samples: Sample[] }> {
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    const s = await fn();
    if (s.code !== 0) throw new Error(`benchmark command failed (${s.code}): ${s.stderr.slice(0, 2000)}`);
    samples.push(s);
  }
  return { ms: median(samples.map((s) => s.ms)), maxRssMb: median(samples.map((s) => s.maxRssMb)), samples };
}
