/**
 * `acceleration.kvCacheDtype: fp8` with the PAI-EAS vLLM 0.14.0 image, per GPU (lib/engines/kv-cache.ts): refused on a
 * V100 (7.0: no attention backend of vLLM 0.14 can store it, the engine crashes at start-up, vllm#35720), a warning on
 * T4 / A10 / A100 (only the FlashInfer backend stores it below 8.9; vllm#26431 is the Triton crash), and the contract
 * no longer accepts `--kv-cache-dtype fp8_e5m2` (crashes at engine init on vLLM 0.14.1, vllm#42587). On the code
 * before this change the V100 spec compiled without a word, the A10 one without a warning, and fp8_e5m2 passed the
 * contract check.
 */
import { describe, expect, it } from 'vitest';
import { buildServiceConfig } from '../../providers/alibaba/service-config';
import { fp8KvCacheOnGpu } from '../../lib/engines/kv-cache';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';
import { containerWords, contractViolationsOfWords } from './contract-helpers';

const V100 = 'ecs.gn6v-c8g1.2xlarge';
const V100_32G = 'ecs.gn6e-c12g1.3xlarge';
const T4 = 'ecs.gn6i-c4g1.xlarge';
const A10 = 'ecs.gn7i-c8g1.2xlarge';
const A100 = 'ecs.gn7e-c16g1.4xlarge';

function spec(engine: string, resources: string, kv = 'fp8', defaults = ''): string {
  return `version: 1
${defaults}deployments:
  svc:
    model: { uri: "oss://m/w/", task: text-generation, family: qwen2.5, parameters: 1.54B, dtype: bf16 }
    engine: ${engine}
    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    acceleration: { kvCacheDtype: ${kv} }
    resources: { ${resources} }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

const codes = (yaml: string) => diagnosticsOf(yaml).map((d) => d.code);

describe('PAI-EAS vLLM 0.14.0 with an fp8 KV cache, per GPU', () => {
  for (const [name, type] of [['V100 16 GB', V100], ['V100 32 GB', V100_32G]] as const) {
    it(`${name} (7.0): refused with IS2260, the numbers and the way out`, () => {
      const d = diagnosticsOf(spec('vllm', `instanceType: ${type}`)).find((x) => x.code === 'IS2260')!;
      expect(d, 'IS2260 reported').toBeDefined();
      expect(d.severity).toBe('error');
      expect(d.message).toContain(type);
      expect(d.message).toContain('compute capability 7.0');
      expect(d.message).toContain('vLLM 0.14.0');
      expect(d.message).toContain('vllm-project/vllm#35720');
      expect(d.hint).toContain('remove acceleration.kvCacheDtype');
      expect(d.hint).toContain('ecs.gn7i');
    });
  }

  it('the same V100 spec with kvCacheDtype auto compiles without IS2260', () => {
    expect(codes(spec('vllm', `instanceType: ${V100}`, 'auto'))).not.toContain('IS2260');
  });

  for (const [name, type, cc] of [['T4', T4, '7.5'], ['A10', A10, '8.6'], ['A100 80 GB', A100, '8.0']] as const) {
    it(`${name} (${cc}): starts only through FlashInfer, so a warning (IS2261), and the flag is still emitted`, () => {
      const yaml = spec('vllm', `instanceType: ${type}`);
      const ds = diagnosticsOf(yaml);
      expect(ds.map((d) => d.code)).not.toContain('IS2260');
      const w = ds.find((d) => d.code === 'IS2261')!;
      expect(w.severity).toBe('warning');
      expect(w.message).toContain(`compute capability ${cc}`);
      expect(w.message).toContain('FlashInfer');
      expect(w.hint).toContain('Using FLASHINFER attention backend');
      const words = containerWords(buildServiceConfig(only(compileOk(yaml), 'alibaba')).containers![0]!);
      expect(words[words.indexOf('--kv-cache-dtype') + 1]).toBe('fp8');
    });
  }

  it('accelerator nvidia-v100 with fp8 KV: refused, not placed silently', () => {
    expect(codes(spec('vllm', 'accelerator: nvidia-v100'))).toContain('IS2260');
  });

  it('accelerator auto skips the V100 even where it is the cheapest that fits (kvCacheDtype auto still takes it)', () => {
    const prices = `defaults:
  prices:
    alibaba:
      currency: CNY
      regions:
        cn-hangzhou: { ${V100}: 1, ${A10}: 30 }
`;
    const priced = (kv: string) => spec('vllm', 'accelerator: auto', kv, prices);
    expect(only(compileOk(priced('auto')), 'alibaba').instance!.type).toBe(V100);
    const ir = only(compileOk(priced('fp8')), 'alibaba');
    expect(ir.instance!.type).toBe(A10);
    expect(codes(priced('fp8'))).not.toContain('IS2260');
  });

  it('sizing hints suggest kvCacheDtype fp8 on an A10, not on a V100 where vLLM 0.14.0 cannot start with it', () => {
    const busy = (type: string) => `version: 1
deployments:
  svc:
    model: { uri: "oss://m/w/", task: text-generation, family: qwen2.5, parameters: 1.54B, dtype: bf16 }
    engine: vllm
    llm: { maxContextLength: 32768, maxConcurrentSequences: 64 }
    resources: { instanceType: ${type} }
    targets: { alibaba: { region: cn-hangzhou } }
`;
    const hint = (type: string) => diagnosticsOf(busy(type)).find((d) => d.code === 'IS2200')!.hint;
    expect(hint(A10)).toContain('kvCacheDtype fp8');
    expect(hint(V100)).not.toContain('kvCacheDtype fp8');
  });

  it('the rule is vLLM-only: SGLang on the V100 gets no IS2260 (not checked per GPU)', () => {
    expect(codes(spec('sglang', `instanceType: ${V100}`))).not.toContain('IS2260');
  });
});

describe('fp8KvCacheOnGpu: the boundaries of the rule', () => {
  it('8.9 and up (L4, L40S, H100) store fp8 natively: nothing to say', () => {
    for (const gpu of ['nvidia-l4', 'nvidia-l40s', 'nvidia-h100']) expect(fp8KvCacheOnGpu('alibaba', 'vllm', 'fp8', gpu), gpu).toBeUndefined();
  });
  it('7.5 to 8.8 is a caveat, below 7.5 a refusal', () => {
    expect(fp8KvCacheOnGpu('alibaba', 'vllm', 'fp8', 'nvidia-t4')).toMatchObject({ computeCapability: 7.5, caveat: expect.any(String) });
    expect(fp8KvCacheOnGpu('alibaba', 'vllm', 'fp8', 'nvidia-a30')?.refused).toBeUndefined();
    expect(fp8KvCacheOnGpu('alibaba', 'vllm', 'fp8', 'nvidia-v100')).toMatchObject({ computeCapability: 7.0, refused: expect.any(String) });
  });
  it('only PAI-EAS vLLM (or engine auto there), only kvCacheDtype fp8', () => {
    expect(fp8KvCacheOnGpu('alibaba', 'auto', 'fp8', 'nvidia-v100')?.refused).toBeDefined();
    expect(fp8KvCacheOnGpu('alibaba', 'sglang', 'fp8', 'nvidia-v100')).toBeUndefined();
    expect(fp8KvCacheOnGpu('aws', 'vllm', 'fp8', 'nvidia-v100')).toBeUndefined();
    expect(fp8KvCacheOnGpu('alibaba', 'vllm', 'auto', 'nvidia-v100')).toBeUndefined();
    expect(fp8KvCacheOnGpu('alibaba', 'vllm', 'int8', 'nvidia-v100')).toBeUndefined();
  });
});

describe('PAI-EAS vLLM contract: --kv-cache-dtype values that start on vLLM 0.14', () => {
  const base = ['vllm', 'serve', '/model_dir', '--port', '8000'];
  it('fp8 and fp8_e4m3 pass', () => {
    expect(contractViolationsOfWords('alibaba/vllm', [...base, '--kv-cache-dtype', 'fp8'], {})).toEqual([]);
    expect(contractViolationsOfWords('alibaba/vllm', [...base, '--kv-cache-dtype', 'fp8_e4m3'], {})).toEqual([]);
  });
  it('fp8_e5m2 (crashes at engine init on vLLM 0.14.1, vllm#42587) is refused', () => {
    const v = contractViolationsOfWords('alibaba/vllm', [...base, '--kv-cache-dtype', 'fp8_e5m2'], {});
    expect(v.join(' ')).toContain('--kv-cache-dtype');
  });
});
