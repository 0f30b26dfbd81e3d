/**
 * Prototype measured by the benchmark: `inferstack synth --target aws` with aws-cdk-lib's CloudFormation validator
 * in a worker thread that starts its engine while the main thread synthesizes, then validates the written templates.
 *
 *   node dist/bench/synth-validate-in-worker.js <spec> <outdir>
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Every resource type inferstack emits: the engine is built once for a superset and reused for any subset. */
const RESOURCE_TYPES = [
  'AWS::IAM::Role',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Policy',
  'AWS::KMS::Key',
  'AWS::SageMaker::Model',
  'AWS::SageMaker::EndpointConfig',
  'AWS::SageMaker::Endpoint',
  'AWS::SageMaker::InferenceComponent',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::Lambda::Function',
  'AWS::CloudFormation::CustomResource',
];

interface StackTemplate {
  readonly stackConstructPath: string;
  readonly templatePath: string;
  readonly region?: string;
}

async function worker(): Promise<void> {
  const { CloudFormationValidatePlugin } = await import('aws-cdk-lib');
  const plugin = new CloudFormationValidatePlugin();
  // The context aws-cdk-lib passes (core/lib/private/synthesis-validation.ts, invokeSinglePlugin); the account is unknown.
  const validate = (stackTemplates: StackTemplate[]) =>
    plugin.validate({ templatePaths: stackTemplates.map((s) => s.templatePath), stackTemplates: stackTemplates.map((s) => ({ ...s, accountId: undefined })) } as unknown as Parameters<typeof plugin.validate>[0]);
  const warmUp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'validator-')), 'warm-up.template.json');
  fs.writeFileSync(warmUp, JSON.stringify({ Resources: Object.fromEntries(RESOURCE_TYPES.map((t, i) => [`R${i}`, { Type: t, Properties: {} }])) }));
  validate([{ stackConstructPath: 'WarmUp', templatePath: warmUp }]);
  parentPort!.once('message', (stackTemplates: StackTemplate[]) => {
    const report = validate(stackTemplates);
    parentPort!.postMessage(report.violations.length);
  });
}

async function main(): Promise<void> {
  const [spec, outDir] = process.argv.slice(2);
  const validator = new Worker(__filename, { workerData: 'validator' });
  const { synth } = await import('../lib/commands/synth');
  const { AwsEmitter } = await import('../providers/aws/emitter');
  const r = await synth(spec!, { targets: ['aws'], outDirs: { aws: outDir! }, emitters: { aws: async () => new AwsEmitter() } });
  if (!r.ok) throw new Error('synthesis failed');
  const violations = await new Promise<number>((resolve, reject) => {
    validator.once('message', resolve);
    validator.once('error', reject);
    validator.postMessage(r.files.map((f) => ({ stackConstructPath: f.deployment, templatePath: f.path, region: 'us-east-1' })));
  });
  await validator.terminate();
  process.stdout.write(`${r.files.length} templates, ${violations} violations\n`);
}

if (isMainThread) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 1;
  });
} else if (workerData === 'validator') {
  void worker();
}
