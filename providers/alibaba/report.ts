/**
 * Why a service did not become Running: its warning events since this run started (DescribeServiceEvent with
 * StartTime; the API's default window is the last 7 days, which would show old, fixed errors) and the platform's
 * own diagnosis (DescribeServiceDiagnosis, GET /api/v2/services/{ClusterId}/{ServiceName}/diagnosis,
 * https://www.alibabacloud.com/help/en/pai/developer-reference/api-eas-2021-07-01-describeservicediagnosis, checked
 * 2026-11-25).
 */
import { cleanServerText, EasApiError, EasClient, EasEvent, EasService } from './eas-client';

export class DeployError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly events: string[] = [],
    readonly diagnosis: string[] = [],
  ) {
    super(message);
  }
}

export function formatEvent(e: EasEvent): string {
  let message = e.Message;
  try {
    const parsed = JSON.parse(e.Message) as { message?: string; Message?: string };
    message = parsed.message ?? parsed.Message ?? e.Message;
  } catch {
    /* plain text */
  }
  return cleanServerText(`${e.Time} ${e.Reason}: ${message}`);
}

export class FailureReporter {
  constructor(
    private readonly client: EasClient,
    /** Events before this instant belong to earlier runs. */
    private readonly since: number,
  ) {}

  async failed(name: string, svc: EasService): Promise<DeployError> {
    const [events, diagnosis] = await Promise.all([this.warningEvents(name), this.diagnosis(name)]);
    return new DeployError(`service ${name} is ${svc.Status}: ${cleanServerText(svc.Message ?? svc.Reason ?? 'no message')}`, hintFor(svc, [...events, ...diagnosis]), events, diagnosis);
  }

  async timedOut(name: string, svc: EasService | undefined, timeoutMs: number): Promise<DeployError> {
    const [events, diagnosis] = await Promise.all([this.warningEvents(name), this.diagnosis(name)]);
    const state = `status ${svc?.Status ?? 'unknown'}, ${svc?.RunningInstance ?? 0}/${svc?.TotalInstance ?? 0} instances ready`;
    return new DeployError(`service ${name} did not become Running within ${Math.round(timeoutMs / 1000)}s (${state})`, 'raise --timeout, or look at the events below (GPU stock, image pulls, model loading)', events, diagnosis);
  }

  private async warningEvents(name: string): Promise<string[]> {
    try {
      const r = await this.client.describeServiceEvent(name, { eventType: 'Warning', pageSize: 20, since: this.since });
      return (r.Events ?? []).slice(-5).map(formatEvent);
    } catch {
      return [];
    }
  }

  private async diagnosis(name: string): Promise<string[]> {
    try {
      const r = await this.client.describeServiceDiagnosis(name);
      return (r.DiagnosisList ?? []).slice(0, 5).map((d) => cleanServerText([d.Error, ...(d.Causes ?? []).map((c) => `cause: ${c}`), ...(d.Advices ?? []).map((a) => `advice: ${a}`)].filter(Boolean).join('; ')));
    } catch {
      return [];
    }
  }
}

export function hintFor(svc: EasService, texts: string[]): string {
  const text = `${svc.Message ?? ''} ${texts.join(' ')}`;
  if (/Insufficient|stock|no available|ResourceNotEnough/i.test(text)) return 'the GPU type is sold out in this region: add resources.alibaba.fallback instance types, use a dedicated resource group, or try another region';
  if (/ImagePull|pull image/i.test(text)) return "the image could not be pulled: use the region's VPC registry address (eas-registry-vpc.<region>...) and check credentials for private images";
  if (/OOM|out of memory/i.test(text)) return 'the engine ran out of memory: check inferstack plan, lower llm.maxContextLength or maxConcurrentSequences, or quantize';
  if (/probe|health|startup/i.test(text)) return 'the health check failed: raise container.healthCheck.startupTimeout for slow model loads, or check the engine logs';
  return 'see the warning events and diagnosis above and the service logs (eascmd or the PAI console)';
}

export function hintForApiError(err: EasApiError): string {
  if (err.auth) return 'the credentials were refused (unknown or disabled AccessKey, wrong secret, expired STS token): check ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET / ALIBABA_CLOUD_SECURITY_TOKEN or your profile';
  if (/Forbidden/i.test(err.code)) return `the credentials lack the PAI-EAS permission (eas:${err.action}), or the service name belongs to another account`;
  if (err.retryable) return 'the API kept failing until the deadline: run deploy-eas again (it resumes where it stopped)';
  return 'fix the request as the message says and run deploy-eas again';
}
