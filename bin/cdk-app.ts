#!/usr/bin/env node
/**
 * The CDK app (cdk.json points here): `cdk synth|diff|deploy -c spec=PATH`; default spec: the bundled example.
 * `-c inferstack:validate=true` runs aws-cdk-lib's built-in CloudFormation validator (off by default: it costs
 * more than synthesis; `npm test` runs it over every example).
 */
import { IoHost } from '../lib/cli/io';
import { compileSpecFile } from '../lib/compile';
import { addDeploymentStacks, createInferstackApp } from '../providers/aws/app';

export const DEFAULT_SPEC = 'examples/qwen-chat.yaml';

const app = createInferstackApp();
const spec = (app.node.tryGetContext('spec') as string | undefined) ?? DEFAULT_SPEC;
const result = compileSpecFile(spec);
const io = IoHost.fromProcess('text');
io.diagnostics(result.diagnostics);
if (!result.ok) {
  process.exitCode = 1;
} else {
  addDeploymentStacks(app, result.deployments);
  app.synth();
}
