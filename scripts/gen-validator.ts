/** Build step: precompile the spec's JSON Schema into standalone Ajv validator code next to validate-schema.js, and
 * record the IANA time-zone names of the build's ICU for a fast schedule check. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import { jsonSchema } from '../lib/spec/schema';
import { AJV_OPTIONS, GENERATED_VALIDATOR } from '../lib/spec/validate-schema';

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const code = standaloneCode(ajv, ajv.compile(jsonSchema()));
const out = path.resolve(__dirname, '..', 'lib', 'spec', GENERATED_VALIDATOR);
fs.writeFileSync(out, code);
process.stdout.write(`wrote ${path.relative(process.cwd(), out)} (${code.length} bytes)\n`);

const zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
fs.writeFileSync(path.resolve(__dirname, '..', 'lib', 'spec', 'time-zones.generated.json'), JSON.stringify([...new Set(['UTC', ...zones])].sort()));
