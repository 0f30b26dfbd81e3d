import * as path from 'node:path';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { compileSpecFile } from '../../lib/compile';
import type { DeploymentIR } from '../../lib/ir';
import { addDeploymentStacks } from '../../providers/aws/app';
import { FEATURE_FLAGS } from '../../providers/aws/feature-flags';
import { compileOk } from '../helpers/compile';
import { EXAMPLES } from '../helpers/paths';

export function stacksFor(deployments: readonly DeploymentIR[]): Stack[] {
  const app = new App({ analyticsReporting: false, context: { ...FEATURE_FLAGS } });
  const stacks = addDeploymentStacks(app, deployments);
  app.synth();
  return stacks;
}

export function exampleTemplate(file: string): Template {
  const r = compileSpecFile(path.join(EXAMPLES, file));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return Template.fromStack(stacksFor(r.deployments)[0]!);
}

export function inlineTemplate(yaml: string): Template {
  return Template.fromStack(stacksFor(compileOk(yaml).filter((d) => d.target === 'aws'))[0]!);
}

/** Unacknowledged cdk-nag (v3, CDK policy validation) violations of every stack built from a spec. */
export function nagErrors(file: string): string[] {
  const r = compileSpecFile(path.join(EXAMPLES, file));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
  const app = new App({ analyticsReporting: false, outdir, context: { ...FEATURE_FLAGS } });
  addDeploymentStacks(app, r.deployments);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  const log = console.error;
  console.error = () => undefined; // the plugin prints each violation; the report file is what we read
  try {
    app.synth();
    return [];
  } catch {
    const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string; violatingConstructs: Array<{ constructPath: string }> }> }>;
    };
    return report.pluginReports.flatMap((p) => p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)));
  } finally {
    console.error = log;
  }
}
