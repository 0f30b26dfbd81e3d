/**
 * `inferstack status` on AWS, read-only, with the default credential chain: per deployment the CloudFormation stack
 * (status, reason), the SageMaker endpoint (status, failure reason, configuration, instance counts per variant,
 * inference-component copies), the Application Auto Scaling range, and whether the endpoint runs the configuration
 * the stack expects and the spec asks for. A rolled-back update leaves the stack in UPDATE_ROLLBACK_COMPLETE and
 * the endpoint on an older configuration: both are reported as not serving as specified.
 * API fields: SageMaker DescribeEndpoint/DescribeEndpointConfig/DescribeInferenceComponent, CloudFormation
 * DescribeStacks/DescribeStackResources, Application Auto Scaling DescribeScalableTargets (AWS API references).
 * Never loads aws-cdk-lib.
 */
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient, DescribeStackResourcesCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeEndpointCommand, DescribeEndpointConfigCommand, DescribeInferenceComponentCommand, DescribeModelCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { DeploymentStatus, StatusProvider } from '../../lib/commands/status';
import { unreachableStatus } from '../../lib/commands/status';
import type { DeploymentIR } from '../../lib/ir';

export const VARIANT = 'AllTraffic';
const STABLE_STACK = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

export function endpointNameFor(ir: DeploymentIR): string {
  return ir.aws?.endpointName ?? ir.name;
}

export function inferenceComponentNameFor(ir: DeploymentIR): string | undefined {
  return ir.mode === 'realtime' && ir.scaling.min === 0 ? `${endpointNameFor(ir)}-ic` : undefined;
}

/** One set of clients per region (default credential chain; endpoints from AWS_ENDPOINT_URL_* when set). */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  private get<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  sagemaker(region: string): SageMakerClient {
    return this.get(`sm:${region}`, () => new SageMakerClient({ region }));
  }

  cloudformation(region: string): CloudFormationClient {
    return this.get(`cfn:${region}`, () => new CloudFormationClient({ region }));
  }

  autoscaling(region: string): ApplicationAutoScalingClient {
    return this.get(`aas:${region}`, () => new ApplicationAutoScalingClient({ region }));
  }

  secretsManager(region: string): SecretsManagerClient {
    return this.get(`sm-secrets:${region}`, () => new SecretsManagerClient({ region }));
  }
}

function errorName(err: unknown): string {
  return (err as { name?: string }).name ?? 'Error';
}

export function awsErrorText(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return `${e.name ?? 'Error'}${e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : ''}: ${(e.message ?? String(err)).split('\n')[0]}`;
}

function isMissing(err: unknown): boolean {
  return /ValidationError|ValidationException|ResourceNotFound/.test(errorName(err)) && /does not exist|Could not find|not found/i.test((err as Error).message ?? '');
}

/** The last path segment of a name or ARN (SageMaker ARNs carry the name in lower case). */
function resourceName(idOrArn: string): string {
  return (idOrArn.split('/').pop() ?? idOrArn).toLowerCase();
}

export class AwsStatusProvider implements StatusProvider {
  constructor(private readonly clients: AwsClients = new AwsClients()) {}

  async status(deployments: readonly DeploymentIR[]): Promise<DeploymentStatus[]> {
    return Promise.all(deployments.map((ir) => this.one(ir).catch((err: unknown) => unreachableStatus(ir, endpointNameFor(ir), ir.aws!.region, awsErrorText(err)))));
  }

  private async one(ir: DeploymentIR): Promise<DeploymentStatus> {
    const aws = ir.aws!;
    const region = aws.region;
    const endpointName = endpointNameFor(ir);
    const problems: string[] = [];
    const lines: string[] = [];
    const facts: Record<string, unknown> = { stackName: aws.stackName, endpointName };
    const headline = (state: string): DeploymentStatus => ({ deployment: ir.name, target: 'aws', region, resource: `${aws.stackName}/${endpointName}`, serving: problems.length === 0, state, problems, facts, lines });

    // 1. The stack and the endpoint configuration it expects
    const cfn = this.clients.cloudformation(region);
    let expectedConfig: string | undefined;
    try {
      const stack = (await cfn.send(new DescribeStacksCommand({ StackName: aws.stackName }))).Stacks?.[0];
      facts.stackStatus = stack?.StackStatus;
      if (stack?.StackStatusReason) facts.stackStatusReason = stack.StackStatusReason;
      lines.push(`stack ${aws.stackName}: ${stack?.StackStatus ?? 'unknown'}${stack?.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}`);
      if (!stack?.StackStatus || !STABLE_STACK.has(stack.StackStatus)) {
        problems.push(
          stack?.StackStatus === 'UPDATE_ROLLBACK_COMPLETE'
            ? `the last stack update was rolled back${stack.StackStatusReason ? ` (${stack.StackStatusReason})` : ''}: the endpoint runs the previous configuration, not this spec`
            : `stack ${aws.stackName} is ${stack?.StackStatus ?? 'in an unknown state'}`,
        );
      }
      const resources = (await cfn.send(new DescribeStackResourcesCommand({ StackName: aws.stackName }))).StackResources ?? [];
      expectedConfig = resources.find((r) => r.ResourceType === 'AWS::SageMaker::EndpointConfig')?.PhysicalResourceId;
      if (expectedConfig) facts.stackEndpointConfig = expectedConfig;
    } catch (err) {
      if (!isMissing(err)) throw err;
      problems.push(`stack ${aws.stackName} does not exist: deploy it with cdk deploy -c spec=<this spec>`);
      facts.stackStatus = 'absent';
    }

    // 2. The endpoint
    const sm = this.clients.sagemaker(region);
    let endpoint;
    try {
      endpoint = await sm.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
    } catch (err) {
      if (!isMissing(err)) throw err;
      problems.push(`endpoint ${endpointName} does not exist`);
      return headline('absent');
    }
    facts.endpointStatus = endpoint.EndpointStatus;
    facts.endpointConfig = endpoint.EndpointConfigName;
    if (endpoint.FailureReason) facts.failureReason = endpoint.FailureReason;
    if (endpoint.EndpointStatus !== 'InService') problems.push(`endpoint ${endpointName} is ${endpoint.EndpointStatus}${endpoint.FailureReason ? `: ${endpoint.FailureReason}` : ''}`);
    else if (endpoint.FailureReason) lines.push(`last failure: ${endpoint.FailureReason}`);
    if (expectedConfig && endpoint.EndpointConfigName && resourceName(expectedConfig) !== resourceName(endpoint.EndpointConfigName)) {
      problems.push(`the endpoint runs configuration ${endpoint.EndpointConfigName} but the stack expects ${resourceName(expectedConfig)}: an update was rolled back or is still in progress`);
    }
    const variants = (endpoint.ProductionVariants ?? []).map((v) => ({
      name: v.VariantName,
      currentInstances: v.CurrentInstanceCount,
      desiredInstances: v.DesiredInstanceCount,
      ...(v.CurrentServerlessConfig ? { serverless: { memoryMb: v.CurrentServerlessConfig.MemorySizeInMB, maxConcurrency: v.CurrentServerlessConfig.MaxConcurrency, provisionedConcurrency: v.CurrentServerlessConfig.ProvisionedConcurrency } } : {}),
    }));
    facts.variants = variants;
    for (const v of variants) {
      lines.push(v.serverless ? `variant ${v.name}: serverless ${v.serverless.memoryMb} MB, max concurrency ${v.serverless.maxConcurrency}${v.serverless.provisionedConcurrency ? `, provisioned ${v.serverless.provisionedConcurrency}` : ''}` : `variant ${v.name}: ${v.currentInstances ?? 0}/${v.desiredInstances ?? 0} instances`);
    }

    // 3. What the running configuration holds, against the spec
    if (endpoint.EndpointConfigName) {
      const config = await sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }));
      const variant = config.ProductionVariants?.find((v) => v.VariantName === VARIANT) ?? config.ProductionVariants?.[0];
      if (ir.mode === 'serverless') {
        const mem = variant?.ServerlessConfig?.MemorySizeInMB;
        if (ir.serverless && mem !== ir.serverless.memoryMb) problems.push(`the endpoint has ${mem ?? 'no'} MB of serverless memory; the spec asks for ${ir.serverless.memoryMb} MB`);
      } else if (ir.instance && variant?.InstanceType !== ir.instance.type) {
        problems.push(`the endpoint runs ${variant?.InstanceType ?? 'no instance type'}; the spec asks for ${ir.instance.type}`);
      }
      if (variant?.InstanceType) facts.instanceType = variant.InstanceType;
      if (variant?.ModelName && (ir.secrets ?? []).length > 0) await this.checkSecrets(ir, variant.ModelName, problems, lines);
    }

    // 4. Inference component copies (scale to zero) and the scaling range
    const icName = inferenceComponentNameFor(ir);
    if (icName) {
      try {
        const ic = await sm.send(new DescribeInferenceComponentCommand({ InferenceComponentName: icName }));
        facts.inferenceComponent = { name: icName, status: ic.InferenceComponentStatus, currentCopies: ic.RuntimeConfig?.CurrentCopyCount, desiredCopies: ic.RuntimeConfig?.DesiredCopyCount };
        lines.push(`inference component ${icName}: ${ic.InferenceComponentStatus}, ${ic.RuntimeConfig?.CurrentCopyCount ?? 0}/${ic.RuntimeConfig?.DesiredCopyCount ?? 0} copies`);
        if (ic.InferenceComponentStatus !== 'InService') problems.push(`inference component ${icName} is ${ic.InferenceComponentStatus}${ic.FailureReason ? `: ${ic.FailureReason}` : ''}`);
      } catch (err) {
        if (!isMissing(err)) throw err;
        problems.push(`inference component ${icName} does not exist`);
      }
    }
    if (ir.scaling.enabled || icName) {
      const resourceId = icName ? `inference-component/${icName}` : `endpoint/${endpointName}/variant/${VARIANT}`;
      const targets = (await this.clients.autoscaling(region).send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'sagemaker', ResourceIds: [resourceId] }))).ScalableTargets ?? [];
      const t = targets[0];
      if (!t) {
        problems.push(`no autoscaling target is registered for ${resourceId}; the spec asks for ${ir.scaling.min}-${ir.scaling.max}`);
      } else {
        facts.scaling = { resourceId, min: t.MinCapacity, max: t.MaxCapacity, dimension: t.ScalableDimension };
        lines.push(`scaling: ${t.MinCapacity}-${t.MaxCapacity} (${t.ScalableDimension})`);
        const wantMin = ir.mode === 'serverless' ? Math.max(1, ir.scaling.min) : ir.scaling.min;
        const wantMax = ir.mode === 'serverless' ? Math.min(ir.scaling.max, ir.serverless?.maxConcurrency ?? ir.scaling.max) : ir.scaling.max;
        // Scheduled actions move the range on purpose; only an unscheduled range must match the spec.
        if (ir.scaling.schedule.length === 0 && (t.MinCapacity !== wantMin || t.MaxCapacity !== wantMax)) {
          problems.push(`the scaling range is ${t.MinCapacity}-${t.MaxCapacity}; the spec asks for ${wantMin}-${wantMax}`);
        }
      }
    }
    return headline(endpoint.EndpointStatus ?? 'unknown');
  }

  /**
   * CloudFormation resolves a secretsmanager dynamic reference only when it creates or updates the resource that holds
   * it, so a secret changed after the model was created leaves the model on the old value
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html).
   * DescribeSecret and DescribeModel's CreationTime tell; the model's Environment (which holds the resolved value)
   * is never read into the result.
   */
  private async checkSecrets(ir: DeploymentIR, modelName: string, problems: string[], lines: string[]): Promise<void> {
    const region = ir.aws!.region;
    const created = (await this.clients.sagemaker(region).send(new DescribeModelCommand({ ModelName: modelName }))).CreationTime;
    for (const secret of ir.secrets ?? []) {
      try {
        const d = await this.clients.secretsManager(region).send(new DescribeSecretCommand({ SecretId: secret.reference }));
        if (d.DeletedDate) problems.push(`secret ${secret.name} (${secret.reference}) is scheduled for deletion`);
        else if (created && d.LastChangedDate && d.LastChangedDate > created) problems.push(`secret ${secret.name} changed after the model was created: the endpoint still uses the old value until the model is replaced (change the model, e.g. redeploy after a spec change)`);
        else lines.push(`secret ${secret.name}: unchanged since the model was created`);
      } catch (err) {
        if (/ResourceNotFound/.test(errorName(err))) problems.push(`secret ${secret.name} (${secret.reference}) does not exist`);
        else lines.push(`secret ${secret.name}: not checked (${awsErrorText(err)})`);
      }
    }
  }
}
