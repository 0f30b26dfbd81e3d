/**
 * Which PAI-EAS services belong to which spec. Every service deploy-eas creates carries the labels
 * `managed-by=inferstack`, `inferstack-spec=<spec name>` and `inferstack-deployment=<deployment>`; a service
 * without them (or naming another spec) is someone else's and is never updated, replaced or deleted without
 * `--adopt`. Its current values are never printed: its env may hold secrets.
 */
import type { EasService } from './eas-client';
import type { FieldChange } from './reconcile';

export const MANAGED_BY_LABEL = 'managed-by';
export const MANAGED_BY_VALUE = 'inferstack';
export const SPEC_LABEL = 'inferstack-spec';
export const DEPLOYMENT_LABEL = 'inferstack-deployment';

export const REDACTED = '(redacted: not managed by this spec)';

export type Ownership = { readonly ours: true } | { readonly ours: false; readonly owner: string };

export function labelsOf(service: EasService): Record<string, string> {
  return Object.fromEntries((service.Labels ?? []).map((l) => [l.LabelKey, l.LabelValue]));
}

/**
 * Ours when labelled with this spec; a service labelled by an inferstack version that wrote no spec label is ours
 * when it carries this deployment's name.
 */
export function ownershipOf(service: EasService, specName: string, deployment?: string): Ownership {
  const labels = labelsOf(service);
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
    const by = labels[MANAGED_BY_LABEL];
    return { ours: false, owner: by ? `managed by "${by}", not inferstack` : 'not created by inferstack (no managed-by=inferstack label)' };
  }
  const spec = labels[SPEC_LABEL];
  if (spec === specName) return { ours: true };
  if (spec === undefined && deployment !== undefined && labels[DEPLOYMENT_LABEL] === deployment) return { ours: true };
  if (spec === undefined) return { ours: false, owner: `created by inferstack for deployment "${labels[DEPLOYMENT_LABEL] ?? '?'}" of a spec it did not name` };
  return { ours: false, owner: `owned by the inferstack spec "${spec}"` };
}

/** The plan of a service that is not ours shows what would change, never what it holds now. */
export function redactCurrent(changes: readonly FieldChange[]): FieldChange[] {
  return changes.map((c) => ({ ...c, from: c.from === undefined ? undefined : REDACTED }));
}

/** The label filter of ListServices that finds this spec's services. */
export function specLabelFilter(specName: string): Record<string, string> {
  return { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE, [SPEC_LABEL]: specName };
}
