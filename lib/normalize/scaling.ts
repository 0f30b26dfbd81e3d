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

/**
 * Application Auto Scaling cron (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html,
 * referenced by https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html):
 * six fields, day-of-week 1-7 with 1 = Sunday (or SUN-SAT), and exactly one of day-of-month / day-of-week is "?".
 * The spec's cron is the classic 5-field form (day-of-week 0-7, 0 and 7 = Sunday), so weekdays are converted:
 * `0 20 * * 0` -> `cron(0 20 ? * SUN *)`, `0 8 * * 1-5` -> `cron(0 8 ? * MON-FRI *)`.
 */
export type AwsCron = { readonly ok: true; readonly expression: string } | { readonly ok: false; readonly reason: 'both-days' | 'bad-weekday' };

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

function weekdayNumber(token: string): number | undefined {
  const named = DAY_NAMES.indexOf(token.toUpperCase() as (typeof DAY_NAMES)[number]);
  if (named >= 0) return named;
  if (!/^[0-9]+$/.test(token)) return undefined;
  const n = Number(token);
  return n <= 7 ? n % 7 : undefined;
}

/** The days (0 = Sunday) a classic day-of-week field selects, or undefined if it is not valid. */
export function weekdaysOf(field: string): Set<number> | undefined {
  const days = new Set<number>();
  for (const item of field.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') [from, to] = [0, 6];
    else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      from = a === '7' ? 7 : weekdayNumber(a);
      // In a range 7 means Sunday at the end of the week (5-7 = Fri, Sat, Sun).
      to = b === '7' ? 7 : weekdayNumber(b);
    } else {
      from = weekdayNumber(range);
      to = stepText === undefined ? from : 6;
    }
    if (from === undefined || to === undefined || to < from) return undefined;
    for (let d = from; d <= to; d += step) days.add(d % 7);
  }
  return days;
}

/** Consecutive runs of AWS day names: {1,2,3,4,5} -> MON-FRI; {0,6} -> SUN,SAT. */
function awsWeekdayField(days: Set<number>): string {
  const sorted = [...days].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const [first, last] = [DAY_NAMES[sorted[i]!]!, DAY_NAMES[sorted[j]!]!];
    if (j - i >= 2) parts.push(`${first}-${last}`);
    else for (let k = i; k <= j; k++) parts.push(DAY_NAMES[sorted[k]!]!);
    i = j + 1;
  }
  return parts.join(',');
}

/** EventBridge-style increments start from a value: `*\/15` -> `0/15` (minutes, hours), `1/2` (day, month). */
function awsIncrement(field: string, start: number): string {
  return field.replace(/(^|,)\*\//g, `$1${start}/`);
}

export function awsCronExpression(cron: string): AwsCron {
  const [minute, hour, dom, month, dow] = cron.trim().split(/\s+/) as [string, string, string, string, string];
  const days = weekdaysOf(dow);
  if (!days) return { ok: false, reason: 'bad-weekday' };
  const everyWeekday = days.size === 7;
  const everyMonthDay = dom === '*' || dom === '?';
  if (!everyWeekday && !everyMonthDay) return { ok: false, reason: 'both-days' };
  const dayOfMonth = everyWeekday ? (dom === '?' ? '*' : awsIncrement(dom, 1)) : '?';
  const dayOfWeek = everyWeekday ? '?' : awsWeekdayField(days);
  return { ok: true, expression: `cron(${awsIncrement(minute, 0)} ${awsIncrement(hour, 0)} ${dayOfMonth} ${awsIncrement(month, 1)} ${dayOfWeek} *)` };
}
