/**
 * cfn-lint (https://github.com/aws-cloudformation/cfn-lint) over every synthesized AWS example: no error, in each
 * template's own region. cfn-lint is a Python tool the project's machines carry (`cfn-lint --version`); the npm
 * registry does not ship it and `.ci/run` cannot install it without PyPI, so where it is missing this file reports
 * a skipped test saying the templates were NOT linted, never a silent pass.
 *
 * Exceptions: cfn-lint validates against the CloudFormation resource schemas it bundles, which can be older than
 * the ones aws-cdk-lib is generated from. Each exception names the rule, the resource type and property, and why
 * the property is valid.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { AwsEmitter } from '../../providers/aws/emitter';
import { EXAMPLES } from '../helpers/paths';

interface LintException {
  readonly rule: string;
  readonly resourceType: string;
  readonly property: string;
  readonly why: string;
}

export const CFN_LINT_EXCEPTIONS: readonly LintException[] = [
  {
    rule: 'E3002',
    resourceType: 'AWS::ApplicationAutoScaling::ScalableTarget',
    property: 'Tags',
    why:
      'aws-cdk-lib 2.276 generates Tags for CfnScalableTarget from the CloudFormation schema ' +
      '(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-applicationautoscaling-scalabletarget.html#cfn-applicationautoscaling-scalabletarget-tags; ' +
      'RegisterScalableTarget takes Tags: https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html); ' +
      "cfn-lint 1.51.0's bundled schema predates the property",
  },
  {
    rule: 'E3002',
    resourceType: 'AWS::SageMaker::EndpointConfig',
    property: 'InstancePools',
    why:
      'ProductionVariant.InstancePools (resources.fallback) is in the CloudFormation schema aws-cdk-lib 2.276 is generated from ' +
      '(https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-endpointconfig-instancepool.html); ' +
      "cfn-lint 1.51.0's bundled schema predates it",
  },
];

interface Match {
  readonly Filename: string;
  readonly Level: string;
  readonly Message: string;
  readonly Rule: { readonly Id: string };
  readonly Location: { readonly Path: readonly (string | number)[] };
}

function cfnLintVersion(): string | undefined {
  const r = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Every AWS example synthesized as `inferstack synth` writes it; template file -> region. */
async function synthesizeExamples(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).sort()) {
    const r = compileSpecFile(path.join(EXAMPLES, file));
    const aws = r.deployments.filter((d) => d.target === 'aws');
    if (aws.length === 0) continue;
    const dir = path.join(root, path.basename(file, '.yaml'));
    (await new AwsEmitter().emit(aws, dir, file)).forEach((emitted) => {
      const deployment = aws.find((d) => d.name === emitted.deployment)!;
      out.set(emitted.path, deployment.aws!.region);
    });
  }
  return out;
}

function isException(m: Match): LintException | undefined {
  const [section, logicalId, properties, property] = m.Location.Path;
  if (section !== 'Resources' || properties !== 'Properties') return undefined;
  const template = JSON.parse(fs.readFileSync(m.Filename, 'utf8')) as { Resources: Record<string, { Type: string }> };
  const type = template.Resources[String(logicalId)]?.Type;
  return CFN_LINT_EXCEPTIONS.find((e) => e.rule === m.Rule.Id && e.resourceType === type && (property === e.property || m.Message.includes(`'${e.property}'`)));
}

function lint(templates: readonly string[], region: string): Match[] {
  const r = spawnSync('cfn-lint', ['--format', 'json', '--regions', region, '--', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return JSON.parse(r.stdout || '[]') as Match[];
}

const version = cfnLintVersion();

describe('cfn-lint over every synthesized AWS example', () => {
  if (!version) {
    console.warn('cfn-lint is not installed: the synthesized AWS templates were NOT linted (tests/aws/cfn-lint.test.ts is skipped)');
    it.skip('cfn-lint is not installed on this machine: the synthesized templates were NOT linted (install cfn-lint, e.g. pip install cfn-lint)', () => undefined);
    return;
  }
  it(`${version} reports no error (documented schema exceptions aside)`, async () => {
    const templates = await synthesizeExamples();
    expect(templates.size).toBeGreaterThanOrEqual(10);
    const byRegion = new Map<string, string[]>();
    for (const [file, region] of templates) byRegion.set(region, [...(byRegion.get(region) ?? []), file]);
    const errors: string[] = [];
    for (const [region, files] of byRegion) {
      for (const m of lint(files, region)) {
        if (m.Level !== 'Error' || isException(m)) continue;
        errors.push(`${path.basename(path.dirname(m.Filename))}/${path.basename(m.Filename)} ${m.Rule.Id} ${m.Location.Path.join('/')}: ${m.Message}`);
      }
    }
    expect(errors).toEqual([]);
  }, 300_000);
  it('an exception is only applied to its own rule, resource type and property', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-neg-'));
    const file = path.join(dir, 'bad.template.json');
    fs.writeFileSync(file, JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'k', Value: 'v' }], Bogus: 1 } } } }));
    const errors = lint([file], 'us-east-1').filter((m) => m.Level === 'Error' && !isException(m));
    expect(errors.map((m) => m.Rule.Id)).toContain('E3002');
  }, 120_000);
});
