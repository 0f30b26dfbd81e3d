/**
 * The first hour of a new user, through the built binary: init, help, explain, usage errors, plan selection and
 * width, and what `synth --out` may write, keep and remove (issue 17).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers/paths';

function run(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
  delete env.COLUMNS;
  if (options.env?.COLUMNS) env.COLUMNS = options.env.COLUMNS;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmp(prefix = 'first-run-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe('init', () => {
  it('writes a commented starter spec with the schema comment, which validates and synthesizes', () => {
    const dir = tmp();
    const r = run(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'inferstack.yaml'), 'utf8');
    const schemaComment = /^# yaml-language-server: \$schema=(.+)$/m.exec(text);
    expect(schemaComment).not.toBeNull();
    expect(fs.existsSync(path.resolve(dir, schemaComment![1]!))).toBe(true);
    expect(text).toMatch(/# replace with where your weights are/);
    const v = run(['validate', 'inferstack.yaml'], { cwd: dir });
    expect(v.stderr).toContain('valid (1 deployment(s) for aws, alibaba');
    expect(v.code).toBe(0);
    expect(run(['synth', 'inferstack.yaml', '--out', 'out'], { cwd: dir }).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'out', 'alibaba', 'qwen-chat.eas.json'))).toBe(true);
  });

  it.each([
    ['qwen2.5-1.5b', 'aws'],
    ['llama3-8b', 'alibaba'],
    ['mistral-7b', 'all'],
    ['llama3-8b', 'all'],
  ])('--model %s --target %s validates', (model, target) => {
    const dir = tmp();
    expect(run(['init', '--model', model, '--target', target, '--out', 'spec.yaml'], { cwd: dir }).code).toBe(0);
    const v = run(['validate', 'spec.yaml', '--output', 'json'], { cwd: dir });
    const doc = JSON.parse(v.stdout);
    expect(doc.diagnostics).toEqual([]);
    expect(doc.summary.targets.sort()).toEqual(target === 'all' ? ['alibaba', 'aws'] : [target]);
  });

  it('never overwrites an existing file without --force; an unknown model is a usage error with the known ones', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'inferstack.yaml'), 'mine');
    const r = run(['init'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists');
    expect(fs.readFileSync(path.join(dir, 'inferstack.yaml'), 'utf8')).toBe('mine');
    expect(run(['init', '--force'], { cwd: dir }).code).toBe(0);
    const bad = run(['init', '--model', 'gpt-5'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('qwen2.5-7b');
  });

  it('an empty spec points at init, not at a file of this repository', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'empty.yaml'), '# nothing yet\n');
    const r = run(['validate', 'empty.yaml'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IS1016');
    expect(r.stderr).toContain('inferstack init');
    expect(r.stderr).not.toContain('examples/');
  });
});

describe('help, usage errors and explain', () => {
  it('help lists every command; help CMD and CMD --help show each option with its default and examples', () => {
    const all = run(['help']);
    expect(all.code).toBe(0);
    for (const c of ['init', 'validate', 'plan', 'synth', 'diff', 'schema', 'explain']) expect(all.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    const viaHelp = run(['help', 'synth']);
    const viaFlag = run(['synth', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
    expect(viaHelp.stdout).toMatch(/--target aws\|alibaba\|all .*\(default: all\)/);
    expect(viaHelp.stdout).toMatch(/--out DIR .*\(default: cdk\.out \(aws\) and eas\.out \(alibaba\)\)/);
    expect(viaHelp.stdout).toMatch(/Examples:\n  inferstack synth /);
  });

  it('an unknown flag gets our message with a did-you-mean, not the Node argument parser text', () => {
    const r = run(['plan', 'examples/qwen-chat.yaml', '--tagret', 'aws']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option --tagret for "plan"; did you mean --target?');
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|To specify a positional argument/);
    const value = run(['synth', 'examples/qwen-chat.yaml', '--target', 'alibab']);
    expect(value.code).toBe(2);
    expect(value.stderr).toContain('did you mean "alibaba"?');
    const command = run(['vaildate', 'examples/qwen-chat.yaml']);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('did you mean "validate"?');
  });

  it('explain prints the message, when it fires and how to fix it, from the registry', () => {
    const r = run(['explain', 'IS2011']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('IS2011 (error): no <target> instance type fits this deployment');
    expect(r.stdout).not.toMatch(/\{\w+\}/);
    expect(r.stdout).toMatch(/^When: .+/m);
    expect(r.stdout).toMatch(/^Fix: .+quantize/m);
    expect(run(['explain', 'is1003']).stdout).toContain('unknown key');
    const unknown = run(['explain', 'IS9999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown diagnostic code');
  });
});

describe('plan', () => {
  it('--target all plans both clouds, like synth', () => {
    const r = run(['plan', 'examples/qwen-chat.yaml', '--target', 'all', '--output', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).deployments.map((d: { target: string }) => d.target).sort()).toEqual(['alibaba', 'aws']);
  });

  it('a plan that selects nothing says so and exits 1', () => {
    const r = run(['plan', 'examples/tgi-llama.yaml', '--target', 'alibaba']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the plan selects nothing: no deployment of examples/tgi-llama.yaml targets alibaba');
    expect(r.stdout).toBe('');
  });

  it('the table fits the terminal width, says which columns it left out; JSON keeps every field', () => {
    const narrow = run(['plan', 'examples/qwen-chat.yaml'], { env: { COLUMNS: '100' } });
    expect(narrow.code).toBe(0);
    const tableLines = narrow.stdout.split('\n\n')[0]!.split('\n').filter((l) => !l.startsWith('('));
    for (const line of tableLines) expect(line.length).toBeLessThanOrEqual(100);
    expect(tableLines[0]).toMatch(/^DEPLOYMENT\s+TARGET\s+INSTANCE/);
    expect(narrow.stdout).toMatch(/not shown to fit 100 columns: MODE, MEMORY PER DEVICE/);
    const wide = run(['plan', 'examples/qwen-chat.yaml']);
    expect(wide.stdout.split('\n')[0]).toContain('$/MONTH (MIN-MAX)');
  });
});

describe('synth --out: only what synth wrote is removed', () => {
  const list = (d: string) => fs.readdirSync(d).sort();

  it('refuses a non-empty folder it did not write (nothing removed), unless --force, which keeps the other files', () => {
    const dir = tmp('foreign-');
    fs.writeFileSync(path.join(dir, 'other.template.json'), '{"team":"b"}');
    fs.writeFileSync(path.join(dir, 'theirs.eas.json'), '{}');
    const r = run(['synth', 'examples/eas-qwen-vllm.yaml', '--target', 'alibaba', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error IS1101: output folder .* is not empty and was not written by inferstack synth/);
    expect(r.stderr).not.toMatch(/:1:1: error IS1101/);
    expect(list(dir)).toEqual(['other.template.json', 'theirs.eas.json']);
    expect(run(['synth', 'examples/eas-qwen-vllm.yaml', '--target', 'alibaba', '--out', dir, '--force']).code).toBe(0);
    expect(list(dir)).toEqual(['.inferstack-synth.json', 'other.template.json', 'qwen7b-vllm.eas.json', 'theirs.eas.json']);
  });

  it('a rerun replaces exactly the previous synthesis: stale stacks go, files added since stay', () => {
    const dir = path.join(tmp('rerun-'), 'out');
    expect(run(['synth', 'examples/xgboost-mme.yaml', '--target', 'aws', '--out', dir]).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'FraudMme.template.json'))).toBe(true);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    fs.writeFileSync(path.join(dir, 'Another.template.json'), '{}');
    expect(run(['synth', 'examples/tgi-llama.yaml', '--target', 'aws', '--out', dir]).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'FraudMme.template.json'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(fs.existsSync(path.join(dir, 'Another.template.json'))).toBe(true);
    expect(fs.readdirSync(dir).some((f) => f.endsWith('.template.json') && f !== 'Another.template.json')).toBe(true);
  });

  it('never writes through or removes a symbolic link in the folder', () => {
    const outside = tmp('outside-');
    fs.writeFileSync(path.join(outside, 'qwen7b-vllm.eas.json'), 'precious');
    const dir = path.join(tmp('links-'), 'out');
    expect(run(['synth', 'examples/eas-qwen-vllm.yaml', '--target', 'alibaba', '--out', dir]).code).toBe(0);
    fs.unlinkSync(path.join(dir, 'qwen7b-vllm.eas.json'));
    fs.symlinkSync(path.join(outside, 'qwen7b-vllm.eas.json'), path.join(dir, 'qwen7b-vllm.eas.json'));
    fs.symlinkSync(outside, path.join(dir, 'shared'));
    const r = run(['synth', 'examples/eas-qwen-vllm.yaml', '--target', 'alibaba', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IS1102');
    expect(fs.readFileSync(path.join(outside, 'qwen7b-vllm.eas.json'), 'utf8')).toBe('precious');
    expect(fs.lstatSync(path.join(dir, 'qwen7b-vllm.eas.json')).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(dir, 'shared')).isSymbolicLink()).toBe(true);
  });
});

describe('diff --against detects the layout of the folder', () => {
  it('a single-target folder is compared for that target (not every resource "created")', () => {
    const dir = path.join(tmp('layout-'), 'eas');
    expect(run(['synth', 'examples/qwen-chat.yaml', '--target', 'alibaba', '--out', dir]).code).toBe(0);
    const r = run(['diff', 'examples/qwen-chat.yaml', '--against', dir]);
    expect(r.stdout).toContain('No changes');
    expect(r.code).toBe(0);
    const aws = path.join(tmp('layout-'), 'cdk');
    expect(run(['synth', 'examples/qwen-chat.yaml', '--target', 'aws', '--out', aws]).code).toBe(0);
    expect(run(['diff', 'examples/qwen-chat.yaml', '--against', aws]).stdout).toContain('No changes');
  });

  it('a folder without a synthesis is a clear error about the folder, not about spec:1:1', () => {
    const dir = tmp('nothing-');
    fs.writeFileSync(path.join(dir, 'README'), 'x');
    const r = run(['diff', 'examples/qwen-chat.yaml', '--against', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IS6002');
    expect(r.stderr).toContain('holds no synthesis');
    expect(r.stderr).not.toMatch(/:1:1: error/);
  });
});

describe('the README and the examples say what the tool does', () => {
  it('the comment of examples/qwen-chat.yaml names the engine plan chooses on each cloud', () => {
    const header = fs.readFileSync(path.join(ROOT, 'examples', 'qwen-chat.yaml'), 'utf8').split('\n').filter((l) => l.startsWith('#')).join(' ');
    const rows = JSON.parse(run(['plan', 'examples/qwen-chat.yaml', '--output', 'json']).stdout).deployments as Array<{ target: string; engine: string }>;
    const label: Record<string, string> = { lmi: 'LMI', vllm: 'vLLM', bladellm: 'BladeLLM', sglang: 'SGLang', tgi: 'TGI' };
    const aws = rows.find((r) => r.target === 'aws')!;
    const alibaba = rows.find((r) => r.target === 'alibaba')!;
    expect(header).toMatch(new RegExp(`${label[aws.engine]}\\S* on a SageMaker`));
    expect(header).toMatch(new RegExp(`[ ,]${label[alibaba.engine]} on a PAI-EAS`));
  });

  it('the README links no file outside the repository and walks through the first hour', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(readme).not.toMatch(/\.\.\/shared|\]\(\.\.\//);
    const firstHour = readme.slice(readme.indexOf('## The first hour'));
    for (const step of ['inferstack init', 'inferstack validate', 'inferstack synth', 'inferstack-fake-eas --port 0', 'deploy-eas inferstack.yaml --endpoint', '--dry-run', 'cdk bootstrap', 'npm pack']) {
      expect(readme.includes(step), step).toBe(true);
    }
    expect(firstHour.indexOf('inferstack init')).toBeLessThan(firstHour.indexOf('inferstack synth'));
    expect(firstHour.indexOf('inferstack synth')).toBeLessThan(firstHour.indexOf('--dry-run'));
  });
});

describe('errors of one target do not block the other', () => {
  const SPEC = `version: 1
deployments:
  chat:
    model: { uri: { aws: "s3://m/qwen/", alibaba: "oss://m/qwen/" }, task: text-generation, family: qwen2, parameters: 7.6B }
    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    resources: { accelerator: nvidia-a10g, alibaba: { resourceGroup: eas-r-abc, spot: { maxPrice: 1 } } }
    scaling: { min: 1, max: 2, metric: qps, target: 4 }
    targets: { aws: { region: us-east-1 }, alibaba: { region: cn-hangzhou } }
`;

  it('synth --target aws shows the Alibaba-only error as a note and writes the AWS stack; --target all fails', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'spec.yaml'), SPEC);
    const aws = run(['synth', 'spec.yaml', '--target', 'aws', '--out', 'cdk'], { cwd: dir });
    expect(aws.stderr).toMatch(/spec\.yaml:\d+:\d+: note IS4014: .*\[alibaba\]/);
    expect(aws.code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'cdk', 'Chat.template.json'))).toBe(true);
    const all = run(['synth', 'spec.yaml', '--target', 'all', '--out', 'all'], { cwd: dir });
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(/error IS4014: .*\[alibaba\]/);
    expect(fs.existsSync(path.join(dir, 'all'))).toBe(false);
  });

  it('the CDK app (cdk synth) builds the AWS stacks despite an Alibaba-only error', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'spec.yaml'), SPEC);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'bin', 'cdk-app.js')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CDK_OUTDIR: path.join(dir, 'cdk.out'), CDK_CONTEXT_JSON: JSON.stringify({ spec: 'spec.yaml' }) },
    });
    expect(r.stderr).toMatch(/note IS4014/);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(dir, 'cdk.out', 'Chat.template.json'))).toBe(true);
  });

  it('a problem of both targets is printed once, naming both', () => {
    const r = run(['validate', 'tests/fixtures/invalid/scaling-range-both-targets.yaml']);
    const lines = r.stderr.split('\n').filter((l) => l.includes('IS2015'));
    expect(lines).toEqual([expect.stringMatching(/error IS2015: scaling\.min \(3\) is greater than scaling\.max \(2\) \[aws, alibaba\]$/)]);
  });
});

describe('a reader that stops early', () => {
  it('inferstack plan | head: no stack trace, no error', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" plan "${path.join(ROOT, 'examples', 'qwen-chat.yaml')}" 2>stderr.txt | head -c 1 >/dev/null; cat stderr.txt`], { cwd: tmp(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.stdout).not.toMatch(/EPIPE|node:events|\n\s+at /);
  });
});
