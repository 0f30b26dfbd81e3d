/** Model stage: where the weights are, what they are, and how they are quantized. */
import { knownArchitecture } from '../catalog/models';
import { Diagnostics } from '../diagnostics/registry';
import type { ModelIR, QuantizationIR, UriKind } from '../ir';
import type { Architecture, QuantMethod, WeightDtype } from '../sizing';
import type { DeploymentSpec, TargetName } from '../spec/schema';
import { parseCount } from '../spec/units';
import { DeploymentContext, pick } from './context';

export function uriKind(uri: string): UriKind {
  if (uri.startsWith('s3://')) return uri.endsWith('.tar.gz') ? 's3-object' : 's3-prefix';
  if (uri.startsWith('oss://')) return 'oss';
  if (uri.startsWith('nas://') || uri.startsWith('nfs://')) return 'nas';
  if (uri.startsWith('http://') || uri.startsWith('https://')) return 'http';
  return 'hub';
}

export function normalizeModel(d: DeploymentSpec, ctx: DeploymentContext): ModelIR | undefined {
  const m = d.model ?? {};
  const uri = pick(m.uri, ctx.target);
  if (!uri) {
    ctx.report(Diagnostics.MissingModelUri, ['model', 'uri'], {
      hint: ctx.target === 'aws' ? 'set model.uri to s3://bucket/prefix/ (or { aws: ..., alibaba: ... })' : 'set model.uri to oss://bucket/dir/ (or { aws: ..., alibaba: ... })',
    });
    return undefined;
  }
  const kind = uriKind(uri);
  const readable: Record<TargetName, UriKind[]> = { aws: ['s3-object', 's3-prefix', 'hub'], alibaba: ['oss', 'nas', 'hub', 'http'] };
  if (!readable[ctx.target].includes(kind)) {
    ctx.report(Diagnostics.UriSchemeMismatch, ['model', 'uri'], {
      args: { uri },
      found: uri,
      allowed: ctx.target === 'aws' ? 's3:// or a Hugging Face hub id' : 'oss://, nas:// or a hub id',
      hint: `give a per-target value: uri: { aws: "s3://...", alibaba: "oss://..." }`,
    });
  }
  const task = m.task ?? 'other';
  const format = m.format ?? (task === 'text-generation' ? 'huggingface' : 'custom');
  let parameters: number | undefined;
  if (m.parameters !== undefined) {
    parameters = parseCount(m.parameters);
    if (!Number.isFinite(parameters) || parameters > 1e13) {
      ctx.report(Diagnostics.ParametersUnsafe, ['model', 'parameters'], { found: m.parameters, allowed: 'up to 10T', hint: 'write the count with a suffix, e.g. 7.6B' });
      parameters = undefined;
    }
  }
  const generative = task === 'text-generation';
  if (generative && parameters === undefined) {
    ctx.report(Diagnostics.MissingParameters, ['model'], { hint: 'add model.parameters, e.g. "parameters: 7.6B"; it sizes memory and instances' });
  }
  const known = knownArchitecture(m.family, parameters);
  // The spec's architecture wins; a known model fills what it leaves out (hidden size, vocabulary, MLP width).
  const fromCatalog = known
    ? { layers: known.layers, kvHeads: known.kvHeads, headDim: known.headDim, attentionHeads: known.attentionHeads, hiddenSize: known.hiddenSize!, intermediateSize: known.intermediateSize!, vocabSize: known.vocabSize!, tiedEmbeddings: known.tiedEmbeddings! }
    : undefined;
  const architecture: Architecture | undefined = m.architecture ? { ...(sameShape(fromCatalog, m.architecture) ? fromCatalog : {}), ...m.architecture } : fromCatalog;
  const architectureSource: 'spec' | 'catalog' | undefined = m.architecture ? 'spec' : fromCatalog ? 'catalog' : undefined;
  return {
    uri,
    uriKind: kind,
    format,
    task,
    generative,
    ...(m.family ? { family: m.family } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    dtype: (m.dtype ?? (generative ? 'bf16' : 'fp32')) as WeightDtype,
    ...(architecture ? { architecture } : {}),
    ...(architectureSource ? { architectureSource } : {}),
    ...(m.entryPoint ? { entryPoint: m.entryPoint } : {}),
    ...(m.frameworkVersion ? { frameworkVersion: m.frameworkVersion } : {}),
    trustRemoteCode: m.trustRemoteCode ?? false,
  };
}

export function normalizeQuantization(d: DeploymentSpec): QuantizationIR {
  const q = d.acceleration?.quantization;
  if (q === undefined) return { method: 'none', weightsOnly: true, preQuantized: false };
  // `quantization: awq` asks for AWQ weights; `preQuantized: true` says the checkpoint at model.uri already has them.
  if (typeof q === 'string') return { method: q as QuantMethod, weightsOnly: q !== 'fp8' && q !== 'smoothquant', preQuantized: false };
  return {
    method: q.method as QuantMethod,
    weightsOnly: q.weightsOnly ?? (q.method !== 'fp8' && q.method !== 'smoothquant'),
    preQuantized: q.preQuantized ?? false,
    ...(q.calibrationData ? { calibrationData: q.calibrationData } : {}),
  };
}

/** The catalog row describes the same model as the spec's architecture (same layers, KV heads, head size). */
function sameShape(known: Architecture | undefined, given: { layers: number; kvHeads: number; headDim: number }): boolean {
  return !!known && known.layers === given.layers && known.kvHeads === given.kvHeads && known.headDim === given.headDim;
}
