/**
 * Secrets stage: `container.secrets` -> the IR's secret references for one target, and the warning for
 * secret-looking literals in `container.env`. Secret values are never read here and never echoed in a diagnostic.
 *
 * Reference forms (checked 2026-11-25):
 * - AWS: a complete Secrets Manager ARN (name, a hyphen and the six random characters Secrets Manager appends),
 *   optionally followed by `:SecretString:<json-key>` — the `secret-id` and `json-key` segments of a CloudFormation
 *   `{{resolve:secretsmanager:...}}` dynamic reference
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html). The
 *   complete ARN is required because the execution role is granted exactly that resource; a partial ARN would need a
 *   wildcard (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html).
 * - Alibaba Cloud: a KMS secret ARN `acs:kms:<region>:<account>:secret/<name>`, the form GetSecretValue's SecretName
 *   takes (https://www.alibabacloud.com/help/en/kms/key-management-service/developer-reference/api-kms-2016-01-20-getsecretvalue).
 */
import { Diagnostics } from '../diagnostics/registry';
import type { SecretIR } from '../ir';
import type { DeploymentSpec, TargetName } from '../spec/schema';
import { DeploymentContext, pick } from './context';

const AWS_SECRET_ARN = /^(arn:aws(?:-cn|-us-gov)?:secretsmanager:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6})(?::SecretString:([^:\s]+))?$/;
const ALIBABA_SECRET_ARN = /^acs:kms:([a-z]{2}(?:-[a-z0-9]+)+):(\d+):secret\/([A-Za-z0-9_/+=.@-]+)$/;

export const SECRET_REFERENCE_FORMS: Record<TargetName, string> = {
  aws: 'a complete Secrets Manager ARN such as arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-AbC123, optionally followed by :SecretString:<json-key>',
  alibaba: 'a KMS secret ARN such as acs:kms:cn-hangzhou:123456789:secret/hf-token',
};

/** Parses a secret reference for a target; undefined when it is not one. */
export function parseSecretReference(target: TargetName, reference: string): { reference: string; jsonKey?: string; region: string } | undefined {
  if (target === 'aws') {
    const m = AWS_SECRET_ARN.exec(reference);
    return m ? { reference: m[1]!, ...(m[2] ? { jsonKey: m[2] } : {}), region: m[1]!.split(':')[3]! } : undefined;
  }
  const m = ALIBABA_SECRET_ARN.exec(reference);
  return m ? { reference, region: m[1]! } : undefined;
}

/** The deployment's secrets for this target, every reference checked. */
export function secretsIR(d: DeploymentSpec, ctx: DeploymentContext, processorBased: boolean): { secrets?: readonly SecretIR[] } {
  const secrets = d.container?.secrets;
  if (!secrets || Object.keys(secrets).length === 0) return {};
  if (processorBased) {
    ctx.report(Diagnostics.SecretNeedsContainer, ['container', 'secrets'], {
      atKey: true,
      args: { engine: d.engine ?? 'auto' },
      hint: 'serve the model from a container (engine custom, or an LLM engine) to pass secrets as environment variables',
    });
    return {};
  }
  const out: SecretIR[] = [];
  for (const name of Object.keys(secrets).sort()) {
    if (d.container?.env && name in d.container.env) {
      ctx.report(Diagnostics.SecretAlsoInEnv, ['container', 'env', name], { atKey: true, args: { name }, hint: `remove ${name} from container.env; container.secrets supplies it` });
      continue;
    }
    const raw = pick(secrets[name], ctx.target);
    if (raw === undefined) {
      ctx.report(Diagnostics.SecretMissingForTarget, ['container', 'secrets', name], {
        args: { name },
        allowed: SECRET_REFERENCE_FORMS[ctx.target],
        hint: `add "${ctx.target}: <reference>" under container.secrets.${name}, or remove the ${ctx.target} target`,
      });
      continue;
    }
    const parsed = parseSecretReference(ctx.target, raw);
    if (!parsed) {
      ctx.report(Diagnostics.SecretBadReference, ['container', 'secrets', name, ...(typeof secrets[name] === 'string' ? [] : [ctx.target])], {
        args: { name },
        allowed: SECRET_REFERENCE_FORMS[ctx.target],
        hint: ctx.target === 'aws' ? 'copy the secret ARN from the Secrets Manager console (it ends in -XXXXXX)' : 'copy the secret ARN from the KMS console (Secrets Manager > secret details)',
      });
      continue;
    }
    out.push({ name, reference: parsed.reference, ...(parsed.jsonKey ? { jsonKey: parsed.jsonKey } : {}) });
  }
  return out.length > 0 ? { secrets: out } : {};
}

const SECRET_SHAPES: ReadonlyArray<{ pattern: RegExp; kind: string }> = [
  { pattern: /\bhf_[A-Za-z0-9]{30,}\b/, kind: 'a Hugging Face access token' },
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/, kind: 'an AWS access key id' },
  { pattern: /\bLTAI[A-Za-z0-9]{12,30}\b/, kind: 'an Alibaba Cloud AccessKey id' },
  { pattern: /\bsk-[A-Za-z0-9_-]{20,}/, kind: 'an API key (sk-...)' },
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, kind: 'a GitHub token' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, kind: 'a private key' },
];
const SECRET_NAME = /(^|_)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

/** What a literal environment value looks like, if it looks like a secret. */
export function secretShape(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  for (const s of SECRET_SHAPES) if (s.pattern.test(value)) return s.kind;
  if (SECRET_NAME.test(name) && value.length >= 8 && !/^\{\{resolve:/.test(value)) return `a value of ${value.length} characters in a variable named like a secret`;
  return undefined;
}

/** A warning per secret-looking literal in container.env and pipeline env; the value itself is never shown. */
export function checkSecretLiterals(d: DeploymentSpec, ctx: DeploymentContext): void {
  const places: Array<{ path: (string | number)[]; env: Record<string, unknown> | undefined }> = [{ path: ['container', 'env'], env: d.container?.env }];
  (d.pipeline ?? []).forEach((step, i) => {
    if (typeof step === 'object') places.push({ path: ['pipeline', i, 'env'], env: step.env });
  });
  for (const { path, env } of places) {
    for (const [name, value] of Object.entries(env ?? {})) {
      const kind = secretShape(name, value);
      if (!kind) continue;
      ctx.report(Diagnostics.SecretLiteralInEnv, [...path, name], {
        target: undefined,
        args: { kind },
        hint: `move it to container.secrets.${name} (a Secrets Manager / KMS secret reference) and rotate the exposed value`,
      });
    }
  }
}
