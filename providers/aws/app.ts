import { App } from 'aws-cdk-lib';
import type { DeploymentIR } from '../../lib/ir';
import { InferenceStack } from './inference-stack';

/** Stack construct ids: the deployment name in PascalCase, stable across runs. */
export function stackId(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** Adds one stack per AWS deployment to an app (shared by the CDK entry point and `inferstack synth`). */
export function addDeploymentStacks(app: App, deployments: readonly DeploymentIR[]): InferenceStack[] {
  return deployments.filter((d) => d.target === 'aws').map((d) => new InferenceStack(app, stackId(d.name), { deployment: d }));
}
