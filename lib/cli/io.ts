/**
 * The one I/O layer of the command-line tools (toolkit-lib style): commands return structured results and
 * hand them here; this decides between pretty text (colour only on a TTY without NO_COLOR) and JSON.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';

export type OutputFormat = 'text' | 'json';

export interface IoStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export class IoHost {
  readonly color: boolean;

  constructor(
    private readonly streams: IoStreams,
    readonly format: OutputFormat = 'text',
  ) {
    this.color = !!streams.stderr.isTTY && !streams.env.NO_COLOR && streams.env.TERM !== 'dumb';
  }

  static fromProcess(format: OutputFormat = 'text'): IoHost {
    return new IoHost({ stdout: process.stdout, stderr: process.stderr, env: process.env }, format);
  }

  get isTty(): boolean {
    return !!this.streams.stderr.isTTY;
  }

  /** Width to fit tables to: the terminal's, else $COLUMNS; undefined (no limit) when piped without $COLUMNS. */
  get columns(): number | undefined {
    if (this.streams.stdout.isTTY && this.streams.stdout.columns) return this.streams.stdout.columns;
    const fromEnv = Number(this.streams.env.COLUMNS);
    return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
  }

  /** Human-facing text on stdout (suppressed in JSON mode so stdout stays one JSON document). */
  out(text: string): void {
    if (this.format === 'json') return;
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Raw data on stdout in any mode (schema, JSON documents). */
  data(text: string): void {
    this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  json(value: unknown): void {
    this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Progress and notes go to stderr so they never mix with machine-readable stdout. */
  info(text: string): void {
    this.streams.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  diagnostics(items: readonly Diagnostic[]): void {
    if (this.format === 'json') return;
    for (const d of items) this.streams.stderr.write(`${this.formatDiagnostic(d)}\n`);
  }

  formatDiagnostic(d: Diagnostic): string {
    const sev = d.severity === 'error' ? this.paint('31', 'error') : d.severity === 'note' ? this.paint('36', 'note') : this.paint('33', 'warning');
    const position = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
    const where = this.paint('1', escapeControl(position));
    const target = d.target ? ` [${escapeControl(d.target)}]` : '';
    const lines = [`${where}: ${sev} ${d.code}: ${escapeControl(d.message)}${target}`];
    if (d.found !== undefined) lines.push(`    found:   ${escapeControl(d.found)}`);
    if (d.allowed !== undefined) lines.push(`    allowed: ${escapeControl(d.allowed)}`);
    if (d.hint !== undefined) lines.push(`    fix:     ${escapeControl(d.hint)}`);
    return lines.join('\n');
  }

  paint(code: string, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

export function summarizeDiagnostics(items: readonly Diagnostic[]): string {
  const errors = items.filter((d) => d.severity === 'error').length;
  const warnings = items.filter((d) => d.severity === 'warning').length;
  const notes = items.filter((d) => d.severity === 'note').length;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${notes > 0 ? `, ${notes} note${notes === 1 ? '' : 's'} about other targets` : ''}`;
}

/**
 * Makes a value safe to print on a terminal or in a CI log: control characters (newlines, escape sequences, carriage
 * returns) and bidirectional overrides become visible escapes, so a value can neither start a new log line (a
 * GitHub `::error` workflow command) nor repaint the terminal.
 */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Renders rows as an aligned text table (cells escaped). */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const safe = rows.map((r) => r.map((c) => escapeControl(c ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...safe.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...safe.map(line)].join('\n');
}

export interface FittedTable {
  readonly text: string;
  /** Headers of the columns left out to fit the width. */
  readonly hidden: readonly string[];
}

/**
 * A table that fits `maxWidth` characters: columns are dropped in `dropOrder` (indexes, least important first)
 * until every line fits; the first column always stays. No limit: the full table.
 */
export function fitTable(headers: readonly string[], rows: readonly (readonly string[])[], maxWidth: number | undefined, dropOrder: readonly number[]): FittedTable {
  let keep = headers.map((_, i) => i);
  const render = () => table(keep.map((i) => headers[i]!), rows.map((r) => keep.map((i) => r[i] ?? '')));
  let text = render();
  const fits = () => maxWidth === undefined || text.split('\n').every((l) => l.length <= maxWidth);
  for (const drop of dropOrder) {
    if (fits()) break;
    if (drop === 0) continue;
    keep = keep.filter((i) => i !== drop);
    text = render();
  }
  return { text, hidden: headers.filter((_, i) => !keep.includes(i)) };
}

/** A value as JSON, cut to `max` characters, for one-line change listings. */
export function shortJson(v: unknown, max: number): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
