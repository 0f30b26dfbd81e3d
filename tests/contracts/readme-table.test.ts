import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AWS_CONTRACTS } from '../../lib/engines';
import { contractTable } from '../../lib/engines/table';
import { ROOT } from '../helpers/paths';

const START = '<!-- aws-engine-table:start -->';
const END = '<!-- aws-engine-table:end -->';

describe('README engines x targets table (AWS)', () => {
  it('is the table rendered from the pinned contracts (UPDATE_README=1 rewrites it)', () => {
    const file = path.join(ROOT, 'README.md');
    const readme = fs.readFileSync(file, 'utf8');
    const table = `${START}\n${contractTable(AWS_CONTRACTS)}\n${END}`;
    const current = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    if (process.env.UPDATE_README === '1') fs.writeFileSync(file, readme.replace(current, table));
    else expect(current).toBe(table);
  });
});
