/** Property-based: any input to the loader and validator yields either a valid IR or diagnostics, never an exception. */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileSpecText } from '../../lib/compile';

const valid = {
  version: 1,
  deployments: {
    svc: {
      model: { uri: { aws: 's3://m/qwen/', alibaba: 'oss://m/qwen/' }, task: 'text-generation', family: 'qwen2', parameters: '7.6B' },
      llm: { maxContextLength: 4096, maxConcurrentSequences: 8 },
      scaling: { min: 1, max: 3, metric: 'qps', target: 5 },
      targets: { aws: { region: 'us-east-1' }, alibaba: { region: 'cn-hangzhou' } },
    },
  },
};

const keys = ['model', 'engine', 'resources', 'scaling', 'mode', 'llm', 'acceleration', 'container', 'targets', 'serverless', 'async', 'pipeline', 'rollout', 'network', 'batching', 'x', 'uri', 'count', 'min', 'max', 'metric', 'accelerator', 'instanceType', 'quantization', 'memory'];
const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('auto', 'vllm', 'bladellm', 'nvidia-a10g', '16Gi', '90s', '7.6B', 'serverless', 'async', 'multi-model', 'ml.g5.2xlarge', 'ecs.gn7i-c8g1.2xlarge', 'fp8', 'awq', 'cpu', 'aws', 'alibaba'));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.constantFrom(...keys), tie('node'), { maxKeys: 5 })),
})).node;

function check(input: string | Uint8Array): void {
  const r = compileSpecText('prop.yaml', input);
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) {
    for (const d of r.deployments) expect(['aws', 'alibaba']).toContain(d.target);
  } else {
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    for (const d of r.diagnostics) {
      expect(d.code).toMatch(/^IS\d{4}$/);
      expect(d.line).toBeGreaterThanOrEqual(1);
    }
  }
}

describe('loader and validator never throw', () => {
  it('on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => check(bytes)), { numRuns: 300 });
  });
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => check(text)), { numRuns: 300 });
  });
  it('on arbitrary YAML trees', () => {
    fc.assert(fc.property(tree, (t) => check(stringify({ version: 1, deployments: { svc: t } }))), { numRuns: 300 });
  });
  it('on mutations of a valid spec (a setting replaced by an arbitrary value)', () => {
    const paths: string[][] = [['model'], ['model', 'parameters'], ['model', 'uri'], ['llm', 'maxContextLength'], ['scaling', 'min'], ['scaling', 'metric'], ['targets'], ['targets', 'aws'], ['engine'], ['resources'], ['mode']];
    fc.assert(
      fc.property(fc.constantFrom(...paths), tree, (p, value) => {
        const spec = structuredClone(valid) as Record<string, unknown>;
        let node = (spec.deployments as Record<string, Record<string, unknown>>).svc as Record<string, unknown>;
        for (const k of p.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
        node[p[p.length - 1]!] = value;
        check(stringify(spec));
      }),
      { numRuns: 400 },
    );
  });
});
