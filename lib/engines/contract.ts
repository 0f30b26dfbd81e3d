/**
 * An engine contract: what one pinned serving container reads (environment variables or command-line flags),
 * where each value comes from in the spec, and the rules between options, each with its public source.
 * Emitters build env and flags only through contracts; tests/contracts checks every emitted option against them.
 */
import type { TargetName } from '../spec/constants';

/** Where a fact was read: `owner/repo@tag:path` of the container's source, or a documentation URL. */
export interface ContractSource {
  readonly ref: string;
  /** The date the source was checked (YYYY-MM-DD). */
  readonly checked: string;
}

export type OptionValueType = 'string' | 'int' | 'float' | 'bool' | 'enum' | 'json' | 'path';

export interface ContractOption {
  /** The environment variable (`OPTION_DTYPE`) or the flag as the parser spells it (`--max-model-len`). */
  readonly name: string;
  readonly kind: 'env' | 'flag';
  readonly type: OptionValueType;
  /** For `enum`, and for `bool` when the container takes only certain spellings. */
  readonly values?: readonly string[];
  /** The spec field(s) the value is computed from, for the README table; absent for fixed values. */
  readonly from?: string;
  readonly source: ContractSource;
}

export interface ContractRule {
  readonly id: string;
  /** What the container does when the rule is broken, in words (shown when the conformance check fails). */
  readonly description: string;
  /** Returns a message when `options` (name -> value, flags without a value map to '') break the rule. */
  readonly check: (options: Readonly<Record<string, string>>) => string | undefined;
  readonly source: ContractSource;
}

export interface EngineContract {
  /** Stable id, e.g. `aws/lmi-vllm`, `alibaba/vllm`. */
  readonly id: string;
  readonly target: TargetName;
  /** The engine name of the spec this contract serves. */
  readonly engine: string;
  /** The pinned container: image repository and tag (or the version the docs describe). */
  readonly image: string;
  readonly options: readonly ContractOption[];
  readonly rules: readonly ContractRule[];
}

/** Options as a container receives them: env name -> value, or flag -> value ('' for a switch). */
export type EmittedOptions = Readonly<Record<string, string>>;

/**
 * Every way `emitted` breaks `contract`: an option the pinned container does not read, a value outside the
 * option's type or allowed values, or a broken rule. Empty when the container gets exactly what it reads.
 */
export function contractViolations(contract: EngineContract, emitted: EmittedOptions, kind: 'env' | 'flag'): string[] {
  const known = new Map(contract.options.filter((o) => o.kind === kind).map((o) => [o.name, o]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(emitted)) {
    const option = known.get(name);
    if (!option) {
      problems.push(`${contract.id}: ${kind} ${name} is not read by ${contract.image}`);
      continue;
    }
    const bad = valueProblem(option, value);
    if (bad) problems.push(`${contract.id}: ${name}=${JSON.stringify(value)} ${bad}`);
  }
  for (const rule of contract.rules) {
    const broken = rule.check(emitted);
    if (broken) problems.push(`${contract.id}: rule ${rule.id}: ${broken} (${rule.description})`);
  }
  return problems;
}

function valueProblem(option: ContractOption, value: string): string | undefined {
  if (option.values && !option.values.includes(value)) return `is not one of ${option.values.join(', ')}`;
  switch (option.type) {
    case 'int':
      return /^-?[0-9]+$/.test(value) ? undefined : 'is not an integer';
    case 'float':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? undefined : 'is not a number';
    case 'bool':
      return option.values || ['true', 'false', ''].includes(value) ? undefined : 'is not true/false';
    case 'json':
      try {
        JSON.parse(value);
        return undefined;
      } catch {
        return 'is not JSON';
      }
    default:
      return undefined;
  }
}
