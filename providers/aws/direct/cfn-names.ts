/**
 * L1 (camelCase) properties to CloudFormation properties, as aws-cdk-lib's generated converters do
 * (e.g. aws-sagemaker/lib/sagemaker.generated.ts, convertCfnModelPropsToCloudFormation, v2.276.0): each name
 * capitalized, except the few the CloudFormation specification spells otherwise; keys in the converters' order
 * (sorted by code unit); JSON-typed and map-typed values (policy documents, container environments) unchanged.
 */
const SPELLED_OTHERWISE: Readonly<Record<string, string>> = {
  volumeSizeInGb: 'VolumeSizeInGB',
  memorySizeInMb: 'MemorySizeInMB',
  enableSsmAccess: 'EnableSSMAccess',
  maxPayloadInMb: 'MaxPayloadInMB',
};

/** Properties whose values are passed through as they are (Json or map types in the CloudFormation spec). */
const VERBATIM = new Set(['environment', 'policyDocument', 'assumeRolePolicyDocument', 'keyPolicy']);

const NAMES = new Map<string, string>();

export function cloudFormationName(camel: string): string {
  let name = NAMES.get(camel);
  if (name === undefined) {
    name = SPELLED_OTHERWISE[camel] ?? camel.charAt(0).toUpperCase() + camel.slice(1);
    NAMES.set(camel, name);
  }
  return name;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function toCloudFormation(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(toCloudFormation);
  const source = value as Record<string, unknown>;
  const converted = new Map<string, unknown>();
  for (const k of Object.keys(source)) {
    const v = source[k];
    if (v !== undefined) converted.set(cloudFormationName(k), VERBATIM.has(k) ? v : toCloudFormation(v));
  }
  const out: Record<string, unknown> = {};
  for (const name of [...converted.keys()].sort(byCodeUnit)) out[name] = converted.get(name);
  return out;
}
