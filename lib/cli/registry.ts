/**
 * The command registry of the `inferstack` CLI: each verb is one `CommandDefinition` (name, summary, arguments,
 * options with their defaults, examples, run function). Argument parsing, `help`, `CMD --help` and the did-you-mean
 * for unknown commands and flags all derive from these definitions, so adding a command is adding one entry.
 */
import type { IoHost, OutputFormat } from './io';
import { closest } from '../diagnostics/suggest';

export interface OptionDefinition {
  /** Long name without dashes, e.g. `target`. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** May be given several times (the value becomes a list). */
  readonly multiple?: boolean;
  /** Placeholder in the usage line, e.g. `DIR`. @default the upper-cased name */
  readonly placeholder?: string;
  /** The only accepted values (checked by the parser, with a did-you-mean). */
  readonly choices?: readonly string[];
  readonly description: string;
  /** What applies when the option is not given, as shown in the help. */
  readonly defaultText?: string;
}

export interface ArgumentDefinition {
  readonly name: string;
  readonly description: string;
  /** @default true */
  readonly required?: boolean;
}

export type OptionValues = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
}

export interface CommandContext<E = unknown> {
  readonly args: ParsedArgs;
  /** The raw arguments after the command name (for commands that parse their own). */
  readonly argv: readonly string[];
  readonly io: IoHost;
  readonly output: OutputFormat;
  /** Whatever the entry point injects (emitter loaders), so lib/ never imports a provider. */
  readonly services: E;
}

export interface CommandDefinition<E = unknown> {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Longer explanation shown by `help CMD`. */
  readonly description?: string;
  readonly arguments: readonly ArgumentDefinition[];
  readonly options: readonly OptionDefinition[];
  /** Whole command lines, e.g. `inferstack plan examples/qwen-chat.yaml --target aws`. */
  readonly examples: readonly string[];
  /** Whether `--output json` applies. @default true */
  readonly json?: boolean;
  /**
   * The command parses its own arguments from `argv` (its options here serve `help` only); the registry still
   * answers `--help`. @default false
   */
  readonly ownArguments?: boolean;
  run(ctx: CommandContext<E>): Promise<number> | number;
}

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show under the message. */
    readonly command?: string,
  ) {
    super(message);
  }
}

export const OUTPUT_OPTION: OptionDefinition = { name: 'output', type: 'string', choices: ['text', 'json'], placeholder: 'text|json', description: 'text for people, json for one JSON document on stdout', defaultText: 'text' };
export const HELP_OPTION: OptionDefinition = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

export function optionsOf(command: CommandDefinition<never>): OptionDefinition[] {
  return [...command.options, ...(command.json === false ? [] : [OUTPUT_OPTION]), HELP_OPTION];
}

/**
 * Parses `argv` (after the command name) against the command's options: `--name value`, `--name=value`, `-h`,
 * `--` ends the options. Unknown flags, missing values and values outside `choices` are usage errors with a
 * did-you-mean; Node's own argument-parser text never reaches the user.
 */
export function parseCommandArgs(command: CommandDefinition<never>, argv: readonly string[]): ParsedArgs {
  const options = optionsOf(command);
  const byName = new Map(options.map((o) => [o.name, o]));
  const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short!, o]));
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!token.startsWith('-') || token === '-') {
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const flag = eq === -1 ? token : token.slice(0, eq);
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    const option = flag.startsWith('--') ? byName.get(flag.slice(2)) : flag.length === 2 ? byShort.get(flag.slice(1)) : undefined;
    if (!option) throw new UsageError(unknownFlagMessage(command, flag), command.name);
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${option.name} takes no value; got "${inline}"`, command.name);
      values[option.name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`--${option.name} needs a value (${option.placeholder ?? option.name.toUpperCase()})`, command.name);
      value = next;
      i++;
    }
    if (option.choices && !option.choices.includes(value)) {
      const suggestion = closest(value, option.choices);
      throw new UsageError(`--${option.name} must be ${orList(option.choices)}; got "${value}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`, command.name);
    }
    if (option.multiple) values[option.name] = [...((values[option.name] as string[] | undefined) ?? []), value];
    else values[option.name] = value;
  }
  return { positionals, values };
}

function unknownFlagMessage(command: CommandDefinition<never>, flag: string): string {
  const names = optionsOf(command).map((o) => `--${o.name}`);
  const suggestion = closest(flag.startsWith('--') ? flag : `-${flag}`, names);
  return `unknown option ${flag} for "${command.name}"${suggestion ? `; did you mean ${suggestion}?` : ''} (see: inferstack help ${command.name})`;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** Checks the positional arguments against the command's definition. */
export function checkPositionals(command: CommandDefinition<never>, positionals: readonly string[]): void {
  const required = command.arguments.filter((a) => a.required !== false);
  if (positionals.length < required.length) {
    const missing = required[positionals.length]!;
    throw new UsageError(`${command.name} needs ${missing.name} (${missing.description})`, command.name);
  }
  if (positionals.length > command.arguments.length) throw new UsageError(`unexpected argument "${positionals[command.arguments.length]}"`, command.name);
}

export class CommandRegistry<E = unknown> {
  private readonly commands = new Map<string, CommandDefinition<E>>();

  constructor(commands: readonly CommandDefinition<E>[] = []) {
    for (const c of commands) this.register(c);
  }

  register(command: CommandDefinition<E>): void {
    if (this.commands.has(command.name)) throw new Error(`command ${command.name} is registered twice`);
    this.commands.set(command.name, command);
  }

  get(name: string): CommandDefinition<E> | undefined {
    return this.commands.get(name);
  }

  get all(): CommandDefinition<E>[] {
    return [...this.commands.values()];
  }

  /** A usage error for an unknown command, with the closest known name. */
  unknown(name: string): UsageError {
    const suggestion = closest(name, [...this.commands.keys(), 'help']);
    return new UsageError(`unknown command "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (see: inferstack help)`);
  }
}

function synopsis(command: CommandDefinition<never>): string {
  const args = command.arguments.map((a) => (a.required === false ? `[${a.name}]` : a.name));
  return ['inferstack', command.name, ...args, ...(optionsOf(command).length > 1 ? ['[options]'] : [])].join(' ');
}

function optionLabel(o: OptionDefinition): string {
  const value = o.type === 'string' ? ` ${o.placeholder ?? o.choices?.join('|') ?? o.name.toUpperCase()}` : '';
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${value}${o.multiple ? ' ...' : ''}`;
}

/** `inferstack help CMD` / `inferstack CMD --help`. */
export function commandHelp(command: CommandDefinition<never>): string {
  const lines = [`Usage: ${synopsis(command)}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  if (command.arguments.length > 0) {
    lines.push('', 'Arguments:');
    const width = Math.max(...command.arguments.map((a) => a.name.length));
    for (const a of command.arguments) lines.push(`  ${a.name.padEnd(width)}  ${a.description}${a.required === false ? ' (optional)' : ''}`);
  }
  const options = optionsOf(command);
  lines.push('', 'Options:');
  const width = Math.max(...options.map((o) => optionLabel(o).length));
  for (const o of options) lines.push(`  ${optionLabel(o).padEnd(width)}  ${o.description}${o.defaultText !== undefined ? ` (default: ${o.defaultText})` : ''}`);
  if (command.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of command.examples) lines.push(`  ${e}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `inferstack help` and `inferstack --help`: every command with its summary. */
export function generalHelp(registry: CommandRegistry<never>, version: string): string {
  const commands = registry.all;
  const width = Math.max(...commands.map((c) => c.name.length), 'help'.length);
  const lines = [
    `inferstack ${version} - one YAML spec for ML model serving on AWS SageMaker and Alibaba Cloud PAI-EAS`,
    '',
    'Usage: inferstack COMMAND [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    `  ${'help'.padEnd(width)}  usage of a command: inferstack help COMMAND (or: inferstack COMMAND --help)`,
    '',
    'Start here: inferstack init, then inferstack validate inferstack.yaml',
    'Exit codes: 0 success, 1 invalid spec, failed deployment or not serving (status, invoke), 2 usage error,',
    '3 destructive change (diff).',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Our own text for an error of Node's `util.parseArgs` (used by deploy-eas, status and invoke): an unknown option
 * names the closest known one instead of Node's advice about positional arguments.
 */
export function parseArgsMessage(err: Error & { code?: string }, knownOptions: readonly string[]): string {
  const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^']*)'/.exec(err.message)?.[1] : undefined;
  if (!unknown) return err.message;
  const suggestion = closest(unknown, [...new Set(knownOptions)]);
  return `unknown option ${unknown}${suggestion ? `; did you mean ${suggestion}?` : ''}`;
}
