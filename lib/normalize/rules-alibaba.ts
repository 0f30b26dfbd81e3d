/**
 * What PAI-EAS would reject, or cannot express, reported at compile time.
 * Facts: the PAI-EAS service JSON appendix (https://www.alibabacloud.com/help/en/pai/user-guide/parameters-of-model-services),
 * the BladeLLM docs and the engine contracts in lib/engines/contracts/alibaba-*.ts (each option with its source).
 */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import { isBladeFamily } from '../catalog/engines';
import { Diagnostics } from '../diagnostics/registry';
import { deploymentServingDtype, needsBf16GpuHint } from '../engines/dtype';
import { fp8KvCacheOnGpu } from '../engines/kv-cache';
import {
  alibabaEngineLaunch,
  BLADE_IGNORED_FIELDS,
  easProcessor,
  hasAlibabaLaunch,
  isModelScope,
  mergeLaunch,
  type ProcessorDevice,
} from '../engines/contracts/alibaba';
import type { DeploymentIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { formatBytes } from '../spec/units';
import type { DeploymentContext } from './context';

export const EAS_RESERVED_PORTS = [8080, 9090] as const;
export const EAS_SERVICE_NAME_PATTERN = /^[a-z][a-z0-9_]{2,62}$/;

export function checkAlibaba(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  const t = ir.alibaba!;
  const inst = ir.instance;
  if (!EAS_SERVICE_NAME_PATTERN.test(t.serviceName)) {
    ctx.report(Diagnostics.EasServiceName, d.targets?.alibaba?.serviceName ? ['targets', 'alibaba', 'serviceName'] : ['targets', 'alibaba'], {
      found: t.serviceName,
      allowed: 'a lowercase letter, then 2-62 lowercase letters, digits or underscores',
      hint: 'set targets.alibaba.serviceName, or rename the deployment',
    });
  }
  if ((EAS_RESERVED_PORTS as readonly number[]).includes(ir.engine.port)) {
    ctx.report(Diagnostics.EasReservedPort, ['container', 'port'], { args: { port: ir.engine.port }, allowed: 'any port but 8080 and 9090', hint: 'listen on 8000 instead' });
  }

  if (ir.engine.name === 'bladellm') {
    if (!isBladeFamily(ir.model.family)) {
      ctx.report(Diagnostics.EasBladeFamily, ir.model.family ? ['model', 'family'] : ['engine'], { found: ir.model.family ?? '(not set)', allowed: 'qwen*, llama*', hint: 'use engine vllm, or set model.family for a Qwen/Llama model' });
    }
    const series = inst ? acceleratorInfo(inst.accelerator)?.series : undefined;
    if (inst && (!series || !['A', 'H', 'L'].includes(series))) {
      ctx.report(Diagnostics.EasBladeGpu, ['engine'], { args: { instance: inst.type, accelerator: inst.accelerator }, hint: 'use an A10 (gn7i), A100 (gn7/gn7e) or L-series instance, or engine vllm' });
    }
    if (inst && ir.sizing && inst.acceleratorMemoryGiB * inst.count * 1024 ** 3 < 1.7 * ir.sizing.totalWeightBytes) {
      ctx.report(Diagnostics.EasBladeMemory, ['engine'], {
        args: { needed: formatBytes(1.7 * ir.sizing.totalWeightBytes), instance: inst.type, available: `${inst.acceleratorMemoryGiB * inst.count} GiB` },
        hint: 'pick a larger GPU or more GPUs, or a quantized checkpoint',
      });
    }
  }

  if (ir.mode === 'multi-model') ctx.report(Diagnostics.EasNoMultiModel, ['mode'], { hint: 'deploy one service per model, or keep this deployment on aws only' });
  if (ir.mode === 'serverless') ctx.report(Diagnostics.EasServerlessMode, ['mode'], { hint: 'use mode realtime with scaling.min: 0' });
  if (ir.compile) {
    ctx.report(Diagnostics.EasNoCompile, ['acceleration', 'compile', 'compiler'], {
      args: { compiler: ir.compile.compiler },
      hint: 'point model.uri at an already-compiled model for alibaba, or keep the deployment on aws only',
    });
  }
  if (ir.pipeline && ir.pipeline.length > 1) ctx.report(Diagnostics.EasPipeline, ['pipeline'], { hint: 'build one image that runs the steps, and use engine custom' });

  checkServingDtype(ir, ctx);
  checkFp8KvCacheGpu(ir, ctx);
  checkProcessor(ir, ctx);
  checkModelSource(ir, ctx);
  checkEngineOverrides(ir, ctx);
  checkIgnoredByEngine(d, ir, ctx);
  if (ir.batching && ir.engine.name !== 'framework' && ir.engine.name !== 'triton' && !ir.model.generative) {
    ctx.report(Diagnostics.SettingIgnored, ['batching'], { atKey: true, args: { setting: 'batching', reason: 'EAS server-side batching works with built-in processors only' }, hint: 'batch inside the image, or use engine framework' });
  }

  // Scaling
  ir.scaling.schedule.forEach((entry, i) => {
    if (entry.min !== undefined && entry.max !== undefined && entry.min !== entry.max) {
      ctx.report(Diagnostics.SettingUnsupported, ['scaling', 'schedule', i], {
        atKey: true,
        args: { setting: `scaling.schedule[${i}] with both min ${entry.min} and max ${entry.max}`, reason: 'a PAI-EAS scheduled scaling job sets one instance count (TargetSize), not a range' },
        hint: `keep one of them: min: ${entry.min} (the instance count from that time on)`,
      });
    }
  });
  if (ir.scaling.min === 0 && t.gateway) {
    ctx.report(Diagnostics.EasScaleToZeroGateway, ['scaling', 'min'], { args: { gateway: t.gateway }, hint: 'use scaling.min 1, or the shared gateway' });
  }
  if (ir.scaling.enabled) {
    const m = ir.scaling.metric;
    if (m === 'concurrency') {
      ctx.report(Diagnostics.SettingUnsupported, ['scaling', 'metric'], {
        args: { setting: 'scaling.metric concurrency', reason: 'the EAS autoscaler scales on qps, cpu, gpu utilization or queue backlog' },
        allowed: 'qps, invocations, cpu-utilization, gpu-utilization, backlog (async)',
        hint: 'use qps or gpu-utilization, which both clouds support',
      });
    }
    if (m === 'backlog' && ir.mode !== 'async') {
      ctx.report(Diagnostics.SettingUnsupported, ['scaling', 'metric'], { args: { setting: 'scaling.metric backlog', reason: 'only asynchronous services have a queue backlog' }, hint: 'use qps' });
    }
    const qps = m === 'qps' ? ir.scaling.target : m === 'invocations' ? ir.scaling.target / 60 : undefined;
    // The finest per-instance QPS PAI-EAS takes is one thousandth (its qps1k field, service-config.ts easQpsStrategy).
    if (qps !== undefined && qps < 0.001) {
      ctx.report(Diagnostics.EasQpsTooFine, ['scaling', 'target'], { args: { qps: String(Number(qps.toPrecision(3))), metric: m }, allowed: m === 'qps' ? 'at least 0.001' : 'at least 0.06 per minute', hint: 'raise scaling.target, or scale on cpu-utilization' });
    }
    if (m === 'gpu-utilization' && (!inst || inst.count === 0)) {
      ctx.report(Diagnostics.SettingUnsupported, ['scaling', 'metric'], { args: { setting: 'scaling.metric gpu-utilization', reason: 'the instance has no GPU' }, hint: 'use qps or cpu-utilization' });
    }
  }

  // Placement
  if (t.spotMaxPrice !== undefined && t.resourceGroup) {
    ctx.report(Diagnostics.EasSpotNeedsPublic, ['resources', 'alibaba', 'spot'], { found: t.resourceGroup, hint: 'remove resources.alibaba.resourceGroup to use spot in the public resource group' });
  }

  // Settings EAS has no equivalent for: warn, never drop silently.
  const ignored: Array<[boolean, (string | number)[], string, string]> = [
    [ir.rollout.strategy === 'canary' || ir.rollout.strategy === 'linear', ['rollout', 'strategy'], `rollout ${ir.rollout.strategy}`, 'PAI-EAS updates a service by rolling its instances (max surge / max unavailable); traffic is not shifted by percentage'],
    [ir.rollout.rollbackAlarms.length > 0, ['rollout', 'rollbackAlarms'], 'rollout.rollbackAlarms', 'PAI-EAS has no alarm-driven automatic rollback'],
    [!!ir.dataCapture, ['observability', 'dataCapture'], 'observability.dataCapture', 'EAS request capture (sinker) writes to MaxCompute or SLS, not S3'],
    [ir.networkIsolation, ['security', 'networkIsolation'], 'security.networkIsolation', 'EAS has no network-isolation switch; bind the service to a VPC (network.alibaba) instead'],
    [d.security?.kmsKey !== undefined && typeof d.security.kmsKey === 'string', ['security', 'kmsKey'], 'security.kmsKey', 'EAS does not take a KMS key for service volumes'],
    [!!ir.async?.notifySuccess || !!ir.async?.notifyError, ['async', 'notify'], 'async.notify', 'EAS asynchronous services keep results in their queue service; there are no SNS notifications'],
    [!!ir.async?.output, ['async', 'output'], 'async.output', 'results of EAS asynchronous services are read from the service\'s output queue, not an S3 prefix'],
    [d.serverless !== undefined && ir.mode !== 'serverless', ['serverless'], 'serverless', 'the block applies to SageMaker serverless endpoints only'],
    [!!ir.async?.input, ['async', 'input'], 'async.input', 'requests to EAS asynchronous services go through the service\'s input queue, not an S3 prefix'],
    [ir.volumeSizeGb !== undefined, ['resources', 'volumeSize'], 'resources.volumeSize', 'inferstack sets no PAI-EAS disk size; the instance type\'s system disk is used'],
  ];
  for (const [when, path, setting, reason] of ignored) {
    if (when) ctx.report(Diagnostics.SettingIgnored, path, { atKey: true, args: { setting, reason }, hint: 'remove it, or scope the deployment to aws' });
  }
}

/** The dtype vLLM/SGLang serve in on this GPU (lib/engines/dtype.ts), or their refusal of it. */
function checkServingDtype(ir: DeploymentIR, ctx: DeploymentContext): void {
  const served = deploymentServingDtype(ir);
  if (served.refused) {
    ctx.report(Diagnostics.EngineRefusesAccelerator, ['engine'], { args: { engine: ir.engine.name, instance: ir.instance!.type, reason: served.refused }, hint: `${needsBf16GpuHint('alibaba')}${ir.engine.name === 'sglang' ? ', or engine vllm' : ', or the unquantized checkpoint'}` });
  } else if (served.reason) {
    ctx.report(Diagnostics.ServingDtypeChanged, ['model', 'dtype'], {
      args: { stored: ir.model.dtype, dtype: served.dtype, engine: ir.engine.name, reason: served.reason },
      hint: served.dtype === 'fp32' ? `sizing counts ${served.dtype} weights; ${needsBf16GpuHint('alibaba')} to serve in bf16` : `inferstack passes --dtype ${served.dtype === 'fp16' ? 'float16' : 'bfloat16'}; ${needsBf16GpuHint('alibaba')} to serve in bf16`,
    });
  }
}

/** vLLM 0.14.0 and an fp8 KV cache below compute capability 8.9 (lib/engines/kv-cache.ts). */
function checkFp8KvCacheGpu(ir: DeploymentIR, ctx: DeploymentContext): void {
  const inst = ir.instance;
  const onGpu = inst ? fp8KvCacheOnGpu('alibaba', ir.engine.name, ir.kvCacheDtype, inst.accelerator) : undefined;
  if (!inst || !onGpu) return;
  const args = { engine: onGpu.rule.engine, instance: inst.type, accelerator: inst.accelerator, cc: onGpu.computeCapability.toFixed(1) };
  const auto = 'remove acceleration.kvCacheDtype (auto keeps the KV cache in the model dtype)';
  if (onGpu.refused) {
    ctx.report(Diagnostics.Fp8KvCacheRefusesGpu, ['acceleration', 'kvCacheDtype'], {
      args: { ...args, reason: onGpu.refused },
      allowed: `kvCacheDtype auto on this GPU; fp8 on compute capability ${onGpu.rule.minComputeCapability.toFixed(1)} or more`,
      hint: `${auto}, or use an A10 (ecs.gn7i) or A100 (ecs.gn7, gn7e) instance, where vLLM stores it through FlashInfer`,
    });
  } else if (onGpu.caveat) {
    ctx.report(Diagnostics.Fp8KvCacheFlashInferOnly, ['acceleration', 'kvCacheDtype'], {
      args: { ...args, reason: onGpu.caveat },
      hint: `check that vLLM logs "Using FLASHINFER attention backend" at start-up, or ${auto}; GPUs of compute capability ${onGpu.rule.nativeComputeCapability.toFixed(1)} or more (L20, L40, H20, H100) store it natively`,
    });
  }
}

export function processorDevice(ir: DeploymentIR): ProcessorDevice {
  return ir.instance && ir.instance.count > 0 ? 'gpu' : 'cpu';
}

/** Built-in processors: the code for the format, device and model.frameworkVersion (the same version on CPU and GPU). */
function checkProcessor(ir: DeploymentIR, ctx: DeploymentContext): void {
  if (ir.engine.name !== 'framework') return;
  const device = processorDevice(ir);
  const choice = easProcessor(ir.model.format, device, ir.model.frameworkVersion);
  if ('code' in choice) {
    if (choice.defaulted) {
      ctx.report(Diagnostics.EasProcessorDefault, ['model'], { args: { processor: choice.code, format: ir.model.format }, hint: `set model.frameworkVersion (e.g. "${choice.version}") to choose the processor version` });
    }
    return;
  }
  if (choice.problem === 'version') {
    ctx.report(Diagnostics.EasProcessorVersion, ['model', 'frameworkVersion'], {
      args: { format: ir.model.format, device: device.toUpperCase() },
      found: ir.model.frameworkVersion,
      allowed: choice.offered.join(', '),
      hint: `pick one of the versions offered on ${device.toUpperCase()}, or use engine custom with an image of your framework version`,
    });
    return;
  }
  ctx.report(Diagnostics.EasNoProcessor, ['model', 'format'], {
    args: { format: ir.model.format, device: device.toUpperCase() },
    allowed: choice.formats.join(', '),
    hint: ir.model.format === 'sklearn' ? 'export the model to PMML (format pmml), or use engine custom with an image' : 'use engine custom with container.image',
  });
}

/** Model URIs the service could not load: ModelScope ids without a switch, HTTP archives without a mount, hubs without internet. */
function checkModelSource(ir: DeploymentIR, ctx: DeploymentContext): void {
  const engine = ir.engine.name;
  const modelScopeEngines = ['vllm', 'sglang', 'tei'];
  if ((engine === 'framework' || engine === 'triton') && !/^(oss|https?):\/\//.test(ir.model.uri)) {
    ctx.report(Diagnostics.EasProcessorModelPath, ['model', 'uri'], {
      args: { uri: ir.model.uri },
      allowed: 'oss://bucket/path, or an http(s):// archive (.tar.gz, .tar, .bz2, .zip)',
      hint: 'copy the model to OSS, or use engine custom with an image that mounts or downloads it',
    });
    return;
  }
  for (const [uri, path] of [[ir.model.uri, ['model', 'uri']], [ir.speculative?.draftModel, ['acceleration', 'speculative', 'draftModel']]] as const) {
    if (!uri) continue;
    if (isModelScope(uri) && !modelScopeEngines.includes(engine)) {
      ctx.report(Diagnostics.EasModelScopeEngine, [...path], {
        args: { uri, engine },
        allowed: 'modelscope:// with engine vllm or sglang (the image is told to download from ModelScope)',
        hint: 'copy the weights to OSS and use oss://bucket/dir/, or use engine vllm/sglang',
      });
    }
    if (/^https?:\/\//.test(uri) && hasAlibabaLaunch(engine)) {
      ctx.report(Diagnostics.EasHttpModel, [...path], {
        args: { uri, engine },
        allowed: 'oss://, nas://, a Hugging Face id (hf://) or modelscope://',
        hint: 'unpack the archive to OSS and point model.uri at the directory (oss://bucket/dir/); HTTP archives work only with built-in processors (engine framework)',
      });
    }
    const hub = hubOf(uri);
    const loadable = !isModelScope(uri) || modelScopeEngines.includes(engine);
    if (hub && loadable && hasAlibabaLaunch(engine) && !ir.alibaba?.vpc) {
      ctx.report(Diagnostics.EasHubNeedsInternet, [...path], {
        args: { uri, hub },
        hint: 'copy the weights to OSS (oss://bucket/dir/), or bind the service to a VPC whose vSwitch routes through a NAT gateway (network.alibaba)',
      });
    }
  }
}

/** The hub a container downloads `uri` from at start, or undefined for mounted storage. */
function hubOf(uri: string): string | undefined {
  if (isModelScope(uri)) return 'ModelScope';
  return uri.startsWith('hf://') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? 'the Hugging Face Hub' : undefined;
}

/** container.args / container.env that replace an option the engine contract sets: the user's value wins, named here. */
function checkEngineOverrides(ir: DeploymentIR, ctx: DeploymentContext): void {
  const launch = alibabaEngineLaunch(ir);
  if (!launch) return;
  const { overridden } = mergeLaunch(launch, ir.engine.args ?? [], ir.engine.env);
  for (const o of overridden) {
    const option = o.kind === 'flag' ? `${o.userName}${o.userValue ? ` ${o.userValue}` : ''}` : `${o.name}=${o.userValue}`;
    const engineValue = o.kind === 'flag' ? `${o.name}${o.engineValue !== undefined ? ` ${o.engineValue}` : ''}` : `${o.name}=${o.engineValue ?? ''}`;
    ctx.report(Diagnostics.EasOptionOverridden, o.kind === 'flag' ? ['container', 'args'] : ['container', 'env', o.name], {
      args: { option, where: o.kind === 'flag' ? 'container.args' : 'container.env', engineValue, field: o.from },
      hint: o.from.includes('.') ? `set ${o.from.split(' ')[0]} instead, or keep the override if it is intended` : 'keep the override if it is intended',
    });
  }
}

/** Settings the chosen engine has no option for: a warning each, never a silent drop. */
function checkIgnoredByEngine(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  if ((ir.engine.name === 'vllm' || ir.engine.name === 'sglang') && ir.speculative?.method === 'eagle' && !ir.speculative.draftModel) {
    // vLLM's SpeculativeConfig and SGLang's EAGLE worker both load the EAGLE head from a model path.
    ctx.report(Diagnostics.MissingKey, ['acceleration', 'speculativeDecoding'], { args: { key: 'draftModel', parent: '"speculativeDecoding"' }, hint: 'add draftModel: the location of the EAGLE head trained for this model' });
  }
  if (ir.engine.name === 'bladellm') {
    for (const f of BLADE_IGNORED_FIELDS) {
      if (ctx.has([...f.path]) && !(f.path[1] === 'trustRemoteCode' && !ir.model.trustRemoteCode)) {
        ctx.report(Diagnostics.SettingIgnored, [...f.path], { atKey: true, args: { setting: f.path.join('.'), reason: f.reason }, hint: 'remove it, or use engine vllm or sglang' });
      }
    }
  }
  if (ir.engine.name === 'framework' || ir.engine.name === 'triton') {
    for (const key of ['command', 'args', 'env'] as const) {
      if (d.container?.[key] !== undefined) {
        ctx.report(Diagnostics.SettingIgnored, ['container', key], {
          atKey: true,
          args: { setting: `container.${key}`, reason: 'PAI-EAS built-in processors run no container of yours; they read only model_path' },
          hint: 'remove it, or use engine custom with container.image',
        });
      }
    }
  }
}

/**
 * The engine `engine: auto` should pick on PAI-EAS for embedding and reranking models: `tei`, served there by the
 * PAI-EAS vLLM image in pooling mode. Undefined for other models. (Auto-selection lives in lib/normalize/engine.ts.)
 */
export function alibabaPoolingEngine(task: string, format: string): 'tei' | undefined {
  return (task === 'embedding' || task === 'rerank') && format === 'huggingface' ? 'tei' : undefined;
}
