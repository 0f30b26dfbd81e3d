/** Start-up cost: `inferstack synth` loads only what synthesis needs (every other verb is loaded on demand). */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers/paths';

describe('inferstack start-up', () => {
  it('synth does not load TypeBox (the schema command), the plan or the diff command, nor the CDK construct library', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'startup-'));
    const probe = `
      const { main } = require(${JSON.stringify(CLI)});
      main(['synth', 'examples/qwen-chat.yaml', '--target', 'aws', '--out', ${JSON.stringify(out)}]).then((code) => {
        const loaded = Object.keys(require.cache);
        process.stderr.write(JSON.stringify({ code, loaded }));
      });`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8' });
    const { code, loaded } = JSON.parse(r.stderr) as { code: number; loaded: string[] };
    expect(code).toBe(0);
    expect(loaded.some((f) => f.split(path.sep).join('/').endsWith('providers/aws/direct/cloud-assembly.js'))).toBe(true);
    for (const unwanted of ['@sinclair/typebox', 'commands/schema.js', 'commands/plan.js', 'commands/diff.js', 'aws-cdk-lib/core/', 'node_modules/constructs/']) {
      expect(loaded.filter((f) => f.split(path.sep).join('/').includes(unwanted)), unwanted).toEqual([]);
    }
  });
});
