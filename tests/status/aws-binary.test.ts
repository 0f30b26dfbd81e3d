import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { awsChatSpec, AWS_TEST_KEY, FakeAws, FakeAwsState } from '../helpers/fake-aws';
import { specFile as writeSpec } from '../deploy/harness';
import { inferstack } from '../invoke/run-cli';


const specFile = () => writeSpec(awsChatSpec());

function awsEnv(url: string): NodeJS.ProcessEnv {
  const none = path.join(os.tmpdir(), 'inferstack-no-such-aws-file');
  return { AWS_ENDPOINT_URL: url, AWS_ACCESS_KEY_ID: AWS_TEST_KEY, AWS_SECRET_ACCESS_KEY: 'test-secret-key', AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: none, AWS_SHARED_CREDENTIALS_FILE: none };
}

async function withAws<T>(state: Partial<FakeAwsState>, fn: (aws: FakeAws, url: string) => Promise<T>): Promise<T> {
  const aws = new FakeAws({ stackStatus: 'UPDATE_COMPLETE', stackConfig: 'ChatConfig-2', endpointStatus: 'InService', endpointConfig: 'ChatConfig-2', instanceType: 'ml.g5.2xlarge', instances: 1, scaling: { min: 1, max: 3 }, reply: 'Hello from the fake endpoint', ...state });
  const url = await aws.start();
  try {
    return await fn(aws, url);
  } finally {
    await aws.stop();
  }
}

describe('status and invoke on AWS through the built binary (real SDK clients, loopback endpoint via AWS_ENDPOINT_URL)', () => {
  it('status: serving as specified, exit 0, with the calls a reader expects', async () => {
    await withAws({}, async (aws, url) => {
      const r = await inferstack(['status', specFile()], awsEnv(url));
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain('✓ chat [aws/us-east-1] inferstack-chat/chat: InService, serving as specified');
      expect(r.stdout).toContain('stack inferstack-chat: UPDATE_COMPLETE');
      expect(r.stdout).toContain('variant AllTraffic: 1/1 instances');
      expect(r.stdout).toContain('scaling: 1-3');
      expect(aws.calls.map((c) => `${c.service}:${c.action}`).sort()).toEqual(['application-autoscaling:DescribeScalableTargets', 'cloudformation:DescribeStackResources', 'cloudformation:DescribeStacks', 'sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig']);
    });
  });

  it('status: a rolled-back update leaves the endpoint on an older configuration -> exit 1, says so', async () => {
    await withAws({ stackStatus: 'UPDATE_ROLLBACK_COMPLETE', stackReason: 'Endpoint update failed', endpointConfig: 'ChatConfig-1' }, async (_aws, url) => {
      const r = await inferstack(['status', specFile(), '--output', 'json'], awsEnv(url));
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(doc.ok).toBe(false);
      expect(doc.deployments[0].problems).toEqual([
        'the last stack update was rolled back (Endpoint update failed): the endpoint runs the previous configuration, not this spec',
        'the endpoint runs configuration ChatConfig-1 but the stack expects chatconfig-2: an update was rolled back or is still in progress',
      ]);
    });
  });

  it('invoke: one chat request through the SageMaker runtime API, the answer on stdout', async () => {
    await withAws({}, async (aws, url) => {
      const r = await inferstack(['invoke', specFile(), '--deployment', 'chat', '--prompt', 'Hi'], awsEnv(url));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('Hello from the fake endpoint');
      expect(aws.calls).toContainEqual({ service: 'sagemaker-runtime', action: 'InvokeEndpoint' });
      const smoke = await inferstack(['invoke', specFile(), '--smoke'], awsEnv(url));
      expect(smoke.code, smoke.stderr).toBe(0);
      expect(smoke.stdout).toMatch(/chat\s+aws\s+ok\s+200\s+\d+ ms\s+Hello from the fake endpoint/);
    });
  });

  it('invoke --stream: PayloadPart events of InvokeEndpointWithResponseStream, printed as they arrive', async () => {
    await withAws({ reply: 'streamed words from SageMaker' }, async (aws, url) => {
      const r = await inferstack(['invoke', specFile(), '--deployment', 'chat', '--stream'], awsEnv(url));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('streamed words from SageMaker\n');
      expect(aws.calls).toContainEqual({ service: 'sagemaker-runtime', action: 'InvokeEndpointWithResponseStream' });
    });
  });

  it('status with container.secrets: Secrets Manager says the secret changed after the model was created -> exit 1', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hf-token-AbC123';
    const file = writeSpec(awsChatSpec(`    container: { secrets: { HF_TOKEN: "${arn}" } }\n`));
    await withAws({ modelCreated: 1_790_000_000, secretsChanged: { [arn]: 1_790_000_500 } }, async (aws, url) => {
      const r = await inferstack(['status', file], awsEnv(url));
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('secret HF_TOKEN changed after the model was created');
      expect(aws.calls).toContainEqual({ service: 'secretsmanager', action: 'DescribeSecret' });
    });
    await withAws({ modelCreated: 1_790_000_000, secretsChanged: { [arn]: 1_789_000_000 } }, async (_aws, url) => {
      const r = await inferstack(['status', file], awsEnv(url));
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain('secret HF_TOKEN: unchanged since the model was created');
    });
  });

  it('invoke on an async endpoint: the request goes to S3, InvokeEndpointAsync, then the output object is read', async () => {
    const file = writeSpec(`version: 1
deployments:
  gen:
    model: { uri: "s3://models/sd/model.tar.gz", format: pytorch }
    mode: async
    async: { output: "s3://results/out/" }
    resources: { instanceType: ml.g5.xlarge }
    targets: { aws: { region: us-east-1 } }
`);
    await withAws({ reply: 'done' }, async (aws, url) => {
      const body = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'async-')), 'req.json');
      fs.writeFileSync(body, '{"prompt":"a cat"}');
      const r = await inferstack(['invoke', file, '--deployment', 'gen', '--body', body, '--input-location', 's3://requests/in/'], awsEnv(url));
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ echo: { prompt: 'a cat' }, reply: 'done' });
      expect(r.stderr).toContain('result at s3://results/out/inf-1.out');
      expect([...aws.objects.keys()].some((k) => /^requests\/in\/inferstack-invoke-[0-9a-f-]+\.json$/.test(k))).toBe(true);
      expect(aws.calls.map((c) => c.action)).toEqual(expect.arrayContaining(['PutObject', 'InvokeEndpointAsync', 'GetObject']));
    });
  });

  it('invoke on a multi-model endpoint: TargetModel is the first listed model unless --model names another; the output says which', async () => {
    const file = writeSpec(`version: 1
deployments:
  fraud-mme:
    model: { uri: "s3://acme-models/fraud/per-customer/", format: xgboost, frameworkVersion: "1.7-1" }
    mode: multi-model
    multiModel: { models: [customer-a.tar.gz, customer-b.tar.gz] }
    resources: { accelerator: cpu, cpu: 4, memory: 16Gi }
    targets: { aws: { region: us-east-1 } }
`);
    await withAws({ reply: '0.93' }, async (aws, url) => {
      const row = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mme-')), 'row.csv');
      fs.writeFileSync(row, '1.0,2.0,3.0');
      const first = await inferstack(['invoke', file, '--deployment', 'fraud-mme', '--body', row], awsEnv(url));
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout.trim()).toBe('0.93 (customer-a.tar.gz)');
      expect(first.stderr).toContain('model customer-a.tar.gz (the first of multiModel.models; another with --model NAME)');
      const second = await inferstack(['invoke', file, '--deployment', 'fraud-mme', '--body', row, '--model', 'customer-b.tar.gz'], awsEnv(url));
      expect(second.code, second.stderr).toBe(0);
      expect(aws.calls.filter((c) => c.action === 'InvokeEndpoint').map((c) => c.targetModel)).toEqual(['customer-a.tar.gz', 'customer-b.tar.gz']);
      const unknown = await inferstack(['invoke', file, '--deployment', 'fraud-mme', '--body', row, '--model', 'customer-c.tar.gz'], awsEnv(url));
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('IS5130');
      expect(unknown.stderr).toContain('customer-a.tar.gz, customer-b.tar.gz');
      expect(aws.calls.filter((c) => c.action === 'InvokeEndpoint')).toHaveLength(2);
    });
  });
});
