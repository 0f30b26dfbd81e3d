/**
 * `inferstack synth`: emit each target's artifacts. Emitters are injected by the entry point so the core
 * never imports a provider (and `deploy-eas` never loads aws-cdk-lib).
 */
import { compileSpecFile } from '../compile';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { DeploymentIR } from '../ir';
import type { TargetName } from '../spec/schema';

export interface EmittedFile {
  readonly path: string;
  readonly deployment: string;
  readonly target: TargetName;
  readonly resources?: number;
}

export interface Emitter {
  /** Writes the artifacts of these deployments into `outDir`; returns what it wrote. */
  emit(deployments: readonly DeploymentIR[], outDir: string, specFile: string): Promise<EmittedFile[]> | EmittedFile[];
}

export interface SynthOptions {
  readonly targets: readonly TargetName[];
  readonly outDirs: Partial<Record<TargetName, string>>;
  readonly emitters: Partial<Record<TargetName, () => Promise<Emitter>>>;
}

export interface SynthResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly EmittedFile[];
}

export async function synth(specFile: string, options: SynthOptions): Promise<SynthResult> {
  const compiled = compileSpecFile(specFile);
  if (!compiled.ok) return { file: specFile, ok: false, diagnostics: compiled.diagnostics, files: [] };
  const files: EmittedFile[] = [];
  for (const target of options.targets) {
    const deployments = compiled.deployments.filter((d) => d.target === target);
    if (deployments.length === 0) continue;
    const load = options.emitters[target];
    if (!load) continue;
    const emitter = await load();
    files.push(...(await emitter.emit(deployments, options.outDirs[target]!, specFile)));
  }
  return { file: specFile, ok: true, diagnostics: compiled.diagnostics, files };
}
