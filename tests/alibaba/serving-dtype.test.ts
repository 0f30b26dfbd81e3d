/**
 * The dtype vLLM 0.14.0 and SGLang 0.5.8 serve in on PAI-EAS GPUs without bf16 (T4 in ecs.gn6i, V100 in ecs.gn6v):
 * what the container is told, what sizing counts, and what the user is told. Each fails on the code before it
 * (no --dtype, bf16 sizing and no warning on PAI-EAS).
 */
import { describe, expect, it } from 'vitest';
import { buildServiceConfig } from '../../providers/alibaba/service-config';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';
import { containerWords, contractViolationsOfWords } from './contract-helpers';

const T4 = 'ecs.gn6i-c4g1.xlarge';
const V100 = 'ecs.gn6v-c8g1.2xlarge';
const A10 = 'ecs.gn7i-c8g1.2xlarge';

function spec(model: string, engine: string, instanceType: string): string {
  return `version: 1
deployments:
  svc:
    model: { uri: "oss://m/w/", task: text-generation, ${model} }
    engine: ${engine}
    llm: { maxContextLength: 2048, maxConcurrentSequences: 4 }
    resources: { instanceType: ${instanceType} }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

const QWEN_1_5B = 'family: qwen2, parameters: 1.54B, dtype: bf16';
const GEMMA2_2B = 'family: gemma2, parameters: 2.61B, dtype: bf16';

function words(yaml: string): string[] {
  return containerWords(buildServiceConfig(only(compileOk(yaml), 'alibaba')).containers![0]!);
}

function flagValue(ws: string[], flag: string): string | undefined {
  const i = ws.indexOf(flag);
  return i < 0 ? undefined : ws[i + 1];
}

describe('PAI-EAS vLLM on a T4 (ecs.gn6i)', () => {
  it('Qwen bf16: served in fp16, --dtype float16 emitted, IS2101 says why, weights sized at 2 bytes', () => {
    const yaml = spec(QWEN_1_5B, 'vllm', T4);
    const ws = words(yaml);
    expect(flagValue(ws, '--dtype')).toBe('float16');
    expect(contractViolationsOfWords('alibaba/vllm', ws, {})).toEqual([]);
    const w = diagnosticsOf(yaml).find((d) => d.code === 'IS2101')!;
    expect(w.severity).toBe('warning');
    expect(w.message).toContain('served as fp16');
    expect(w.message).toContain('compute capability 7.5');
    const sizing = only(compileOk(yaml), 'alibaba').sizing!;
    expect(sizing.totalWeightBytes).toBeLessThan(1.54e9 * 2.1);
  });

  it('Gemma 2 bf16: vLLM serves it in float32, sizing counts 4-byte weights, the warning says so, --dtype float32', () => {
    const yaml = spec(GEMMA2_2B, 'vllm', T4);
    const ir = only(compileOk(yaml), 'alibaba');
    expect(ir.sizing!.totalWeightBytes).toBeGreaterThanOrEqual(2.61e9 * 4);
    const ws = words(yaml);
    expect(flagValue(ws, '--dtype')).toBe('float32');
    expect(contractViolationsOfWords('alibaba/vllm', ws, {})).toEqual([]);
    const w = diagnosticsOf(yaml).find((d) => d.code === 'IS2101')!;
    expect(w.message).toContain('served as fp32');
    expect(w.message).toContain('float32');
  });

  it('Gemma 3 4B fits one T4 in bf16/fp16 (8.6 GB) but not in float32 (17.2 GB): the instance is refused', () => {
    const errors = diagnosticsOf(spec('family: gemma3, parameters: 4.3B, dtype: bf16', 'vllm', T4)).filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code)).toEqual(['IS2010']);
    expect(errors[0]!.message).toContain(T4);
    expect(diagnosticsOf(spec('family: qwen3, parameters: 4.0B, dtype: bf16', 'vllm', T4)).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('an A10 (8.6) keeps bf16: no --dtype, no warning', () => {
    const yaml = spec(GEMMA2_2B, 'vllm', A10);
    expect(words(yaml)).not.toContain('--dtype');
    expect(diagnosticsOf(yaml).map((d) => d.code)).not.toContain('IS2101');
  });

  it('engine auto with a Gemma 2 on PAI-EAS sizes fp32 only where the GPU has no bf16', () => {
    const ir = only(compileOk(spec(GEMMA2_2B, 'auto', A10)), 'alibaba');
    expect(ir.sizing!.totalWeightBytes).toBeLessThan(2.61e9 * 2.1);
  });
});

describe('PAI-EAS SGLang', () => {
  it('on a T4: fp16, --dtype float16, IS2101', () => {
    const yaml = spec(QWEN_1_5B, 'sglang', T4);
    const ws = words(yaml);
    expect(flagValue(ws, '--dtype')).toBe('float16');
    expect(contractViolationsOfWords('alibaba/sglang', ws, {})).toEqual([]);
    expect(diagnosticsOf(yaml).map((d) => d.code)).toContain('IS2101');
  });
  it('on a V100 (7.0): an error, SGLang starts only on 7.5 or more', () => {
    const e = diagnosticsOf(spec(QWEN_1_5B, 'sglang', V100)).find((d) => d.code === 'IS2103')!;
    expect(e.severity).toBe('error');
    expect(e.message).toContain('ecs.gn6v-c8g1.2xlarge');
    expect(e.hint).toContain('8.0 or more');
  });
});

describe('PAI-EAS vLLM: a pre-quantized Gemma on a T4', () => {
  it('is refused (IS2103): vLLM would pick float32, which the AWQ kernels refuse', () => {
    const yaml = spec('family: gemma2, parameters: 2.61B, dtype: bf16', 'vllm', T4).replace('    engine: vllm', '    engine: vllm\n    acceleration: { quantization: { method: awq, preQuantized: true } }');
    const e = diagnosticsOf(yaml).find((d) => d.code === 'IS2103')!;
    expect(e.severity).toBe('error');
    expect(e.message).toContain('AWQ');
    expect(e.hint).toContain('unquantized checkpoint');
  });
});
