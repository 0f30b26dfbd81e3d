/** What deploy-eas prints: the plan (symbols `+ ~ - = !`), the outcomes, the JSON document and a live status line. */
import type { IoHost } from '../../lib/cli/io';
import { escapeControl, shortJson } from '../../lib/cli/io';
import type { DeploymentOutcome } from './deployer';
import type { PlanEntry } from './plan';
import type { ProgressEvent } from './wait';

const SYMBOL: Record<PlanEntry['action'], string> = { create: '+', update: '~', delete: '-', 'no-change': '=', unhealthy: '!', absent: ' ', refused: '✗', orphan: '-' };

function label(p: PlanEntry): string {
  switch (p.action) {
    case 'no-change':
      return 'no change';
    case 'absent':
      return 'absent (nothing to delete)';
    case 'unhealthy':
      return `unhealthy (${p.reason})${p.serviceChanged ? ': applying the spec again' : ': waiting for it'}`;
    case 'refused':
      return `not managed by this spec: ${p.owner} (--adopt takes it over)`;
    case 'orphan':
      return 'no longer in the spec (kept; --prune deletes it)';
    case 'delete':
      return p.reason ? `delete (${p.reason})` : p.adopting ? `delete (adopted: ${p.owner})` : 'delete';
    case 'update': {
      const rolls = p.serviceChanged ? 'instances roll' : 'in place, no rolling update';
      return `update (${rolls}${p.reason ? `; now ${p.reason}` : ''}${p.adopting ? `; adopting a service ${p.owner}` : ''})`;
    }
    default:
      return p.action;
  }
}

export function printPlan(io: IoHost, plan: readonly PlanEntry[]): void {
  io.out('Plan:');
  for (const p of plan) {
    io.out(`  ${SYMBOL[p.action]} ${p.service} (${p.deployment}): ${label(p)}`);
    for (const c of p.changes) io.out(`      ${c.path}: ${shortJson(c.from, 100)} -> ${shortJson(c.to, 100)}`);
  }
  const count = (...a: string[]) => plan.filter((p) => a.includes(p.action)).length;
  io.out(`  ${count('create')} to create, ${count('update')} to update, ${count('delete')} to delete, ${count('unhealthy')} unhealthy, ${count('no-change')} unchanged`);
}

/** The plan as JSON: what changes, never the current values of a service that is not this spec's. */
export function planJson(p: PlanEntry) {
  return {
    deployment: p.deployment,
    service: p.service,
    action: p.action,
    changes: p.changes,
    ...(p.current ? { status: p.current.Status } : {}),
    ...(p.reason ? { reason: p.reason } : {}),
    ...(p.owner ? { owner: p.owner } : {}),
    ...(p.adopting ? { adopting: true } : {}),
    // The dedicated resource group's room: ok, noSurge (one instance replaced at a time), noRoom, unknown.
    ...(p.room ? { resourceGroup: p.room } : {}),
  };
}

export function serviceJson(p: PlanEntry): Record<string, unknown> {
  // As synthesized: secret placeholders, never their values.
  const d = (p.shown ?? p.desired)!;
  return { ...d.service, ...(d.autoscaler ? { autoscaler: d.autoscaler } : {}), ...(d.cronscaler ? { cronscaler: d.cronscaler } : {}) };
}

export function printOutcomes(io: IoHost, outcomes: readonly DeploymentOutcome[], showToken: boolean): void {
  for (const o of outcomes) {
    if (!o.ok) {
      // Messages and events come from the cloud: escaped, so they cannot start log lines or drive the terminal.
      io.info(`${io.paint('31', '✗')} ${o.service} (${o.deployment}): ${escapeControl(String(o.error))}`);
      for (const e of o.events ?? []) io.info(`    event: ${escapeControl(String(e))}`);
      for (const d of o.diagnosis ?? []) io.info(`    diagnosis: ${escapeControl(String(d))}`);
      if (o.hint) io.info(`    fix: ${escapeControl(o.hint)}`);
      continue;
    }
    io.out(`${io.paint('32', o.action === 'delete' ? '-' : '✓')} ${o.service} (${o.deployment}): ${o.status}${o.totalInstances !== undefined ? ` ${o.runningInstances}/${o.totalInstances} instances` : ''}`);
    if (o.internetEndpoint) io.out(`    endpoint: ${o.internetEndpoint}`);
    if (o.intranetEndpoint) io.out(`    VPC endpoint: ${o.intranetEndpoint}`);
    if (o.token) io.out(`    token: ${o.token}${showToken ? '' : ' (masked; --show-token prints it)'}`);
    if (o.callHint) io.out(`    call: ${o.callHint}`);
    for (const w of o.warnings ?? []) io.info(`    warning: ${escapeControl(String(w))}`);
  }
}

/** A live status line on a TTY; plain progress lines (on change only) otherwise. */
export class StatusLine {
  private readonly last = new Map<string, string>();
  private readonly state = new Map<string, string>();

  constructor(
    private readonly io: IoHost,
    private readonly tty: boolean,
  ) {}

  update(e: ProgressEvent): void {
    const text = `${e.service}: ${e.status}${e.total !== undefined ? ` ${e.running ?? 0}/${e.total}` : ''} (${Math.round(e.elapsedMs / 1000)}s)${e.warning ? ` ! ${e.warning}` : ''}`;
    if (this.tty) {
      this.state.set(e.service, text);
      process.stderr.write(`\r\u001b[2K${[...this.state.values()].join(' | ')}`);
      return;
    }
    const key = `${e.status}|${e.running}|${e.total}`;
    if (this.last.get(e.service) === key) return;
    this.last.set(e.service, key);
    this.io.info(`  ${text}`);
  }

  done(): void {
    if (this.tty && this.state.size > 0) process.stderr.write('\n');
  }
}
