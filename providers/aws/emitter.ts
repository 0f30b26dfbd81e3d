import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Emitter, EmittedFile } from '../../lib/commands/synth';
import type { DeploymentIR } from '../../lib/ir';
import { addDeploymentStacks } from './app';
import { FEATURE_FLAGS } from './feature-flags';

/** Synthesizes a CDK cloud assembly (the same one `cdk synth -c spec=...` writes). */
export class AwsEmitter implements Emitter {
  emit(deployments: readonly DeploymentIR[], outDir: string, specFile: string): EmittedFile[] {
    cleanCloudAssembly(outDir);
    // The same context the CDK CLI passes, so both write the same cloud assembly (path metadata helps reviewers).
    const app = new App({ outdir: outDir, analyticsReporting: false, context: { ...FEATURE_FLAGS, spec: specFile, 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } });
    const stacks = addDeploymentStacks(app, deployments);
    const assembly = app.synth();
    const awsDeployments = deployments.filter((d) => d.target === 'aws');
    return stacks.map((stack, i) => {
      const artifact = assembly.getStackByName(stack.stackName);
      const template = artifact.template as { Resources?: Record<string, unknown> };
      return { path: path.join(outDir, artifact.templateFile), deployment: awsDeployments[i]!.name, target: 'aws' as const, resources: Object.keys(template.Resources ?? {}).length };
    });
  }
}

const ASSEMBLY_ENTRY = /^(manifest\.json|tree\.json|cdk\.out|validation-report\.json|.+\.template\.json|.+\.assets\.json|.+\.metadata\.json|asset\..+)$/;

/** Removes a previous cloud assembly's files (stale stacks would otherwise linger), and nothing else. */
export function cleanCloudAssembly(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (ASSEMBLY_ENTRY.test(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}
