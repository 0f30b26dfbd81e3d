/** Feature stages: each returns one optional part of the IR from its part of the spec. */
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentIR, LlmIR, ModelIR } from '../ir';
import type { DeploymentSpec, TargetName } from '../spec/schema';
import { parseDurationSeconds, parseSizeBytes } from '../spec/units';
import { DeploymentContext, pick } from './context';

const GIB = 1024 ** 3;

export function normalizeLlm(d: DeploymentSpec, model: ModelIR, ctx: DeploymentContext): LlmIR | undefined {
  if (!model.generative && d.llm) {
    ctx.report(Diagnostics.SettingIgnored, ['llm'], { atKey: true, args: { setting: 'llm', reason: 'the model is not generative (model.task is not text-generation)' }, hint: 'remove llm, or set model.task: text-generation' });
  }
  if (model.generative && d.batching) {
    ctx.report(Diagnostics.SettingIgnored, ['batching'], {
      atKey: true,
      args: { setting: 'batching', reason: 'generative engines batch continuously; dynamic batching applies to non-generative models' },
      hint: 'remove batching; tune llm.maxConcurrentSequences instead',
    });
  }
  if (!model.generative) return undefined;
  const llmSpec = d.llm ?? {};
  return {
    maxContextLength: llmSpec.maxContextLength ?? 4096,
    maxConcurrentSequences: llmSpec.maxConcurrentSequences ?? 16,
    prefixCaching: llmSpec.prefixCaching ?? true,
    gpuMemoryUtilization: llmSpec.gpuMemoryUtilization ?? 0.9,
    ...(llmSpec.maxBatchedTokens !== undefined ? { maxBatchedTokens: llmSpec.maxBatchedTokens } : {}),
  };
}

export function batchingIR(d: DeploymentSpec): Pick<DeploymentIR, 'batching'> {
  if (!d.batching) return {};
  return { batching: { maxBatchSize: d.batching.maxBatchSize, maxDelayMs: Math.round(parseDurationSeconds(d.batching.maxDelay ?? '50ms') * 1000) } };
}

export function compileIR(d: DeploymentSpec): Pick<DeploymentIR, 'compile'> {
  const c = d.acceleration?.compile;
  if (!c) return {};
  return {
    compile: {
      compiler: c.compiler,
      ...(c.framework ? { framework: c.framework } : {}),
      ...(c.frameworkVersion ? { frameworkVersion: c.frameworkVersion } : {}),
      ...(c.inputShape ? { inputShape: c.inputShape } : {}),
      ...(c.target ? { target: c.target } : {}),
      ...(c.compilerOptions ? { compilerOptions: c.compilerOptions } : {}),
      maxRuntimeSeconds: c.maxRuntime ? parseDurationSeconds(c.maxRuntime) : 900,
      ...(c.output ? { output: c.output } : {}),
    },
  };
}

export function speculativeIR(d: DeploymentSpec): Pick<DeploymentIR, 'speculative'> {
  const s = d.acceleration?.speculativeDecoding;
  if (!s) return {};
  return {
    speculative: {
      method: s.method ?? (s.draftModel ? 'draft' : 'eagle'),
      ...(s.draftModel ? { draftModel: s.draftModel } : {}),
      tokens: s.tokens ?? 4,
    },
  };
}

export function serverlessIR(d: DeploymentSpec): Pick<DeploymentIR, 'serverless'> {
  const s = d.serverless;
  if (!s) return {};
  return {
    serverless: {
      memoryMb: Math.round(parseSizeBytes(s.memory) / 1024 ** 2),
      maxConcurrency: s.maxConcurrency,
      ...(s.provisionedConcurrency !== undefined ? { provisionedConcurrency: s.provisionedConcurrency } : {}),
    },
  };
}

export function asyncIR(d: DeploymentSpec): Pick<DeploymentIR, 'async'> {
  const a = d.async;
  if (!a?.output) return {};
  return {
    async: {
      ...(a.input ? { input: a.input } : {}),
      output: a.output,
      ...(a.failure ? { failure: a.failure } : {}),
      ...(a.notify?.success ? { notifySuccess: a.notify.success } : {}),
      ...(a.notify?.error ? { notifyError: a.notify.error } : {}),
      ...(a.maxConcurrentPerInstance ? { maxConcurrentPerInstance: a.maxConcurrentPerInstance } : {}),
    },
  };
}

/** The models a multi-model endpoint serves (kept only in multi-model mode; rules-aws warns otherwise). */
export function multiModelIR(d: DeploymentSpec): Pick<DeploymentIR, 'multiModel'> {
  return d.multiModel && d.mode === 'multi-model' ? { multiModel: { models: [...d.multiModel.models] } } : {};
}

export function pipelineIR(d: DeploymentSpec, target: TargetName): Pick<DeploymentIR, 'pipeline'> {
  if (!d.pipeline) return {};
  return {
    pipeline: d.pipeline.map((step) => {
      if (step === 'model') return { name: 'model', env: {}, isModel: true };
      const image = pick(step.image, target);
      return {
        name: step.name,
        ...(image ? { image } : {}),
        env: Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v)])),
        ...(step.modelUri ? { modelUri: step.modelUri } : {}),
        isModel: false,
      };
    }),
  };
}

/** Startup and download timeouts sized to the model, so LLMs get long ones (startup probes, SageMaker health check). */
export function timeoutsIR(d: DeploymentSpec, model: ModelIR, weightsBytes: number | undefined): DeploymentIR['timeouts'] {
  const estimated = weightsBytes ? Math.min(3600, Math.max(600, Math.ceil(600 + (weightsBytes / GIB) * 20))) : model.generative ? 900 : 600;
  const startupTimeout = d.container?.healthCheck?.startupTimeout;
  const startupSeconds = startupTimeout ? parseDurationSeconds(startupTimeout) : estimated;
  return { startupSeconds, downloadSeconds: startupSeconds };
}
