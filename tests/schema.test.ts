import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../lib/commands/schema';
import { EXAMPLES, ROOT } from './helpers/paths';

describe('JSON Schema', () => {
  it('the committed schema is fresh (regenerate with: npm run schema)', () => {
    expect(fs.readFileSync(path.join(ROOT, 'schema', 'inferstack.schema.json'), 'utf8')).toBe(schemaText());
  });
  it('is a valid JSON Schema that accepts every example and carries the editor comment in each', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(schemaText()));
    for (const f of fs.readdirSync(EXAMPLES).filter((x) => x.endsWith('.yaml'))) {
      const text = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../schema/inferstack.schema.json'), f).toBe(true);
      expect(validate(parse(text)), `${f}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });
  it('rejects an unknown key, as editors will show', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(schemaText()));
    expect(validate({ version: 1, deployments: { a: { modle: {} } } })).toBe(false);
  });
});
