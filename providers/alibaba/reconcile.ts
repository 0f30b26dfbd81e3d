/**
 * Pure comparison of a desired PAI-EAS service configuration with what runs: field-level changes, ignoring
 * keys the server adds (region, tokens, defaults it fills in).
 */
import type { EasAutoScalerState, EasCronScalerState, EasService } from './eas-client';
import type { EasAutoscaler, EasCronScaler, EasServiceConfig } from './service-config';

export interface FieldChange {
  readonly path: string;
  readonly from: unknown;
  readonly to: unknown;
}

export interface DesiredService {
  /** Sent to CreateService / UpdateService. */
  readonly service: Omit<EasServiceConfig, 'autoscaler' | 'cronscaler'>;
  readonly autoscaler?: EasAutoscaler;
  readonly cronscaler?: EasCronScaler;
  readonly labels: Record<string, string>;
}

/** Splits the synthesized JSON: the service body, and the scalers applied through their own APIs. */
export function splitConfig(config: EasServiceConfig): DesiredService {
  const { autoscaler, cronscaler, ...service } = config;
  return { service, ...(autoscaler ? { autoscaler } : {}), ...(cronscaler ? { cronscaler } : {}), labels: { ...config.labels } };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function equalJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => (isObject(x) && isObject(b[i]) ? diffSubset(x, b[i] as Record<string, unknown>).length === 0 : equalJson(x, b[i])));
  if (isObject(a) && isObject(b)) return diffSubset(a, b).length === 0;
  return a === b;
}

/** Changes needed so that `current` carries every value of `desired`; keys only in `current` are the server's. */
export function diffSubset(desired: Record<string, unknown>, current: Record<string, unknown> | undefined, prefix = ''): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const key of Object.keys(desired).sort()) {
    const path = prefix ? `${prefix}.${key}` : key;
    const want = desired[key];
    const have = current?.[key];
    if (isObject(want) && isObject(have)) changes.push(...diffSubset(want, have, path));
    else if (!equalJson(want, have)) changes.push({ path, from: have, to: want });
  }
  return changes;
}

export function currentConfig(service: EasService): Record<string, unknown> {
  if (!service.ServiceConfig) return {};
  try {
    const parsed = JSON.parse(service.ServiceConfig) as unknown;
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Paths inferstack writes in the service body ("*" = every array index). A value the server holds at one of them
 * that the spec no longer sets is a removal; keys outside them are the server's own (region, defaults).
 */
const MANAGED_PATHS: readonly (readonly string[])[] = [
  ...['workspace_id', 'resource', 'cpu', 'memory', 'gpu', 'rolling_strategy', 'type', 'eas.termination_grace_period', 'shm_size'].map((k) => ['metadata', k]),
  ...['keepalive', 'max_queue_size', 'enable_sigterm', 'batching', 'max_batch_size', 'max_batch_timeout', 'proxy_path'].map((k) => ['metadata', 'rpc', k]),
  ['cloud', 'computing'],
  ['cloud', 'networking'],
  ...['command', 'script', 'env', 'startup_check', 'readiness_check', 'liveness_check'].map((k) => ['containers', '*', k]),
  ['containers'],
  ['processor'],
  ['model_path'],
  ['storage'],
  ['networking', 'gateway'],
  ['networking', 'disable_internet_endpoint'],
];

/** false, null, "" and {} are how a server says "not set". */
function isUnset(v: unknown): boolean {
  return v === undefined || v === null || v === false || v === '' || (isObject(v) && Object.keys(v).length === 0);
}

function removalsAt(desired: unknown, current: unknown, segments: readonly string[], prefix: string): FieldChange[] {
  if (segments.length === 0) return isUnset(current) || desired !== undefined ? [] : [{ path: prefix, from: current, to: undefined }];
  const [head, ...rest] = segments;
  if (head === '*') {
    if (!Array.isArray(current)) return [];
    return current.flatMap((item, i) => removalsAt(Array.isArray(desired) ? desired[i] : undefined, item, rest, `${prefix}.${i}`));
  }
  if (!isObject(current)) return [];
  return removalsAt(isObject(desired) ? desired[head!] : undefined, current[head!], rest, prefix ? `${prefix}.${head}` : head!);
}

/** Settings the service holds that the spec no longer sets (a removed VPC binding, gateway, probe, ...). */
export function removedSettings(desired: Record<string, unknown>, current: Record<string, unknown>): FieldChange[] {
  return MANAGED_PATHS.flatMap((p) => removalsAt(desired, current, p, ''));
}

export interface CompareOptions {
  /** An autoscaler owns the instance count: `metadata.instance` is not compared. @default false */
  readonly autoscaled?: boolean;
}

export function serviceChanges(desired: DesiredService, current: EasService, opts: CompareOptions = {}): FieldChange[] {
  const { labels: _labels, ...body } = desired.service;
  void _labels;
  const have = currentConfig(current);
  const changes = [...diffSubset(body as Record<string, unknown>, have), ...removedSettings(body as Record<string, unknown>, have)].filter((c) => !(opts.autoscaled && c.path === 'metadata.instance'));
  changes.push(...labelChanges(desired.labels, Object.fromEntries((current.Labels ?? []).map((l) => [l.LabelKey, l.LabelValue]))));
  return changes;
}

/** Label keys the platform sets itself (e.g. "system.*", "eas.aliyun.com/..."): never removed. */
function isPlatformLabel(key: string): boolean {
  return key.includes('/') || /^(system|eas|pai|acs|aliyun)[.:]/i.test(key);
}

export function labelChanges(desired: Record<string, string>, have: Record<string, string>): FieldChange[] {
  const changes = diffSubset(desired, have, 'labels');
  for (const key of Object.keys(have).sort()) {
    if (!(key in desired) && !isPlatformLabel(key)) changes.push({ path: `labels.${key}`, from: have[key], to: undefined });
  }
  return changes;
}

/** The update body: with an autoscaler, the instance count the service runs now (within min..max) is kept. */
export function updateBody(desired: DesiredService, current: EasService | undefined): DesiredService['service'] {
  if (!desired.autoscaler || !current) return desired.service;
  const live = current.TotalInstance ?? Number((currentConfig(current).metadata as { instance?: number } | undefined)?.instance);
  if (!Number.isFinite(live)) return desired.service;
  const instance = Math.min(desired.autoscaler.max, Math.max(desired.autoscaler.min, Number(live)));
  return { ...desired.service, metadata: { ...desired.service.metadata, instance } };
}

/** DescribeServiceAutoScaler as the body CreateServiceAutoScaler takes: metric names lower case, Behavior unwrapped. */
function normalizedAutoscaler(current: EasAutoScalerState): Record<string, unknown> {
  const behavior = isObject(current.Behavior) && isObject(current.Behavior.behavior) ? current.Behavior.behavior : current.Behavior;
  return {
    min: current.MinReplica,
    max: current.MaxReplica,
    scaleStrategies: (current.ScaleStrategies ?? []).map((s) => ({ metricName: String(s.metricName).toLowerCase(), threshold: Number(s.threshold) })),
    behavior,
  };
}

export function autoscalerChanges(desired: EasAutoscaler | undefined, current: EasAutoScalerState | undefined): FieldChange[] {
  const have = current && current.MaxReplica !== undefined ? normalizedAutoscaler(current) : undefined;
  if (!desired && !have) return [];
  if (!desired) return [{ path: 'autoscaler', from: have, to: undefined }];
  if (!have) return [{ path: 'autoscaler', from: undefined, to: desired }];
  const want = { ...desired, scaleStrategies: desired.scaleStrategies.map((s) => ({ ...s, metricName: s.metricName.toLowerCase() })) };
  return diffSubset(want as unknown as Record<string, unknown>, have, 'autoscaler');
}
export function cronscalerChanges(desired: EasCronScaler | undefined, current: EasCronScalerState | undefined): FieldChange[] {
  const have = current && (current.ScaleJobs ?? []).length > 0 ? { ScaleJobs: current.ScaleJobs } : undefined;
  if (!desired && !have) return [];
  if (!desired) return [{ path: 'cronscaler', from: have, to: undefined }];
  if (!have) return [{ path: 'cronscaler', from: undefined, to: desired }];
  return diffSubset(desired as unknown as Record<string, unknown>, have as Record<string, unknown>, 'cronscaler');
}
