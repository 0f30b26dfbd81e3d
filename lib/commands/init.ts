/**
 * `inferstack init`: a commented starter spec that validates as written, for a model from a short list of
 * well-known open models (their architectures are in lib/catalog/models.ts, so KV-cache sizing works at once).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StarterModel {
  readonly id: string;
  /** The starter deployment's name. */
  readonly name: string;
  readonly title: string;
  readonly family: string;
  readonly parameters: string;
  /** Smallest accelerator the bf16 weights plus a useful KV cache fit on, per target. */
  readonly accelerator: { readonly aws: string; readonly alibaba: string };
  readonly count: number;
  readonly maxContextLength: number;
}

export const STARTER_MODELS: readonly StarterModel[] = [
  { id: 'qwen2.5-7b', name: 'qwen-chat', title: 'Qwen2.5-7B-Instruct', family: 'qwen2', parameters: '7.6B', accelerator: { aws: 'nvidia-a10g', alibaba: 'nvidia-a10' }, count: 1, maxContextLength: 8192 },
  { id: 'qwen2.5-1.5b', name: 'qwen-small-chat', title: 'Qwen2.5-1.5B-Instruct', family: 'qwen2', parameters: '1.5B', accelerator: { aws: 'nvidia-a10g', alibaba: 'nvidia-a10' }, count: 1, maxContextLength: 8192 },
  { id: 'llama3-8b', name: 'llama-chat', title: 'Llama-3.1-8B-Instruct', family: 'llama3', parameters: '8.0B', accelerator: { aws: 'nvidia-a10g', alibaba: 'nvidia-a10' }, count: 1, maxContextLength: 4096 },
  { id: 'mistral-7b', name: 'mistral-chat', title: 'Mistral-7B-Instruct', family: 'mistral', parameters: '7.2B', accelerator: { aws: 'nvidia-a10g', alibaba: 'nvidia-a10' }, count: 1, maxContextLength: 4096 },
];

export type InitTarget = 'aws' | 'alibaba' | 'all';

export interface InitOptions {
  /** @default 'qwen2.5-7b' */
  readonly model?: string;
  /** @default 'all' */
  readonly target?: InitTarget;
  /** Path of the spec to write. @default 'inferstack.yaml' */
  readonly file?: string;
  /** Overwrite an existing file. @default false */
  readonly force?: boolean;
  /** Absolute path of the JSON Schema the editor comment points at. */
  readonly schemaPath: string;
}

export type InitResult =
  | { readonly ok: true; readonly file: string; readonly model: string; readonly targets: readonly string[]; readonly text: string }
  | { readonly ok: false; readonly reason: 'unknown-model' | 'exists'; readonly message: string };

/** The starter spec's text (pure; `init` writes it). */
export function starterSpec(model: StarterModel, target: InitTarget, schemaRef: string): string {
  const aws = target !== 'alibaba';
  const alibaba = target !== 'aws';
  const name = model.name;
  const uri = aws && alibaba
    ? `{ aws: "s3://my-bucket/models/${model.id}/", alibaba: "oss://my-bucket/models/${model.id}/" }`
    : `"${aws ? 's3' : 'oss'}://my-bucket/models/${model.id}/"`;
  const accelerator = aws ? model.accelerator.aws : model.accelerator.alibaba;
  const c = (code: string, comment: string) => `${code.padEnd(41)} # ${comment}`;
  const lines = [
    `# yaml-language-server: $schema=${schemaRef}`,
    `# ${model.title}, OpenAI-compatible chat, written by \`inferstack init\`.`,
    '# Next: put your model files at model.uri, then',
    '#   inferstack validate <this file>   # every problem at once, with how to fix it',
    '#   inferstack plan <this file>       # instance, memory, engine and price per target',
    '#   inferstack synth <this file>      # the CloudFormation templates and/or PAI-EAS service JSON',
    '# Every key is described in the "Spec reference" section of the inferstack README.',
    'version: 1',
    'defaults:',
    '  targets:',
    ...(aws ? [c('    aws: { region: us-east-1 }', 'where SageMaker runs it')] : []),
    ...(alibaba ? [c('    alibaba: { region: cn-hangzhou }', 'where PAI-EAS runs it')] : []),
    'deployments:',
    c(`  ${name}:`, 'the endpoint / service name on the clouds'),
    '    model:',
    c(`      uri: ${uri}`, 'replace with where your weights are'),
    c('      format: huggingface', 'a Hugging Face model folder (config.json + safetensors)'),
    '      task: text-generation',
    `      family: ${model.family}`,
    c(`      parameters: ${model.parameters}`, 'sizes the accelerator memory (weights + KV cache)'),
    '      dtype: bf16',
    c('    engine: auto', 'picked per target; `inferstack plan` says which and why'),
    '    llm:',
    `      maxContextLength: ${model.maxContextLength}`,
    '      maxConcurrentSequences: 8',
    '    resources:',
    c(`      accelerator: ${accelerator}`, 'or auto: the cheapest instance that fits'),
    `      count: ${model.count}`,
    '    scaling:',
    '      min: 1',
    '      max: 2',
    c('      metric: qps', 'requests per second per instance; both clouds scale on it'),
    '      target: 4',
    c('    targets:', 'the clouds this deployment goes to'),
    ...(aws ? ['      aws: {}'] : []),
    ...(alibaba ? ['      alibaba: {}'] : []),
    '',
  ];
  return lines.join('\n');
}

export function init(options: InitOptions): InitResult {
  const modelId = options.model ?? 'qwen2.5-7b';
  const model = STARTER_MODELS.find((m) => m.id === modelId);
  if (!model) return { ok: false, reason: 'unknown-model', message: `unknown model "${modelId}"; known: ${STARTER_MODELS.map((m) => m.id).join(', ')}` };
  const target = options.target ?? 'all';
  const file = options.file ?? 'inferstack.yaml';
  if (fs.existsSync(file) && !options.force) {
    return { ok: false, reason: 'exists', message: `${file} already exists; choose another name with --out FILE, or overwrite it with --force` };
  }
  const relative = path.relative(path.dirname(path.resolve(file)), options.schemaPath).split(path.sep).join('/');
  const text = starterSpec(model, target, relative);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
  return { ok: true, file, model: model.id, targets: target === 'all' ? ['aws', 'alibaba'] : [target], text };
}
