/**
 * Build step: remove compiled files whose TypeScript source is gone (a module moved to a folder, a file deleted).
 * Neither a full nor an incremental compile deletes them, and a stale `dist/lib/x.js` shadows a new
 * `dist/lib/x/index.js`. Generated files (validator, time zones, bundles) have no source and stay.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const GENERATED = /\.(generated|bundle)\.|\.stamp$/;

function walk(dir: string, out: string[]): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && /\.(js|d\.ts)$/.test(entry.name) && !GENERATED.test(entry.name)) out.push(full);
  }
  return out;
}

let removed = 0;
for (const file of fs.existsSync(DIST) ? walk(DIST, []) : []) {
  const source = path.join(ROOT, path.relative(DIST, file)).replace(/(\.d)?\.ts$|\.js$/, '.ts');
  if (!fs.existsSync(source)) {
    fs.unlinkSync(file);
    removed++;
  }
}
if (removed > 0) process.stdout.write(`removed ${removed} compiled file(s) whose source is gone\n`);
