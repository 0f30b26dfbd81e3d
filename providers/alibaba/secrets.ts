/**
 * `container.secrets` on PAI-EAS: the synthesized JSON carries `{{inferstack-secret:<KMS secret ARN>}}` placeholders;
 * at apply time deploy-eas reads each value with KMS GetSecretValue (RPC API 2016-01-20, SecretName = the secret's
 * name or ARN `acs:kms:<region>:<account>:secret/<name>`, answer `SecretData`;
 * https://www.alibabacloud.com/help/en/kms/key-management-service/developer-reference/api-kms-2016-01-20-getsecretvalue)
 * and puts it into the CreateService/UpdateService body only. Plans compare SHA-256 digests and show only those;
 * the value never reaches plan, dry-run, JSON output or error text.
 */
import { createHash } from 'node:crypto';
import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import * as $Util from '@alicloud/tea-util';
import type { EasService } from './eas-client';
import { resolveEndpoint } from './eas-client';
import type { DesiredService } from './reconcile';
import { withResponseLimit } from './response-limit';

export const KMS_API_VERSION = '2016-01-20';
/** Far above any secret value: a larger answer, success or error, is cut off on the wire. */
const KMS_MAX_RESPONSE_BYTES = 2 ** 20;
const PLACEHOLDER = /^\{\{inferstack-secret:(acs:kms:([a-z0-9-]+):\d+:secret\/[^}]+)\}\}$/;

type EnvEntry = { name: string; value: string };
type ContainerLike = { env?: EnvEntry[] } & Record<string, unknown>;

export interface SecretReader {
  /** The secret's value; throws an Error whose message never contains the value. */
  read(reference: string, region: string): Promise<string>;
}

/** KMS GetSecretValue through @alicloud/openapi-client (RPC style, ACS3-HMAC-SHA256 signature). */
export class KmsSecretReader implements SecretReader {
  private readonly clients = new Map<string, OpenApi>();

  constructor(private readonly options: { readonly credential: unknown; readonly endpoint?: string }) {}

  private client(region: string): { api: OpenApi; protocol: 'HTTPS' | 'HTTP' } {
    const { host, protocol } = this.options.endpoint ? resolveEndpoint(region, this.options.endpoint) : { host: `kms.${region}.aliyuncs.com`, protocol: 'HTTPS' as const };
    let api = this.clients.get(region);
    if (!api) {
      api = new OpenApi(new $OpenApi.Config({ credential: this.options.credential as $OpenApi.Config['credential'], endpoint: host, protocol, regionId: region, readTimeout: 15_000, connectTimeout: 10_000, userAgent: 'inferstack/0.1.0' }));
      this.clients.set(region, api);
    }
    return { api, protocol };
  }

  async read(reference: string, region: string): Promise<string> {
    const { api, protocol } = this.client(region);
    const params = new $OpenApi.Params({ action: 'GetSecretValue', version: KMS_API_VERSION, protocol, pathname: '/', method: 'POST', authType: 'AK', style: 'RPC', reqBodyType: 'formData', bodyType: 'json' });
    try {
      // bodyType json: the SDK reads the whole answer, so its size is limited on the wire (response-limit.ts).
      const call = () => api.callApi(params, new $OpenApi.OpenApiRequest({ query: { SecretName: reference } }), new $Util.RuntimeOptions({ autoretry: true, maxAttempts: 3 }));
      const r = (await withResponseLimit({ maxBytes: KMS_MAX_RESPONSE_BYTES, action: 'GetSecretValue' }, call)) as { body?: { SecretData?: string; SecretDataType?: string } };
      const data = r.body?.SecretData;
      if (typeof data !== 'string') throw new Error('the answer carries no SecretData');
      return r.body?.SecretDataType === 'binary' ? Buffer.from(data, 'base64').toString('utf8') : data;
    } catch (err) {
      const e = err as { code?: string; message?: string; data?: { statusCode?: number; Code?: string; Message?: string } };
      const code = e.data?.Code ?? e.code ?? 'Error';
      const message = e.data?.Message ?? (e.code === 'ResponseTooLarge' ? e.message : undefined);
      throw new Error(`GetSecretValue failed: ${code}${e.data?.statusCode ? ` (HTTP ${e.data.statusCode})` : ''}${message ? `: ${message}` : ''}`);
    }
  }
}

export function digest(value: string): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}

function mapEnv(desired: DesiredService, fn: (entry: EnvEntry) => EnvEntry | undefined): DesiredService {
  const containers = (desired.service as { containers?: ContainerLike[] }).containers;
  if (!containers) return desired;
  const mapped = containers.map((c) => (c.env ? { ...c, env: c.env.map(fn).filter((e): e is EnvEntry => !!e) } : c));
  return { ...desired, service: { ...desired.service, containers: mapped } as unknown as DesiredService["service"] };
}

/** The configuration without the named environment entries (for comparisons that cannot see secret values). */
export function withoutSecretEnv(desired: DesiredService, names: readonly string[]): DesiredService {
  if (names.length === 0) return desired;
  return mapEnv(desired, (e) => (names.includes(e.name) ? undefined : e));
}

export class SecretError extends Error {
  constructor(
    readonly secretName: string,
    readonly reference: string,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Resolves the placeholders of desired services and remembers each value only to hide it again: `forComparison`
 * turns values into digests on both sides of a plan, `redact` scrubs any text that might echo one.
 */
export class SecretResolver {
  private readonly values = new Map<string, string>();
  private readonly names = new Set<string>();

  constructor(private readonly reader: SecretReader) {}

  /** True when the configuration holds a placeholder. */
  static needs(desired: DesiredService): boolean {
    return ((desired.service as { containers?: ContainerLike[] }).containers ?? []).some((c) => (c.env ?? []).some((e) => PLACEHOLDER.test(e.value)));
  }

  async resolve(desired: DesiredService): Promise<DesiredService> {
    const wanted = new Map<string, { name: string; region: string }>();
    for (const c of (desired.service as { containers?: ContainerLike[] }).containers ?? []) {
      for (const e of c.env ?? []) {
        const m = PLACEHOLDER.exec(e.value);
        if (m) wanted.set(m[1]!, { name: e.name, region: m[2]! });
      }
    }
    for (const [reference, { name, region }] of wanted) {
      this.names.add(name);
      if (this.values.has(reference)) continue;
      try {
        this.values.set(reference, await this.reader.read(reference, region));
      } catch (err) {
        throw new SecretError(name, reference, this.redact((err as Error).message));
      }
    }
    return mapEnv(desired, (e) => {
      const m = PLACEHOLDER.exec(e.value);
      return m ? { name: e.name, value: this.values.get(m[1]!)! } : e;
    });
  }

  /** Desired (resolved) service with secret values replaced by their digests. */
  forComparison(desired: DesiredService): DesiredService {
    return mapEnv(desired, (e) => (this.names.has(e.name) ? { name: e.name, value: digest(e.value) } : e));
  }

  /** The running service with the values of secret-named environment entries replaced by their digests. */
  currentForComparison(current: EasService): EasService {
    if (!current.ServiceConfig || this.names.size === 0) return current;
    try {
      const config = JSON.parse(current.ServiceConfig) as { containers?: ContainerLike[] };
      const hidden = mapEnv({ service: config as never, labels: {} }, (e) => (this.names.has(e.name) ? { name: e.name, value: digest(String(e.value)) } : e));
      return { ...current, ServiceConfig: JSON.stringify(hidden.service) };
    } catch {
      return current;
    }
  }

  /** Any text with every known secret value replaced. */
  redact(text: string): string {
    let out = text;
    for (const v of this.values.values()) if (v.length > 0) out = out.split(v).join('<secret>');
    return out;
  }
}
