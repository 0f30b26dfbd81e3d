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
