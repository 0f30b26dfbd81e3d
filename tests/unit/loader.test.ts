import { describe, expect, it } from 'vitest';
import { compileSpecText } from '../../lib/compile';
import { loadSpecFile } from '../../lib/spec/load';
import { diagnosticsOf } from '../helpers/compile';

const base = `version: 1
deployments:
  mdl:
    model: { uri: s3://b/m.tar.gz, format: sklearn, entryPoint: inference.py, frameworkVersion: "1.2-1" }
    targets: { aws: { region: us-east-1 } }
`;

describe('loading and positions', () => {
  it('reports every problem of a file at once, each with line and column', () => {
    const ds = diagnosticsOf(`version: 1
deployments:
  mdl:
    modle: {}
    engine: vlm
    resources: { memory: 16GB }
    targets: { aws: { region: us-east-1 } }
`);
    expect(ds.map((d) => [d.code, d.line, d.column])).toEqual([
      ['IS1003', 4, 5],
      ['IS1005', 5, 13],
      ['IS1006', 6, 26],
    ]);
    expect(ds[0]!.hint).toBe('did you mean "model"?');
    expect(ds[1]!.hint).toBe('did you mean "vllm"?');
    expect(ds[2]!.hint).toContain('16Gi');
  });

  it('refuses duplicate keys', () => {
    const ds = diagnosticsOf(`version: 1\nversion: 1\ndeployments: {}\n`);
    expect(ds[0]).toMatchObject({ code: 'IS1010', line: 2, column: 1 });
  });

  it('points settings merged from defaults at the defaults block', () => {
    const ds = diagnosticsOf(`version: 1
defaults:
  targets: { aws: { region: us-east-1 } }
  mode: serverless
deployments:
  a:
    model: { uri: s3://b/m.tar.gz, format: sklearn }
`);
    expect(ds.find((d) => d.code === 'IS2028')).toMatchObject({ line: 4, column: 9 });
  });

  it('resolves per-target values for each target', () => {
    const r = compileSpecText(
      'x.yaml',
      `version: 1
deployments:
  mdl:
    model: { uri: { aws: "s3://b/m.tar.gz", alibaba: "oss://b/m/" }, format: xgboost }
    targets: { aws: { region: us-east-1 }, alibaba: { region: cn-hangzhou } }
`,
    );
    expect(r.ok).toBe(true);
    expect(r.deployments.map((d) => [d.target, d.model.uri])).toEqual([
      ['aws', 's3://b/m.tar.gz'],
      ['alibaba', 'oss://b/m/'],
    ]);
  });

  it('accepts a valid minimal spec', () => {
    expect(compileSpecText('x.yaml', base).ok).toBe(true);
  });

  it('turns hostile input into diagnostics', () => {
    const bomb = `a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n`;
    expect(diagnosticsOf(bomb)[0]!.code).toBe('IS1011');
    expect(diagnosticsOf('['.repeat(500))[0]!.code).toBe('IS1013');
    expect(compileSpecText('x.yaml', new Uint8Array([0x76, 0x3a, 0x20, 0xff, 0xfe])).diagnostics[0]!.code).toBe('IS1014');
    expect(compileSpecText('x.yaml', new Uint8Array(2 * 1024 * 1024)).diagnostics[0]!.code).toBe('IS1012');
    expect(diagnosticsOf('')[0]!.code).toBe('IS1016');
    expect(diagnosticsOf('a: 1\n---\nb: 2\n')[0]!.code).toBe('IS1017');
  });

  it('reports a directory or a missing file', () => {
    const dir = loadSpecFile(__dirname);
    const missing = loadSpecFile('/nonexistent/spec.yaml');
    expect(dir.ok || missing.ok).toBe(false);
    if (!dir.ok) expect(dir.diagnostics[0]!.message).toContain('directory');
    if (!missing.ok) expect(missing.diagnostics[0]!.message).toContain('no such file');
  });
});
