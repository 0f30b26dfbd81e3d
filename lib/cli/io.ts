/**
 * The one I/O layer of the command-line tools (toolkit-lib style): commands return structured results and
 * hand them here; this decides between pretty text (colour only on a TTY without NO_COLOR) and JSON.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';

export type OutputFormat = 'text' | 'json';

export interface IoStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
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
    const sev = d.severity === 'error' ? this.paint('31', 'error') : this.paint('33', 'warning');
    const where = this.paint('1', `${d.file}:${d.line}:${d.column}`);
    const target = d.target ? ` [${d.target}]` : '';
    const lines = [`${where}: ${sev} ${d.code}: ${d.message}${target}`];
    if (d.found !== undefined) lines.push(`    found:   ${d.found}`);
    if (d.allowed !== undefined) lines.push(`    allowed: ${d.allowed}`);
    if (d.hint !== undefined) lines.push(`    fix:     ${d.hint}`);
    return lines.join('\n');
  }

  paint(code: string, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

export function summarizeDiagnostics(items: readonly Diagnostic[]): string {
  const errors = items.filter((d) => d.severity === 'error').length;
  const warnings = items.length - errors;
  return `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A value as JSON, cut to `max` characters, for one-line change listings. */
export function shortJson(v: unknown, max: number): string {
  if (v === undefined) return '(none)';
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
