import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointAsyncCommand, InvokeEndpointCommand, InvokeEndpointWithResponseStreamCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { invoke } from '../../lib/commands/invoke';
import { AwsInvokeProvider } from '../../providers/aws/invoke';

const runtime = mockClient(SageMakerRuntimeClient);
const s3 = mockClient(S3Client);
const encode = (s: string) => new TextEncoder().encode(s);
const decode = (b: unknown) => new TextDecoder().decode(b as Uint8Array);

function specFile(deployment: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-invoke-'));
  const file = path.join(dir, 'spec.yaml');
  fs.writeFileSync(file, `version: 1\ndeployments:\n${deployment}`);
  return file;
}

const CHAT = `  chat:
    model: { uri: "s3://models/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    engine: lmi
    resources: { instanceType: ml.g5.2xlarge }
    targets: { aws: { region: us-east-1, endpointName: chat-endpoint } }
`;

const MME = `  fraud-mme:
    model: { uri: "s3://acme-models/fraud/per-customer/", format: xgboost, frameworkVersion: "1.7-1" }
    mode: multi-model
    multiModel: { models: [customer-a.tar.gz, eu/customer-b.tar.gz] }
    resources: { accelerator: cpu, cpu: 4, memory: 16Gi }
    targets: { aws: { region: us-east-1 } }
`;

const provider = () => new AwsInvokeProvider({ pollIntervalMs: 1, sleep: async () => undefined });

beforeEach(() => {
  runtime.reset();
  s3.reset();
});

describe('invoke on SageMaker (aws-sdk-client-mock: SageMaker runtime, S3)', () => {
  it('sends an OpenAI-style chat request to InvokeEndpoint and extracts the answer', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: encode(JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'Hello from LMI' } }] })) as never, ContentType: 'application/json' });
    const r = await invoke(specFile(CHAT), { deployment: 'chat', prompt: 'Hi', providers: { aws: async () => provider() } });
    expect(r.ok).toBe(true);
    expect(r.outcomes[0]).toMatchObject({ deployment: 'chat', target: 'aws', ok: true, kind: 'chat', excerpt: 'Hello from LMI' });
    const input = runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ EndpointName: 'chat-endpoint', ContentType: 'application/json', Accept: 'application/json' });
    expect(JSON.parse(decode(input.Body))).toEqual({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 64, stream: false });
  });

  it('--stream reads PayloadPart events (LMI JSON lines split across parts) and hands the text on as it comes', async () => {
    const lines = ['{"choices":[{"delta":{"content":"Hel"}}]}\n{"choi', 'ces":[{"delta":{"content":"lo"}}]}\n', 'data: {"choices":[{"delta":{"content":"!"}}]}\n\ndata: [DONE]\n'];
    runtime.on(InvokeEndpointWithResponseStreamCommand).resolves({
      Body: (async function* () {
        for (const l of lines) yield { PayloadPart: { Bytes: encode(l) } };
      })() as never,
    });
    const pieces: string[] = [];
    const r = await invoke(specFile(CHAT), { deployment: 'chat', stream: true, onText: (_d, _t, text) => pieces.push(text), providers: { aws: async () => provider() } });
    expect(r.ok).toBe(true);
    expect(pieces.join('')).toBe('Hello!');
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(decode(runtime.commandCalls(InvokeEndpointWithResponseStreamCommand)[0]!.args[0].input.Body)).stream).toBe(true);
  });

  it('a model error is a failed outcome with the error text', async () => {
    runtime.on(InvokeEndpointCommand).rejects(Object.assign(new Error('Received client error (400) from primary with message "bad input"'), { name: 'ModelError', $metadata: { httpStatusCode: 424 }, OriginalStatusCode: 400 }));
    const r = await invoke(specFile(CHAT), { deployment: 'chat', providers: { aws: async () => provider() } });
    expect(r.ok).toBe(false);
    expect(r.outcomes[0]).toMatchObject({ ok: false, httpStatus: 400 });
    expect(r.outcomes[0]!.error).toContain('ModelError');
  });

  it('a scale-to-zero deployment is invoked through its inference component', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: encode('{"choices":[{"message":{"content":"ok"}}]}') as never });
    const file = specFile(CHAT.replace('resources: { instanceType: ml.g5.2xlarge }', 'resources: { instanceType: ml.g5.2xlarge }\n    scaling: { min: 0, max: 2 }'));
    const r = await invoke(file, { deployment: 'chat', providers: { aws: async () => provider() } });
    expect(r.ok).toBe(true);
    expect(runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input.InferenceComponentName).toBe('chat-endpoint-ic');
  });

  it('TEI gets {"inputs": ...} and the excerpt describes the embedding', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: encode('[[0.1,0.2,0.3]]') as never });
    const tei = `  emb:
    model: { uri: "s3://models/bge/", task: embedding, format: huggingface }
    engine: tei
    container: { image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/tei:1.6" }
    resources: { instanceType: ml.g5.xlarge }
    targets: { aws: { region: us-east-1 } }
`;
    const r = await invoke(specFile(tei), { deployment: 'emb', prompt: 'a sentence', providers: { aws: async () => provider() } });
    expect(r.ok, JSON.stringify(r.diagnostics)).toBe(true);
    expect(JSON.parse(decode(runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input.Body))).toEqual({ inputs: 'a sentence' });
    expect(r.outcomes[0]!.excerpt).toBe('1 embedding(s) of 3 dimensions');
  });

  it('an async endpoint: uploads the request under the input prefix, calls InvokeEndpointAsync, waits for the output object', async () => {
    const asyncSpec = `  gen:
    model: { uri: "s3://models/sd/model.tar.gz", format: pytorch }
    engine: framework
    mode: async
    async: { output: "s3://results/out/" }
    resources: { instanceType: ml.g5.xlarge }
    targets: { aws: { region: us-east-1 } }
`;
    s3.on(PutObjectCommand).resolves({});
    runtime.on(InvokeEndpointAsyncCommand).resolves({ InferenceId: 'inf-1', OutputLocation: 's3://results/out/inf-1.out', FailureLocation: 's3://results/failed/inf-1.out' });
    let polls = 0;
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      if (input.Key === 'out/inf-1.out' && ++polls >= 3) return { Body: { transformToString: async () => '{"image":"..."}' } };
      throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    });
    const missing = await invoke(specFile(asyncSpec), { deployment: 'gen', body: encode('{"prompt":"a cat"}'), providers: { aws: async () => provider() } });
    expect(missing.ok).toBe(false);
    expect(missing.diagnostics.find((d) => d.code === 'IS5505')?.hint).toContain('--input-location');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(runtime.commandCalls(InvokeEndpointAsyncCommand)).toHaveLength(0);

    const r = await invoke(specFile(asyncSpec), { deployment: 'gen', body: encode('{"prompt":"a cat"}'), inputLocation: 's3://requests/in/', providers: { aws: async () => provider() } });
    expect(r.ok, JSON.stringify(r.outcomes)).toBe(true);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put.Bucket).toBe('requests');
    expect(put.Key).toMatch(/^in\/inferstack-invoke-[0-9a-f-]+\.json$/);
    expect(decode(put.Body)).toBe('{"prompt":"a cat"}');
    expect(runtime.commandCalls(InvokeEndpointAsyncCommand)[0]!.args[0].input).toEqual({ EndpointName: 'gen', InputLocation: `s3://requests/${put.Key}`, ContentType: 'application/json' });
    expect(r.outcomes[0]).toMatchObject({ ok: true, outputLocation: 's3://results/out/inf-1.out', output: '{"image":"..."}' });
  });

  it('a multi-model endpoint: TargetModel is the first of multiModel.models by default, or --model; an unknown model lists the allowed ones', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: encode('0.93') as never });
    const file = specFile(MME);
    const body = encode('1.0,2.0,3.0');
    const first = await invoke(file, { deployment: 'fraud-mme', body, providers: { aws: async () => provider() } });
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input).toMatchObject({ EndpointName: 'fraud-mme', TargetModel: 'customer-a.tar.gz' });
    expect(first.outcomes[0]).toMatchObject({ ok: true, targetModel: 'customer-a.tar.gz', targetModelFrom: 'spec-first', output: '0.93' });

    const chosen = await invoke(file, { deployment: 'fraud-mme', body, model: 'eu/customer-b.tar.gz', providers: { aws: async () => provider() } });
    expect(chosen.ok).toBe(true);
    expect(runtime.commandCalls(InvokeEndpointCommand)[1]!.args[0].input.TargetModel).toBe('eu/customer-b.tar.gz');
    expect(chosen.outcomes[0]).toMatchObject({ targetModel: 'eu/customer-b.tar.gz', targetModelFrom: 'flag' });

    const unknown = await invoke(file, { deployment: 'fraud-mme', body, model: 'customer-z.tar.gz', providers: { aws: async () => provider() } });
    expect(unknown.ok).toBe(false);
    expect(unknown.diagnostics[0]).toMatchObject({ code: 'IS5130', allowed: 'customer-a.tar.gz, eu/customer-b.tar.gz' });
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(2);
  });

  it('a multi-model endpoint that lists no models needs --model; --model on another mode is an error', async () => {
    runtime.on(InvokeEndpointCommand).resolves({ Body: encode('0.5') as never });
    const bare = specFile(MME.replace('    multiModel: { models: [customer-a.tar.gz, eu/customer-b.tar.gz] }\n', ''));
    const none = await invoke(bare, { deployment: 'fraud-mme', body: encode('1'), providers: { aws: async () => provider() } });
    expect(none.diagnostics.map((d) => d.code)).toEqual(['IS5131']);
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(0);
    const named = await invoke(bare, { deployment: 'fraud-mme', body: encode('1'), model: 'any/path.tar.gz', providers: { aws: async () => provider() } });
    expect(named.ok).toBe(true);
    expect(runtime.commandCalls(InvokeEndpointCommand)[0]!.args[0].input.TargetModel).toBe('any/path.tar.gz');

    const single = await invoke(specFile(CHAT), { deployment: 'chat', model: 'x.tar.gz', providers: { aws: async () => provider() } });
    expect(single.diagnostics.map((d) => d.code)).toEqual(['IS5132']);
    expect(runtime.commandCalls(InvokeEndpointCommand)).toHaveLength(1);
  });

  it('an async endpoint: the wait for the output object ends at the timeout given', async () => {
    const asyncSpec = specFile(`  gen:
    model: { uri: "s3://models/sd/model.tar.gz", format: pytorch }
    engine: framework
    mode: async
    async: { input: "s3://requests/in/", output: "s3://results/out/" }
    resources: { instanceType: ml.g5.xlarge }
    targets: { aws: { region: us-east-1 } }
`);
    s3.on(PutObjectCommand).resolves({});
    runtime.on(InvokeEndpointAsyncCommand).resolves({ InferenceId: 'inf-2', OutputLocation: 's3://results/out/inf-2.out' });
    s3.on(GetObjectCommand).rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
    const late = await invoke(asyncSpec, { deployment: 'gen', body: encode('{}'), timeoutMs: 1000, pollIntervalMs: 1, providers: { aws: async () => new AwsInvokeProvider({ sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }) } });
    expect(late.ok).toBe(false);
    expect(late.outcomes[0]!.error).toContain('no result at s3://results/out/inf-2.out within 1s');
  });

  it('a framework container without --body is a usage diagnostic, and no call is made', async () => {
    const fw = `  tab:
    model: { uri: "s3://models/xgb/model.tar.gz", format: xgboost }
    resources: { instanceType: ml.m5.large }
    targets: { aws: { region: us-east-1 } }
`;
    const r = await invoke(specFile(fw), { deployment: 'tab', providers: { aws: async () => provider() } });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain('IS5504');
    expect(runtime.calls()).toHaveLength(0);
  });
});
