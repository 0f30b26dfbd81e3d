/**
 * The least-privilege SageMaker execution role as CDK L1 constructs (CfnRole, CfnManagedPolicy) at the construct
 * paths the L2 constructs had (ExecutionRole/Role/Resource, ExecutionRole/Policy/Resource), so logical ids and
 * templates are unchanged. The documents come from execution-policy.ts, which the direct cloud-assembly writer
 * (direct/) uses too.
 */
import { Aws, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { awsPartition } from '../../lib/catalog/images';
import { ExecutionRoleProps, executionPolicy, policyDescription, RoleContext, roleDescription, SAGEMAKER_TRUST_POLICY } from './execution-policy';

export { hasIamWildcard, kmsKeyArn, objectPattern, parseS3Uri, SAGEMAKER_METRIC_NAMESPACES, secretReadStatement } from './execution-policy';
export type { ExecutionRoleProps, S3Location } from './execution-policy';

export class ExecutionRole extends Construct {
  readonly role: iam.CfnRole;
  readonly policy: iam.CfnManagedPolicy;

  constructor(scope: Construct, id: string, props: ExecutionRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // The region comes from the spec, so the partition is known: literal ARNs read better in review than Fn::Join.
    const ctx: RoleContext = {
      partition: Token.isUnresolved(stack.region) ? Aws.PARTITION : awsPartition(stack.region),
      region: stack.region,
      account: stack.account,
      accountKnown: !Token.isUnresolved(stack.account),
    };
    this.role = new iam.CfnRole(new Construct(this, 'Role'), 'Resource', {
      assumeRolePolicyDocument: SAGEMAKER_TRUST_POLICY,
      description: roleDescription(props.endpointName),
    });
    const { document, acknowledgements } = executionPolicy(props, ctx);
    // A customer-managed policy (not inline, not AWS-managed), attached to this role only.
    const policy = new Construct(this, 'Policy');
    this.policy = new iam.CfnManagedPolicy(policy, 'Resource', {
      description: policyDescription(props.endpointName),
      path: '/',
      policyDocument: document,
      roles: [this.role.ref],
    });
    for (const a of acknowledgements) Validations.of(policy).acknowledge(a);
  }
}
