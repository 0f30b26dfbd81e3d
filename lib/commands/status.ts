/**
 * `inferstack status SPEC`: what runs on each cloud compared with the spec, as structured results. Read-only.
 * The cloud side is a provider (providers/aws/status.ts, providers/alibaba/status.ts) injected by the entry point,
 * so this module never imports a provider.
 */
import { compileSpecFile } from '../compile';
import { Diagnostic, fileDiagnostic } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentIR } from '../ir';
import type { TargetName } from '../spec/schema';

export interface DeploymentStatus {
  readonly deployment: string;
  readonly target: TargetName;
  readonly region: string;
  /** The cloud resource looked at: a stack/endpoint, a PAI-EAS service. */
  readonly resource: string;
  /** Serving, and serving what the spec says. */
  readonly serving: boolean;
  /** The headline state (endpoint or service status, or "absent"). */
  readonly state: string;
  /** Why it is not serving as specified (empty when serving). */
  readonly problems: readonly string[];
  /** Observed facts, for JSON output and the text lines. */
  readonly facts: Readonly<Record<string, unknown>>;
  /** Human-readable lines under the headline. */
  readonly lines: readonly string[];
}

export interface StatusProvider {
  status(deployments: readonly DeploymentIR[]): Promise<DeploymentStatus[]>;
}

export type ProviderLoaders<T> = Partial<Record<TargetName, () => Promise<T>>>;

export interface Selection {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly deployments: readonly DeploymentIR[];
}

/** Compiles the spec and picks the deployments of the requested targets and names; unknown names are diagnostics. */
export function selectDeployments(spec: string, targets: readonly TargetName[] | undefined, names: readonly string[]): Selection {
  const compiled = compileSpecFile(spec);
  if (!compiled.ok) return { file: spec, ok: false, diagnostics: compiled.diagnostics, deployments: [] };
  const warnings = compiled.diagnostics;
  const wanted = targets ?? (['aws', 'alibaba'] as const);
  const inTargets = compiled.deployments.filter((d) => wanted.includes(d.target));
  const problems: Diagnostic[] = [];
  for (const name of names) {
    if (!inTargets.some((d) => d.name === name)) {
      problems.push(fileDiagnostic(spec, Diagnostics.AfterDeployUnknownDeployment, { found: name, target: wanted.join(' or ') }, { hint: `use one of: ${[...new Set(inTargets.map((d) => d.name))].join(', ') || '(none)'}` }));
    }
  }
  for (const target of targets ?? []) {
    if (!compiled.deployments.some((d) => d.target === target)) problems.push(fileDiagnostic(spec, Diagnostics.AfterDeployNoTarget, { target }, { hint: `add targets.${target} to a deployment, or use --target ${target === 'aws' ? 'alibaba' : 'aws'}` }));
  }
  if (problems.length > 0) return { file: spec, ok: false, diagnostics: [...warnings, ...problems], deployments: [] };
  const selected = names.length > 0 ? inTargets.filter((d) => names.includes(d.name)) : inTargets;
  return { file: spec, ok: true, diagnostics: warnings, deployments: selected };
}

export interface StatusResult {
  readonly file: string;
  /** Every selected deployment is serving as the spec says. */
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly deployments: readonly DeploymentStatus[];
}

export interface StatusOptions {
  readonly targets?: readonly TargetName[];
  readonly deployments?: readonly string[];
  readonly providers: ProviderLoaders<StatusProvider>;
}

export async function status(spec: string, options: StatusOptions): Promise<StatusResult> {
  const selection = selectDeployments(spec, options.targets, options.deployments ?? []);
  if (!selection.ok) return { file: spec, ok: false, diagnostics: selection.diagnostics, deployments: [] };
  const results: DeploymentStatus[] = [];
  for (const target of ['aws', 'alibaba'] as const) {
    const mine = selection.deployments.filter((d) => d.target === target);
    if (mine.length === 0) continue;
    const load = options.providers[target];
    if (!load) throw new Error(`no status provider for ${target}`);
    const provider = await load();
    results.push(...(await provider.status(mine)));
  }
  return { file: spec, ok: results.every((r) => r.serving), diagnostics: selection.diagnostics, deployments: results };
}

/** A status for a deployment whose cloud could not be asked (credentials, network, permissions). */
export function unreachableStatus(ir: DeploymentIR, resource: string, region: string, error: string): DeploymentStatus {
  return { deployment: ir.name, target: ir.target, region, resource, serving: false, state: 'unknown', problems: [error], facts: {}, lines: [] };
}

/** Renders statuses as text blocks: a headline per deployment, its lines, then its problems. */
export function renderStatusText(statuses: readonly DeploymentStatus[], paint: (code: string, text: string) => string = (_c, t) => t): string {
  const out: string[] = [];
  for (const s of statuses) {
    const mark = s.serving ? paint('32', '✓') : paint('31', '✗');
    out.push(`${mark} ${s.deployment} [${s.target}/${s.region}] ${s.resource}: ${s.state}${s.serving ? ', serving as specified' : ''}`);
    for (const line of s.lines) out.push(`    ${line}`);
    for (const p of s.problems) out.push(`    ${paint('31', '!')} ${p}`);
  }
  const serving = statuses.filter((s) => s.serving).length;
  out.push(`${serving} of ${statuses.length} deployment(s) serving as specified`);
  return out.join('\n');
}
