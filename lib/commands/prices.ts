/** `--prices FILE`: a user price table in YAML or JSON, the same shape as the spec's `defaults.prices`. */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import type { UserPriceTable } from '../catalog/prices';

export class PriceFileError extends Error {}

const CLOUDS = ['aws', 'alibaba'];

/** Reads and checks a price table; every problem is named with its path in the file. */
export function loadPriceTable(file: string): UserPriceTable {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new PriceFileError(`--prices ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = parse(text);
  } catch (err) {
    throw new PriceFileError(`--prices ${file}: not YAML or JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const problems = priceTableProblems(data);
  if (problems.length > 0) {
    throw new PriceFileError(`--prices ${file}: ${problems.join('; ')}\n  expected: { aws|alibaba: { currency: USD|CNY (optional), regions: { <region>: { <instance type>: <price per hour> } } } }`);
  }
  return data as UserPriceTable;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function priceTableProblems(data: unknown): string[] {
  if (!isObject(data)) return ['the file must hold a mapping with aws and/or alibaba'];
  const problems: string[] = [];
  for (const [cloud, table] of Object.entries(data)) {
    if (!CLOUDS.includes(cloud)) {
      problems.push(`unknown cloud "${cloud}" (allowed: aws, alibaba)`);
      continue;
    }
    if (!isObject(table)) {
      problems.push(`${cloud} must be a mapping with regions`);
      continue;
    }
    for (const key of Object.keys(table)) if (key !== 'currency' && key !== 'regions') problems.push(`${cloud}.${key} is not allowed (allowed: currency, regions)`);
    if (table.currency !== undefined && table.currency !== 'USD' && table.currency !== 'CNY') problems.push(`${cloud}.currency must be USD or CNY, found ${JSON.stringify(table.currency)}`);
    if (!isObject(table.regions)) {
      problems.push(`${cloud}.regions must map regions to { instance type: price per hour }`);
      continue;
    }
    for (const [region, row] of Object.entries(table.regions)) {
      if (!isObject(row)) {
        problems.push(`${cloud}.regions.${region} must map instance types to prices`);
        continue;
      }
      for (const [type, price] of Object.entries(row)) {
        if (typeof price !== 'number' || !(price > 0)) problems.push(`${cloud}.regions.${region}.${type} must be a positive number (price per hour), found ${JSON.stringify(price)}`);
      }
    }
  }
  return problems;
}
