/**
 * The README's engines x targets table, rendered from the contracts so it cannot drift from what is emitted:
 * one row per pinned container, with what each spec field becomes and where that was read.
 */
import type { EngineContract } from './contract';

function fieldMappings(contract: EngineContract): string {
  const byField = new Map<string, string[]>();
  for (const o of contract.options) {
    const field = o.from ?? '(fixed)';
    byField.set(field, [...(byField.get(field) ?? []), `\`${o.name}\``]);
  }
  return [...byField.entries()].map(([field, names]) => `${field === '(fixed)' ? field : `\`${field}\``} → ${names.join(', ')}`).join('<br>');
}

function sourcesOf(contract: EngineContract): string {
  const repoOf = (ref: string) => (ref.startsWith('https://') ? ref.replace(/^https:\/\/github\.com\/([^/]+\/[^/]+)\/.*$/, '$1') : ref.replace(/:.*$/, ''));
  const repos = new Set([...contract.options, ...contract.rules].map((x) => repoOf(x.source.ref)));
  return [...repos].sort().join(', ');
}

export function contractTable(contracts: readonly EngineContract[]): string {
  const header = '| Contract | `engine` | Pinned container | Spec field → what the container reads | Read from (checked 2026-11-25) |\n|---|---|---|---|---|';
  const rows = contracts.map((c) => `| \`${c.id}\` | ${c.engine} | \`${c.image}\` | ${fieldMappings(c)} | ${sourcesOf(c)} |`);
  return [header, ...rows].join('\n');
}
