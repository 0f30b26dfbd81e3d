/**
 * `npm run bench`: every figure is measured against a baseline in the same run and printed as a ratio.
 *
 *  1. AWS synthesis (bench/aws-synth.ts): vs a same-output L1 app and direct JSON emission (1 to 1,000
 *     deployments), one deployment vs a bare CDK app, `npm start`, `--validate` vs a build of main.
 *  2. Alibaba synthesis of 1,000 deployments vs bare Node start-up.
 *  3. Parallel deploy-eas against the fake PAI-EAS server with realistic latencies and a rate limit
 *     (1, 20, 100 services): wall time vs the ideal and vs one service at a time; API calls per service.
 *  4. Start-up of deploy-eas (--help, --dry-run) vs `node -e 0`.
 *
 * Options: --quick (fewer sizes and runs), --write (update BENCHMARKS.md with the results; with --only, only the
 * sections measured are replaced), --only=startup,alibaba,deploy,aws,aws-bare,npm-start,aws-validate,aws-iam,
 * --main-dist=DIR (dist/ of a build of main, for the aws-validate section), --sizes=1,100,500 and --runs=N (the aws
 * section's deployment counts and interleaved runs per count).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeEasServer } from '../providers/alibaba/testing/fake-eas-server';
import { benchAwsSynthesis } from './aws-synth';
import { repeat, runNode, Sample } from './measure';
import { alibabaSpec } from './specs';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'bin', 'inferstack.js');
const DEPLOY_EAS = path.join(ROOT, 'dist', 'bin', 'deploy-eas.js');
const quick = process.argv.includes('--quick');
const write = process.argv.includes('--write');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const mainDist = process.argv.find((a) => a.startsWith('--main-dist='))?.slice('--main-dist='.length);
const sizes = process.argv.find((a) => a.startsWith('--sizes='))?.slice('--sizes='.length).split(',').map(Number);
const runs = process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length);

const KEY_ID = 'LTAI5tBenchKey0001';
const SECRET = 'bench-secret-4f1e9d2c';
const credentials = { ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET: SECRET, ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true', ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true', ALIBABA_CLOUD_CREDENTIALS_FILE: '/nonexistent' };

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-bench-'));
}

function writeSpec(text: string): string {
  const file = path.join(tmpdir(), 'spec.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const results: Record<string, unknown> = {};
const lines: string[] = [];
function report(line: string): void {
  lines.push(line);
  process.stdout.write(`${line}\n`);
}

async function nodeBaseline(runs: number): Promise<number> {
  return (await repeat(runs, () => runNode(['-e', '0']))).ms;
}

async function benchAlibabaSynth(): Promise<void> {
  report('## Alibaba synthesis of 1,000 deployments vs bare Node start-up');
  report('');
  const runs = quick ? 3 : 5;
  const spec = writeSpec(alibabaSpec(1000));
  const node = await nodeBaseline(runs);
  const ours = await repeat(runs, () => runNode([CLI, 'synth', spec, '--target', 'alibaba', '--out', tmpdir()]));
  const beyond = ours.ms - node;
  results.alibabaSynth = { deployments: 1000, nodeMs: node, oursMs: ours.ms, beyondNodeMs: beyond, oursMb: ours.maxRssMb };
  report(`| | ms |`);
  report(`|---|---|`);
  report(`| node -e 0 | ${node.toFixed(0)} |`);
  report(`| inferstack synth --target alibaba (1,000 deployments) | ${ours.ms.toFixed(0)} |`);
  report(`| work beyond Node start-up | ${beyond.toFixed(0)} (target < 1000; ${(beyond / 1000).toFixed(2)}x of the budget) |`);
  report('');
}

interface DeployRun {
  services: number;
  concurrency: number;
  wallMs: number;
  idealMs: number;
  callsPerService: number;
  throttled: number;
  /** CreateService calls beyond one per service (a second success, or a 409 on a name the run created). */
  duplicateCreates: number;
  ok: boolean;
}

/** The makespan of the rollouts in spec order on `workers` parallel slots (each slot takes the next when free). */
function idealSchedule(durations: number[], workers: number): number {
  const slots = new Array<number>(Math.max(1, Math.min(workers, durations.length))).fill(0);
  for (const d of durations) {
    const i = slots.indexOf(Math.min(...slots));
    slots[i]! += d;
  }
  return Math.max(...slots);
}

async function deployOnce(n: number, concurrency: number, pollMs: number, rateLimitPerSecond = 200): Promise<DeployRun> {
  // Realistic: tens of ms per call, services Running after 1-3 s (varied, seeded), a server-wide rate limit.
  let seed = 1234 + n;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const readyAfter = new Map<string, number>();
  const server = new FakeEasServer({
    keys: { [KEY_ID]: SECRET },
    behavior: (name) => {
      if (!readyAfter.has(name)) readyAfter.set(name, 1000 + Math.round(rand() * 2000));
      return { readyAfterMs: readyAfter.get(name)! };
    },
    faults: { latencyMs: () => 20 + Math.round(rand() * 40), ...(rateLimitPerSecond > 0 ? { rateLimitPerSecond } : {}) },
  });
  const url = await server.start();
  try {
    const spec = writeSpec(alibabaSpec(n, 'framework'));
    const started = process.hrtime.bigint();
    const r: Sample = await runNode([DEPLOY_EAS, spec, '--endpoint', url, '--yes', '--poll-interval', `${pollMs}ms`, '--concurrency', String(concurrency), '--output', 'json'], credentials);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.code !== 0) throw new Error(`deploy-eas failed (${r.code}): ${r.stderr.slice(0, 1000)}`);
    const idealMs = idealSchedule([...readyAfter.values()].map((ms) => ms + pollMs), concurrency);
    const created = server.calls.filter((c) => c.action === 'CreateService' && c.status === 200).map((c) => c.service);
    const duplicateCreates = created.length - new Set(created).size + server.calls.filter((c) => c.action === 'CreateService' && c.status === 409).length;
    return { services: n, concurrency, wallMs, idealMs, callsPerService: server.calls.length / n, throttled: server.calls.filter((c) => c.status === 400).length, duplicateCreates, ok: r.code === 0 };
  } finally {
    await server.stop();
  }
}

async function benchDeploy(): Promise<void> {
  report('## Parallel deploy-eas against the fake PAI-EAS server (20-60 ms per call, Running after 1-3 s, 200 req/s limit, 500 ms polling)');
  report('');
  report('| services | parallel wall ms | ideal ms | vs ideal | one-at-a-time ms | speed-up | API calls/service | throttled answers | ok |');
  report('|---|---|---|---|---|---|---|---|---|');
  const pollMs = 500;
  const rows: unknown[] = [];
  for (const n of quick ? [1, 20] : [1, 20, 100]) {
    const parallel = await deployOnce(n, Math.min(n, 100), pollMs);
    const sequential = n <= 20 ? await deployOnce(n, 1, pollMs) : undefined;
    const row = { ...parallel, vsIdeal: parallel.wallMs / parallel.idealMs, sequentialMs: sequential?.wallMs, speedUp: sequential ? sequential.wallMs / parallel.wallMs : undefined };
    rows.push(row);
    report(`| ${n} | ${parallel.wallMs.toFixed(0)} | ${parallel.idealMs.toFixed(0)} | ${row.vsIdeal.toFixed(2)}x | ${sequential ? sequential.wallMs.toFixed(0) : 'not run (~4 min)'} | ${row.speedUp ? `${row.speedUp.toFixed(1)}x` : '-'} | ${parallel.callsPerService.toFixed(1)} | ${parallel.throttled} | ${parallel.ok} |`);
  }
  results.deploy = rows;
  report('');
}

/** 500 services at --concurrency 256 (issue 14): wall time vs the ideal schedule, and no duplicate create. */
async function benchDeployScale(): Promise<void> {
  report('## deploy-eas at scale: 500 services, --concurrency 256, against the fake PAI-EAS server (20-60 ms per call, Running after 1-3 s, 500 ms polling)');
  report('');
  report('The ideal schedule runs each rollout (its Running time + one polling interval) on 256 slots and ignores API costs;');
  report('with a server rate limit, the API floor is the calls made divided by the limit.');
  report('');
  report('| server rate limit | wall ms | ideal schedule ms | vs ideal | API floor ms | API calls/service | throttled answers | duplicate creates | ok |');
  report('|---|---|---|---|---|---|---|---|---|');
  const rows: unknown[] = [];
  for (const limit of [0, 200]) {
    const r = await deployOnce(500, 256, 500, limit);
    const floor = limit > 0 ? (r.callsPerService * r.services * 1000) / limit : 0;
    report(`| ${limit > 0 ? `${limit} req/s` : 'none'} | ${r.wallMs.toFixed(0)} | ${r.idealMs.toFixed(0)} | ${(r.wallMs / r.idealMs).toFixed(2)}x | ${limit > 0 ? floor.toFixed(0) : '-'} | ${r.callsPerService.toFixed(1)} | ${r.throttled} | ${r.duplicateCreates} | ${r.ok} |`);
    rows.push({ ...r, rateLimitPerSecond: limit, vsIdeal: r.wallMs / r.idealMs, apiFloorMs: floor });
  }
  results.deployScale = rows;
  report('');
}

async function benchStartup(): Promise<void> {
  report('## deploy-eas start-up vs `node -e 0` (median of 10)');
  report('');
  const runs = 10;
  const node = await nodeBaseline(runs);
  const help = await repeat(runs, () => runNode([DEPLOY_EAS, '--help']));
  const server = new FakeEasServer({ keys: { [KEY_ID]: SECRET } });
  const url = await server.start();
  let dry;
  try {
    dry = await repeat(runs, () => runNode([DEPLOY_EAS, path.join(ROOT, 'examples', 'eas-qwen-vllm.yaml'), '--endpoint', url, '--dry-run', '--output', 'json'], credentials));
  } finally {
    await server.stop();
  }
  const cdkLoaded = (await runNode(['-e', `require(${JSON.stringify(DEPLOY_EAS)}); setTimeout(()=>{ if (Object.keys(require.cache).some(k => k.includes('aws-cdk-lib'))) process.exit(9) }, 10)`, '--', '--help'])).code;
  results.startup = { nodeMs: node, helpMs: help.ms, dryRunMs: dry.ms, helpOverMs: help.ms - node, dryRunOverMs: dry.ms - node, loadsAwsCdkLib: cdkLoaded === 9 };
  report('| | ms | beyond node -e 0 |');
  report('|---|---|---|');
  report(`| node -e 0 | ${node.toFixed(0)} | |`);
  report(`| deploy-eas --help | ${help.ms.toFixed(0)} | ${(help.ms - node).toFixed(0)} (target < 150) |`);
  report(`| deploy-eas --dry-run (compile + plan against the fake server) | ${dry.ms.toFixed(0)} | ${(dry.ms - node).toFixed(0)} (target < 150) |`);
  report('');
  report(`deploy-eas loads aws-cdk-lib: ${cdkLoaded === 9 ? 'yes' : 'no'}`);
  report('');
}

function machine(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  return `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, nproc ${os.availableParallelism()}, ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average at the start ${load}`;
}

/** `## ` sections of a Markdown document, by heading (the text before the first one under ''). */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let heading = '';
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) heading = line;
    out.set(heading, `${out.get(heading) ?? ''}${line}\n`);
  }
  return out;
}

/** Replaces the measured sections of BENCHMARKS.md (all of it without --only) and keeps the others. */
function writeBenchmarks(): void {
  const file = path.join(ROOT, 'BENCHMARKS.md');
  const header = fs.readFileSync(path.join(ROOT, 'bench', 'BENCHMARKS.header.md'), 'utf8');
  const fresh = sections(`${lines.join('\n')}\n`);
  if (!only || !fs.existsSync(file)) {
    fs.writeFileSync(file, `${header}\n${lines.join('\n')}\n`);
    return;
  }
  const kept = sections(fs.readFileSync(file, 'utf8'));
  for (const [heading, text] of fresh) if (heading) kept.set(heading, text);
  fs.writeFileSync(file, [...kept.values()].join('').replace(/\n*$/, '\n'));
}

async function main(): Promise<void> {
  report(`# inferstack benchmarks (${machine()})`);
  report('');
  const run = (name: string) => !only || only.split(',').includes(name);
  if (run('startup')) await benchStartup();
  if (run('alibaba')) await benchAlibabaSynth();
  if (run('deploy')) await benchDeploy();
  if (run('deploy-scale')) await benchDeployScale();
  Object.assign(results, await benchAwsSynthesis({ quick, report, machine: machine(), ...(mainDist ? { mainDist } : {}), ...(sizes ? { sizes } : {}), ...(runs ? { runs: Number(runs) } : {}) }, run));
  const resultsFile = path.join(ROOT, 'bench', 'results.json');
  const previous = only && fs.existsSync(resultsFile) ? (JSON.parse(fs.readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  fs.writeFileSync(resultsFile, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
  if (write) writeBenchmarks();
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
  process.exitCode = 1;
});
