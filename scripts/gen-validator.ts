/** Build step: precompile the spec's JSON Schema into standalone Ajv validator code next to validate-schema.js, and
 * record the IANA time-zone names of the build's ICU for a fast schedule check. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { jsonSchema } from '../lib/spec/schema';
import { AJV_OPTIONS, GENERATED_VALIDATOR } from '../lib/spec/validate-schema';

const out = path.resolve(__dirname, '..', 'lib', 'spec', GENERATED_VALIDATOR);
// Compiling the schema takes seconds: skip it when the schema, the options and Ajv are those of the last build.
const stampFile = `${out}.stamp`;
const ajvVersion = (JSON.parse(fs.readFileSync(require.resolve('ajv/package.json'), 'utf8')) as { version: string }).version;
const stamp = createHash('sha256').update(JSON.stringify([jsonSchema(), AJV_OPTIONS, ajvVersion])).digest('hex');
if (fs.existsSync(out) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) {
  process.stdout.write(`${path.relative(process.cwd(), out)} is up to date\n`);
} else {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const code = standaloneCode(ajv, ajv.compile(jsonSchema()));
  fs.writeFileSync(out, code);
  fs.writeFileSync(stampFile, stamp);
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)} (${code.length} bytes)\n`);
}

const zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
fs.writeFileSync(path.resolve(__dirname, '..', 'lib', 'spec', 'time-zones.generated.json'), JSON.stringify([...new Set(['UTC', ...zones])].sort()));
