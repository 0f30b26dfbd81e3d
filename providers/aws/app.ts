import { App, CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';
import type { DeploymentIR } from '../../lib/ir';
import { stackConstructId } from '../../lib/normalize/collisions';
import { FEATURE_FLAGS } from './feature-flags';
import { InferenceStack } from './inference-stack';

/** Context key that turns aws-cdk-lib's built-in CloudFormation validation on: `cdk synth -c inferstack:validate=true`. */
export const VALIDATE_CONTEXT = 'inferstack:validate';

/**
 * Context defaults of every inferstack CDK app; `-c KEY=false` on the CDK CLI overrides them.
 * Creation stack traces (`aws:cdk:creationStack` metadata: one captured stack per construct, half of each stack's
 * *.metadata.json) and annotation traces stay off, except under `cdk --debug`. Templates do not change.
 * Keys: aws-cdk-lib cx-api/lib/app.ts (DISABLE_CREATION_STACK_TRACES, DISABLE_METADATA_STACK_TRACE), v2.276.0.
 */
const LEAN_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-stack-trace': true,
};

/** `cdk --debug` sets CDK_DEBUG=true (aws-cdk-lib core/lib/debug.ts accepts 1, on, true). */
function cdkDebug(): boolean {
  return /^(1|on|true)$/i.test(process.env.CDK_DEBUG ?? '');
}

export interface InferstackAppOptions {
  /** Cloud assembly directory. @default CDK_OUTDIR (set by the CDK CLI), else a temporary directory */
  readonly outdir?: string;
  /** Context added to the defaults (the CDK CLI's `-c` still wins). @default none */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * Run aws-cdk-lib's built-in CloudFormation validator (a WebAssembly engine: about 1.3 s to start, then milliseconds
   * per template) after synthesis. It never changes a template; it writes validation-report.json.
   * @default on when the `inferstack:validate` context is true and CDK_VALIDATION is not "false"; off otherwise
   */
  readonly validate?: boolean;
}

/**
 * A CDK app as inferstack builds it, for `cdk synth` and `inferstack synth` alike. The built-in validator is off
 * by default (it costs more than synthesis itself) and on with `validate` or the `inferstack:validate` context.
 */
export function createInferstackApp(options: InferstackAppOptions = {}): App {
  const app = new App({
    analyticsReporting: false,
    builtinCloudFormationValidation: false,
    ...(options.outdir !== undefined ? { outdir: options.outdir } : {}),
    // The recommended feature flags; cdk.json carries the same values for the CDK CLI (providers/aws/feature-flags.ts).
    context: { ...FEATURE_FLAGS, ...(cdkDebug() ? {} : LEAN_CONTEXT), ...options.context },
  });
  if (options.validate ?? validationRequested(app)) Validations.of(app).addPlugins(sharedValidator());
  return app;
}

/** `-c inferstack:validate=true` (the CLI passes context values as strings), unless the CLI ran with `--no-validation`. */
function validationRequested(app: App): boolean {
  const value: unknown = app.node.tryGetContext(VALIDATE_CONTEXT);
  return (value === true || value === 'true') && process.env.CDK_VALIDATION !== 'false';
}

let validator: CloudFormationValidatePlugin | undefined;

/** One validator per process: its engine is reused by every app that validates (as aws-cdk-lib's own default does). */
function sharedValidator(): CloudFormationValidatePlugin {
  validator ??= new CloudFormationValidatePlugin();
  return validator;
}

/** Stack construct ids: the deployment name in PascalCase, stable across runs (validate rejects collisions). */
export const stackId = stackConstructId;

/** Adds one stack per AWS deployment to an app (shared by the CDK entry point and `inferstack synth`). */
export function addDeploymentStacks(app: App, deployments: readonly DeploymentIR[]): InferenceStack[] {
  return withoutAcknowledgementTraces(() => deployments.filter((d) => d.target === 'aws').map((d) => new InferenceStack(app, stackId(d.name), { deployment: d })));
}

/**
 * aws-cdk-lib records a call stack with every `Validations.acknowledge` (core/lib/validation/validations.ts,
 * recordAcknowledgment, v2.276.0), whatever the stack-trace context says: a third of the construction time and a
 * trace per acknowledgement in *.metadata.json that carries this checkout's absolute paths (so the output differed
 * between machines). Our acknowledgements are reasons, not debugging data: build with an empty call stack, except
 * under `cdk --debug` (CDK_DEBUG=true). Only construction runs inside; errors thrown keep their message.
 */
function withoutAcknowledgementTraces<T>(build: () => T): T {
  if (cdkDebug()) return build();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
