import { DiagnosticDefinition, Diagnostics, Severity } from './registry';

/** A path into the spec document, e.g. ['deployments', 'qwen-chat', 'model', 'uri']. */
export type SpecPath = readonly (string | number)[];

export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  readonly code: string;
  /** `note`: an error of a target the command was not asked for, shown but not blocking. */
  readonly severity: Severity | 'note';
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path of the setting, for JSON consumers. */
  readonly path: string;
  /** The value found, rendered for humans. */
  readonly found?: string;
  /** What is allowed. */
  readonly allowed?: string;
  /** How to fix it. */
  readonly hint?: string;
  /** Which target the diagnostic is about, when it is target-specific (several: joined with ", "). */
  readonly target?: string;
  /** Every target it applies to, when target-specific. */
  readonly targets?: readonly string[];
}

export interface DiagnosticDetails {
  readonly args?: Record<string, string | number>;
  readonly found?: unknown;
  readonly allowed?: string;
  readonly hint?: string;
  readonly target?: string;
  /** Point at the key of the mapping entry instead of its value. */
  readonly atKey?: boolean;
}

/** Resolves a spec path to a position in the source file. */
export interface Locator {
  readonly file: string;
  locate(path: SpecPath, atKey?: boolean): SourcePosition;
}

export function renderValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return 'a mapping';
}

export function formatTemplate(template: string, args: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in args ? String(args[name]) : whole));
}

export function pathToString(path: SpecPath): string {
  return path.map((p) => String(p)).join('.') || '(root)';
}

/** Collects diagnostics for one spec file, cdk8s-style: everything first, fail at the end. */
export class DiagnosticBag {
  private readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly locator: Locator) {}

  get file(): string {
    return this.locator.file;
  }

  add(definition: DiagnosticDefinition, path: SpecPath, details: DiagnosticDetails = {}): void {
    const pos = this.locator.locate(path, details.atKey);
    const foundText = details.found === undefined ? undefined : renderValue(details.found);
    const args: Record<string, string | number> = {
      path: pathToString(path),
      ...(foundText !== undefined ? { found: foundText } : {}),
      ...details.args,
    };
    const diagnostic: Diagnostic = {
      code: definition.code,
      severity: definition.severity,
      message: formatTemplate(definition.template, args),
      file: this.locator.file,
      line: pos.line,
      column: pos.column,
      path: pathToString(path),
      ...(foundText !== undefined ? { found: foundText } : {}),
      ...(details.allowed !== undefined ? { allowed: details.allowed } : {}),
      ...(details.hint !== undefined ? { hint: details.hint } : {}),
      ...(details.target !== undefined ? { target: details.target } : {}),
    };
    const key = `${diagnostic.code}|${diagnostic.line}|${diagnostic.column}|${diagnostic.message}|${diagnostic.target ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(diagnostic);
  }

  addAll(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) {
      const key = `${d.code}|${d.line}|${d.column}|${d.message}|${d.target ?? ''}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      this.items.push(d);
    }
  }

  get all(): readonly Diagnostic[] {
    return sortDiagnostics(mergeAcrossTargets(this.items));
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  errorCountUnder(prefix: SpecPath): number {
    const p = pathToString(prefix);
    return this.items.filter((d) => d.severity === 'error' && (d.path === p || d.path.startsWith(`${p}.`))).length;
  }
}

const TARGET_ORDER = ['aws', 'alibaba'];

/**
 * One diagnostic per problem: the same message at the same place reported for several targets becomes one
 * diagnostic naming all of them (`[aws, alibaba]`), instead of one copy per target.
 */
export function mergeAcrossTargets(items: readonly Diagnostic[]): Diagnostic[] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of items) {
    const key = d.target === undefined ? `untargeted|${groups.size}` : `${d.code}|${d.line}|${d.column}|${d.severity}|${d.message}|${d.found ?? ''}|${d.allowed ?? ''}|${d.hint ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    if (first.target === undefined) return first;
    const targets = [...new Set(group.flatMap((d) => d.targets ?? [d.target!]))].sort((a, b) => TARGET_ORDER.indexOf(a) - TARGET_ORDER.indexOf(b));
    return { ...first, target: targets.join(', '), targets };
  });
}

export function sortDiagnostics(items: readonly Diagnostic[]): Diagnostic[] {
  return [...items].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.code.localeCompare(b.code) ||
      (a.target ?? '').localeCompare(b.target ?? '') ||
      a.message.localeCompare(b.message),
  );
}

/**
 * A diagnostic about the run rather than a line of the spec (credentials, confirmation, a folder argument): line
 * and column 0, which the printer shows as the file alone instead of a misleading `spec:1:1`.
 */
export function runDiagnostic(
  file: string,
  definition: DiagnosticDefinition,
  args: Record<string, string | number>,
  extra: { hint?: string; allowed?: string } = {},
): Diagnostic {
  return fileDiagnostic(file, definition, args, { ...extra, line: 0, column: 0 });
}

/** A diagnostic about a file that could not be read or parsed at all (no useful position). */
export function fileDiagnostic(
  file: string,
  definition: DiagnosticDefinition,
  args: Record<string, string | number>,
  extra: { line?: number; column?: number; hint?: string; allowed?: string } = {},
): Diagnostic {
  return {
    code: definition.code,
    severity: definition.severity,
    message: formatTemplate(definition.template, args),
    file,
    line: extra.line ?? 1,
    column: extra.column ?? 1,
    path: '(root)',
    ...(extra.hint !== undefined ? { hint: extra.hint } : {}),
    ...(extra.allowed !== undefined ? { allowed: extra.allowed } : {}),
  };
}

export { Diagnostics };
