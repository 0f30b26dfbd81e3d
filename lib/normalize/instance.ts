/** Instance stage: which instance type serves the deployment, and whether the model fits on it. */
import { accelerator as acceleratorInfo, acceleratorNames } from '../catalog/accelerators';
import type { DeviceKind } from '../catalog/engines';
import { instanceType, instanceTypes, InstanceType } from '../catalog/instances';
import { Diagnostics } from '../diagnostics/registry';
import { closest } from '../diagnostics/suggest';
import type { InstanceIR, LlmIR, ModelIR, QuantizationIR, SizingIR } from '../ir';
import { availableBytes, KvDtype, memoryNeed, MemoryNeed } from '../sizing';
import type { DeploymentSpec } from '../spec/schema';
import { formatBytes, parseSizeBytes } from '../spec/units';
import { DeploymentContext, pick } from './context';
import { deviceKindOf, place } from './placement';

const GIB = 1024 ** 3;

/** Memory the deployment needs on `devices` accelerators; undefined when the model is not a sized LLM. */
export type SizingFunction = (devices: number) => MemoryNeed | undefined;

export function sizingFunction(model: ModelIR, quantization: QuantizationIR, kvCacheDtype: KvDtype, llm: LlmIR | undefined): SizingFunction {
  return (devices) =>
    model.generative && model.parameters && llm
      ? memoryNeed({
          parameters: model.parameters,
          dtype: model.dtype,
          quantization: quantization.method,
          kvCacheDtype,
          ...(model.architecture ? { architecture: model.architecture } : {}),
          maxContextLength: llm.maxContextLength,
          maxConcurrentSequences: llm.maxConcurrentSequences,
          devices,
        })
      : undefined;
}

export interface PlacementRequest {
  readonly region: string;
  readonly devices: DeviceKind[];
  /** The engine asked for (`auto` or a name), for messages. */
  readonly engine?: string;
  readonly utilization: number;
  readonly sizingFor: SizingFunction;
}

export interface Placement {
  readonly instance?: InstanceIR;
  readonly chosenType?: InstanceType;
  readonly explicitType?: string;
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
  const chosenType = placedInstance(d, ctx, accelRequest, req);
  if (!chosenType) return undefined;
  return { chosenType, instance: toInstanceIR(chosenType, accelRequest === 'auto' ? 'auto: cheapest instance that fits' : `cheapest ${accelRequest} instance that fits`) };
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

function placedInstance(d: DeploymentSpec, ctx: DeploymentContext, accelRequest: string, req: PlacementRequest): InstanceType | undefined {
  const resources = d.resources ?? {};
  const target = ctx.target;
  const minVcpu = resources.cpu ?? 1;
  // LLM weights are staged through host memory while loading: ask for at least as much RAM as weights.
  const weightsGiB = (req.sizingFor(1)?.weightBytes ?? 0) / GIB;
  const minMemoryGiB = resources.memory ? parseSizeBytes(resources.memory) / GIB : weightsGiB;
  const result = place({
    target,
    region: req.region,
    accelerator: accelRequest,
    ...(resources.count !== undefined ? { count: resources.count } : {}),
    minVcpu,
    minMemoryGiB,
    devices: req.devices,
    ...(req.sizingFor(1) ? { neededBytes: (n: number) => req.sizingFor(n)!.neededBytes } : {}),
    utilization: req.utilization,
  });
  if (result.chosen) return result.chosen;
  if (accelRequest !== 'auto' && accelRequest !== 'cpu' && result.considered === 0) {
    reportAcceleratorNotPlaceable(ctx, accelRequest, resources.count, req);
    return undefined;
  }
  const needed = req.sizingFor(1);
  const smallest = result.smallestFitting;
  const suggestion = smallest ? `the smallest ${target} instance that fits is ${smallest.name} (${smallest.count} x ${smallest.accelerator}, ${smallest.acceleratorMemoryGiB} GiB each)` : `no ${target} instance in the catalog fits`;
  ctx.report(Diagnostics.NoInstanceFits, resources.accelerator ? ['resources', 'accelerator'] : ['model', 'parameters'], {
    args: { needed: needed ? formatBytes(needed.neededBytes) : `${minVcpu} vCPU and ${minMemoryGiB} GiB` },
    hint: `${suggestion}; or quantize (acceleration.quantization), lower llm.maxContextLength / maxConcurrentSequences, or use kvCacheDtype fp8`,
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

/** Checks the chosen instance against the memory model; reports the cheapest instance that would fit. */
export function checkSizing(ctx: DeploymentContext, model: ModelIR, placement: Placement, req: PlacementRequest): SizingIR | undefined {
  const chosenType = placement.chosenType;
  if (!model.generative || !model.parameters || !chosenType || chosenType.count === 0) return undefined;
  const need = req.sizingFor(chosenType.count)!;
  const available = availableBytes(chosenType.acceleratorMemoryGiB, chosenType.count, req.utilization);
  const sizing: SizingIR = { ...need, availableBytes: available, gpuMemoryUtilization: req.utilization, fits: need.neededBytes <= available };
  if (!sizing.fits) {
    const relaxed = place({ target: ctx.target, region: req.region, accelerator: 'auto', minVcpu: 1, minMemoryGiB: 0, devices: req.devices, neededBytes: (n) => req.sizingFor(n)!.neededBytes, utilization: req.utilization });
    const cheapest = relaxed.chosen;
    ctx.report(Diagnostics.DoesNotFit, placement.explicitType ? ['resources', 'instanceType'] : ['resources'], {
      args: { needed: formatBytes(need.neededBytes), instance: chosenType.name, available: formatBytes(available) },
      hint: `${describeNeed(need)}. ${cheapest ? `The cheapest ${ctx.target} instance that fits is ${cheapest.name}.` : ''} Or quantize, lower llm.maxContextLength or maxConcurrentSequences, or use kvCacheDtype fp8`.trim(),
    });
  }
  if (!model.architecture) {
    ctx.report(Diagnostics.KvCacheNotSized, ['model'], {
      atKey: true,
      hint: "add model.architecture: { layers, kvHeads, headDim } (from the model's config.json) so the KV cache is sized",
    });
  }
  return sizing;
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
