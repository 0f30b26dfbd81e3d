/**
 * `inferstack synth --target aws` without aws-cdk-lib when possible: the direct writer (cloud-assembly.ts) renders
 * the assembly in memory for the deployments it supports (synth writes it straight into the output folder), else
 * the CDK app writes it as before (loaded only then). Both produce the same files.
 */
import * as path from 'node:path';
import type { Emitter, EmittedFile, RenderedOutput } from '../../../lib/commands/synth';
import type { DeploymentIR } from '../../../lib/ir';
import { cleanCloudAssembly } from '../assembly-folder';
import { DirectSupport, directSupport, RenderedAssembly, renderCloudAssembly, writeCloudAssembly } from './cloud-assembly';

function emittedFiles(assembly: RenderedAssembly, dir: string): EmittedFile[] {
  return assembly.stacks.map((s) => ({ path: path.join(dir, s.templateFile), deployment: s.deployment.name, target: 'aws' as const, resources: s.resources, via: 'direct' }));
}

export class DirectAwsEmitter implements Emitter {
  private readonly support = new WeakMap<readonly DeploymentIR[], DirectSupport>();

  /** @param renderAssembly the direct writer (replaceable in tests). @default renderCloudAssembly */
  constructor(private readonly renderAssembly: typeof renderCloudAssembly = renderCloudAssembly) {}

  render(deployments: readonly DeploymentIR[]): RenderedOutput | undefined {
    if (!this.supported(deployments)) return undefined;
    try {
      const assembly = this.renderAssembly(deployments);
      return assembly ? { files: assembly.files, emitted: emittedFiles(assembly, '') } : undefined;
    } catch (err) {
      // A failure of the writer itself is no reason to fail the synthesis: the CDK app (emit) writes the reference.
      this.support.set(deployments, { ok: false, reason: `the direct writer failed (${(err as Error).message}); please report it` });
      return undefined;
    }
  }

  async emit(deployments: readonly DeploymentIR[], outDir: string, specFile: string): Promise<EmittedFile[]> {
    if (this.supported(deployments)) {
      cleanCloudAssembly(outDir);
      const assembly = writeCloudAssembly(deployments, outDir);
      if (assembly) return emittedFiles(assembly, outDir);
    }
    const support = this.support.get(deployments)!;
    const reason = support.ok ? 'the assembly is larger than the direct writer handles' : support.reason;
    const { AwsEmitter } = await import('../emitter');
    const files = await new AwsEmitter().emit(deployments, outDir, specFile);
    return files.map((f) => ({ ...f, viaReason: reason }));
  }

  private supported(deployments: readonly DeploymentIR[]): boolean {
    if (!this.support.has(deployments)) this.support.set(deployments, directSupport(deployments));
    return this.support.get(deployments)!.ok;
  }
}
