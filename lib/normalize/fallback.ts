/**
 * Fallback stage: `resources.fallback` (ordered instance types or portable accelerator names) resolved to
 * instance types of one target. SageMaker provisions them as instance pools
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-heterogeneous.html), PAI-EAS as the
 * service's instances list. `resources.alibaba.fallback` stays as the PAI-EAS-only alias.
 */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import { instanceType, InstanceType } from '../catalog/instances';
import { Diagnostics } from '../diagnostics/registry';
import type { DeploymentSpec } from '../spec/schema';
import type { DeploymentContext } from './context';
import { Placement, PlacementRequest, placementQuery } from './instance';
import { deviceKindOf, matchingAccelerators, place } from './placement';

/** The spec's fallback list for this target and where it was written. */
function fallbackEntries(d: DeploymentSpec, ctx: DeploymentContext): { entries: readonly string[]; path: (string | number)[] } | undefined {
  const portable = d.resources?.fallback;
  const alias = d.resources?.alibaba?.fallback;
  if (portable && alias) {
    ctx.report(Diagnostics.FallbackConflict, ['resources', 'alibaba', 'fallback'], { atKey: true, hint: 'keep one list: resources.fallback (both clouds) or resources.alibaba.fallback (PAI-EAS only)' });
    return undefined;
  }
  if (portable) return { entries: portable, path: ['resources', 'fallback'] };
  if (alias && ctx.target === 'alibaba') return { entries: alias, path: ['resources', 'alibaba', 'fallback'] };
  return undefined;
}

/** The instance type an entry names on this target: itself if it is a cataloged type, else the cheapest fit of that accelerator. */
function resolveEntry(entry: string, d: DeploymentSpec, ctx: DeploymentContext, req: PlacementRequest): InstanceType | undefined {
  const named = instanceType(ctx.target, entry);
  if (named) return named;
  if (!acceleratorInfo(entry) && entry !== 'cpu') return undefined;
  return place(placementQuery(d, ctx, entry, req)).chosen?.instance;
}

/**
 * Ordered fallback instance types for the target, without the chosen type and without repeats. Entries that name
 * no instance on the target, or an instance of another device kind (the engine and image would not run there),
 * are errors. An explicit instance type that is not in the catalog is passed through unchanged only for PAI-EAS
 * alias lists (the old behaviour of resources.alibaba.fallback).
 */
export function fallbackInstances(d: DeploymentSpec, ctx: DeploymentContext, placement: Placement, req: PlacementRequest, engine: string): string[] {
  const found = fallbackEntries(d, ctx);
  const chosen = placement.chosenType;
  if (!found || !chosen) return [];
  const out: string[] = [];
  const otherTarget = ctx.target === 'aws' ? 'alibaba' : 'aws';
  found.entries.forEach((entry, i) => {
    // An instance type of the other cloud belongs to that cloud's list.
    if (found.path[1] !== 'alibaba' && !instanceType(ctx.target, entry) && instanceType(otherTarget, entry)) return;
    const resolved = resolveEntry(entry, d, ctx, req);
    if (!resolved) {
      if (found.path[1] === 'alibaba') {
        out.push(entry);
        return;
      }
      if (acceleratorInfo(entry) && matchingAccelerators(entry, ctx.target).length === 0) {
        ctx.report(Diagnostics.FallbackNotOffered, [...found.path, i], { found: entry, hint: `nothing to do if ${entry} is meant for the other cloud; otherwise name a ${ctx.target} instance type` });
        return;
      }
      ctx.report(Diagnostics.FallbackUnplaceable, [...found.path, i], {
        found: entry,
        allowed: `a ${ctx.target} instance type from the catalog, or a portable accelerator name`,
        hint: `remove "${entry}" or give an instance type that ${ctx.target} offers in its place`,
      });
      return;
    }
    if (deviceKindOf(resolved) !== deviceKindOf(chosen)) {
      ctx.report(Diagnostics.FallbackDevice, [...found.path, i], {
        found: `${entry} (${resolved.name})`,
        args: { kind: deviceKindOf(resolved), engine, instance: chosen.name, needed: deviceKindOf(chosen) },
        hint: `fall back only to ${deviceKindOf(chosen)} instances: the same image and engine run on every pool`,
      });
      return;
    }
    if (resolved.name !== chosen.name && !out.includes(resolved.name)) out.push(resolved.name);
  });
  return out;
}
