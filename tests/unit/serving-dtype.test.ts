/**
 * The dtype each pinned engine serves in (lib/engines/dtype.ts), row by row: GPUs without bf16 (T4 7.5, V100 7.0),
 * model families vLLM will not run in float16, and the engines that cannot start at all.
 */
import { describe, expect, it } from 'vitest';
import {
  dtypeBehaviour,
  LMI_VLLM_DTYPE,
  PAI_SGLANG_DTYPE,
  PAI_VLLM_DTYPE,
  servingDtype,
  TGI_DTYPE,
  TRTLLM_DTYPE,
  type DtypeBehaviour,
} from '../../lib/engines/dtype';
import type { QuantMethod, WeightDtype } from '../../lib/sizing';

function served(behaviour: DtypeBehaviour | undefined, accelerator: string, family: string | undefined, stored: WeightDtype = 'bf16', quantization: QuantMethod = 'none') {
  return servingDtype({ stored, accelerator, quantization, family, behaviour });
}

describe('which behaviour applies', () => {
  it.each([
    ['alibaba', 'vllm', PAI_VLLM_DTYPE],
    ['alibaba', 'auto', PAI_VLLM_DTYPE],
    ['alibaba', 'sglang', PAI_SGLANG_DTYPE],
    ['alibaba', 'bladellm', undefined],
    ['alibaba', 'tei', undefined],
    ['aws', 'lmi', LMI_VLLM_DTYPE],
    ['aws', 'vllm', LMI_VLLM_DTYPE],
    ['aws', 'tgi', TGI_DTYPE],
    ['aws', 'tensorrt-llm', TRTLLM_DTYPE],
    ['aws', 'tei', undefined],
  ] as const)('%s %s', (target, engine, expected) => {
    expect(dtypeBehaviour(target, engine, 'nvidia')).toBe(expected);
  });
  it('Neuron devices take the dtype as stored', () => {
    expect(dtypeBehaviour('aws', 'lmi', 'neuron')).toBeUndefined();
    expect(served(undefined, 'aws-inferentia2', 'gemma2')).toEqual({ dtype: 'bf16' });
  });
});

describe('PAI-EAS vLLM 0.14.0 (--dtype auto: _resolve_auto_dtype)', () => {
  it.each([
    // accelerator, family, stored -> served
    ['nvidia-t4', 'qwen2', 'bf16', 'fp16'],
    ['nvidia-v100', 'llama3', 'bf16', 'fp16'],
    ['nvidia-t4', 'qwen2', 'fp16', 'fp16'],
    ['nvidia-t4', 'qwen2', 'fp32', 'fp32'],
    ['nvidia-a10', 'qwen2', 'bf16', 'bf16'],
    // float16 is excluded for these model types: the next supported dtype on a GPU without bf16 is float32
    ['nvidia-t4', 'gemma2', 'bf16', 'fp32'],
    ['nvidia-t4', 'Gemma-2', 'fp16', 'fp32'],
    ['nvidia-v100', 'gemma3', 'bf16', 'fp32'],
    ['nvidia-t4', 'glm4', 'bf16', 'fp32'],
    // with bf16: bf16 stays, fp16 weights are served in bf16 (float16 is not in the supported list)
    ['nvidia-a10', 'gemma2', 'bf16', 'bf16'],
    ['nvidia-a10', 'gemma2', 'fp16', 'bf16'],
    ['nvidia-t4', 'gemma2', 'fp32', 'fp32'],
  ] as const)('%s %s %s -> %s', (accelerator, family, stored, expected) => {
    const r = served(PAI_VLLM_DTYPE, accelerator, family, stored);
    expect(r.dtype).toBe(expected);
    expect(r.refused).toBeUndefined();
    expect(r.reason !== undefined).toBe(expected !== stored);
  });
  it('a Gemma AWQ/GPTQ checkpoint without bf16 is refused: float32 is chosen, the kernels take float16 only', () => {
    expect(served(PAI_VLLM_DTYPE, 'nvidia-t4', 'gemma2', 'bf16', 'awq').refused).toContain('AWQ kernels refuse');
    expect(served(PAI_VLLM_DTYPE, 'nvidia-v100', 'gemma3', 'bf16', 'gptq').refused).toBeDefined();
    expect(served(PAI_VLLM_DTYPE, 'nvidia-a10', 'gemma2', 'bf16', 'awq')).toEqual({ dtype: 'bf16' });
    expect(served(PAI_VLLM_DTYPE, 'nvidia-t4', 'qwen2', 'bf16', 'awq').dtype).toBe('fp16');
  });
  it('the float32 reason says why and what it costs', () => {
    const r = served(PAI_VLLM_DTYPE, 'nvidia-t4', 'gemma2');
    expect(r.reason).toContain('compute capability 7.5');
    expect(r.reason).toContain('float32');
    expect(r.reason).toContain('doubles the weight memory');
  });
});

describe('PAI-EAS SGLang 0.5.8 (ModelRunner.load_model)', () => {
  it('casts every dtype to fp16 below 8.0, Gemma included (it has no float16 exclusion list)', () => {
    expect(served(PAI_SGLANG_DTYPE, 'nvidia-t4', 'qwen2').dtype).toBe('fp16');
    expect(served(PAI_SGLANG_DTYPE, 'nvidia-t4', 'qwen2', 'fp32').dtype).toBe('fp16');
    expect(served(PAI_SGLANG_DTYPE, 'nvidia-t4', 'gemma2').dtype).toBe('fp16');
    expect(served(PAI_SGLANG_DTYPE, 'nvidia-a10', 'qwen2', 'fp32')).toEqual({ dtype: 'fp32' });
  });
  it('refuses a V100 (7.0): "SGLang only supports sm75 and above"', () => {
    expect(served(PAI_SGLANG_DTYPE, 'nvidia-v100', 'qwen2').refused).toContain('7.5 or more');
  });
});

describe('SageMaker LMI 0.30.0 (vLLM 0.6.2) and TGI 3.3.6', () => {
  it('bf16 is told fp16 below 8.0; AWQ/GPTQ are fp16 on LMI everywhere', () => {
    expect(served(LMI_VLLM_DTYPE, 'nvidia-t4', 'llama3').dtype).toBe('fp16');
    expect(served(TGI_DTYPE, 'nvidia-v100', 'llama3').dtype).toBe('fp16');
    expect(served(LMI_VLLM_DTYPE, 'nvidia-a10g', 'llama3', 'bf16', 'awq').dtype).toBe('fp16');
    expect(served(TGI_DTYPE, 'nvidia-a10g', 'llama3', 'bf16', 'awq').dtype).toBe('bf16');
  });
  it('Gemma 2 is refused below 8.0 by both (no fp16 is emitted for it), served in bf16 from 8.0', () => {
    for (const b of [LMI_VLLM_DTYPE, TGI_DTYPE]) {
      for (const accelerator of ['nvidia-t4', 'nvidia-v100']) {
        const r = served(b, accelerator, 'gemma2');
        expect(r.refused, `${b.engine} ${accelerator}`).toBeDefined();
        expect(r.dtype).not.toBe('fp16');
      }
      expect(served(b, 'nvidia-a10g', 'gemma2')).toEqual({ dtype: 'bf16' });
    }
    expect(served(LMI_VLLM_DTYPE, 'nvidia-t4', 'gemma2').refused).toContain('soft-capping');
    expect(served(TGI_DTYPE, 'nvidia-t4', 'gemma3').refused).toContain('flash-attention v1');
  });
  it('every behaviour names its sources', () => {
    for (const b of [PAI_VLLM_DTYPE, PAI_SGLANG_DTYPE, LMI_VLLM_DTYPE, TGI_DTYPE, TRTLLM_DTYPE]) expect(b.sources.length).toBeGreaterThan(0);
  });
});
