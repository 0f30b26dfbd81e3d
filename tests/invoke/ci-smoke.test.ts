import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXAMPLES } from '../helpers/paths';

describe('examples/ci/smoke.yml', () => {
  const wf = parse(fs.readFileSync(path.join(EXAMPLES, 'ci', 'smoke.yml'), 'utf8')) as {
    on: Record<string, unknown>;
    permissions: Record<string, string>;
    jobs: { smoke: { if: string; steps: Array<{ run?: string; uses?: string; env?: Record<string, string> }> } };
  };
  const runs = wf.jobs.smoke.steps.map((s) => s.run ?? '').join('\n');

  it('runs status, then one smoke request per deployment, after a successful deploy or by hand', () => {
    expect(runs).toContain('npx inferstack status "$SPEC"');
    expect(runs).toContain('npx inferstack invoke "$SPEC" --smoke');
    expect(runs.indexOf('inferstack status')).toBeLessThan(runs.indexOf('--smoke'));
    expect(Object.keys(wf.on).sort()).toEqual(['workflow_dispatch', 'workflow_run']);
    expect(wf.jobs.smoke.if).toContain("conclusion == 'success'");
  });

  it('asks for no write permission on the repository and passes cloud keys only as secrets', () => {
    expect(wf.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    for (const step of wf.jobs.smoke.steps) for (const v of Object.values(step.env ?? {})) expect(v).toMatch(/^\$\{\{ secrets\./);
  });
});
