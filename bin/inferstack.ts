#!/usr/bin/env node
/** Entry point of `inferstack`: argument parsing and wiring only; the verbs live in lib/commands. */
import { parseArgs } from 'node:util';
import { IoHost, OutputFormat, summarizeDiagnostics, table } from '../lib/cli/io';
import { synth, Emitter } from '../lib/commands/synth';
import { validate } from '../lib/commands/validate';
import { formatBytes } from '../lib/spec/units';
import type { TargetName } from '../lib/spec/schema';

const VERSION = '0.1.0';

const USAGE = `inferstack ${VERSION} - one YAML spec for ML model serving on AWS SageMaker and Alibaba Cloud PAI-EAS

Usage:
  inferstack validate SPEC [--output json]
  inferstack plan SPEC [--target aws|alibaba] [--output json]
  inferstack synth SPEC [--target aws|alibaba|all] [--out DIR] [--validate] [--output json]
  inferstack diff SPEC --against DIR [--allow-destructive] [--format text|markdown] [--output json]
  inferstack diff SPEC --against DIR [--allow-destructive] [--format text|markdown] [--output json]
  inferstack schema
  inferstack status SPEC [--target aws|alibaba|all] [--deployment NAME]... [--endpoint URL]
  inferstack invoke SPEC (--deployment NAME [--prompt TEXT | --body FILE|-] [--stream] | --smoke) [--target T]

Exit codes: 0 success, 1 invalid spec, 2 usage error, 3 destructive change (diff).
`;

class UsageError extends Error {}

function parseTarget(value: string | undefined, allowAll: boolean): TargetName[] | undefined {
  if (value === undefined) return undefined;
  if (value === 'aws' || value === 'alibaba') return [value];
  if (allowAll && value === 'all') return ['aws', 'alibaba'];
  throw new UsageError(`--target must be aws, alibaba${allowAll ? ' or all' : ''}; got "${value}"`);
}

/** `validate`: also run aws-cdk-lib's built-in CloudFormation validator over the templates (`synth --validate`). */
async function loadAwsEmitter(validate = false): Promise<Emitter> {
  const { AwsEmitter } = await import('../providers/aws/emitter');
  return new AwsEmitter({ validate });
}

async function loadAlibabaEmitter(): Promise<Emitter> {
  const { AlibabaEmitter } = await import('../providers/alibaba/emitter');
  return new AlibabaEmitter();
}

export async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'status' || argv[0] === 'invoke') {
    const { runAfterDeploy } = await import('../lib/commands/after-deploy-cli');
    return runAfterDeploy(argv[0], argv.slice(1), (await import('./after-deploy-providers')).afterDeployProviders);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string' },
        target: { type: 'string' },
        out: { type: 'string' },
        against: { type: 'string' },
        'allow-destructive': { type: 'boolean' },
        validate: { type: 'boolean' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
    });
  } catch (err) {
    process.stderr.write(`inferstack: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, spec, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const output = (values.output ?? 'text') as OutputFormat;
  if (output !== 'text' && output !== 'json') {
    process.stderr.write(`inferstack: --output must be text or json; got "${String(values.output)}"\n`);
    return 2;
  }
  const io = IoHost.fromProcess(output);
  try {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (values.validate && command !== 'synth') throw new UsageError('--validate is an option of synth (it checks the synthesized CloudFormation templates)');
    switch (command) {
      case 'schema': {
        // Loaded on demand, as every verb but synth is: the schema module loads TypeBox (~80 ms of each start-up).
        const { schemaText } = await import('../lib/commands/schema');
        io.data(schemaText());
        return 0;
      }
      case 'validate': {
        if (!spec) throw new UsageError('validate needs a SPEC file');
        const r = validate(spec);
        if (output === 'json') io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, summary: r.summary });
        io.diagnostics(r.diagnostics);
        if (output === 'text') {
          io.info(r.ok ? `${spec}: valid (${r.summary.deployments} deployment(s) for ${r.summary.targets.join(', ') || 'no target'}; ${summarizeDiagnostics(r.diagnostics)})` : `${spec}: ${summarizeDiagnostics(r.diagnostics)}`);
        }
        return r.ok ? 0 : 1;
      }
      case 'plan': {
        if (!spec) throw new UsageError('plan needs a SPEC file');
        const target = parseTarget(values.target, false)?.[0];
        const { plan } = await import('../lib/commands/plan');
        const r = plan(spec, target);
        if (output === 'json') {
          io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, deployments: r.rows, priceSources: r.priceSources });
        } else {
          io.diagnostics(r.diagnostics);
          if (r.ok) {
            const rows = r.rows.map((p) => [
              p.deployment,
              `${p.target}/${p.region}`,
              p.mode,
              p.instanceType ?? '-',
              p.accelerators,
              p.memoryNeededBytes === null ? '-' : `${formatBytes(p.memoryNeededBytes)} / ${formatBytes(p.memoryAvailableBytes!)}`,
              p.tensorParallel > 1 ? `${p.engine} (tp ${p.tensorParallel})` : p.engine,
              p.pricePerHourUsd === null ? 'n/a' : `$${p.pricePerHourUsd.toFixed(3)}`,
              p.pricePerMonthUsd === null ? 'n/a' : `$${p.pricePerMonthUsd.atMin.toFixed(0)} - $${p.pricePerMonthUsd.atMax.toFixed(0)} (${p.scaling.min}-${p.scaling.max})`,
            ]);
            io.out(table(['DEPLOYMENT', 'TARGET', 'MODE', 'INSTANCE', 'ACCELERATORS', 'MEMORY NEED/AVAIL', 'ENGINE', '$/HOUR', '$/MONTH (MIN-MAX)'], rows));
            io.out('');
            for (const p of r.rows) {
              io.out(`${p.deployment} [${p.target}]: ${p.engineReason}`);
              io.out(`  image: ${p.image ?? '-'}`);
              if (p.pricePerHourUsd === null) io.out(`  price: ${p.priceNote}`);
            }
          }
        }
        return r.ok ? 0 : 1;
      }
      case 'synth': {
        if (!spec) throw new UsageError('synth needs a SPEC file');
        const targets = parseTarget(values.target ?? 'all', true)!;
        if (values.validate && !targets.includes('aws')) throw new UsageError('--validate checks CloudFormation templates; use it with --target aws or all');
        const outDirs: Partial<Record<TargetName, string>> = values.out
          ? targets.length > 1
            ? { aws: `${values.out}/aws`, alibaba: `${values.out}/alibaba` }
            : { [targets[0]!]: values.out }
          : { aws: 'cdk.out', alibaba: 'eas.out' };
        const r = await synth(spec, { targets, outDirs, emitters: { aws: () => loadAwsEmitter(values.validate), alibaba: loadAlibabaEmitter } });
        if (output === 'json') io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, files: r.files });
        io.diagnostics(r.diagnostics);
        if (output === 'text' && r.ok) {
          io.out(table(['TARGET', 'DEPLOYMENT', 'WROTE', 'RESOURCES'], r.files.map((f) => [f.target, f.deployment, f.path, f.resources === undefined ? '' : String(f.resources)])));
        }
        return r.ok ? 0 : 1;
      }
      case 'diff': {
        if (!spec) throw new UsageError('diff needs a SPEC file');
        if (!values.against) throw new UsageError('diff needs --against DIR (a directory written by: inferstack synth SPEC --target all --out DIR)');
        const format = values.format ?? 'text';
        if (format !== 'text' && format !== 'markdown') throw new UsageError(`--format must be text or markdown; got "${format}"`);
        const { diff, renderMarkdown, renderText } = await import('../lib/commands/diff');
        const r = await diff(spec, values.against, { aws: loadAwsEmitter, alibaba: loadAlibabaEmitter });
        io.diagnostics(r.diagnostics);
        if (!r.ok) {
          if (output === 'json') io.json({ file: r.file, ok: false, diagnostics: r.diagnostics });
          return 1;
        }
        const blocked = r.destructive.length > 0 && !values['allow-destructive'];
        if (output === 'json') io.json({ file: r.file, ok: !blocked, changes: r.changes, destructive: r.destructive.length, allowDestructive: !!values['allow-destructive'] });
        else io.out(format === 'markdown' ? renderMarkdown(r) : renderText(r));
        if (blocked) {
          io.info(`inferstack: ${r.destructive.length} destructive change(s): ${r.destructive.map((c) => `${c.resource} (${c.classification})`).join(', ')}; rerun with --allow-destructive to accept them`);
          return 3;
        }
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`inferstack: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`inferstack: internal error: ${(err as Error).message}\nThis is a bug in inferstack; please report it with the spec that caused it.\n`);
      process.exitCode = 70;
    },
  );
}
