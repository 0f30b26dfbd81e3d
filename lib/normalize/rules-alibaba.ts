/**
 * What PAI-EAS would reject, or cannot express, reported at compile time.
 * Facts: ../shared/reference/alibaba-pai-eas.md §1 (service JSON, reserved ports, autoscaler limits),
 * §1.10 (built-in processors), §3.4 (BladeLLM limits).
 */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import { isBladeFamily } from '../catalog/engines';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { formatBytes } from '../spec/units';
import type { DeploymentContext } from './context';

export const EAS_RESERVED_PORTS = [8080, 9090] as const;
export const EAS_SERVICE_NAME_PATTERN = /^[a-z][a-z0-9_]{2,62}$/;

/** Built-in processor codes by model format and device (reference §1.10; PAI Python SDK mappings). */
export const EAS_PROCESSORS: Record<string, { cpu?: string; gpu?: string }> = {
  tensorflow: { cpu: 'tensorflow_cpu_2.3', gpu: 'tensorflow_gpu_1.15' },
  pytorch: { cpu: 'pytorch_cpu_1.6', gpu: 'pytorch_gpu_1.6' },
  xgboost: { cpu: 'xgboost' },
  pmml: { cpu: 'pmml' },
  triton: { gpu: 'triton' },
};

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
    if (inst && ir.sizing && inst.acceleratorMemoryGiB * inst.count * 1024 ** 3 < 1.7 * ir.sizing.weightBytes) {
      ctx.report(Diagnostics.EasBladeMemory, ['engine'], {
        args: { needed: formatBytes(1.7 * ir.sizing.weightBytes), instance: inst.type, available: `${inst.acceleratorMemoryGiB * inst.count} GiB` },
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

  if (ir.engine.name === 'framework') {
    const proc = EAS_PROCESSORS[ir.model.format];
    const device = inst && inst.count > 0 ? 'gpu' : 'cpu';
    if (!proc?.[device]) {
      const formats = Object.entries(EAS_PROCESSORS).filter(([, p]) => p[device]).map(([f]) => f);
      ctx.report(Diagnostics.EasNoProcessor, ['model', 'format'], {
        args: { format: ir.model.format, device: device.toUpperCase() },
        allowed: formats.join(', '),
        hint: ir.model.format === 'sklearn' ? 'export the model to PMML (format pmml), or use engine custom with an image' : 'use engine custom with container.image',
      });
    }
  }
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
  ];
  for (const [when, path, setting, reason] of ignored) {
    if (when) ctx.report(Diagnostics.SettingIgnored, path, { atKey: true, args: { setting, reason }, hint: 'remove it, or scope the deployment to aws' });
  }
}
