import { App } from 'aws-cdk-lib';
import type { DeploymentIR } from '../../lib/ir';
import { stackConstructId } from '../../lib/normalize/collisions';
import { InferenceStack } from './inference-stack';

/** Stack construct ids: the deployment name in PascalCase, stable across runs (validate rejects collisions). */
export const stackId = stackConstructId;

/** Adds one stack per AWS deployment to an app (shared by the CDK entry point and `inferstack synth`). */
export function addDeploymentStacks(app: App, deployments: readonly DeploymentIR[]): InferenceStack[] {
  return deployments.filter((d) => d.target === 'aws').map((d) => new InferenceStack(app, stackId(d.name), { deployment: d }));
}
