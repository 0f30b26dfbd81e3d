import { Diagnostics } from '../diagnostics/registry';
import type { LlmIR, Mode, ModelIR, RolloutIR, ScalingIR, ScalingMetric, ScheduleIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { parseDurationSeconds } from '../spec/units';
import type { DeploymentContext } from './context';

const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$|^[A-Za-z]{3}(-[A-Za-z]{3})?$/;

/** Value ranges of the five fields (minute hour day-of-month month day-of-week; 7 is Sunday too). */
export const CRON_RANGES: ReadonlyArray<{ readonly name: string; readonly min: number; readonly max: number }> = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
];

/** The first out-of-range value or zero step of a five-field cron expression, in words; undefined when in range. */
export function cronRangeProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/);
  for (let i = 0; i < fields.length && i < CRON_RANGES.length; i++) {
    const range = CRON_RANGES[i]!;
    for (const part of fields[i]!.split(',')) {
      const [values, step] = part.split('/');
      if (step !== undefined && /^[0-9]+$/.test(step) && (Number(step) < 1 || Number(step) > range.max + 1)) return `the ${range.name} step /${step} must be 1 to ${range.max + 1}`;
      for (const v of (values ?? '').split('-')) {
        if (/^[0-9]+$/.test(v) && (Number(v) < range.min || Number(v) > range.max)) return `the ${range.name} ${v} is outside ${range.min}-${range.max}`;
      }
    }
  }
  return undefined;
}

export function isFiveFieldCron(expr: string): boolean {
  const fields = expr.trim().split(/\s+/);
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f) || f === '?');
}

let zoneList: Set<string> | undefined;
function knownZones(): Set<string> {
  if (!zoneList) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      zoneList = new Set(require('../spec/time-zones.generated.json') as string[]);
    } catch {
      zoneList = new Set();
    }
  }
  return zoneList;
}

/** IANA names recorded at build time answer at once; aliases fall back to ICU (which takes ~20 ms to load). */
export function isKnownTimeZone(tz: string): boolean {
  if (knownZones().has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function defaultMetric(model: ModelIR, mode: Mode): ScalingMetric {
  if (mode === 'async') return 'backlog';
  return model.generative ? 'concurrency' : 'invocations';
}

/** Targets per instance that a first deployment can live with; documented in the README. */
function defaultTarget(metric: ScalingMetric, llm: LlmIR | undefined): number {
  switch (metric) {
    case 'concurrency':
      return llm ? Math.max(1, Math.floor(llm.maxConcurrentSequences * 0.75)) : 10;
    case 'invocations':
      return 600;
    case 'qps':
      return 10;
    case 'gpu-utilization':
    case 'cpu-utilization':
      return 70;
    case 'backlog':
      return 5;
  }
}

export function normalizeScaling(d: DeploymentSpec, model: ModelIR, llm: LlmIR | undefined, mode: Mode, ctx: DeploymentContext): ScalingIR {
  const s = d.scaling;
  if (!s) {
    return { enabled: false, min: 1, max: 1, metric: defaultMetric(model, mode), target: defaultTarget(defaultMetric(model, mode), llm), scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60, schedule: [] };
  }
  const min = s.min ?? 1;
  const max = s.max ?? Math.max(min, 1);
  const metric = (s.metric ?? defaultMetric(model, mode)) as ScalingMetric;
  const schedule: ScheduleIR[] = [];
  (s.schedule ?? []).forEach((entry, i) => {
    const rangeProblem = isFiveFieldCron(entry.cron) ? cronRangeProblem(entry.cron) : undefined;
    if (!isFiveFieldCron(entry.cron)) {
      ctx.report(Diagnostics.BadCron, ['scaling', 'schedule', i, 'cron'], {
        found: entry.cron,
        allowed: 'minute hour day-of-month month day-of-week, e.g. "0 8 * * 1-5"',
        hint: 'write five space-separated fields',
      });
    } else if (rangeProblem) {
      ctx.report(Diagnostics.CronOutOfRange, ['scaling', 'schedule', i, 'cron'], {
        found: entry.cron,
        args: { problem: rangeProblem },
        allowed: CRON_RANGES.map((r) => `${r.name} ${r.min}-${r.max}`).join(', ') + '; steps of at least 1',
        hint: 'e.g. "*/15 8-18 * * 1-5" (every 15 minutes, 8:00-18:59, Monday to Friday)',
      });
    }
    const timezone = entry.timezone ?? 'UTC';
    if (!isKnownTimeZone(timezone)) {
      ctx.report(Diagnostics.BadTimezone, ['scaling', 'schedule', i, 'timezone'], { found: timezone, allowed: 'IANA time zone names', hint: 'e.g. UTC, Asia/Shanghai, America/New_York' });
    }
    schedule.push({ cron: entry.cron.trim(), ...(entry.min !== undefined ? { min: entry.min } : {}), ...(entry.max !== undefined ? { max: entry.max } : {}), timezone });
  });
  return {
    enabled: true,
    min,
    max,
    metric,
    target: s.target ?? defaultTarget(metric, llm),
    scaleInCooldownSeconds: s.scaleInCooldown ? parseDurationSeconds(s.scaleInCooldown) : 300,
    scaleOutCooldownSeconds: s.scaleOutCooldown ? parseDurationSeconds(s.scaleOutCooldown) : 60,
    schedule,
  };
}

export function normalizeRollout(d: DeploymentSpec): RolloutIR {
  const r = d.rollout ?? {};
  return {
    strategy: r.strategy ?? 'all-at-once',
    canaryPercent: r.canaryPercent ?? 10,
    stepPercent: r.stepPercent ?? 20,
    waitSeconds: r.wait ? parseDurationSeconds(r.wait) : 300,
    rollbackAlarms: r.rollbackAlarms ?? [],
  };
}
