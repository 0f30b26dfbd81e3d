/**
 * The versions a CDK synthesis stamps into the cloud assembly, read from the installed packages (never written
 * down here), so an upgrade of aws-cdk-lib changes both paths alike: the aws-cdk-lib and constructs versions of
 * tree.json, the cloud assembly schema version (`<revision>.0.0` of @aws-cdk/cloud-assembly-schema's
 * schema/version.json: lib/manifest.ts, Manifest.version) and the minimum CLI version (its cli-version.json:
 * Manifest.cliVersion), both resolved from aws-cdk-lib's own location. Reading these files does not load aws-cdk-lib.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface InstalledVersions {
  readonly 'aws-cdk-lib': string;
  readonly constructs: string;
  /** e.g. "55.0.0" */
  readonly schema: string;
  /** e.g. "2.1148.2" */
  readonly minimumCliVersion?: string;
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

let cached: InstalledVersions | undefined;

export function installedVersions(): InstalledVersions {
  if (cached) return cached;
  const cdkLib = require.resolve('aws-cdk-lib/package.json');
  const from = { paths: [path.dirname(cdkLib)] };
  const schema = readJson(require.resolve('@aws-cdk/cloud-assembly-schema/schema/version.json', from));
  const cli = readJson(require.resolve('@aws-cdk/cloud-assembly-schema/cli-version.json', from));
  cached = {
    'aws-cdk-lib': String(readJson(cdkLib).version),
    constructs: String(readJson(require.resolve('constructs/package.json', from)).version),
    schema: `${String(schema.revision)}.0.0`,
    ...(typeof cli.version === 'string' && cli.version ? { minimumCliVersion: cli.version } : {}),
  };
  return cached;
}
