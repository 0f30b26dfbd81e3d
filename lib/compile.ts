/** parse -> validate -> normalize: the front half every command shares. */
import { Diagnostic, DiagnosticBag, sortDiagnostics } from './diagnostics/diagnostic';
import type { DeploymentIR } from './ir';
import { loadSpecFile, loadSpecText } from './spec/load';
import type { Spec, TargetName } from './spec/schema';
import { validateSchema } from './spec/validate-schema';
import { normalizeSpec, NormalizeOptions } from './normalize/normalize';
import { Diagnostics } from './diagnostics/registry';
import { SPEC_NAME_PATTERN } from './spec/constants';
import * as path from 'node:path';

export interface CompileOptions extends NormalizeOptions {
  /** Only errors of these targets (or of none in particular) block; the others become notes. @default every target */
  readonly targets?: readonly TargetName[];
  /** Compile every Alibaba deployment for this region instead of the spec's (deploy-eas --region). */
  readonly alibabaRegion?: string;
}

export interface CompileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly deployments: readonly DeploymentIR[];
  /** Deployments of the targets that have no error (what `selectTargets` may hand on). */
  readonly candidates?: readonly DeploymentIR[];
  /** The spec's identity: top-level `name:`, or the file's base name. */
  readonly specName: string;
}

/** The file's base name without its YAML extension. */
export function defaultSpecName(file: string): string {
  return path.basename(file).replace(/\.(ya?ml|json)$/i, '');
}

function specNameOf(data: unknown, file: string, bag: DiagnosticBag): string {
  const explicit = (data as { name?: unknown } | null)?.name;
  if (typeof explicit === 'string') return explicit;
  const name = defaultSpecName(file);
  if (!new RegExp(SPEC_NAME_PATTERN).test(name)) {
    bag.add(Diagnostics.SpecNameDefault, [], {
      found: name,
      allowed: 'a letter or digit, then up to 62 letters, digits, ".", "_" or "-", ending in a letter or digit',
      hint: 'add a top-level "name:" such as "name: acme-serving" (it labels the services this spec owns)',
    });
  }
  return name;
}

function withSpecName(ir: DeploymentIR, specName: string): DeploymentIR {
  return ir.alibaba ? { ...ir, alibaba: { ...ir.alibaba, specName } } : ir;
}

/**
 * Compiles the spec; with `targets`, only errors that apply to those targets (or to no target in particular) block,
 * and the other targets' errors are kept as notes: `synth --target aws` is not stopped by an Alibaba-only problem.
 */
export function compileSpecFile(file: string, options: CompileOptions = {}): CompileResult {
  const loaded = loadSpecFile(file);
  if (!loaded.ok) return { file, ok: false, diagnostics: sortDiagnostics(loaded.diagnostics), deployments: [], specName: defaultSpecName(file) };
  const data = options.alibabaRegion ? withAlibabaRegion(loaded.spec.data, options.alibabaRegion) : loaded.spec.data;
  const result = compileLoaded(data, new DiagnosticBag(loaded.spec.locator), file, options);
  return options.targets ? selectTargets(result, options.targets) : result;
}

function appliesTo(d: Diagnostic, targets: readonly TargetName[]): boolean {
  const of = d.targets ?? (d.target ? [d.target] : undefined);
  return of === undefined || of.some((t) => (targets as readonly string[]).includes(t));
}

export function selectTargets(result: CompileResult, targets: readonly TargetName[]): CompileResult {
  // Other targets' errors stay visible as notes; their warnings are not this command's concern.
  const diagnostics = result.diagnostics
    .filter((d) => d.severity !== 'warning' || appliesTo(d, targets))
    .map((d) => (d.severity === 'error' && !appliesTo(d, targets) ? { ...d, severity: 'note' as const } : d));
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const pool = result.candidates ?? result.deployments;
  return { ...result, ok, diagnostics, deployments: ok ? pool.filter((d) => targets.includes(d.target)) : [] };
}

/** The spec with every Alibaba target (under defaults and each deployment) moved to `region`. */
function withAlibabaRegion(data: unknown, region: string): unknown {
  const moved = (d: unknown): unknown => {
    const targets = (d as { targets?: { alibaba?: Record<string, unknown> } } | null)?.targets;
    if (!targets?.alibaba || typeof targets.alibaba !== 'object') return d;
    return { ...(d as object), targets: { ...targets, alibaba: { ...targets.alibaba, region } } };
  };
  const spec = data as { defaults?: unknown; deployments?: Record<string, unknown> } | null;
  if (!spec || typeof spec !== 'object' || !spec.deployments || typeof spec.deployments !== 'object') return data;
  const deployments = Object.fromEntries(Object.entries(spec.deployments).map(([k, v]) => [k, moved(v)]));
  return { ...spec, ...(spec.defaults ? { defaults: moved(spec.defaults) } : {}), deployments };
}

export function compileSpecText(file: string, text: string | Uint8Array, options: CompileOptions = {}): CompileResult {
  const loaded = loadSpecText(file, text);
  if (!loaded.ok) return { file, ok: false, diagnostics: sortDiagnostics(loaded.diagnostics), deployments: [], specName: defaultSpecName(file) };
  return compileLoaded(loaded.spec.data, new DiagnosticBag(loaded.spec.locator), file, options);
}

function compileLoaded(data: unknown, bag: DiagnosticBag, file: string, options: CompileOptions): CompileResult {
  validateSchema(data, bag);
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  // Semantic checks need the spec's skeleton; without it they would only repeat the structural errors.
  const skeleton = isObject(data) && isObject((data as Spec).deployments) && Object.keys((data as Spec).deployments).length > 0 && bag.errorCountUnder(['version']) === 0;
  const specName = specNameOf(data, file, bag);
  const deployments = skeleton ? normalizeSpec(data as Spec, bag, options).map((ir) => withSpecName(ir, specName)) : [];
  const diagnostics = bag.all;
  const ok = !bag.hasErrors;
  // Deployments of targets without errors stay available to selectTargets.
  const blocked = (target: TargetName) => diagnostics.some((d) => d.severity === 'error' && appliesTo(d, [target]));
  const candidates = deployments.filter((d) => !blocked(d.target));
  return { file, ok, diagnostics, deployments: ok ? deployments : [], candidates, specName };
}
