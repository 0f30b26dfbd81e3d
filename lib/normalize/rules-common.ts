/** Checks that hold on every target: quantization, KV cache and speculative decoding against the engine. */
import { ENGINE_CAPABILITIES } from '../catalog/engines';
import { SpecPath } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { DeploymentContext } from './context';

export function checkCommon(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  const caps = ENGINE_CAPABILITIES[ir.engine.name];
  const q = ir.quantization;
  const qPath: SpecPath = ['acceleration', 'quantization'];
  if (q.method !== 'none') {
    if (!ir.model.generative && ir.engine.name !== 'custom') {
      ctx.report(Diagnostics.QuantizationEngine, qPath, {
        args: { method: q.method, engine: ir.engine.name, reason: 'quantization is applied by LLM engines; quantize classic models before packaging, or compile them (acceleration.compile)' },
        hint: 'remove acceleration.quantization',
      });
    } else if (ir.model.generative) {
      const runtime = caps.runtimeQuantization.includes(q.method);
      const pre = caps.preQuantized.includes(q.method);
      const aheadOfTime = ir.target === 'aws' && ['awq', 'fp8', 'smoothquant'].includes(q.method) && !q.preQuantized && ['lmi', 'vllm', 'tensorrt-llm'].includes(ir.engine.name);
      if (q.preQuantized ? !pre : !(runtime || aheadOfTime)) {
        const ways = [
          caps.preQuantized.length ? `pre-quantized checkpoints: ${caps.preQuantized.join(', ')}` : '',
          caps.runtimeQuantization.length ? `quantized at load: ${caps.runtimeQuantization.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        ctx.report(Diagnostics.QuantizationEngine, qPath, {
          args: {
            method: q.method,
            engine: ir.engine.name,
            reason: q.preQuantized ? 'the engine cannot load this format' : ir.engine.name === 'bladellm' ? 'BladeLLM quantizes offline with blade_llm_quantize' : 'the engine cannot produce it at load time',
          },
          allowed: ways || 'none',
          hint: q.preQuantized ? 'use a format the engine loads' : 'quantize offline and set { method: ..., preQuantized: true } with model.uri pointing at the quantized checkpoint',
        });
      }
    }
    if ((q.method === 'fp8' || q.method === 'smoothquant') && ir.instance && ir.instance.count > 0 && q.method === 'fp8' && !ir.instance.fp8 && !q.weightsOnly) {
      ctx.report(Diagnostics.Fp8Unsupported, qPath, {
        args: { what: 'FP8 quantization', accelerator: ir.instance.accelerator, instance: ir.instance.type },
        allowed: 'FP8 accelerators: nvidia-l4, nvidia-l40s, nvidia-h100',
        hint: 'use awq/gptq (int4) or int8, or an L4/L40S/H100 instance',
      });
    }
  }
  if (ir.kvCacheDtype !== 'auto') {
    if (!caps.kvCacheDtypes.includes(ir.kvCacheDtype)) {
      ctx.report(Diagnostics.KvCacheDtypeUnsupported, ['acceleration', 'kvCacheDtype'], {
        found: ir.kvCacheDtype,
        args: { engine: ir.engine.name },
        allowed: caps.kvCacheDtypes.join(', '),
        hint: `use one of ${caps.kvCacheDtypes.join(', ')}`,
      });
    }
  }
  if (ir.speculative && !caps.speculative.includes(ir.speculative.method)) {
    ctx.report(Diagnostics.SpeculativeUnsupported, ['acceleration', 'speculativeDecoding'], {
      args: { method: ir.speculative.method, engine: ir.engine.name },
      allowed: caps.speculative.join(', ') || 'none',
      hint: caps.speculative.length ? `use method ${caps.speculative.join(' or ')}` : 'remove speculativeDecoding or choose another engine',
    });
  }
  if (ir.speculative?.method === 'draft' && !ir.speculative.draftModel) {
    ctx.report(Diagnostics.MissingKey, ['acceleration', 'speculativeDecoding'], { args: { key: 'draftModel', parent: '"speculativeDecoding"' }, hint: 'add draftModel: the location of a small model of the same family' });
  }
  if (d.pipeline) {
    const count = d.pipeline.filter((s) => s === 'model').length;
    if (count !== 1) ctx.report(Diagnostics.PipelineNoModel, ['pipeline'], { found: count, hint: 'write "- model" once where the model runs' });
  }
  if (d.multiModel && ir.mode !== 'multi-model') {
    ctx.report(Diagnostics.SettingIgnored, ['multiModel'], { atKey: true, args: { setting: 'multiModel', reason: `mode is ${ir.mode}` }, hint: 'set mode: multi-model, or remove the block' });
  }
  // SageMaker writes results to S3 (AsyncInferenceConfig.OutputConfig); a PAI-EAS async service keeps them in its output queue.
  if (ir.mode === 'async' && !ir.async && ir.target === 'aws') {
    ctx.report(Diagnostics.AsyncNeedsOutput, ['async'], { atKey: true, hint: 'add async.output: s3://bucket/prefix/' });
  }
  if (ir.scaling.min > ir.scaling.max) {
    ctx.report(Diagnostics.ScalingRange, ['scaling'], { args: { min: ir.scaling.min, max: ir.scaling.max }, hint: 'raise scaling.max or lower scaling.min' });
  }
  if (ir.batching && ir.engine.name === 'custom') {
    ctx.report(Diagnostics.SettingIgnored, ['batching'], { atKey: true, args: { setting: 'batching', reason: 'a custom image batches (or not) by itself' }, hint: 'remove batching, or implement batching in the image' });
  }
}
