/**
 * `inferstack synth --target aws` without aws-cdk-lib when possible: the direct writer (cloud-assembly.ts) for the
 * deployments it supports, else the CDK app as before (loaded only then). Both write the same files.
 */
import type { Emitter, EmittedFile } from '../../../lib/commands/synth';
import type { DeploymentIR } from '../../../lib/ir';
import { cleanCloudAssembly } from '../assembly-folder';
import { directSupport, writeCloudAssembly } from './cloud-assembly';

export class DirectAwsEmitter implements Emitter {
  async emit(deployments: readonly DeploymentIR[], outDir: string, specFile: string): Promise<EmittedFile[]> {
    const support = directSupport(deployments);
    if (support.ok) {
      cleanCloudAssembly(outDir);
      const written = writeCloudAssembly(deployments, outDir);
      if (written) return written.map((s) => ({ path: s.templatePath, deployment: s.deployment.name, target: 'aws' as const, resources: s.resources, via: 'direct' }));
    }
    const reason = support.ok ? 'the assembly is larger than the direct writer handles' : support.reason;
    const { AwsEmitter } = await import('../emitter');
    const files = await new AwsEmitter().emit(deployments, outDir, specFile);
    return files.map((f) => ({ ...f, viaReason: reason }));
  }
}
