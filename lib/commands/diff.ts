/**
 * `inferstack diff SPEC --against DIR`: a fresh synthesis compared with a committed one, field by field, each
 * change classified by what it will do in the cloud.
 *
 * SageMaker: models and endpoint configurations are immutable (any change replaces them, which SageMaker does
 * freely behind a stable endpoint); an endpoint keeps its URL unless its name changes (replacement: downtime and a
 * new URL); a removed endpoint is a deletion. A changed instance type of a variant registered for autoscaling is
 * blocked: UpdateEndpoint fails until the variant is deregistered as a scalable target
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html). PAI-EAS: instance counts,
 * labels and scalers change in place; other changes roll the service's instances; a renamed or removed service is a
 * deletion. A changed stack name, account or region (AWS) or region (PAI-EAS) creates a new stack or service and
 * orphans the old one: a target replacement.
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

export type ChangeClass = 'in-place' | 'free-replacement' | 'endpoint-replacement' | 'deletion' | 'rolling-update' | 'creation' | 'target-replacement' | 'blocked';

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

export const DESTRUCTIVE: readonly ChangeClass[] = ['endpoint-replacement', 'deletion', 'target-replacement', 'blocked'];

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

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: unknown };
type Template = { Resources?: Record<string, Resource> };

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

/** Where a stack lands, from the cloud assembly's manifest: template file -> stack name and environment. */
type StackIdentity = { readonly StackName: string; readonly Environment: string };

function stackIdentities(dir: string): Map<string, StackIdentity> {
  type Artifact = { type?: string; environment?: string; properties?: { templateFile?: string; stackName?: string } };
  const manifest = readJson<{ artifacts?: Record<string, Artifact> }>(path.join(dir, 'manifest.json'));
  const out = new Map<string, StackIdentity>();
  for (const [id, a] of Object.entries(manifest?.artifacts ?? {})) {
    if (a.type !== 'aws:cloudformation:stack' || !a.properties?.templateFile) continue;
    out.set(a.properties.templateFile, { StackName: a.properties.stackName ?? id, Environment: a.environment ?? '' });
  }
  return out;
}

/** A changed stack name, account or region: CloudFormation creates a new stack and the old one stays (orphaned). */
function stackReplacement(file: string, before: StackIdentity | undefined, after: StackIdentity | undefined): ResourceChange | undefined {
  if (!before || !after) return undefined;
  const fields = jsonDiff(before, after);
  return fields.length > 0 ? { target: 'aws', artifact: file, resource: '(stack)', type: 'AWS::CloudFormation::Stack', classification: 'target-replacement', fields } : undefined;
}

/** Instance type (or pools) of a variant changes while the endpoint's variant is an autoscaling target. */
function blockedByAutoscaling(type: string, fields: readonly FieldDiff[], before: Record<string, Resource>): boolean {
  if (type !== 'AWS::SageMaker::EndpointConfig') return false;
  const instanceChange = fields.some((f) => /^ProductionVariants\[\d+\]\.(InstanceType|InstancePools)/.test(f.path) || f.path === 'ProductionVariants');
  const autoscaled = Object.values(before).some((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget' && r.Properties?.ScalableDimension === 'sagemaker:variant:DesiredInstanceCount');
  return instanceChange && autoscaled;
}

export function diffAwsTemplates(oldDir: string, newDir: string): ResourceChange[] {
  const changes: ResourceChange[] = [];
  const files = [...new Set([...listFiles(oldDir, '.template.json'), ...listFiles(newDir, '.template.json')])].sort();
  const [oldStacks, newStacks] = [stackIdentities(oldDir), stackIdentities(newDir)];
  for (const f of files) {
    const before = readJson<Template>(path.join(oldDir, f))?.Resources ?? {};
    const after = readJson<Template>(path.join(newDir, f))?.Resources ?? {};
    const moved = stackReplacement(f, oldStacks.get(f), newStacks.get(f));
    if (moved) changes.push(moved);
    for (const id of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      const a = before[id];
      const b = after[id];
      if (a && !b) {
        changes.push({ target: 'aws', artifact: f, resource: id, type: a.Type, classification: classifyAws(a.Type, [], 'removed'), fields: [] });
      } else if (!a && b) {
        changes.push({ target: 'aws', artifact: f, resource: id, type: b.Type, classification: 'creation', fields: [] });
      } else if (a && b) {
        const fields = jsonDiff({ Type: a.Type, Properties: a.Properties ?? {} }, { Type: b.Type, Properties: b.Properties ?? {} }).map((d) => ({ ...d, path: d.path.replace(/^Properties\./, '') }));
        if (fields.length === 0) continue;
        const classification = blockedByAutoscaling(b.Type, fields, before) ? 'blocked' : classifyAws(b.Type, fields, 'modified');
        changes.push({ target: 'aws', artifact: f, resource: id, type: b.Type, classification, fields });
      }
    }
  }
  return changes;
}

/** The label holding the PAI-EAS region of a synthesized service (written by the Alibaba emitter). */
export const EAS_REGION_LABEL = 'inferstack-region';

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
    // The region is recorded as a label by the emitter; a service in another region is a new service.
    const moved = fields.some((d) => d.path === `labels.${EAS_REGION_LABEL}`);
    const inPlace = fields.every((d) => EAS_IN_PLACE.some((re) => re.test(d.path)));
    changes.push({ target: 'alibaba', artifact: f, resource: name(b), type: 'PAI-EAS service', classification: moved ? 'target-replacement' : renamed ? 'deletion' : inPlace ? 'in-place' : 'rolling-update', fields });
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
  'target-replacement': 'NEW STACK/SERVICE (another name, account or region: the old one is orphaned, not deleted)',
  blocked:
    'BLOCKED (SageMaker rejects an instance-type change of an autoscaled variant: deploy once without scaling, then with the new instance type, then with scaling again; https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-scaling-update.html)',
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

/**
 * A value as a Markdown code span, so nothing taken from a spec (an @mention, a link, an image, an HTML comment, a
 * table pipe) is interpreted by GitHub: the fence is longer than any backtick run inside, and pipes are escaped as
 * GFM tables require even inside code spans (https://github.github.com/gfm/#tables-extension-).
 */
export function markdownCode(text: string): string {
  const flat = escapeControl(text.replace(/[\r\n]+/g, ' ')).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat === '' || flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

export function renderMarkdown(r: DiffResult): string {
  if (r.changes.length === 0) return '### inferstack diff\n\nNo changes: the synthesis matches the committed one.\n';
  const lines = ['### inferstack diff', '', r.destructive.length > 0 ? `> **${r.destructive.length} destructive change(s)** — needs \`--allow-destructive\`.` : '> No destructive change.', '', '| Target | Artifact | Resource | Change | Fields |', '|---|---|---|---|---|'];
  for (const c of r.changes) {
    const fields = c.fields.slice(0, 8).map((f) => `${markdownCode(f.path)}: ${markdownCode(value(f.from))} → ${markdownCode(value(f.to))}`).join('<br>') + (c.fields.length > 8 ? `<br>… ${c.fields.length - 8} more` : '');
    const label = LABEL[c.classification];
    lines.push(`| ${c.target} | ${markdownCode(c.artifact)} | ${markdownCode(c.resource)} (${markdownCode(c.type)}) | ${DESTRUCTIVE.includes(c.classification) ? `**${label}**` : label} | ${fields} |`);
  }
  return `${lines.join('\n')}\n`;
}
