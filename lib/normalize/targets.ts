/** Target stage: where on each cloud the deployment lands (region, stack or service name, network). */
import type { AlibabaTargetIR, AwsTargetIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { Diagnostics } from '../diagnostics/registry';
import { parseSizeBytes } from '../spec/units';
import { DeploymentContext, pick } from './context';

/** SageMaker endpoint names (CreateEndpoint API reference, EndpointName pattern), checked 2026-11-25. */
export const SAGEMAKER_ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

export function awsTarget(d: DeploymentSpec, ctx: DeploymentContext, region: string): AwsTargetIR {
  const t = d.targets?.aws ?? {};
  if (!t.endpointName && !SAGEMAKER_ENDPOINT_NAME.test(ctx.name)) {
    // The deployment name becomes the endpoint name; a trailing hyphen is a valid deployment name but not an endpoint.
    ctx.report(Diagnostics.AwsEndpointName, ['targets', 'aws'], {
      found: ctx.name,
      allowed: 'letters, digits and hyphens, at most 63, ending with a letter or digit',
      hint: `rename the deployment (e.g. "${ctx.name.replace(/-+$/, '')}"), or set targets.aws.endpointName`,
    });
  }
  const kmsKey = pick(d.security?.kmsKey, 'aws');
  const role = pick(d.security?.role, 'aws');
  return {
    kind: 'aws',
    region,
    ...(t.account ? { account: t.account } : {}),
    stackName: t.stackName ?? `inferstack-${ctx.name}`,
    ...(t.endpointName ? { endpointName: t.endpointName } : {}),
    tags: { ...(t.tags ?? {}) },
    bucketOwners: { ...(t.bucketOwners ?? {}) },
    ...(d.network?.aws ? { subnets: d.network.aws.subnets, securityGroups: d.network.aws.securityGroups } : {}),
    ...(kmsKey ? { kmsKey } : {}),
    ...(role ? { role } : {}),
  };
}

/** EAS service names: lowercase letters, digits and underscores. */
export function easServiceName(deployment: string): string {
  return deployment.replace(/-/g, '_');
}

/** resources.cpu / resources.memory as the per-instance requests on a dedicated group (memory in MB, as EAS takes it). */
function groupRequests(d: DeploymentSpec): { cpu?: number; memoryMb?: number } {
  const r = d.resources ?? {};
  return { ...(r.cpu !== undefined ? { cpu: r.cpu } : {}), ...(r.memory !== undefined ? { memoryMb: Math.ceil(parseSizeBytes(r.memory) / 2 ** 20) } : {}) };
}

/** `fallback`: resources.fallback resolved to PAI-EAS instance types (or the resources.alibaba.fallback alias). */
export function alibabaTarget(d: DeploymentSpec, ctx: DeploymentContext, region: string, fallback: readonly string[] = d.resources?.alibaba?.fallback ?? []): AlibabaTargetIR {
  const t = d.targets?.alibaba ?? {};
  const r = d.resources?.alibaba ?? {};
  return {
    kind: 'alibaba',
    region,
    serviceName: t.serviceName ?? easServiceName(ctx.name),
    ...(t.workspaceId ? { workspaceId: t.workspaceId } : {}),
    ...(t.gateway ? { gateway: t.gateway } : {}),
    labels: { ...(t.labels ?? {}) },
    fallback: [...fallback],
    ...(r.spot ? { spotMaxPrice: r.spot.maxPrice } : {}),
    ...(r.resourceGroup ? { resourceGroup: r.resourceGroup } : {}),
    ...(r.resourceGroup && (d.resources?.cpu !== undefined || d.resources?.memory !== undefined) ? { requests: groupRequests(d) } : {}),
    ...(d.network?.alibaba ? { vpc: d.network.alibaba } : {}),
    ...(d.container?.healthCheck?.path ? { healthCheckPath: d.container.healthCheck.path } : {}),
  };
}
