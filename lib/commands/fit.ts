/**
 * `inferstack fit`: the engines' memory model without a spec. Given a model (parameter count and either
 * the architecture flags or a known --family), an engine and devices (a cataloged --accelerator, or
 * --gpu-memory as the driver reports it for any GPU), prints the per-device breakdown, the KV-cache tokens,
 * the maximum concurrency at full context and whether the engine starts. Exit 0 fits, 1 does not, 2 usage.
 */
import { parseArgs } from 'node:util';
import { accelerator as acceleratorInfo, acceleratorNames } from '../catalog/accelerators';
import { canonicalFamily, KNOWN_FAMILIES, knownArchitecture } from '../catalog/models';
import { Architecture, DeviceMemory, GIB, KvDtype, LmiBackend, QuantMethod, sizeForEngine, SizingEngine, SizingInput, SizingResult, WeightDtype } from '../sizing';
import { formatBytes, parseCount, parseSizeBytes } from '../spec/units';
import { instanceTypes } from '../catalog/instances';
import { CATALOG_PRICES, formatPrice, PriceBook, UserPriceTable } from '../catalog/prices';
import { matchingAccelerators, priceFor, RankedInstance, rankByCost } from '../normalize/placement';
import { TARGETS } from '../spec/constants';
import type { TargetName } from '../spec/schema';
import { loadPriceTable, PriceFileError } from './prices';
import { parseArgsMessage } from '../cli/registry';

export class FitUsageError extends Error {}

export const FIT_USAGE = `Usage:
  inferstack fit --parameters 8.03B (--layers N --kv-heads N --head-dim N | --family NAME) [--dtype bf16|fp16|fp32]
                 [--quantization none|awq|gptq|fp8|int8|int4] [--kv-cache-dtype auto|fp8|int8]
                 [--engine vllm|sglang|tgi|lmi|bladellm] [--lmi-backend vllm|trtllm|neuron] [--tensor-parallel N]
                 (--accelerator NAME | --gpu-memory SIZE) [--count N] [--gpu-memory-utilization F]
                 --context N [--max-batched-tokens N] [--prices FILE] [--output json]
  --gpu-memory is per device as the driver reports it (e.g. 23.58Gi); --context takes 16384 or 16k.`;

/** The `memory` object of `fit --output json` and of each `plan --output json` deployment. */
export interface FitMemory {
  readonly fits: boolean;
  readonly devices: number;
  readonly perDevice: DeviceMemory;
  readonly kvCacheTokens: number | null;
  readonly maxConcurrencyAtFullContext: number | null;
  readonly reason: string;
}

export function fitMemory(r: SizingResult): FitMemory {
  return {
    fits: r.fits,
    devices: r.devices,
    perDevice: r.perDevice,
    kvCacheTokens: r.kvCacheTokens ?? null,
    maxConcurrencyAtFullContext: r.maxConcurrencyAtFullContext ?? null,
    reason: r.reason,
  };
}

export interface FitRequest {
  /** The memory model's input (one sequence: fit reports the concurrency at full context). */
  readonly sizing: SizingInput;
  /** Where the architecture came from: the flags, or the family's config.json. */
  readonly architectureSource: string;
  readonly acceleratorName?: string;
  /** --count: accelerators (chips; on Neuron the sizing's devices are their NeuronCores). */
  readonly acceleratorCount: number;
  /** --prices FILE: prices the instance types that offer the accelerator. */
  readonly prices?: UserPriceTable;
  readonly json: boolean;
}

const ENGINES: readonly SizingEngine[] = ['vllm', 'sglang', 'tgi', 'lmi', 'bladellm'];
const DTYPES: readonly WeightDtype[] = ['bf16', 'fp16', 'fp32'];
const QUANTS: readonly QuantMethod[] = ['none', 'awq', 'gptq', 'fp8', 'int8', 'int4', 'smoothquant'];
const KV_DTYPES: readonly KvDtype[] = ['auto', 'fp8', 'int8', 'int4'];
const LMI_BACKENDS: readonly LmiBackend[] = ['vllm', 'trtllm', 'neuron'];

function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new FitUsageError(`--${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
}

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(value)) throw new FitUsageError(`--${flag} must be a positive whole number; got "${value}"`);
  return Number(value);
}

/** 16384, 16k (x1024) or 16K. */
export function parseTokens(flag: string, value: string): number {
  const m = /^([0-9]+)([kK])?$/.exec(value);
  if (!m || Number(m[1]) === 0) throw new FitUsageError(`--${flag} must be a token count such as 16384 or 16k; got "${value}"`);
  return Number(m[1]) * (m[2] ? 1024 : 1);
}

function parseParameters(value: string | undefined): number {
  if (value === undefined) throw new FitUsageError('--parameters is required (e.g. --parameters 8.03B)');
  try {
    const n = parseCount(/^[0-9.]+$/.test(value) ? Number(value) : value);
    if (!Number.isFinite(n) || n <= 0) throw new Error('not positive');
    return n;
  } catch {
    throw new FitUsageError(`--parameters must be a count such as 8.03B or 350M; got "${value}"`);
  }
}

function architectureFrom(values: Record<string, string | boolean | undefined>, parameters: number): { architecture: Architecture; source: string } {
  const layers = positiveInt('layers', values.layers as string | undefined);
  const kvHeads = positiveInt('kv-heads', values['kv-heads'] as string | undefined);
  const headDim = positiveInt('head-dim', values['head-dim'] as string | undefined);
  const given = [layers, kvHeads, headDim].filter((v) => v !== undefined).length;
  if (given === 3) return { architecture: { layers: layers!, kvHeads: kvHeads!, headDim: headDim! }, source: 'flags' };
  if (given > 0) throw new FitUsageError('give all three of --layers, --kv-heads and --head-dim (or --family for a known model)');
  const family = values.family as string | undefined;
  if (!family) throw new FitUsageError('give the architecture (--layers, --kv-heads, --head-dim) or a known --family');
  if (!canonicalFamily(family)) throw new FitUsageError(`--family "${family}" is not a known family (known: ${KNOWN_FAMILIES.join(', ')}); give --layers, --kv-heads and --head-dim instead`);
  const known = knownArchitecture(family, parameters);
  if (!known) throw new FitUsageError(`no built-in ${family} architecture has ${(parameters / 1e9).toFixed(2)}B parameters (within 5%); give --layers, --kv-heads and --head-dim instead`);
  return { architecture: known, source: known.source };
}

export function parseFitArgs(argv: readonly string[]): FitRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        parameters: { type: 'string' },
        layers: { type: 'string' },
        'kv-heads': { type: 'string' },
        'head-dim': { type: 'string' },
        family: { type: 'string' },
        dtype: { type: 'string' },
        quantization: { type: 'string' },
        'kv-cache-dtype': { type: 'string' },
        engine: { type: 'string' },
        'lmi-backend': { type: 'string' },
        'tensor-parallel': { type: 'string' },
        accelerator: { type: 'string' },
        'gpu-memory': { type: 'string' },
        count: { type: 'string' },
        'gpu-memory-utilization': { type: 'string' },
        context: { type: 'string' },
        'max-batched-tokens': { type: 'string' },
        output: { type: 'string' },
        prices: { type: 'string' },
      },
    });
  } catch (err) {
    throw new FitUsageError(parseArgsMessage(err as Error & { code?: string }, [...FIT_USAGE.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0])));
  }
  const v = parsed.values;
  const parameters = parseParameters(v.parameters);
  const { architecture, source } = architectureFrom(v, parameters);
  if ((v.accelerator === undefined) === (v['gpu-memory'] === undefined)) throw new FitUsageError('give exactly one of --accelerator NAME or --gpu-memory SIZE');
  let deviceMemoryBytes: number;
  let acceleratorName: string | undefined;
  // Neuron engines shard over NeuronCores, each with its share of the chip's memory (as `plan` sizes them).
  let coresPerDevice = 1;
  if (v.accelerator !== undefined) {
    const info = acceleratorInfo(v.accelerator);
    if (!info) throw new FitUsageError(`--accelerator "${v.accelerator}" is not cataloged (known: ${acceleratorNames().filter((n) => n !== 'cpu' && n !== 'auto').join(', ')}); use --gpu-memory for other GPUs`);
    coresPerDevice = info.coresPerDevice ?? 1;
    deviceMemoryBytes = Math.floor((info.usableMemoryGiB * GIB) / coresPerDevice);
    acceleratorName = info.name;
  } else {
    try {
      deviceMemoryBytes = parseSizeBytes(v['gpu-memory']!);
    } catch {
      throw new FitUsageError(`--gpu-memory must be a size such as 23.58Gi; got "${v['gpu-memory']}"`);
    }
  }
  const count = positiveInt('count', v.count) ?? 1;
  const devices = count * coresPerDevice;
  const tensorParallel = positiveInt('tensor-parallel', v['tensor-parallel']) ?? devices;
  if (tensorParallel > devices) throw new FitUsageError(`--tensor-parallel ${tensorParallel} exceeds the ${devices} ${coresPerDevice > 1 ? 'NeuronCores' : 'devices'} of --count ${count}`);
  let utilization: number | undefined;
  if (v['gpu-memory-utilization'] !== undefined) {
    utilization = Number(v['gpu-memory-utilization']);
    if (!(utilization > 0 && utilization <= 1)) throw new FitUsageError(`--gpu-memory-utilization must be in (0, 1]; got "${v['gpu-memory-utilization']}"`);
  }
  if (v.context === undefined) throw new FitUsageError('--context is required (e.g. --context 16k)');
  const output = v.output ?? 'text';
  if (output !== 'text' && output !== 'json') throw new FitUsageError(`--output must be text or json; got "${output}"`);
  const engine = oneOf('engine', v.engine, ENGINES, 'vllm');
  const maxBatchedTokens = v['max-batched-tokens'] !== undefined ? parseTokens('max-batched-tokens', v['max-batched-tokens']) : undefined;
  return {
    sizing: {
      engine,
      ...(engine === 'lmi' ? { lmiBackend: oneOf('lmi-backend', v['lmi-backend'], LMI_BACKENDS, 'vllm') } : {}),
      parameters,
      dtype: oneOf('dtype', v.dtype, DTYPES, 'bf16'),
      quantization: oneOf('quantization', v.quantization, QUANTS, 'none'),
      kvCacheDtype: oneOf('kv-cache-dtype', v['kv-cache-dtype'], KV_DTYPES, 'auto'),
      architecture,
      maxContextLength: parseTokens('context', v.context),
      maxConcurrentSequences: 1,
      deviceMemoryBytes,
      ...(acceleratorName ? { acceleratorModel: acceleratorName } : {}),
      devices,
      tensorParallel,
      ...(utilization !== undefined ? { gpuMemoryUtilization: utilization } : {}),
      ...(maxBatchedTokens !== undefined ? { maxBatchedTokens } : {}),
    },
    architectureSource: source,
    ...(acceleratorName ? { acceleratorName } : {}),
    acceleratorCount: count,
    ...(v.prices !== undefined ? { prices: loadPrices(v.prices) } : {}),
    json: output === 'json',
  };
}

function loadPrices(file: string): UserPriceTable {
  try {
    return loadPriceTable(file);
  } catch (err) {
    if (err instanceof PriceFileError) throw new FitUsageError(err.message);
    throw err;
  }
}

export interface FitResult {
  readonly request: FitRequest;
  readonly sizing: SizingResult;
  readonly memory: FitMemory;
  /** With --accelerator: per cloud, the cheapest cataloged type with that many of it (text output only). */
  readonly instances: readonly { readonly target: TargetName; readonly offer?: RankedInstance }[];
}

export function fit(req: FitRequest): FitResult {
  const sizing = sizeForEngine(req.sizing);
  return { request: req, sizing, memory: fitMemory(sizing), instances: req.acceleratorName ? cheapestOffers(req.acceleratorName, req.acceleratorCount, req.prices) : [] };
}

/** The cheapest type on each cloud with `count` of the accelerator (prices from any recorded region). */
function cheapestOffers(accelerator: string, count: number, table: UserPriceTable | undefined): { target: TargetName; offer?: RankedInstance }[] {
  const prices = table ? new PriceBook(table) : CATALOG_PRICES;
  return TARGETS.map((target) => {
    const names = matchingAccelerators(accelerator, target);
    const offered = instanceTypes(target).filter((i) => names.includes(i.accelerator) && i.count === count && !i.burstable);
    const best = rankByCost(offered, '', prices)[0];
    if (!best) return { target };
    const price = priceFor(best, '', prices);
    return { target, offer: price ? { instance: best, price } : { instance: best } };
  });
}

export function renderFitText(r: FitResult): string {
  const s = r.sizing;
  const d = s.perDevice;
  const req = r.request.sizing;
  const arch = req.architecture!;
  const device = r.request.acceleratorName ? `${req.devices} x ${r.request.acceleratorName} (${formatBytes(req.deviceMemoryBytes)} usable each)` : `${req.devices} x ${formatBytes(req.deviceMemoryBytes)}`;
  const rows: [string, string][] = [
    ['device memory', formatBytes(d.totalBytes)],
    ['engine budget', formatBytes(d.budgetBytes)],
    ['weights', formatBytes(d.weightsBytes)],
    ['activations', formatBytes(d.activationBytes)],
    ['runtime', formatBytes(d.runtimeBytes)],
    ['KV cache', formatBytes(d.kvCacheBytes)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [
    `${(req.parameters / 1e9).toFixed(2)}B ${req.dtype}${req.quantization !== 'none' ? ` ${req.quantization}` : ''} on ${device}, ${s.engine}, tensor parallel ${s.tensorParallel}`,
    `architecture: ${arch.layers} layers, ${arch.kvHeads} KV heads, head dim ${arch.headDim} (${r.request.architectureSource})`,
    `per device:`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(9)}`),
    `KV cache tokens: ${(s.kvCacheTokens ?? 0).toLocaleString('en-US')} (${(s.kvBytesPerTokenPerDevice ?? 0).toLocaleString('en-US')} bytes per token per device)`,
    `maximum concurrency at ${req.maxContextLength.toLocaleString('en-US')} tokens: ${s.maxConcurrencyAtFullContext ?? 0}x`,
    `${s.fits ? 'fits' : 'does not fit'}: ${s.reason}`,
    `rule: ${s.rule}`,
    ...r.instances.map(({ target, offer }) => `${target}: ${offer ? describeOffer(offer) : `no instance type with ${r.request.acceleratorCount} x ${r.request.acceleratorName}`}`),
  ].join('\n');
}

function describeOffer(offer: RankedInstance): string {
  const i = offer.instance;
  const price = offer.price ? `${formatPrice(offer.price)}${offer.price.exactRegion ? '' : ` in ${offer.price.region}`}` : 'no price known; give one with --prices';
  return `${i.name} (${i.count} x ${i.accelerator}, ${price})`;
}

/** The exact `--output json` document of the issue's contract. */
export function fitJson(r: FitResult): FitMemory {
  return r.memory;
}
