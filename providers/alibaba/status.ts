/**
 * `inferstack status` on PAI-EAS: per deployment, DescribeService (status, running/total instances, versions,
 * endpoint), the latest warning events, whether inferstack created the service, and whether its configuration
 * still matches the spec. Read-only; the access token is never read into the result.
 */
import type { DeploymentStatus, StatusProvider } from '../../lib/commands/status';
import { unreachableStatus } from '../../lib/commands/status';
import type { DeploymentIR } from '../../lib/ir';
import { EasApiError, EasClient, EasService } from './eas-client';
import { formatEvent } from './deployer';
import { serviceChanges, splitConfig } from './reconcile';
import { withoutSecretEnv } from './secrets';
import { buildServiceConfig } from './service-config';

/** DescribeService fields beyond the typed client's (documented in the DescribeService API reference). */
type DescribedService = EasService & { CurrentVersion?: number; LatestVersion?: number };

export interface EasAccessOptions {
  /** The PAI-EAS API endpoint override (--endpoint / INFERSTACK_EAS_ENDPOINT). @default pai-eas.<region>.aliyuncs.com */
  readonly endpoint?: string;
  /** A @alicloud/credentials instance. @default the default credential chain */
  readonly credential?: unknown;
}

/** One EasClient per region, sharing the credential. */
export class EasAccess {
  private readonly clients = new Map<string, EasClient>();
  private credential?: unknown;

  constructor(private readonly options: EasAccessOptions = {}) {
    this.credential = options.credential;
  }

  async client(region: string): Promise<EasClient> {
    let c = this.clients.get(region);
    if (!c) {
      this.credential ??= await defaultCredential();
      c = new EasClient({ region, ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}), credential: this.credential, retry: { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 3000 } });
      this.clients.set(region, c);
    }
    return c;
  }
}

export async function defaultCredential(): Promise<unknown> {
  const module = (await import('@alicloud/credentials')) as unknown as { default: new () => { getCredential(): Promise<{ accessKeyId?: string }> } };
  const credential = new module.default();
  const c = await credential.getCredential();
  if (!c.accessKeyId) throw new Error('no Alibaba Cloud credentials found (set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure a profile)');
  return credential;
}

export function apiErrorText(err: unknown): string {
  if (err instanceof EasApiError) return `${err.action} failed: ${err.code}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}: ${err.message}`;
  return (err as Error).message ?? String(err);
}

/** Paths where the running configuration differs from the spec's (secret values excluded: they are compared at deploy). */
export function driftOf(ir: DeploymentIR, current: EasService): string[] {
  const secretNames = (ir.secrets ?? []).map((s) => s.name);
  const desired = splitConfig(buildServiceConfig(ir));
  const changes = serviceChanges(withoutSecretEnv(desired, secretNames), { ...current, ...(current.ServiceConfig ? { ServiceConfig: JSON.stringify(withoutSecretEnv({ service: JSON.parse(current.ServiceConfig) as never, labels: {} }, secretNames).service) } : {}) });
  return changes.map((c) => c.path);
}

export class EasStatusProvider implements StatusProvider {
  constructor(private readonly access: EasAccess) {}

  async status(deployments: readonly DeploymentIR[]): Promise<DeploymentStatus[]> {
    return Promise.all(deployments.map((ir) => this.one(ir)));
  }

  private async one(ir: DeploymentIR): Promise<DeploymentStatus> {
    const region = ir.alibaba!.region;
    const service = ir.alibaba!.serviceName;
    let client: EasClient;
    let svc: DescribedService;
    try {
      client = await this.access.client(region);
      svc = await client.describeService(service);
    } catch (err) {
      if (err instanceof EasApiError && err.notFound) {
        return { deployment: ir.name, target: 'alibaba', region, resource: service, serving: false, state: 'absent', problems: [`service ${service} does not exist: deploy it with deploy-eas`], facts: { exists: false }, lines: [] };
      }
      return unreachableStatus(ir, service, region, apiErrorText(err));
    }
    const problems: string[] = [];
    const labels = Object.fromEntries((svc.Labels ?? []).map((l) => [l.LabelKey, l.LabelValue]));
    const owned = labels['managed-by'] === 'inferstack' && labels['inferstack-deployment'] === ir.name;
    if (!owned) problems.push(`service ${service} was not created by inferstack for deployment ${ir.name} (labels managed-by/inferstack-deployment do not match)`);
    const running = svc.RunningInstance ?? 0;
    const total = svc.TotalInstance ?? 0;
    if (svc.Status !== 'Running') problems.push(`service is ${svc.Status}${svc.Message ? `: ${svc.Message}` : ''}`);
    else if (total === 0 || running < total) problems.push(`only ${running} of ${total} instances are running`);
    if (svc.CurrentVersion !== undefined && svc.LatestVersion !== undefined && svc.CurrentVersion !== svc.LatestVersion) {
      problems.push(`runs version ${svc.CurrentVersion} while the latest version is ${svc.LatestVersion}: the latest update has not taken over (still rolling, or failed)`);
    }
    const drift = owned ? driftOf(ir, svc) : [];
    if (drift.length > 0) problems.push(`the running configuration differs from the spec at ${drift.slice(0, 5).join(', ')}${drift.length > 5 ? `, and ${drift.length - 5} more` : ''}: run deploy-eas (--dry-run shows the plan)`);
    let events: string[] = [];
    try {
      const r = await client.describeServiceEvent(service, { eventType: 'Warning', pageSize: 5 });
      events = (r.Events ?? []).slice(-3).map(formatEvent);
    } catch {
      events = [];
    }
    const endpoint = svc.InternetEndpoint ?? svc.IntranetEndpoint;
    const version = svc.CurrentVersion !== undefined ? `version ${svc.CurrentVersion}${svc.LatestVersion !== undefined && svc.LatestVersion !== svc.CurrentVersion ? ` (latest ${svc.LatestVersion})` : ''}` : undefined;
    const lines = [
      `instances: ${running}/${total} running${version ? `, ${version}` : ''}`,
      ...(endpoint ? [`endpoint: ${endpoint}`] : []),
      ...events.map((e) => `warning event: ${e}`),
    ];
    return {
      deployment: ir.name,
      target: 'alibaba',
      region,
      resource: service,
      serving: problems.length === 0,
      state: svc.Status,
      problems,
      facts: {
        exists: true,
        status: svc.Status,
        runningInstances: running,
        totalInstances: total,
        ...(svc.CurrentVersion !== undefined ? { currentVersion: svc.CurrentVersion } : {}),
        ...(svc.LatestVersion !== undefined ? { latestVersion: svc.LatestVersion } : {}),
        ...(svc.InternetEndpoint ? { internetEndpoint: svc.InternetEndpoint } : {}),
        ...(svc.IntranetEndpoint ? { intranetEndpoint: svc.IntranetEndpoint } : {}),
        createdByInferstack: owned,
        drift,
        warningEvents: events,
      },
      lines,
    };
  }
}
