import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diffEasServices, jsonDiff, markdownCode, renderMarkdown } from '../lib/commands/diff';
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
    expect(r.stdout).toMatch(/\| alibaba \| `qwen-chat\.eas\.json` \| `qwen_chat`/);
  });

  const classOf = (spec: string) => {
    const file = path.join(tmp(), 'spec.yaml');
    fs.writeFileSync(file, spec);
    const r = run(['diff', file, '--against', committed, '--output', 'json']);
    return { code: r.code, doc: JSON.parse(r.stdout) as { changes: Array<{ target: string; type: string; classification: string; fields: Array<{ path: string }> }> } };
  };

  it('a changed stackName is a new stack (the old one orphaned): destructive, exit 3 (was "No changes")', () => {
    const { code, doc } = classOf(base.replace('aws: { stackName: qwen-chat }', 'aws: { stackName: qwen-chat-2 }'));
    expect(code).toBe(3);
    expect(doc.changes.find((c) => c.type === 'AWS::CloudFormation::Stack')).toMatchObject({ classification: 'target-replacement', fields: [{ path: 'StackName' }] });
  });

  it('a changed AWS region or account is a new stack, not "in place"', () => {
    const { code, doc } = classOf(base.replace('aws: { region: us-east-1 }', 'aws: { region: us-west-2 }'));
    expect(code).toBe(3);
    expect(doc.changes.find((c) => c.type === 'AWS::CloudFormation::Stack')).toMatchObject({ classification: 'target-replacement', fields: [{ path: 'Environment' }] });
    const account = classOf(base.replace('aws: { stackName: qwen-chat }', 'aws: { stackName: qwen-chat, account: "123456789012" }'));
    expect(account.doc.changes.find((c) => c.type === 'AWS::CloudFormation::Stack')).toMatchObject({ classification: 'target-replacement' });
  });

  it('a changed Alibaba region is a new service (was "No changes")', () => {
    const { code, doc } = classOf(base.replace('alibaba: { region: cn-hangzhou }', 'alibaba: { region: cn-shanghai }'));
    expect(code).toBe(3);
    expect(doc.changes.find((c) => c.target === 'alibaba')).toMatchObject({ classification: 'target-replacement' });
  });

  it('changing the instance type of an autoscaled variant is blocked with the documented steps (was a free replacement)', () => {
    const file = path.join(tmp(), 'spec.yaml');
    fs.writeFileSync(file, base.replace('      count: 1\n', '      count: 1\n      instanceType: { aws: ml.g5.2xlarge }\n'));
    const r = run(['diff', file, '--against', committed]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/EndpointConfig.*BLOCKED.*without scaling.*endpoint-scaling-update/);
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

describe('markdown for pull-request comments', () => {
  it('spec values cannot mention, link, embed images, hide HTML or break the table', () => {
    const hostile = '@octocat [click](https://evil.example) ![i](https://evil.example/i.png) <!-- hidden --> <b>x</b> a|b `tick`';
    const md = renderMarkdown({
      file: 's.yaml',
      ok: true,
      diagnostics: [],
      changes: [{ target: 'alibaba', artifact: 'a.eas.json', resource: 'svc', type: 'PAI-EAS service', classification: 'in-place', fields: [{ path: 'labels.inferstack-description', from: 'old', to: hostile }] }],
      destructive: [],
    });
    const row = md.split('\n').find((l) => l.startsWith('| alibaba'))!;
    // Every hostile character sits inside a code span, where GitHub interprets nothing.
    const outside = row.replace(/(`+) ?[^`]*?(?:`(?!`)[^`]*?)* ?\1/g, '');
    for (const bad of ['@', '](', '![', '<!--', '<b>']) expect(outside).not.toContain(bad);
    expect(row.split(/(?<!\\)\|/).length).toBe(7); // 5 cells: no pipe from the value splits the row
    expect(markdownCode('a `b` c')).toBe('``a `b` c``');
    expect(markdownCode('x|y')).toBe('`x\\|y`');
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
  it('the CI gate cannot be walked around: base synthesized, labeled trigger, no persisted token, pinned actions, comments cannot fail it', () => {
    type Step = { name?: string; run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, string>; 'continue-on-error'?: boolean; if?: string };
    const wf = parse(fs.readFileSync(path.join(EXAMPLES, 'ci', 'inferstack.yml'), 'utf8')) as { on: { pull_request: { types: string[] } }; jobs: { review: { steps: Step[] } } };
    const steps = wf.jobs.review.steps;
    expect(wf.on.pull_request.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled']));
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout@'))!.with).toMatchObject({ 'persist-credentials': false });
    for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    // The reference of the diff is the base commit's own synthesis, not a directory the pull request can regenerate.
    const base = steps.find((s) => s.run?.includes('git worktree add'))!;
    expect(base.env!.BASE_SHA).toContain('github.event.pull_request.base.sha');
    expect(base.run).toContain('inferstack synth "$SPEC" --target all --out "$RUNNER_TEMP/base-synth"');
    expect(steps.find((s) => s.run?.includes('inferstack diff'))!.run).toContain('--against "$RUNNER_TEMP/base-synth"');
    const comment = steps.find((s) => s.uses?.startsWith('actions/github-script@'))!;
    expect(comment['continue-on-error']).toBe(true);
    // No expression is expanded inside a shell script (script injection): values arrive as environment variables.
    for (const s of steps.filter((x) => x.run)) expect(s.run).not.toContain('${{');
  });
});
