import { CompileOptions, compileSpecFile } from '../compile';
import { FitMemory, fitMemory } from './fit';
import type { Diagnostic } from '../diagnostics/diagnostic';
import type { DeploymentIR } from '../ir';
import type { TargetName } from '../spec/schema';
import { PRICE_SOURCES } from '../catalog/instances';
import { formatPrice } from '../catalog/prices';

export const HOURS_PER_MONTH = 730;

export interface PlanRow {
  readonly deployment: string;
  readonly target: TargetName;
  readonly region: string;
  readonly mode: string;
  readonly instanceType: string | null;
  readonly accelerators: string;
  /** The engine's memory model on the instance (the same object `inferstack fit --output json` prints). */
  readonly memory: FitMemory | null;
  readonly engine: string;
  readonly engineReason: string;
  readonly image: string | null;
  readonly tensorParallel: number;
  readonly scaling: { readonly min: number; readonly max: number };
  readonly pricePerHourUsd: number | null;
  /** The price in its own currency (a user price table may give CNY). */
  readonly pricePerHour: { readonly amount: number; readonly currency: 'USD' | 'CNY'; readonly source: 'catalog' | 'user' } | null;
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
  const price = ir.price?.perHour ?? null;
  const image = ir.engine.image ?? (ir.target === 'alibaba' && ir.engine.name === 'framework' ? `processor (built-in)` : null);
  let priceNote: string;
  if (price !== null) priceNote = ir.price!.source === 'user' ? `${formatPrice(ir.price!)} from your price table (${ir.price!.region})` : `on-demand, ${ir.price!.region}`;
  else if (ir.mode === 'serverless') priceNote = 'serverless: billed per request duration';
  else priceNote = `no public price recorded for ${inst?.type ?? 'this deployment'} in ${region}`;
  return {
    deployment: ir.name,
    target: ir.target,
    region,
    mode: ir.mode,
    instanceType: inst?.type ?? null,
    accelerators,
    memory: ir.sizing ? fitMemory(ir.sizing) : null,
    engine: ir.engine.name,
    engineReason: ir.engine.reason,
    image,
    tensorParallel: ir.tensorParallel,
    scaling: { min: ir.scaling.min, max: ir.scaling.max },
    pricePerHourUsd: ir.price?.currency === 'USD' ? price : null,
    pricePerHour: ir.price ? { amount: ir.price.perHour, currency: ir.price.currency, source: ir.price.source } : null,
    pricePerMonthUsd: price === null || ir.price?.currency !== 'USD' ? null : { atMin: round2(price * HOURS_PER_MONTH * ir.scaling.min), atMax: round2(price * HOURS_PER_MONTH * ir.scaling.max) },
    priceNote,
  };
}

/** The MEMORY cell of the text plan: "w 14.2 + act/rt 0.7 + KV 4.9 = 19.8 GiB; 5.33x full context". */
export function memoryCell(memory: FitMemory | null): string {
  if (!memory) return '-';
  const d = memory.perDevice;
  const gib = (b: number) => (b / 1024 ** 3).toFixed(1);
  const devices = memory.devices > 1 ? `${memory.devices} x (` : '';
  const close = memory.devices > 1 ? ')' : '';
  const concurrency = memory.maxConcurrencyAtFullContext === null ? 'KV unchecked' : `${memory.maxConcurrencyAtFullContext}x full context`;
  return `${devices}w ${gib(d.weightsBytes)} + act/rt ${gib(d.activationBytes + d.runtimeBytes)} + KV ${gib(d.kvCacheBytes)} = ${gib(d.budgetBytes)} GiB${close}; ${concurrency}`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** `inferstack plan SPEC [--target] [--prices FILE]`: what would be deployed where, and what it costs. */
export function plan(specFile: string, targets?: TargetName | readonly TargetName[], options: CompileOptions = {}): PlanResult {
  const wanted = targets === undefined ? undefined : typeof targets === 'string' ? [targets] : targets;
  const result = compileSpecFile(specFile, { ...options, ...(wanted ? { targets: wanted } : {}) });
  const rows = result.deployments.filter((d) => !wanted || wanted.includes(d.target)).map(planRow);
  return { file: specFile, ok: result.ok, diagnostics: result.diagnostics, rows, priceSources: PRICE_SOURCES };
}
