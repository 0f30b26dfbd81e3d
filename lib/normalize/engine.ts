/** Engine stage: which serving engine runs the model, on which kinds of device. */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import { ENGINE_CAPABILITIES, EngineName, isBladeFamily, DeviceKind } from '../catalog/engines';
import type { InstanceType } from '../catalog/instances';
import { Diagnostics } from '../diagnostics/registry';
import type { SpecPath } from '../diagnostics/diagnostic';
import type { EngineIR, ModelIR } from '../ir';
import type { DeploymentSpec, TargetName } from '../spec/schema';
import { DeploymentContext, pick } from './context';
import { chooseAlibabaImage, chooseAwsImage } from './images';
import { deviceKindOf } from './placement';

/** The engine to use before the instance is known (auto may be refined once it is). */
export function requestedEngine(d: DeploymentSpec, model: ModelIR, ctx: DeploymentContext): EngineName | 'auto' | undefined {
  const engine = d.engine ?? 'auto';
  if (engine !== 'auto') {
    const caps = ENGINE_CAPABILITIES[engine as EngineName];
    if (!caps.targets[ctx.target]) {
      const alternatives = Object.entries(ENGINE_CAPABILITIES)
        .filter(([, c]) => c.targets[ctx.target] && c.generative === caps.generative)
        .map(([n]) => n);
      ctx.report(Diagnostics.EngineUnsupported, ['engine'], {
        args: { engine },
        found: engine,
        allowed: alternatives.join(', '),
        hint: `use engine auto, or a per-deployment engine available on ${ctx.target} (${alternatives.join(', ')})`,
      });
      return undefined;
    }
    if (caps.generative && !model.generative) {
      ctx.report(Diagnostics.EngineNeedsGenerative, ['engine'], { args: { engine, task: model.task }, hint: 'set model.task: text-generation, or use engine framework/triton/custom' });
      return undefined;
    }
    return engine as EngineName;
  }
  return 'auto';
}

function autoEngine(model: ModelIR, device: DeviceKind, instance: InstanceType | undefined, ctx: DeploymentContext, bladeFits: boolean): { name: EngineName; reason: string } {
  if (!model.generative) {
    if (isEmbeddingModel(model) && ctx.target === 'aws') {
      return { name: 'tei', reason: `auto: Text Embeddings Inference for a Hugging Face ${model.task} model` };
    }
    if (model.format === 'triton') return { name: 'triton', reason: 'auto: model.format triton' };
    if (model.format === 'custom') return { name: 'custom', reason: 'auto: model.format custom' };
    return { name: 'framework', reason: `auto: ${ctx.target === 'aws' ? 'SageMaker framework container' : 'PAI-EAS built-in processor'} for ${model.format}` };
  }
  if (ctx.target === 'aws') {
    return device === 'neuron'
      ? { name: 'lmi', reason: 'auto: LMI Neuron (transformers-neuronx) on Inferentia/Trainium' }
      : { name: 'lmi', reason: 'auto: LMI with the vLLM backend (paged attention, continuous batching) on NVIDIA GPUs' };
  }
  const series = instance ? acceleratorInfo(instance.accelerator)?.series : undefined;
  if (isBladeFamily(model.family) && series && ['A', 'H', 'L'].includes(series) && bladeFits) {
    return { name: 'bladellm', reason: `auto: BladeLLM for ${model.family} on ${series}-series GPUs` };
  }
  return { name: 'vllm', reason: 'auto: vLLM (BladeLLM needs a Qwen/Llama model on A/H/L-series GPUs with 1.7x weight memory)' };
}

/** Embedding and reranking models in Hugging Face format: what Text Embeddings Inference serves. */
export function isEmbeddingModel(model: ModelIR): boolean {
  return (model.task === 'embedding' || model.task === 'rerank') && model.format === 'huggingface';
}

export function engineDevices(engine: EngineName | 'auto', model: ModelIR, target: TargetName, mode: string): DeviceKind[] {
  if (engine !== 'auto') return [...(ENGINE_CAPABILITIES[engine].targets[target] ?? [])];
  if (model.generative) return target === 'aws' ? ['nvidia', 'neuron'] : ['nvidia'];
  if (isEmbeddingModel(model) && target === 'aws') return mode === 'serverless' ? ['cpu'] : ['cpu', 'nvidia'];
  if (mode === 'serverless') return ['cpu'];
  return target === 'aws' ? ['cpu', 'nvidia', 'neuron'] : ['cpu', 'nvidia'];
}
export interface EngineChoice {
  readonly name: EngineName;
  readonly reason: string;
  readonly device: DeviceKind;
}

/** Refines `auto` once the instance is known and checks that the engine runs on the instance's devices. */
export function resolveEngine(d: DeploymentSpec, ctx: DeploymentContext, requested: EngineName | 'auto', model: ModelIR, chosenType: InstanceType | undefined, bladeFits: boolean): EngineChoice {
  const device: DeviceKind = chosenType ? deviceKindOf(chosenType) : 'cpu';
  const choice = requested === 'auto' ? autoEngine(model, device, chosenType, ctx, bladeFits) : { name: requested, reason: 'spec' };
  const explicitType = pick(d.resources?.instanceType, ctx.target);
  if (chosenType && !(ENGINE_CAPABILITIES[choice.name].targets[ctx.target] ?? []).includes(device)) {
    const at: SpecPath = explicitType ? ['resources', 'instanceType'] : ['engine'];
    if (device === 'cpu') {
      ctx.report(Diagnostics.GpuEngineOnCpu, at, { args: { engine: choice.name, instance: chosenType.name }, hint: 'pick a GPU instance type or accelerator' });
    } else if (device === 'neuron') {
      ctx.report(Diagnostics.AwsCudaOnNeuron, at, {
        args: { engine: choice.name, instance: chosenType.name, accelerator: chosenType.accelerator },
        hint: 'use engine lmi or tgi (Neuron images) on Inferentia/Trainium, or an NVIDIA instance',
      });
    } else {
      ctx.report(Diagnostics.AwsNeuronOnNvidia, ['engine'], {
        args: { engine: choice.name, instance: chosenType.name, accelerator: chosenType.accelerator },
        hint: 'choose an Inferentia/Trainium instance',
      });
    }
  }
  if (choice.name === 'custom' && !pick(d.container?.image, ctx.target)) {
    ctx.report(Diagnostics.CustomNeedsImage, ['container'], { atKey: true, args: { engine: 'custom' }, hint: `set container.image (or container.image.${ctx.target})` });
  }
  return { ...choice, device };
}

/** The container: image (from the catalog unless given), port, probes, command, args and env as given. */
export function engineSettings(d: DeploymentSpec, ctx: DeploymentContext, choice: EngineChoice, model: ModelIR, region: string | undefined): EngineIR {
  const caps = ENGINE_CAPABILITIES[choice.name];
  const container = d.container ?? {};
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(container.env ?? {})) env[k] = String(v);
  const image = pick(container.image, ctx.target) ?? (choice.name === 'custom' ? undefined : catalogImage(d, ctx, choice, model, region));
  return {
    name: choice.name,
    reason: choice.reason,
    device: choice.device,
    ...(image ? { image } : {}),
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    port: container.port ?? caps.port[ctx.target] ?? 8080,
    healthPath: container.healthCheck?.path ?? caps.healthPath,
    ...(caps.readinessPath ? { readinessPath: caps.readinessPath } : {}),
    env,
  };
}

function catalogImage(d: DeploymentSpec, ctx: DeploymentContext, choice: EngineChoice, model: ModelIR, region: string | undefined): string | undefined {
  const device = choice.device;
  const neoDevice = device === 'neuron' ? 'inf' : device === 'nvidia' ? 'gpu' : 'cpu';
  const result =
    ctx.target === 'aws'
      ? chooseAwsImage(choice.name, device, model.format, region ?? 'us-east-1', d.acceleration?.compile?.compiler === 'neo' ? 'neo' : 'none', neoDevice, model.frameworkVersion)
      : chooseAlibabaImage(choice.name, region ?? 'cn-hangzhou');
  if (result.unknownVersion) {
    ctx.report(Diagnostics.AwsFrameworkVersion, ['model', 'frameworkVersion'], {
      args: { framework: result.unknownVersion.framework.replace(/-(cpu|gpu)$/, ''), version: model.frameworkVersion ?? '' },
      found: model.frameworkVersion,
      allowed: result.unknownVersion.versions.join(', '),
      hint: 'use the version the model was saved with, from the list; or set container.image',
    });
  } else if (result.defaultVersion) {
    ctx.report(Diagnostics.AwsFrameworkVersionDefault, ['model'], {
      atKey: true,
      args: { framework: result.defaultVersion.framework.replace(/-(cpu|gpu)$/, ''), version: result.defaultVersion.version },
      hint: `set model.frameworkVersion to the version the model was saved with (e.g. "${result.defaultVersion.version}")`,
    });
  }
  if (result.unsupported) {
    ctx.report(Diagnostics.FormatEngineMismatch, ['model', 'format'], {
      args: { format: model.format, engine: choice.name },
      hint: `${result.unsupported}; use engine custom with container.image`,
    });
  } else if (result.unavailable && region) {
    ctx.report(Diagnostics.AwsImageUnavailable, ['targets', 'aws', 'region'], {
      args: { image: result.unavailable.image, region },
      allowed: result.unavailable.regions.join(', '),
      hint: 'deploy to a region where the image is published, or set container.image',
    });
  }
  return result.uri;
}
