/** The README's "PAI-EAS engines" table is the contracts rendered: a contract change without a README change fails. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAlibabaEnginesTable } from '../../lib/engines/contracts/alibaba-readme';
import { ROOT } from '../helpers/paths';

const START = '<!-- pai-eas-engines:start (rendered from lib/engines/contracts/alibaba-*.ts; UPDATE_README=1 regenerates) -->';
const END = '<!-- pai-eas-engines:end -->';

describe('README: PAI-EAS engines', () => {
  it('holds the table rendered from the contracts', () => {
    const file = path.join(ROOT, 'README.md');
    const readme = fs.readFileSync(file, 'utf8');
    const table = renderAlibabaEnginesTable();
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'README has the PAI-EAS engines markers').toBeGreaterThan(0);
    const current = readme.slice(start + START.length, end).trim();
    if (process.env.UPDATE_README === '1' && current !== table) {
      fs.writeFileSync(file, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
      return;
    }
    expect(current).toBe(table);
  });
});
