/**
 * Issue 15: AWS stacks that deploy and update safely, permissions that are neither missing nor too wide, names that
 * do not collide. Each test fails on the code before the fix (noted where not obvious).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsCronExpression } from '../../lib/normalize/scaling';
import { ExecutionRole } from '../../providers/aws/execution-role';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';
import { inlineTemplate } from './helpers';

const base = (extra: string, model = 'model: { uri: "s3://acme-models/m/model.tar.gz", format: xgboost }') => `version: 1
deployments:
  svc:
    ${model}
${extra}
    targets: { aws: { region: us-east-1 } }
`;
const codes = (yaml: string) => diagnosticsOf(yaml).map((d) => `${d.severity} ${d.code}`);

describe('cron schedules: classic day-of-week (0/7 = Sunday) becomes AWS 1-7/SUN-SAT', () => {
  const table: Array<[string, string]> = [
    ['0 20 * * 0', 'cron(0 20 ? * SUN *)'],
    ['0 20 * * 7', 'cron(0 20 ? * SUN *)'],
    ['0 8 * * 1-5', 'cron(0 8 ? * MON-FRI *)'],
    ['0 8 * * 6,0', 'cron(0 8 ? * SUN,SAT *)'],
    ['0 8 * * 5-7', 'cron(0 8 ? * SUN,FRI,SAT *)'],
    ['0 8 * * 0-6', 'cron(0 8 * * ? *)'],
    ['0 8 * * */2', 'cron(0 8 ? * SUN,TUE,THU,SAT *)'],
    ['0 8 * * MON-FRI', 'cron(0 8 ? * MON-FRI *)'],
    ['0 8 * * sat', 'cron(0 8 ? * SAT *)'],
    ['30 6 1 * *', 'cron(30 6 1 * ? *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['0 8 * * 1,3', 'cron(0 8 ? * MON,WED *)'],
  ];
  it.each(table)('%s -> %s', (cron, aws) => {
    expect(awsCronExpression(cron)).toEqual({ ok: true, expression: aws });
  });
  it('both day fields restricted (classic cron ORs them) is a positioned error on AWS', () => {
    const d = diagnosticsOf(base('    scaling: { min: 1, max: 2, schedule: [ { cron: "0 8 15 * 1" } ] }'));
    expect(d.find((x) => x.code === 'IS3200')).toMatchObject({ line: 5, severity: 'error' });
  });
  it('a weekday out of range is a BadCron error', () => {
    expect(codes(base('    scaling: { min: 1, max: 2, schedule: [ { cron: "0 8 * * 9" } ] }'))).toContain('error IS2025');
  });
  it('the scalable target carries the converted expression', () => {
    const t = inlineTemplate(base('    scaling: { min: 1, max: 4, schedule: [ { cron: "0 20 * * 0", min: 2 } ] }'));
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScheduledActions: [Match.objectLike({ Schedule: 'cron(0 20 ? * SUN *)' })] });
  });
});

describe('rollout', () => {
  it('rollout.wait over one hour is a positioned error (WaitIntervalInSeconds max 3600)', () => {
    const d = diagnosticsOf(base('    scaling: { min: 2, max: 4 }\n    rollout: { strategy: canary, wait: 2h }'));
    expect(d.find((x) => x.code === 'IS3201')).toMatchObject({ severity: 'error', line: 6 });
  });
  it('canary on inf1 warns that guardrails fall back to all at once', () => {
    const d = diagnosticsOf(base('    resources: { instanceType: { aws: ml.inf1.xlarge } }\n    scaling: { min: 2, max: 4 }\n    rollout: { strategy: canary }', 'model: { uri: "s3://acme-models/m/model.tar.gz", format: pytorch, entryPoint: inference.py }\n    acceleration: { compile: { compiler: neo, framework: pytorch, inputShape: { input0: [1, 3, 224, 224] } } }'));
    expect(d.find((x) => x.code === 'IS3202')).toMatchObject({ severity: 'warning' });
    expect(d.some((x) => x.severity === 'error')).toBe(false);
  });
});

describe('Neuron AMI', () => {
  it('is set on inf2 and not on inf1 (documented for Inferentia2 and Trainium only)', () => {
    const inf1 = inlineTemplate(base('    resources: { instanceType: { aws: ml.inf1.xlarge } }', 'model: { uri: "s3://acme-models/m/model.tar.gz", format: pytorch, entryPoint: inference.py }\n    acceleration: { compile: { compiler: neo, framework: pytorch, inputShape: { input0: [1, 3, 224, 224] } } }'));
    const variant = (Object.values(inf1.findResources('AWS::SageMaker::EndpointConfig'))[0] as { Properties: { ProductionVariants: Array<Record<string, unknown>> } }).Properties.ProductionVariants[0]!;
    expect(variant.InstanceType).toBe('ml.inf1.xlarge');
    expect(variant.InferenceAmiVersion).toBeUndefined();
  });
});

describe('execution role permissions', () => {
  it('async.input is readable (s3:GetObject on the request prefix, pinned to the account)', () => {
    const t = inlineTemplate(base('    mode: async\n    async: { input: "s3://acme-requests/in/", output: "s3://acme-results/out/" }\n    resources: { accelerator: cpu }'));
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Resource: Match.arrayWith(['arn:aws:s3:::acme-requests/in/*']), Condition: { StringEquals: { 's3:ResourceAccount': { Ref: 'AWS::AccountId' } } } })]) },
    });
  });
  it('cloudwatch:PutMetricData with a namespace condition', () => {
    const t = inlineTemplate(base(''));
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'PublishEndpointMetrics', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': Match.arrayWith(['/aws/sagemaker/Endpoints']) } } })]) },
    });
  });
  it('buckets are pinned to the stack account unless targets.aws.bucketOwners names another', () => {
    const t = inlineTemplate(`version: 1
deployments:
  svc:
    model: { uri: "s3://shared-models/m/model.tar.gz", format: xgboost }
    observability: { dataCapture: { percent: 10, destination: "s3://acme-capture/c/" } }
    targets: { aws: { region: us-east-1, account: "111111111111", bucketOwners: { shared-models: "222222222222" } } }
`);
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared-models/m/model.tar.gz', Condition: { StringEquals: { 's3:ResourceAccount': '222222222222' } } }),
          Match.objectLike({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'], Resource: 'arn:aws:s3:::acme-capture/c/*', Condition: { StringEquals: { 's3:ResourceAccount': '111111111111' } } }),
        ]),
      },
    });
  });
  it('a KMS key id becomes the key ARN in the role (IAM needs the ARN)', () => {
    const t = inlineTemplate(base('    security: { kmsKey: 1234abcd-12ab-34cd-56ef-1234567890ab }'));
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'UseEncryptionKey', Resource: { 'Fn::Join': ['', Match.arrayWith([':key/1234abcd-12ab-34cd-56ef-1234567890ab'])] } })]) },
    });
  });
});

describe('spec values that would widen IAM are refused', () => {
  const cases: Array<[string, string, string]> = [
    ['a bucket wildcard', base('', 'model: { uri: "s3://*/", format: xgboost }'), 'IS3207'],
    ['a prefix wildcard', base('', 'model: { uri: "s3://acme-models/*/model.tar.gz", format: xgboost }'), 'IS3207'],
    ['a policy variable', base('    mode: async\n    async: { output: "s3://acme/${aws:username}/" }\n    resources: { accelerator: cpu }'), 'IS3207'],
    ['kmsKey "*"', base('    security: { kmsKey: "*" }'), 'IS3208'],
    ['a KMS alias', base('    security: { kmsKey: "alias/my-key" }'), 'IS3208'],
    ['an SNS wildcard', base('    mode: async\n    async: { output: "s3://acme/out/", notify: { success: "arn:aws:sns:*" } }\n    resources: { accelerator: cpu }'), 'IS3208'],
    ['an image repository ending in *', base('    engine: custom\n    container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/team*" }'), 'IS3209'],
  ];
  it.each(cases)('%s', (_, yaml, code) => {
    const d = diagnosticsOf(yaml);
    expect(d.find((x) => x.code === code)).toMatchObject({ severity: 'error' });
    expect(d.find((x) => x.code === code)!.line).toBeGreaterThan(1);
  });
  it('the role never acknowledges a wildcard that comes from a value (cdk-nag reports it)', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'nag-'));
    const app = new App({ analyticsReporting: false, outdir });
    const stack = new Stack(app, 'S', { env: { region: 'us-east-1', account: '123456789012' } });
    new ExecutionRole(stack, 'Role', { imageRepositoryArns: [], readUris: ['s3://*/'], endpointName: 'e' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const log = console.error;
    console.error = () => undefined;
    try {
      expect(() => app.synth()).toThrow();
    } finally {
      console.error = log;
    }
    const report = fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('arn:aws:s3:::*/*');
  });
});

describe('CDK tokens and dynamic references in spec strings', () => {
  it.each(['${Token[TOKEN.123]}', '#{Token[LIST.1]}', '{{resolve:ssm:/x}}'])('%s is a positioned error', (marker) => {
    const d = diagnosticsOf(base(`    container: { env: { A: "${marker}" } }`));
    expect(d.find((x) => x.code === 'IS3210')).toMatchObject({ severity: 'error', line: 5 });
  });
  it('a token in kmsKey would have dropped the key ({"Ref":"AWS::NoValue"}): refused', () => {
    expect(codes(base('    security: { kmsKey: "${Token[AWS.NoValue.1]}" }'))).toContain('error IS3210');
  });
});

describe('name collisions', () => {
  it('two deployments with the same stackName: an error naming both', () => {
    const d = diagnosticsOf(`version: 1
defaults: { model: { uri: "s3://acme-models/m/model.tar.gz", format: xgboost } }
deployments:
  a: { targets: { aws: { region: us-east-1, stackName: shared } } }
  b: { targets: { aws: { region: us-east-1, stackName: shared } } }
`);
    const c = d.find((x) => x.code === 'IS2313')!;
    expect(c).toMatchObject({ severity: 'error', line: 5 });
    expect(c.message).toContain('"a"');
    expect(c.message).toContain('"b"');
  });
  it('llm and llm- map to the same stack construct id; endpoint names collide case-insensitively', () => {
    const d = diagnosticsOf(`version: 1
defaults: { model: { uri: "s3://acme-models/m/model.tar.gz", format: xgboost } }
deployments:
  llm: { targets: { aws: { region: us-east-1, endpointName: Ep } } }
  llm-: { targets: { aws: { region: us-east-1, stackName: other, endpointName: ep } } }
`);
    expect(d.filter((x) => x.code === 'IS2313').map((x) => x.message)).toEqual([
      expect.stringContaining('stack construct id "Llm"'),
      expect.stringContaining('endpoint name "ep"'),
    ]);
  });
  it('two PAI-EAS deployments with the same service name in one region', () => {
    const d = diagnosticsOf(`version: 1
defaults: { model: { uri: "oss://models/m/", format: custom }, engine: custom, container: { image: "registry.example.com/app:1", port: 8000 }, resources: { accelerator: cpu } }
deployments:
  a-b: { targets: { alibaba: { region: cn-hangzhou } } }
  other: { targets: { alibaba: { region: cn-hangzhou, serviceName: a_b } } }
`);
    expect(d.map((x) => x.code)).toContain('IS2313');
  });
});

describe('scale to zero (inference components)', () => {
  const s2z = (extra: string) =>
    base(`    resources: { instanceType: { aws: ml.g5.2xlarge } }\n    scaling: { min: 0, max: 2${extra} }\n    network: { aws: { subnets: [subnet-0aa00000], securityGroups: [sg-0bb00000] } }\n    security: { networkIsolation: true }`, 'model: { uri: "s3://acme-models/llm/", format: huggingface, task: text-generation, parameters: 1B }');
  it('VpcConfig and network isolation are carried onto the endpoint configuration', () => {
    const t = inlineTemplate(s2z(''));
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { VpcConfig: { Subnets: ['subnet-0aa00000'], SecurityGroupIds: ['sg-0bb00000'] }, EnableNetworkIsolation: true, ExecutionRoleArn: Match.anyValue() });
  });
  it('with instance pools, a component copy asks only for what the smallest pool offers', () => {
    const t = inlineTemplate(s2z('').replace('instanceType: { aws: ml.g5.2xlarge } }', 'instanceType: { aws: ml.g5.2xlarge }, fallback: [ml.g5.xlarge] }'));
    t.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      Specification: Match.objectLike({ ComputeResourceRequirements: { NumberOfAcceleratorDevicesRequired: 1, NumberOfCpuCoresRequired: 3, MinMemoryRequiredInMb: Math.floor(16 * 1024 * 0.8) } }),
    });
  });
  it('gpu-utilization does not silently become an invocations target: an error', () => {
    expect(codes(s2z(', metric: gpu-utilization'))).toContain('error IS3203');
  });
});

describe('resources.fallback and resources.volumeSize', () => {
  const both = `version: 1
deployments:
  llm:
    model: { uri: { aws: "s3://acme-models/llm/", alibaba: "oss://models/llm/" }, format: huggingface, task: text-generation, parameters: 8B, family: llama3.1 }
    resources: { accelerator: nvidia-a10g, fallback: [nvidia-l4, nvidia-a100-80g, ml.g5.12xlarge, ecs.gn7i-c32g1.8xlarge] }
    targets: { aws: { region: us-east-1 }, alibaba: { region: cn-hangzhou } }
`;
  it('compiles to SageMaker instance pools in priority order (replacing InstanceType)', () => {
    const aws = only(compileOk(both), 'aws');
    expect(aws.fallbackInstanceTypes[0]).toMatch(/^ml\.g6\./);
    const t = inlineTemplate(both);
    const variant = (Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0] as { Properties: { ProductionVariants: Array<Record<string, unknown>> } }).Properties.ProductionVariants[0]!;
    expect(variant.InstanceType).toBeUndefined();
    expect(variant.InstancePools).toEqual([
      { InstanceType: aws.instance!.type, Priority: 1 },
      { InstanceType: aws.fallbackInstanceTypes[0], Priority: 2 },
      { InstanceType: aws.fallbackInstanceTypes[1], Priority: 3 },
      { InstanceType: 'ml.g5.12xlarge', Priority: 4 },
    ]);
    expect(aws.fallbackInstanceTypes[1]).toMatch(/^ml\.p4de\./);
  });
  it('compiles to the PAI-EAS instances list; entries for the other cloud are skipped, an accelerator it lacks is a warning', () => {
    const eas = only(compileOk(both), 'alibaba');
    expect(eas.alibaba!.fallback).toEqual([expect.stringMatching(/^ecs\.gn7e-/), 'ecs.gn7i-c32g1.8xlarge']);
    expect(diagnosticsOf(both).filter((d) => d.code === 'IS2314').map((d) => `${d.target} ${d.found}`)).toEqual(['alibaba "nvidia-l4"']);
  });
  it('a fallback whose GPU count does not divide the attention heads fits nothing (Qwen2.5-7B: 28 heads, p4de: 8 GPUs)', () => {
    const qwen = both.replace('parameters: 8B, family: llama3.1', 'parameters: 7.6B, family: qwen2.5').replace('[nvidia-l4, nvidia-a100-80g, ml.g5.12xlarge, ecs.gn7i-c32g1.8xlarge]', '[nvidia-a100-80g]');
    expect(diagnosticsOf(qwen).filter((d) => d.code === 'IS2311').map((d) => `${d.target} ${d.found}`)).toEqual(['aws "nvidia-a100-80g"']);
  });
  it('resources.alibaba.fallback stays an alias; both at once is an error', () => {
    expect(codes(both.replace('fallback: [nvidia-l4, nvidia-a100-80g, ml.g5.12xlarge, ecs.gn7i-c32g1.8xlarge] }', 'fallback: [nvidia-l4], alibaba: { fallback: [ecs.gn7i-c16g1.4xlarge] } }'))).toContain('error IS2310');
  });
  it('a fallback of another device kind (CPU for a GPU engine) is an error', () => {
    expect(codes(both.replace('[nvidia-l4, nvidia-a100-80g, ml.g5.12xlarge, ecs.gn7i-c32g1.8xlarge]', '[ml.c5.xlarge]'))).toContain('error IS2312');
    expect(codes(both.replace('[nvidia-l4, nvidia-a100-80g, ml.g5.12xlarge, ecs.gn7i-c32g1.8xlarge]', '[no-such-gpu]'))).toContain('error IS2311');
  });
  it('volumeSize becomes VolumeSizeInGB on EBS families and is an error on NVMe families', () => {
    const t = inlineTemplate(base('    resources: { instanceType: { aws: ml.m5.xlarge }, volumeSize: 100Gi }'));
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ VolumeSizeInGB: 100 })] });
    expect(codes(base('    resources: { instanceType: { aws: ml.g5.xlarge }, volumeSize: 100Gi }'))).toContain('error IS3204');
    expect(codes(base('    resources: { instanceType: { aws: ml.m5.xlarge }, volumeSize: 1Ti }'))).toContain('error IS3205');
  });
});

describe('portable settings PAI-EAS cannot honour are warnings there', () => {
  it('async.input and resources.volumeSize', () => {
    const d = diagnosticsOf(`version: 1
deployments:
  svc:
    model: { uri: "oss://models/m/", format: custom }
    engine: custom
    container: { image: "registry.example.com/app:1", port: 8000 }
    mode: async
    async: { input: "s3://acme/in/", output: "s3://acme/out/" }
    resources: { accelerator: cpu, volumeSize: 100Gi }
    targets: { alibaba: { region: cn-hangzhou } }
`);
    const ignored = d.filter((x) => x.code === 'IS2016').map((x) => x.message);
    expect(ignored).toEqual(expect.arrayContaining([expect.stringContaining('async.input'), expect.stringContaining('resources.volumeSize')]));
  });
});
