import * as path from 'node:path';
import { CfnResource, type Stack } from 'aws-cdk-lib';
import type { Emitter, EmittedFile } from '../../lib/commands/synth';
import type { DeploymentIR } from '../../lib/ir';
import { addDeploymentStacks, createInferstackApp } from './app';
import { cleanCloudAssembly } from './assembly-folder';

export { cleanCloudAssembly };

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
    return stacks.map((stack, i) => ({ path: path.join(outDir, stack.templateFile), deployment: awsDeployments[i]!.name, target: 'aws' as const, resources: resourceCount(stack), via: 'cdk' }));
  }
}

/** Resources in a synthesized stack's template: its CloudFormation resource constructs (this app nests no stacks). */
function resourceCount(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
}
