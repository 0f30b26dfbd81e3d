/** parse -> validate -> normalize: the front half every command shares. */
import { Diagnostic, DiagnosticBag, sortDiagnostics } from './diagnostics/diagnostic';
import type { DeploymentIR } from './ir';
import { loadSpecFile, loadSpecText } from './spec/load';
import type { Spec } from './spec/schema';
import { validateSchema } from './spec/validate-schema';
import { normalizeSpec, NormalizeOptions } from './normalize/normalize';

export type CompileOptions = NormalizeOptions;

export interface CompileResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly deployments: readonly DeploymentIR[];
}

export function compileSpecFile(file: string, options: CompileOptions = {}): CompileResult {
  const loaded = loadSpecFile(file);
  if (!loaded.ok) return { file, ok: false, diagnostics: sortDiagnostics(loaded.diagnostics), deployments: [] };
  return compileLoaded(loaded.spec.data, new DiagnosticBag(loaded.spec.locator), file, options);
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
  return { file, ok, diagnostics, deployments: ok ? deployments : [] };
}
