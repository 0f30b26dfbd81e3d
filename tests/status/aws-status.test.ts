import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderStatusText, status } from '../../lib/commands/status';
import { AwsStatusProvider } from '../../providers/aws/status';
import { specFile as writeSpec } from '../deploy/harness';
import { awsChatSpec } from '../helpers/fake-aws';

const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-AbC123';

function specFile(extra = ''): string {
  return writeSpec(awsChatSpec(extra));
}

const sm = mockClient(SageMakerClient);
const cfn = mockClient(CloudFormationClient);
const aas = mockClient(ApplicationAutoScalingClient);
const secrets = mockClient(SecretsManagerClient);

function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}

function healthy(): void {
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'chat', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      { LogicalResourceId: 'ChatEndpointConfig', PhysicalResourceId: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/chatendpointconfig-new', ResourceType: 'AWS::SageMaker::EndpointConfig', ResourceStatus: 'UPDATE_COMPLETE', Timestamp: new Date() },
    ],
  });
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: 'chat',
    EndpointArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/chat',
    EndpointStatus: 'InService',
    EndpointConfigName: 'ChatEndpointConfig-NEW',
    CreationTime: new Date(),
    LastModifiedTime: new Date(),
    ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 2, DesiredInstanceCount: 2 }],
  });
  sm.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'ChatEndpointConfig-NEW', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'ChatModel-1', InstanceType: 'ml.g5.2xlarge' }] } as never);
  sm.on(DescribeModelCommand).resolves({ ModelName: 'ChatModel-1', CreationTime: new Date('2026-11-20T00:00:00Z'), ExecutionRoleArn: 'arn:aws:iam::123456789012:role/r' } as never);
  aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [{ ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/chat/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 3, RoleARN: 'r', CreationTime: new Date() }] });
}

async function run(file: string) {
  return status(file, { providers: { aws: async () => new AwsStatusProvider() } });
}

beforeEach(() => {
  sm.reset();
  cfn.reset();
  aas.reset();
  secrets.reset();
});
afterEach(() => {
  sm.reset();
});

describe('status on AWS (aws-sdk-client-mock: CloudFormation, SageMaker, Application Auto Scaling, Secrets Manager)', () => {
  it('serving as specified: stack complete, endpoint InService on the configuration the stack expects, instances and scaling range', async () => {
    healthy();
    const r = await run(specFile());
    expect(r.ok).toBe(true);
    const s = r.deployments[0]!;
    expect(s).toMatchObject({ deployment: 'chat', target: 'aws', region: 'us-east-1', serving: true, state: 'InService', problems: [] });
    expect(s.facts).toMatchObject({ stackStatus: 'UPDATE_COMPLETE', endpointStatus: 'InService', instanceType: 'ml.g5.2xlarge', scaling: { min: 1, max: 3 }, variants: [{ name: 'AllTraffic', currentInstances: 2, desiredInstances: 2 }] });
    const text = renderStatusText(r.deployments);
    expect(text).toContain('variant AllTraffic: 2/2 instances');
    expect(text).toContain('scaling: 1-3 (sagemaker:variant:DesiredInstanceCount)');
    expect(sm.commandCalls(DescribeEndpointCommand)[0]!.args[0].input).toEqual({ EndpointName: 'chat' });
    expect(aas.commandCalls(DescribeScalableTargetsCommand)[0]!.args[0].input).toEqual({ ServiceNamespace: 'sagemaker', ResourceIds: ['endpoint/chat/variant/AllTraffic'] });
  });

  it('a rolled-back update: the stack says so and the endpoint is on an older configuration -> not serving as specified', async () => {
    healthy();
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'chat', StackStatus: 'UPDATE_ROLLBACK_COMPLETE', StackStatusReason: 'Resource handler returned message: "CapacityError"', CreationTime: new Date() }] });
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: 'chat', EndpointArn: 'a', EndpointStatus: 'InService', EndpointConfigName: 'ChatEndpointConfig-OLD', CreationTime: new Date(), LastModifiedTime: new Date(), ProductionVariants: [] });
    const r = await run(specFile());
    expect(r.ok).toBe(false);
    const problems = r.deployments[0]!.problems.join('\n');
    expect(problems).toContain('the last stack update was rolled back (Resource handler returned message: "CapacityError")');
    expect(problems).toContain('the endpoint runs configuration ChatEndpointConfig-OLD but the stack expects chatendpointconfig-new');
  });

  it('a failed endpoint reports its failure reason', async () => {
    healthy();
    sm.on(DescribeEndpointCommand).resolves({ EndpointName: 'chat', EndpointArn: 'a', EndpointStatus: 'Failed', FailureReason: 'The primary container for production variant AllTraffic did not pass the ping health check.', EndpointConfigName: 'ChatEndpointConfig-NEW', CreationTime: new Date(), LastModifiedTime: new Date() });
    const r = await run(specFile());
    expect(r.ok).toBe(false);
    expect(r.deployments[0]!.state).toBe('Failed');
    expect(r.deployments[0]!.problems[0]).toContain('did not pass the ping health check');
  });

  it('an endpoint on another instance type, or another scaling range, than the spec says', async () => {
    healthy();
    sm.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: 'x', ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'm', InstanceType: 'ml.g5.xlarge' }] } as never);
    aas.on(DescribeScalableTargetsCommand).resolves({ ScalableTargets: [{ ServiceNamespace: 'sagemaker', ResourceId: 'endpoint/chat/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 8, RoleARN: 'r', CreationTime: new Date() }] });
    const r = await run(specFile());
    expect(r.deployments[0]!.problems).toEqual(['the endpoint runs ml.g5.xlarge; the spec asks for ml.g5.2xlarge', 'the scaling range is 1-8; the spec asks for 1-3']);
  });

  it('nothing deployed: the stack and the endpoint are absent', async () => {
    cfn.on(DescribeStacksCommand).rejects(named('ValidationError', 'Stack with id chat does not exist'));
    sm.on(DescribeEndpointCommand).rejects(named('ValidationException', 'Could not find endpoint "chat".'));
    const r = await run(specFile());
    expect(r.ok).toBe(false);
    expect(r.deployments[0]!.state).toBe('absent');
    expect(r.deployments[0]!.problems).toEqual(['stack inferstack-chat does not exist: deploy it with cdk deploy -c spec=<this spec>', 'endpoint chat does not exist']);
  });

  it('credentials or permission errors are reported per deployment, not thrown', async () => {
    cfn.on(DescribeStacksCommand).rejects(named('AccessDenied', 'User is not authorized to perform: cloudformation:DescribeStacks'));
    const r = await run(specFile());
    expect(r.ok).toBe(false);
    expect(r.deployments[0]).toMatchObject({ state: 'unknown', problems: ['AccessDenied (HTTP 400): User is not authorized to perform: cloudformation:DescribeStacks'] });
  });

  it('a secret changed after the model was created: the model still holds the old value (never read)', async () => {
    healthy();
    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET, Name: 'hf-token', LastChangedDate: new Date('2026-11-24T00:00:00Z') });
    const r = await run(specFile(`    container: { secrets: { HF_TOKEN: "${SECRET}" } }\n`));
    expect(r.ok).toBe(false);
    expect(r.deployments[0]!.problems[0]).toContain('secret HF_TOKEN changed after the model was created');
    expect(secrets.commandCalls(DescribeSecretCommand)[0]!.args[0].input).toEqual({ SecretId: SECRET });
    expect(sm.commandCalls(DescribeModelCommand)[0]!.args[0].input).toEqual({ ModelName: 'ChatModel-1' });

    secrets.on(DescribeSecretCommand).resolves({ ARN: SECRET, Name: 'hf-token', LastChangedDate: new Date('2026-11-01T00:00:00Z') });
    const fresh = await run(specFile(`    container: { secrets: { HF_TOKEN: "${SECRET}" } }\n`));
    expect(fresh.ok).toBe(true);
    expect(fresh.deployments[0]!.lines).toContain('secret HF_TOKEN: unchanged since the model was created');
  });
});
