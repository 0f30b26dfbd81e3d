import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildServiceConfig, stableStringify } from '../../providers/alibaba/service-config';
import { inlineTemplate, stacksFor } from '../aws/helpers';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';

const AWS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-AbC123';
const KMS_ARN = 'acs:kms:cn-hangzhou:1234567890:secret/hf-token';

function spec(secrets: string, env = '', targets = 'targets: { aws: { region: us-east-1 }, alibaba: { region: cn-hangzhou } }'): string {
  return `version: 1
deployments:
  chat:
    model: { uri: { aws: "s3://models/qwen/", alibaba: "oss://models/qwen/" }, task: text-generation, family: qwen2, parameters: 7.6B }
    engine: vllm
    container:
${env}      secrets: ${secrets}
    resources: { instanceType: { aws: ml.g5.2xlarge, alibaba: ecs.gn7i-c16g1.4xlarge } }
    ${targets}
`;
}

describe('container.secrets on AWS', () => {
  const yaml = spec(`{ HF_TOKEN: { aws: "${AWS_ARN}", alibaba: "${KMS_ARN}" }, API_KEY: { aws: "${AWS_ARN.replace('hf-token', 'api')}:SecretString:key", alibaba: "${KMS_ARN}" } }`);

  it('puts a CloudFormation dynamic reference into the model environment', () => {
    const t = inlineTemplate(yaml);
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Environment: Match.objectLike({
          HF_TOKEN: `{{resolve:secretsmanager:${AWS_ARN}}}`,
          API_KEY: `{{resolve:secretsmanager:${AWS_ARN.replace('hf-token', 'api')}:SecretString:key}}`,
        }),
      },
    });
  });

  it('lets the execution role read exactly those secrets and nothing else in Secrets Manager', () => {
    const t = inlineTemplate(yaml);
    const policies = t.findResources('AWS::IAM::ManagedPolicy');
    const statements = Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Array<{ Sid?: string; Action: unknown; Resource: unknown }> } } }).Properties.PolicyDocument.Statement);
    const secretStatements = statements.filter((s) => JSON.stringify(s.Action).includes('secretsmanager'));
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]!.Action).toBe('secretsmanager:GetSecretValue');
    expect(secretStatements[0]!.Resource).toEqual([AWS_ARN.replace('hf-token', 'api'), AWS_ARN].sort());
  });

  it('a deployment without secrets gets no Secrets Manager permission', () => {
    const plain = spec('{}').replace('      secrets: {}\n', '      env: { A: "1" }\n');
    const t = inlineTemplate(plain);
    expect(JSON.stringify(t.toJSON())).not.toContain('secretsmanager');
  });
});

describe('container.secrets on PAI-EAS', () => {
  it('writes a placeholder naming the KMS secret into the service JSON', () => {
    const ir = only(compileOk(spec(`{ HF_TOKEN: { aws: "${AWS_ARN}", alibaba: "${KMS_ARN}" } }`)), 'alibaba');
    const json = stableStringify(buildServiceConfig(ir));
    const env = buildServiceConfig(ir).containers![0]!.env!;
    expect(env).toContainEqual({ name: 'HF_TOKEN', value: `{{inferstack-secret:${KMS_ARN}}}` });
    expect(json).not.toContain('resolve:secretsmanager');
  });
});

describe('secret diagnostics', () => {
  it('a secret without a reference for one of the targets is an error, never dropped', () => {
    const ds = diagnosticsOf(spec(`{ HF_TOKEN: { aws: "${AWS_ARN}" } }`));
    const d = ds.find((x) => x.code === 'IS2501');
    expect(d?.target).toBe('alibaba');
    expect(d?.message).toContain('container.secrets.HF_TOKEN has no reference for alibaba');
    expect(d?.line).toBe(7);
  });

  it('a partial ARN or a name is rejected on AWS with the allowed form', () => {
    const ds = diagnosticsOf(spec(`{ HF_TOKEN: { aws: "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token", alibaba: "${KMS_ARN}" } }`));
    const d = ds.find((x) => x.code === 'IS2502');
    expect(d?.target).toBe('aws');
    expect(d?.allowed).toContain('complete Secrets Manager ARN');
  });

  it('an AWS ARN given as the one value for both targets is an error for alibaba', () => {
    const ds = diagnosticsOf(spec(`{ HF_TOKEN: "${AWS_ARN}" }`));
    expect(ds.filter((x) => x.code === 'IS2502').map((x) => x.target)).toEqual(['alibaba']);
  });

  it('the same variable in env and secrets is an error', () => {
    const ds = diagnosticsOf(spec(`{ HF_TOKEN: { aws: "${AWS_ARN}", alibaba: "${KMS_ARN}" } }`, '      env: { HF_TOKEN: "x" }\n'));
    expect(ds.some((x) => x.code === 'IS2503')).toBe(true);
  });

  it('a secret-looking literal in container.env is a warning that points to container.secrets and never shows the value', () => {
    const token = 'hf_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3f';
    const ds = diagnosticsOf(spec('{}', `      env: { HUGGING_FACE_HUB_TOKEN: "${token}", DB_PASSWORD: "correct-horse-battery", MAX_TOTAL_TOKENS: "4096" }\n`, 'targets: { aws: { region: us-east-1 } }'));
    const warnings = ds.filter((x) => x.code === 'IS2504');
    expect(warnings.map((w) => w.path).sort()).toEqual(['deployments.chat.container.env.DB_PASSWORD', 'deployments.chat.container.env.HUGGING_FACE_HUB_TOKEN']);
    expect(warnings.every((w) => w.severity === 'warning' && w.hint!.includes('container.secrets'))).toBe(true);
    expect(JSON.stringify(ds)).not.toContain(token);
    expect(JSON.stringify(ds)).not.toContain('correct-horse-battery');
  });

  it('built-in processors on PAI-EAS cannot take secrets: an error, not a silent drop', () => {
    const yaml = `version: 1
deployments:
  tagger:
    model: { uri: "oss://m/model.pmml", format: pmml }
    container: { secrets: { TOKEN: "${KMS_ARN}" } }
    resources: { instanceType: ecs.c7.xlarge }
    targets: { alibaba: { region: cn-hangzhou } }
`;
    const ds = diagnosticsOf(yaml);
    expect(ds.some((x) => x.code === 'IS2505')).toBe(true);
  });

  it('stacks synthesize with secrets (no unresolved token errors)', () => {
    const ds = compileOk(spec(`{ HF_TOKEN: { aws: "${AWS_ARN}", alibaba: "${KMS_ARN}" } }`)).filter((d) => d.target === 'aws');
    expect(() => stacksFor(ds)).not.toThrow();
  });
});
