import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffEasServices, jsonDiff } from '../lib/commands/diff';
import { specReference, withReference } from '../lib/commands/spec-reference';
import { CLI, EXAMPLES, ROOT } from './helpers/paths';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'diff-'));
}

const base = fs.readFileSync(path.join(EXAMPLES, 'qwen-chat.yaml'), 'utf8');

describe('inferstack diff', () => {
  const committed = path.join(tmp(), 'synth');
  expect(run(['synth', 'examples/qwen-chat.yaml', '--target', 'all', '--out', committed]).code).toBe(0);

  it('no change against its own synthesis', () => {
    const r = run(['diff', 'examples/qwen-chat.yaml', '--against', committed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes');
  });

  it('an engine setting change: free replacement on SageMaker, rolling update on PAI-EAS, exit 0', () => {
    const spec = path.join(tmp(), 'qwen-chat.yaml'); // same base name: same spec identity (inferstack-spec label)
    fs.writeFileSync(spec, base.replace('maxConcurrentSequences: 8', 'maxConcurrentSequences: 6'));
    const r = run(['diff', spec, '--against', committed, '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    const model = doc.changes.find((c: { type: string }) => c.type === 'AWS::SageMaker::Model');
    expect(model).toMatchObject({ classification: 'free-replacement', fields: [{ path: 'PrimaryContainer.Environment.OPTION_MAX_ROLLING_BATCH_SIZE', from: '8', to: '6' }] });
    expect(doc.changes.find((c: { target: string }) => c.target === 'alibaba')).toMatchObject({ classification: 'rolling-update' });
    expect(doc.destructive).toBe(0);
  });

  it('scaling-only changes on PAI-EAS are in place', () => {
    const spec = path.join(tmp(), 'qwen-chat.yaml'); // same base name: same spec identity (inferstack-spec label)
    fs.writeFileSync(spec, base.replace('max: 4', 'max: 6'));
    const doc = JSON.parse(run(['diff', spec, '--against', committed, '--output', 'json']).stdout);
    expect(doc.changes.find((c: { target: string }) => c.target === 'alibaba')).toMatchObject({ classification: 'in-place', fields: [{ path: 'autoscaler.max', from: 4, to: 6 }] });
  });

  it('renaming the endpoint is an endpoint replacement: exit 3 unless --allow-destructive', () => {
    const spec = path.join(tmp(), 'qwen-chat.yaml'); // same base name: same spec identity (inferstack-spec label)
    fs.writeFileSync(spec, base.replace('aws: { stackName: qwen-chat }', 'aws: { stackName: qwen-chat, endpointName: qwen-chat-v2 }'));
    const blocked = run(['diff', spec, '--against', committed]);
    expect(blocked.code).toBe(3);
    expect(blocked.stdout).toContain('ENDPOINT REPLACEMENT');
    expect(blocked.stderr).toContain('--allow-destructive');
    expect(run(['diff', spec, '--against', committed, '--allow-destructive']).code).toBe(0);
  });

  it('removing a deployment deletes its service and endpoint: exit 3; markdown for PR comments', () => {
    const spec = path.join(tmp(), 'qwen-chat.yaml'); // same base name: same spec identity (inferstack-spec label)
    const doc = parse(base) as { deployments: Record<string, unknown> };
    const other = { version: 1, deployments: { 'other-svc': { model: { uri: { alibaba: 'oss://m/x/', aws: 's3://m/x.tar.gz' }, format: 'xgboost' }, targets: { aws: { region: 'us-east-1' }, alibaba: { region: 'cn-hangzhou' } } } } };
    void doc;
    fs.writeFileSync(spec, JSON.stringify(other));
    const r = run(['diff', spec, '--against', committed, '--format', 'markdown']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('### inferstack diff');
    expect(r.stdout).toContain('**DELETION**');
    expect(r.stdout).toMatch(/\| alibaba \| qwen-chat\.eas\.json \| qwen_chat/);
  });

  it('a missing directory is a diagnostic', () => {
    const r = run(['diff', 'examples/qwen-chat.yaml', '--against', '/nonexistent/dir']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IS6002');
  });

  it('jsonDiff reports leaf paths; a renamed EAS service is a deletion', () => {
    expect(jsonDiff({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 3] } })).toEqual([
      { path: 'a.b', from: 1, to: 2 },
      { path: 'a.c[1]', from: 2, to: 3 },
    ]);
    const a = tmp();
    const b = tmp();
    fs.writeFileSync(path.join(a, 's.eas.json'), JSON.stringify({ metadata: { name: 'one', instance: 1 } }));
    fs.writeFileSync(path.join(b, 's.eas.json'), JSON.stringify({ metadata: { name: 'two', instance: 1 } }));
    expect(diffEasServices(a, b)[0]!.classification).toBe('deletion');
  });
});

describe('documentation', () => {
  it('the README spec reference is fresh (regenerate with: npm run docs)', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(withReference(readme)).toBe(readme);
    expect(specReference()).toContain('`deployments.<name>.llm.maxConcurrentSequences`');
  });
  it('every example has a line in the README saying what it shows', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const f of fs.readdirSync(EXAMPLES).filter((x) => x.endsWith('.yaml'))) expect(readme, f).toContain(`\`examples/${f}\``);
  });
  it('the CI workflow validates, synthesizes, diffs and uploads', () => {
    const wf = parse(fs.readFileSync(path.join(EXAMPLES, 'ci', 'inferstack.yml'), 'utf8')) as { jobs: { review: { steps: Array<{ run?: string; uses?: string }> } } };
    const text = JSON.stringify(wf.jobs.review.steps);
    for (const s of ['npm ci', 'inferstack validate', 'inferstack synth', 'inferstack diff', 'upload-artifact']) expect(text).toContain(s);
  });
});
