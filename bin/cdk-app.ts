#!/usr/bin/env node
/**
 * The CDK app (cdk.json points here): `cdk synth|diff|deploy -c spec=PATH`; default spec: the bundled example.
 * `-c inferstack:validate=true` runs aws-cdk-lib's built-in CloudFormation validator (off by default: it costs
 * more than synthesis; `npm test` runs it over every example).
 */
import { IoHost } from '../lib/cli/io';
import { recordSynthesis } from '../lib/commands/output-folder';
import { compileSpecFile } from '../lib/compile';
import { addDeploymentStacks, createInferstackApp } from '../providers/aws/app';

export const DEFAULT_SPEC = 'examples/qwen-chat.yaml';

// Whole milliseconds: file systems with coarser timestamps must still count what this run wrote.
const startedAt = Math.floor(Date.now() / 1000) * 1000;
const app = createInferstackApp();
const spec = (app.node.tryGetContext('spec') as string | undefined) ?? DEFAULT_SPEC;
// Alibaba-only errors do not block the AWS stacks; they are shown as notes.
const result = compileSpecFile(spec, { targets: ['aws'] });
const io = IoHost.fromProcess('text');
io.diagnostics(result.diagnostics);
if (!result.ok) {
  process.exitCode = 1;
} else {
  addDeploymentStacks(app, result.deployments);
  app.synth();
  // The assembly folder becomes one `inferstack synth --out` recognizes as a synthesis it may replace.
  recordSynthesis(app.outdir, 'aws', startedAt);
}
