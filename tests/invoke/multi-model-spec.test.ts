import { describe, expect, it } from 'vitest';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';

const mme = (extra: string, mode = 'multi-model') => `version: 1
deployments:
  fraud:
    model: { uri: "s3://acme-models/fraud/", format: xgboost, frameworkVersion: "1.7-1" }
    mode: ${mode}
${extra}    resources: { accelerator: cpu, cpu: 4, memory: 16Gi }
    targets: { aws: { region: us-east-1 } }
`;

describe('multiModel.models: the models a multi-model endpoint serves', () => {
  it('reaches the IR in order', () => {
    const ir = only(compileOk(mme('    multiModel: { models: [b.tar.gz, a/c.tar.gz] }\n')), 'aws');
    expect(ir.multiModel).toEqual({ models: ['b.tar.gz', 'a/c.tar.gz'] });
  });

  it('outside mode multi-model it is a warning (never dropped silently) and stays out of the IR', () => {
    const yaml = mme('    multiModel: { models: [b.tar.gz] }\n', 'realtime');
    const d = diagnosticsOf(yaml).find((x) => x.code === 'IS2016');
    expect(d).toMatchObject({ severity: 'warning', line: 6 });
    expect(d!.message).toContain('multiModel');
    expect(only(compileOk(yaml), 'aws').multiModel).toBeUndefined();
  });

  it('names are paths relative to model.uri: no leading /, no "..", no spaces, no duplicates', () => {
    for (const bad of ['/abs.tar.gz', '../up.tar.gz', 'a/../b.tar.gz', '"a b.tar.gz"']) {
      const codes = diagnosticsOf(mme(`    multiModel: { models: [${bad}] }\n`)).map((x) => x.code);
      expect(codes, bad).toContain('IS1007');
    }
    expect(diagnosticsOf(mme('    multiModel: { models: [a.tar.gz, a.tar.gz] }\n')).some((x) => x.severity === 'error')).toBe(true);
    expect(diagnosticsOf(mme('    multiModel: { models: [] }\n')).some((x) => x.severity === 'error')).toBe(true);
  });
});
