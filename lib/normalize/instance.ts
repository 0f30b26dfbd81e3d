/** Instance stage: which instance type serves the deployment, and whether the model fits on it. */
import { accelerator as acceleratorInfo, acceleratorNames } from '../catalog/accelerators';
import type { DeviceKind, EngineName } from '../catalog/engines';
import { canonicalFamily, KNOWN_FAMILIES } from '../catalog/models';
import { formatPrice } from '../catalog/prices';
import { instanceType, instanceTypes, InstanceType } from '../catalog/instances';
import { Diagnostics } from '../diagnostics/registry';
import { dtypeBehaviour, ServingDtype, servingDtype } from '../engines/dtype';
import { fp8KvCacheOnGpu } from '../engines/kv-cache';
import { closest } from '../diagnostics/suggest';
import type { InstanceIR, LlmIR, ModelIR, QuantizationIR, SizingIR } from '../ir';
import { describeBreakdown, GIB, KvDtype, LmiBackend, sizeForEngine, SizingEngine, SizingResult } from '../sizing';
import type { DeploymentSpec, TargetName } from '../spec/schema';
import { parseSizeBytes } from '../spec/units';
import { DeploymentContext, pick } from './context';
import { candidates, deviceKindOf, place, RankedInstance } from './placement';


/** The engine's memory model on an instance type; undefined when the model is not a sized LLM or the type has no accelerator. */
export type SizingFunction = (i: InstanceType) => SizingResult | undefined;

export interface SizingSpec {
  readonly model: ModelIR;
  readonly quantization: QuantizationIR;
  readonly kvCacheDtype: KvDtype;
  readonly llm: LlmIR | undefined;
  /** The engine as requested ('auto' before resolution) or as resolved. */
  readonly engine: EngineName | 'auto';
  readonly target: TargetName;
  /** acceleration.tensorParallel when the spec gives a number. */
  readonly tensorParallel?: number;
}

/** Which memory model an engine follows on a device kind (auto: LMI/vLLM on SageMaker, vLLM on PAI-EAS). */
export function sizingEngineOf(engine: EngineName | 'auto', device: DeviceKind, target: TargetName): { engine: SizingEngine; lmiBackend?: LmiBackend } {
  if (device === 'neuron') return { engine: 'lmi', lmiBackend: 'neuron' };
  switch (engine) {
    case 'vllm':
    case 'sglang':
    case 'tgi':
    case 'bladellm':
      return { engine };
    case 'lmi':
      return { engine: 'lmi', lmiBackend: 'vllm' };
    case 'tensorrt-llm':
      return { engine: 'lmi', lmiBackend: 'trtllm' };
    case 'auto':
      return target === 'aws' ? { engine: 'lmi', lmiBackend: 'vllm' } : { engine: 'vllm' };
    default:
      return { engine: 'vllm' };
  }
}

/**
 * With tensorParallel auto the engine shards over every GPU of the instance, which needs the attention heads
 * to divide evenly (vLLM, SGLang, TGI and BladeLLM refuse otherwise; IS2014); placement skips such types.
 * With an explicit tensorParallel or resources.count the spec decides, and IS2014 explains a bad choice.
 */
export function headsAccept(model: ModelIR, explicitTensorParallel: number | undefined): ((i: InstanceType) => boolean) | undefined {
  const heads = model.architecture?.attentionHeads;
  if (!model.generative || !heads || explicitTensorParallel !== undefined) return undefined;
  return (i) => i.count === 0 || deviceKindOf(i) === 'neuron' || heads % i.count === 0;
}

/** Both filters, or either, or none. */
export function allAccept(...filters: (((i: InstanceType) => boolean) | undefined)[]): ((i: InstanceType) => boolean) | undefined {
  const present = filters.filter((f): f is (i: InstanceType) => boolean => !!f);
  return present.length === 0 ? undefined : (i) => present.every((f) => f(i));
}

export function sizingFunction(spec: SizingSpec): SizingFunction {
  const { model, llm } = spec;
  return (i) => {
    if (!model.generative || !model.parameters || !llm || i.count === 0) return undefined;
    const device = deviceKindOf(i);
    const which = sizingEngineOf(spec.engine, device, spec.target);
    // On Neuron the engines shard over NeuronCores, each with its share of the chip's memory.
    const cores = device === 'neuron' ? (acceleratorInfo(i.accelerator)?.coresPerDevice ?? 1) : 1;
    const units = i.count * cores;
    const tensorParallel = spec.tensorParallel !== undefined ? Math.min(spec.tensorParallel, units) : units;
    return sizeForEngine({
      ...which,
      parameters: model.parameters,
      // Weights in the dtype the engine serves on this GPU: fp32 where it will not run the family in fp16.
      dtype: servedOn(spec.engine, spec.target, model, spec.quantization, i).dtype,
      quantization: spec.quantization.method,
      kvCacheDtype: spec.kvCacheDtype,
      ...(model.architecture ? { architecture: model.architecture } : {}),
      maxContextLength: llm.maxContextLength,
      maxConcurrentSequences: llm.maxConcurrentSequences,
      deviceMemoryBytes: Math.floor((i.acceleratorUsableMemoryGiB * GIB) / cores),
      acceleratorModel: i.accelerator,
      devices: units,
      tensorParallel,
      // TGI is not given a memory fraction (its default 1.0 applies); the others get gpuMemoryUtilization.
      ...(which.engine === 'tgi' ? {} : { gpuMemoryUtilization: llm.gpuMemoryUtilization }),
      ...(llm.maxBatchedTokens !== undefined ? { maxBatchedTokens: llm.maxBatchedTokens } : {}),
      // vLLM gets maxConcurrentSequences as max_num_seqs (PAI --max-num-seqs; LMI OPTION_MAX_ROLLING_BATCH_SIZE,
      // djl-serving 0.30.0 rolling_batch_vllm_utils.py), which sizes its profiling sampler.
      ...(which.engine === 'vllm' || which.lmiBackend === 'vllm' ? { maxNumSeqs: llm.maxConcurrentSequences } : {}),
    });
  };
}

/** What the engine does with the weights' dtype on this instance type's GPU (lib/engines/dtype.ts). */
function servedOn(engine: EngineName | 'auto', target: TargetName, model: ModelIR, quantization: QuantizationIR, i: InstanceType): ServingDtype {
  return servingDtype({ stored: model.dtype, accelerator: i.accelerator, quantization: quantization.method, family: model.family, behaviour: dtypeBehaviour(target, engine, deviceKindOf(i)) });
}

/** Instance types whose GPU the engine starts on for this model (SGLang: 7.5 or more; Gemma on LMI/TGI: 8.0 or more). */
export function dtypeAccepts(engine: EngineName | 'auto', target: TargetName, model: ModelIR, quantization: QuantizationIR): ((i: InstanceType) => boolean) | undefined {
  return model.generative ? (i) => !servedOn(engine, target, model, quantization, i).refused : undefined;
}

/** Instance types whose GPU the engine can hold an fp8 KV cache on (PAI-EAS vLLM: compute capability 7.5 or more). */
export function kvCacheAccepts(engine: EngineName | 'auto', target: TargetName, kvCacheDtype: KvDtype): ((i: InstanceType) => boolean) | undefined {
  return kvCacheDtype === 'fp8' ? (i) => !fp8KvCacheOnGpu(target, engine, kvCacheDtype, i.accelerator)?.refused : undefined;
}

export interface PlacementRequest {
  readonly region: string;
  readonly devices: DeviceKind[];
  /** The engine asked for (`auto` or a name), for messages. */
  readonly engine?: string;
  readonly sizingFor: SizingFunction;
  /** Weights of the whole checkpoint (host memory floor while loading); 0 when not an LLM. */
  readonly weightsBytes: number;
  /** Instance types the engine can run on beyond the device kind (BladeLLM: A/H/L-series GPUs). */
  readonly accept?: (i: InstanceType) => boolean;
}

/**
 * BladeLLM runs on A-, H- and L-series GPUs with at least 1.7x the weights in accelerator memory (the PAI-EAS
 * rule checked as IS4005); the other engines on any GPU of their device kind.
 */
export function engineAccepts(engine: EngineName | 'auto', weightsBytes: number): ((i: InstanceType) => boolean) | undefined {
  if (engine !== 'bladellm') return undefined;
  return (i) => ['A', 'H', 'L'].includes(acceleratorInfo(i.accelerator)?.series ?? '') && i.acceleratorMemoryGiB * i.count * GIB >= 1.7 * weightsBytes;
}

export interface Placement {
  readonly instance?: InstanceIR;
  readonly chosenType?: InstanceType;
  readonly explicitType?: string;
}

/** "ml.g5.xlarge (1 x nvidia-a10g, $1.408/h)", or the smallest-fit fallback when no price is known. */
export function describeCandidate(r: RankedInstance, target: TargetName): string {
  const i = r.instance;
  const shape = `${i.count} x ${i.accelerator}`;
  if (r.price) return `${i.name} (${shape}, ${formatPrice(r.price)}${r.price.exactRegion ? '' : ` in ${r.price.region}`})`;
  return `${i.name} (${shape}; no ${target} price is known for it, so the choice fell back to the smallest that fits — give prices with defaults.prices or --prices)`;
}

/** The accelerator asked for, or undefined (with a diagnostic) when it is not a known portable name. */
export function requestedAccelerator(d: DeploymentSpec, model: ModelIR, ctx: DeploymentContext): string | undefined {
  const resources = d.resources ?? {};
  const accelRequest = resources.accelerator ?? (model.generative ? 'auto' : 'cpu');
  if (pick(resources.instanceType, ctx.target) || accelRequest === 'auto' || accelRequest === 'cpu' || acceleratorInfo(accelRequest)) return accelRequest;
  const names = acceleratorNames();
  const suggestion = closest(accelRequest, names);
  ctx.report(Diagnostics.UnknownAccelerator, ['resources', 'accelerator'], {
    found: accelRequest,
    allowed: names.join(', '),
    hint: suggestion ? `did you mean "${suggestion}"?` : 'use a portable name from the list, or resources.instanceType',
  });
  return undefined;
}

/** Serverless AWS endpoints have no instance; otherwise the explicit type or the cheapest cataloged fit. */
export function chooseInstance(d: DeploymentSpec, ctx: DeploymentContext, accelRequest: string, req: PlacementRequest, serverless: boolean): Placement | undefined {
  const explicitType = pick(d.resources?.instanceType, ctx.target);
  if (serverless) return {};
  if (explicitType) {
    const chosenType = explicitInstance(ctx, explicitType);
    return chosenType ? { chosenType, explicitType, instance: toInstanceIR(chosenType, 'resources.instanceType') } : undefined;
  }
  const placed = placedInstance(d, ctx, accelRequest, req);
  if (!placed) return undefined;
  const what = accelRequest === 'auto' ? 'instance' : `${accelRequest} instance`;
  const reason = placed.price ? `${accelRequest === 'auto' ? 'auto: ' : ''}cheapest ${what} that fits (${formatPrice(placed.price)})` : `${accelRequest === 'auto' ? 'auto: ' : ''}smallest ${what} that fits (no price known)`;
  return { chosenType: placed.instance, instance: toInstanceIR(placed.instance, reason) };
}

function explicitInstance(ctx: DeploymentContext, explicitType: string): InstanceType | undefined {
  const chosen = instanceType(ctx.target, explicitType);
  if (chosen) return chosen;
  const suggestion = closest(explicitType, instanceTypes(ctx.target).map((i) => i.name));
  ctx.report(Diagnostics.UnknownInstanceType, ['resources', 'instanceType'], {
    found: explicitType,
    allowed: `the ${ctx.target} instance catalog (inferstack plan lists it)`,
    hint: suggestion ? `did you mean "${suggestion}"?` : 'check the instance type name',
  });
  return undefined;
}

/** What `place()` is asked for one accelerator request: the spec's CPU and memory floors, the engine's devices and sizing. */
export function placementQuery(d: DeploymentSpec, ctx: DeploymentContext, accelerator: string, req: PlacementRequest) {
  const resources = d.resources ?? {};
  return {
    target: ctx.target,
    region: req.region,
    accelerator,
    minVcpu: resources.cpu ?? 1,
    // LLM weights are staged through host memory while loading: ask for at least as much RAM as weights.
    minMemoryGiB: resources.memory ? parseSizeBytes(resources.memory) / GIB : req.weightsBytes / GIB,
    devices: req.devices,
    sizing: req.sizingFor,
    prices: ctx.prices,
    ...(req.accept ? { accept: req.accept } : {}),
  };
}

function placedInstance(d: DeploymentSpec, ctx: DeploymentContext, accelRequest: string, req: PlacementRequest): RankedInstance | undefined {
  const resources = d.resources ?? {};
  const target = ctx.target;
  const placement = { ...placementQuery(d, ctx, accelRequest, req), ...(resources.count !== undefined ? { count: resources.count } : {}) };
  const { minVcpu, minMemoryGiB } = placement;
  const result = place(placement);
  if (result.chosen) return result.chosen;
  // The engine's preferences (BladeLLM's GPUs, tensor-parallel widths) narrowed the choice to nothing: place
  // without them and let the engine and parallelism rules say precisely what is wrong (IS4005, IS2014).
  if (req.accept) {
    const unfiltered = place({ ...placement, accept: undefined });
    if (unfiltered.chosen) return unfiltered.chosen;
  }
  if (accelRequest !== 'auto' && accelRequest !== 'cpu' && result.considered === 0) {
    reportAcceleratorNotPlaceable(ctx, accelRequest, resources.count, req);
    return undefined;
  }
  const largest = [...candidates(placement)].sort((a, b) => b.acceleratorMemoryGiB * b.count - a.acceleratorMemoryGiB * a.count)[0];
  const sizing = largest ? req.sizingFor(largest) : undefined;
  const cheapest = result.cheapestFitting ? `the cheapest ${target} instance that fits is ${describeCandidate(result.cheapestFitting, target)}` : `no ${target} instance in the catalog fits`;
  const breakdown = sizing && largest ? `On ${largest.name}, ${describeBreakdown(sizing)}. ` : '';
  ctx.report(Diagnostics.NoInstanceFits, resources.accelerator ? ['resources', 'accelerator'] : ['model', 'parameters'], {
    args: { reason: sizing ? sizing.reason : `none has ${minVcpu} vCPU and ${minMemoryGiB.toFixed(1)} GiB of memory` },
    hint: `${breakdown}${cheapest[0]!.toUpperCase()}${cheapest.slice(1)}; or quantize (acceleration.quantization), lower llm.maxContextLength, or use kvCacheDtype fp8`,
  });
  return undefined;
}

function reportAcceleratorNotPlaceable(ctx: DeploymentContext, accelRequest: string, count: number | undefined, req: PlacementRequest): void {
  const target = ctx.target;
  const offered = instanceTypes(target).filter((i) => acceleratorInfo(i.accelerator)?.name && (i.accelerator === accelRequest || acceleratorInfo(accelRequest)?.aliases.includes(i.accelerator)));
  if (offered.length === 0) {
    ctx.report(Diagnostics.AcceleratorNotOnTarget, ['resources', 'accelerator'], {
      args: { accelerator: accelRequest },
      found: accelRequest,
      allowed: [...new Set(instanceTypes(target).map((i) => i.accelerator))].join(', '),
      hint: `give a per-target instance type: resources.instanceType: { ${target}: ... }`,
    });
    return;
  }
  if (!offered.some((i) => req.devices.includes(deviceKindOf(i)))) {
    // The accelerator exists on the target, but the engine does not run on that kind of device: name the engine.
    const engine = req.engine && req.engine !== 'auto' ? req.engine : 'the engine chosen for this model';
    ctx.report(Diagnostics.EngineNotOnAccelerator, ['resources', 'accelerator'], {
      args: { engine, accelerator: accelRequest, devices: req.devices.join(' or ') },
      found: accelRequest,
      allowed: req.devices.includes('cpu') && req.devices.length === 1 ? 'cpu' : req.devices.join(', '),
      hint: req.devices.includes('cpu') && req.devices.length === 1 ? `${engine} serves this model on CPU: write resources.accelerator: cpu, or choose an engine that uses ${accelRequest}` : `choose an accelerator of kind ${req.devices.join(' or ')}, or another engine`,
    });
    return;
  }
  const counts = [...new Set(offered.map((i) => i.count))].sort((a, b) => a - b);
  ctx.report(Diagnostics.CountAmbiguous, ['resources', 'count'], {
    args: { accelerator: accelRequest, allowed: counts.join(', ') },
    found: count ?? 1,
    allowed: counts.join(', '),
    hint: `use count ${counts.find((c) => c >= (count ?? 1)) ?? counts[counts.length - 1]}`,
  });
}

/**
 * The resolved engine's memory model on the chosen instance: refusal to start is an error with the numbers
 * and the cheapest instance that fits; more declared concurrency than fits at full context is a warning.
 */
/** `fp8KvPossible`: the engine takes an fp8 KV cache and the spec does not set one yet, so suggesting it helps. */
export function checkSizing(ctx: DeploymentContext, model: ModelIR, llm: LlmIR | undefined, placement: Placement, req: PlacementRequest, fp8KvPossible: boolean): SizingIR | undefined {
  const chosenType = placement.chosenType;
  if (!model.generative || !model.parameters || !llm || !chosenType || chosenType.count === 0) return undefined;
  const sizing = req.sizingFor(chosenType);
  if (!sizing) return undefined;
  if (!sizing.fits) {
    const relaxed = place({ target: ctx.target, region: req.region, accelerator: 'auto', minVcpu: 1, minMemoryGiB: 0, devices: req.devices, sizing: req.sizingFor, prices: ctx.prices, ...(req.accept ? { accept: req.accept } : {}) });
    const cheapest = relaxed.chosen ? `The cheapest ${ctx.target} instance that fits is ${describeCandidate(relaxed.chosen, ctx.target)}. ` : `No ${ctx.target} instance in the catalog fits. `;
    ctx.report(Diagnostics.DoesNotFit, placement.explicitType ? ['resources', 'instanceType'] : ['llm', 'maxContextLength'], {
      args: { instance: chosenType.name, reason: sizing.reason },
      hint: `${describeBreakdown(sizing)}; ${sizing.rule}. ${cheapest}Or quantize, lower llm.maxContextLength${fp8KvPossible ? ', or use kvCacheDtype fp8' : ''}`,
    });
  } else if (sizing.concurrencyLimited) {
    ctx.report(Diagnostics.ConcurrencyAboveFullContext, ['llm', 'maxConcurrentSequences'], {
      args: { declared: llm.maxConcurrentSequences, instance: chosenType.name, max: sizing.maxConcurrencyAtFullContext!, context: llm.maxContextLength },
      hint: `the engine still gets ${llm.maxConcurrentSequences} and schedules shorter sequences into the same KV cache (${sizing.kvCacheTokens!.toLocaleString('en-US')} tokens); for ${llm.maxConcurrentSequences} full-length sequences use a larger instance${fp8KvPossible ? ', kvCacheDtype fp8' : ''} or a lower maxContextLength`,
    });
  }
  if (!model.architecture) reportKvNotSized(ctx, model);
  return sizing;
}

function reportKvNotSized(ctx: DeploymentContext, model: ModelIR): void {
  const family = model.family ? (canonicalFamily(model.family) ? `model.family "${model.family}" has no built-in architecture for ${((model.parameters ?? 0) / 1e9).toFixed(1)}B parameters` : `model.family "${model.family}" is not a known family (known: ${KNOWN_FAMILIES.join(', ')})`) : 'model.family is not set';
  ctx.report(Diagnostics.KvCacheNotSized, ['model'], {
    atKey: true,
    hint: `${family}; the KV cache could not be checked. Add model.architecture: { layers, kvHeads, headDim } from the model's config.json (num_hidden_layers, num_key_value_heads, head_dim or hidden_size / num_attention_heads)`,
  });
}

function toInstanceIR(i: InstanceType, reason: string): InstanceIR {
  return {
    type: i.name,
    accelerator: i.accelerator,
    count: i.count,
    acceleratorMemoryGiB: i.acceleratorMemoryGiB,
    acceleratorUsableMemoryGiB: i.acceleratorUsableMemoryGiB,
    vcpu: i.vcpu,
    memoryGiB: i.memoryGiB,
    fp8: i.fp8,
    family: i.family,
    cataloged: true,
    reason,
  };
}
