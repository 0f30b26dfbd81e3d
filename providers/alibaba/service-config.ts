/**
 * IR -> PAI-EAS service configuration (the JSON body of CreateService / `eascmd create`).
 * Field names follow the official "parameters of model services" appendix
 * (https://www.alibabacloud.com/help/en/pai/user-guide/parameters-of-model-services); engine commands and
 * environment come from the engine contracts (lib/engines/contracts/alibaba-*.ts). Pure: same IR in, same object out.
 */
import { alibabaEngineLaunch, DRAFT_MOUNT, easProcessor, MODEL_MOUNT, mergeLaunch } from '../../lib/engines/contracts/alibaba';
import type { DeploymentIR } from '../../lib/ir';
import { processorDevice } from '../../lib/normalize/rules-alibaba';
import { DEPLOYMENT_LABEL, MANAGED_BY_LABEL, MANAGED_BY_VALUE, SPEC_LABEL } from './ownership';

export { DRAFT_MOUNT, MODEL_MOUNT };
export const INFERSTACK_VERSION = '0.1.0';

/** A container probe: HTTP GET on a path, or a TCP connect to the port (https://www.alibabacloud.com/help/en/pai/advanced-configuration-health-check). */
export interface EasProbe {
  http_get?: { path: string; port: number };
  tcp_socket?: { port: number };
  initial_delay_seconds: number;
  period_seconds: number;
  timeout_seconds: number;
  failure_threshold: number;
  success_threshold?: number;
}

export interface EasContainer {
  image: string;
  port: number;
  command?: string;
  script?: string;
  env?: Array<{ name: string; value: string }>;
  startup_check?: EasProbe;
  readiness_check?: EasProbe;
  liveness_check?: EasProbe;
}

export interface EasStorage {
  mount_path: string;
  oss?: { path: string; readOnly: boolean };
  nfs?: { server: string; path: string; readOnly: boolean };
  empty_dir?: { medium: string; size_limit: number };
}

export interface EasAutoscaler {
  min: number;
  max: number;
  scaleStrategies: Array<{ metricName: string; threshold: number }>;
  behavior: {
    scaleUp: { stabilizationWindowSeconds: number };
    scaleDown: { stabilizationWindowSeconds: number };
  };
}

export interface EasCronScaler {
  ScaleJobs: Array<{ Name: string; Schedule: string; TargetSize: number; TimeZone: string }>;
}

export interface EasServiceConfig {
  metadata: Record<string, unknown>;
  cloud?: Record<string, unknown>;
  containers?: EasContainer[];
  processor?: string;
  model_path?: string;
  storage?: EasStorage[];
  networking?: Record<string, unknown>;
  autoscaler?: EasAutoscaler;
  cronscaler?: EasCronScaler;
  labels: Record<string, string>;
}

/** Quote one shell word (for `script`, which EAS runs through a shell). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

function commandFields(words: string[]): { command?: string; script?: string } {
  const needsShell = words.some((w) => !/^[A-Za-z0-9_@%+=:,./-]+$/.test(w));
  return needsShell ? { script: words.map(shellQuote).join(' ') } : { command: words.join(' ') };
}

function httpProbe(path: string, port: number, initialDelay: number, period: number, failureThreshold: number): EasProbe {
  return { http_get: { path, port }, initial_delay_seconds: initialDelay, period_seconds: period, timeout_seconds: 5, failure_threshold: failureThreshold };
}

/** A TCP connect on the port: what a custom image without a health path gets (the PAI Python SDK's default too). */
function tcpProbe(port: number, initialDelay: number, period: number, failureThreshold: number): EasProbe {
  return { tcp_socket: { port }, initial_delay_seconds: initialDelay, period_seconds: period, timeout_seconds: 5, failure_threshold: failureThreshold };
}

function envList(env: Readonly<Record<string, string>>): Array<{ name: string; value: string }> {
  return Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name]! }));
}

/**
 * `container.secrets` in the synthesized JSON: a placeholder naming the KMS secret, never the value. deploy-eas
 * replaces it with the value it reads from KMS at apply time (providers/alibaba/secrets.ts).
 */
export function secretPlaceholders(ir: DeploymentIR): Array<{ name: string; value: string }> {
  return (ir.secrets ?? []).map((s) => ({ name: s.name, value: secretPlaceholder(s.reference) }));
}

export function secretPlaceholder(reference: string): string {
  return `{{inferstack-secret:${reference}}}`;
}

function storageFor(uri: string, mountPath: string): EasStorage | undefined {
  if (uri.startsWith('oss://')) return { mount_path: mountPath, oss: { path: uri.endsWith('/') || /\.[a-z0-9]+$/i.test(uri) ? uri : `${uri}/`, readOnly: true } };
  const nas = /^(?:nas|nfs):\/\/([^/]+)(\/.*)?$/.exec(uri);
  if (nas) return { mount_path: mountPath, nfs: { server: nas[1]!, path: nas[2] ?? '/', readOnly: true } };
  return undefined;
}

/**
 * A per-instance QPS threshold. A whole number goes in `qps`; a decimal one in `qps1k`, the field PAI-EAS defines for
 * it: "如需将单实例QPS阈值设置为小数，请通过客户端（eascmd）设置qps1k字段" (to set a decimal per-instance QPS threshold,
 * set the qps1k field), https://help.aliyun.com/zh/pai/user-guide/enable-or-disable-the-horizontal-auto-scaling-feature
 * (checked 2026-11-25). qps1k counts thousandths of a query per second, as its name says: 0.5 QPS is qps1k 500.
 */
export function easQpsStrategy(qps: number): { metricName: string; threshold: number } {
  if (Number.isInteger(qps)) return { metricName: 'qps', threshold: qps };
  return { metricName: 'qps1k', threshold: Math.round(qps * QPS1K_PER_QPS) };
}

export const QPS1K_PER_QPS = 1000;

/** EAS autoscaler metric names (CreateServiceAutoScaler scaleStrategies; async queue per the async autoscaling doc). */
export function easScaleStrategy(ir: DeploymentIR): { metricName: string; threshold: number } {
  const s = ir.scaling;
  switch (s.metric) {
    case 'qps':
      return easQpsStrategy(s.target);
    case 'invocations':
      // Per minute to per second, kept exact: 20/min is qps1k 333, not a QPS of 1 or 0.
      return easQpsStrategy(s.target / 60);
    case 'cpu-utilization':
      return { metricName: 'cpu', threshold: s.target };
    case 'gpu-utilization':
      return { metricName: 'gpu[util]', threshold: s.target };
    case 'backlog':
      return { metricName: 'queue[avgbacklog]', threshold: s.target };
    case 'concurrency':
      // Rejected by the normalizer for alibaba; kept total for type safety.
      return { metricName: 'qps', threshold: s.target };
  }
}

/** Weekday 7 (Sunday in standard cron) as 0: PAI-EAS scheduled scaling takes 0-6 or SUN-SAT. */
function easWeekday(field: string): string {
  return field
    .split(',')
    .map((item) => {
      if (item === '7') return '0';
      const range = /^(\d)-7(\/\d+)?$/.exec(item);
      if (!range) return item;
      const from = Number(range[1]);
      if (!range[2]) return from === 0 ? '0-6' : `${from}-6,0`;
      const step = Number(range[2].slice(1));
      const days = new Set<number>();
      for (let d = from; d <= 7; d += step) days.add(d % 7);
      return [...days].sort((a, b) => a - b).join(',');
    })
    .join(',');
}

/**
 * A 5-field cron (minute hour day month weekday) as the 6-field EAS form (second first), e.g. "0 0 18 * * *"
 * (CreateServiceCronScaler ScaleJobs[].Schedule,
 * https://www.alibabacloud.com/help/en/pai/developer-reference/api-eas-2021-07-01-createservicecronscaler).
 */
export function easCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length === 5) fields[4] = easWeekday(fields[4]!);
  return `0 ${fields.join(' ')}`;
}

function usesContainer(ir: DeploymentIR): boolean {
  return ir.engine.name !== 'framework' && ir.engine.name !== 'triton';
}

/** The built-in processor for `engine: framework` (format, device, model.frameworkVersion) or `triton`. */
function processorCode(ir: DeploymentIR): string | undefined {
  if (ir.engine.name === 'triton') return 'triton';
  const choice = easProcessor(ir.model.format, processorDevice(ir), ir.model.frameworkVersion);
  return 'code' in choice ? choice.code : undefined;
}

/**
 * The serving container. Contract engines (vLLM, BladeLLM, SGLang, and TEI served by vLLM pooling) get their
 * command and env from the pinned contract merged with container.args/env (one value per option, the user's
 * where both set it); custom images run their own command.
 */
function engineContainer(ir: DeploymentIR, modelMounted: boolean): EasContainer {
  const port = ir.engine.port;
  const launch = alibabaEngineLaunch(ir);
  let words: readonly string[] | undefined;
  let env: Record<string, string> = { ...ir.engine.env };
  if (launch) {
    const merged = mergeLaunch(launch, ir.engine.args ?? [], ir.engine.env);
    words = merged.words;
    env = { ...merged.env };
  } else if (ir.engine.command) {
    words = [...ir.engine.command, ...(ir.engine.args ?? [])];
  }
  if (ir.engine.name === 'custom' && modelMounted) env.MODEL_DIR ??= MODEL_MOUNT;
  const container: EasContainer = { image: ir.engine.image!, port, ...(words ? commandFields([...words]) : {}) };
  const envEntries = [...envList(env), ...secretPlaceholders(ir)];
  if (envEntries.length > 0) container.env = envEntries;
  // Startup probe long enough to cover model download and load.
  const period = 10;
  const initialDelay = ir.model.generative ? 60 : 10;
  const failures = Math.max(3, Math.ceil((ir.timeouts.startupSeconds - initialDelay) / period));
  const healthPath = ir.alibaba?.healthCheckPath ?? launch?.healthPath;
  container.startup_check = healthPath ? httpProbe(healthPath, port, initialDelay, period, failures) : tcpProbe(port, initialDelay, period, failures);
  if (launch?.readinessPath) container.readiness_check = httpProbe(launch.readinessPath, port, 0, 10, 3);
  return container;
}

export function buildServiceConfig(ir: DeploymentIR): EasServiceConfig {
  const t = ir.alibaba!;
  const inst = ir.instance!;
  const generative = ir.model.generative;
  const metadata: Record<string, unknown> = {
    name: t.serviceName,
    instance: Math.max(1, ir.scaling.min),
  };
  if (t.workspaceId) metadata.workspace_id = t.workspaceId;
  if (t.resourceGroup) {
    metadata.resource = t.resourceGroup;
    // The instance type's vCPU and memory unless the spec asks for less: a smaller request leaves room on the node
    // for a surge instance during a rolling update (resource-room.ts checks the group before each rollout).
    metadata.cpu = t.requests?.cpu ?? inst.vcpu;
    metadata.memory = t.requests?.memoryMb ?? inst.memoryGiB * 1024;
    if (inst.count > 0) metadata.gpu = inst.count;
  }
  const rpc: Record<string, unknown> = {};
  if (generative) {
    // Streaming responses of long generations must not hit the per-request timeout (HTTP 408).
    rpc.keepalive = 600000;
    rpc.max_queue_size = Math.max(64, 2 * ir.llm!.maxConcurrentSequences);
    rpc.enable_sigterm = true;
  }
  if (ir.batching && (ir.engine.name === 'framework' || ir.engine.name === 'triton')) {
    rpc.batching = true;
    rpc.max_batch_size = ir.batching.maxBatchSize;
    rpc.max_batch_timeout = ir.batching.maxDelayMs;
  }
  // rolling_strategy.max_surge: extra instances created first; max_unavailable: old instances stopped at once when
  // the update starts (https://www.alibabacloud.com/help/en/pai/user-guide/scrolling-updates-with-graceful-exit).
  // New instances come up before old ones go, on dedicated groups too: there deploy-eas reads the group's free room
  // before each rollout and, when no node can take a surge instance, sends max_surge 0 / max_unavailable 1 with a
  // warning (plan.ts judgeRooms), so that an update of a full group still finishes.
  if (ir.rollout.strategy === 'rolling') {
    metadata.rolling_strategy = { max_surge: `${ir.rollout.stepPercent}%`, max_unavailable: 0 };
  } else if (generative) {
    // Bring a new instance up before taking one down: LLM capacity is scarce and slow to load.
    metadata.rolling_strategy = { max_surge: 1, max_unavailable: 0 };
  }
  if (ir.mode === 'async') {
    // An EAS asynchronous inference service: requests queue in the service's own queue and results are fetched
    // from its output queue (service type "Async", as the PAI Python SDK's service_type sets it).
    metadata.type = 'Async';
    if (usesContainer(ir)) rpc.proxy_path = '/';
  }
  if (generative) metadata['eas.termination_grace_period'] = 60;
  if (Object.keys(rpc).length > 0) metadata.rpc = rpc;
  if (generative && ir.tensorParallel > 1) metadata.shm_size = Math.min(64, Math.max(8, Math.floor(inst.memoryGiB / 4)));

  const config: EasServiceConfig = { metadata, labels: {} };

  if (!t.resourceGroup) {
    if (t.fallback.length > 0 || t.spotMaxPrice !== undefined) {
      const instances: Array<Record<string, unknown>> = [];
      if (t.spotMaxPrice !== undefined) instances.push({ type: inst.type, spot_price_limit: t.spotMaxPrice });
      instances.push({ type: inst.type });
      for (const f of t.fallback) if (f !== inst.type) instances.push({ type: f });
      config.cloud = { computing: { instances } };
    } else {
      config.cloud = { computing: { instance_type: inst.type } };
    }
  }
  if (t.vpc) {
    config.cloud = { ...(config.cloud ?? {}), networking: { vpc_id: t.vpc.vpcId, vswitch_id: t.vpc.vswitchId, security_group_id: t.vpc.securityGroupId } };
  }

  const storage: EasStorage[] = [];
  if (ir.engine.name === 'framework' || ir.engine.name === 'triton') {
    config.processor = processorCode(ir);
    config.model_path = ir.model.uri;
  } else {
    const modelStorage = storageFor(ir.model.uri, MODEL_MOUNT);
    if (modelStorage) storage.push(modelStorage);
    const draft = ir.speculative?.draftModel ? storageFor(ir.speculative.draftModel, DRAFT_MOUNT) : undefined;
    if (draft) storage.push(draft);
    config.containers = [engineContainer(ir, !!modelStorage)];
  }
  if (storage.length > 0) config.storage = storage;

  const networking: Record<string, unknown> = {};
  if (t.gateway) networking.gateway = t.gateway;
  if (!ir.publicEndpoint) networking.disable_internet_endpoint = true;
  if (Object.keys(networking).length > 0) config.networking = networking;

  if (ir.scaling.enabled && ir.scaling.max > ir.scaling.min || (ir.scaling.enabled && ir.scaling.min === 0)) {
    config.autoscaler = {
      min: ir.scaling.min,
      max: ir.scaling.max,
      scaleStrategies: [easScaleStrategy(ir)],
      behavior: {
        scaleUp: { stabilizationWindowSeconds: ir.scaling.scaleOutCooldownSeconds },
        scaleDown: { stabilizationWindowSeconds: ir.scaling.scaleInCooldownSeconds },
      },
    };
  }
  if (ir.scaling.schedule.length > 0) {
    config.cronscaler = {
      ScaleJobs: ir.scaling.schedule.map((s, i) => ({
        Name: `${t.serviceName}_${i + 1}`.slice(0, 63),
        Schedule: easCron(s.cron),
        TargetSize: s.min ?? s.max ?? ir.scaling.min,
        TimeZone: s.timezone,
      })),
    };
  }

  config.labels = {
    ...t.labels,
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
    ...(t.specName ? { [SPEC_LABEL]: t.specName } : {}),
    [DEPLOYMENT_LABEL]: ir.name,
    'inferstack-version': INFERSTACK_VERSION,
    // The region is not part of the service JSON; `inferstack diff` reads it here (EAS_REGION_LABEL) to see a move.
    'inferstack-region': t.region,
  };
  if (ir.description) config.labels['inferstack-description'] = ir.description.slice(0, 128);
  return config;
}

/** Deterministic serialization: keys sorted at every level, two-space indent, trailing newline. */
export function stableStringify(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
