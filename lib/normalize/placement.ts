/**
 * Choosing the instance type: the escape hatch wins; otherwise the cheapest cataloged type on the target
 * that has the requested accelerator and fits the model's memory, vCPU and memory floors.
 */
import { accelerator as acceleratorInfo, isNeuron } from '../catalog/accelerators';
import { InstanceType, instanceTypes, priceOf, referencePrice } from '../catalog/instances';
import type { DeviceKind } from '../catalog/engines';
import type { TargetName } from '../spec/schema';
import { availableBytes } from '../sizing';

export interface PlacementRequest {
  readonly target: TargetName;
  readonly region: string;
  /** Portable name, 'cpu' or 'auto'. */
  readonly accelerator: string;
  readonly count?: number;
  readonly minVcpu: number;
  readonly minMemoryGiB: number;
  /** Device kinds the engine can run on. */
  readonly devices: readonly DeviceKind[];
  /** Accelerator memory the model needs in total, if known. */
  readonly neededBytes?: (devices: number) => number;
  readonly utilization: number;
  /** Extra filter (e.g. BladeLLM's GPU series, FP8 support). */
  readonly accept?: (i: InstanceType) => boolean;
}

export function deviceKindOf(i: InstanceType): DeviceKind {
  if (i.accelerator === 'cpu') return 'cpu';
  return isNeuron(i.accelerator) ? 'neuron' : 'nvidia';
}

/** Accelerator names that satisfy a request on a target (A10G on AWS answers a request for A10 and the reverse). */
export function matchingAccelerators(name: string, target: TargetName): string[] {
  const info = acceleratorInfo(name);
  if (!info) return [name];
  const names = [name, ...info.aliases];
  return names.filter((n) => instanceTypes(target).some((i) => i.accelerator === n));
}

export function fitsMemory(i: InstanceType, req: PlacementRequest): boolean {
  if (!req.neededBytes || i.count === 0) return true;
  const devices = i.count;
  return availableBytes(i.acceleratorMemoryGiB, devices, req.utilization) >= req.neededBytes(devices);
}

export function candidates(req: PlacementRequest): InstanceType[] {
  const accelerators = req.accelerator === 'auto' ? undefined : req.accelerator === 'cpu' ? ['cpu'] : matchingAccelerators(req.accelerator, req.target);
  return instanceTypes(req.target).filter(
    (i) =>
      (accelerators === undefined ? i.accelerator !== 'cpu' : accelerators.includes(i.accelerator)) &&
      req.devices.includes(deviceKindOf(i)) &&
      (req.count === undefined || i.count === req.count) &&
      !i.burstable &&
      (req.accept ? req.accept(i) : true),
  );
}

/** Ranking key: recorded price first (cheapest), then unpriced types by total accelerator memory, vCPU, memory. */
export function costKey(i: InstanceType, region: string): [number, number, number, number] {
  const p = priceOf(i.target, i.name, region) ?? referencePrice(i.target, i.name);
  return [p ? p.usdPerHour : Number.POSITIVE_INFINITY, i.acceleratorMemoryGiB * i.count, i.vcpu, i.memoryGiB];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}

export interface PlacementResult {
  readonly chosen?: InstanceType;
  /** The cheapest type that would fit if the accelerator/count constraints were lifted (for the error message). */
  readonly smallestFitting?: InstanceType;
  readonly considered: number;
}

export function place(req: PlacementRequest): PlacementResult {
  const pool = candidates(req);
  const fitting = pool.filter((i) => i.vcpu >= req.minVcpu && i.memoryGiB >= req.minMemoryGiB && fitsMemory(i, req));
  const byCost = (xs: InstanceType[]) => [...xs].sort((a, b) => compareKeys(costKey(a, req.region), costKey(b, req.region)) || a.name.localeCompare(b.name));
  const chosen = byCost(fitting)[0];
  if (chosen) return { chosen, considered: pool.length };
  const relaxed = { ...req, accelerator: req.accelerator === 'cpu' ? 'cpu' : 'auto', count: undefined };
  const anyFitting = candidates(relaxed).filter((i) => i.vcpu >= req.minVcpu && i.memoryGiB >= req.minMemoryGiB && fitsMemory(i, relaxed));
  const smallestFitting = [...anyFitting].sort(
    (a, b) => a.acceleratorMemoryGiB * a.count - b.acceleratorMemoryGiB * b.count || compareKeys(costKey(a, req.region), costKey(b, req.region)),
  )[0];
  return { considered: pool.length, ...(smallestFitting ? { smallestFitting } : {}) };
}
