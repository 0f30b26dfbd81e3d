/**
 * The definitions of inferstack's built-in commands: each parses nothing itself (the registry does), calls its
 * library function in lib/commands and renders the structured result through the I/O layer.
 */
import * as path from 'node:path';
import { escapeControl, fitTable, summarizeDiagnostics, table } from './io';
import { CommandContext, CommandDefinition, UsageError } from './registry';
import type { AfterDeployProviders } from '../commands/after-deploy-cli';
import type { Emitter } from '../commands/synth';
import type { TargetName } from '../spec/schema';

export interface AwsEmitterChoice {
  /** Also run aws-cdk-lib's CloudFormation validator over the templates (`synth --validate`; implies the CDK app). @default false */
  readonly validate?: boolean;
  /** `cdk`: synthesize through the CDK app even where the direct writer would write the same files. @default 'auto' */
  readonly via?: 'auto' | 'cdk';
}

export interface CliServices {
  /** Loaders of the target emitters; the entry point injects them so lib/ never imports a provider. */
  readonly emitters: {
    readonly aws: (options?: AwsEmitterChoice) => Promise<Emitter>;
    readonly alibaba: () => Promise<Emitter>;
  };
  /** Absolute path of the committed JSON Schema (for the starter spec's editor comment). */
  readonly schemaPath: string;
  /** The cloud providers of `status` and `invoke`, loaded only by those commands. */
  readonly afterDeploy: () => Promise<AfterDeployProviders>;
}

type Ctx = CommandContext<CliServices>;
type Command = CommandDefinition<CliServices>;

export const TARGET_CHOICES = ['aws', 'alibaba', 'all'] as const;
export const VIA_CHOICES = ['auto', 'cdk'] as const;

function targetsOf(value: string | undefined): TargetName[] | undefined {
  if (value === undefined) return undefined;
  return value === 'all' ? ['aws', 'alibaba'] : [value as TargetName];
}

function str(ctx: Ctx, name: string): string | undefined {
  const v = ctx.args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export const SPEC_ARGUMENT = { name: 'SPEC', description: 'the spec file (YAML)' };

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check the spec for every target it names; print every problem at once',
  arguments: [SPEC_ARGUMENT],
  options: [],
  examples: ['inferstack validate inferstack.yaml', 'inferstack validate inferstack.yaml --output json'],
  async run(ctx) {
    const { validate } = await import('../commands/validate');
    const spec = ctx.args.positionals[0]!;
    const r = validate(spec);
    if (ctx.output === 'json') ctx.io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, summary: r.summary });
    ctx.io.diagnostics(r.diagnostics);
    if (ctx.output === 'text') {
      ctx.io.info(escapeControl(r.ok ? `${spec}: valid (${r.summary.deployments} deployment(s) for ${r.summary.targets.join(', ') || 'no target'}; ${summarizeDiagnostics(r.diagnostics)})` : `${spec}: ${summarizeDiagnostics(r.diagnostics)}`));
    }
    return r.ok ? 0 : 1;
  },
};

/** Plan table columns, and the order in which narrow terminals drop them (least important first). */
const PLAN_HEADERS = ['DEPLOYMENT', 'TARGET', 'MODE', 'INSTANCE', 'ACCELERATORS', 'MEMORY PER DEVICE', 'ENGINE', '$/HOUR', '$/MONTH (MIN-MAX)'];
const PLAN_DROP_ORDER = [2, 5, 8, 6, 4, 7];

export const planCommand: Command = {
  name: 'plan',
  summary: 'per deployment and target: instance, accelerators, memory, engine, image and price',
  arguments: [SPEC_ARGUMENT],
  options: [
    { name: 'target', type: 'string', choices: TARGET_CHOICES, placeholder: 'aws|alibaba|all', description: 'plan only the deployments of this target', defaultText: 'all' },
    { name: 'prices', type: 'string', placeholder: 'FILE', description: 'your own price table (JSON) instead of the recorded public prices' },
  ],
  examples: ['inferstack plan inferstack.yaml', 'inferstack plan inferstack.yaml --target aws', 'inferstack plan inferstack.yaml --output json   # every column, whatever the terminal width'],
  async run(ctx) {
    const [{ plan, memoryCell }, { loadPriceTable, PriceFileError }] = await Promise.all([import('../commands/plan'), import('../commands/prices')]);
    const spec = ctx.args.positionals[0]!;
    const targets = targetsOf(str(ctx, 'target'));
    const pricesFile = str(ctx, 'prices');
    let prices;
    try {
      prices = pricesFile ? loadPriceTable(pricesFile) : undefined;
    } catch (err) {
      if (err instanceof PriceFileError) throw new UsageError(err.message, 'plan');
      throw err;
    }
    const r = plan(spec, targets, prices ? { prices } : {});
    const selectedNothing = r.ok && r.rows.length === 0;
    if (ctx.output === 'json') {
      ctx.io.json({ file: r.file, ok: r.ok && !selectedNothing, diagnostics: r.diagnostics, deployments: r.rows, priceSources: r.priceSources });
    }
    ctx.io.diagnostics(r.diagnostics);
    if (selectedNothing) {
      ctx.io.info(escapeControl(`inferstack: the plan selects nothing: no deployment of ${spec} targets ${targets ? targets.join(' or ') : 'any cloud'}`));
      return 1;
    }
    if (ctx.output === 'text' && r.ok) {
      const rows = r.rows.map((p) => [
        p.deployment,
        `${p.target}/${p.region}`,
        p.mode,
        p.instanceType ?? '-',
        p.accelerators,
        memoryCell(p.memory),
        p.tensorParallel > 1 ? `${p.engine} (tp ${p.tensorParallel})` : p.engine,
        p.pricePerHourUsd === null ? 'n/a' : `$${p.pricePerHourUsd.toFixed(3)}`,
        p.pricePerMonthUsd === null ? 'n/a' : `$${p.pricePerMonthUsd.atMin.toFixed(0)} - $${p.pricePerMonthUsd.atMax.toFixed(0)} (${p.scaling.min}-${p.scaling.max})`,
      ]);
      const fitted = fitTable(PLAN_HEADERS, rows, ctx.io.columns, PLAN_DROP_ORDER);
      ctx.io.out(fitted.text);
      if (fitted.hidden.length > 0) ctx.io.out(`(not shown to fit ${ctx.io.columns} columns: ${fitted.hidden.join(', ')}; --output json has every field)`);
      ctx.io.out('');
      for (const p of r.rows) {
        ctx.io.out(escapeControl(`${p.deployment} [${p.target}]: ${p.engineReason}`));
        ctx.io.out(`  image: ${escapeControl(p.image ?? '-')}`);
        if (p.pricePerHourUsd === null) ctx.io.out(`  price: ${escapeControl(p.priceNote)}`);
      }
    }
    return r.ok ? 0 : 1;
  },
};

export const synthCommand: Command = {
  name: 'synth',
  summary: 'write the CloudFormation templates (aws) and PAI-EAS service JSON (alibaba)',
  description:
    'With --target all, DIR holds aws/ (the CDK cloud assembly) and alibaba/ (one <deployment>.eas.json each); with one target, DIR holds that target\'s files directly. ' +
    'inferstack records what it wrote in DIR/.inferstack-synth.json and on the next run removes only those files; it refuses a non-empty folder it did not write unless --force.',
  arguments: [SPEC_ARGUMENT],
  options: [
    { name: 'target', type: 'string', choices: TARGET_CHOICES, placeholder: 'aws|alibaba|all', description: 'which cloud(s) to synthesize for', defaultText: 'all' },
    { name: 'out', type: 'string', placeholder: 'DIR', description: 'output folder', defaultText: 'cdk.out (aws) and eas.out (alibaba)' },
    { name: 'force', type: 'boolean', description: 'write into a non-empty folder that an earlier synth did not write (its files stay)' },
    { name: 'validate', type: 'boolean', description: "also run aws-cdk-lib's CloudFormation validator over the AWS templates (slower; goes through the CDK app)" },
    {
      name: 'via',
      type: 'string',
      choices: VIA_CHOICES,
      placeholder: 'auto|cdk',
      description: 'how the AWS cloud assembly is written: auto = directly, without loading aws-cdk-lib, when the spec allows it (the same files, byte for byte), else through the CDK app; cdk = always through the CDK app',
      defaultText: 'auto',
    },
  ],
  examples: ['inferstack synth inferstack.yaml', 'inferstack synth inferstack.yaml --target all --out deploy/synth', 'inferstack synth inferstack.yaml --target aws --validate', 'inferstack synth inferstack.yaml --target aws --via cdk'],
  async run(ctx) {
    const { synth } = await import('../commands/synth');
    const spec = ctx.args.positionals[0]!;
    const targets = targetsOf(str(ctx, 'target') ?? 'all')!;
    const validateTemplates = ctx.args.values.validate === true;
    if (validateTemplates && !targets.includes('aws')) throw new UsageError('--validate checks CloudFormation templates; use it with --target aws or all', 'synth');
    const out = str(ctx, 'out');
    const outDirs: Partial<Record<TargetName, string>> = out
      ? targets.length > 1
        ? { aws: path.join(out, 'aws'), alibaba: path.join(out, 'alibaba') }
        : { [targets[0]!]: out }
      : { aws: 'cdk.out', alibaba: 'eas.out' };
    const via = (str(ctx, 'via') ?? 'auto') as AwsEmitterChoice['via'];
    const emitters = { ...ctx.services.emitters, aws: () => ctx.services.emitters.aws({ validate: validateTemplates, via }) };
    const r = await synth(spec, { targets, outDirs, emitters, force: ctx.args.values.force === true });
    if (ctx.output === 'json') ctx.io.json({ file: r.file, ok: r.ok, diagnostics: r.diagnostics, files: r.files });
    ctx.io.diagnostics(r.diagnostics);
    if (ctx.output === 'text' && r.ok) {
      ctx.io.out(table(['TARGET', 'DEPLOYMENT', 'WROTE', 'RESOURCES'], r.files.map((f) => [f.target, f.deployment, f.path, f.resources === undefined ? '' : String(f.resources)])));
    }
    return r.ok ? 0 : 1;
  },
};

export const diffCommand: Command = {
  name: 'diff',
  summary: 'compare a fresh synthesis with a committed one; classify each change',
  description: 'DIR is a folder written by `inferstack synth SPEC --target all --out DIR` (a single-target folder is recognized too). Exits 3 on an endpoint replacement or a deletion unless --allow-destructive.',
  arguments: [SPEC_ARGUMENT],
  options: [
    { name: 'against', type: 'string', placeholder: 'DIR', description: 'the committed synthesis (required)' },
    { name: 'allow-destructive', type: 'boolean', description: 'exit 0 even when a change replaces an endpoint or deletes something' },
    { name: 'format', type: 'string', choices: ['text', 'markdown'], placeholder: 'text|markdown', description: 'markdown renders a pull-request comment', defaultText: 'text' },
  ],
  examples: ['inferstack diff inferstack.yaml --against deploy/synth', 'inferstack diff inferstack.yaml --against deploy/synth --format markdown > comment.md'],
  async run(ctx) {
    const spec = ctx.args.positionals[0]!;
    const against = str(ctx, 'against');
    if (!against) throw new UsageError('diff needs --against DIR (a directory written by: inferstack synth SPEC --target all --out DIR)', 'diff');
    const format = str(ctx, 'format') ?? 'text';
    const allowDestructive = ctx.args.values['allow-destructive'] === true;
    const { diff, renderMarkdown, renderText } = await import('../commands/diff');
    const r = await diff(spec, against, ctx.services.emitters);
    ctx.io.diagnostics(r.diagnostics);
    if (!r.ok) {
      if (ctx.output === 'json') ctx.io.json({ file: r.file, ok: false, diagnostics: r.diagnostics });
      return 1;
    }
    const blocked = r.destructive.length > 0 && !allowDestructive;
    if (ctx.output === 'json') ctx.io.json({ file: r.file, ok: !blocked, changes: r.changes, destructive: r.destructive.length, allowDestructive });
    else ctx.io.out(format === 'markdown' ? renderMarkdown(r) : renderText(r));
    if (blocked) {
      ctx.io.info(escapeControl(`inferstack: ${r.destructive.length} destructive change(s): ${r.destructive.map((c) => `${c.resource} (${c.classification})`).join(', ')}; rerun with --allow-destructive to accept them`));
      return 3;
    }
    return 0;
  },
};

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of the spec (for editors)',
  arguments: [],
  options: [],
  json: false,
  examples: ['inferstack schema > inferstack.schema.json'],
  async run(ctx) {
    const { schemaText } = await import('../commands/schema');
    ctx.io.data(schemaText());
    return 0;
  },
};

export const initCommand: Command = {
  name: 'init',
  summary: 'write a commented starter spec that validates',
  arguments: [],
  options: [
    { name: 'model', type: 'string', placeholder: 'MODEL', description: 'qwen2.5-7b, qwen2.5-1.5b, llama3-8b or mistral-7b', defaultText: 'qwen2.5-7b' },
    { name: 'target', type: 'string', choices: TARGET_CHOICES, placeholder: 'aws|alibaba|all', description: 'the cloud(s) the deployment goes to', defaultText: 'all' },
    { name: 'out', type: 'string', placeholder: 'FILE', description: 'where to write the spec', defaultText: 'inferstack.yaml' },
    { name: 'force', type: 'boolean', description: 'overwrite FILE if it exists' },
  ],
  examples: ['inferstack init', 'inferstack init --model llama3-8b --target aws --out llama.yaml'],
  async run(ctx) {
    const { init } = await import('../commands/init');
    const target = str(ctx, 'target') as 'aws' | 'alibaba' | 'all' | undefined;
    const model = str(ctx, 'model');
    const file = str(ctx, 'out');
    const r = init({ schemaPath: ctx.services.schemaPath, force: ctx.args.values.force === true, ...(model ? { model } : {}), ...(target ? { target } : {}), ...(file ? { file } : {}) });
    if (!r.ok) {
      if (r.reason === 'unknown-model') throw new UsageError(r.message, 'init');
      if (ctx.output === 'json') ctx.io.json({ ok: false, error: r.message });
      ctx.io.info(escapeControl(`inferstack: ${r.message}`));
      return 1;
    }
    if (ctx.output === 'json') ctx.io.json({ ok: true, file: r.file, model: r.model, targets: r.targets });
    ctx.io.info(escapeControl(`wrote ${r.file} (${r.model} for ${r.targets.join(' and ')}); next: inferstack validate ${r.file}`));
    return 0;
  },
};

export const explainCommand: Command = {
  name: 'explain',
  summary: 'what a diagnostic code means, when it fires and how to fix it',
  arguments: [{ name: 'CODE', description: 'a diagnostic code such as IS2011' }],
  options: [],
  examples: ['inferstack explain IS2011'],
  async run(ctx) {
    const { explain } = await import('../diagnostics/explanations');
    const code = ctx.args.positionals[0]!;
    const r = explain(code);
    if (!r) throw new UsageError(`unknown diagnostic code "${code}"; codes look like IS1003 (every diagnostic prints its code)`, 'explain');
    if (ctx.output === 'json') {
      ctx.io.json(r);
      return 0;
    }
    ctx.io.out([`${r.code} (${r.severity}): ${r.message}`, '', `When: ${r.when}`, `Fix:  ${r.fix}`].join('\n'));
    return 0;
  },
};

/** The built-in commands in the order `help` lists them. */
export const BUILTIN_COMMANDS: readonly Command[] = [initCommand, validateCommand, planCommand, synthCommand, diffCommand, schemaCommand, explainCommand];
