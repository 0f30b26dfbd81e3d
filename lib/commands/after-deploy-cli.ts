/**
 * Argument parsing and rendering of `inferstack status` and `inferstack invoke` (after a deployment lands). The
 * providers that talk to the clouds are injected by the entry point; this module never imports one.
 * Exit codes: 0 serving / answered, 1 not serving as specified / a failed request / invalid spec, 2 usage.
 */
import * as fs from 'node:fs';
import { parseArgs } from 'node:util';
import { IoHost, OutputFormat, table } from '../cli/io';
import { parseArgsMessage } from '../cli/registry';
import { runDiagnostic } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import type { TargetName } from '../spec/schema';
import { parseDurationSeconds } from '../spec/units';
import { answerText, invoke, InvokeOutcome, InvokeProvider } from './invoke';

/** Which model of a multi-model endpoint answered, and why that one. */
function modelNote(o: InvokeOutcome): string {
  if (o.targetModel === undefined) return '';
  return o.targetModelFrom === 'spec-first' ? `, model ${o.targetModel} (the first of multiModel.models; another with --model NAME)` : `, model ${o.targetModel}`;
}
import { renderStatusText, status, StatusProvider } from './status';

export interface AfterDeployProviders {
  readonly status: Partial<Record<TargetName, (opts: { endpoint?: string }) => Promise<StatusProvider>>>;
  readonly invoke: Partial<Record<TargetName, (opts: { endpoint?: string }) => Promise<InvokeProvider>>>;
  /** Why a PAI-EAS API endpoint override is not allowed, if it is not. */
  readonly checkEasEndpoint: (endpoint: string) => Promise<string | undefined>;
}

export const STATUS_USAGE = 'inferstack status SPEC [--target aws|alibaba|all] [--deployment NAME]... [--endpoint URL] [--output json]';
export const INVOKE_USAGE = 'inferstack invoke SPEC --deployment NAME [--target aws|alibaba] [--prompt TEXT | --body FILE|-] [--stream] [--model NAME] [--input-location s3://...] [--timeout 15m] [--poll-interval 5s] [--endpoint URL] [--output json]\n  inferstack invoke SPEC --smoke [--target aws|alibaba] [--body FILE] [--timeout 15m] [--poll-interval 5s] [--endpoint URL] [--output json]';

class UsageError extends Error {}

function targetsOf(value: string | undefined, allowAll: boolean): TargetName[] | undefined {
  if (value === undefined || (allowAll && value === 'all')) return undefined;
  if (value === 'aws' || value === 'alibaba') return [value];
  throw new UsageError(`--target must be aws, alibaba${allowAll ? ' or all' : ''}; got "${value}"`);
}

function bind<T>(loaders: Partial<Record<TargetName, (opts: { endpoint?: string }) => Promise<T>>>, endpoint: string | undefined): Partial<Record<TargetName, () => Promise<T>>> {
  const out: Partial<Record<TargetName, () => Promise<T>>> = {};
  for (const [target, load] of Object.entries(loaders) as Array<[TargetName, (opts: { endpoint?: string }) => Promise<T>]>) out[target] = () => load(endpoint ? { endpoint } : {});
  return out;
}

/** A positive duration flag (`90s`, `15m`, `500ms`) in milliseconds; undefined when not given. */
function durationMs(flag: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseDurationSeconds(String(value));
  } catch {
    throw new UsageError(`--${flag} takes a duration such as 90s, 15m or 500ms; got "${String(value)}"`);
  }
  if (seconds <= 0) throw new UsageError(`--${flag} must be longer than 0; got "${String(value)}"`);
  return Math.round(seconds * 1000);
}

export async function runAfterDeploy(command: 'status' | 'invoke', argv: string[], providers: AfterDeployProviders): Promise<number> {
  const usage = command === 'status' ? STATUS_USAGE : INVOKE_USAGE;
  let values;
  let spec: string;
  let targets: TargetName[] | undefined;
  let timeoutMs: number | undefined;
  let pollIntervalMs: number | undefined;
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        target: { type: 'string' },
        deployment: { type: 'string', multiple: true },
        output: { type: 'string' },
        endpoint: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...(command === 'invoke' ? { prompt: { type: 'string' }, body: { type: 'string' }, stream: { type: 'boolean' }, smoke: { type: 'boolean' }, 'input-location': { type: 'string' }, model: { type: 'string' }, timeout: { type: 'string' }, 'poll-interval': { type: 'string' } } : {}),
      } as const,
    });
    values = parsed.values as Record<string, string | string[] | boolean | undefined>;
    if (values.help) {
      process.stdout.write(`Usage:\n  ${usage}\n`);
      return 0;
    }
    if (parsed.positionals.length !== 1) throw new UsageError(parsed.positionals.length === 0 ? `${command} needs a SPEC file` : `unexpected argument "${parsed.positionals[1]}"`);
    spec = parsed.positionals[0]!;
    if (values.output !== undefined && values.output !== 'text' && values.output !== 'json') throw new UsageError(`--output must be text or json; got "${String(values.output)}"`);
    if (command === 'invoke') {
      const names = (values.deployment as string[] | undefined) ?? [];
      if (values.smoke && names.length > 0) throw new UsageError('--smoke calls every deployment; drop --deployment, or drop --smoke');
      if (!values.smoke && names.length !== 1) throw new UsageError('invoke needs exactly one --deployment NAME (or --smoke for every deployment)');
      if (values.prompt !== undefined && values.body !== undefined) throw new UsageError('give either --prompt or --body, not both');
      if (values.smoke && (values.stream || values.prompt !== undefined)) throw new UsageError('--smoke sends its own minimal request; --stream and --prompt do not apply');
      if (values.smoke && values.model !== undefined) throw new UsageError('--smoke calls each multi-model endpoint with the first of its multiModel.models; drop --model, or drop --smoke');
      timeoutMs = durationMs('timeout', values.timeout);
      pollIntervalMs = durationMs('poll-interval', values['poll-interval']);
    }
    targets = targetsOf(values.target as string | undefined, command === 'status');
  } catch (err) {
    const known = [...usage.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
    process.stderr.write(`inferstack: ${parseArgsMessage(err as Error & { code?: string }, known)}\n\nUsage:\n  ${usage}\n`);
    return 2;
  }
  const output = (values.output ?? 'text') as OutputFormat;
  const io = IoHost.fromProcess(output);
  const endpoint = (values.endpoint as string | undefined) ?? process.env.INFERSTACK_EAS_ENDPOINT;
  if (endpoint) {
    const problem = await providers.checkEasEndpoint(endpoint);
    if (problem) {
      // As deploy-eas reports it: a diagnostic, exit 1, no cloud call.
      const d = runDiagnostic(spec, Diagnostics.DeployEndpoint, { found: endpoint, reason: problem }, { hint: 'use https://, or a loopback http:// address for local testing' });
      if (output === 'json') io.json({ file: spec, ok: false, diagnostics: [d] });
      io.diagnostics([d]);
      return 1;
    }
  }
  if (command === 'status') {
    const r = await status(spec, { ...(targets ? { targets } : {}), deployments: (values.deployment as string[] | undefined) ?? [], providers: bind(providers.status, endpoint) });
    if (output === 'json') io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, deployments: r.deployments });
    io.diagnostics(r.diagnostics);
    if (output === 'text' && r.deployments.length > 0) io.out(renderStatusText(r.deployments, (c, t) => io.paint(c, t)));
    return r.ok ? 0 : 1;
  }

  let body: Uint8Array | undefined;
  if (values.body !== undefined) {
    try {
      body = values.body === '-' ? fs.readFileSync(0) : fs.readFileSync(values.body as string);
    } catch (err) {
      process.stderr.write(`inferstack: cannot read --body ${String(values.body)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}\n`);
      return 2;
    }
  }
  const smoke = !!values.smoke;
  const streamed = !!values.stream && output === 'text';
  const r = await invoke(spec, {
    ...(targets ? { target: targets[0]! } : {}),
    ...(!smoke ? { deployment: (values.deployment as string[])[0]! } : {}),
    ...(values.prompt !== undefined ? { prompt: values.prompt as string } : {}),
    ...(body ? { body } : {}),
    stream: !!values.stream,
    smoke,
    ...(values['input-location'] ? { inputLocation: values['input-location'] as string } : {}),
    ...(values.model !== undefined ? { model: values.model as string } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(streamed ? { onText: (_d: string, _t: TargetName, text: string) => void process.stdout.write(text) } : {}),
    providers: bind(providers.invoke, endpoint),
  });
  io.diagnostics(r.diagnostics);
  if (output === 'json') {
    io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, results: r.outcomes.map((o) => (smoke ? { ...o, output: undefined } : o)) });
    return r.ok ? 0 : 1;
  }
  if (smoke) {
    if (r.outcomes.length > 0) {
      io.out(table(['DEPLOYMENT', 'TARGET', 'RESULT', 'STATUS', 'LATENCY', 'EXCERPT'], r.outcomes.map((o) => [o.targetModel !== undefined ? `${o.deployment} (model ${o.targetModel})` : o.deployment, o.target, o.ok ? 'ok' : 'FAILED', o.httpStatus ? String(o.httpStatus) : '-', o.latencyMs !== undefined ? `${o.latencyMs} ms` : '-', o.ok ? (o.excerpt ?? '') : (o.error ?? '')])));
    }
    io.info(`smoke: ${r.outcomes.filter((o) => o.ok).length} of ${r.outcomes.length} passed`);
    return r.ok ? 0 : 1;
  }
  for (const o of r.outcomes) {
    if (streamed && o.ok) process.stdout.write('\n');
    else if (o.ok && o.output !== undefined) io.out(answerText(o.kind ?? 'raw', o.output));
    io.info(o.ok ? `${o.deployment} [${o.target}]: ${o.httpStatus ? `HTTP ${o.httpStatus}, ` : ''}${o.latencyMs} ms${o.outputLocation ? `, result at ${o.outputLocation}` : ''}${modelNote(o)}` : `${io.paint('31', '✗')} ${o.deployment} [${o.target}]: ${o.error}${modelNote(o)}`);
  }
  return r.ok ? 0 : 1;
}
