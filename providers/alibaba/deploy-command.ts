/**
 * The `deploy-eas` command as a library call: `main(argv)` returns the exit code. Plans, applies and waits for the
 * spec's Alibaba deployments on PAI-EAS through the client and deployer of this folder. Never loads aws-cdk-lib.
 */
import type { SecretResolver } from './secrets';
import { parseArgs } from 'node:util';
import type * as readlineModule from 'node:readline';
import type { IoHost, OutputFormat } from '../../lib/cli/io';
import type { Diagnostic } from '../../lib/diagnostics/diagnostic';
import type { Diagnostics as DiagnosticsRegistry } from '../../lib/diagnostics/registry';
import type { DeploymentIR } from '../../lib/ir';
import type { PlanEntry } from './plan';
import { parseDurationSeconds } from '../../lib/spec/units';

// Heavier modules load after the arguments are parsed, so `--help` and usage errors start fast.
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  io: () => require('../../lib/cli/io') as typeof import('../../lib/cli/io'),
  compile: () => require('../../lib/compile') as typeof import('../../lib/compile'),
  diagnostic: () => require('../../lib/diagnostics/diagnostic') as typeof import('../../lib/diagnostics/diagnostic'),
  registry: () => require('../../lib/diagnostics/registry') as typeof import('../../lib/diagnostics/registry'),
  readline: () => require('node:readline') as typeof readlineModule,
  cliRegistry: () => require('../../lib/cli/registry') as typeof import('../../lib/cli/registry'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

import { USAGE, VERSION } from './deploy-usage';
import { REGION_PATTERN } from './region-bound';

const CREDENTIAL_SOURCES =
  'looked at ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN), ' +
  'ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_PROVIDER_ARN + ALIBABA_CLOUD_OIDC_TOKEN_FILE, the Aliyun CLI profile ~/.aliyun/config.json (ALIBABA_CLOUD_PROFILE), ' +
  'the credentials file ~/.alibabacloud/credentials (ALIBABA_CLOUD_CREDENTIALS_FILE), the ECS RAM role (unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true) and ALIBABA_CLOUD_CREDENTIALS_URI';

class UsageError extends Error {}

const REPORT_GRACE_MS = 5000;

interface Options {
  spec: string;
  deployments: string[];
  dryRun: boolean;
  yes: boolean;
  destroy: boolean;
  prune: boolean;
  adopt: boolean;
  probe: boolean;
  region?: string;
  endpoint?: string;
  output: OutputFormat;
  timeoutMs: number;
  concurrency: number;
  pollIntervalMs: number;
  showToken: boolean;
}

function parse(argv: string[]): Options | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      deployment: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      destroy: { type: 'boolean' },
      prune: { type: 'boolean' },
      adopt: { type: 'boolean' },
      'no-probe': { type: 'boolean' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      output: { type: 'string' },
      timeout: { type: 'string' },
      concurrency: { type: 'string' },
      'poll-interval': { type: 'string' },
      'show-token': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing SPEC' : `unexpected argument "${positionals[1]}"`);
  const output = (values.output ?? 'text') as OutputFormat;
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be text or json; got "${values.output}"`);
  const duration = (flag: string, v: string | undefined, fallback: string) => {
    try {
      return parseDurationSeconds(v ?? fallback) * 1000;
    } catch {
      throw new UsageError(`--${flag} takes a duration such as 30m or 90s; got "${v}"`);
    }
  };
  const concurrency = Number(values.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError(`--concurrency takes a whole number from 1 to 256; got "${values.concurrency}"`);
  // A region is a name, never a host: it becomes part of the API host name.
  if (values.region !== undefined && !REGION_PATTERN.test(values.region)) throw new UsageError(`--region takes a region ID such as cn-hangzhou; got "${oneLine(values.region).slice(0, 60)}"`);
  return {
    spec: positionals[0]!,
    deployments: values.deployment ?? [],
    dryRun: !!values['dry-run'],
    yes: !!values.yes,
    destroy: !!values.destroy,
    prune: !!values.prune,
    adopt: !!values.adopt,
    probe: !values['no-probe'],
    ...(values.region ? { region: values.region } : {}),
    ...((values.endpoint ?? process.env.INFERSTACK_EAS_ENDPOINT) ? { endpoint: values.endpoint ?? process.env.INFERSTACK_EAS_ENDPOINT } : {}),
    output,
    timeoutMs: duration('timeout', values.timeout, '30m'),
    concurrency,
    pollIntervalMs: duration('poll-interval', values['poll-interval'], '5s'),
    showToken: !!values['show-token'],
  };
}

/** Our own text for Node's argument-parser errors: the unknown option and the closest known one. */
function usageMessage(err: Error & { code?: string }): string {
  return lazy.cliRegistry().parseArgsMessage(err, [...USAGE.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]));
}

/** A diagnostic about the run (credentials, endpoint, confirmation), not about a line of the spec. */
function cliDiagnostic(spec: string, def: (typeof DiagnosticsRegistry)[keyof typeof DiagnosticsRegistry], args: Record<string, string>, hint: string): Diagnostic {
  return lazy.diagnostic().runDiagnostic(spec, def, args, { hint });
}

async function confirm(question: string): Promise<boolean> {
  const rl = lazy.readline().createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

type Fail = (diagnostics: readonly Diagnostic[], extra?: Record<string, unknown>) => number;

export async function main(argv: string[]): Promise<number> {
  let opts: Options | 'help' | 'version';
  try {
    opts = parse(argv);
  } catch (err) {
    process.stderr.write(`deploy-eas: ${usageMessage(err as Error & { code?: string })}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (opts === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const o: Options = opts;
  const io = lazy.io().IoHost.fromProcess(o.output);
  const fail: Fail = (diagnostics, extra = {}) => {
    if (o.output === 'json') io.json({ ok: false, diagnostics, ...extra });
    io.diagnostics(diagnostics);
    return 1;
  };
  return run(o, io, fail);
}

async function run(o: Options, io: IoHost, fail: Fail): Promise<number> {
  const Diagnostics = lazy.registry().Diagnostics;
  // 1. Compile (no cloud call until the spec is valid); --region compiles the services for that region.
  // AWS-only errors do not block PAI-EAS deployments (they are shown as notes).
  const compiled = lazy.compile().compileSpecFile(o.spec, { targets: ['alibaba'], ...(o.region ? { alibabaRegion: o.region } : {}) });
  if (!compiled.ok) return fail(compiled.diagnostics);
  io.diagnostics(compiled.diagnostics);
  const selected = selectDeployments(o, compiled.deployments.filter((d) => d.target === 'alibaba'));
  if (typeof selected === 'string') return fail([cliDiagnostic(o.spec, Diagnostics.DeployUnknownDeployment, { found: selected }, `use one of: ${compiled.deployments.filter((d) => d.target === 'alibaba').map((d) => d.name).join(', ') || '(none target alibaba)'}`)]);
  // With --prune and --region, a spec whose deployments all left still finds its services in that region.
  if (selected.length === 0 && !(o.prune && o.region)) {
    if (o.output === 'json') io.json({ ok: true, deployments: [] });
    else io.info(`${o.spec}: no deployment targets alibaba; nothing to do${o.prune ? ' (give --region to prune this spec\'s services there)' : ''}`);
    return 0;
  }
  if (o.region) {
    const bound = await regionBoundDiagnostics(o, selected);
    if (bound.length > 0) return fail(bound);
  }
  // 2. Endpoint and credentials
  if (o.endpoint) {
    const { checkEndpointAllowed } = await import('./eas-client');
    const problem = checkEndpointAllowed(o.endpoint);
    if (problem) return fail([cliDiagnostic(o.spec, Diagnostics.DeployEndpoint, { found: o.endpoint, reason: problem }, 'use https://, or a loopback http:// address for local testing')]);
  }
  const credential = await loadCredential();
  if ('error' in credential) return fail([cliDiagnostic(o.spec, Diagnostics.DeployCredentials, { detail: CREDENTIAL_SOURCES }, `set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile with "aliyun configure" (${oneLine(credential.error)})`)]);
  const secrets = await secretResolverFor(selected, credential.credential);
  if (typeof secrets === 'string') return fail([cliDiagnostic(o.spec, Diagnostics.DeployEndpoint, { found: process.env.INFERSTACK_KMS_ENDPOINT ?? '', reason: secrets }, 'INFERSTACK_KMS_ENDPOINT takes https://, or a loopback http:// address for local testing')]);
  const live = new (await import('./deploy-output')).StatusLine(io, o.output === 'text' && io.isTty);
  const regions = await makeDeployers(o, io, selected, compiled.specName, credential.credential, live, secrets);

  // 3. Plan
  const planned = await planAll(o, regions);
  if ('error' in planned) return fail([await planError(o, planned.error)]);
  return decideAndApply(o, io, fail, planned.plans, live, secrets);
}

function selectDeployments(o: Options, all: DeploymentIR[]): DeploymentIR[] | string {
  for (const name of o.deployments) if (!all.some((d) => d.name === name)) return name;
  return o.deployments.length > 0 ? all.filter((d) => o.deployments.includes(d.name)) : all;
}

async function regionBoundDiagnostics(o: Options, deployments: readonly DeploymentIR[]): Promise<Diagnostic[]> {
  const [{ regionBoundValues }, { buildServiceConfig }] = await Promise.all([import('./region-bound'), import('./service-config')]);
  const Diagnostics = lazy.registry().Diagnostics;
  return deployments.flatMap((d) =>
    regionBoundValues(buildServiceConfig(d), o.region!).map((b) =>
      cliDiagnostic(o.spec, Diagnostics.DeployRegionBound, { region: o.region!, setting: `${d.name}: ${b.path} (${b.host})`, bound: b.region }, `use a value of region ${o.region} (or leave it to inferstack), or deploy without --region`),
    ),
  );
}

async function loadCredential(): Promise<{ credential: unknown } | { error: string }> {
  const CredentialModule = await import('@alicloud/credentials');
  const Credential = (CredentialModule as unknown as { default: new () => { getCredential(): Promise<{ accessKeyId?: string }> } }).default;
  try {
    const credential = new Credential();
    const c = await credential.getCredential();
    if (!c.accessKeyId) throw new Error('empty credentials');
    return { credential };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

interface RegionRun {
  readonly region: string;
  readonly deployments: DeploymentIR[];
  readonly deployer: import('./deployer').Deployer;
  readonly client: import('./eas-client').EasClient;
}

/** A KMS secret reader for the deployments that have `container.secrets`, or why its endpoint is not allowed. */
async function secretResolverFor(deployments: readonly DeploymentIR[], credential: unknown): Promise<SecretResolver | string | undefined> {
  if (!deployments.some((d) => (d.secrets ?? []).length > 0)) return undefined;
  const endpoint = process.env.INFERSTACK_KMS_ENDPOINT;
  const { checkEndpointAllowed } = await import('./eas-client');
  const problem = endpoint ? checkEndpointAllowed(endpoint) : undefined;
  if (problem) return problem;
  const { KmsSecretReader, SecretResolver } = await import('./secrets');
  return new SecretResolver(new KmsSecretReader({ credential, ...(endpoint ? { endpoint } : {}) }));
}

async function makeDeployers(o: Options, io: IoHost, deployments: DeploymentIR[], specName: string, credential: unknown, live: import('./deploy-output').StatusLine, secrets: SecretResolver | undefined): Promise<RegionRun[]> {
  const [{ EasClient }, { Deployer }] = await Promise.all([import('./eas-client'), import('./deployer')]);
  const byRegion = new Map<string, DeploymentIR[]>();
  for (const d of deployments) byRegion.set(d.alibaba!.region, [...(byRegion.get(d.alibaba!.region) ?? []), d]);
  // --prune with no deployment left in the spec still looks for this spec's services in --region.
  if (byRegion.size === 0 && o.region) byRegion.set(o.region, []);
  // The run's calls end with --timeout, plus a moment to read why a service did not become Running.
  const deadline = Date.now() + o.timeoutMs + REPORT_GRACE_MS;
  return Promise.all(
    [...byRegion.entries()].map(async ([region, ds]) => {
      const client = new EasClient({ region, ...(o.endpoint ? { endpoint: o.endpoint } : {}), credential, deadline, onRetry: (action, attempt, delay, reason) => io.info(`  retrying ${action} in ${delay} ms (attempt ${attempt + 1}): ${reason}`) });
      await client.loadSecrets();
      const deployer = new Deployer({ client, specName, concurrency: o.concurrency, timeoutMs: o.timeoutMs, pollIntervalMs: o.pollIntervalMs, showToken: o.showToken, probe: o.probe, adopt: o.adopt, onProgress: (e) => live.update(e), ...(secrets ? { secrets } : {}) });
      return { region, deployments: ds, deployer, client };
    }),
  );
}

async function planAll(o: Options, regions: RegionRun[]): Promise<{ plans: Array<RegionRun & { plan: PlanEntry[] }> } | { error: unknown }> {
  try {
    const mode = { destroy: o.destroy, prune: o.prune, partial: o.deployments.length > 0 };
    return { plans: await Promise.all(regions.map(async (r) => ({ ...r, plan: await r.deployer.plan(r.deployments, mode) }))) };
  } catch (error) {
    return { error };
  }
}

async function planError(o: Options, err: unknown): Promise<Diagnostic> {
  const Diagnostics = lazy.registry().Diagnostics;
  const { SecretError } = await import('./secrets');
  if (err instanceof SecretError) return cliDiagnostic(o.spec, Diagnostics.SecretRead, { name: err.secretName, reference: err.reference, detail: err.message }, 'check the secret ARN, and that the credentials may call kms:GetSecretValue on it (and kms:Decrypt on its key)');
  const e = err as { action?: string; code?: string; message?: string; statusCode?: number; auth?: boolean };
  const detail = `${e.action ?? 'request'}: ${e.code ?? ''}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${e.message ?? String(err)}`;
  if (e.auth) return cliDiagnostic(o.spec, Diagnostics.DeployCredentialsRefused, { detail }, 'check ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN, which expires) or your profile; nothing was planned or changed');
  return cliDiagnostic(o.spec, Diagnostics.DeployApi, { action: e.action ?? 'request', service: '', detail: `${e.code ?? ''}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${e.message ?? String(err)}` }, 'check the endpoint, region and network, then run again');
}

async function decideAndApply(o: Options, io: IoHost, fail: Fail, plans: Array<RegionRun & { plan: PlanEntry[] }>, live: import('./deploy-output').StatusLine, secrets: SecretResolver | undefined): Promise<number> {
  const out = await import('./deploy-output');
  const Diagnostics = lazy.registry().Diagnostics;
  const allPlan = plans.flatMap((p) => p.plan);
  if (o.output === 'text') out.printPlan(io, allPlan);
  const refused = allPlan.filter((p) => p.action === 'refused');
  if (refused.length > 0) {
    return fail(
      refused.map((p) => cliDiagnostic(o.spec, Diagnostics.DeployNotOurs, { service: p.service, deployment: p.deployment, owner: p.owner ?? 'unknown' }, 'rename the deployment (targets.alibaba.serviceName) to leave it alone, or run again with --adopt to take it over; nothing was changed')),
      { plan: allPlan.map(out.planJson) },
    );
  }
  const noRoom = allPlan.filter((p) => p.room?.kind === 'noRoom');
  const roomHint = 'add a node to the resource group or free one, or lower resources.cpu / resources.memory; nothing was changed';
  if (noRoom.length > 0) {
    return fail(
      noRoom.map((p) => cliDiagnostic(o.spec, Diagnostics.DeployGroupNoRoom, { group: p.room!.group, service: p.service, deployment: p.deployment, detail: 'detail' in p.room! ? p.room.detail : '' }, roomHint)),
      { plan: allPlan.map(out.planJson) },
    );
  }
  io.diagnostics(allPlan.flatMap((p) => roomWarnings(o.spec, p)));
  const pending = allPlan.filter((p) => ['create', 'update', 'delete', 'unhealthy'].includes(p.action));
  if (o.dryRun) {
    if (o.output === 'json') io.json({ ok: true, dryRun: true, plan: allPlan.map(out.planJson), serviceConfigs: Object.fromEntries(allPlan.filter((p) => p.shown ?? p.desired).map((p) => [p.service, out.serviceJson(p)])) });
    else {
      for (const p of allPlan.filter((x) => (x.shown ?? x.desired) && x.action !== 'no-change')) {
        io.out(`\n# ${p.service}.eas.json`);
        io.out(JSON.stringify(out.serviceJson(p), null, 2));
      }
      io.info('dry run: nothing was changed');
    }
    return 0;
  }
  if (pending.length === 0) {
    const kept = allPlan.filter((p) => p.action === 'orphan').length;
    if (o.output === 'json') io.json({ ok: true, plan: allPlan.map(out.planJson), deployments: [] });
    else io.info(`No changes. Every service matches the spec and is Running.${kept > 0 ? ` ${kept} service(s) no longer in the spec were kept; --prune deletes them.` : ''}`);
    return 0;
  }
  const writes = pending.filter((p) => p.action !== 'unhealthy' || p.serviceChanged);
  if (writes.length > 0 && !o.yes) {
    if (!process.stdin.isTTY || !io.isTty) return fail([cliDiagnostic(o.spec, Diagnostics.DeployNeedsYes, {}, 'review the plan above, then run again with --yes')], { plan: allPlan.map(out.planJson) });
    if (!(await confirm(`Apply ${writes.length} change(s)? [y/N] `))) {
      // Declining is the user's choice, not a failed deployment: exit 2, as the README says.
      io.info('Cancelled; nothing was changed.');
      return 2;
    }
  }
  // 4. Apply and wait
  const applied = (await Promise.all(plans.map((p) => p.deployer.apply(p.plan, p.deployments)))).flat();
  // A server may echo what it was sent: no secret value reaches the output.
  const outcomes = secrets ? applied.map((x) => (x.error ? { ...x, error: secrets.redact(x.error) } : x)) : applied;
  live.done();
  const ok = outcomes.every((x) => x.ok);
  if (o.output === 'json') io.json({ ok, plan: allPlan.map(out.planJson), deployments: outcomes, apiCalls: Object.fromEntries(plans.map((p) => [p.region, p.client.calls.length])) });
  else out.printOutcomes(io, outcomes, o.showToken);
  return ok ? 0 : 1;
}

/** Warnings about a dedicated resource group's room: no room for a surge instance, or nodes that cannot be read. */
function roomWarnings(spec: string, p: PlanEntry): Diagnostic[] {
  const Diagnostics = lazy.registry().Diagnostics;
  const room = p.room;
  const who = { service: p.service, deployment: p.deployment };
  if (room?.kind === 'noSurge') {
    const stopped = room.alone ? 'its only instance first: the service is unavailable until the new one is ready' : 'one old instance first: one instance short meanwhile';
    return [cliDiagnostic(spec, Diagnostics.DeployGroupNoSurge, { group: room.group, ...who, detail: room.detail, stopped }, 'add a node or leave room for one more instance in the group, or run two or more instances')];
  }
  if (room?.kind === 'unknown') {
    const consequence = p.action === 'create' ? 'its room is not checked' : 'the update keeps its surge strategy (a new instance before an old one stops): if no node has room for it, the rollout stalls until the timeout and the old version keeps serving';
    return [cliDiagnostic(spec, Diagnostics.DeployGroupUnreadable, { group: room.group, ...who, detail: room.detail, consequence }, 'allow eas:ListResourceInstances on the resource group')];
  }
  return [];
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}
