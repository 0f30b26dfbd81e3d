/**
 * Container image catalogs, resolved per region. AWS: SageMaker DLC and first-party registries (per-region
 * accounts; China regions use the amazonaws.com.cn domain). Alibaba: official PAI-EAS images in the region's
 * VPC registry (pulling over the VPC avoids ImagePullBackOff on services without internet access).
 */
import awsData from './data/aws-images.json';
import alibabaData from './data/alibaba-images.json';

export type AwsImageKey = keyof typeof awsData.images;
export type AlibabaImageKey = keyof typeof alibabaData.images;

interface AwsImageEntry {
  readonly repository: string;
  readonly tag: string;
  readonly registry: keyof typeof awsData.registries;
  readonly regions?: readonly string[];
}

export const AWS_IMAGE_SOURCE = { source: awsData.source, retrieved: awsData.retrieved };
export const ALIBABA_IMAGE_SOURCE = { source: alibabaData.source, retrieved: alibabaData.retrieved };

export function ecrDomain(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

export interface ResolvedAwsImage {
  readonly uri: string;
  readonly account: string;
  readonly repository: string;
  readonly tag: string;
  readonly repositoryArn: string;
}

export function awsPartition(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The image URI in a region, or undefined when the image is not published there. */
export function resolveAwsImage(key: AwsImageKey, region: string): ResolvedAwsImage | undefined {
  const entry = awsData.images[key] as AwsImageEntry;
  if (entry.regions && !entry.regions.includes(region)) return undefined;
  const registry = awsData.registries[entry.registry] as Record<string, string>;
  const account = registry[region];
  if (!account) return undefined;
  return {
    uri: `${account}.dkr.ecr.${region}.${ecrDomain(region)}/${entry.repository}:${entry.tag}`,
    account,
    repository: entry.repository,
    tag: entry.tag,
    repositoryArn: `arn:${awsPartition(region)}:ecr:${region}:${account}:repository/${entry.repository}`,
  };
}

/** The versions of a framework image the catalog holds (`sklearn` -> 1.2-1, 1.0-1, ...), default first. */
export function awsFrameworkVersions(name: string): string[] {
  const prefix = `${name}@`;
  const versioned = Object.keys(awsData.images).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  if (versioned.length > 0 || !(name in awsData.images)) return versioned;
  // An image kept at one version (no SDK file to select from): the version its tag starts with.
  return [(awsData.images[name as AwsImageKey] as AwsImageEntry).tag.split('-')[0]!];
}

/** The catalog key of a framework image at a version, or undefined when the catalog does not hold that version. */
export function awsVersionedImageKey(name: string, version: string | undefined): AwsImageKey | undefined {
  if (!(name in awsData.images)) return undefined;
  if (!version) return name as AwsImageKey;
  if (`${name}@${version}` in awsData.images) return `${name}@${version}` as AwsImageKey;
  return awsFrameworkVersions(name).includes(version) ? (name as AwsImageKey) : undefined;
}

export function awsImageRegions(key: AwsImageKey): string[] {
  const entry = awsData.images[key] as AwsImageEntry;
  const registry = awsData.registries[entry.registry] as Record<string, string>;
  return Object.keys(registry).filter((r) => !entry.regions || entry.regions.includes(r));
}

export function resolveAlibabaImage(key: AlibabaImageKey, region: string): string {
  const entry = alibabaData.images[key];
  return `${alibabaData.registry.replace('{region}', region)}/${entry.repository}:${entry.tag}`;
}
