/**
 * `inferstack invoke SPEC`: one request to a deployment in the format its engine takes, or (`--smoke`) one minimal
 * request per deployment and target. The request is built here, provider-agnostic; sending it is a provider's job
 * (providers/aws/invoke.ts: SageMaker runtime; providers/alibaba/invoke.ts: PAI-EAS over HTTPS with the service
 * token, which is never printed).
 *
 * Request formats (checked 2026-11-25):
 * - OpenAI chat completions for vLLM, SGLang, BladeLLM (`/v1/chat/completions` on PAI-EAS); on SageMaker the
 *   `/invocations` route takes the same body: LMI treats a request with "messages" as a chat completion
 *   (deepjavalibrary/djl-serving serving/docs/lmi/user_guides/chat_input_output_schema.md) and TGI's Messages API
 *   is served on SageMaker's /invocations (huggingface/text-generation-inference docs/source/reference/api_reference.md,
 *   "Amazon SageMaker"). Streams arrive as server-sent events (`data: {...}`) or, from LMI, JSON lines.
 * - TEI: `{"inputs": ...}` (huggingface/text-embeddings-inference, the /embed route that /invocations maps to).
 * - framework, triton and custom containers: the body exactly as given.
 */
import type { Diagnostic } from '../diagnostics/diagnostic';
import { runDiagnostic } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentIR } from '../ir';
import type { TargetName } from '../spec/schema';
import { ProviderLoaders, selectDeployments } from './status';

export type RequestKind = 'chat' | 'embedding' | 'raw';

export interface InvokeRequest {
  readonly kind: RequestKind;
  /** Path under the service endpoint on PAI-EAS ('' = the endpoint itself); SageMaker always uses /invocations. */
  readonly path: string;
  readonly contentType: string;
  readonly body: Uint8Array;
  readonly stream: boolean;
}

export interface InvokeOutcome {
  readonly deployment: string;
  readonly target: TargetName;
  readonly ok: boolean;
  /** The request's format. */
  readonly kind?: RequestKind;
  /** HTTP status of the answer, when there was one. */
  readonly httpStatus?: number;
  readonly latencyMs?: number;
  /** The generated text, embedding summary or raw body (cut), for humans. */
  readonly excerpt?: string;
  /** The full response body text (not for --smoke). */
  readonly output?: string;
  readonly error?: string;
  /** Where an asynchronous result was read from. */
  readonly outputLocation?: string;
  /** The model a multi-model endpoint was asked for (InvokeEndpoint TargetModel). */
  readonly targetModel?: string;
  /** How the model was chosen: --model, or the first of multiModel.models. */
  readonly targetModelFrom?: 'flag' | 'spec-first';
}

/** What a provider is told besides the request. */
export interface InvokeCallOptions {
  readonly onText?: (text: string) => void;
  /** SageMaker async: where to upload the request (else async.input). */
  readonly inputLocation?: string;
  /** How long to wait for the answer, an asynchronous result included; the provider's default when unset. */
  readonly timeoutMs?: number;
  /** How often to look for an asynchronous result; the provider's default when unset. */
  readonly pollIntervalMs?: number;
  /** Multi-model endpoints: the model to call. */
  readonly targetModel?: string;
}

export interface InvokeProvider {
  invoke(ir: DeploymentIR, request: InvokeRequest, options: InvokeCallOptions): Promise<InvokeOutcome>;
}

const CHAT_ENGINES = new Set(['vllm', 'sglang', 'bladellm', 'lmi', 'tgi', 'tensorrt-llm']);
export const SMOKE_PROMPT = 'Say OK.';

/**
 * How long `invoke` waits by default on both clouds (`--timeout` and `--poll-interval` override it): a request
 * 2 min (SageMaker's InvokeEndpoint answers within 60 s or fails), a streamed answer or an asynchronous result
 * 15 min, polled every 5 s.
 */
export const INVOKE_WAIT = { requestMs: 120_000, longMs: 900_000, pollIntervalMs: 5_000 } as const;

/** The default wait for one answer: long for a streamed answer, which may run for minutes. */
export function defaultAnswerWaitMs(stream: boolean | undefined): number {
  return stream ? INVOKE_WAIT.longMs : INVOKE_WAIT.requestMs;
}
const encoder = new TextEncoder();

export function requestKind(ir: DeploymentIR): RequestKind {
  if (CHAT_ENGINES.has(ir.engine.name) && ir.model.generative) return 'chat';
  if (ir.engine.name === 'tei') return 'embedding';
  return 'raw';
}

/** The served model name the OpenAI-compatible servers expect in "model" (vLLM/SGLang get --served-model-name). */
function modelField(ir: DeploymentIR): string {
  return ir.engine.name === 'tgi' ? 'tgi' : ir.name;
}

export interface RequestInput {
  readonly prompt?: string;
  readonly body?: Uint8Array;
  readonly stream?: boolean;
  readonly maxTokens?: number;
}

/** The request for a deployment, or why none can be built. */
export function buildRequest(ir: DeploymentIR, input: RequestInput): InvokeRequest | { readonly error: 'needs-body' } {
  const kind = requestKind(ir);
  if (input.body) return { kind, path: kind === 'chat' ? '/v1/chat/completions' : '', contentType: 'application/json', body: input.body, stream: !!input.stream && kind === 'chat' };
  const prompt = input.prompt ?? SMOKE_PROMPT;
  if (kind === 'chat') {
    const stream = !!input.stream;
    const body = { model: modelField(ir), messages: [{ role: 'user', content: prompt }], max_tokens: input.maxTokens ?? 64, stream };
    return { kind, path: '/v1/chat/completions', contentType: 'application/json', body: encoder.encode(JSON.stringify(body)), stream };
  }
  if (kind === 'embedding') return { kind, path: '/embed', contentType: 'application/json', body: encoder.encode(JSON.stringify({ inputs: prompt })), stream: false };
  return { error: 'needs-body' };
}

/** The text of a streamed chunk: SSE `data:` lines or JSON lines with choices[].delta.content (or TGI's token.text). */
export class StreamText {
  private pending = '';

  push(chunk: string): string {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    return lines.map(deltaOf).join('');
  }

  flush(): string {
    const rest = deltaOf(this.pending);
    this.pending = '';
    return rest;
  }
}

function deltaOf(line: string): string {
  const data = line.trim().replace(/^data:\s*/, '');
  if (!data || data === '[DONE]' || !data.startsWith('{')) return '';
  try {
    const doc = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string }; text?: string }>; token?: { text?: string } };
    return doc.choices?.[0]?.delta?.content ?? doc.choices?.[0]?.text ?? doc.token?.text ?? '';
  } catch {
    return '';
  }
}

/** What the answer says, briefly: the generated text, an embedding's size, or the body. */
export function excerptOf(kind: RequestKind, text: string, max = 120): string {
  let excerpt = text;
  try {
    const doc = JSON.parse(text) as unknown;
    if (kind === 'chat') {
      const d = doc as { choices?: Array<{ message?: { content?: string }; text?: string }>; generated_text?: string } | Array<{ generated_text?: string }>;
      excerpt = Array.isArray(d) ? (d[0]?.generated_text ?? text) : (d.choices?.[0]?.message?.content ?? d.choices?.[0]?.text ?? d.generated_text ?? text);
    } else if (kind === 'embedding') {
      const vectors = (Array.isArray(doc) ? doc : (doc as { data?: Array<{ embedding: number[] }> }).data?.map((x) => x.embedding) ?? []) as unknown[];
      const first = vectors[0];
      if (Array.isArray(first)) excerpt = `${vectors.length} embedding(s) of ${first.length} dimensions`;
      else if (typeof first === 'number') excerpt = `1 embedding of ${vectors.length} dimensions`;
    }
  } catch {
    /* not JSON: the body as it is */
  }
  const oneLine = excerpt.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export interface InvokeOptions {
  readonly target?: TargetName;
  readonly deployment?: string;
  readonly prompt?: string;
  readonly body?: Uint8Array;
  readonly stream?: boolean;
  readonly smoke?: boolean;
  readonly inputLocation?: string;
  /** Multi-model endpoints: which of multiModel.models to call (default: the first). */
  readonly model?: string;
  readonly timeoutMs?: number;
  readonly pollIntervalMs?: number;
  readonly onText?: (deployment: string, target: TargetName, text: string) => void;
  readonly providers: ProviderLoaders<InvokeProvider>;
}

export interface InvokeResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly outcomes: readonly InvokeOutcome[];
}

function needsBody(spec: string, ir: DeploymentIR): Diagnostic {
  return runDiagnostic(spec, Diagnostics.InvokeNeedsBody, { deployment: ir.name, engine: ir.engine.name }, { hint: 'give the request body with --body FILE (or --body - for stdin); --smoke uses it for such deployments too' });
}

/** SageMaker asynchronous endpoints read the request from S3: somewhere to upload it must be known. */
function needsInputLocation(spec: string, ir: DeploymentIR, inputLocation: string | undefined): Diagnostic | undefined {
  if (ir.target !== 'aws' || !ir.async || ir.async.input || inputLocation) return undefined;
  return runDiagnostic(spec, Diagnostics.InvokeAsyncInput, { deployment: ir.name }, { hint: 'set async.input in the spec, or pass --input-location s3://bucket/prefix/ (the execution role must be able to read it)' });
}

type ModelChoice = { readonly targetModel?: string; readonly targetModelFrom?: 'flag' | 'spec-first' };

/**
 * The TargetModel of a multi-model endpoint: --model when it is one of multiModel.models (or when the spec lists
 * none, as given), else the first listed model. InvokeEndpoint's TargetModel is the archive's path relative to the
 * endpoint's S3 prefix (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html).
 */
export function chooseTargetModel(spec: string, ir: DeploymentIR, requested: string | undefined): ModelChoice | Diagnostic {
  if (ir.mode !== 'multi-model') {
    if (requested === undefined) return {};
    return runDiagnostic(spec, Diagnostics.InvokeModelNotMultiModel, { deployment: ir.name, mode: ir.mode, target: ir.target }, { hint: 'drop --model; it names one model of a multi-model endpoint (mode: multi-model)' });
  }
  const models = ir.multiModel?.models ?? [];
  if (requested !== undefined) {
    if (models.length > 0 && !models.includes(requested)) {
      return runDiagnostic(spec, Diagnostics.InvokeUnknownModel, { deployment: ir.name, found: requested }, { allowed: models.join(', '), hint: `pass one of the listed models, or add "${requested}" to multiModel.models` });
    }
    return { targetModel: requested, targetModelFrom: 'flag' };
  }
  if (models.length === 0) {
    return runDiagnostic(spec, Diagnostics.InvokeNeedsModel, { deployment: ir.name }, { hint: 'list the archives under multiModel.models (e.g. [customer-a.tar.gz]), or pass --model NAME (a path relative to model.uri)' });
  }
  return { targetModel: models[0]!, targetModelFrom: 'spec-first' };
}

/** An asynchronous deployment answers once, whole: --stream cannot be honoured (never dropped silently). */
function streamOfAsync(spec: string, ir: DeploymentIR, request: InvokeRequest): Diagnostic | undefined {
  if (!request.stream || ir.mode !== 'async') return undefined;
  return runDiagnostic(spec, Diagnostics.InvokeStreamAsync, { deployment: ir.name, target: ir.target }, { hint: 'drop --stream; the whole answer is printed when the result arrives' });
}

/** Invokes one deployment (on each selected target), or every deployment with `smoke`. */
export async function invoke(spec: string, options: InvokeOptions): Promise<InvokeResult> {
  const selection = selectDeployments(spec, options.target ? [options.target] : undefined, options.deployment ? [options.deployment] : []);
  if (!selection.ok) return { file: spec, ok: false, diagnostics: selection.diagnostics, outcomes: [] };
  const outcomes: InvokeOutcome[] = [];
  const diagnostics: Diagnostic[] = [...selection.diagnostics];
  const providers = new Map<TargetName, InvokeProvider>();
  for (const ir of selection.deployments) {
    // A smoke run's --body is for the containers whose format is not known; the others get their minimal request.
    const body = options.body && (!options.smoke || requestKind(ir) === 'raw') ? options.body : undefined;
    const request = buildRequest(ir, { ...(options.prompt !== undefined ? { prompt: options.prompt } : {}), ...(body ? { body } : {}), stream: !!options.stream && !options.smoke, ...(options.smoke ? { maxTokens: 8 } : {}) });
    const choice = chooseTargetModel(spec, ir, options.model);
    const problem = 'error' in request ? needsBody(spec, ir) : 'code' in choice ? choice : (needsInputLocation(spec, ir, options.inputLocation) ?? streamOfAsync(spec, ir, request));
    if (problem || 'error' in request || 'code' in choice) {
      // One request: stop with the diagnostic. A smoke run: a failed row, and the others still run.
      if (!options.smoke) return { file: spec, ok: false, diagnostics: [...diagnostics, ...(problem ? [problem] : [])], outcomes };
      outcomes.push({ deployment: ir.name, target: ir.target, ok: false, error: problem ? `${problem.code}: ${problem.message}` : 'no request' });
      continue;
    }
    let provider = providers.get(ir.target);
    if (!provider) {
      const load = options.providers[ir.target];
      if (!load) throw new Error(`no invoke provider for ${ir.target}`);
      provider = await load();
      providers.set(ir.target, provider);
    }
    const onText = options.onText;
    const call: InvokeCallOptions = {
      ...(onText && request.stream ? { onText: (t: string) => onText(ir.name, ir.target, t) } : {}),
      ...(options.inputLocation ? { inputLocation: options.inputLocation } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
      ...(choice.targetModel !== undefined ? { targetModel: choice.targetModel } : {}),
    };
    outcomes.push({ kind: request.kind, ...choice, ...(await provider.invoke(ir, request, call)) });
  }
  return { file: spec, ok: outcomes.length > 0 && outcomes.every((o) => o.ok), diagnostics, outcomes };
}

/** The answer for a person: a chat's generated text, otherwise the body as received. */
export function answerText(kind: RequestKind, text: string): string {
  if (kind !== 'chat') return text;
  try {
    const d = JSON.parse(text) as { choices?: Array<{ message?: { content?: string }; text?: string }> };
    return d.choices?.[0]?.message?.content ?? d.choices?.[0]?.text ?? text;
  } catch {
    return text;
  }
}
