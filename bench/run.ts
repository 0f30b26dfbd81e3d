/**
 * `npm run bench`: every figure is measured against a baseline in the same run and printed as a ratio.
 *
 *  1. AWS synthesis (bench/aws-synth.ts): vs a same-output L1 app and direct JSON emission (1 to 1,000
 *     deployments), one deployment vs a bare CDK app, `npm start`, `--validate` vs a build of main.
 *  2. Alibaba synthesis of 1,000 deployments vs bare Node start-up.
 *  3. Parallel deploy-eas against the fake PAI-EAS server with realistic latencies and a rate limit
 *     (1, 20, 100 services), and 500 services at --concurrency 256 with and without a rate limit: wall time vs the
 *     ideal schedule (median and range of several runs), where the time goes (phases from the fake server's
 *     timestamps), API calls per service, throttled answers, duplicate creates.
 *  4. Start-up of deploy-eas (--help, --dry-run) vs `node -e 0`.
 *
 * Options: --quick (fewer sizes and runs), --write (update BENCHMARKS.md with the results; with --only, only the
 * sections measured are replaced), --only=startup,alibaba,deploy,aws,aws-bare,npm-start,aws-validate,aws-iam,
 * --main-dist=DIR (dist/ of a build of main, for the aws-validate section, and run interleaved with this build in
 * deploy-scale), --sizes=1,100,500 (the aws section's deployment counts), --runs=N (interleaved runs per count in the
 * aws section; runs per deploy configuration, default 5, in the deploy sections, which report the median and the
 * range), --scale-limits=0,200 (server rate limits of deploy-scale, req/s; 0 = none).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeEasServer } from '../providers/alibaba/testing/fake-eas-server';
import { benchAwsSynthesis } from './aws-synth';
import { median, repeat, runNode, Sample, spread } from './measure';
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
/** Server rate limits of deploy-scale, req/s (0 = none). @default 0,200 */
const scaleLimits = (process.argv.find((a) => a.startsWith('--scale-limits='))?.slice('--scale-limits='.length) ?? '0,200').split(',').map(Number);
/** Runs per deploy configuration (deploy, deploy-scale). @default 5 (1 with --quick) */
const deployRunCount = Number(runs ?? (quick ? 1 : 5));

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
  /** CPU time (user + system) of the deploy-eas process. */
  cpuMs: number;
  callsPerService: number;
  throttled: number;
  /** CreateService calls beyond one per service (a second success, or a 409 on a name the run created). */
  duplicateCreates: number;
  phases: DeployPhases;
  ok: boolean;
}

/**
 * Where the wall time goes, from the fake server's own timestamps (each call is recorded when it is answered):
 * - startup: from spawning deploy-eas to its first API answer (Node start-up, compile, credentials, first call);
 * - plan: first API answer to the first CreateService answer (the plan's reads);
 * - firstWave: first to last CreateService answer of the first `concurrency` services (client pacing shows here);
 * - detect: per rollout, from Running on the server to the answer of the read that confirmed it (median);
 * - probe: per rollout, from that read to the gateway probe's answer (median);
 * - handoff: per later rollout, from the rollout whose slot it took finishing to its CreateService answer (median);
 * - tail: last rollout finished to deploy-eas exiting (writing the result).
 */
interface DeployPhases {
  startupMs: number;
  planMs: number;
  firstWaveMs: number;
  detectMs: number;
  probeMs: number;
  handoffMs: number;
  tailMs: number;
}

/** A number in [0, 1) from a string (FNV-1a). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 2 ** 32;
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

function phasesOf(server: FakeEasServer, startedAt: number, endedAt: number, concurrency: number, readyAfter: ReadonlyMap<string, number>): DeployPhases {
  const created = new Map<string, number>();
  for (const c of server.calls) if (c.action === 'CreateService' && c.status === 200 && c.service && !created.has(c.service)) created.set(c.service, c.at);
  const confirmed = new Map<string, number>();
  for (const c of server.calls) if (c.action === 'DescribeService' && c.status === 200 && c.service) confirmed.set(c.service, c.at);
  const probed = new Map<string, number>();
  for (const g of server.gatewayCalls) probed.set(g.service, g.at);
  const services = [...created.keys()];
  const finished = (s: string) => probed.get(s) ?? confirmed.get(s) ?? created.get(s)!;
  const createTimes = services.map((s) => created.get(s)!).sort((a, b) => a - b);
  const finishTimes = services.map(finished).sort((a, b) => a - b);
  const firstCall = Math.min(...server.calls.map((c) => c.at));
  const handoffs = createTimes.slice(concurrency).map((t, i) => t - finishTimes[i]!);
  const ready = (s: string) => server.services.get(s)!.createdAt + readyAfter.get(s)!;
  return {
    startupMs: firstCall - startedAt,
    planMs: createTimes[0]! - firstCall,
    firstWaveMs: createTimes[Math.min(concurrency, createTimes.length) - 1]! - createTimes[0]!,
    detectMs: median(services.filter((s) => confirmed.has(s)).map((s) => confirmed.get(s)! - ready(s))),
    probeMs: median(services.filter((s) => probed.has(s) && confirmed.has(s)).map((s) => probed.get(s)! - confirmed.get(s)!)),
    handoffMs: handoffs.length > 0 ? median(handoffs) : 0,
    tailMs: endedAt - finishTimes[finishTimes.length - 1]!,
  };
}

async function deployOnce(n: number, concurrency: number, pollMs: number, rateLimitPerSecond = 200, run = 0, deployEas = DEPLOY_EAS): Promise<DeployRun> {
  // Realistic: tens of ms per call, services Running after 1-3 s (varied, seeded), a server-wide rate limit.
  let seed = 1234 + n + 7919 * run;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  // Each service's Running time depends on its name and the run only (not on the order of calls), so that the
  // ideal schedule of a run is the same whatever the client does.
  const readyAfter = new Map<string, number>();
  const server = new FakeEasServer({
    keys: { [KEY_ID]: SECRET },
    behavior: (name) => {
      if (!readyAfter.has(name)) readyAfter.set(name, 1000 + Math.round(unitHash(`${run}:${name}`) * 2000));
      return { readyAfterMs: readyAfter.get(name)! };
    },
    faults: { latencyMs: () => 20 + Math.round(rand() * 40), ...(rateLimitPerSecond > 0 ? { rateLimitPerSecond } : {}) },
  });
  const url = await server.start();
  try {
    const spec = writeSpec(alibabaSpec(n, 'framework'));
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const r: Sample = await runNode([deployEas, spec, '--endpoint', url, '--yes', '--poll-interval', `${pollMs}ms`, '--concurrency', String(concurrency), '--output', 'json'], credentials);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.code !== 0) throw new Error(`deploy-eas failed (${r.code}): ${r.stderr.slice(0, 1000)}`);
    // Rollouts in spec order (the order deploy-eas starts them in).
    const names = [...readyAfter.keys()].sort();
    const idealMs = idealSchedule(names.map((s) => readyAfter.get(s)! + pollMs), concurrency);
    const created = server.calls.filter((c) => c.action === 'CreateService' && c.status === 200).map((c) => c.service);
    const duplicateCreates = created.length - new Set(created).size + server.calls.filter((c) => c.action === 'CreateService' && c.status === 409).length;
    if (process.env.BENCH_DUMP_CALLS) fs.writeFileSync(process.env.BENCH_DUMP_CALLS, JSON.stringify({ startedAt, wallMs, calls: server.calls, gateway: server.gatewayCalls, ready: Object.fromEntries([...server.services].map(([k, v]) => [k, v.createdAt + readyAfter.get(k)!])) }));
    const phases = phasesOf(server, startedAt, startedAt + wallMs, concurrency, readyAfter);
    return { services: n, concurrency, wallMs, idealMs, cpuMs: r.cpuMs, callsPerService: server.calls.length / n, throttled: server.calls.filter((c) => c.status === 400).length, duplicateCreates, phases, ok: r.code === 0 };
  } finally {
    await server.stop();
  }
}

/** `runs` runs of one configuration (a different seed each): medians and ranges. */
async function deployRuns(runs: number, n: number, concurrency: number, pollMs: number, rateLimitPerSecond: number): Promise<DeployRun[]> {
  const out: DeployRun[] = [];
  for (let i = 0; i < runs; i++) out.push(await deployOnce(n, concurrency, pollMs, rateLimitPerSecond, i));
  return out;
}

/** The same runs with this build's deploy-eas and another's (`--main-dist`), interleaved, the order alternating. */
async function deployRunsAgainst(otherDeployEas: string, runs: number, n: number, concurrency: number, pollMs: number, rateLimitPerSecond: number): Promise<{ ours: DeployRun[]; other: DeployRun[] }> {
  const ours: DeployRun[] = [];
  const other: DeployRun[] = [];
  for (let i = 0; i < runs; i++) {
    const runOurs = async () => ours.push(await deployOnce(n, concurrency, pollMs, rateLimitPerSecond, i));
    const runOther = async () => other.push(await deployOnce(n, concurrency, pollMs, rateLimitPerSecond, i, otherDeployEas));
    if (i % 2 === 0) await runOurs().then(runOther);
    else await runOther().then(runOurs);
  }
  return { ours, other };
}

function medianRange(xs: readonly number[], digits = 0, suffix = ''): string {
  const s = spread(xs);
  return xs.length === 1 ? `${s.median.toFixed(digits)}${suffix}` : `${s.median.toFixed(digits)}${suffix} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
}

function deploySummary(rs: readonly DeployRun[]) {
  const ratios = rs.map((r) => r.wallMs / r.idealMs);
  const phase = (k: keyof DeployPhases) => median(rs.map((r) => r.phases[k]));
  return {
    runs: rs.length,
    wallMs: spread(rs.map((r) => r.wallMs)),
    idealMs: spread(rs.map((r) => r.idealMs)),
    vsIdeal: spread(ratios),
    cpuMs: spread(rs.map((r) => r.cpuMs)),
    callsPerService: spread(rs.map((r) => r.callsPerService)),
    throttled: spread(rs.map((r) => r.throttled)),
    duplicateCreates: Math.max(...rs.map((r) => r.duplicateCreates)),
    phases: Object.fromEntries((['startupMs', 'planMs', 'firstWaveMs', 'detectMs', 'probeMs', 'handoffMs', 'tailMs'] as const).map((k) => [k, phase(k)])),
    ok: rs.every((r) => r.ok),
    samples: rs,
  };
}

/** Where and how a section was measured: the machine, its load, and the command. */
function measuredOn(): string {
  return `Measured ${machine()}; command: \`npm run build --silent && node dist/bench/run.js ${process.argv.slice(2).join(' ')}\`.`;
}

const PHASE_NOTE = [
  'Phases (median over the runs, from the fake server\'s answer timestamps): start-up = spawn to the first API answer;',
  'plan = to the first CreateService answer; first wave = first to last CreateService of the first `--concurrency` services;',
  'detect = a service Running on the server to the answer of the read that confirmed it (median over services);',
  'probe = that read to the gateway probe\'s answer; hand-off = a rollout finishing to the next CreateService answer in its slot;',
  'tail = the last rollout finished to deploy-eas exiting. Detect, probe and hand-off are per rollout and overlap across',
  'rollouts: the phases do not add up to the wall time.',
];

function phaseCells(s: ReturnType<typeof deploySummary>): string {
  const p = s.phases as Record<keyof DeployPhases, number>;
  return `${p.startupMs.toFixed(0)} / ${p.planMs.toFixed(0)} / ${p.firstWaveMs.toFixed(0)} / ${p.detectMs.toFixed(0)} / ${p.probeMs.toFixed(0)} / ${p.handoffMs.toFixed(0)} / ${p.tailMs.toFixed(0)}`;
}

async function benchDeploy(): Promise<void> {
  const runs = deployRunCount;
  report(`## Parallel deploy-eas against the fake PAI-EAS server (20-60 ms per call, Running after 1-3 s, 200 req/s limit, 500 ms polling)`);
  report('');
  report(`Median of ${runs} runs (range in brackets), each with its own seeded Running times; one-at-a-time: one run. \`--concurrency\` = min(services, 100).`);
  report('');
  report('| services | parallel wall ms | ideal ms | vs ideal | one-at-a-time ms | speed-up | API calls/service | throttled answers | duplicate creates | deploy-eas CPU ms | phases ms: start-up / plan / first wave / detect / probe / hand-off / tail | ok |');
  report('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const pollMs = 500;
  const rows: unknown[] = [];
  // The 200 req/s limit throughout, and 100 services once more without it (the issue's goal has no limit).
  const configs: Array<[number, number]> = quick ? [[1, 200], [20, 200]] : [[1, 200], [20, 200], [100, 200], [100, 0]];
  for (const [n, limit] of configs) {
    const s = deploySummary(await deployRuns(runs, n, Math.min(n, 100), pollMs, limit));
    const sequential = n <= 20 ? await deployOnce(n, 1, pollMs) : undefined;
    const row = { ...s, rateLimitPerSecond: limit, sequentialMs: sequential?.wallMs, speedUp: sequential ? sequential.wallMs / s.wallMs.median : undefined };
    rows.push(row);
    report(`| ${n}${limit === 200 ? '' : ', no rate limit'} | ${medianRange(s.samples.map((r) => r.wallMs))} | ${s.idealMs.median.toFixed(0)} | ${medianRange(s.samples.map((r) => r.wallMs / r.idealMs), 2, 'x')} | ${sequential ? sequential.wallMs.toFixed(0) : 'not run (~4 min)'} | ${row.speedUp ? `${row.speedUp.toFixed(1)}x` : '-'} | ${medianRange(s.samples.map((r) => r.callsPerService), 1)} | ${medianRange(s.samples.map((r) => r.throttled))} | ${s.duplicateCreates} | ${medianRange(s.samples.map((r) => r.cpuMs))} | ${phaseCells(s)} | ${s.ok} |`);
  }
  results.deploy = rows;
  report('');
  for (const line of PHASE_NOTE) report(line);
  report('');
  report(measuredOn());
  report('');
}

/** 500 services at --concurrency 256 (issue 14): wall time vs the ideal schedule, and no duplicate create. */
async function benchDeployScale(): Promise<void> {
  const runs = deployRunCount;
  report('## deploy-eas at scale: 500 services, --concurrency 256, against the fake PAI-EAS server (20-60 ms per call, Running after 1-3 s, 500 ms polling)');
  report('');
  report('The ideal schedule runs each rollout (its Running time + one polling interval) on 256 slots in spec order and ignores API costs;');
  report(`with a server rate limit, the API floor is the calls made divided by the limit. Median of ${runs} runs (range in brackets), each with its own seeded Running times${mainDist ? '; "main" is deploy-eas of the build in --main-dist, run interleaved with this build (the order alternating) against the same fake server' : ''}.`);
  report('');
  report('| server rate limit | wall ms | ideal schedule ms | vs ideal | API floor ms | API calls/service | throttled answers | duplicate creates | deploy-eas CPU ms | phases ms: start-up / plan / first wave / detect / probe / hand-off / tail | ok |');
  report('|---|---|---|---|---|---|---|---|---|---|---|');
  const rows: unknown[] = [];
  const mainDeployEas = mainDist ? path.join(path.resolve(mainDist), 'bin', 'deploy-eas.js') : undefined;
  const row = (label: string, limit: number, s: ReturnType<typeof deploySummary>) => {
    const floors = s.samples.map((r) => (limit > 0 ? (r.callsPerService * r.services * 1000) / limit : 0));
    report(`| ${limit > 0 ? `${limit} req/s` : 'none'}${label} | ${medianRange(s.samples.map((r) => r.wallMs))} | ${s.idealMs.median.toFixed(0)} | ${medianRange(s.samples.map((r) => r.wallMs / r.idealMs), 2, 'x')} | ${limit > 0 ? `${median(floors).toFixed(0)} (${(median(floors) / s.idealMs.median).toFixed(2)}x)` : '-'} | ${medianRange(s.samples.map((r) => r.callsPerService), 1)} | ${medianRange(s.samples.map((r) => r.throttled))} | ${s.duplicateCreates} | ${medianRange(s.samples.map((r) => r.cpuMs))} | ${phaseCells(s)} | ${s.ok} |`);
    return { ...s, rateLimitPerSecond: limit, apiFloorMs: median(floors) };
  };
  for (const limit of scaleLimits) {
    if (mainDeployEas) {
      const both = await deployRunsAgainst(mainDeployEas, runs, 500, 256, 500, limit);
      rows.push({ build: 'this', ...row(' (this build)', limit, deploySummary(both.ours)) }, { build: 'main', ...row(' (main)', limit, deploySummary(both.other)) });
    } else {
      rows.push(row('', limit, deploySummary(await deployRuns(runs, 500, 256, 500, limit))));
    }
  }
  results.deployScale = rows;
  report('');
  for (const r of rows as Array<{ build?: string; rateLimitPerSecond: number; vsIdeal: { median: number }; duplicateCreates: number; apiFloorMs: number; idealMs: { median: number } }>) {
    if (r.build === 'main') continue;
    const goal = r.vsIdeal.median <= 1.15 && r.duplicateCreates === 0 ? 'met' : 'not met';
    const floor = r.rateLimitPerSecond > 0 ? `; with a ${r.rateLimitPerSecond} req/s limit the API floor alone is ${(r.apiFloorMs / r.idealMs.median).toFixed(2)}x of the ideal, so 1.15x cannot be met there` : '';
    report(`Goal (issue 14: within 1.15x of the ideal schedule, no duplicate create), ${r.rateLimitPerSecond > 0 ? `${r.rateLimitPerSecond} req/s limit` : 'no rate limit'}: ${goal} by the median (${r.vsIdeal.median.toFixed(2)}x, ${r.duplicateCreates} duplicate creates)${floor}.`);
  }
  report('');
  for (const line of PHASE_NOTE) report(line);
  report('');
  report(measuredOn());
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
