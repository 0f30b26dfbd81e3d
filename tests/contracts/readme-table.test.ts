/** The README's engine tables are the contracts rendered: a contract change without a README change fails. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_CONTRACTS } from '../../lib/engines';
import { contractTable, markdownTable, renderAlibabaEnginesTable } from '../../lib/engines/table';
import { ROOT } from '../helpers/paths';

const README = path.join(ROOT, 'README.md');

/** Compares the text between two markers with `expected`; UPDATE_README=1 rewrites it instead. */
function expectReadmeSection(start: string, end: string, expected: string): void {
  const readme = fs.readFileSync(README, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  expect(from, `README has the marker ${start}`).toBeGreaterThan(0);
  expect(to, `README has the marker ${end}`).toBeGreaterThan(from);
  const current = readme.slice(from + start.length, to).trim();
  if (process.env.UPDATE_README === '1') {
    if (current !== expected) fs.writeFileSync(README, `${readme.slice(0, from + start.length)}\n${expected}\n${readme.slice(to)}`);
    return;
  }
  expect(current).toBe(expected);
}

describe('README engine tables', () => {
  it('AWS: engines x targets is the table rendered from the pinned contracts', () => {
    expectReadmeSection('<!-- aws-engine-table:start -->', '<!-- aws-engine-table:end -->', contractTable(AWS_CONTRACTS));
  });

  it('PAI-EAS: the engines table is rendered from the contracts', () => {
    expectReadmeSection('<!-- pai-eas-engines:start (rendered from lib/engines/contracts/alibaba-*.ts; UPDATE_README=1 regenerates) -->', '<!-- pai-eas-engines:end -->', renderAlibabaEnginesTable());
  });

  it('escapes a pipe inside a cell', () => {
    expect(markdownTable(['a', 'b'], [['x|y', 'z']])).toBe('| a | b |\n|---|---|\n| x\\|y | z |');
  });
});
