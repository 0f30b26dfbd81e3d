/**
 * `inferstack synth`: emit each target's artifacts. Emitters are injected by the entry point so the core
 * never imports a provider (and `deploy-eas` never loads aws-cdk-lib).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileSpecFile } from '../compile';
import { Diagnostic, runDiagnostic } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import { checkOutputFolder, FolderProblem, installSynthesis, listFilesRecursively, removePreviousSynthesis } from './output-folder';
import type { DeploymentIR } from '../ir';
import type { TargetName } from '../spec/schema';

export interface EmittedFile {
  readonly path: string;
  readonly deployment: string;
  readonly target: TargetName;
  readonly resources?: number;
  /** How the file was written, for targets with more than one way (aws: "direct" or "cdk"). @default not reported */
  readonly via?: string;
  /** Why the slower way was taken, when it was not asked for. @default none */
  readonly viaReason?: string;
}

/** A target's output held in memory: file contents by relative path, and what they are (paths relative too). */
export interface RenderedOutput {
  readonly files: ReadonlyMap<string, string>;
  readonly emitted: readonly EmittedFile[];
}

export interface Emitter {
  /** Writes the artifacts of these deployments into `outDir`; returns what it wrote. */
  emit(deployments: readonly DeploymentIR[], outDir: string, specFile: string): Promise<EmittedFile[]> | EmittedFile[];
  /**
   * The same artifacts in memory, when the emitter can: synth then writes them straight into the output folder
   * instead of staging and copying them. `undefined` means "use emit". @default not offered
   */
  render?(deployments: readonly DeploymentIR[], specFile: string): Promise<RenderedOutput | undefined> | RenderedOutput | undefined;
}

export interface SynthOptions {
  readonly targets: readonly TargetName[];
  readonly outDirs: Partial<Record<TargetName, string>>;
  readonly emitters: Partial<Record<TargetName, () => Promise<Emitter>>>;
  /** Write into a non-empty folder that no earlier synthesis wrote (its files stay). @default false */
  readonly force?: boolean;
}

export interface SynthResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly EmittedFile[];
}

function folderDiagnostic(problem: FolderProblem): Diagnostic {
  switch (problem.kind) {
    case 'not-ours':
      return runDiagnostic(problem.dir, Diagnostics.OutDirNotOurs, { found: problem.dir }, {
        allowed: 'an absent or empty folder, or one an earlier synth wrote (it keeps a .inferstack-synth.json manifest)',
        hint: `choose another --out, or add --force to write next to its ${problem.entries.length} entr${problem.entries.length === 1 ? 'y' : 'ies'} (${problem.entries.slice(0, 3).join(', ')}${problem.entries.length > 3 ? ', ...' : ''}), which stay`,
      });
    case 'link':
      return runDiagnostic(problem.path, Diagnostics.OutDirLink, { found: problem.path }, { hint: 'remove the link or choose another --out; synth never writes through a link' });
    case 'not-a-folder':
      return runDiagnostic(problem.path, Diagnostics.OutDirNotFolder, { found: problem.path }, { hint: 'choose another --out' });
  }
}

/** One target's output before it is installed: in memory, or in a staging folder. */
type Staged = { readonly target: TargetName; readonly files: EmittedFile[] } & ({ readonly rendered: RenderedOutput } | { readonly dir: string });

async function stage(emitter: Emitter, target: TargetName, deployments: readonly DeploymentIR[], staging: string, specFile: string): Promise<Staged> {
  const rendered = await emitter.render?.(deployments, specFile);
  if (rendered) return { target, rendered, files: [...rendered.emitted] };
  const dir = path.join(staging, target);
  return { target, dir, files: await emitter.emit(deployments, dir, specFile) };
}

/**
 * Renders in memory (or emits into a private staging folder) first, so nothing reaches the output folders unless
 * every target's emission succeeded and every output folder may be written; then replaces exactly what the previous
 * synthesis wrote.
 */
export async function synth(specFile: string, options: SynthOptions): Promise<SynthResult> {
  const compiled = compileSpecFile(specFile, { targets: options.targets });
  if (!compiled.ok) return { file: specFile, ok: false, diagnostics: compiled.diagnostics, files: [] };
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'inferstack-synth-'));
  try {
    const staged: Staged[] = [];
    for (const target of options.targets) {
      const deployments = compiled.deployments.filter((d) => d.target === target);
      if (deployments.length === 0) continue;
      const load = options.emitters[target];
      if (!load) continue;
      staged.push(await stage(await load(), target, deployments, staging, specFile));
    }
    const problems = staged
      .map((s) => checkOutputFolder(options.outDirs[s.target]!, 'dir' in s ? listFilesRecursively(s.dir) : [...s.rendered.files.keys()], options.force ?? false))
      .filter((p): p is FolderProblem => p !== undefined);
    if (problems.length > 0) return { file: specFile, ok: false, diagnostics: [...compiled.diagnostics, ...problems.map(folderDiagnostic)], files: [] };
    const files: EmittedFile[] = [];
    for (const s of staged) {
      const outDir = options.outDirs[s.target]!;
      removePreviousSynthesis(outDir);
      installSynthesis('dir' in s ? s.dir : s.rendered.files, outDir, s.target);
      files.push(...s.files.map((f) => ({ ...f, path: path.join(outDir, 'dir' in s ? path.relative(s.dir, f.path) : f.path) })));
    }
    return { file: specFile, ok: true, diagnostics: compiled.diagnostics, files };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
