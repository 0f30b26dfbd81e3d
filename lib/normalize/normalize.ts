/**
 * Stage 3: merged spec -> IR, one record per deployment and target, with every default resolved and every
 * target capability checked. Problems become diagnostics; nothing here throws for user input.
 */
import { accelerator as acceleratorInfo, acceleratorNames } from '../catalog/accelerators';
import { ENGINE_CAPABILITIES, EngineName, isBladeFamily, DeviceKind } from '../catalog/engines';
import { instanceType, instanceTypes, priceOf, InstanceType } from '../catalog/instances';
import { knownArchitecture } from '../catalog/models';
import { DiagnosticBag, SpecPath } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import { closest } from '../diagnostics/suggest';
import type {
  AlibabaTargetIR,
  AwsTargetIR,
  DeploymentIR,
  EngineIR,
  InstanceIR,
  LlmIR,
  ModelIR,
  QuantizationIR,
  ScalingIR,
  SizingIR,
  UriKind,
} from '../ir';
import { availableBytes, KvDtype, memoryNeed, QuantMethod, WeightDtype } from '../sizing';
import { mergeDefaults } from '../spec/merge';
import type { DeploymentSpec, Spec, TargetName } from '../spec/schema';
import { TARGETS } from '../spec/constants';
import { formatBytes, parseCount, parseDurationSeconds, parseSizeBytes } from '../spec/units';
import { checkAlibaba } from './rules-alibaba';
import { chooseAlibabaImage, chooseAwsImage } from './images';
import { checkAws } from './rules-aws';
import { DeploymentContext, pick } from './context';
import { deviceKindOf, place } from './placement';
import { normalizeRollout, normalizeScaling } from './scaling';

const GIB = 1024 ** 3;

export function normalizeSpec(spec: Spec, bag: DiagnosticBag): DeploymentIR[] {
  const out: DeploymentIR[] = [];
  const deployments = spec.deployments ?? {};
  if (Object.keys(deployments).length === 0) {
    bag.add(Diagnostics.NoDeployments, ['deployments'], { hint: 'add a deployment under "deployments:"' });
    return out;
  }
  if (bag.errorCountUnder(['defaults']) > 0) return out;
  for (const [name, raw] of Object.entries(deployments)) {
    if (bag.errorCountUnder(['deployments', name]) > 0) continue;
    const merged = mergeDefaults(spec.defaults as Record<string, unknown> | undefined, raw as Record<string, unknown>, ['deployments', name]);
    const d = merged.value as DeploymentSpec;
    const targets = TARGETS.filter((t) => d.targets?.[t] !== undefined);
    if (targets.length === 0) {
      bag.add(Diagnostics.NoTargets, merged.origin(['targets']), {
        atKey: true,
        args: { deployment: name },
        allowed: 'aws, alibaba',
        hint: 'add "targets: { aws: { region: us-east-1 } }" or an alibaba target, here or under defaults',
      });
      continue;
    }
    for (const target of targets) {
      const ctx = new DeploymentContext(bag, merged, name, target);
      const ir = normalizeForTarget(d, ctx);
      if (ir && ctx.errorCount === 0) out.push(ir);
    }
  }
  return out;
}

function uriKind(uri: string): UriKind {
  if (uri.startsWith('s3://')) return uri.endsWith('.tar.gz') ? 's3-object' : 's3-prefix';
  if (uri.startsWith('oss://')) return 'oss';
  if (uri.startsWith('nas://') || uri.startsWith('nfs://')) return 'nas';
  if (uri.startsWith('http://') || uri.startsWith('https://')) return 'http';
  return 'hub';
}

function normalizeModel(d: DeploymentSpec, ctx: DeploymentContext): ModelIR | undefined {
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
  let architecture = m.architecture;
  let architectureSource: 'spec' | 'catalog' | undefined = architecture ? 'spec' : undefined;
  if (!architecture) {
    const known = knownArchitecture(m.family, parameters);
    if (known) {
      architecture = { layers: known.layers, kvHeads: known.kvHeads, headDim: known.headDim, attentionHeads: known.attentionHeads };
      architectureSource = 'catalog';
    }
  }
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
  };
}

function normalizeQuantization(d: DeploymentSpec): QuantizationIR {
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

/** The engine to use before the instance is known (auto may be refined once it is). */
function requestedEngine(d: DeploymentSpec, model: ModelIR, ctx: DeploymentContext): EngineName | 'auto' | undefined {
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

function engineDevices(engine: EngineName | 'auto', model: ModelIR, target: TargetName, mode: string): DeviceKind[] {
  if (engine !== 'auto') return [...(ENGINE_CAPABILITIES[engine].targets[target] ?? [])];
  if (model.generative) return target === 'aws' ? ['nvidia', 'neuron'] : ['nvidia'];
  if (mode === 'serverless') return ['cpu'];
  return target === 'aws' ? ['cpu', 'nvidia', 'neuron'] : ['cpu', 'nvidia'];
}

function normalizeForTarget(d: DeploymentSpec, ctx: DeploymentContext): DeploymentIR | undefined {
  const target = ctx.target;
  const targetSpec = d.targets?.[target] ?? {};
  const region = targetSpec.region;
  if (!region) {
    ctx.report(Diagnostics.MissingRegion, ['targets', target], {
      hint: `add "region:" under targets.${target} (or defaults.targets.${target})`,
      allowed: target === 'aws' ? 'an AWS region such as us-east-1' : 'an Alibaba Cloud region such as cn-hangzhou',
    });
  }
  const model = normalizeModel(d, ctx);
  if (!model) return undefined;
  const mode = d.mode ?? 'realtime';
  const requested = requestedEngine(d, model, ctx);
  if (requested === undefined) return undefined;
  const quantization = normalizeQuantization(d);
  const kvCacheDtype = (d.acceleration?.kvCacheDtype ?? 'auto') as KvDtype;

  const llmSpec = d.llm ?? {};
  const llm: LlmIR | undefined = model.generative
    ? {
        maxContextLength: llmSpec.maxContextLength ?? 4096,
        maxConcurrentSequences: llmSpec.maxConcurrentSequences ?? 16,
        prefixCaching: llmSpec.prefixCaching ?? true,
        gpuMemoryUtilization: llmSpec.gpuMemoryUtilization ?? 0.9,
      }
    : undefined;
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

  // ---- placement
  const resources = d.resources ?? {};
  const explicitType = pick(resources.instanceType, target);
  const accelRequest = resources.accelerator ?? (model.generative ? 'auto' : 'cpu');
  if (!explicitType && accelRequest !== 'auto' && accelRequest !== 'cpu' && !acceleratorInfo(accelRequest)) {
    const names = acceleratorNames();
    const suggestion = closest(accelRequest, names);
    ctx.report(Diagnostics.UnknownAccelerator, ['resources', 'accelerator'], {
      found: accelRequest,
      allowed: names.join(', '),
      hint: suggestion ? `did you mean "${suggestion}"?` : 'use a portable name from the list, or resources.instanceType',
    });
    return undefined;
  }
  const devicesAllowed = engineDevices(requested, model, target, mode);
  const utilization = llm?.gpuMemoryUtilization ?? 0.9;
  const sizingFor = (devices: number) =>
    model.generative && model.parameters
      ? memoryNeed({
          parameters: model.parameters,
          dtype: model.dtype,
          quantization: quantization.method,
          kvCacheDtype,
          ...(model.architecture ? { architecture: model.architecture } : {}),
          maxContextLength: llm!.maxContextLength,
          maxConcurrentSequences: llm!.maxConcurrentSequences,
          devices,
        })
      : undefined;

  let instance: InstanceIR | undefined;
  let chosenType: InstanceType | undefined;
  const serverless = mode === 'serverless' && target === 'aws';
  if (!serverless) {
    if (explicitType) {
      chosenType = instanceType(target, explicitType);
      if (!chosenType) {
        const known = instanceTypes(target).map((i) => i.name);
        const suggestion = closest(explicitType, known);
        ctx.report(Diagnostics.UnknownInstanceType, ['resources', 'instanceType'], {
          found: explicitType,
          allowed: `the ${target} instance catalog (inferstack plan lists it)`,
          hint: suggestion ? `did you mean "${suggestion}"?` : 'check the instance type name',
        });
        return undefined;
      }
      instance = toInstanceIR(chosenType, 'resources.instanceType');
    } else {
      const minVcpu = resources.cpu ?? 1;
      // LLM weights are staged through host memory while loading: ask for at least as much RAM as weights.
      const weightsGiB = sizingFor(1) ? sizingFor(1)!.weightBytes / GIB : 0;
      const minMemoryGiB = resources.memory ? parseSizeBytes(resources.memory) / GIB : weightsGiB;
      const req = {
        target,
        region: region ?? '',
        accelerator: accelRequest,
        ...(resources.count !== undefined ? { count: resources.count } : {}),
        minVcpu,
        minMemoryGiB,
        devices: devicesAllowed,
        ...(model.generative && model.parameters ? { neededBytes: (n: number) => sizingFor(n)!.neededBytes } : {}),
        utilization,
      };
      const result = place(req);
      if (!result.chosen) {
        const needed = sizingFor(1);
        if (accelRequest !== 'auto' && accelRequest !== 'cpu' && result.considered === 0) {
          const offered = instanceTypes(target).filter((i) => acceleratorInfo(i.accelerator)?.name && (i.accelerator === accelRequest || acceleratorInfo(accelRequest)?.aliases.includes(i.accelerator)));
          if (offered.length === 0) {
            ctx.report(Diagnostics.AcceleratorNotOnTarget, ['resources', 'accelerator'], {
              args: { accelerator: accelRequest },
              found: accelRequest,
              allowed: [...new Set(instanceTypes(target).map((i) => i.accelerator))].join(', '),
              hint: `give a per-target instance type: resources.instanceType: { ${target}: ... }`,
            });
          } else {
            const counts = [...new Set(offered.map((i) => i.count))].sort((a, b) => a - b);
            ctx.report(Diagnostics.CountAmbiguous, ['resources', 'count'], {
              args: { accelerator: accelRequest, allowed: counts.join(', ') },
              found: resources.count,
              allowed: counts.join(', '),
              hint: `use count ${counts.find((c) => c >= (resources.count ?? 1)) ?? counts[counts.length - 1]}`,
            });
          }
          return undefined;
        }
        const suggestion = result.smallestFitting ? `the smallest ${target} instance that fits is ${result.smallestFitting.name} (${result.smallestFitting.count} x ${result.smallestFitting.accelerator}, ${result.smallestFitting.acceleratorMemoryGiB} GiB each)` : `no ${target} instance in the catalog fits`;
        ctx.report(Diagnostics.NoInstanceFits, resources.accelerator ? ['resources', 'accelerator'] : ['model', 'parameters'], {
          args: { needed: needed ? formatBytes(needed.neededBytes) : `${minVcpu} vCPU and ${minMemoryGiB} GiB` },
          hint: `${suggestion}; or quantize (acceleration.quantization), lower llm.maxContextLength / maxConcurrentSequences, or use kvCacheDtype fp8`,
        });
        return undefined;
      }
      chosenType = result.chosen;
      instance = toInstanceIR(chosenType, accelRequest === 'auto' ? 'auto: cheapest instance that fits' : `cheapest ${accelRequest} instance that fits`);
    }
  }

  // ---- engine
  const device: DeviceKind = chosenType ? deviceKindOf(chosenType) : 'cpu';
  const weightsBytes = sizingFor(1)?.weightBytes;
  const bladeFits = !!chosenType && weightsBytes !== undefined && chosenType.acceleratorMemoryGiB * chosenType.count * GIB >= 1.7 * weightsBytes;
  const engineChoice = requested === 'auto' ? autoEngine(model, device, chosenType, ctx, bladeFits) : { name: requested, reason: 'spec' };
  const caps = ENGINE_CAPABILITIES[engineChoice.name];
  if (chosenType && !(caps.targets[target] ?? []).includes(device)) {
    if (device === 'cpu') {
      ctx.report(Diagnostics.GpuEngineOnCpu, explicitType ? ['resources', 'instanceType'] : ['engine'], {
        args: { engine: engineChoice.name, instance: chosenType.name },
        hint: 'pick a GPU instance type or accelerator',
      });
    } else if (device === 'neuron') {
      ctx.report(Diagnostics.AwsCudaOnNeuron, explicitType ? ['resources', 'instanceType'] : ['engine'], {
        args: { engine: engineChoice.name, instance: chosenType.name, accelerator: chosenType.accelerator },
        hint: 'use engine lmi or tgi (Neuron images) on Inferentia/Trainium, or an NVIDIA instance',
      });
    } else {
      ctx.report(Diagnostics.AwsNeuronOnNvidia, ['engine'], {
        args: { engine: engineChoice.name, instance: chosenType.name, accelerator: chosenType.accelerator },
        hint: 'choose an Inferentia/Trainium instance',
      });
    }
  }
  if (engineChoice.name === 'custom' && !pick(d.container?.image, target)) {
    ctx.report(Diagnostics.CustomNeedsImage, ['container'], { atKey: true, args: { engine: 'custom' }, hint: `set container.image (or container.image.${target})` });
  }

  // ---- tensor parallelism
  const devices = chosenType?.count ?? 0;
  const parallelUnits = chosenType && device === 'neuron' ? devices * (acceleratorInfo(chosenType.accelerator)?.coresPerDevice ?? 1) : devices;
  const tpSpec = d.acceleration?.tensorParallel ?? 'auto';
  let tensorParallel = tpSpec === 'auto' ? Math.max(1, parallelUnits) : tpSpec;
  if (tpSpec !== 'auto' && chosenType && tpSpec > Math.max(1, parallelUnits)) {
    ctx.report(Diagnostics.TensorParallelTooLarge, ['acceleration', 'tensorParallel'], {
      found: tpSpec,
      args: { available: parallelUnits, instance: chosenType.name },
      allowed: `1..${parallelUnits}`,
      hint: `use tensorParallel: auto (${parallelUnits}) or a larger instance`,
    });
    tensorParallel = Math.max(1, parallelUnits);
  }
  const heads = model.architecture?.attentionHeads;
  if (model.generative && heads && tensorParallel > 1 && heads % tensorParallel !== 0) {
    const divisors = Array.from({ length: tensorParallel }, (_, i) => i + 1).filter((n) => heads % n === 0);
    ctx.report(Diagnostics.TensorParallelHeads, tpSpec === 'auto' ? ['resources'] : ['acceleration', 'tensorParallel'], {
      found: tensorParallel,
      args: { heads },
      allowed: divisors.join(', '),
      hint: `set acceleration.tensorParallel to ${divisors[divisors.length - 1]}, or pick an instance whose accelerator count divides ${heads}`,
    });
  }

  // ---- sizing check
  let sizing: SizingIR | undefined;
  if (model.generative && model.parameters && chosenType && chosenType.count > 0) {
    const need = sizingFor(chosenType.count)!;
    const available = availableBytes(chosenType.acceleratorMemoryGiB, chosenType.count, utilization);
    sizing = { ...need, availableBytes: available, gpuMemoryUtilization: utilization, fits: need.neededBytes <= available };
    if (!sizing.fits) {
      const relaxed = place({ target, region: region ?? '', accelerator: 'auto', minVcpu: 1, minMemoryGiB: 0, devices: devicesAllowed, neededBytes: (n) => sizingFor(n)!.neededBytes, utilization });
      const smallest = relaxed.chosen;
      ctx.report(Diagnostics.DoesNotFit, explicitType ? ['resources', 'instanceType'] : ['resources'], {
        args: { needed: formatBytes(need.neededBytes), instance: chosenType.name, available: formatBytes(available) },
        hint: `${describeNeed(need)}. ${smallest ? `The cheapest ${target} instance that fits is ${smallest.name}.` : ''} Or quantize, lower llm.maxContextLength or maxConcurrentSequences, or use kvCacheDtype fp8`.trim(),
      });
    }
    if (!model.architecture) {
      ctx.report(Diagnostics.KvCacheNotSized, ['model'], {
        atKey: true,
        hint: 'add model.architecture: { layers, kvHeads, headDim } (from the model\'s config.json) so the KV cache is sized',
      });
    }
  }

  // ---- engine settings
  const container = d.container ?? {};
  const port = container.port ?? caps.port[target] ?? 8080;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(container.env ?? {})) env[k] = String(v);
  let image = pick(container.image, target);
  if (!image && engineChoice.name !== 'custom') {
    const neoDevice = chosenType ? (device === 'neuron' ? 'inf' : device === 'nvidia' ? 'gpu' : 'cpu') : 'cpu';
    const choice =
      target === 'aws'
        ? chooseAwsImage(engineChoice.name, device, model.format, region ?? 'us-east-1', d.acceleration?.compile?.compiler === 'neo' ? 'neo' : 'none', neoDevice)
        : chooseAlibabaImage(engineChoice.name, region ?? 'cn-hangzhou');
    if (choice.unsupported) {
      ctx.report(Diagnostics.FormatEngineMismatch, ['model', 'format'], {
        args: { format: model.format, engine: engineChoice.name },
        hint: `${choice.unsupported}; use engine custom with container.image`,
      });
    } else if (choice.unavailable && region) {
      ctx.report(Diagnostics.AwsImageUnavailable, ['targets', 'aws', 'region'], {
        args: { image: choice.unavailable.image, region },
        allowed: choice.unavailable.regions.join(', '),
        hint: 'deploy to a region where the image is published, or set container.image',
      });
    }
    image = choice.uri;
  }
  const engine: EngineIR = {
    name: engineChoice.name,
    reason: engineChoice.reason,
    device,
    ...(image ? { image } : {}),
    ...(container.command ? { command: container.command } : {}),
    ...(container.args ? { args: container.args } : {}),
    port,
    healthPath: container.healthCheck?.path ?? caps.healthPath,
    ...(caps.readinessPath ? { readinessPath: caps.readinessPath } : {}),
    env,
  };

  // ---- timeouts: sized to the model so LLMs get long ones (startup probes, SageMaker health check)
  const estimated = weightsBytes ? Math.min(3600, Math.max(600, Math.ceil(600 + (weightsBytes / GIB) * 20))) : model.generative ? 900 : 600;
  const startupSeconds = container.healthCheck?.startupTimeout ? parseDurationSeconds(container.healthCheck.startupTimeout) : estimated;

  const scaling: ScalingIR = normalizeScaling(d, model, llm, mode, ctx);
  const rollout = normalizeRollout(d);

  const priceRegion = region ?? '';
  const price = chosenType ? priceOf(target, chosenType.name, priceRegion) : undefined;

  const ir: DeploymentIR = {
    name: ctx.name,
    target,
    ...(d.description ? { description: d.description } : {}),
    model,
    engine,
    mode,
    ...(instance ? { instance } : {}),
    tensorParallel: model.generative ? tensorParallel : 1,
    ...(llm ? { llm } : {}),
    ...(sizing ? { sizing } : {}),
    ...(d.batching ? { batching: { maxBatchSize: d.batching.maxBatchSize, maxDelayMs: Math.round(parseDurationSeconds(d.batching.maxDelay ?? '50ms') * 1000) } } : {}),
    quantization,
    kvCacheDtype,
    ...(d.acceleration?.compile
      ? {
          compile: {
            compiler: d.acceleration.compile.compiler,
            ...(d.acceleration.compile.framework ? { framework: d.acceleration.compile.framework } : {}),
            ...(d.acceleration.compile.frameworkVersion ? { frameworkVersion: d.acceleration.compile.frameworkVersion } : {}),
            ...(d.acceleration.compile.inputShape ? { inputShape: d.acceleration.compile.inputShape } : {}),
            ...(d.acceleration.compile.target ? { target: d.acceleration.compile.target } : {}),
            ...(d.acceleration.compile.compilerOptions ? { compilerOptions: d.acceleration.compile.compilerOptions } : {}),
            maxRuntimeSeconds: d.acceleration.compile.maxRuntime ? parseDurationSeconds(d.acceleration.compile.maxRuntime) : 900,
            ...(d.acceleration.compile.output ? { output: d.acceleration.compile.output } : {}),
          },
        }
      : {}),
    ...(d.acceleration?.speculativeDecoding
      ? {
          speculative: {
            method: d.acceleration.speculativeDecoding.method ?? (d.acceleration.speculativeDecoding.draftModel ? 'draft' : 'eagle'),
            ...(d.acceleration.speculativeDecoding.draftModel ? { draftModel: d.acceleration.speculativeDecoding.draftModel } : {}),
            tokens: d.acceleration.speculativeDecoding.tokens ?? 4,
          },
        }
      : {}),
    ...(d.serverless
      ? {
          serverless: {
            memoryMb: Math.round(parseSizeBytes(d.serverless.memory) / 1024 ** 2),
            maxConcurrency: d.serverless.maxConcurrency,
            ...(d.serverless.provisionedConcurrency !== undefined ? { provisionedConcurrency: d.serverless.provisionedConcurrency } : {}),
          },
        }
      : {}),
    ...(d.async?.output
      ? {
          async: {
            output: d.async.output,
            ...(d.async.failure ? { failure: d.async.failure } : {}),
            ...(d.async.notify?.success ? { notifySuccess: d.async.notify.success } : {}),
            ...(d.async.notify?.error ? { notifyError: d.async.notify.error } : {}),
            ...(d.async.maxConcurrentPerInstance ? { maxConcurrentPerInstance: d.async.maxConcurrentPerInstance } : {}),
          },
        }
      : {}),
    ...(d.pipeline
      ? {
          pipeline: d.pipeline.map((step) =>
            step === 'model'
              ? { name: 'model', env: {}, isModel: true }
              : {
                  name: step.name,
                  ...(pick(step.image, target) ? { image: pick(step.image, target)! } : {}),
                  env: Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, String(v)])),
                  ...(step.modelUri ? { modelUri: step.modelUri } : {}),
                  isModel: false,
                },
          ),
        }
      : {}),
    scaling,
    rollout,
    publicEndpoint: d.network?.public ?? true,
    networkIsolation: d.security?.networkIsolation ?? false,
    ...(d.observability?.dataCapture ? { dataCapture: d.observability.dataCapture } : {}),
    timeouts: { startupSeconds, downloadSeconds: startupSeconds },
    ...(price ? { price: { usdPerHour: price.usdPerHour, region: price.region } } : {}),
    ...(target === 'aws' ? { aws: awsTarget(d, ctx, region ?? '') } : { alibaba: alibabaTarget(d, ctx, region ?? '') }),
  };

  checkCommon(d, ir, ctx);
  if (target === 'aws') checkAws(d, ir, ctx);
  else checkAlibaba(d, ir, ctx);
  return ir;
}

function describeNeed(need: { weightBytes: number; kvCacheBytes?: number; kvCacheBytesPerToken?: number; overheadBytes: number }): string {
  const kv = need.kvCacheBytes !== undefined ? `, KV cache ${formatBytes(need.kvCacheBytes)} (${need.kvCacheBytesPerToken} bytes/token)` : '';
  return `Weights ${formatBytes(need.weightBytes)}${kv}, overhead ${formatBytes(need.overheadBytes)}`;
}

function toInstanceIR(i: InstanceType, reason: string): InstanceIR {
  return {
    type: i.name,
    accelerator: i.accelerator,
    count: i.count,
    acceleratorMemoryGiB: i.acceleratorMemoryGiB,
    vcpu: i.vcpu,
    memoryGiB: i.memoryGiB,
    fp8: i.fp8,
    family: i.family,
    cataloged: true,
    reason,
  };
}

function awsTarget(d: DeploymentSpec, ctx: DeploymentContext, region: string): AwsTargetIR {
  const t = d.targets?.aws ?? {};
  const kmsKey = pick(d.security?.kmsKey, 'aws');
  const role = pick(d.security?.role, 'aws');
  return {
    kind: 'aws',
    region,
    ...(t.account ? { account: t.account } : {}),
    stackName: t.stackName ?? `inferstack-${ctx.name}`,
    ...(t.endpointName ? { endpointName: t.endpointName } : {}),
    tags: { ...(t.tags ?? {}) },
    ...(d.network?.aws ? { subnets: d.network.aws.subnets, securityGroups: d.network.aws.securityGroups } : {}),
    ...(kmsKey ? { kmsKey } : {}),
    ...(role ? { role } : {}),
  };
}

/** EAS service names: lowercase letters, digits and underscores. */
export function easServiceName(deployment: string): string {
  return deployment.replace(/-/g, '_');
}

function alibabaTarget(d: DeploymentSpec, ctx: DeploymentContext, region: string): AlibabaTargetIR {
  const t = d.targets?.alibaba ?? {};
  const r = d.resources?.alibaba ?? {};
  return {
    kind: 'alibaba',
    region,
    serviceName: t.serviceName ?? easServiceName(ctx.name),
    ...(t.workspaceId ? { workspaceId: t.workspaceId } : {}),
    ...(t.gateway ? { gateway: t.gateway } : {}),
    labels: { ...(t.labels ?? {}) },
    fallback: r.fallback ?? [],
    ...(r.spot ? { spotMaxPrice: r.spot.maxPrice } : {}),
    ...(r.resourceGroup ? { resourceGroup: r.resourceGroup } : {}),
    ...(d.network?.alibaba ? { vpc: d.network.alibaba } : {}),
  };
}

/** Checks that hold on every target: quantization, KV cache and speculative decoding against the engine. */
function checkCommon(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
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
  if (ir.mode === 'async' && !ir.async) {
    ctx.report(Diagnostics.AsyncNeedsOutput, ['async'], { atKey: true, hint: 'add async.output: s3://bucket/prefix/' });
  }
  if (ir.scaling.min > ir.scaling.max) {
    ctx.report(Diagnostics.ScalingRange, ['scaling'], { args: { min: ir.scaling.min, max: ir.scaling.max }, hint: 'raise scaling.max or lower scaling.min' });
  }
  if (ir.batching && ir.engine.name === 'custom') {
    ctx.report(Diagnostics.SettingIgnored, ['batching'], { atKey: true, args: { setting: 'batching', reason: 'a custom image batches (or not) by itself' }, hint: 'remove batching, or implement batching in the image' });
  }
}
