/**
 * Choosing the instance type: the escape hatch wins; otherwise the cheapest cataloged type on the target
 * that has the requested accelerator and on which the engine's memory model admits the model (lib/sizing),
 * with the vCPU and memory floors. Types without a known price rank after priced ones, smallest first;
 * when no candidate has a price the choice is the smallest that fits, and says so.
 */
import { accelerator as acceleratorInfo, isNeuron } from '../catalog/accelerators';
import { InstanceType, instanceTypes } from '../catalog/instances';
import type { DeviceKind } from '../catalog/engines';
import { CATALOG_PRICES, Price, PriceBook } from '../catalog/prices';
import type { SizingResult } from '../sizing';
import type { TargetName } from '../spec/schema';

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
  /** The engine's memory model on an instance type; undefined when the model is not a sized LLM. */
  readonly sizing?: (i: InstanceType) => SizingResult | undefined;
  /** Extra filter (e.g. BladeLLM's GPU series, FP8 support). */
  readonly accept?: (i: InstanceType) => boolean;
  /** @default the catalog's prices */
  readonly prices?: PriceBook;
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
  if (!req.sizing || i.count === 0) return true;
  return req.sizing(i)?.fits ?? true;
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

export function priceFor(i: InstanceType, region: string, prices: PriceBook = CATALOG_PRICES): Price | undefined {
  return prices.priceOf(i.target, i.name, region) ?? prices.referencePrice(i.target, i.name);
}

/** Ranking key: known price first (cheapest), then unpriced types by total accelerator memory, vCPU, memory. */
export function costKey(i: InstanceType, region: string, prices: PriceBook = CATALOG_PRICES): [number, number, number, number] {
  const p = priceFor(i, region, prices);
  return [p ? p.perHour : Number.POSITIVE_INFINITY, i.acceleratorMemoryGiB * i.count, i.vcpu, i.memoryGiB];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
}

export interface RankedInstance {
  readonly instance: InstanceType;
  /** Its price (possibly recorded for another region), or undefined: then it was ranked by size. */
  readonly price?: Price;
}

export interface PlacementResult {
  readonly chosen?: RankedInstance;
  /** The cheapest type that would fit if the accelerator/count constraints were lifted (for the error message). */
  readonly cheapestFitting?: RankedInstance;
  readonly considered: number;
}

export function rankByCost(xs: readonly InstanceType[], region: string, prices: PriceBook = CATALOG_PRICES): InstanceType[] {
  return [...xs].sort((a, b) => compareKeys(costKey(a, region, prices), costKey(b, region, prices)) || a.name.localeCompare(b.name));
}

function ranked(i: InstanceType | undefined, region: string, prices: PriceBook): RankedInstance | undefined {
  if (!i) return undefined;
  const price = priceFor(i, region, prices);
  return price ? { instance: i, price } : { instance: i };
}

export function place(req: PlacementRequest): PlacementResult {
  const prices = req.prices ?? CATALOG_PRICES;
  const pool = candidates(req);
  const fitting = pool.filter((i) => i.vcpu >= req.minVcpu && i.memoryGiB >= req.minMemoryGiB && fitsMemory(i, req));
  const chosen = ranked(rankByCost(fitting, req.region, prices)[0], req.region, prices);
  if (chosen) return { chosen, considered: pool.length };
  const relaxed = { ...req, accelerator: req.accelerator === 'cpu' ? 'cpu' : 'auto', count: undefined };
  const anyFitting = candidates(relaxed).filter((i) => i.vcpu >= req.minVcpu && i.memoryGiB >= req.minMemoryGiB && fitsMemory(i, relaxed));
  const cheapestFitting = ranked(rankByCost(anyFitting, req.region, prices)[0], req.region, prices);
  return { considered: pool.length, ...(cheapestFitting ? { cheapestFitting } : {}) };
}
