/** parse -> validate -> normalize: the front half every command shares. */
import { Diagnostic, DiagnosticBag, sortDiagnostics } from './diagnostics/diagnostic';
import type { DeploymentIR } from './ir';
import { loadSpecFile, loadSpecText } from './spec/load';
import type { Spec, TargetName } from './spec/schema';
import { validateSchema } from './spec/validate-schema';
import { normalizeSpec, NormalizeOptions } from './normalize/normalize';

export interface CompileOptions extends NormalizeOptions {
  /** Only errors of these targets (or of none in particular) block; the others become notes. @default every target */
  readonly targets?: readonly TargetName[];
}

export interface CompileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly deployments: readonly DeploymentIR[];
  /** Deployments of the targets that have no error (what `selectTargets` may hand on). */
  readonly candidates?: readonly DeploymentIR[];
}

/**
 * Compiles the spec; with `targets`, only errors that apply to those targets (or to no target in particular) block,
 * and the other targets' errors are kept as notes: `synth --target aws` is not stopped by an Alibaba-only problem.
 */
export function compileSpecFile(file: string, options: CompileOptions = {}): CompileResult {
  const loaded = loadSpecFile(file);
  if (!loaded.ok) return { file, ok: false, diagnostics: sortDiagnostics(loaded.diagnostics), deployments: [] };
  const result = compileLoaded(loaded.spec.data, new DiagnosticBag(loaded.spec.locator), file, options);
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
  return { file: result.file, ok, diagnostics, deployments: ok ? pool.filter((d) => targets.includes(d.target)) : [] };
}

export function compileSpecText(file: string, text: string | Uint8Array, options: CompileOptions = {}): CompileResult {
  const loaded = loadSpecText(file, text);
  if (!loaded.ok) return { file, ok: false, diagnostics: sortDiagnostics(loaded.diagnostics), deployments: [] };
  return compileLoaded(loaded.spec.data, new DiagnosticBag(loaded.spec.locator), file, options);
}

function compileLoaded(data: unknown, bag: DiagnosticBag, file: string, options: CompileOptions): CompileResult {
  validateSchema(data, bag);
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  // Semantic checks need the spec's skeleton; without it they would only repeat the structural errors.
  const skeleton = isObject(data) && isObject((data as Spec).deployments) && Object.keys((data as Spec).deployments).length > 0 && bag.errorCountUnder(['version']) === 0;
  const deployments = skeleton ? normalizeSpec(data as Spec, bag, options) : [];
  const diagnostics = bag.all;
  const ok = !bag.hasErrors;
  // Deployments of targets without errors stay available to selectTargets.
  const blocked = (target: TargetName) => diagnostics.some((d) => d.severity === 'error' && appliesTo(d, [target]));
  const candidates = deployments.filter((d) => !blocked(d.target));
  return { file, ok, diagnostics, deployments: ok ? deployments : [], candidates };
}
