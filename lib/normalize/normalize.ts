/**
 * Stage 3: merged spec -> IR, one record per deployment and target, with every default resolved and every
 * target capability checked. Problems become diagnostics; nothing here throws for user input. Each stage
 * function (model, engine, instance, parallelism, features, targets) returns one part of the IR.
 */
import { ENGINE_CAPABILITIES } from '../catalog/engines';
import { CATALOG_PRICES, PriceBook, UserPriceTable } from '../catalog/prices';
import { DiagnosticBag } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import { fp8KvCacheOnGpu } from '../engines/kv-cache';
import type { DeploymentIR, LlmIR } from '../ir';
import { KvDtype, weightBytes } from '../sizing';
import { mergeDefaults } from '../spec/merge';
import type { DeploymentSpec, Spec } from '../spec/schema';
import { parseSizeBytes } from '../spec/units';
import { TARGETS } from '../spec/constants';
import { DeploymentContext } from './context';
import { engineDevices, engineSettings, requestedEngine, resolveEngine } from './engine';
import { asyncIR, batchingIR, compileIR, multiModelIR, normalizeLlm, pipelineIR, serverlessIR, speculativeIR, timeoutsIR } from './features';
import { allAccept, checkSizing, chooseInstance, dtypeAccepts, engineAccepts, headsAccept, kvCacheAccepts, PlacementRequest, requestedAccelerator, sizingFunction } from './instance';
import { normalizeModel, normalizeQuantization } from './model';
import { normalizeTensorParallel } from './parallelism';
import { checkNameCollisions, NormalizedEntry } from './collisions';
import { fallbackInstances } from './fallback';
import { checkAlibaba } from './rules-alibaba';
import { checkAws } from './rules-aws';
import { checkCommon } from './rules-common';
import { normalizeRollout, normalizeScaling } from './scaling';
import { checkSecretLiterals, secretsIR } from './secrets';
import { alibabaTarget, awsTarget } from './targets';

export { easServiceName } from './targets';

const GIB = 1024 ** 3;


export interface NormalizeOptions {
  /** A price table from `--prices FILE`; it wins over the spec's defaults.prices. */
  readonly prices?: UserPriceTable;
}

/** The user's price tables (spec, then --prices per cloud) over the catalog's. */
export function priceBookFor(spec: Spec, options: NormalizeOptions): PriceBook {
  const fromSpec = (spec.defaults as { prices?: UserPriceTable } | undefined)?.prices;
  if (!fromSpec && !options.prices) return CATALOG_PRICES;
  return new PriceBook({ ...(fromSpec ?? {}), ...(options.prices ?? {}) });
}

export function normalizeSpec(spec: Spec, bag: DiagnosticBag, options: NormalizeOptions = {}): DeploymentIR[] {
  const out: DeploymentIR[] = [];
  const deployments = spec.deployments ?? {};
  if (Object.keys(deployments).length === 0) {
    bag.add(Diagnostics.NoDeployments, ['deployments'], { hint: 'add a deployment under "deployments:"' });
    return out;
  }
  if (bag.errorCountUnder(['defaults']) > 0) return out;
  const prices = priceBookFor(spec, options);
  const { prices: _prices, ...defaults } = (spec.defaults ?? {}) as Record<string, unknown>;
  const entries: NormalizedEntry[] = [];
  for (const [name, raw] of Object.entries(deployments)) {
    if (bag.errorCountUnder(['deployments', name]) > 0) continue;
    const merged = mergeDefaults(defaults, raw as Record<string, unknown>, ['deployments', name]);
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
      const ctx = new DeploymentContext(bag, merged, name, target, prices);
      const ir = normalizeForTarget(d, ctx);
      if (ir) entries.push({ ir, ctx });
    }
  }
  checkNameCollisions(entries);
  for (const e of entries) if (e.ctx.errorCount === 0) out.push(e.ir);
  return out;
}

function normalizeForTarget(d: DeploymentSpec, ctx: DeploymentContext): DeploymentIR | undefined {
  const target = ctx.target;
  const region = regionOf(d, ctx);
  const model = normalizeModel(d, ctx);
  if (!model) return undefined;
  const mode = d.mode ?? 'realtime';
  const requested = requestedEngine(d, model, ctx);
  if (requested === undefined) return undefined;
  const quantization = normalizeQuantization(d);
  const kvCacheDtype = (d.acceleration?.kvCacheDtype ?? 'auto') as KvDtype;
  const llm = normalizeLlm(d, model, ctx);

  const accelRequest = requestedAccelerator(d, model, ctx);
  if (accelRequest === undefined) return undefined;
  const explicitTp = typeof d.acceleration?.tensorParallel === 'number' ? d.acceleration.tensorParallel : undefined;
  const sizingSpec = { model, quantization, kvCacheDtype, llm, target, ...(explicitTp !== undefined ? { tensorParallel: explicitTp } : {}) };
  const weightsBytes = model.generative && model.parameters ? weightBytes(model.parameters, model.dtype, quantization.method, model.architecture) : undefined;
  const req: PlacementRequest = {
    region: region ?? '',
    devices: engineDevices(requested, model, target, mode),
    engine: String(requested),
    sizingFor: sizingFunction({ ...sizingSpec, engine: requested }),
    weightsBytes: weightsBytes ?? 0,
    ...withAccept(allAccept(engineAccepts(requested, weightsBytes ?? 0), headsAccept(model, explicitTp ?? d.resources?.count), dtypeAccepts(requested, target, model, quantization), kvCacheAccepts(requested, target, kvCacheDtype))),
  };
  const placement = chooseInstance(d, ctx, accelRequest, req, mode === 'serverless' && target === 'aws');
  if (!placement) return undefined;
  const chosenType = placement.chosenType;

  const bladeFits = !!chosenType && weightsBytes !== undefined && chosenType.acceleratorMemoryGiB * chosenType.count * GIB >= 1.7 * weightsBytes;
  const choice = resolveEngine(d, ctx, requested, model, chosenType, bladeFits);
  const tensorParallel = normalizeTensorParallel(d, ctx, model, chosenType, choice.device);
  const resolvedReq = { ...req, sizingFor: sizingFunction({ ...sizingSpec, engine: choice.name }), ...withAccept(allAccept(engineAccepts(choice.name, weightsBytes ?? 0), headsAccept(model, explicitTp ?? d.resources?.count), dtypeAccepts(choice.name, target, model, quantization), kvCacheAccepts(choice.name, target, kvCacheDtype))) };
  // Suggest an fp8 KV cache only where the engine takes one and can hold it on this GPU (not PAI vLLM on a V100).
  const fp8KvPossible = kvCacheDtype === 'auto' && ENGINE_CAPABILITIES[choice.name].kvCacheDtypes.includes('fp8')
    && !fp8KvCacheOnGpu(target, choice.name, 'fp8', chosenType?.accelerator)?.refused;
  const sizing = checkSizing(ctx, model, llm, placement, resolvedReq, fp8KvPossible);
  const engine = engineSettings(d, ctx, choice, model, region);
  checkMaxBatchedTokens(ctx, llm, choice);
  const price = chosenType ? ctx.prices.priceOf(target, chosenType.name, region ?? '') : undefined;
  const fallbackInstanceTypes = fallbackInstances(d, ctx, placement, resolvedReq, engine.name);

  const ir: DeploymentIR = {
    name: ctx.name,
    target,
    ...(d.description ? { description: d.description } : {}),
    model,
    engine,
    mode,
    ...(placement.instance ? { instance: placement.instance } : {}),
    fallbackInstanceTypes,
    ...(d.resources?.volumeSize ? { volumeSizeGb: Math.ceil(parseSizeBytes(d.resources.volumeSize) / GIB) } : {}),
    tensorParallel,
    ...(llm ? { llm } : {}),
    ...(sizing ? { sizing } : {}),
    ...batchingIR(d),
    quantization,
    kvCacheDtype,
    ...compileIR(d),
    ...speculativeIR(d),
    ...serverlessIR(d),
    ...asyncIR(d),
    ...multiModelIR(d),
    ...pipelineIR(d, target),
    ...secretsIR(d, ctx, target === 'alibaba' && (engine.name === 'framework' || engine.name === 'triton')),
    scaling: normalizeScaling(d, model, llm, mode, ctx),
    rollout: normalizeRollout(d),
    publicEndpoint: d.network?.public ?? true,
    networkIsolation: d.security?.networkIsolation ?? false,
    ...(d.observability?.dataCapture ? { dataCapture: d.observability.dataCapture } : {}),
    timeouts: timeoutsIR(d, model, weightsBytes),
    ...(price ? { price: { perHour: price.perHour, currency: price.currency, region: price.region, source: price.source } } : {}),
    ...(target === 'aws' ? { aws: awsTarget(d, ctx, region ?? '') } : { alibaba: alibabaTarget(d, ctx, region ?? '', fallbackInstanceTypes) }),
  };

  checkSecretLiterals(d, ctx);
  checkCommon(d, ir, ctx);
  if (target === 'aws') checkAws(d, ir, ctx);
  else checkAlibaba(d, ir, ctx);
  return ir;
}

/** Engines whose batch/profiling token budget the emitters set (vLLM, LMI, TGI, SGLang, BladeLLM flags). */
const BATCHED_TOKENS_ENGINES: readonly string[] = ['vllm', 'lmi', 'tgi', 'sglang', 'bladellm'];

function checkMaxBatchedTokens(ctx: DeploymentContext, llm: LlmIR | undefined, choice: { name: string; device: string }): void {
  if (llm?.maxBatchedTokens === undefined || (choice.device !== 'neuron' && BATCHED_TOKENS_ENGINES.includes(choice.name))) return;
  ctx.report(Diagnostics.SettingIgnored, ['llm', 'maxBatchedTokens'], {
    atKey: true,
    args: { setting: 'llm.maxBatchedTokens', reason: choice.device === 'neuron' ? 'Neuron engines compile fixed batch shapes' : `engine ${choice.name} has no batch token budget inferstack sets` },
    hint: "remove llm.maxBatchedTokens, or pass the engine's own flag in container.args or container.env",
  });
}

function withAccept(accept: PlacementRequest['accept']): Pick<PlacementRequest, 'accept'> {
  return accept ? { accept } : {};
}

function regionOf(d: DeploymentSpec, ctx: DeploymentContext): string | undefined {
  const region = d.targets?.[ctx.target]?.region;
  if (!region) {
    ctx.report(Diagnostics.MissingRegion, ['targets', ctx.target], {
      hint: `add "region:" under targets.${ctx.target} (or defaults.targets.${ctx.target})`,
      allowed: ctx.target === 'aws' ? 'an AWS region such as us-east-1' : 'an Alibaba Cloud region such as cn-hangzhou',
    });
  }
  return region;
}
