/**
 * `inferstack diff SPEC --against DIR`: a fresh synthesis compared with a committed one, field by field, each
 * change classified by what it will do in the cloud.
 *
 * SageMaker: models and endpoint configurations are immutable (any change replaces them, which SageMaker does
 * freely behind a stable endpoint); an endpoint keeps its URL unless its name changes (replacement: downtime and a
 * new URL); a removed endpoint is a deletion. PAI-EAS: instance counts, labels and scalers change in place; other
 * changes roll the service's instances; a renamed or removed service is a deletion.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic } from '../diagnostics/diagnostic';
import { runDiagnostic } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import { escapeControl, shortJson } from '../cli/io';
import { detectLayout } from './output-folder';
import { synth, SynthOptions } from './synth';

export type ChangeClass = 'in-place' | 'free-replacement' | 'endpoint-replacement' | 'deletion' | 'rolling-update' | 'creation';

export interface FieldDiff {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface ResourceChange {
  readonly target: 'aws' | 'alibaba';
  /** Stack template file or service file. */
  readonly artifact: string;
  /** Logical id (AWS) or service name (Alibaba). */
  readonly resource: string;
  readonly type: string;
  readonly classification: ChangeClass;
  readonly fields: readonly FieldDiff[];
}

export interface DiffResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly changes: readonly ResourceChange[];
  readonly destructive: readonly ResourceChange[];
}

export const DESTRUCTIVE: readonly ChangeClass[] = ['endpoint-replacement', 'deletion'];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Leaf-level differences between two JSON values. */
export function jsonDiff(a: unknown, b: unknown, prefix = ''): FieldDiff[] {
  if (isObject(a) && isObject(b)) {
    const out: FieldDiff[] = [];
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) out.push(...jsonDiff(a[k], b[k], prefix ? `${prefix}.${k}` : k));
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => jsonDiff(x, b[i], `${prefix}[${i}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: prefix || '(root)', from: a, to: b }];
}

type Template = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: unknown }> };

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function listFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith(suffix)).sort();
}

function classifyAws(type: string, fields: readonly FieldDiff[], kind: 'added' | 'removed' | 'modified'): ChangeClass {
  if (kind === 'added') return 'creation';
  if (kind === 'removed') return type === 'AWS::SageMaker::Endpoint' ? 'deletion' : type.startsWith('AWS::SageMaker::') ? 'free-replacement' : 'in-place';
  if (type === 'AWS::SageMaker::Model' || type === 'AWS::SageMaker::EndpointConfig') return 'free-replacement';
  if (type === 'AWS::SageMaker::Endpoint' && fields.some((f) => f.path === 'EndpointName')) return 'endpoint-replacement';
  return 'in-place';
}

export function diffAwsTemplates(oldDir: string, newDir: string): ResourceChange[] {
  const changes: ResourceChange[] = [];
  const files = [...new Set([...listFiles(oldDir, '.template.json'), ...listFiles(newDir, '.template.json')])].sort();
  for (const f of files) {
    const before = readJson<Template>(path.join(oldDir, f))?.Resources ?? {};
    const after = readJson<Template>(path.join(newDir, f))?.Resources ?? {};
    for (const id of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const a = before[id];
      const b = after[id];
      if (a && !b) {
        changes.push({ target: 'aws', artifact: f, resource: id, type: a.Type, classification: classifyAws(a.Type, [], 'removed'), fields: [] });
      } else if (!a && b) {
        changes.push({ target: 'aws', artifact: f, resource: id, type: b.Type, classification: 'creation', fields: [] });
      } else if (a && b) {
        const fields = jsonDiff({ Type: a.Type, Properties: a.Properties ?? {} }, { Type: b.Type, Properties: b.Properties ?? {} }).map((d) => ({ ...d, path: d.path.replace(/^Properties\./, '') }));
        if (fields.length > 0) changes.push({ target: 'aws', artifact: f, resource: id, type: b.Type, classification: classifyAws(b.Type, fields, 'modified'), fields });
      }
    }
  }
  return changes;
}

/** Keys of a PAI-EAS service whose change does not roll instances. */
const EAS_IN_PLACE = [/^metadata\.instance$/, /^autoscaler/, /^cronscaler/, /^labels/];

export function diffEasServices(oldDir: string, newDir: string): ResourceChange[] {
  const changes: ResourceChange[] = [];
  const files = [...new Set([...listFiles(oldDir, '.eas.json'), ...listFiles(newDir, '.eas.json')])].sort();
  for (const f of files) {
    const a = readJson<Record<string, unknown>>(path.join(oldDir, f));
    const b = readJson<Record<string, unknown>>(path.join(newDir, f));
    const name = (c: Record<string, unknown> | undefined) => String((c?.metadata as { name?: string } | undefined)?.name ?? f);
    if (a && !b) {
      changes.push({ target: 'alibaba', artifact: f, resource: name(a), type: 'PAI-EAS service', classification: 'deletion', fields: [] });
      continue;
    }
    if (!a && b) {
      changes.push({ target: 'alibaba', artifact: f, resource: name(b), type: 'PAI-EAS service', classification: 'creation', fields: [] });
      continue;
    }
    const fields = jsonDiff(a, b);
    if (fields.length === 0) continue;
    const renamed = fields.some((d) => d.path === 'metadata.name');
    const inPlace = fields.every((d) => EAS_IN_PLACE.some((re) => re.test(d.path)));
    changes.push({ target: 'alibaba', artifact: f, resource: name(b), type: 'PAI-EAS service', classification: renamed ? 'deletion' : inPlace ? 'in-place' : 'rolling-update', fields });
  }
  return changes;
}

export async function diff(specFile: string, againstDir: string, emitters: SynthOptions['emitters']): Promise<DiffResult> {
  const layout = fs.existsSync(againstDir) && fs.statSync(againstDir).isDirectory() ? detectLayout(againstDir) : undefined;
  if (!layout || layout.kind === 'none') {
    const problem = layout ? 'it holds no synthesis (no aws/ or alibaba/ folder, no *.template.json, no *.eas.json)' : 'no such folder';
    const d = runDiagnostic(againstDir, Diagnostics.DiffMissingDir, { found: againstDir }, { allowed: `a folder written by inferstack synth --out (${problem})`, hint: `write it first: inferstack synth ${specFile} --target all --out ${againstDir}` });
    return { file: specFile, ok: false, diagnostics: [d], changes: [], destructive: [] };
  }
  // A single-target folder (synth --target aws|alibaba --out DIR) is compared for that target only.
  const committed: Partial<Record<'aws' | 'alibaba', string>> = layout.kind === 'all' ? { aws: layout.aws, alibaba: layout.alibaba } : { [layout.target]: layout.dir };
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-diff-'));
  try {
    const targets = (['aws', 'alibaba'] as const).filter((t) => committed[t] !== undefined);
    const r = await synth(specFile, { targets, outDirs: { aws: path.join(fresh, 'aws'), alibaba: path.join(fresh, 'alibaba') }, emitters });
    if (!r.ok) return { file: specFile, ok: false, diagnostics: r.diagnostics, changes: [], destructive: [] };
    const changes = [
      ...(committed.aws ? diffAwsTemplates(committed.aws, path.join(fresh, 'aws')) : []),
      ...(committed.alibaba ? diffEasServices(committed.alibaba, path.join(fresh, 'alibaba')) : []),
    ];
    return { file: specFile, ok: true, diagnostics: r.diagnostics, changes, destructive: changes.filter((c) => DESTRUCTIVE.includes(c.classification)) };
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}
const LABEL: Record<ChangeClass, string> = {
  'in-place': 'in place',
  'free-replacement': 'replaced (SageMaker replaces it freely; the endpoint stays up)',
  'endpoint-replacement': 'ENDPOINT REPLACEMENT (downtime, new URL)',
  deletion: 'DELETION',
  'rolling-update': 'rolling update (instances are replaced one by one)',
  creation: 'created',
};

function value(v: unknown): string {
  return shortJson(v, 140);
}

export function renderText(r: DiffResult): string {
  if (r.changes.length === 0) return 'No changes: the synthesis matches the committed one.';
  const lines: string[] = [];
  for (const target of ['aws', 'alibaba'] as const) {
    const cs = r.changes.filter((c) => c.target === target);
    if (cs.length === 0) continue;
    lines.push(target === 'aws' ? 'AWS (CloudFormation)' : 'Alibaba Cloud (PAI-EAS)');
    for (const artifact of [...new Set(cs.map((c) => c.artifact))]) {
      lines.push(`  ${artifact}`);
      for (const c of cs.filter((x) => x.artifact === artifact)) {
        lines.push(`    ${c.resource} (${c.type}): ${LABEL[c.classification]}`);
        for (const f of c.fields.slice(0, 20)) lines.push(`      ${f.path}: ${value(f.from)} -> ${value(f.to)}`);
        if (c.fields.length > 20) lines.push(`      ... ${c.fields.length - 20} more`);
      }
    }
  }
  lines.push(`${r.changes.length} change(s), ${r.destructive.length} destructive`);
  return lines.map(escapeControl).join('\n');
}

export function renderMarkdown(r: DiffResult): string {
  if (r.changes.length === 0) return '### inferstack diff\n\nNo changes: the synthesis matches the committed one.\n';
  const esc = (s: string) => escapeControl(s).replace(/\|/g, '\\|').replace(/`/g, "'");
  const lines = ['### inferstack diff', '', r.destructive.length > 0 ? `> **${r.destructive.length} destructive change(s)** — needs \`--allow-destructive\`.` : '> No destructive change.', '', '| Target | Artifact | Resource | Change | Fields |', '|---|---|---|---|---|'];
  for (const c of r.changes) {
    const fields = c.fields.slice(0, 8).map((f) => `\`${esc(f.path)}\`: ${esc(value(f.from))} → ${esc(value(f.to))}`).join('<br>') + (c.fields.length > 8 ? `<br>… ${c.fields.length - 8} more` : '');
    lines.push(`| ${c.target} | ${esc(c.artifact)} | ${esc(c.resource)} (${esc(c.type)}) | ${DESTRUCTIVE.includes(c.classification) ? `**${LABEL[c.classification]}**` : LABEL[c.classification]} | ${fields} |`);
  }
  return `${lines.join('\n')}\n`;
}
