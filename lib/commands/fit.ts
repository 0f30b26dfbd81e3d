/**
 * `inferstack fit`: the engines' memory model without a spec. Given a model (parameter count and either
 * the architecture flags or a known --family), an engine and devices (a cataloged --accelerator, or
 * --gpu-memory as the driver reports it for any GPU), prints the per-device breakdown, the KV-cache tokens,
 * the maximum concurrency at full context and whether the engine starts. Exit 0 fits, 1 does not, 2 usage.
 *
 * On a GPU whose compute capability is known (a cataloged --accelerator, or --compute-capability) it applies the
 * rules `plan` applies to the same engine build, through the same functions: the dtype the engine serves in
 * (lib/engines/dtype.ts) sizes the weights, and fp8 KV-cache support per GPU (lib/engines/kv-cache.ts) warns or
 * refuses. Which build: --target, else the only cloud that runs the engine, else (vLLM) PAI-EAS's vLLM 0.14.0.
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
import { ENGINE_CAPABILITIES, type DeviceKind, type EngineName } from '../catalog/engines';
import { dtypeBehaviour, servingDtype } from '../engines/dtype';
import { awsKvCacheDtypeBlock, fp8KvCacheOnGpu, fp8KvRule } from '../engines/kv-cache';
import { Diagnostics, type DiagnosticDefinition } from '../diagnostics/registry';
import { formatTemplate } from '../diagnostics/diagnostic';
import type { TargetName } from '../spec/schema';
import { loadPriceTable, PriceFileError } from './prices';
import { parseArgsMessage } from '../cli/registry';

export class FitUsageError extends Error {}

export const FIT_USAGE = `Usage:
  inferstack fit --parameters 8.03B (--layers N --kv-heads N --head-dim N | --family NAME) [--dtype bf16|fp16|fp32]
                 [--quantization none|awq|gptq|fp8|int8|int4] [--kv-cache-dtype auto|fp8|int8]
                 [--engine vllm|sglang|tgi|lmi|bladellm] [--lmi-backend vllm|trtllm|neuron] [--tensor-parallel N]
                 (--accelerator NAME | --gpu-memory SIZE [--compute-capability X.Y]) [--count N]
                 [--gpu-memory-utilization F] --context N [--max-batched-tokens N] [--max-num-seqs N]
                 [--target aws|alibaba]
                 [--prices FILE] [--output json]
  --gpu-memory is per device as the driver reports it (e.g. 23.58Gi); --context takes 16384 or 16k.
  --target picks the cloud's engine build whose dtype and fp8 KV-cache rules apply (as plan applies them): by
  default the only cloud that runs the engine, and alibaba (PAI-EAS vLLM 0.14.0) for vllm, which runs on both
  (aws: LMI 0.30.0's vLLM 0.6.2). --compute-capability (e.g. 7.5) lets --gpu-memory be checked the same way.
  --max-num-seqs is vLLM's max_num_seqs (plan passes llm.maxConcurrentSequences): its start-up sampler pass takes
  memory for that many rows (default: vLLM's own, 256 on most GPUs).`;

/** The `memory` object of `fit --output json` and of each `plan --output json` deployment. */
export interface FitMemory {
  readonly fits: boolean;
  readonly devices: number;
  readonly perDevice: DeviceMemory;
  readonly kvCacheTokens: number | null;
  readonly maxConcurrencyAtFullContext: number | null;
  readonly reason: string;
}

/** `fit --output json`: the memory object plus what the engine build's GPU rules say (README `fit`). */
export interface FitJson extends FitMemory {
  /** Served-dtype changes, fp8 KV-cache caveats, and which GPU rules could not be checked. */
  readonly warnings: readonly string[];
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
  /** The engine as `plan` names it (lmi with --lmi-backend trtllm is tensorrt-llm). */
  readonly engineName: EngineName;
  readonly deviceKind: DeviceKind;
  /** Whose engine build's rules apply, and whether --target said so. */
  readonly target: TargetName;
  readonly targetGiven: boolean;
  /** --family, as given (the served-dtype rules are per family). */
  readonly family?: string;
  /** --compute-capability (with --gpu-memory). */
  readonly computeCapability?: number;
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
        'max-num-seqs': { type: 'string' },
        output: { type: 'string' },
        prices: { type: 'string' },
        target: { type: 'string' },
        'compute-capability': { type: 'string' },
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
  const maxNumSeqs = positiveInt('max-num-seqs', v['max-num-seqs']);
  const lmiBackend = engine === 'lmi' ? oneOf('lmi-backend', v['lmi-backend'], LMI_BACKENDS, 'vllm') : undefined;
  const engineName: EngineName = lmiBackend === 'trtllm' ? 'tensorrt-llm' : engine;
  const computeCapability = parseComputeCapability(v['compute-capability'], acceleratorName);
  return {
    sizing: {
      engine,
      ...(lmiBackend ? { lmiBackend } : {}),
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
      ...(maxNumSeqs !== undefined ? { maxNumSeqs } : {}),
    },
    architectureSource: source,
    ...(acceleratorName ? { acceleratorName } : {}),
    engineName,
    deviceKind: lmiBackend === 'neuron' || (acceleratorName && acceleratorInfo(acceleratorName)?.vendor === 'aws') ? 'neuron' : 'nvidia',
    ...fitTarget(engineName, v.target),
    ...(v.family !== undefined ? { family: v.family } : {}),
    ...(computeCapability !== undefined ? { computeCapability } : {}),
    acceleratorCount: count,
    ...(v.prices !== undefined ? { prices: loadPrices(v.prices) } : {}),
    json: output === 'json',
  };
}

/** --target, checked against the clouds that run the engine; by default the only one, or alibaba for vllm. */
function fitTarget(engine: EngineName, flag: string | undefined): { target: TargetName; targetGiven: boolean } {
  const offered = TARGETS.filter((t) => ENGINE_CAPABILITIES[engine].targets[t]);
  if (flag === undefined) return { target: offered.includes('alibaba') ? 'alibaba' : offered[0]!, targetGiven: false };
  const target = oneOf('target', flag, TARGETS, 'alibaba');
  if (!offered.includes(target)) throw new FitUsageError(`--target ${target}: ${engine} runs on ${offered.join(' and ')} only`);
  return { target, targetGiven: true };
}

/** X.Y as CUDA writes it (7.5); only for --gpu-memory, since a cataloged accelerator's is known. */
function parseComputeCapability(value: string | undefined, acceleratorName: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (acceleratorName) throw new FitUsageError(`--compute-capability goes with --gpu-memory; the catalog knows ${acceleratorName}'s`);
  if (!/^[1-9][0-9]?\.[0-9]$/.test(value)) throw new FitUsageError(`--compute-capability must be major.minor such as 7.5 or 8.0; got "${value}"`);
  return Number(value);
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
  /** The dtype the weights were sized in (the engine's served dtype on this GPU). */
  readonly servedDtype: WeightDtype;
  /** Which engine build's GPU rules applied (e.g. "vLLM 0.14.0 on alibaba"); undefined when none apply. */
  readonly rules?: string;
  readonly warnings: readonly string[];
  /** With --accelerator: per cloud, the cheapest cataloged type with that many of it (text output only). */
  readonly instances: readonly { readonly target: TargetName; readonly offer?: RankedInstance }[];
}

export function fit(req: FitRequest): FitResult {
  const gpu = gpuRules(req, req.target);
  const sizing = sizeForEngine({ ...req.sizing, dtype: gpu.dtype });
  const sized = fitMemory(sizing);
  const refusals = refusalsOf(req, gpu);
  const memory = refusals.length > 0 ? { ...sized, fits: false, reason: refusals.join('; ') } : sized;
  const warnings = [...gpu.warnings, ...otherBuildDiffers(req, gpu.dtype, refusals)];
  return {
    request: req,
    sizing,
    memory,
    servedDtype: gpu.dtype,
    ...(gpu.build ? { rules: `${gpu.build} on ${req.target}` } : {}),
    warnings,
    instances: req.acceleratorName ? cheapestOffers(req.acceleratorName, req.acceleratorCount, req.prices) : [],
  };
}

/** The engine's KV-cache dtypes (the capability data plan checks as IS2033): LMI 0.30.0 keeps its cache in the model dtype. */
function kvCacheDtypeRefusal(req: FitRequest): string[] {
  const allowed = ENGINE_CAPABILITIES[req.engineName].kvCacheDtypes;
  const kv = req.sizing.kvCacheDtype;
  if (kv === 'auto') return [];
  if (!allowed.includes(kv)) return [`${message(Diagnostics.KvCacheDtypeUnsupported, { found: kv, engine: req.engineName }).replace('kvCacheDtype', '--kv-cache-dtype')} (allowed: ${allowed.join(', ')})`];
  const block = req.target === 'aws' ? awsKvCacheDtypeBlock(req.engineName, req.deviceKind, kv) : undefined;
  return block ? [`${Diagnostics.AwsEngineOptionUnsupported.code}: --kv-cache-dtype ${kv} is not supported by ${req.engineName} on SageMaker: ${block.reason}`] : [];
}

interface GpuRules {
  readonly dtype: WeightDtype;
  /** The engine build whose rules applied (e.g. "vLLM 0.14.0"); undefined when none apply. */
  readonly build?: string;
  readonly warnings: readonly string[];
  readonly refusals: readonly string[];
}

/** A diagnostic of plan's registry as fit prints it: "IS2101: <the same message>". */
function message(d: DiagnosticDefinition, args: Record<string, string | number>): string {
  return `${d.code}: ${formatTemplate(d.template, args)}`;
}

/** The engine build's served-dtype and fp8 KV-cache rules on this GPU: plan's functions, fit's wording. */
function gpuRules(req: FitRequest, target: TargetName): GpuRules {
  const s = req.sizing;
  const cc = req.computeCapability ?? (req.acceleratorName ? acceleratorInfo(req.acceleratorName)?.computeCapability : undefined);
  const behaviour = dtypeBehaviour(target, req.engineName, req.deviceKind);
  const served = servingDtype({ stored: s.dtype, accelerator: req.acceleratorName, quantization: s.quantization, family: req.family, behaviour, ...(cc !== undefined ? { computeCapability: cc } : {}) });
  const kv = req.deviceKind === 'nvidia' ? fp8KvCacheOnGpu(target, req.engineName, s.kvCacheDtype, req.acceleratorName, cc) : undefined;
  const gpu = req.acceleratorName ?? `a GPU of compute capability ${cc?.toFixed(1)}`;
  const engine = behaviour?.engine ?? kv?.rule.engine ?? req.engineName;
  const warnings: string[] = [];
  const refusals: string[] = [];
  // plan's messages name spec keys (model.dtype, kvCacheDtype); fit names the flags that set them.
  if (served.refused) refusals.push(message(Diagnostics.EngineRefusesAccelerator, { engine, instance: gpu, reason: served.refused }));
  else if (served.reason) warnings.push(message(Diagnostics.ServingDtypeChanged, { stored: s.dtype, dtype: served.dtype, engine, reason: served.reason }).replace('model.dtype', '--dtype'));
  if (kv) {
    const args = { engine: kv.rule.engine, instance: 'this GPU', accelerator: req.acceleratorName ?? 'given by --gpu-memory', cc: kv.computeCapability.toFixed(1) };
    if (kv.refused) refusals.push(message(Diagnostics.Fp8KvCacheRefusesGpu, { ...args, reason: kv.refused }).replace('kvCacheDtype fp8', '--kv-cache-dtype fp8'));
    else if (kv.caveat) warnings.push(message(Diagnostics.Fp8KvCacheFlashInferOnly, { ...args, reason: kv.caveat }).replace('kvCacheDtype fp8', '--kv-cache-dtype fp8'));
  }
  const checkable = behaviour !== undefined || (s.kvCacheDtype === 'fp8' && req.deviceKind === 'nvidia' && fp8KvRule(target, req.engineName) !== undefined);
  if (checkable && cc === undefined) {
    warnings.push(`not checked: the GPU's compute capability is unknown (give --compute-capability X.Y with --gpu-memory), so the served dtype (bf16 is served as fp16 below 8.0; some engines refuse some families there) and fp8 KV-cache support were not checked; the weights are sized in ${s.dtype} as stored`);
  }
  return { dtype: served.dtype, ...(behaviour || kv ? { build: engine } : {}), warnings, refusals };
}

/** vLLM runs on both clouds in different builds: when --target was not given, say if the other one decides differently. */
/** Why the engine build of `req.target` refuses: a KV-cache dtype its container cannot take, then its GPU rules. */
function refusalsOf(req: FitRequest, gpu: GpuRules): string[] {
  return [...kvCacheDtypeRefusal(req), ...gpu.refusals];
}

function otherBuildDiffers(req: FitRequest, dtype: WeightDtype, refusals: readonly string[]): string[] {
  if (req.targetGiven) return [];
  const others = TARGETS.filter((t) => t !== req.target && ENGINE_CAPABILITIES[req.engineName].targets[t]);
  return others.flatMap((t) => {
    const other = gpuRules(req, t);
    const otherRefusals = refusalsOf({ ...req, target: t }, other);
    if (other.dtype === dtype && otherRefusals.join() === refusals.join()) return [];
    const verdict = otherRefusals.length > 0 ? `refuses: ${otherRefusals.join('; ')}` : `starts on this GPU (no recorded rule refuses it) and serves the weights in ${other.dtype}`;
    return [`with --target ${t}, ${other.build ?? req.engineName} ${verdict}; run fit with --target ${t} for that build's numbers`];
  });
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
  const dtype = r.servedDtype === req.dtype ? req.dtype : `${req.dtype} served as ${r.servedDtype}`;
  return [
    `${(req.parameters / 1e9).toFixed(2)}B ${dtype}${req.quantization !== 'none' ? ` ${req.quantization}` : ''} on ${device}, ${s.engine}, tensor parallel ${s.tensorParallel}`,
    `architecture: ${arch.layers} layers, ${arch.kvHeads} KV heads, head dim ${arch.headDim} (${r.request.architectureSource})`,
    `per device:`,
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(9)}`),
    `KV cache tokens: ${(s.kvCacheTokens ?? 0).toLocaleString('en-US')} (${(s.kvBytesPerTokenPerDevice ?? 0).toLocaleString('en-US')} bytes per token per device)`,
    `maximum concurrency at ${req.maxContextLength.toLocaleString('en-US')} tokens: ${s.maxConcurrencyAtFullContext ?? 0}x`,
    `${r.memory.fits ? 'fits' : 'does not fit'}: ${r.memory.reason}`,
    `rule: ${s.rule}`,
    ...(r.rules ? [`GPU rules: ${r.rules}${r.request.targetGiven ? '' : ' by default; --target chooses the cloud'}`] : []),
    ...r.warnings.map((w) => `warning: ${w}`),
    ...r.instances.map(({ target, offer }) => `${target}: ${offer ? describeOffer(offer) : `no instance type with ${r.request.acceleratorCount} x ${r.request.acceleratorName}`}`),
  ].join('\n');
}

function describeOffer(offer: RankedInstance): string {
  const i = offer.instance;
  const price = offer.price ? `${formatPrice(offer.price)}${offer.price.exactRegion ? '' : ` in ${offer.price.region}`}` : 'no price known; give one with --prices';
  return `${i.name} (${i.count} x ${i.accelerator}, ${price})`;
}

/** The `--output json` document: the issue's contract (plan's memory object) plus `warnings`. */
export function fitJson(r: FitResult): FitJson {
  return { ...r.memory, warnings: r.warnings };
}
