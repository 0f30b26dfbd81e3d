/**
 * The acceptance specs through the whole front half (parse -> validate -> normalize): the common
 * deployments start with a concurrency warning; the same at 128k context are refused with the numbers and
 * the cheapest instance that fits. Prices: the cheapest fit, a user price table, the smallest-fit fallback.
 */
import { describe, expect, it } from 'vitest';
import { compileSpecText, CompileOptions } from '../../lib/compile';

function qwen7b(context: number, target: 'aws' | 'alibaba'): string {
  const accelerator = target === 'aws' ? 'nvidia-a10g' : 'nvidia-a10';
  const region = target === 'aws' ? 'us-east-1' : 'cn-hangzhou';
  const uri = target === 'aws' ? 's3://models/qwen2.5-7b/' : 'oss://models/qwen2.5-7b/';
  return `version: 1
deployments:
  chat:
    model: { uri: "${uri}", task: text-generation, family: Qwen2.5, parameters: 7.6B, dtype: bf16 }
    llm: { maxContextLength: ${context}, maxConcurrentSequences: 32 }
    resources: { accelerator: ${accelerator}, count: 1 }
    targets: { ${target}: { region: ${region} } }
`;
}

function qwen14bBlade(context: number): string {
  return `version: 1
deployments:
  blade:
    model: { uri: "oss://models/qwen2.5-14b/", task: text-generation, family: qwen-2.5, parameters: 14.7B, dtype: bf16 }
    engine: bladellm
    llm: { maxContextLength: ${context}, maxConcurrentSequences: 16 }
    resources: { accelerator: nvidia-a10, count: 2 }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

function compile(text: string, options: CompileOptions = {}) {
  return compileSpecText('spec.yaml', text, options);
}

describe('vLLM gets maxConcurrentSequences as max_num_seqs, so its profiling sampler is sized by it', () => {
  it('Qwen2.5-7B x 32 on one A10G: the 2048-token forward pass, not 256 rows of logits, is the activation peak', () => {
    const ir = compile(qwen7b(16384, 'aws')).deployments[0]!;
    // 2048 tokens x 2 bytes x (3 x 18,944 intermediate + 4 x 3,584 hidden); 32 rows of logits take 38 x 32 x 152,064.
    expect(ir.sizing!.perDevice.activationBytes).toBe(2048 * 2 * (3 * 18944 + 4 * 3584));
    expect(ir.sizing!.perDevice.activationBytes).toBeGreaterThan(38 * 32 * 152064);
  });
});

describe('acceptance: common deployments start with a concurrency warning', () => {
  for (const target of ['aws', 'alibaba'] as const) {
    it(`Qwen2.5-7B bf16 16k x 32 on one A10/A10G (${target})`, () => {
      const r = compile(qwen7b(16384, target));
      expect(r.ok).toBe(true);
      const warning = r.diagnostics.find((d) => d.code === 'IS2200');
      expect(warning?.severity).toBe('warning');
      expect(warning?.message).toMatch(/at most \d+(\.\d+)? sequences of 16384 tokens at once/);
      const ir = r.deployments[0]!;
      expect(ir.instance!.count).toBe(1);
      expect(ir.sizing!.fits).toBe(true);
      expect(ir.sizing!.maxConcurrencyAtFullContext!).toBeLessThan(32);
      // The engine still gets the declared concurrency.
      expect(ir.llm!.maxConcurrentSequences).toBe(32);
    });
    it(`the same with 128k context is refused with the numbers (${target})`, () => {
      const r = compile(qwen7b(131072, target));
      expect(r.ok).toBe(false);
      const error = r.diagnostics.find((d) => d.code === 'IS2011')!;
      expect(error.message).toMatch(/one sequence of 131072 tokens needs 7\.0 GiB of KV cache per device/);
      expect(error.hint).toMatch(/budget 19\.8 GiB = weights 14\.2 GiB/);
      expect(error.hint).toMatch(/The cheapest \w+ instance that fits is \S+ \(\d x nvidia-/);
    });
  }
  it('Qwen2.5-14B BladeLLM 8k x 16 on 2 x A10', () => {
    const r = compile(qwen14bBlade(8192));
    expect(r.ok).toBe(true);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.diagnostics.some((d) => d.code === 'IS2200')).toBe(true);
    expect(r.deployments[0]!.engine.name).toBe('bladellm');
    expect(r.deployments[0]!.sizing!.tensorParallel).toBe(2);
  });
  it('the same with 128k context is refused with the numbers', () => {
    const r = compile(qwen14bBlade(131072));
    expect(r.ok).toBe(false);
    const error = r.diagnostics.find((d) => d.code === 'IS2011')!;
    expect(error.message).toMatch(/one sequence of 131072 tokens needs 12\.0 GiB of KV cache per device/);
    expect(error.hint).toMatch(/per device \(2 devices, tensor parallel 2\)/);
  });
});

describe('instance choice and prices', () => {
  const auto = (extra = '') => `version: 1
${extra}deployments:
  chat:
    model: { uri: "oss://m/", task: text-generation, family: qwen2.5, parameters: 7.6B }
    llm: { maxContextLength: 8192, maxConcurrentSequences: 8 }
    targets: { alibaba: { region: cn-hangzhou } }
`;
  it('without prices the choice falls back to the smallest that fits, and says so', () => {
    const r = compile(auto());
    expect(r.ok).toBe(true);
    expect(r.deployments[0]!.instance!.reason).toMatch(/smallest instance that fits \(no price known\)/);
  });
  it('a user price table in defaults.prices picks the cheapest that fits, in its currency', () => {
    const prices = `defaults:
  prices:
    alibaba:
      currency: CNY
      regions:
        cn-hangzhou: { ecs.gn7i-c8g1.2xlarge: 30, ml.gu7i.c16m60.1-gu30: 12.5 }
`;
    const r = compile(auto(prices));
    expect(r.ok).toBe(true);
    const ir = r.deployments[0]!;
    expect(ir.instance!.type).toBe('ml.gu7i.c16m60.1-gu30');
    expect(ir.instance!.reason).toMatch(/cheapest instance that fits \(12\.50 CNY\/h\)/);
    expect(ir.price).toEqual({ perHour: 12.5, currency: 'CNY', region: 'cn-hangzhou', source: 'user' });
  });
  it('--prices wins over the spec table', () => {
    const r = compile(auto(), { prices: { alibaba: { regions: { 'cn-hangzhou': { 'ecs.gn7i-c16g1.4xlarge': 0.5 } } } } });
    expect(r.deployments[0]!.instance!.type).toBe('ecs.gn7i-c16g1.4xlarge');
    expect(r.deployments[0]!.price!.currency).toBe('USD');
  });
  it('SageMaker picks the cheapest priced type that fits, not the smallest', () => {
    const r = compile(`version: 1
deployments:
  chat:
    model: { uri: "s3://m/", task: text-generation, family: qwen2.5, parameters: 7.6B }
    llm: { maxContextLength: 8192, maxConcurrentSequences: 8 }
    targets: { aws: { region: us-east-1 } }
`);
    expect(r.deployments[0]!.instance!.type).toBe('ml.g6.2xlarge'); // L4 at $1.222/h beats A10G at $1.408/h
    expect(r.deployments[0]!.instance!.reason).toMatch(/\$1\.222\/h/);
  });
  it('an unknown family warns that the KV cache could not be checked and how to give the architecture', () => {
    const r = compile(`version: 1
deployments:
  chat:
    model: { uri: "s3://m/", task: text-generation, family: falcon, parameters: 7B }
    targets: { aws: { region: us-east-1 } }
`);
    const w = r.diagnostics.find((d) => d.code === 'IS2012')!;
    expect(w.severity).toBe('warning');
    expect(w.hint).toMatch(/"falcon" is not a known family \(known: qwen2, [a-z0-9., -]*llama3/);
    expect(w.hint).toMatch(/model\.architecture: \{ layers, kvHeads, headDim \}/);
  });
  it('llm.maxBatchedTokens reaches the IR and the sizing', () => {
    const base = compile(qwen7b(16384, 'aws')).deployments[0]!;
    const big = compile(qwen7b(16384, 'aws').replace('maxConcurrentSequences: 32', 'maxConcurrentSequences: 32, maxBatchedTokens: 16384')).deployments[0]!;
    expect(big.llm!.maxBatchedTokens).toBe(16384);
    expect(big.sizing!.perDevice.activationBytes).toBeGreaterThan(base.sizing!.perDevice.activationBytes);
  });
});

describe('llm.maxBatchedTokens reaches the engines', () => {
  const spec = (engine: string, target: 'aws' | 'alibaba', extra = '') => `version: 1
deployments:
  chat:
    model: { uri: "${target === 'aws' ? 's3://m/' : 'oss://m/'}", task: text-generation, family: qwen2.5, parameters: 7.6B }
    engine: ${engine}
    llm: { maxContextLength: 8192, maxConcurrentSequences: 8, maxBatchedTokens: 4096 }
${extra}    targets: { ${target}: { region: ${target === 'aws' ? 'us-east-1' : 'cn-hangzhou'} } }
`;
  it('PAI-EAS vLLM, SGLang and BladeLLM get their flag', async () => {
    const { alibabaEngineLaunch } = await import('../../lib/engines/contracts/alibaba-options');
    const flag = (engine: string, name: string) => alibabaEngineLaunch(compile(spec(engine, 'alibaba')).deployments[0]!)!.flags.find((f) => f.name === name)?.value;
    expect(flag('vllm', '--max-num-batched-tokens')).toBe('4096');
    expect(flag('sglang', '--chunked-prefill-size')).toBe('4096');
    expect(flag('bladellm', '--ragged_flash_max_batch_tokens')).toBe('4096');
  });
  it('SageMaker LMI and TGI get their environment variable', async () => {
    const { engineEnvironment } = await import('../../providers/aws/containers');
    expect(engineEnvironment(compile(spec('lmi', 'aws')).deployments[0]!).OPTION_MAX_ROLLING_BATCH_PREFILL_TOKENS).toBe('4096');
    expect(engineEnvironment(compile(spec('tgi', 'aws')).deployments[0]!).MAX_BATCH_PREFILL_TOKENS).toBe('4096');
  });
  it('an engine that cannot take it gets a warning, never a silent drop', () => {
    const r = compile(spec('lmi', 'aws', '    resources: { accelerator: aws-inferentia2 }\n'));
    const w = r.diagnostics.find((d) => d.code === 'IS2016' && /maxBatchedTokens/.test(d.message));
    expect(w?.severity).toBe('warning');
  });
});

describe('placement keeps tensor parallelism valid', () => {
  it('skips instance types whose GPU count does not divide the attention heads, unless the spec fixes the count', async () => {
    const { headsAccept } = await import('../../lib/normalize/instance');
    const { instanceType } = await import('../../lib/catalog/instances');
    const model = compile(qwen7b(8192, 'aws')).deployments[0]!.model; // Qwen2.5-7B: 28 attention heads
    const accept = headsAccept(model, undefined)!;
    expect(accept(instanceType('aws', 'ml.g5.48xlarge')!)).toBe(false); // 8 GPUs
    expect(accept(instanceType('aws', 'ml.g5.12xlarge')!)).toBe(true); // 4 GPUs
    expect(accept(instanceType('aws', 'ml.g5.xlarge')!)).toBe(true);
    expect(headsAccept(model, 8)).toBeUndefined();
    const fixed = compile(qwen7b(8192, 'aws').replace('count: 1', 'count: 8'));
    expect(fixed.diagnostics.some((d) => d.code === 'IS2014')).toBe(true);
  });
});
