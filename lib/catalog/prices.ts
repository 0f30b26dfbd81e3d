/**
 * Hourly prices: the catalog's recorded on-demand prices (SageMaker, with their source) overlaid by a
 * user price table — `defaults.prices` in the spec or `--prices FILE` — per cloud, region and instance type:
 *
 *   prices:
 *     alibaba:
 *       currency: CNY            # USD (default) or CNY
 *       regions:
 *         cn-hangzhou: { ecs.gn7i-c8g1.2xlarge: 11.5, ml.gu7i.c16m60.1-gu30: 14.2 }
 *     aws:
 *       regions:
 *         us-east-1: { ml.g5.xlarge: 1.2 }   # e.g. a negotiated rate
 *
 * A user price wins over the catalog's for the same cloud, region and type. Prices are compared only within
 * one cloud; a price is never converted between currencies.
 */
import awsPrices from './data/aws-prices.json';
import alibabaPrices from './data/alibaba-prices.json';
import type { TargetName } from '../spec/schema';

export type Currency = 'USD' | 'CNY';

export interface CloudPriceTable {
  readonly currency?: Currency;
  readonly regions: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export type UserPriceTable = Partial<Record<TargetName, CloudPriceTable>>;

export interface Price {
  readonly perHour: number;
  readonly currency: Currency;
  /** The region the price was recorded for (may differ from the deployment's region). */
  readonly region: string;
  readonly exactRegion: boolean;
  readonly source: 'catalog' | 'user';
}

const CATALOG: Record<TargetName, CloudPriceTable> = {
  aws: { currency: 'USD', regions: awsPrices.regions },
  alibaba: { currency: 'USD', regions: alibabaPrices.regions as Record<string, Record<string, number>> },
};

export class PriceBook {
  constructor(private readonly user: UserPriceTable = {}) {}

  /** The price in the deployment's region: the user's, else the catalog's, else undefined (never a guess). */
  priceOf(target: TargetName, instance: string, region: string): Price | undefined {
    const userTable = this.user[target];
    const userPrice = userTable?.regions[region]?.[instance];
    if (userPrice !== undefined) return { perHour: userPrice, currency: userTable!.currency ?? 'USD', region, exactRegion: true, source: 'user' };
    const catalogPrice = CATALOG[target].regions[region]?.[instance];
    if (catalogPrice !== undefined) return { perHour: catalogPrice, currency: CATALOG[target].currency ?? 'USD', region, exactRegion: true, source: 'catalog' };
    return undefined;
  }

  /** A price recorded for another region, only to rank candidates when the region itself has none. */
  referencePrice(target: TargetName, instance: string): Price | undefined {
    for (const [table, source] of [[this.user[target], 'user'], [CATALOG[target], 'catalog']] as const) {
      if (!table) continue;
      for (const [region, row] of Object.entries(table.regions)) {
        const p = row[instance];
        if (p !== undefined) return { perHour: p, currency: table.currency ?? 'USD', region, exactRegion: false, source };
      }
    }
    return undefined;
  }

  /** Whether any price is known on a target (for "the choice fell back to the smallest"). */
  hasPrices(target: TargetName): boolean {
    const has = (t: CloudPriceTable | undefined) => !!t && Object.values(t.regions).some((r) => Object.keys(r).length > 0);
    return has(this.user[target]) || has(CATALOG[target]);
  }
}

export const CATALOG_PRICES = new PriceBook();

export function formatPrice(p: Pick<Price, 'perHour' | 'currency'>): string {
  return p.currency === 'USD' ? `$${p.perHour.toFixed(3)}/h` : `${p.perHour.toFixed(2)} CNY/h`;
}
