/**
 * The `deploy-eas` command as a library call: `main(argv)` returns the exit code. Plans, applies and waits for the
 * spec's Alibaba deployments on PAI-EAS through the client and deployer of this folder. Never loads aws-cdk-lib.
 */
import { parseArgs } from 'node:util';
import type * as readlineModule from 'node:readline';
import type { IoHost, OutputFormat } from '../../lib/cli/io';
import type { Diagnostic } from '../../lib/diagnostics/diagnostic';
import type { Diagnostics as DiagnosticsRegistry } from '../../lib/diagnostics/registry';
import type { DeploymentIR } from '../../lib/ir';
import { parseDurationSeconds } from '../../lib/spec/units';

// Heavier modules load after the arguments are parsed, so `--help` and usage errors start fast.
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  io: () => require('../../lib/cli/io') as typeof import('../../lib/cli/io'),
  compile: () => require('../../lib/compile') as typeof import('../../lib/compile'),
  diagnostic: () => require('../../lib/diagnostics/diagnostic') as typeof import('../../lib/diagnostics/diagnostic'),
  registry: () => require('../../lib/diagnostics/registry') as typeof import('../../lib/diagnostics/registry'),
  readline: () => require('node:readline') as typeof readlineModule,
};
/* eslint-enable @typescript-eslint/no-require-imports */

import { USAGE, VERSION } from './deploy-usage';

const CREDENTIAL_SOURCES =
  'looked at ALIBABA_CLOUD_ACCESS_KEY_ID + ALIBABA_CLOUD_ACCESS_KEY_SECRET (+ ALIBABA_CLOUD_SECURITY_TOKEN), ' +
  'ALIBABA_CLOUD_ROLE_ARN + ALIBABA_CLOUD_OIDC_PROVIDER_ARN + ALIBABA_CLOUD_OIDC_TOKEN_FILE, the Aliyun CLI profile ~/.aliyun/config.json (ALIBABA_CLOUD_PROFILE), ' +
  'the credentials file ~/.alibabacloud/credentials (ALIBABA_CLOUD_CREDENTIALS_FILE), the ECS RAM role (unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true) and ALIBABA_CLOUD_CREDENTIALS_URI';

class UsageError extends Error {}

interface Options {
  spec: string;
  deployments: string[];
  dryRun: boolean;
  yes: boolean;
  destroy: boolean;
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
  return {
    spec: positionals[0]!,
    deployments: values.deployment ?? [],
    dryRun: !!values['dry-run'],
    yes: !!values.yes,
    destroy: !!values.destroy,
    ...(values.region ? { region: values.region } : {}),
    ...((values.endpoint ?? process.env.INFERSTACK_EAS_ENDPOINT) ? { endpoint: values.endpoint ?? process.env.INFERSTACK_EAS_ENDPOINT } : {}),
    output,
    timeoutMs: duration('timeout', values.timeout, '30m'),
    concurrency,
    pollIntervalMs: duration('poll-interval', values['poll-interval'], '5s'),
    showToken: !!values['show-token'],
  };
}

function cliDiagnostic(spec: string, def: (typeof DiagnosticsRegistry)[keyof typeof DiagnosticsRegistry], args: Record<string, string>, hint: string): Diagnostic {
  return lazy.diagnostic().fileDiagnostic(spec, def, args, { hint });
}

async function confirm(io: IoHost, question: string): Promise<boolean> {
  const rl = lazy.readline().createInterface({ input: process.stdin, output: process.stderr });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  void io;
  return /^y(es)?$/i.test(answer.trim());
}

export async function main(argv: string[]): Promise<number> {
  let opts: Options | 'help' | 'version';
  try {
    opts = parse(argv);
  } catch (err) {
    process.stderr.write(`deploy-eas: ${(err as Error).message}\n\n${USAGE}`);
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
  const io = lazy.io().IoHost.fromProcess(opts.output);
  const Diagnostics = lazy.registry().Diagnostics;
  const o: Options = opts;
  const fail = (diagnostics: readonly Diagnostic[], extra: Record<string, unknown> = {}): number => {
    if (o.output === 'json') io.json({ ok: false, diagnostics, ...extra });
    io.diagnostics(diagnostics);
    return 1;
  };

  // 1. Compile (no cloud call until the spec is valid)
  const compiled = lazy.compile().compileSpecFile(opts.spec);
  io.diagnostics(compiled.diagnostics.filter((d) => d.severity === 'warning' && d.target !== 'aws'));
  if (!compiled.ok) return fail(compiled.diagnostics.filter((d) => d.target !== 'aws' || d.severity === 'error'));
  let deployments: DeploymentIR[] = compiled.deployments.filter((d) => d.target === 'alibaba');
  for (const name of opts.deployments) {
    if (!deployments.some((d) => d.name === name)) {
      return fail([cliDiagnostic(opts.spec, Diagnostics.DeployUnknownDeployment, { found: name }, `use one of: ${deployments.map((d) => d.name).join(', ') || '(none target alibaba)'}`)]);
    }
  }
  if (o.deployments.length > 0) deployments = deployments.filter((d) => o.deployments.includes(d.name));
  if (deployments.length === 0) {
    if (opts.output === 'json') io.json({ ok: true, deployments: [] });
    else io.info(`${opts.spec}: no deployment targets alibaba; nothing to do`);
    return 0;
  }
  // 2. Endpoint and credentials
  if (opts.endpoint) {
    const { checkEndpointAllowed } = await import('./eas-client');
    const problem = checkEndpointAllowed(opts.endpoint);
    if (problem) return fail([cliDiagnostic(opts.spec, Diagnostics.DeployEndpoint, { found: opts.endpoint, reason: problem }, 'use https://, or a loopback http:// address for local testing')]);
  }
  const [{ EasClient }, { Deployer }, CredentialModule] = await Promise.all([import('./eas-client'), import('./deployer'), import('@alicloud/credentials')]);
  const Credential = (CredentialModule as unknown as { default: new () => { getCredential(): Promise<{ accessKeyId?: string }> } }).default;
  let credential: InstanceType<typeof Credential>;
  try {
    credential = new Credential();
    const c = await credential.getCredential();
    if (!c.accessKeyId) throw new Error('empty credentials');
  } catch (err) {
    return fail([cliDiagnostic(opts.spec, Diagnostics.DeployCredentials, { detail: `${CREDENTIAL_SOURCES}` }, `set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile with "aliyun configure" (${oneLine((err as Error).message)})`)]);
  }

  const secrets = await secretResolverFor(deployments, credential);
  if (typeof secrets === 'string') return fail([cliDiagnostic(opts.spec, Diagnostics.DeployEndpoint, { found: process.env.INFERSTACK_KMS_ENDPOINT ?? '', reason: secrets }, 'INFERSTACK_KMS_ENDPOINT takes https://, or a loopback http:// address for local testing')]);
  const byRegion = new Map<string, DeploymentIR[]>();
  for (const d of deployments) {
    const region = opts.region ?? d.alibaba!.region;
    byRegion.set(region, [...(byRegion.get(region) ?? []), d]);
  }
  const live = new StatusLine(io, opts.output === 'text' && io.isTty);
  const deployers = [...byRegion.entries()].map(([region, ds]) => {
    const client = new EasClient({
      region,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      credential,
      onRetry: (action, attempt, delay, reason) => io.info(`  retrying ${action} in ${delay} ms (attempt ${attempt + 1}): ${reason}`),
    });
    const deployer = new Deployer({
      client,
      concurrency: o.concurrency,
      timeoutMs: o.timeoutMs,
      pollIntervalMs: o.pollIntervalMs,
      showToken: o.showToken,
      onProgress: (e) => live.update(e),
      ...(secrets ? { secrets } : {}),
    });
    return { region, deployments: ds, deployer, client };
  });

  // 3. Plan
  let plans;
  try {
    plans = await Promise.all(deployers.map(async (d) => ({ ...d, plan: await d.deployer.plan(d.deployments, opts.destroy) })));
  } catch (err) {
    const { SecretError } = await import('./secrets');
    if (err instanceof SecretError) return fail([cliDiagnostic(opts.spec, Diagnostics.SecretRead, { name: err.secretName, reference: err.reference, detail: err.message }, 'check the secret ARN, and that the credentials may call kms:GetSecretValue on it (and kms:Decrypt on its key)')]);
    const e = err as { action?: string; code?: string; message?: string; statusCode?: number };
    return fail([cliDiagnostic(opts.spec, Diagnostics.DeployApi, { action: e.action ?? 'request', service: '', detail: `${e.code ?? ''}${e.statusCode ? ` (HTTP ${e.statusCode})` : ''}: ${e.message ?? String(err)}` }, /Signature|AccessKey/i.test(e.code ?? '') ? 'the AccessKey is wrong: check ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET' : 'check the endpoint, region and network, then run again')]);
  }
  const allPlan = plans.flatMap((p) => p.plan);
  if (opts.output === 'text') printPlan(io, allPlan);
  const pending = allPlan.filter((p) => p.action !== 'no-change' && p.action !== 'absent');

  if (opts.dryRun) {
    if (opts.output === 'json') {
      io.json({ ok: true, dryRun: true, plan: allPlan.map(planJson), serviceConfigs: Object.fromEntries(allPlan.filter((p) => p.shown).map((p) => [p.service, { ...p.shown!.service, ...(p.shown!.autoscaler ? { autoscaler: p.shown!.autoscaler } : {}), ...(p.shown!.cronscaler ? { cronscaler: p.shown!.cronscaler } : {}) }])) });
    } else {
      for (const p of allPlan.filter((x) => x.shown && x.action !== 'no-change')) {
        io.out(`\n# ${p.service}.eas.json`);
        io.out(JSON.stringify({ ...p.shown!.service, ...(p.shown!.autoscaler ? { autoscaler: p.shown!.autoscaler } : {}), ...(p.shown!.cronscaler ? { cronscaler: p.shown!.cronscaler } : {}) }, null, 2));
      }
      io.info('dry run: nothing was changed');
    }
    return 0;
  }
  if (pending.length === 0) {
    if (opts.output === 'json') io.json({ ok: true, plan: allPlan.map(planJson), deployments: [] });
    else io.info('No changes. Every service matches the spec.');
    return 0;
  }
  if (!opts.yes) {
    if (!process.stdin.isTTY || !io.isTty) {
      return fail([cliDiagnostic(opts.spec, Diagnostics.DeployNeedsYes, {}, 'review the plan above, then run again with --yes')], { plan: allPlan.map(planJson) });
    }
    const ok = await confirm(io, `Apply ${pending.length} change(s)? [y/N] `);
    if (!ok) {
      io.info('Cancelled; nothing was changed.');
      return 1;
    }
  }

  // 4. Apply and wait
  const outcomes = (await Promise.all(plans.map((p) => p.deployer.apply(p.plan.filter((e) => e.action !== 'no-change'), p.deployments)))).flat();
  live.done();
  const ok = outcomes.every((o) => o.ok);
  const callsPerRegion = Object.fromEntries(deployers.map((d) => [d.region, d.client.calls.length]));
  if (opts.output === 'json') {
    io.json({ ok, plan: allPlan.map(planJson), deployments: secrets ? outcomes.map((x) => (x.error ? { ...x, error: secrets.redact(x.error) } : x)) : outcomes, apiCalls: callsPerRegion });
  } else {
    for (const o of outcomes) {
      if (o.ok) {
        io.out(`${io.paint('32', o.action === 'delete' ? '-' : '✓')} ${o.service} (${o.deployment}): ${o.status}${o.totalInstances !== undefined ? ` ${o.runningInstances}/${o.totalInstances} instances` : ''}`);
        if (o.internetEndpoint) io.out(`    endpoint: ${o.internetEndpoint}`);
        if (o.intranetEndpoint) io.out(`    VPC endpoint: ${o.intranetEndpoint}`);
        if (o.token) io.out(`    token: ${o.token}${opts.showToken ? '' : ' (masked; --show-token prints it)'}`);
        if (o.callHint) io.out(`    call: ${o.callHint}`);
      } else {
        io.info(`${io.paint('31', '✗')} ${o.service} (${o.deployment}): ${secrets ? secrets.redact(o.error ?? '') : o.error}`);
        for (const e of o.events ?? []) io.info(`    event: ${e}`);
        if (o.hint) io.info(`    fix: ${o.hint}`);
      }
    }
  }
  return ok ? 0 : 1;
}

/** A KMS secret reader for the deployments that have `container.secrets`, or why its endpoint is not allowed. */
async function secretResolverFor(deployments: readonly DeploymentIR[], credential: unknown): Promise<import('./secrets').SecretResolver | string | undefined> {
  if (!deployments.some((d) => (d.secrets ?? []).length > 0)) return undefined;
  const endpoint = process.env.INFERSTACK_KMS_ENDPOINT;
  const { checkEndpointAllowed } = await import('./eas-client');
  const problem = endpoint ? checkEndpointAllowed(endpoint) : undefined;
  if (problem) return problem;
  const { KmsSecretReader, SecretResolver } = await import('./secrets');
  return new SecretResolver(new KmsSecretReader({ credential, ...(endpoint ? { endpoint } : {}) }));
}

function oneLine(s: string): string {
  return s.split('\n')[0]!.slice(0, 200);
}

function planJson(p: { deployment: string; service: string; action: string; changes: readonly { path: string; from: unknown; to: unknown }[] }) {
  return { deployment: p.deployment, service: p.service, action: p.action, changes: p.changes };
}

function printPlan(io: IoHost, plan: ReadonlyArray<{ deployment: string; service: string; action: string; changes: readonly { path: string; from: unknown; to: unknown }[] }>): void {
  const symbol: Record<string, string> = { create: '+', update: '~', delete: '-', 'no-change': '=', absent: ' ' };
  io.out('Plan:');
  for (const p of plan) {
    const label = p.action === 'no-change' ? 'no change' : p.action === 'absent' ? 'absent (nothing to delete)' : p.action;
    io.out(`  ${symbol[p.action]} ${p.service} (${p.deployment}): ${label}`);
    for (const c of p.changes) io.out(`      ${c.path}: ${lazy.io().shortJson(c.from, 100)} -> ${lazy.io().shortJson(c.to, 100)}`);
  }
  const count = (a: string) => plan.filter((p) => p.action === a).length;
  io.out(`  ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${count('no-change')} unchanged`);
}


/** A live status line on a TTY; plain progress lines (on change only) otherwise. */
class StatusLine {
  private readonly last = new Map<string, string>();
  private readonly state = new Map<string, string>();

  constructor(
    private readonly io: IoHost,
    private readonly tty: boolean,
  ) {}

  update(e: { service: string; status: string; running?: number; total?: number; elapsedMs: number; warning?: string }): void {
    const text = `${e.service}: ${e.status}${e.total !== undefined ? ` ${e.running ?? 0}/${e.total}` : ''} (${Math.round(e.elapsedMs / 1000)}s)${e.warning ? ` ! ${e.warning}` : ''}`;
    if (this.tty) {
      this.state.set(e.service, text);
      process.stderr.write(`\r\u001b[2K${[...this.state.values()].join(' | ')}`);
      return;
    }
    const key = `${e.status}|${e.running}|${e.total}`;
    if (this.last.get(e.service) === key) return;
    this.last.set(e.service, key);
    this.io.info(`  ${text}`);
  }

  done(): void {
    if (this.tty && this.state.size > 0) process.stderr.write('\n');
  }
}

