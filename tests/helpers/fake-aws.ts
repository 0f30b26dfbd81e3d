/**
 * A loopback stand-in for the AWS APIs `inferstack status` and `invoke` call, reached by the real SDK clients of a
 * child process through the documented endpoint override (AWS_ENDPOINT_URL). It speaks each service's wire protocol:
 * JSON 1.1 (SageMaker, Application Auto Scaling, Secrets Manager: `X-Amz-Target`), query (CloudFormation: form body,
 * XML answers) and REST-JSON (SageMaker runtime: POST /endpoints/{name}/invocations). It checks that every request
 * is SigV4-signed with the test key for the right service, and records the calls.
 */
import type * as http from 'node:http';
import { crc32 } from 'node:zlib';
import { LoopbackServer } from '../../providers/alibaba/testing/loopback-server';

export const AWS_TEST_KEY = 'AKIDTESTINFERSTACK01';

/** The spec the AWS status tests look at: one LMI deployment on ml.g5.2xlarge scaling 1-3 (plus `extra` lines). */
export function awsChatSpec(extra = ''): string {
  return `version: 1
deployments:
  chat:
    model: { uri: "s3://models/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    engine: lmi
    resources: { instanceType: ml.g5.2xlarge }
    scaling: { min: 1, max: 3 }
${extra}    targets: { aws: { region: us-east-1 } }
`;
}

export interface FakeAwsState {
  stackStatus: string;
  stackReason?: string;
  /** The configuration the stack's EndpointConfig resource names. */
  stackConfig: string;
  endpointStatus: string;
  /** The configuration the endpoint runs. */
  endpointConfig: string;
  instanceType: string;
  instances: number;
  scaling?: { min: number; max: number };
  reply: string;
  /** Secrets Manager: when each secret (by ARN) last changed, epoch seconds. */
  secretsChanged?: Record<string, number>;
  /** When the model was created, epoch seconds. */
  modelCreated?: number;
}

export class FakeAws extends LoopbackServer {
  readonly calls: Array<{ service: string; action: string; targetModel?: string }> = [];
  /** S3 objects by "bucket/key". */
  readonly objects = new Map<string, string>();

  constructor(readonly state: FakeAwsState) {
    super();
  }

  protected respond(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const body = raw.toString('utf8');
    const auth = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    const json = (status: number, doc: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...extra });
      res.end(JSON.stringify(doc));
    };
    if (!auth || auth[1] !== AWS_TEST_KEY) return json(403, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    const service = auth[3]!;
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target) {
      const action = target.split('.').pop()!;
      this.calls.push({ service, action });
      return this.jsonApi(action, JSON.parse(body || '{}') as Record<string, unknown>, json);
    }
    const invocation = /^\/endpoints\/([^/]+)\/invocations$/.exec(req.url ?? '');
    if (invocation && service === 'sagemaker') {
      // InvokeEndpoint's TargetModel travels as the X-Amzn-SageMaker-Target-Model header (API_runtime_InvokeEndpoint).
      const targetModel = req.headers['x-amzn-sagemaker-target-model'] as string | undefined;
      this.calls.push({ service: 'sagemaker-runtime', action: 'InvokeEndpoint', ...(targetModel !== undefined ? { targetModel } : {}) });
      if (targetModel !== undefined) {
        res.writeHead(200, { 'content-type': 'text/csv' });
        return void res.end(`${this.state.reply} (${targetModel})`);
      }
      const request = JSON.parse(body) as { messages?: unknown[] };
      if (!Array.isArray(request.messages)) return json(400, { message: 'messages required' });
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-invoked-production-variant': 'AllTraffic' });
      return void res.end(JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: this.state.reply } }] }));
    }
    const streaming = /^\/endpoints\/([^/]+)\/invocations-response-stream$/.exec(req.url ?? '');
    if (streaming && service === 'sagemaker') {
      this.calls.push({ service: 'sagemaker-runtime', action: 'InvokeEndpointWithResponseStream' });
      res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-sagemaker-content-type': 'text/event-stream' });
      for (const word of this.state.reply.split(/(?<= )/)) res.write(payloadPart(`data: ${JSON.stringify({ choices: [{ delta: { content: word } }] })}\n\n`));
      return void res.end(payloadPart('data: [DONE]\n\n'));
    }
    const asyncCall = /^\/endpoints\/([^/]+)\/async-invocations$/.exec(req.url ?? '');
    if (asyncCall && service === 'sagemaker') {
      this.calls.push({ service: 'sagemaker-runtime', action: 'InvokeEndpointAsync' });
      const input = String(req.headers['x-amzn-sagemaker-inputlocation'] ?? '');
      const request = this.objects.get(input.replace(/^s3:\/\//, ''));
      if (request === undefined) return json(400, { message: `cannot read ${input}` }, { 'x-amzn-errortype': 'ValidationError' });
      // The "model" answers asynchronously: the result object appears after the call returns.
      setTimeout(() => this.objects.set('results/out/inf-1.out', JSON.stringify({ echo: JSON.parse(request) as unknown, reply: this.state.reply })), 50);
      return json(202, { InferenceId: 'inf-1' }, { 'x-amzn-sagemaker-outputlocation': 's3://results/out/inf-1.out', 'x-amzn-sagemaker-failurelocation': 's3://results/failed/inf-1.out' });
    }
    if (service === 's3') {
      const key = decodeURIComponent((req.url ?? '/').split('?')[0]!.slice(1));
      this.calls.push({ service, action: req.method === 'PUT' ? 'PutObject' : 'GetObject' });
      if (req.method === 'PUT') {
        this.objects.set(key, body);
        res.writeHead(200, { etag: '"1"' });
        return void res.end();
      }
      const object = this.objects.get(key);
      if (object === undefined) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        return void res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>${key}</Key></Error>`);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(object) });
      return void res.end(object);
    }
    if (service === 'cloudformation') {
      const form = new URLSearchParams(body);
      const action = form.get('Action') ?? '';
      this.calls.push({ service, action });
      return this.queryApi(action, form, res);
    }
    json(404, { message: `no fake for ${req.method} ${req.url}` });
  }

  private jsonApi(action: string, input: Record<string, unknown>, json: (status: number, doc: unknown, extra?: Record<string, string>) => void): void {
    const s = this.state;
    const now = Date.now() / 1000;
    switch (action) {
      case 'DescribeEndpoint':
        return json(200, { EndpointName: input.EndpointName, EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${String(input.EndpointName)}`, EndpointConfigName: s.endpointConfig, EndpointStatus: s.endpointStatus, CreationTime: now, LastModifiedTime: now, ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: s.instances, DesiredInstanceCount: s.instances }] });
      case 'DescribeEndpointConfig':
        return json(200, { EndpointConfigName: input.EndpointConfigName, EndpointConfigArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/x', CreationTime: now, ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'model-1', InstanceType: s.instanceType, InitialInstanceCount: 1 }] });
      case 'DescribeModel':
        // The environment (which would hold resolved secrets) is deliberately not part of the fake's answer.
        return json(200, { ModelName: input.ModelName, ModelArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/model-1', CreationTime: s.modelCreated ?? now, ExecutionRoleArn: 'arn:aws:iam::123456789012:role/r' });
      case 'DescribeSecret': {
        const changed = s.secretsChanged?.[String(input.SecretId)];
        if (changed === undefined) return json(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
        return json(200, { ARN: input.SecretId, Name: 'hf-token', LastChangedDate: changed });
      }
      case 'DescribeScalableTargets':
        return json(200, { ScalableTargets: s.scaling ? [{ ServiceNamespace: 'sagemaker', ResourceId: (input.ResourceIds as string[])[0], ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: s.scaling.min, MaxCapacity: s.scaling.max, RoleARN: 'arn:aws:iam::123456789012:role/r', CreationTime: now }] : [] });
      default:
        return json(400, { __type: 'UnknownOperationException', message: `no fake for ${action}` }, { 'x-amzn-errortype': 'UnknownOperationException' });
    }
  }

  private queryApi(action: string, form: URLSearchParams, res: http.ServerResponse): void {
    const s = this.state;
    const xml = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(text);
    };
    const ns = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
    const stack = form.get('StackName') ?? '';
    if (action === 'DescribeStacks') {
      return xml(200, `<DescribeStacksResponse xmlns="${ns}"><DescribeStacksResult><Stacks><member><StackName>${stack}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${stack}/1</StackId><StackStatus>${s.stackStatus}</StackStatus>${s.stackReason ? `<StackStatusReason>${s.stackReason}</StackStatusReason>` : ''}<CreationTime>2026-11-20T00:00:00Z</CreationTime></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`);
    }
    if (action === 'DescribeStackResources') {
      return xml(200, `<DescribeStackResourcesResponse xmlns="${ns}"><DescribeStackResourcesResult><StackResources><member><StackName>${stack}</StackName><LogicalResourceId>EndpointConfig</LogicalResourceId><PhysicalResourceId>arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/${s.stackConfig.toLowerCase()}</PhysicalResourceId><ResourceType>AWS::SageMaker::EndpointConfig</ResourceType><ResourceStatus>UPDATE_COMPLETE</ResourceStatus><Timestamp>2026-11-20T00:00:00Z</Timestamp></member></StackResources></DescribeStackResourcesResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></DescribeStackResourcesResponse>`);
    }
    xml(400, `<ErrorResponse xmlns="${ns}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>no fake for ${action}</Message></Error><RequestId>r3</RequestId></ErrorResponse>`);
  }
}

/** One `PayloadPart` event in the AWS event stream encoding (prelude + CRC, string headers, payload, message CRC). */
function payloadPart(text: string): Buffer {
  const header = (name: string, value: string) => Buffer.concat([Buffer.from([name.length]), Buffer.from(name), Buffer.from([7]), Buffer.from([value.length >> 8, value.length & 255]), Buffer.from(value)]);
  const headers = Buffer.concat([header(':message-type', 'event'), header(':event-type', 'PayloadPart'), header(':content-type', 'application/octet-stream')]);
  const payload = Buffer.from(text);
  const total = 12 + headers.length + payload.length + 4;
  const prelude = Buffer.alloc(8);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headers.length, 4);
  const preludeCrc = Buffer.alloc(4);
  preludeCrc.writeUInt32BE(crc32(prelude), 0);
  const message = Buffer.concat([prelude, preludeCrc, headers, payload]);
  const messageCrc = Buffer.alloc(4);
  messageCrc.writeUInt32BE(crc32(message), 0);
  return Buffer.concat([message, messageCrc]);
}
