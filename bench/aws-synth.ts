/**
 * AWS synthesis benchmarks (part of `npm run bench`). Every comparison is interleaved (the order rotates per run),
 * every run writes into a fresh folder on a memory file system (/dev/shm when present) that is removed afterwards,
 * and ratios are taken pair by pair (run i of one side against run i of the other), then summarized as the median
 * and the range. Wall time, CPU time (user + system: less disturbed by other load) and peak RSS are recorded.
 *
 *  - inferstack synth vs an L1-only aws-cdk-lib app and vs direct JSON emission, all three writing byte-identical
 *    templates (checked on every size);
 *  - one deployment vs a bare CDK app with one empty stack (validator off);
 *  - `npm start` on a built tree (its synth step);
 *  - `synth --validate` vs the built-in validation of a build of main (`--main-dist=DIR`), and the validator in
 *    a worker thread running in parallel with synthesis (bench/synth-validate-in-worker.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runNode, Sample, spread } from './measure';
import { awsSpec } from './specs';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'bin', 'inferstack.js');
const L1_APP = path.join(__dirname, 'baseline-synth-app.js');
const DIRECT = path.join(__dirname, 'direct-emit.js');
const BARE = path.join(__dirname, 'bare-cdk-app.js');
const WORKER = path.join(__dirname, 'synth-validate-in-worker.js');
const IAM = path.join(__dirname, 'iam-l2-vs-l1.js');
const MEMORY_FS = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

export interface AwsBenchOptions {
  readonly quick: boolean;
  /** dist/ of a build of the commit to compare `--validate` with (e.g. main); that section is skipped without it. */
  readonly mainDist?: string;
  /** The machine and its load, printed under every heading (sections may be refreshed one at a time). */
  readonly machine: string;
  readonly report: (line: string) => void;
  /** Deployment counts of the `aws` section. @default 1, 10, 100, 500, 1000 (quick: 1, 10, 100) */
  readonly sizes?: readonly number[];
  /** Interleaved runs per size. @default 7 (quick, and 1,000 deployments: 3) */
  readonly runs?: number;
}

/** Arguments of one side of a comparison, given a fresh output folder. */
type Side = (outDir: string) => string[];

interface Runs {
  readonly samples: Record<string, Sample[]>;
  /** The output folders of the first run, kept for checks (the caller removes them). */
  readonly firstOutputs: Record<string, string>;
}

function freshDir(): string {
  return fs.mkdtempSync(path.join(MEMORY_FS, 'inferstack-bench-'));
}

async function interleaved(sides: Record<string, Side>, runs: number, cwd = ROOT): Promise<Runs> {
  const names = Object.keys(sides);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  const firstOutputs: Record<string, string> = {};
  for (let i = 0; i < runs; i++) {
    const order = names.map((_, k) => names[(k + i) % names.length]!);
    for (const name of order) {
      const parent = freshDir();
      const out = path.join(parent, 'out');
      const s = await runNode(sides[name]!(out), {}, cwd);
      if (s.code !== 0) throw new Error(`${name} failed (${s.code}): ${s.stderr.slice(0, 2000)}`);
      samples[name]!.push(s);
      if (i === 0) firstOutputs[name] = out;
      else fs.rmSync(parent, { recursive: true, force: true });
    }
  }
  return { samples, firstOutputs };
}

function removeOutputs(runs: Runs): void {
  for (const out of Object.values(runs.firstOutputs)) fs.rmSync(path.dirname(out), { recursive: true, force: true });
}

function templateNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .sort();
}

/** Every side wrote the same template files, byte for byte. */
function assertSameTemplates(dirs: Record<string, string>): number {
  const [[firstName, firstDir], ...others] = Object.entries(dirs) as Array<[string, string]>;
  const names = templateNames(firstDir);
  if (names.length === 0) throw new Error(`${firstName} wrote no template`);
  for (const [name, dir] of others) {
    const theirs = templateNames(dir);
    if (theirs.join() !== names.join()) throw new Error(`${name} wrote other templates than ${firstName}: ${theirs.length} vs ${names.length}`);
    for (const f of names) {
      if (!fs.readFileSync(path.join(dir, f)).equals(fs.readFileSync(path.join(firstDir, f)))) throw new Error(`${f}: ${name} and ${firstName} differ`);
    }
  }
  return names.length;
}

const med = (xs: readonly Sample[], key: 'ms' | 'cpuMs' | 'maxRssMb') => spread(xs.map((s) => s[key])).median;
const pairRatios = (a: readonly Sample[], b: readonly Sample[], key: 'ms' | 'cpuMs') => spread(a.map((s, i) => s[key] / b[i]![key]));
const fmtRatio = (r: { median: number; min: number; max: number }) => `${r.median.toFixed(2)}x (${r.min.toFixed(2)}-${r.max.toFixed(2)})`;
const ms = (x: number) => x.toFixed(0);

/** Prints a section heading and the machine it was measured on; returns the reporter. */
function section(o: AwsBenchOptions, heading: string): (line: string) => void {
  o.report(heading);
  o.report('');
  o.report(`Machine: ${o.machine}.`);
  o.report('');
  return o.report;
}

/** Folders of the specs written for this run, removed at its end. */
const specDirs: string[] = [];

/** Specs live under the OS temporary folder: inferstack refuses a spec under /dev (IS1107), /dev/shm included. */
function writeSpec(n: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-bench-spec-'));
  specDirs.push(dir);
  const file = path.join(dir, `aws-${n}.yaml`);
  fs.writeFileSync(file, awsSpec(n));
  return file;
}

/** Every file of two cloud assemblies is the same, byte for byte (the direct writer against the CDK app). */
function assertSameAssembly(a: string, b: string): void {
  const files = (dir: string) => fs.readdirSync(dir).sort();
  if (files(a).join() !== files(b).join()) throw new Error(`${a} and ${b} hold other files`);
  for (const f of files(a)) if (!fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)))) throw new Error(`${f} differs between ${a} and ${b}`);
}

type BaselineSide = 'inferstack' | 'cdk' | 'l1' | 'direct' | 'directSpec';

async function versusBaselines(o: AwsBenchOptions): Promise<unknown[]> {
  const report = section(o, '## AWS synthesis: inferstack synth vs a same-output L1 app vs direct JSON emission');
  report('Sides: `inferstack synth --target aws` (the direct cloud-assembly writer), the same with `--via cdk` (the CDK app), the same-output L1-only aws-cdk-lib app (bench/baseline-synth-app.ts), direct JSON emission of the templates (bench/direct-emit.ts) and the same after compiling the spec (`direct-emit.js N OUT SPEC`: parse, validate, normalize, as any synthesis from the YAML must).');
  report(`Templates byte-identical on all sides and every file of the two inferstack paths identical (checked at every size). Outputs in fresh folders under ${MEMORY_FS}. Ratios pair by pair: median (min-max).`);
  report('');
  report('| deployments | runs | inferstack ms (CPU) | --via cdk ms (CPU) | L1 app ms (CPU) | direct ms (CPU) | direct+spec ms (CPU) | inferstack / direct | CPU inferstack / direct | CPU inferstack / direct+spec | CPU inferstack / --via cdk | peak MiB inferstack / --via cdk / L1 / direct |');
  report('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const sizes = o.sizes ?? (o.quick ? [1, 10, 100] : [1, 10, 100, 500, 1000]);
  const rows: Array<Record<string, unknown>> = [];
  for (const n of sizes) {
    const runs = o.runs ?? (n >= 1000 || o.quick ? 3 : 7);
    const spec = writeSpec(n);
    const r = await interleaved(
      {
        inferstack: (out) => [CLI, 'synth', spec, '--target', 'aws', '--out', out],
        cdk: (out) => [CLI, 'synth', spec, '--target', 'aws', '--out', out, '--via', 'cdk'],
        l1: (out) => [L1_APP, String(n), out],
        direct: (out) => [DIRECT, String(n), out],
        directSpec: (out) => [DIRECT, String(n), out, spec],
      },
      runs,
    );
    const templates = assertSameTemplates(r.firstOutputs);
    assertSameAssembly(r.firstOutputs.inferstack!, r.firstOutputs.cdk!);
    removeOutputs(r);
    if (templates !== n) throw new Error(`expected ${n} templates, got ${templates}`);
    const x = r.samples as Record<BaselineSide, Sample[]>;
    const each = (key: 'ms' | 'cpuMs' | 'maxRssMb') => Object.fromEntries(Object.entries(x).map(([k, v]) => [k, med(v, key)])) as Record<BaselineSide, number>;
    const row = {
      deployments: n,
      runs,
      ms: each('ms'),
      cpuMs: each('cpuMs'),
      peakMiB: each('maxRssMb'),
      vsL1: pairRatios(x.inferstack, x.l1, 'ms'),
      vsDirect: pairRatios(x.inferstack, x.direct, 'ms'),
      cpuVsL1: pairRatios(x.inferstack, x.l1, 'cpuMs'),
      cpuVsDirect: pairRatios(x.inferstack, x.direct, 'cpuMs'),
      cpuVsDirectSpec: pairRatios(x.inferstack, x.directSpec, 'cpuMs'),
      cpuVsCdk: pairRatios(x.inferstack, x.cdk, 'cpuMs'),
    };
    rows.push(row);
    const both = (k: BaselineSide) => `${ms(row.ms[k])} (${ms(row.cpuMs[k])})`;
    report(
      `| ${n} | ${runs} | ${both('inferstack')} | ${both('cdk')} | ${both('l1')} | ${both('direct')} | ${both('directSpec')} | ${fmtRatio(row.vsDirect)} | ${fmtRatio(row.cpuVsDirect)} | ${fmtRatio(row.cpuVsDirectSpec)} | ${fmtRatio(row.cpuVsCdk)} | ${['inferstack', 'cdk', 'l1', 'direct'].map((k) => ms(row.peakMiB[k as BaselineSide])).join(' / ')} |`,
    );
  }
  report('');
  // Linearity: the cost of each further deployment, between consecutive sizes.
  const marginal = rows.slice(1).map((row, i) => {
    const prev = rows[i]!;
    const dn = (row.deployments as number) - (prev.deployments as number);
    const per = (k: 'ms' | 'cpuMs' | 'peakMiB') => (((row[k] as Record<string, number>).inferstack - (prev[k] as Record<string, number>).inferstack) / dn).toFixed(2);
    return `${prev.deployments as number}->${row.deployments as number}: ${per('ms')} ms, ${per('cpuMs')} CPU ms, ${per('peakMiB')} MiB`;
  });
  report(`Cost of each further deployment (inferstack, medians): ${marginal.join('; ')}.`);
  report('');
  return rows;
}

async function versusBareApp(o: AwsBenchOptions): Promise<unknown> {
  const report = section(o, '## One deployment vs a bare CDK app (one empty stack, validator off)');
  const runs = o.quick ? 3 : 7;
  const spec = writeSpec(1);
  const r = await interleaved({ inferstack: (out) => [CLI, 'synth', spec, '--target', 'aws', '--out', out], bare: (out) => [BARE, out], node: () => ['-e', '0'] }, runs);
  removeOutputs(r);
  const { inferstack, bare, node } = r.samples as Record<'inferstack' | 'bare' | 'node', Sample[]>;
  const result = {
    runs,
    ms: { inferstack: med(inferstack, 'ms'), bare: med(bare, 'ms'), node: med(node, 'ms') },
    cpuMs: { inferstack: med(inferstack, 'cpuMs'), bare: med(bare, 'cpuMs'), node: med(node, 'cpuMs') },
    peakMiB: { inferstack: med(inferstack, 'maxRssMb'), bare: med(bare, 'maxRssMb') },
    vsBare: pairRatios(inferstack, bare, 'ms'),
    cpuVsBare: pairRatios(inferstack, bare, 'cpuMs'),
  };
  report('| | ms | CPU ms | peak MiB |');
  report('|---|---|---|---|');
  report(`| node -e 0 | ${ms(result.ms.node)} | ${ms(result.cpuMs.node)} | |`);
  report(`| bare CDK app, one empty stack (bench/bare-cdk-app.ts) | ${ms(result.ms.bare)} | ${ms(result.cpuMs.bare)} | ${ms(result.peakMiB.bare)} |`);
  report(`| inferstack synth, 1 deployment | ${ms(result.ms.inferstack)} | ${ms(result.cpuMs.inferstack)} | ${ms(result.peakMiB.inferstack)} |`);
  report('');
  report(`inferstack / bare app (${runs} pairs): wall ${fmtRatio(result.vsBare)}, CPU ${fmtRatio(result.cpuVsBare)} (goal: within 4x).`);
  report('');
  return result;
}

async function npmStart(o: AwsBenchOptions): Promise<unknown> {
  const report = section(o, '## `npm start` on a built tree');
  const runs = o.quick ? 3 : 7;
  // What `npm start` runs after its (incremental) build, in the repository, writing cdk.out/ and eas.out/.
  const r = await interleaved({ start: () => [CLI, 'synth', 'examples/qwen-chat.yaml', '--target', 'all'] }, runs);
  removeOutputs(r);
  const s = r.samples.start!;
  const result = { runs, ms: spread(s.map((x) => x.ms)), cpuMs: med(s, 'cpuMs'), peakMiB: med(s, 'maxRssMb') };
  report(`\`node dist/bin/inferstack.js synth examples/qwen-chat.yaml --target all\` (${runs} runs): ${ms(result.ms.median)} ms median (${ms(result.ms.min)}-${ms(result.ms.max)}), ${ms(result.cpuMs)} CPU ms, ${ms(result.peakMiB)} MiB peak (goal: within 1.5 s).`);
  report('');
  return result;
}

async function validateVersusMain(o: AwsBenchOptions): Promise<unknown[]> {
  const mainCli = path.join(path.resolve(o.mainDist!), 'bin', 'inferstack.js');
  const report = section(o, '## `synth --validate` vs main (built-in validation on by default there), and the validator in a worker thread');
  report(`main: \`${mainCli}\` (\`synth SPEC --target aws --out DIR\`, validator on); worker: bench/synth-validate-in-worker.ts (engine started in a worker while the main thread synthesizes, then the templates validated there); default: \`synth\` without the validator. Ratios pair by pair against main: median (min-max).`);
  report('');
  report('| deployments | runs | main ms | --validate ms | worker ms | default ms | --validate / main | worker / main | default / main | CPU --validate / main | CPU worker / main | peak MiB main / --validate / worker / default |');
  report('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const rows: unknown[] = [];
  for (const n of o.quick ? [1] : [1, 500]) {
    const runs = o.quick ? 3 : n >= 500 ? 3 : 5;
    const spec = writeSpec(n);
    const r = await interleaved(
      {
        main: (out) => [mainCli, 'synth', spec, '--target', 'aws', '--out', out],
        validate: (out) => [CLI, 'synth', spec, '--target', 'aws', '--out', out, '--validate'],
        worker: (out) => [WORKER, spec, out],
        plain: (out) => [CLI, 'synth', spec, '--target', 'aws', '--out', out],
      },
      runs,
    );
    assertSameTemplates(r.firstOutputs);
    if (!fs.existsSync(path.join(r.firstOutputs.validate!, 'validation-report.json'))) throw new Error('--validate wrote no validation report');
    removeOutputs(r);
    const { main, validate, worker, plain } = r.samples as Record<'main' | 'validate' | 'worker' | 'plain', Sample[]>;
    const row = {
      deployments: n,
      runs,
      ms: { main: med(main, 'ms'), validate: med(validate, 'ms'), worker: med(worker, 'ms'), plain: med(plain, 'ms') },
      peakMiB: { main: med(main, 'maxRssMb'), validate: med(validate, 'maxRssMb'), worker: med(worker, 'maxRssMb'), plain: med(plain, 'maxRssMb') },
      validateVsMain: pairRatios(validate, main, 'ms'),
      workerVsMain: pairRatios(worker, main, 'ms'),
      plainVsMain: pairRatios(plain, main, 'ms'),
      cpuValidateVsMain: pairRatios(validate, main, 'cpuMs'),
      cpuWorkerVsMain: pairRatios(worker, main, 'cpuMs'),
    };
    rows.push(row);
    report(
      `| ${n} | ${runs} | ${ms(row.ms.main)} | ${ms(row.ms.validate)} | ${ms(row.ms.worker)} | ${ms(row.ms.plain)} | ${fmtRatio(row.validateVsMain)} | ${fmtRatio(row.workerVsMain)} | ${fmtRatio(row.plainVsMain)} | ${fmtRatio(row.cpuValidateVsMain)} | ${fmtRatio(row.cpuWorkerVsMain)} | ${ms(row.peakMiB.main)} / ${ms(row.peakMiB.validate)} / ${ms(row.peakMiB.worker)} / ${ms(row.peakMiB.plain)} |`,
    );
  }
  report('');
  return rows;
}

async function iamL2VersusL1(o: AwsBenchOptions): Promise<unknown> {
  const report = section(o, '## The execution role: L2 IAM constructs vs L1 (same templates; the measurement behind its conversion to L1)');
  const [n, runs] = o.quick ? [100, 3] : [500, 5];
  const r = await interleaved({ l2: (out) => [IAM, 'l2', String(n), out], l1: (out) => [IAM, 'l1', String(n), out] }, runs);
  assertSameTemplates(r.firstOutputs);
  removeOutputs(r);
  const { l2, l1 } = r.samples as Record<'l2' | 'l1', Sample[]>;
  const result = { deployments: n, runs, ms: { l2: med(l2, 'ms'), l1: med(l1, 'ms') }, cpuMs: { l2: med(l2, 'cpuMs'), l1: med(l1, 'cpuMs') }, peakMiB: { l2: med(l2, 'maxRssMb'), l1: med(l1, 'maxRssMb') }, cpuRatio: pairRatios(l2, l1, 'cpuMs') };
  report(`bench/iam-l2-vs-l1.ts: ${n} stacks holding only the benchmark deployment's role and managed policy, built as providers/aws/execution-role.ts did before it became L1 (iam.Role, iam.ManagedPolicy, iam.PolicyStatement) or with CfnRole and CfnManagedPolicy; byte-identical templates (checked); ${runs} interleaved pairs.`);
  report('');
  report('| | ms | CPU ms | peak MiB |');
  report('|---|---|---|---|');
  report(`| L2 | ${ms(result.ms.l2)} | ${ms(result.cpuMs.l2)} | ${ms(result.peakMiB.l2)} |`);
  report(`| L1 | ${ms(result.ms.l1)} | ${ms(result.cpuMs.l1)} | ${ms(result.peakMiB.l1)} |`);
  report('');
  report(`CPU L2 / L1: ${fmtRatio(result.cpuRatio)}; L2 costs ${((result.cpuMs.l2 - result.cpuMs.l1) / n).toFixed(2)} CPU ms more per deployment.`);
  report('');
  return result;
}

export async function benchAwsSynthesis(o: AwsBenchOptions, only: (section: string) => boolean): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  try {
    if (only('aws')) results.awsSynth = await versusBaselines(o);
    if (only('aws-bare')) results.awsOneVsBare = await versusBareApp(o);
    if (only('npm-start')) results.npmStart = await npmStart(o);
    if (only('aws-validate') && o.mainDist) results.awsValidate = await validateVersusMain(o);
    if (only('aws-iam')) results.awsIam = await iamL2VersusL1(o);
  } finally {
    for (const dir of specDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
