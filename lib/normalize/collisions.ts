/**
 * Names that must be unique across the deployments of one spec: CloudFormation stack names, CDK construct ids of
 * the stacks, SageMaker endpoint names (per account and region) and PAI-EAS service names (per region). Two
 * deployments that share one would crash synthesis or overwrite each other in the cloud.
 */
import type { DeploymentIR } from '../ir';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentContext } from './context';

export interface NormalizedEntry {
  readonly ir: DeploymentIR;
  readonly ctx: DeploymentContext;
}

/** The CDK construct id of a deployment's stack: the name in PascalCase (`qwen-chat` -> `QwenChat`). */
export function stackConstructId(name: string): string {
  return name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

interface NameRule {
  readonly what: string;
  readonly target: 'aws' | 'alibaba';
  /** The name, or undefined when the rule does not apply. */
  readonly key: (ir: DeploymentIR) => string | undefined;
  /** The scope within which the name must be unique. */
  readonly scope: (ir: DeploymentIR) => string;
  readonly path: readonly (string | number)[];
  readonly display: (ir: DeploymentIR) => string;
  /** The service compares names case-insensitively (SageMaker endpoint names). @default false */
  readonly caseInsensitive?: boolean;
}

const RULES: readonly NameRule[] = [
  { what: 'stack name', target: 'aws', key: (ir) => ir.aws?.stackName, scope: () => '', path: ['targets', 'aws', 'stackName'], display: (ir) => ir.aws!.stackName },
  { what: 'stack construct id', target: 'aws', key: (ir) => stackConstructId(ir.name), scope: () => '', path: [], display: (ir) => stackConstructId(ir.name) },
  {
    what: 'endpoint name',
    target: 'aws',
    key: (ir) => ir.aws?.endpointName ?? ir.name,
    scope: (ir) => `${ir.aws?.account ?? ''}/${ir.aws?.region}`,
    path: ['targets', 'aws', 'endpointName'],
    display: (ir) => ir.aws?.endpointName ?? ir.name,
    caseInsensitive: true,
  },
  {
    what: 'PAI-EAS service name',
    target: 'alibaba',
    key: (ir) => ir.alibaba?.serviceName,
    scope: (ir) => ir.alibaba?.region ?? '',
    path: ['targets', 'alibaba', 'serviceName'],
    display: (ir) => ir.alibaba!.serviceName,
  },
];

/** Reports every later deployment whose name collides with an earlier one's, naming both. */
export function checkNameCollisions(entries: readonly NormalizedEntry[]): void {
  for (const rule of RULES) {
    const seen = new Map<string, NormalizedEntry>();
    for (const e of entries.filter((x) => x.ir.target === rule.target)) {
      const name = rule.key(e.ir);
      if (name === undefined) continue;
      const key = `${rule.scope(e.ir)}\n${rule.caseInsensitive ? name.toLowerCase() : name}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, e);
        continue;
      }
      e.ctx.report(Diagnostics.NameCollision, [...rule.path], {
        atKey: rule.path.length === 0,
        found: rule.display(e.ir),
        args: { what: rule.what, name: rule.display(e.ir), other: first.ir.name },
        hint:
          rule.what === 'stack construct id'
            ? `rename deployment "${e.ir.name}" so it differs from "${first.ir.name}" by more than hyphens`
            : `give deployment "${e.ir.name}" its own ${rule.what} (targets.${rule.target}.${rule.path[2]})`,
      });
    }
  }
}
