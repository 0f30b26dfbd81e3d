/**
 * AWS checks for stacks that deploy and update safely, and for spec values that would widen IAM or be parsed by the
 * CDK. Each rule is a small function; `checkAwsSafety` runs them all (called from checkAws).
 */
import { familyOf } from '../catalog/instances';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { pick, type DeploymentContext } from './context';
import { awsCronExpression, isFiveFieldCron } from './scaling';

type Path = (string | number)[];

/**
 * Instance families with local NVMe instance storage. SageMaker encrypts it in hardware and rejects a KmsKeyId
 * and a VolumeSizeInGB for them (https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html).
 */
export const LOCAL_NVME_FAMILIES = ['c5d', 'm5d', 'r5d', 'g4dn', 'g5', 'g6', 'g6e', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'trn1', 'trn1n'] as const;

/**
 * Families for which the Neuron inference AMI (InferenceAmiVersion al2-ami-sagemaker-inference-neuron-2) is
 * documented: "Accelerator: Inferentia2 and Trainium"
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariant.html#sagemaker-Type-ProductionVariant-InferenceAmiVersion).
 */
export const NEURON_AMI_FAMILIES = ['inf2', 'trn1', 'trn1n'] as const;

/**
 * Deployment guardrails exclude "Endpoints that use Inf1 (Inferentia-based) instances": they fall back to
 * blue/green all at once (https://docs.aws.amazon.com/sagemaker/latest/dg/deployment-guardrails-exclusions.html).
 */
export const GUARDRAILS_EXCLUDED_FAMILIES = ['inf1'] as const;

/** WaitIntervalInSeconds of CANARY/LINEAR traffic routing and rolling updates: 0-3600 (API_TrafficRoutingConfig). */
export const MAX_ROLLOUT_WAIT_SECONDS = 3600;

/** SageMaker instance pools: "an ordered list of up to five instance types" (realtime-endpoints-heterogeneous). */
export const MAX_INSTANCE_POOLS = 5;

/** ProductionVariant VolumeSizeInGB: 1-512 (API_ProductionVariant). */
export const VOLUME_SIZE_GB = { min: 1, max: 512 } as const;

export function checkAwsSafety(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  checkScheduleCrons(ir, ctx);
  checkRolloutWait(ir, ctx);
  checkGuardrailExclusions(ir, ctx);
  checkScaleToZeroMetric(ir, ctx);
  checkVolumeSize(ir, ctx);
  checkInstancePools(ir, ctx);
  checkS3Locations(d, ctx);
  checkArns(d, ctx);
  checkImages(d, ctx);
  checkTokenStrings(ctx.spec, [], ctx);
}

function checkScheduleCrons(ir: DeploymentIR, ctx: DeploymentContext): void {
  ir.scaling.schedule.forEach((entry, i) => {
    if (!isFiveFieldCron(entry.cron)) return; // reported by the scaling stage (IS2025)
    const converted = awsCronExpression(entry.cron);
    if (converted.ok) return;
    if (converted.reason === 'both-days') {
      ctx.report(Diagnostics.AwsCronBothDays, ['scaling', 'schedule', i, 'cron'], {
        found: entry.cron,
        allowed: 'a day-of-month or a day-of-week, with * in the other field',
        hint: 'split it into two schedule entries, one per field',
      });
    } else {
      ctx.report(Diagnostics.BadCron, ['scaling', 'schedule', i, 'cron'], {
        found: entry.cron,
        allowed: 'day-of-week 0-7 (0 and 7 = Sunday) or SUN-SAT, with , - * /',
        hint: 'write the weekday as 0-7 or a three-letter name',
      });
    }
  });
}

function usesTrafficShifting(ir: DeploymentIR): boolean {
  return ir.mode !== 'serverless' && ir.scaling.min > 0 && ir.rollout.strategy !== 'all-at-once';
}

function checkRolloutWait(ir: DeploymentIR, ctx: DeploymentContext): void {
  if (!usesTrafficShifting(ir) || ir.rollout.waitSeconds <= MAX_ROLLOUT_WAIT_SECONDS) return;
  ctx.report(Diagnostics.AwsRolloutWait, ['rollout', 'wait'], {
    found: `${ir.rollout.waitSeconds}s`,
    allowed: '0s-3600s (1h)',
    hint: 'use at most 1h; watch longer with rollbackAlarms on a longer evaluation period',
  });
}

function checkGuardrailExclusions(ir: DeploymentIR, ctx: DeploymentContext): void {
  const inst = ir.instance;
  if (!inst || !usesTrafficShifting(ir) || !(GUARDRAILS_EXCLUDED_FAMILIES as readonly string[]).includes(inst.family)) return;
  ctx.report(Diagnostics.AwsGuardrailsExcluded, ['rollout', 'strategy'], {
    args: { strategy: ir.rollout.strategy, instance: inst.type, family: inst.family },
    hint: 'use rollout all-at-once, or serve on inf2 (Inferentia2), which guardrails support',
  });
}

/** Inference components scale on invocations or concurrent requests per copy; a utilization target would be silently replaced. */
function checkScaleToZeroMetric(ir: DeploymentIR, ctx: DeploymentContext): void {
  if (ir.mode !== 'realtime' || ir.scaling.min !== 0) return;
  if (!['gpu-utilization', 'cpu-utilization', 'backlog'].includes(ir.scaling.metric)) return;
  ctx.report(Diagnostics.AwsScaleToZeroMetric, ['scaling', 'metric'], {
    args: { metric: ir.scaling.metric },
    allowed: 'concurrency, invocations, qps',
    hint: 'scale the inference component on concurrency or invocations, or keep scaling.min at 1 or more to scale on utilization',
  });
}

function checkVolumeSize(ir: DeploymentIR, ctx: DeploymentContext): void {
  const size = ir.volumeSizeGb;
  if (size === undefined) return;
  const path: Path = ['resources', 'volumeSize'];
  if (ir.mode === 'serverless' || !ir.instance) {
    ctx.report(Diagnostics.SettingUnsupported, path, { args: { setting: 'resources.volumeSize', reason: 'serverless endpoints have no ML storage volume' }, hint: 'remove resources.volumeSize' });
    return;
  }
  const nvme = [ir.instance.type, ...ir.fallbackInstanceTypes].find((t) => (LOCAL_NVME_FAMILIES as readonly string[]).includes(familyOf(t)));
  if (nvme) {
    ctx.report(Diagnostics.AwsVolumeSizeNvme, path, {
      args: { instance: nvme, family: familyOf(nvme) },
      hint: 'remove resources.volumeSize (the instance storage is fixed), or choose an EBS-backed family such as ml.m5, ml.c5 or ml.inf2',
    });
  } else if (size < VOLUME_SIZE_GB.min || size > VOLUME_SIZE_GB.max) {
    ctx.report(Diagnostics.AwsVolumeSizeRange, path, { found: `${size} GB`, allowed: '1Gi-512Gi', hint: 'use a size between 1Gi and 512Gi' });
  }
}

function checkInstancePools(ir: DeploymentIR, ctx: DeploymentContext): void {
  const fallback = ir.fallbackInstanceTypes;
  if (fallback.length === 0 && !ctx.has(['resources', 'fallback'])) return;
  if (ir.mode === 'serverless' || ir.mode === 'multi-model') {
    ctx.report(Diagnostics.AwsFallbackMode, ['resources', 'fallback'], {
      args: { mode: ir.mode, reason: ir.mode === 'serverless' ? 'serverless endpoints have no instance type' : 'instance pools serve single-model endpoints and inference components' },
      hint: 'remove resources.fallback for this deployment (or give it only to alibaba: resources.alibaba.fallback)',
    });
    return;
  }
  if (fallback.length + 1 > MAX_INSTANCE_POOLS) {
    ctx.report(Diagnostics.AwsInstancePools, ['resources', 'fallback'], { found: fallback.length + 1, allowed: `at most ${MAX_INSTANCE_POOLS - 1} fallbacks`, hint: 'keep the first four fallbacks' });
  }
}

// --- spec values that end up in IAM policies -----------------------------------------------------------------------

/**
 * Bucket naming rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html): lowercase
 * letters, digits, dots and hyphens, starting and ending with a letter or digit, no "..", at most 63 characters,
 * not formatted as an IP address. (The 3-character minimum is left to S3: a shorter name widens no policy, and
 * the project's test specs use one-letter buckets.) A prefix must not hold IAM wildcards (* ?) or policy
 * variables (${...}).
 */
export function s3LocationProblem(uri: string): string | undefined {
  const m = /^s3:\/\/([^/]*)\/?(.*)$/.exec(uri);
  if (!m) return 'it does not start with s3://';
  const [bucket, prefix] = [m[1]!, m[2]!];
  if (!/^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return `"${bucket}" is not a valid bucket name`;
  if (/[*?]|\$\{/.test(prefix)) return 'the key prefix holds an IAM wildcard (* ?) or a policy variable (${...})';
  return undefined;
}

/** Every S3 location of the spec that becomes an IAM resource of the generated roles. */
function s3Settings(d: DeploymentSpec, target: 'aws'): Array<[Path, string | undefined]> {
  const uri = pick(d.model?.uri, target);
  const draft = d.acceleration?.speculativeDecoding?.draftModel;
  return [
    [['model', 'uri'], uri?.startsWith('s3://') ? uri : undefined],
    [['async', 'input'], d.async?.input],
    [['async', 'output'], d.async?.output],
    [['async', 'failure'], d.async?.failure],
    [['observability', 'dataCapture', 'destination'], d.observability?.dataCapture?.destination],
    [['acceleration', 'compile', 'output'], d.acceleration?.compile?.output],
    [['acceleration', 'speculativeDecoding', 'draftModel'], draft?.startsWith('s3://') ? draft : undefined],
    ...(d.pipeline ?? []).map((step, i): [Path, string | undefined] => [['pipeline', i, 'modelUri'], typeof step === 'object' ? step.modelUri : undefined]),
  ];
}

function checkS3Locations(d: DeploymentSpec, ctx: DeploymentContext): void {
  for (const [path, uri] of s3Settings(d, 'aws')) {
    if (uri === undefined) continue;
    const problem = s3LocationProblem(uri);
    if (!problem) continue;
    ctx.report(Diagnostics.AwsBadS3Uri, path, {
      args: { setting: path.join('.') },
      found: uri,
      allowed: 's3://<bucket>/<prefix> with a valid bucket name and no * ? or ${...}',
      hint: `${problem}; name the exact bucket and prefix (the generated role is scoped to them)`,
    });
  }
  for (const [bucket, account] of Object.entries(d.targets?.aws?.bucketOwners ?? {})) {
    const problem = s3LocationProblem(`s3://${bucket}/`);
    if (problem) ctx.report(Diagnostics.AwsBadS3Uri, ['targets', 'aws', 'bucketOwners', bucket], { atKey: true, args: { setting: 'targets.aws.bucketOwners' }, found: `${bucket}: ${account}`, allowed: 'a valid bucket name', hint: problem });
  }
}

const PARTITION = 'aws(-cn|-us-gov)?';
const REGION = '[a-z]{2}(-[a-z]+)+-[0-9]';
export const SNS_TOPIC_ARN = new RegExp(`^arn:${PARTITION}:sns:${REGION}:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$`);
export const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${REGION}:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`);
export const KMS_KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
export const IAM_ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$`);

function checkArns(d: DeploymentSpec, ctx: DeploymentContext): void {
  const kmsKey = pick(d.security?.kmsKey, 'aws');
  const role = pick(d.security?.role, 'aws');
  const checks: Array<[Path, string | undefined, RegExp[], string, string]> = [
    [['async', 'notify', 'success'], d.async?.notify?.success, [SNS_TOPIC_ARN], 'an SNS topic ARN', 'arn:aws:sns:us-east-1:123456789012:my-topic'],
    [['async', 'notify', 'error'], d.async?.notify?.error, [SNS_TOPIC_ARN], 'an SNS topic ARN', 'arn:aws:sns:us-east-1:123456789012:my-topic'],
    [['security', 'kmsKey'], kmsKey, [KMS_KEY_ARN, KMS_KEY_ID], 'a KMS key ARN or key id', 'arn:aws:kms:us-east-1:123456789012:key/<key id> (aliases are not accepted: IAM grants on the key, not the alias)'],
    [['security', 'role'], role, [IAM_ROLE_ARN], 'an IAM role ARN', 'arn:aws:iam::123456789012:role/<name>'],
  ];
  for (const [path, value, patterns, kind, example] of checks) {
    if (value === undefined || patterns.some((p) => p.test(value))) continue;
    ctx.report(Diagnostics.AwsBadArn, path, { args: { setting: path.join('.'), kind }, found: value, allowed: example, hint: `name one exact resource: no wildcards (* ?) and no missing region or account` });
  }
}

/**
 * ECR image URIs become repository ARNs in the pull statement; a wildcard there would grant pulls from every
 * repository. Repository names: https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreateRepository.html.
 */
export const ECR_IMAGE = /^[0-9]{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})?$/;

function checkImages(d: DeploymentSpec, ctx: DeploymentContext): void {
  const images: Array<[Path, string | undefined]> = [
    [['container', 'image'], pick(d.container?.image, 'aws')],
    ...(d.pipeline ?? []).map((step, i): [Path, string | undefined] => [['pipeline', i, 'image'], typeof step === 'object' ? pick(step.image, 'aws') : undefined]),
  ];
  for (const [path, image] of images) {
    if (image === undefined) continue;
    const ecr = /^[0-9]{12}\.dkr\.ecr\./.test(image);
    if ((ecr && ECR_IMAGE.test(image)) || (!ecr && !/[*?\s]|\$\{/.test(image))) continue;
    ctx.report(Diagnostics.AwsBadImage, path, {
      args: { setting: path.join('.') },
      found: image,
      allowed: '<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@sha256:digest]',
      hint: 'name one repository and tag or digest: no wildcards, spaces or ${...}',
    });
  }
}

/**
 * The CDK encodes unresolved values as `${Token[...]}` (strings) and `#{Token[...]}` (lists) and would resolve a
 * spec string holding one (a crash, or `{"Ref":"AWS::NoValue"}` that drops the setting); CloudFormation resolves
 * `{{resolve:...}}` dynamic references at deploy time. Spec values are literals: both are refused.
 */
const TOKEN_MARKERS = /\$\{Token\[|#\{Token\[|\{\{resolve:/i;

function checkTokenStrings(value: unknown, path: Path, ctx: DeploymentContext): void {
  if (typeof value === 'string') {
    const marker = TOKEN_MARKERS.exec(value);
    if (marker) reportToken(path, value, marker[0], ctx, false);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkTokenStrings(v, [...path, i], ctx));
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const marker = TOKEN_MARKERS.exec(k);
      if (marker) reportToken([...path, k], k, marker[0], ctx, true);
      checkTokenStrings(v, [...path, k], ctx);
    }
  }
}

function reportToken(path: Path, value: string, marker: string, ctx: DeploymentContext, atKey: boolean): void {
  ctx.report(Diagnostics.AwsTokenString, path, {
    atKey,
    args: { setting: path.join('.') || 'the deployment', found: JSON.stringify(marker) },
    found: value.length > 80 ? `${value.slice(0, 77)}...` : value,
    allowed: `literal values without ${'${Token[...]}'}, ${'#{Token[...]}'} or {{resolve:...}}`,
    hint: 'write the literal value; for secrets use container.secrets, which the role reads at run time',
  });
}
