/**
 * The construct tree of one inferstack stack (InferenceStack + ModelDeployment without an ahead-of-time job), built
 * from the same property functions the CDK constructs call; the construct ids, nesting and dependencies mirror
 * inference-stack.ts and model-deployment.ts (the equality tests compare every file the two paths write).
 */
import { awsPartition } from '../../../lib/catalog/images';
import type { DeploymentIR } from '../../../lib/ir';
import { stackConstructId } from '../../../lib/normalize/collisions';
import {
  deploymentOutputs,
  encryptionPlan,
  endpointConfigProperties,
  endpointNameOf,
  endpointProperties,
  executionRoleInputs,
  inferenceComponentProperties,
  keyProperties,
  missingVolumeKeyReason,
  MISSING_VOLUME_KEY_RULE,
  modelProperties,
  scalesToZero,
} from '../deployment-properties';
import { executionPolicy, policyDescription, roleDescription, SAGEMAKER_TRUST_POLICY } from '../execution-policy';
import { noCapacityAlarmProperties, scalableTargetProperties, scaleOutFromZeroProperties, scalingSubjectOf, targetTrackingProperties, wakesFromZero } from '../scaling-properties';
import { bootstrapParameter, bootstrapRule } from './bootstrap';
import { addDependency, addResource, CONSTRUCT_TYPES as T, ConstructNode } from './construct-node';
import type { Intrinsics } from './intrinsics';

/** The stack's account: the spec's, or the deploy-time `AWS::AccountId`. */
function accountOf(ir: DeploymentIR, x: Intrinsics): string {
  return ir.aws!.account ?? x.token({ Ref: 'AWS::AccountId' });
}

/** Adds the stack of one deployment to the app tree and returns it. */
export function addDeploymentStack(app: ConstructNode, ir: DeploymentIR, x: Intrinsics): ConstructNode {
  const stack = app.add(stackConstructId(ir.name), T.stack);
  addModelDeployment(stack.add('Deployment'), ir, x);
  stack.add('BootstrapVersion', T.parameter).element = { kind: 'parameter', fragment: bootstrapParameter() };
  stack.add('CheckBootstrapVersion', T.rule).element = { kind: 'rule', fragment: bootstrapRule() };
  return stack;
}

function addModelDeployment(d: ConstructNode, ir: DeploymentIR, x: Intrinsics): void {
  const aws = ir.aws!;
  const partition = awsPartition(aws.region);
  const account = accountOf(ir, x);
  let keyArn = aws.kmsKey;
  if (encryptionPlan(ir).generateKey) {
    const key = addResource(d.add('Key'), 'Resource', T.key, { type: 'AWS::KMS::Key', props: { ...keyProperties(endpointNameOf(ir), `arn:${partition}:iam::${account}:root`) }, taggable: true, retain: true });
    keyArn = x.getAtt(key.logicalId, 'Arn');
  }
  const role = aws.role ? undefined : addExecutionRole(d, ir, x, keyArn);
  const roleArn = aws.role ?? role!.roleArn;

  const model = addResource(d, 'Model', T.model, { type: 'AWS::SageMaker::Model', props: { ...modelProperties(ir, roleArn, ir.engine.image!, undefined) }, taggable: true });
  if (role) addDependency(model, role.scope);
  const modelName = x.getAtt(model.logicalId, 'ModelName');

  const scaleToZero = scalesToZero(ir);
  const config = addResource(d, 'EndpointConfig', T.endpointConfig, { type: 'AWS::SageMaker::EndpointConfig', props: { ...endpointConfigProperties(ir, { modelName, roleArn, ...(keyArn ? { keyArn } : {}) }) }, taggable: true });
  const reason = missingVolumeKeyReason(ir, keyArn);
  if (reason) config.acknowledgements.push({ id: MISSING_VOLUME_KEY_RULE, reason });
  if (!scaleToZero) addDependency(config, model);

  const endpoint = addResource(d, 'Endpoint', T.endpoint, { type: 'AWS::SageMaker::Endpoint', props: { ...endpointProperties(ir, x.getAtt(config.logicalId, 'EndpointConfigName')) }, taggable: true });
  const endpointName = x.getAtt(endpoint.logicalId, 'EndpointName');
  let scalingDependency = endpoint;
  if (scaleToZero) {
    scalingDependency = addResource(d, 'InferenceComponent', T.inferenceComponent, { type: 'AWS::SageMaker::InferenceComponent', props: { ...inferenceComponentProperties(ir, endpointName, modelName) }, taggable: true });
    addDependency(scalingDependency, endpoint);
    addDependency(scalingDependency, model);
  }
  addScaling(d, ir, x, scalingDependency);
  for (const o of deploymentOutputs(ir, endpointName, x.ref(endpoint.logicalId))) d.add(o.id, T.output).element = { kind: 'output', value: o.value, description: o.description };
}

function addExecutionRole(d: ConstructNode, ir: DeploymentIR, x: Intrinsics, keyArn: string | undefined): { scope: ConstructNode; roleArn: string } {
  const aws = ir.aws!;
  const name = endpointNameOf(ir);
  const scope = d.add('ExecutionRole');
  const role = addResource(scope.add('Role'), 'Resource', T.role, { type: 'AWS::IAM::Role', props: { assumeRolePolicyDocument: SAGEMAKER_TRUST_POLICY, description: roleDescription(name) }, taggable: true });
  const ctx = { partition: awsPartition(aws.region), region: aws.region, account: accountOf(ir, x), accountKnown: !!aws.account };
  const { document, acknowledgements } = executionPolicy(executionRoleInputs(ir, aws.region, { keyArn, image: ir.engine.image! }), ctx);
  const policy = scope.add('Policy');
  addResource(policy, 'Resource', T.managedPolicy, { type: 'AWS::IAM::ManagedPolicy', props: { description: policyDescription(name), path: '/', policyDocument: document, roles: [x.ref(role.logicalId)] }, taggable: false });
  policy.acknowledgements.push(...acknowledgements);
  return { scope, roleArn: x.getAtt(role.logicalId, 'Arn') };
}

function addScaling(d: ConstructNode, ir: DeploymentIR, x: Intrinsics, dependency: ConstructNode): void {
  const subject = scalingSubjectOf(ir);
  if (!subject) return;
  const scaling = d.add('Scaling');
  const target = addResource(scaling, 'Target', T.scalableTarget, { type: 'AWS::ApplicationAutoScaling::ScalableTarget', props: { ...scalableTargetProperties(subject) }, taggable: true });
  addDependency(target, dependency);
  const targetRef = x.ref(target.logicalId);
  addResource(scaling, 'TargetTracking', T.scalingPolicy, { type: 'AWS::ApplicationAutoScaling::ScalingPolicy', props: { ...targetTrackingProperties(subject, targetRef) }, taggable: false });
  if (!wakesFromZero(subject)) return;
  const step = addResource(scaling, 'ScaleOutFromZero', T.scalingPolicy, { type: 'AWS::ApplicationAutoScaling::ScalingPolicy', props: { ...scaleOutFromZeroProperties(subject, targetRef) }, taggable: false });
  addResource(scaling, 'NoCapacityAlarm', T.alarm, { type: 'AWS::CloudWatch::Alarm', props: { ...noCapacityAlarmProperties(subject, x.ref(step.logicalId)) }, taggable: true });
}
