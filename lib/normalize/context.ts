import { CATALOG_PRICES, PriceBook } from '../catalog/prices';
import { DiagnosticBag, DiagnosticDetails, SpecPath } from '../diagnostics/diagnostic';
import { DiagnosticDefinition } from '../diagnostics/registry';
import type { Merged } from '../spec/merge';
import type { TargetName } from '../spec/schema';

/** What a normalization step needs: the merged deployment, where its settings came from, and the bag. */
export class DeploymentContext {
  private errors = 0;

  constructor(
    private readonly bag: DiagnosticBag,
    private readonly merged: Merged,
    readonly name: string,
    readonly target: TargetName,
    /** Hourly prices for ranking instances: the catalog's, overlaid by the user's table. */
    readonly prices: PriceBook = CATALOG_PRICES,
  ) {}

  get spec(): Record<string, unknown> {
    return this.merged.value;
  }

  get errorCount(): number {
    return this.errors;
  }

  report(definition: DiagnosticDefinition, path: SpecPath, details: DiagnosticDetails = {}): void {
    if (definition.severity === 'error') this.errors++;
    this.bag.add(definition, this.merged.origin(path), { target: this.target, ...details, args: { target: this.target, deployment: this.name, ...details.args } });
  }

  /** `setting` has no effect on this target: a warning that names it, never a silent drop. */
  has(path: SpecPath): boolean {
    let v: unknown = this.merged.value;
    for (const p of path) {
      if (v === null || typeof v !== 'object') return false;
      v = (v as Record<string | number, unknown>)[p];
    }
    return v !== undefined;
  }
}

/** A value given once or per target. */
export function pick<T>(value: T | { aws?: T; alibaba?: T } | undefined, target: TargetName): T | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => k === 'aws' || k === 'alibaba')) return (value as { aws?: T; alibaba?: T })[target];
  }
  return value as T | undefined;
}
