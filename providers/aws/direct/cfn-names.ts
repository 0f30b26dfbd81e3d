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

export function cloudFormationName(camel: string): string {
  return SPELLED_OTHERWISE[camel] ?? camel.charAt(0).toUpperCase() + camel.slice(1);
}

export function toCloudFormation(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCloudFormation);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]): [string, unknown] => [cloudFormationName(k), VERBATIM.has(k) ? v : toCloudFormation(v)]);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}
