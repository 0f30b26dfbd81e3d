/** Regenerates schema/inferstack.schema.json and the README's spec reference from the schema source. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { schemaText } from '../lib/commands/schema';
import { withReference } from '../lib/commands/spec-reference';

const root = path.resolve(__dirname, '..', '..');
fs.writeFileSync(path.join(root, 'schema', 'inferstack.schema.json'), schemaText());
const readme = path.join(root, 'README.md');
fs.writeFileSync(readme, withReference(fs.readFileSync(readme, 'utf8')));
process.stdout.write('updated schema/inferstack.schema.json and README.md\n');
