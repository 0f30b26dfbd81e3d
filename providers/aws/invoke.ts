/**
 * `inferstack invoke` on SageMaker through the runtime API (@aws-sdk/client-sagemaker-runtime): InvokeEndpoint,
 * InvokeEndpointWithResponseStream for `--stream` (PayloadPart events), and for asynchronous endpoints an upload of
 * the request to S3, InvokeEndpointAsync, then a wait for the output (or failure) object it names. Scale-to-zero
 * deployments are invoked through their inference component (InferenceComponentName), multi-model endpoints with
 * TargetModel (the archive's path relative to the endpoint's S3 prefix, header X-Amzn-SageMaker-Target-Model).
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html (and ..._InvokeEndpointAsync,
 * ..._InvokeEndpointWithResponseStream).
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { InvokeEndpointAsyncCommand, InvokeEndpointCommand, InvokeEndpointWithResponseStreamCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { randomUUID } from 'node:crypto';
import type { InvokeCallOptions, InvokeOutcome, InvokeProvider, InvokeRequest } from '../../lib/commands/invoke';
import { defaultAnswerWaitMs, excerptOf, INVOKE_WAIT, StreamText } from '../../lib/commands/invoke';
import type { DeploymentIR } from '../../lib/ir';
import { awsErrorText, endpointNameFor, inferenceComponentNameFor } from './status';

export interface AwsInvokeOptions {
  /**
   * How long a synchronous request may take (a call's `timeoutMs` wins). InvokeEndpoint answers within 60 s or fails
   * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html), so 2 min never cuts
   * an answer short; a streamed answer ends when SageMaker says so (ModelInvocationTimeExceeded), hence 15 min.
   * @default 120000 (900000 for a streamed answer)
   */
  readonly timeoutMs?: number;
  /** How long to wait for an asynchronous result. @default 900000 (15 min) */
  readonly asyncTimeoutMs?: number;
  /** Polling interval for the async output object. @default 5000 */
  readonly pollIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

function parseS3(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1]!, key: m[2]! } : undefined;
}

export class AwsInvokeProvider implements InvokeProvider {
  private readonly runtimes = new Map<string, SageMakerRuntimeClient>();
  private readonly s3s = new Map<string, S3Client>();

  constructor(private readonly options: AwsInvokeOptions = {}) {}

  private runtime(region: string): SageMakerRuntimeClient {
    if (!this.runtimes.has(region)) this.runtimes.set(region, new SageMakerRuntimeClient({ region }));
    return this.runtimes.get(region)!;
  }

  private s3(region: string): S3Client {
    if (!this.s3s.has(region)) this.s3s.set(region, new S3Client({ region }));
    return this.s3s.get(region)!;
  }

  async invoke(ir: DeploymentIR, request: InvokeRequest, opts: InvokeCallOptions): Promise<InvokeOutcome> {
    const base = { deployment: ir.name, target: 'aws' as const };
    if (ir.mode === 'multi-model' && !opts.targetModel) return { ...base, ok: false, error: 'a multi-model endpoint serves many models: name one with --model (or list them under multiModel.models)' };
    const started = performance.now();
    try {
      if (ir.async) return await this.invokeAsync(ir, request, opts, started);
      const region = ir.aws!.region;
      const common = {
        EndpointName: endpointNameFor(ir),
        ContentType: request.contentType,
        Body: request.body,
        ...(inferenceComponentNameFor(ir) ? { InferenceComponentName: inferenceComponentNameFor(ir) } : {}),
        ...(ir.mode === 'multi-model' ? { TargetModel: opts.targetModel } : {}),
      };
      // --timeout bounds a synchronous call too (the SDK's abortSignal request option), streamed answers included.
      const bounded = { abortSignal: AbortSignal.timeout(opts.timeoutMs ?? this.options.timeoutMs ?? defaultAnswerWaitMs(request.stream)) };
      if (request.stream) {
        const r = await this.runtime(region).send(new InvokeEndpointWithResponseStreamCommand({ ...common, Accept: 'text/event-stream' }), bounded);
        const parser = new StreamText();
        const decoder = new TextDecoder();
        let text = '';
        for await (const event of r.Body ?? []) {
          if (event.ModelStreamError) throw Object.assign(new Error(event.ModelStreamError.Message ?? 'model stream error'), { name: 'ModelStreamError' });
          if (event.InternalStreamFailure) throw Object.assign(new Error(event.InternalStreamFailure.message ?? 'internal stream failure'), { name: 'InternalStreamFailure' });
          const delta = event.PayloadPart?.Bytes ? parser.push(decoder.decode(event.PayloadPart.Bytes, { stream: true })) : '';
          if (delta) {
            text += delta;
            opts.onText?.(delta);
          }
        }
        const rest = parser.flush();
        if (rest) {
          text += rest;
          opts.onText?.(rest);
        }
        return { ...base, ok: true, httpStatus: 200, latencyMs: Math.round(performance.now() - started), excerpt: excerptOf('raw', text), output: text };
      }
      const r = await this.runtime(region).send(new InvokeEndpointCommand({ ...common, Accept: 'application/json' }), bounded);
      const text = new TextDecoder().decode(r.Body ?? new Uint8Array());
      return { ...base, ok: true, httpStatus: 200, latencyMs: Math.round(performance.now() - started), excerpt: excerptOf(request.kind, text), output: text };
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number }; OriginalStatusCode?: number }).OriginalStatusCode ?? (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      return { ...base, ok: false, ...(status ? { httpStatus: status } : {}), latencyMs: Math.round(performance.now() - started), error: awsErrorText(err) };
    }
  }

  private async invokeAsync(ir: DeploymentIR, request: InvokeRequest, opts: InvokeCallOptions, started: number): Promise<InvokeOutcome> {
    const base = { deployment: ir.name, target: 'aws' as const };
    const inputPrefix = opts.inputLocation ?? ir.async?.input;
    const prefix = inputPrefix ? parseS3(inputPrefix) : undefined;
    if (!prefix) return { ...base, ok: false, error: 'an asynchronous endpoint reads its request from S3: set async.input in the spec or pass --input-location s3://bucket/prefix/ (the execution role must be able to read it)' };
    const region = ir.aws!.region;
    const key = `${prefix.key.replace(/\/?$/, prefix.key ? '/' : '')}inferstack-invoke-${randomUUID()}.json`;
    await this.s3(region).send(new PutObjectCommand({ Bucket: prefix.bucket, Key: key, Body: request.body, ContentType: request.contentType }));
    const r = await this.runtime(region).send(new InvokeEndpointAsyncCommand({ EndpointName: endpointNameFor(ir), InputLocation: `s3://${prefix.bucket}/${key}`, ContentType: request.contentType }));
    const output = r.OutputLocation ? parseS3(r.OutputLocation) : undefined;
    const failure = r.FailureLocation ? parseS3(r.FailureLocation) : undefined;
    if (!output) return { ...base, ok: false, error: `InvokeEndpointAsync returned no OutputLocation (inference ${r.InferenceId ?? 'unknown'})` };
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((res) => setTimeout(res, ms)));
    const waitMs = opts.timeoutMs ?? this.options.asyncTimeoutMs ?? INVOKE_WAIT.longMs;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const result = await this.readIfPresent(region, output);
      if (result !== undefined) return { ...base, ok: true, latencyMs: Math.round(performance.now() - started), excerpt: excerptOf(request.kind, result), output: result, outputLocation: r.OutputLocation! };
      const failed = failure ? await this.readIfPresent(region, failure) : undefined;
      if (failed !== undefined) return { ...base, ok: false, latencyMs: Math.round(performance.now() - started), error: `the endpoint wrote a failure to ${r.FailureLocation}: ${excerptOf('raw', failed, 200)}`, outputLocation: r.FailureLocation! };
      if (Date.now() >= deadline) return { ...base, ok: false, error: `no result at ${r.OutputLocation} within ${Math.round(waitMs / 1000)}s (inference ${r.InferenceId ?? 'unknown'}); it may still arrive` };
      await sleep(opts.pollIntervalMs ?? this.options.pollIntervalMs ?? INVOKE_WAIT.pollIntervalMs);
    }
  }

  private async readIfPresent(region: string, location: { bucket: string; key: string }): Promise<string | undefined> {
    try {
      const r = await this.s3(region).send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
      return (await r.Body?.transformToString()) ?? '';
    } catch (err) {
      if (/NoSuchKey|NotFound/.test((err as { name?: string }).name ?? '')) return undefined;
      throw err;
    }
  }
}
