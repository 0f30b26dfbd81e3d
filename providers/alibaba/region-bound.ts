/**
 * Values of a service definition that only work in one region: Alibaba Cloud host names carry their region
 * (eas-registry-vpc.cn-hangzhou.cr.aliyuncs.com, oss-cn-hangzhou-internal.aliyuncs.com). A service compiled for
 * another region with such a value would pull from, or mount, the wrong region (or nothing at all over the VPC).
 */
/** Region IDs look like cn-hangzhou, ap-southeast-1, us-west-1, cn-shanghai-finance-1: never a host or a URL. */
export const REGION_PATTERN = /^[a-z]{2,4}(-[a-z0-9]+){1,4}$/;

export interface RegionBoundValue {
  readonly path: string;
  /** The region-bound host name only (the whole value may hold credentials, e.g. in an env URL). */
  readonly host: string;
  readonly region: string;
}

const HOST_REGION = /(?:^|[./-])((?:cn|ap|us|eu|me|sa|na)-[a-z]+(?:-[a-z]+)?(?:-\d+)?)(?:-internal)?\.(?:[a-z0-9-]+\.)*aliyuncs\.com/;

function walk(value: unknown, path: string, out: RegionBoundValue[], region: string): void {
  if (typeof value === 'string') {
    const m = HOST_REGION.exec(value);
    if (m && m[1] !== region) out.push({ path, host: m[0].replace(/^[./-]/, ''), region: m[1]! });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`, out, region));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, out, region);
}

/** Every string of `config` that names an Alibaba Cloud host of a region other than `region`. */
export function regionBoundValues(config: unknown, region: string): RegionBoundValue[] {
  const out: RegionBoundValue[] = [];
  walk(config, '', out, region);
  return out;
}
