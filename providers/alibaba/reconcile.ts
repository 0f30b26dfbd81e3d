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

export function serviceChanges(desired: DesiredService, current: EasService): FieldChange[] {
  const { labels: _labels, ...body } = desired.service;
  void _labels;
  const changes = diffSubset(body as Record<string, unknown>, currentConfig(current));
  const haveLabels = Object.fromEntries((current.Labels ?? []).map((l) => [l.LabelKey, l.LabelValue]));
  changes.push(...diffSubset(desired.labels, haveLabels, 'labels'));
  return changes;
}

export function autoscalerChanges(desired: EasAutoscaler | undefined, current: EasAutoScalerState | undefined): FieldChange[] {
  const have = current && current.MaxReplica !== undefined ? { min: current.MinReplica, max: current.MaxReplica, scaleStrategies: (current.ScaleStrategies ?? []).map((s) => ({ metricName: s.metricName, threshold: s.threshold })), behavior: current.Behavior } : undefined;
  if (!desired && !have) return [];
  if (!desired) return [{ path: 'autoscaler', from: have, to: undefined }];
  if (!have) return [{ path: 'autoscaler', from: undefined, to: desired }];
  return diffSubset(desired as unknown as Record<string, unknown>, have as Record<string, unknown>, 'autoscaler');
}

export function cronscalerChanges(desired: EasCronScaler | undefined, current: EasCronScalerState | undefined): FieldChange[] {
  const have = current && (current.ScaleJobs ?? []).length > 0 ? { ScaleJobs: current.ScaleJobs } : undefined;
  if (!desired && !have) return [];
  if (!desired) return [{ path: 'cronscaler', from: have, to: undefined }];
  if (!have) return [{ path: 'cronscaler', from: undefined, to: desired }];
  return diffSubset(desired as unknown as Record<string, unknown>, have as Record<string, unknown>, 'cronscaler');
}
