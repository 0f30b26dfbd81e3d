#!/usr/bin/env node
/**
 * Entry point of `inferstack`: the command registry and the provider wiring only. Each command is one definition
 * (lib/cli/builtin-commands.ts); a new command is one more `registry.register(...)` line here.
 */
import * as path from 'node:path';
import { IoHost, OutputFormat } from '../lib/cli/io';
import { invokeCommand, statusCommand } from '../lib/cli/after-deploy-commands';
import { AwsEmitterChoice, BUILTIN_COMMANDS, CliServices } from '../lib/cli/builtin-commands';
import { fitCommand } from '../lib/cli/fit-command';
import { checkPositionals, commandHelp, CommandRegistry, generalHelp, parseCommandArgs, UsageError } from '../lib/cli/registry';
import type { Emitter } from '../lib/commands/synth';

const VERSION = '0.1.0';

const registry = new CommandRegistry<CliServices>(BUILTIN_COMMANDS);
registry.register(fitCommand);
registry.register(statusCommand);
registry.register(invokeCommand);

/**
 * The AWS emitter: the direct cloud-assembly writer (no aws-cdk-lib; it falls back to the CDK app for what it does
 * not support), or the CDK app itself for `--validate` (aws-cdk-lib's validator) and `--via cdk`.
 */
async function loadAwsEmitter(options: AwsEmitterChoice = {}): Promise<Emitter> {
  if (options.validate || options.via === 'cdk') {
    const { AwsEmitter } = await import('../providers/aws/emitter');
    return new AwsEmitter({ validate: options.validate ?? false });
  }
  const { DirectAwsEmitter } = await import('../providers/aws/direct/emitter');
  return new DirectAwsEmitter();
}

async function loadAlibabaEmitter(): Promise<Emitter> {
  const { AlibabaEmitter } = await import('../providers/alibaba/emitter');
  return new AlibabaEmitter();
}

const services: CliServices = {
  emitters: { aws: loadAwsEmitter, alibaba: loadAlibabaEmitter },
  schemaPath: path.join(packageRoot(__dirname), 'schema', 'inferstack.schema.json'),
  afterDeploy: async () => (await import('./after-deploy-providers')).afterDeployProviders,
};

/** The package folder (holding package.json), from dist/bin when built or bin/ when run from sources. */
function packageRoot(dir: string): string {
  return path.basename(path.dirname(dir)) === 'dist' ? path.resolve(dir, '..', '..') : path.resolve(dir, '..');
}

function usageError(err: UsageError): number {
  const command = err.command ? registry.get(err.command) : undefined;
  const help = command ? `usage: ${commandHelp(command).split('\n')[0]!.replace(/^Usage: /, '')}\n(see: inferstack help ${command.name})\n` : 'see: inferstack help\n';
  process.stderr.write(`inferstack: ${err.message}\n${help}`);
  return 2;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(generalHelp(registry, VERSION));
    return 2;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  try {
    if (first === '--help' || first === '-h' || first === 'help') {
      const topic = first === 'help' ? rest.find((a) => !a.startsWith('-')) : undefined;
      if (topic === undefined) {
        process.stdout.write(generalHelp(registry, VERSION));
        return 0;
      }
      const command = registry.get(topic);
      if (!command) throw registry.unknown(topic);
      process.stdout.write(commandHelp(command));
      return 0;
    }
    const command = registry.get(first);
    if (!command) throw registry.unknown(first);
    const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (command.ownArguments) {
      if (options.includes('--help') || options.includes('-h')) {
        process.stdout.write(commandHelp(command));
        return 0;
      }
      return await command.run({ args: { positionals: [], values: {} }, argv: rest, io: IoHost.fromProcess('text'), output: 'text', services });
    }
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    checkPositionals(command, args.positionals);
    const output = (args.values.output ?? 'text') as OutputFormat;
    return await command.run({ args, argv: rest, io: IoHost.fromProcess(output), output, services });
  } catch (err) {
    if (err instanceof UsageError) return usageError(err);
    throw err;
  }
}

if (require.main === module) {
  // `inferstack plan ... | head`: a reader that stops early is not an error (and never a stack trace).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
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
