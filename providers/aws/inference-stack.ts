import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DeploymentIR } from '../../lib/ir';
import { DEFAULT_INFERSTACK_VERSION, stackDescription, stackTags } from './deployment-properties';
import { ModelDeployment } from './model-deployment';

export interface InferenceStackProps extends StackProps {
  /** The normalized deployment (target aws). */
  readonly deployment: DeploymentIR;
  /** Version recorded in the stack's tags. @default '0.1.0' */
  readonly inferstackVersion?: string;
}

/** One CloudFormation stack per deployment; account and region come from the spec, never from lookups. */
export class InferenceStack extends Stack {
  readonly deployment: ModelDeployment;

  constructor(scope: Construct, id: string, props: InferenceStackProps) {
    const ir = props.deployment;
    super(scope, id, {
      ...props,
      stackName: ir.aws!.stackName,
      description: stackDescription(ir),
      env: { region: ir.aws!.region, ...(ir.aws!.account ? { account: ir.aws!.account } : {}) },
    });
    this.deployment = new ModelDeployment(this, 'Deployment', { deployment: ir });
    for (const [k, v] of stackTags(ir, props.inferstackVersion ?? DEFAULT_INFERSTACK_VERSION)) Tags.of(this).add(k, v);
  }
}
