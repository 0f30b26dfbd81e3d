/**
 * The direct cloud-assembly writer (providers/aws/direct/) against its oracle, the CDK app: for every AWS example,
 * a generated matrix of valid specs and a set of feature variations, both write their cloud assembly and every
 * file must be byte-identical. Deployments the writer does not support go through the CDK app; the direct path
 * never loads aws-cdk-lib's construct library.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileSpecFile, compileSpecText } from '../../lib/compile';
import { synth } from '../../lib/commands/synth';
import type { DeploymentIR } from '../../lib/ir';
import { directSupport, writeCloudAssembly } from '../../providers/aws/direct/cloud-assembly';
import { DirectAwsEmitter } from '../../providers/aws/direct/emitter';
import { installedVersions } from '../../providers/aws/direct/installed-versions';
import { L1_PROPERTY_ORDER } from '../../providers/aws/direct/l1-property-order';
import { AwsEmitter } from '../../providers/aws/emitter';
import { Case, classicCases, llmCases } from '../helpers/aws-matrix';
import { CLI, EXAMPLES, ROOT } from '../helpers/paths';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'direct-assembly-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(scratch, String(dirs++));

function filesOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** Every difference between two folders: missing files, and for each differing file where it first differs. */
function differences(expected: string, actual: string): string[] {
  const a = filesOf(expected);
  const b = filesOf(actual);
  const problems = [...a.filter((f) => !b.includes(f)).map((f) => `missing ${f}`), ...b.filter((f) => !a.includes(f)).map((f) => `extra ${f}`)];
  for (const f of a.filter((x) => b.includes(x))) {
    const x = fs.readFileSync(path.join(expected, f), 'utf8');
    const y = fs.readFileSync(path.join(actual, f), 'utf8');
    if (x === y) continue;
    let i = 0;
    while (x[i] === y[i]) i++;
    problems.push(`${f} differs at ${i}: CDK …${x.slice(Math.max(0, i - 80), i + 80)}… direct …${y.slice(Math.max(0, i - 80), i + 80)}…`);
  }
  return problems;
}

/** Synthesizes through the CDK app and through the direct writer; returns the differences. */
async function compareWithCdk(deployments: readonly DeploymentIR[]): Promise<string[]> {
  const cdk = freshDir();
  const direct = freshDir();
  await new AwsEmitter().emit(deployments, cdk, 'spec.yaml');
  expect(writeCloudAssembly(deployments, direct)).toBeDefined();
  return differences(cdk, direct);
}

const supported = (ds: readonly DeploymentIR[]) => directSupport(ds, {}).ok;

function awsDeployments(file: string): DeploymentIR[] {
  const r = compileSpecFile(path.join(EXAMPLES, file));
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.diagnostics)}`);
  return r.deployments.filter((d) => d.target === 'aws');
}

const EXAMPLE_FILES = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && awsDeployments(f).length > 0);

describe('direct cloud assembly: every file byte-identical to the CDK app', () => {
  it.each(EXAMPLE_FILES.filter((f) => supported(awsDeployments(f))))('%s', async (file) => {
    expect(await compareWithCdk(awsDeployments(file))).toEqual([]);
  });

  it('every supported example in one assembly (several stacks in one manifest and tree)', async () => {
    const all = EXAMPLE_FILES.flatMap(awsDeployments).filter((d) => supported([d]));
    expect(all.length).toBeGreaterThanOrEqual(9);
    expect(await compareWithCdk(all)).toEqual([]);
  });

  it('covers the examples that need an ahead-of-time job only through the CDK app', () => {
    const withJob = EXAMPLE_FILES.filter((f) => !supported(awsDeployments(f)));
    expect(withJob.sort()).toEqual(['llm-awq-optimization.yaml', 'neo-resnet-c5.yaml', 'neo-resnet-inferentia.yaml']);
    for (const f of withJob) expect(directSupport(awsDeployments(f), {})).toMatchObject({ ok: false, reason: expect.stringContaining('ahead-of-time job') });
  });
});

/** One spec with many deployments (each case's deployment renamed), so one CDK app synthesizes them all. */
function combined(yamls: readonly string[]): string {
  const bodies = yamls.map((y, i) => y.split('\ndeployments:\n')[1]!.replace(/^ {2}[a-z][a-z0-9-]*:\n/, `  d-${i}:\n`));
  return `version: 1\ndeployments:\n${bodies.join('')}`;
}

/** The valid, directly supported cases of a generator, each compiled alone. */
function supportedCases(cases: readonly Case[]): Case[] {
  return cases.filter((c) => {
    const r = compileSpecText('case.yaml', c.yaml);
    return r.ok && supported(r.deployments.filter((d) => d.target === 'aws'));
  });
}

/** The axis values a case name lists (engine, accelerator, dtype, quantization, extras, mode). */
const axisValues = (cases: readonly Case[]) => new Set(cases.flatMap((c) => c.name.split(' ')));

async function compareInChunks(yamls: readonly string[], size: number): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 0; i < yamls.length; i += size) {
    const r = compileSpecText('matrix.yaml', combined(yamls.slice(i, i + size)));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics.slice(0, 3)));
    problems.push(...(await compareWithCdk(r.deployments.filter((d) => d.target === 'aws'))));
  }
  return problems;
}

describe('direct cloud assembly over generated specs', () => {
  it('a deterministic sample of the contract matrix (every engine, accelerator, dtype, quantization and mode that needs no job)', async () => {
    const cases = supportedCases([...llmCases(), ...classicCases()]);
    const sample = cases.filter((_, i) => i % 3 === 0);
    expect(sample.length).toBeGreaterThan(250);
    expect([...axisValues(sample)].sort()).toEqual([...axisValues(cases)].sort());
    expect(await compareInChunks(sample.map((c) => c.yaml), 120)).toEqual([]);
  }, 180_000);

  it('feature variations: VPC, keys, roles, accounts, names, tags, secrets, schedules, rollouts, data capture, async, scale to zero, metrics, pools, volumes, serverless, multi-model, pipelines, GovCloud', async () => {
    const cases = FEATURE_CASES.map(featureSpec);
    expect(cases).toHaveLength(46);
    const invalid = cases.map((y) => ({ y, r: compileSpecText('case.yaml', y) })).filter((c) => !c.r.ok);
    expect(invalid.map((c) => `${c.y}${c.r.diagnostics.map((d) => d.message).join('; ')}`)).toEqual([]);
    expect(await compareInChunks(cases, 60)).toEqual([]);
  }, 120_000);
});

const BASES: Record<string, string> = {
  cpu: '    model: { uri: s3://acme-models/ranker/model.tar.gz, format: pytorch, entryPoint: inference.py, frameworkVersion: "2.6.0" }\n    resources: { instanceType: ml.c6i.2xlarge }\n',
  llm: '    model: { uri: s3://acme-models/qwen/, task: text-generation, family: qwen2, parameters: 7.6B, dtype: bf16 }\n    llm: { maxContextLength: 8192, maxConcurrentSequences: 8 }\n    resources: { instanceType: ml.g5.2xlarge }\n',
};

/**
 * Spec fragments (deployment-level YAML, 4-space indented), the targets.aws extras each needs, a replacement of the
 * base's resources line, a text replacement in the base, and the bases it applies to (both when not said).
 */
const FEATURES: Array<{ name: string; yaml?: string; aws?: string; region?: string; resources?: Record<string, string>; replace?: [string, string]; only?: string }> = [
  { name: 'plain' },
  { name: 'vpc', yaml: '    network: { aws: { subnets: [subnet-0aa00000, subnet-0bb00000], securityGroups: [sg-0cc00000] } }\n    security: { networkIsolation: true }\n' },
  { name: 'key-arn', yaml: '    security: { kmsKey: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" }\n' },
  { name: 'key-id', yaml: '    security: { kmsKey: 1234abcd-12ab-34cd-56ef-1234567890ab }\n' },
  { name: 'role', yaml: '    security: { role: "arn:aws:iam::123456789012:role/serving" }\n' },
  { name: 'account', aws: ', account: "123456789012", bucketOwners: { acme-models: "210987654321" }' },
  { name: 'names', aws: ', stackName: Custom-Stack-BASE, endpointName: custom-endpoint-BASE, tags: { team: ml, managed-by: platform, Cost: "42" }' },
  { name: 'secrets', yaml: '    container:\n      env: { LOG_LEVEL: debug }\n      secrets: { API_TOKEN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf" }\n' },
  { name: 'schedule', yaml: '    scaling: { min: 1, max: 6, schedule: [{ cron: "0 8 * * 1-5", min: 3 }, { cron: "0 20 * * *", min: 1, max: 2, timezone: Europe/Berlin }] }\n' },
  { name: 'canary', yaml: '    scaling: { min: 2, max: 4 }\n    rollout: { strategy: canary, canaryPercent: 10, wait: 10m, rollbackAlarms: [a-5xx] }\n' },
  { name: 'linear', yaml: '    scaling: { min: 2, max: 4 }\n    rollout: { strategy: linear, stepPercent: 20, wait: 5m }\n' },
  { name: 'rolling', yaml: '    scaling: { min: 2, max: 4 }\n    rollout: { strategy: rolling, stepPercent: 25, wait: 2m, rollbackAlarms: [a, b] }\n' },
  { name: 'all-at-once', yaml: '    rollout: { strategy: all-at-once, rollbackAlarms: [a] }\n' },
  { name: 'capture', yaml: '    observability: { dataCapture: { percent: 25, destination: s3://acme-monitoring/capture/ } }\n' },
  { name: 'async', yaml: '    mode: async\n    async: { output: s3://acme-out/o/, failure: s3://acme-out/f/, notify: { success: "arn:aws:sns:us-east-1:123456789012:ok", error: "arn:aws:sns:us-east-1:123456789012:err" }, maxConcurrentPerInstance: 2 }\n    scaling: { min: 0, max: 3, metric: backlog, target: 4 }\n' },
  { name: 'zero', yaml: '    scaling: { min: 0, max: 3, metric: concurrency, target: 2 }\n' },
  { name: 'description', yaml: '    description: "Ranking model: v42 \\"beta\\" <html> & unicode é"\n' },
  { name: 'metrics', yaml: '    scaling: { min: 1, max: 3, metric: gpu-utilization, target: 70, scaleInCooldown: 15m, scaleOutCooldown: 1m }\n' },
  { name: 'cpu-metric', yaml: '    scaling: { min: 1, max: 3, metric: cpu-utilization, target: 60 }\n' },
  { name: 'pools', resources: { cpu: '{ instanceType: ml.c6i.2xlarge, fallback: [ml.c5.2xlarge, ml.m5.2xlarge] }', llm: '{ instanceType: ml.g5.2xlarge, fallback: [ml.g6.2xlarge] }' } },
  { name: 'volume', only: 'cpu', resources: { cpu: '{ instanceType: ml.c6i.2xlarge, volumeSize: 100Gi }' } },
  { name: 'serverless', only: 'cpu', yaml: '    mode: serverless\n    serverless: { memory: 4Gi, maxConcurrency: 5, provisionedConcurrency: 2 }\n', resources: { cpu: '' } },
  { name: 'mme', only: 'cpu', yaml: '    mode: multi-model\n', replace: ['ranker/model.tar.gz', 'ranker/'] },
  {
    name: 'pipeline',
    only: 'cpu',
    yaml: '    pipeline:\n      - name: featurize\n        image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3\n        modelUri: s3://acme-models/featurizer/model.tar.gz\n        env: { SAGEMAKER_PROGRAM: featurize.py }\n      - model\n      - name: post\n        image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/post:1.4.0\n',
  },
  { name: 'gov', region: 'us-gov-west-1' },
];

const FEATURE_CASES = Object.keys(BASES).flatMap((base) => FEATURES.filter((f) => !f.only || f.only === base).map((feature) => ({ base, feature })));

function featureSpec(c: { base: string; feature: (typeof FEATURES)[number] }): string {
  const base = c.base === 'cpu' && c.feature.name === 'metrics' ? BASES.cpu!.replace('ml.c6i.2xlarge', 'ml.g5.xlarge') : BASES[c.base]!;
  const replaced = c.feature.resources?.[c.base];
  const withResources = (replaced === undefined ? base : base.replace(/ {4}resources: .*\n/, replaced ? `    resources: ${replaced}\n` : '')).replace(...(c.feature.replace ?? ['', '']));
  return `version: 1\ndeployments:\n  ${c.base}-${c.feature.name}:\n${withResources}${c.feature.yaml ?? ''}    targets: { aws: { region: ${c.feature.region ?? 'us-east-1'}${(c.feature.aws ?? '').replace(/BASE/g, c.base)} } }\n`;
}

describe('fallback to the CDK app', () => {
  it('a spec with an ahead-of-time job goes through the CDK app and writes what it writes', async () => {
    const deployments = awsDeployments('neo-resnet-c5.yaml');
    const viaDirect = freshDir();
    const viaCdk = freshDir();
    const files = await new DirectAwsEmitter().emit(deployments, viaDirect, 'spec.yaml');
    await new AwsEmitter().emit(deployments, viaCdk, 'spec.yaml');
    expect(files.map((f) => [f.via, f.viaReason])).toEqual([['cdk', expect.stringContaining('ahead-of-time job')]]);
    expect(differences(viaCdk, viaDirect)).toEqual([]);
    expect(filesOf(viaDirect).some((f) => f.startsWith('asset.'))).toBe(true);
  });

  it('one deployment with a job sends the whole run through the CDK app', () => {
    const mixed = [...awsDeployments('qwen-chat.yaml'), ...awsDeployments('llm-awq-optimization.yaml')];
    expect(directSupport(mixed, {}).ok).toBe(false);
    expect(directSupport(awsDeployments('qwen-chat.yaml'), {}).ok).toBe(true);
  });

  it('a deployment named "tree" (stack id Tree, which the CDK app keeps for its tree file) goes through the CDK app', async () => {
    const yaml = fs.readFileSync(path.join(EXAMPLES, 'serverless-sklearn.yaml'), 'utf8').replace(/^deployments:\n {2}[a-z][a-z0-9-]*:\n/m, 'deployments:\n  tree:\n');
    const r = compileSpecText('tree.yaml', yaml);
    expect(r.ok).toBe(true);
    const deployments = r.deployments.filter((d) => d.target === 'aws');
    expect(deployments.map((d) => d.name)).toEqual(['tree']);
    expect(directSupport(deployments, {})).toMatchObject({ ok: false, reason: expect.stringContaining('"Tree"') });
    const viaDirect = freshDir();
    const viaCdk = freshDir();
    const files = await new DirectAwsEmitter().emit(deployments, viaDirect, 'spec.yaml');
    await new AwsEmitter().emit(deployments, viaCdk, 'spec.yaml');
    expect(files.map((f) => f.via)).toEqual(['cdk']);
    expect(differences(viaCdk, viaDirect)).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(viaDirect, 'manifest.json'), 'utf8'));
    expect(manifest.artifacts.Tree.type).toBe('aws:cloudformation:stack');
  });

  it('CDK_* variables (context, debug traces, output folder) configure the CDK app, so they send the run through it', () => {
    for (const variable of ['CDK_CONTEXT_JSON', 'CDK_DEBUG', 'CDK_OUTDIR']) {
      expect(directSupport(awsDeployments('qwen-chat.yaml'), { [variable]: 'x' })).toEqual({ ok: false, reason: `${variable} is set (it configures the CDK app)` });
    }
  });

  it('a failure of the direct writer itself falls back to the CDK app, and says so', async () => {
    const spec = path.join(EXAMPLES, 'qwen-chat.yaml');
    const out = freshDir();
    const failing = new DirectAwsEmitter(() => {
      throw new Error('boom');
    });
    const r = await synth(spec, { targets: ['aws'], outDirs: { aws: out }, emitters: { aws: async () => failing } });
    expect(r.ok).toBe(true);
    expect(r.files.map((f) => [f.via, f.viaReason])).toEqual([['cdk', 'the direct writer failed (boom); please report it']]);
    const cdk = freshDir();
    await new AwsEmitter().emit(awsDeployments('qwen-chat.yaml'), cdk, spec);
    expect(differences(cdk, out).filter((d) => !d.includes('.inferstack-synth.json'))).toEqual([]);
  });

  it('synth() writes the same output folder, manifest included, through either emitter', async () => {
    const spec = path.join(EXAMPLES, 'embedding-tei.yaml');
    const direct = freshDir();
    const cdk = freshDir();
    const r1 = await synth(spec, { targets: ['aws'], outDirs: { aws: direct }, emitters: { aws: async () => new DirectAwsEmitter() } });
    const r2 = await synth(spec, { targets: ['aws'], outDirs: { aws: cdk }, emitters: { aws: async () => new AwsEmitter() } });
    expect([r1.files[0]!.via, r2.files[0]!.via]).toEqual(['direct', 'cdk']);
    expect(r1.files.map((f) => [path.basename(f.path), f.resources])).toEqual(r2.files.map((f) => [path.basename(f.path), f.resources]));
    expect(filesOf(direct)).toContain('.inferstack-synth.json');
    expect(differences(cdk, direct)).toEqual([]);
  });
});

describe('the direct path does not load aws-cdk-lib', () => {
  /** Runs the built CLI with a preload that writes every loaded module path to a file at exit. */
  function loadedModules(args: string[]): { modules: string[]; stdout: string } {
    const hook = path.join(scratch, 'record-modules.js');
    const record = path.join(scratch, `modules-${dirs++}.json`);
    fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(process.env.RECORD_MODULES, JSON.stringify(Object.keys(require.cache))));\n`);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CDK_')));
    const stdout = execFileSync(process.execPath, ['--require', hook, CLI, ...args], { cwd: ROOT, env: { ...env, RECORD_MODULES: record }, encoding: 'utf8' });
    return { modules: JSON.parse(fs.readFileSync(record, 'utf8')) as string[], stdout };
  }
  const cdkModules = (modules: string[]) => modules.filter((m) => m.includes(`${path.sep}aws-cdk-lib${path.sep}`) || m.includes(`${path.sep}constructs${path.sep}`)).map((m) => m.slice(m.lastIndexOf('node_modules') + 'node_modules/'.length));

  it('synth of a supported spec loads only the feature-flag data of aws-cdk-lib/cx-api', () => {
    const { modules, stdout } = loadedModules(['synth', path.join(EXAMPLES, 'qwen-chat.yaml'), '--target', 'aws', '--out', freshDir(), '--output', 'json']);
    expect(JSON.parse(stdout).files[0].via).toBe('direct');
    expect(cdkModules(modules).sort()).toEqual(['aws-cdk-lib/cx-api/index.js', 'aws-cdk-lib/cx-api/lib/features.js', 'aws-cdk-lib/cx-api/lib/index.js', 'aws-cdk-lib/cx-api/lib/private/flag-modeling.js']);
  });

  it('--via cdk and a fallback load the construct library (the recorder sees it)', () => {
    for (const args of [['qwen-chat.yaml', '--via', 'cdk'], ['neo-resnet-c5.yaml']]) {
      const { modules, stdout } = loadedModules(['synth', path.join(EXAMPLES, args[0]!), '--target', 'aws', '--out', freshDir(), '--output', 'json', ...args.slice(1)]);
      expect(JSON.parse(stdout).files[0].via).toBe('cdk');
      expect(cdkModules(modules)).toContain('aws-cdk-lib/core/lib/stack.js');
    }
  });
});

describe('what the direct writer takes from the installed aws-cdk-lib', () => {
  it('the L1 property order of every resource type matches the generated classes', () => {
    const files: Record<string, string> = { SageMaker: 'aws-sagemaker/lib/sagemaker', IAM: 'aws-iam/lib/iam', KMS: 'aws-kms/lib/kms', ApplicationAutoScaling: 'aws-applicationautoscaling/lib/applicationautoscaling', CloudWatch: 'aws-cloudwatch/lib/cloudwatch' };
    const lib = path.dirname(require.resolve('aws-cdk-lib/package.json'));
    for (const [type, order] of Object.entries(L1_PROPERTY_ORDER)) {
      const [, service, resource] = type.split('::');
      const source = fs.readFileSync(path.join(lib, `${files[service!]!}.generated.js`), 'utf8');
      const start = source.indexOf('get cfnProperties(){return{', source.indexOf(`class Cfn${resource} extends`));
      const body = source.slice(start + 'get cfnProperties(){return{'.length, source.indexOf('}}', start));
      expect([...body.matchAll(/(?:^|,)([A-Za-z0-9]+):/g)].map((m) => m[1]), type).toEqual(order);
    }
  });

  it('versions come from the installed packages, as the CDK app stamps them', async () => {
    const cdk = freshDir();
    await new AwsEmitter().emit(awsDeployments('qwen-chat.yaml'), cdk, 'spec.yaml');
    const v = installedVersions();
    expect(JSON.parse(fs.readFileSync(path.join(cdk, 'manifest.json'), 'utf8'))).toMatchObject({ version: v.schema, minimumCliVersion: v.minimumCliVersion });
    expect(JSON.parse(fs.readFileSync(path.join(cdk, 'tree.json'), 'utf8')).tree.constructInfo).toEqual({ fqn: 'aws-cdk-lib.App', version: v['aws-cdk-lib'] });
  });
});
