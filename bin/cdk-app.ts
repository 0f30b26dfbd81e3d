#!/usr/bin/env node
/** The CDK app (cdk.json points here): `cdk synth|diff|deploy -c spec=PATH`; default spec: the bundled example. */
import { App } from 'aws-cdk-lib';
import { IoHost } from '../lib/cli/io';
import { compileSpecFile } from '../lib/compile';
import { addDeploymentStacks } from '../providers/aws/app';

export const DEFAULT_SPEC = 'examples/qwen-chat.yaml';

const app = new App({ analyticsReporting: false });
const spec = (app.node.tryGetContext('spec') as string | undefined) ?? DEFAULT_SPEC;
// Alibaba-only errors do not block the AWS stacks; they are shown as notes.
const result = compileSpecFile(spec, ['aws']);
const io = IoHost.fromProcess('text');
io.diagnostics(result.diagnostics);
if (!result.ok) {
  process.exitCode = 1;
} else {
  addDeploymentStacks(app, result.deployments);
  app.synth();
}
