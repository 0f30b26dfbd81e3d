/**
 * aws-cdk-lib's built-in CloudFormation validator is off the synthesis hot path (`inferstack synth`, `cdk synth`)
 * and on with `--validate` / `-c inferstack:validate=true`; this suite runs it over every AWS example, so nothing is
 * lost. Turning it on never changes a template.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { addDeploymentStacks, createInferstackApp, VALIDATE_CONTEXT } from '../../providers/aws/app';
import { AwsEmitter } from '../../providers/aws/emitter';
import { CLI, EXAMPLES, ROOT } from '../helpers/paths';

const REPORT = 'validation-report.json';

interface ValidationReport {
  readonly pluginReports: ReadonlyArray<{ readonly pluginName: string; readonly violations: ReadonlyArray<{ readonly ruleName: string; readonly severity: string; readonly description: string }> }>;
}

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const awsExamples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && compileSpecFile(path.join(EXAMPLES, f)).deployments.some((d) => d.target === 'aws'));

function report(dir: string): ValidationReport {
  return JSON.parse(fs.readFileSync(path.join(dir, REPORT), 'utf8')) as ValidationReport;
}

function templates(dir: string): Map<string, string> {
  return new Map(fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** Synthesizes every AWS example into one app with the validator on; quiet (the validator prints what it finds). */
function validateAll(extra?: (stack: Stack) => void): ValidationReport {
  const outdir = tmp('validate-');
  const app = createInferstackApp({ outdir, validate: true });
  for (const file of awsExamples) {
    const stacks = addDeploymentStacks(app, compileSpecFile(path.join(EXAMPLES, file)).deployments);
    // Stack ids are unique across the examples; a clash would throw here rather than hide an example.
    if (extra && file === awsExamples[0]) extra(stacks[0]!);
  }
  const log = console.error;
  console.error = () => undefined;
  try {
    app.synth();
  } catch {
    // in-memory mode (NODE_ENV=test) throws on a failed validation; the report is written first
  } finally {
    console.error = log;
  }
  return report(outdir);
}

describe('built-in CloudFormation validation', () => {
  it('finds nothing in any AWS example', () => {
    const findings = validateAll().pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.severity} ${v.ruleName}: ${v.description}`));
    expect(findings).toEqual([]);
  }, 120_000);

  it('runs when enabled: an invalid property in one stack is reported (the check above can fail)', () => {
    const r = validateAll((stack) => {
      new CfnResource(stack, 'Broken', { type: 'AWS::SageMaker::Endpoint', properties: { EndpointConfigName: 'c', NoSuchProperty: 1 } });
    });
    const violations = r.pluginReports.filter((p) => p.pluginName === 'CloudFormation Validate').flatMap((p) => p.violations);
    expect(violations.map((v) => v.description).join('\n')).toContain('NoSuchProperty');
  }, 120_000);

  it('is off by default: no report is written and templates are byte-identical to a validated synthesis', () => {
    const [plain, validated] = [tmp('plain-'), tmp('validated-')];
    for (const file of awsExamples) {
      const ir = compileSpecFile(path.join(EXAMPLES, file)).deployments;
      new AwsEmitter().emit(ir, path.join(plain, file), file);
      new AwsEmitter({ validate: true }).emit(ir, path.join(validated, file), file);
      expect(fs.existsSync(path.join(plain, file, REPORT)), file).toBe(false);
      expect(fs.existsSync(path.join(validated, file, REPORT)), file).toBe(true);
      const expected = templates(path.join(validated, file));
      expect(expected.size).toBeGreaterThan(0);
      expect(templates(path.join(plain, file))).toEqual(expected);
    }
  }, 120_000);

  it(`the CDK app validates only with -c ${VALIDATE_CONTEXT}=true, and CDK_VALIDATION=false (cdk --no-validation) still wins`, () => {
    const ran = (context: Record<string, unknown>) => {
      const outdir = tmp('ctx-');
      const app = createInferstackApp({ outdir, context });
      addDeploymentStacks(app, compileSpecFile(path.join(EXAMPLES, 'qwen-chat.yaml')).deployments);
      app.synth();
      return fs.existsSync(path.join(outdir, REPORT));
    };
    expect(ran({})).toBe(false);
    expect(ran({ [VALIDATE_CONTEXT]: 'false' })).toBe(false);
    expect(ran({ [VALIDATE_CONTEXT]: 'true' })).toBe(true);
    process.env.CDK_VALIDATION = 'false';
    try {
      expect(ran({ [VALIDATE_CONTEXT]: 'true' })).toBe(false);
    } finally {
      delete process.env.CDK_VALIDATION;
    }
  }, 60_000);

  it('inferstack synth --validate runs it; the resource counts it prints come from what it wrote', () => {
    const out = tmp('cli-');
    const r = spawnSync(process.execPath, [CLI, 'synth', 'examples/qwen-chat.yaml', '--target', 'aws', '--validate', '--out', out, '--output', 'json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(report(out).pluginReports).toEqual([]);
    const files = (JSON.parse(r.stdout) as { files: Array<{ path: string; resources: number }> }).files;
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.resources).toBe(Object.keys(JSON.parse(fs.readFileSync(f.path, 'utf8')).Resources).length);
  }, 60_000);

  it('--validate is refused where it would do nothing', () => {
    for (const args of [['validate', 'examples/qwen-chat.yaml', '--validate'], ['synth', 'examples/eas-qwen-vllm.yaml', '--target', 'alibaba', '--validate']]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('--validate');
    }
  });
});
