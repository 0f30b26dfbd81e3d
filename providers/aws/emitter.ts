import * as fs from 'node:fs';
import * as path from 'node:path';
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { Emitter, EmittedFile } from '../../lib/commands/synth';
import type { DeploymentIR } from '../../lib/ir';
import { addDeploymentStacks, createInferstackApp } from './app';

export interface AwsEmitterOptions {
  /** Run aws-cdk-lib's built-in CloudFormation validator after synthesis (`inferstack synth --validate`). @default false */
  readonly validate?: boolean;
}

/** Synthesizes a CDK cloud assembly (the same one `cdk synth -c spec=...` writes). */
export class AwsEmitter implements Emitter {
  constructor(private readonly options: AwsEmitterOptions = {}) {}

  emit(deployments: readonly DeploymentIR[], outDir: string, specFile: string): EmittedFile[] {
    cleanCloudAssembly(outDir);
    // The same context the CDK CLI passes, so both write the same cloud assembly (path metadata helps reviewers).
    const app = createInferstackApp({
      outdir: outDir,
      validate: this.options.validate ?? false,
      context: { spec: specFile, 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true },
    });
    const stacks = addDeploymentStacks(app, deployments);
    app.synth();
    const awsDeployments = deployments.filter((d) => d.target === 'aws');
    // Reported from the construct tree: reading every template back would cost a read and a parse per stack.
    return stacks.map((stack, i) => ({ path: path.join(outDir, stack.templateFile), deployment: awsDeployments[i]!.name, target: 'aws' as const, resources: resourceCount(stack) }));
  }
}

/** Resources in a synthesized stack's template: its CloudFormation resource constructs (this app nests no stacks). */
function resourceCount(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
}

const ASSEMBLY_ENTRY = /^(manifest\.json|tree\.json|cdk\.out|validation-report\.json|.+\.template\.json|.+\.assets\.json|.+\.metadata\.json|asset\..+)$/;

/** Removes a previous cloud assembly's files (stale stacks would otherwise linger), and nothing else. */
export function cleanCloudAssembly(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (ASSEMBLY_ENTRY.test(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}
