import { compileSpecFile } from '../compile';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { DeploymentIR } from '../ir';
import type { TargetName } from '../spec/schema';
import { PRICE_SOURCES } from '../catalog/instances';

export const HOURS_PER_MONTH = 730;

export interface PlanRow {
  readonly deployment: string;
  readonly target: TargetName;
  readonly region: string;
  readonly mode: string;
  readonly instanceType: string | null;
  readonly accelerators: string;
  readonly memoryNeededBytes: number | null;
  readonly memoryAvailableBytes: number | null;
  readonly engine: string;
  readonly engineReason: string;
  readonly image: string | null;
  readonly tensorParallel: number;
  readonly scaling: { readonly min: number; readonly max: number };
  readonly pricePerHourUsd: number | null;
  readonly pricePerMonthUsd: { readonly atMin: number; readonly atMax: number } | null;
  readonly priceNote: string;
}

export interface PlanResult {
  readonly file: string;
  readonly ok: boolean;
  readonly diagnostics: readonly Diagnostic[];
  readonly rows: readonly PlanRow[];
  readonly priceSources: typeof PRICE_SOURCES;
}

export function planRow(ir: DeploymentIR): PlanRow {
  const region = ir.aws?.region ?? ir.alibaba?.region ?? '';
  const inst = ir.instance;
  const accelerators = !inst ? (ir.serverless ? `serverless ${ir.serverless.memoryMb} MB` : '-') : inst.count === 0 ? `cpu (${inst.vcpu} vCPU, ${inst.memoryGiB} GiB)` : `${inst.count} x ${inst.accelerator} (${inst.acceleratorMemoryGiB} GiB)`;
  const price = ir.price?.usdPerHour ?? null;
  const image = ir.engine.image ?? (ir.target === 'alibaba' && ir.engine.name === 'framework' ? `processor (built-in)` : null);
  let priceNote: string;
  if (price !== null) priceNote = `on-demand, ${ir.price!.region}`;
  else if (ir.mode === 'serverless') priceNote = 'serverless: billed per request duration';
  else priceNote = `no public price recorded for ${inst?.type ?? 'this deployment'} in ${region}`;
  return {
    deployment: ir.name,
    target: ir.target,
    region,
    mode: ir.mode,
    instanceType: inst?.type ?? null,
    accelerators,
    memoryNeededBytes: ir.sizing?.neededBytes ?? null,
    memoryAvailableBytes: ir.sizing?.availableBytes ?? null,
    engine: ir.engine.name,
    engineReason: ir.engine.reason,
    image,
    tensorParallel: ir.tensorParallel,
    scaling: { min: ir.scaling.min, max: ir.scaling.max },
    pricePerHourUsd: price,
    pricePerMonthUsd: price === null ? null : { atMin: round2(price * HOURS_PER_MONTH * ir.scaling.min), atMax: round2(price * HOURS_PER_MONTH * ir.scaling.max) },
    priceNote,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `inferstack plan SPEC [--target]`: what would be deployed where, and what it costs. */
export function plan(specFile: string, targets?: TargetName | readonly TargetName[]): PlanResult {
  const wanted = targets === undefined ? undefined : typeof targets === 'string' ? [targets] : targets;
  const result = compileSpecFile(specFile, wanted);
  const rows = result.deployments.filter((d) => !wanted || wanted.includes(d.target)).map(planRow);
  return { file: specFile, ok: result.ok, diagnostics: result.diagnostics, rows, priceSources: PRICE_SOURCES };
}
