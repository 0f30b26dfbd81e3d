/**
 * The cloud assembly's bookkeeping files as aws-cdk-lib's DefaultStackSynthesizer and CloudAssemblyBuilder write
 * them (v2.276.0):
 *  - <Stack>.assets.json: the template as a file asset named by the SHA-256 of the template text
 *    (core/lib/stack-synthesizers/stack-synthesizer.ts, stackTemplateFileAsset), published to the bootstrap bucket;
 *    the destination is keyed "<account|current_account>-<region>-<first 8 hex of the SHA-256 of its JSON>"
 *    (core/lib/stack-synthesizers/asset-manifest-builder.ts, addFileAsset); written with indentation 2;
 *  - the stack's and the asset manifest's artifacts (core/lib/stack-synthesizers/default-synthesizer.ts,
 *    synthesizeStackArtifacts; _shared.ts, addStackArtifactToAssembly), the bootstrap role ARNs with the default
 *    qualifier, region and (when the spec names it) account filled in (string-specializer.ts);
 *  - manifest.json: version, artifacts (per stack: assets then stack, then "Tree", then the feature-flag report)
 *    and minimumCliVersion (@aws-cdk/cloud-assembly-api CloudAssemblyBuilder.buildAssembly and
 *    @aws-cdk/cloud-assembly-schema Manifest.saveAssemblyManifest), indentation 2; and cdk.out with the version only.
 */
import { hexDigest } from './hex-digest';
import { BOOTSTRAP_VERSION_PARAMETER, LOOKUP_ROLE_BOOTSTRAP_VERSION, QUALIFIER, REQUIRED_BOOTSTRAP_VERSION } from './bootstrap';
import type { InstalledVersions } from './installed-versions';

export interface StackFacts {
  /** The stack's artifact id and construct id, e.g. QwenChat. */
  readonly artifactId: string;
  readonly stackName: string;
  readonly region: string;
  /** @default the deploy-time account */
  readonly account?: string;
}

function sha256(text: string): string {
  return hexDigest('sha256', text);
}

/** A default-synthesizer placeholder string with what is known filled in (partition stays a placeholder). */
function specialize(s: StackFacts, template: string): string {
  return template
    .replace(/\$\{Qualifier\}/g, QUALIFIER)
    .replace(/\$\{AWS::Region\}/g, s.region)
    .replace(/\$\{AWS::AccountId\}/g, s.account ?? '${AWS::AccountId}');
}

const role = (name: string) => `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-\${Qualifier}-${name}-\${AWS::AccountId}-\${AWS::Region}`;
const BUCKET = 'cdk-${Qualifier}-assets-${AWS::AccountId}-${AWS::Region}';

export const templateFileOf = (s: StackFacts) => `${s.artifactId}.template.json`;
const assetsFileOf = (s: StackFacts) => `${s.artifactId}.assets.json`;
export const metadataFileOf = (s: StackFacts) => `${s.artifactId}.metadata.json`;

export function assetManifest(s: StackFacts, templateText: string, versions: InstalledVersions): { file: string; text: string; objectUrl: string } {
  const hash = sha256(templateText);
  const destination = { bucketName: specialize(s, BUCKET), objectKey: `${hash}.json`, region: s.region, assumeRoleArn: specialize(s, role('file-publishing-role')) };
  const destinationKey = `${s.account ?? 'current_account'}-${s.region}-${sha256(JSON.stringify(destination)).slice(0, 8)}`;
  const manifest = {
    version: versions.schema,
    files: { [hash]: { displayName: `${s.stackName} Template`, source: { path: templateFileOf(s), packaging: 'file' }, destinations: { [destinationKey]: destination } } },
    dockerImages: {},
  };
  return { file: assetsFileOf(s), text: JSON.stringify(manifest, undefined, 2), objectUrl: `s3://${destination.bucketName}/${destination.objectKey}` };
}

/** The two artifacts of one stack, in manifest order. */
export function stackArtifacts(s: StackFacts, objectUrl: string): Record<string, unknown> {
  const assetsId = `${s.artifactId}.assets`;
  const bootstrap = { requiresBootstrapStackVersion: REQUIRED_BOOTSTRAP_VERSION, bootstrapStackVersionSsmParameter: BOOTSTRAP_VERSION_PARAMETER };
  return {
    [assetsId]: { type: 'cdk:asset-manifest', properties: { file: assetsFileOf(s), ...bootstrap } },
    [s.artifactId]: {
      type: 'aws:cloudformation:stack',
      environment: `aws://${s.account ?? 'unknown-account'}/${s.region}`,
      properties: {
        templateFile: templateFileOf(s),
        terminationProtection: false,
        validateOnSynth: false,
        assumeRoleArn: specialize(s, role('deploy-role')),
        cloudFormationExecutionRoleArn: specialize(s, role('cfn-exec-role')),
        stackTemplateAssetObjectUrl: objectUrl,
        ...bootstrap,
        additionalDependencies: [assetsId],
        lookupRole: { arn: specialize(s, role('lookup-role')), requiresBootstrapStackVersion: LOOKUP_ROLE_BOOTSTRAP_VERSION, bootstrapStackVersionSsmParameter: BOOTSTRAP_VERSION_PARAMETER },
        ...(s.stackName === s.artifactId ? {} : { stackName: s.stackName }),
      },
      dependencies: [assetsId],
      additionalMetadataFile: metadataFileOf(s),
      displayName: s.artifactId,
    },
  };
}

export function assemblyManifest(artifacts: Record<string, unknown>, versions: InstalledVersions): string {
  const manifest = { version: versions.schema, artifacts, ...(versions.minimumCliVersion ? { minimumCliVersion: versions.minimumCliVersion } : {}) };
  return JSON.stringify(manifest, undefined, 2);
}

export function cdkOutFile(versions: InstalledVersions): string {
  return JSON.stringify({ version: versions.schema });
}
