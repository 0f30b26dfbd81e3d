/**
 * `inferstack fit` reaches plan's verdict for the same model, engine and GPU: the weights are sized in the dtype the
 * engine build serves on that GPU (lib/engines/dtype.ts), and an fp8 KV cache is refused or warned about per GPU
 * (lib/engines/kv-cache.ts) — the functions plan uses. On the code before this change fit sized the dtype as stored,
 * printed no warnings, started vLLM with an fp8 KV cache on a V100, and disagreed with plan on a T4.
 */
import { describe, expect, it } from 'vitest';
import { fit, fitJson, fitMemory, FitUsageError, parseFitArgs, renderFitText } from '../../lib/commands/fit';
import { compileSpecText } from '../../lib/compile';
import { accelerator } from '../../lib/catalog/accelerators';

const GEMMA2_2B = ['--parameters', '2.61B', '--family', 'gemma2'];
const QWEN7B = ['--parameters', '7.6B', '--family', 'qwen2.5'];
/** A small model that fits a 16 GB V100 at 4k, so only the KV-cache rule can refuse it. */
const QWEN1_5B = ['--parameters', '1.54B', '--family', 'qwen2.5'];

const run = (args: string[]) => fit(parseFitArgs(args));

describe('fit: the served dtype on the GPU', () => {
  it('Gemma 2 on a T4 with vLLM (PAI-EAS vLLM 0.14.0) is sized in fp32, as the engine serves it', () => {
    const t4 = run([...GEMMA2_2B, '--accelerator', 'nvidia-t4', '--context', '4k']);
    const asFp32 = run([...GEMMA2_2B, '--dtype', 'fp32', '--accelerator', 'nvidia-a10', '--context', '4k']);
    const asBf16 = run([...GEMMA2_2B, '--accelerator', 'nvidia-a10', '--context', '4k']);
    expect(t4.memory.perDevice.weightsBytes).toBe(asFp32.memory.perDevice.weightsBytes);
    expect(t4.memory.perDevice.weightsBytes).toBeGreaterThan(1.9 * asBf16.memory.perDevice.weightsBytes);
    expect(fitJson(t4).warnings[0]).toMatch(/^IS2101: --dtype bf16 is served as fp32 by vLLM 0\.14\.0: nvidia-t4 has compute capability 7\.5.*float32/);
    expect(renderFitText(t4)).toMatch(/^2\.61B bf16 served as fp32 on 1 x nvidia-t4/);
  });
  it('Qwen bf16 on a T4 is served (and sized) in fp16, with the note', () => {
    const r = run([...QWEN1_5B, '--accelerator', 'nvidia-t4', '--context', '4k']);
    expect(r.servedDtype).toBe('fp16');
    expect(fitJson(r).warnings).toEqual([expect.stringMatching(/^IS2101: --dtype bf16 is served as fp16 by vLLM 0\.14\.0: nvidia-t4 has compute capability 7\.5, below the 8\.0 that bf16 needs$/)]);
    expect(renderFitText(r)).toMatch(/^warning: IS2101: --dtype bf16 is served as fp16/m);
    // On a GPU with bf16 nothing changes and nothing is said.
    expect(fitJson(run([...QWEN1_5B, '--accelerator', 'nvidia-a10', '--context', '4k'])).warnings).toEqual([]);
  });
  it('--target aws: LMI 0.30.0 (vLLM 0.6.2) refuses Gemma 2 on a T4, and the default build says so in a warning', () => {
    const aws = run([...GEMMA2_2B, '--accelerator', 'nvidia-t4', '--context', '4k', '--target', 'aws']);
    expect(aws.memory.fits).toBe(false);
    expect(aws.memory.reason).toMatch(/^IS2103: LMI 0\.30\.0 \(vLLM 0\.6\.2\) cannot serve this model on nvidia-t4: .*soft-capping/);
    const byDefault = run([...GEMMA2_2B, '--accelerator', 'nvidia-t4', '--context', '4k']);
    expect(byDefault.request.target).toBe('alibaba');
    expect(fitJson(byDefault).warnings).toContainEqual(expect.stringMatching(/^with --target aws, LMI 0\.30\.0 \(vLLM 0\.6\.2\) refuses: IS2103/));
  });
  it('TGI (SageMaker only) refuses Gemma 2 on a T4 (flash-attention v1 has no soft-capping)', () => {
    const r = run([...GEMMA2_2B, '--engine', 'tgi', '--accelerator', 'nvidia-t4', '--context', '4k']);
    expect(r.request.target).toBe('aws');
    expect(r.memory.fits).toBe(false);
    expect(r.memory.reason).toMatch(/^IS2103: TGI 3\.3\.6 cannot serve this model on nvidia-t4: .*flash-attention v1/);
  });
  it('SGLang (PAI-EAS only) refuses a V100 below its 7.5', () => {
    const r = run([...QWEN1_5B, '--engine', 'sglang', '--accelerator', 'nvidia-v100', '--context', '4k']);
    expect(r.request.target).toBe('alibaba');
    expect(r.memory.fits).toBe(false);
    expect(r.memory.reason).toMatch(/^IS2103: SGLang 0\.5\.8 cannot serve this model on nvidia-v100: .*needs 7\.5 or more/);
  });
});

describe('fit: fp8 KV cache per GPU (PAI-EAS vLLM 0.14.0)', () => {
  it('is refused on a V100 (IS2260) where the same model with an auto KV cache fits', () => {
    const base = [...QWEN1_5B, '--accelerator', 'nvidia-v100', '--context', '4k'];
    expect(run(base).memory.fits).toBe(true);
    const fp8 = run([...base, '--kv-cache-dtype', 'fp8']);
    expect(fp8.memory.fits).toBe(false);
    expect(fitJson(fp8).reason).toMatch(/^IS2260: --kv-cache-dtype fp8: vLLM 0\.14\.0 cannot store an fp8 KV cache on this GPU \(nvidia-v100, compute capability 7\.0\)/);
    expect(fitJson(fp8).warnings[0]).toMatch(/^IS2101: --dtype bf16 is served as fp16 by vLLM 0\.14\.0: nvidia-v100 has compute capability 7\.0, below/);
  });
  it('is a warning on an A10 (IS2261), and fits', () => {
    const r = run([...QWEN7B, '--accelerator', 'nvidia-a10', '--context', '4k', '--kv-cache-dtype', 'fp8']);
    expect(r.memory.fits).toBe(true);
    expect(fitJson(r).warnings).toEqual([
      expect.stringMatching(/^IS2261: --kv-cache-dtype fp8 on this GPU \(nvidia-a10, compute capability 8\.6\): vLLM 0\.14\.0 stores an fp8 KV cache only through its FlashInfer/),
      expect.stringMatching(/^with --target aws, LMI 0\.30\.0 \(vLLM 0\.6\.2\) refuses: IS3106: /),
    ]);
  });
});

describe('fit: KV-cache dtypes the engine takes (plan: IS2033)', () => {
  it('LMI 0.30.0 does not take an fp8 KV cache: does not fit, where plan errors', () => {
    const r = run([...QWEN7B, '--engine', 'lmi', '--accelerator', 'nvidia-l4', '--context', '4k', '--kv-cache-dtype', 'fp8']);
    expect(r.memory.fits).toBe(false);
    expect(r.memory.reason).toBe('IS2033: --kv-cache-dtype fp8 is not supported by lmi (allowed: auto)');
    expect(run([...QWEN7B, '--engine', 'lmi', '--lmi-backend', 'trtllm', '--accelerator', 'nvidia-l4', '--context', '4k', '--kv-cache-dtype', 'fp8']).memory.fits).toBe(true);
  });

  it('vLLM on SageMaker (LMI 0.30) and the Neuron containers take no KV-cache dtype: fit refuses as plan does (IS3106)', () => {
    const aws = run([...QWEN7B, '--engine', 'vllm', '--target', 'aws', '--accelerator', 'nvidia-a10g', '--context', '8k', '--kv-cache-dtype', 'fp8']);
    expect(aws.memory.fits).toBe(false);
    expect(aws.memory.reason).toBe('IS3106: --kv-cache-dtype fp8 is not supported by vllm on SageMaker: LMI 0.30 does not pass kv_cache_dtype to vLLM');
    const neuron = run([...QWEN7B, '--engine', 'tgi', '--accelerator', 'aws-inferentia2', '--count', '2', '--tensor-parallel', '2', '--context', '4k', '--kv-cache-dtype', 'fp8']);
    expect(neuron.memory.fits).toBe(false);
    expect(neuron.memory.reason).toMatch(/^IS3106: .*Neuron containers have no KV-cache dtype option/);
    // PAI-EAS vLLM 0.14.0 takes it; without --target the AWS build's refusal is a warning.
    const pai = run([...QWEN7B, '--engine', 'vllm', '--accelerator', 'nvidia-a10', '--context', '8k', '--kv-cache-dtype', 'fp8']);
    expect(pai.memory.fits).toBe(true);
    expect(fitJson(pai).warnings.some((w) => w.startsWith('with --target aws') && w.includes('IS3106'))).toBe(true);

    const spec = (engine: string, accel: string) => `version: 1\ndeployments:\n  kv:\n    model: { uri: "s3://b/qwen/", task: text-generation, family: qwen2.5, parameters: 7.6B }\n    engine: ${engine}\n    llm: { maxContextLength: 8192 }\n    acceleration: { kvCacheDtype: fp8 }\n    resources: { instanceType: { aws: ${accel} } }\n    targets: { aws: { region: us-east-1 } }\n`;
    const planned = compileSpecText('kv.yaml', spec('vllm', 'ml.g5.2xlarge'));
    expect(planned.diagnostics.map((d) => d.code)).toContain('IS3106');
  });
});

describe('fit: --gpu-memory and --compute-capability', () => {
  it('without a compute capability it says the GPU rules were not checked and sizes the stored dtype', () => {
    const r = run([...QWEN1_5B, '--gpu-memory', '14.58Gi', '--context', '4k']);
    expect(r.servedDtype).toBe('bf16');
    expect(fitJson(r).warnings).toEqual([expect.stringMatching(/^not checked: the GPU's compute capability is unknown .*served dtype .*fp8 KV-cache support were not checked/)]);
  });
  it('with --compute-capability it applies the same rules as the cataloged GPU', () => {
    const t4 = run([...GEMMA2_2B, '--accelerator', 'nvidia-t4', '--context', '4k']);
    const uncataloged = run([...GEMMA2_2B, '--gpu-memory', `${accelerator('nvidia-t4')!.usableMemoryGiB}Gi`, '--compute-capability', '7.5', '--context', '4k']);
    expect(uncataloged.servedDtype).toBe('fp32');
    expect(fitJson(uncataloged).kvCacheTokens).toBe(fitJson(t4).kvCacheTokens);
    expect(run([...QWEN1_5B, '--gpu-memory', '15Gi', '--compute-capability', '7.0', '--kv-cache-dtype', 'fp8', '--context', '4k']).memory.reason).toMatch(/^IS2260: .*this GPU \(given by --gpu-memory, compute capability 7\.0\)/);
  });
  it('LMI on Neuron has no GPU rules to check, so nothing is said', () => {
    const r = run([...QWEN1_5B, '--engine', 'lmi', '--lmi-backend', 'neuron', '--gpu-memory', '16Gi', '--context', '4k']);
    expect(r.request.deviceKind).toBe('neuron');
    expect(fitJson(r).warnings).toEqual([]);
  });
  it('rejects usage errors', () => {
    expect(() => parseFitArgs([...QWEN1_5B, '--accelerator', 'nvidia-t4', '--compute-capability', '7.5', '--context', '4k'])).toThrow(/--compute-capability goes with --gpu-memory/);
    expect(() => parseFitArgs([...QWEN1_5B, '--gpu-memory', '15Gi', '--compute-capability', '75', '--context', '4k'])).toThrow(/major\.minor/);
    expect(() => parseFitArgs([...QWEN1_5B, '--engine', 'sglang', '--target', 'aws', '--accelerator', 'nvidia-a10', '--context', '4k'])).toThrow(FitUsageError);
    expect(() => parseFitArgs([...QWEN1_5B, '--target', 'gcp', '--accelerator', 'nvidia-a10', '--context', '4k'])).toThrow(/--target must be one of aws, alibaba/);
  });
});

/**
 * Parity: the same model, engine and GPU through `plan` (spec -> normalize -> the deployment's memory object) and
 * through `fit` (flags -> JSON). The spec states what fit assumes by default: one instance's GPUs, vLLM's default
 * max_num_seqs (256 on GPUs under 70 GiB), and the utilization passed to fit.
 */
interface ParityCase {
  readonly name: string;
  readonly target: 'aws' | 'alibaba';
  readonly model: string;
  readonly family: string;
  readonly parameters: string;
  readonly instanceType: string;
  readonly accelerator: string;
  readonly count: number;
  readonly context: number;
  readonly kvCacheDtype?: 'fp8';
  /** @default 'vllm' */
  readonly engine?: 'vllm' | 'lmi' | 'tgi';
  /** Pre-quantized weights. */
  readonly quantization?: 'awq';
}

const CASES: readonly ParityCase[] = [
  { name: 'Gemma 2 2B on a T4, PAI-EAS vLLM (fp32)', target: 'alibaba', model: 'oss://m/g/', family: 'gemma2', parameters: '2.61B', instanceType: 'ecs.gn6i-c4g1.xlarge', accelerator: 'nvidia-t4', count: 1, context: 2048 },
  { name: 'Qwen2.5-1.5B on a T4, PAI-EAS vLLM (bf16 -> fp16)', target: 'alibaba', model: 'oss://m/q/', family: 'qwen2.5', parameters: '1.54B', instanceType: 'ecs.gn6i-c4g1.xlarge', accelerator: 'nvidia-t4', count: 1, context: 8192 },
  { name: 'Qwen2.5-7B, fp8 KV cache on an A10, PAI-EAS vLLM', target: 'alibaba', model: 'oss://m/q/', family: 'qwen2.5', parameters: '7.6B', instanceType: 'ecs.gn7i-c8g1.2xlarge', accelerator: 'nvidia-a10', count: 1, context: 16384, kvCacheDtype: 'fp8' },
  { name: 'Qwen2.5-7B on an A10G, SageMaker vLLM', target: 'aws', model: 's3://m/q/', family: 'qwen2.5', parameters: '7.6B', instanceType: 'ml.g5.2xlarge', accelerator: 'nvidia-a10g', count: 1, context: 16384 },
  { name: 'Qwen2.5-7B AWQ on an A10G, SageMaker LMI (AWQ kernels: bf16 -> fp16)', target: 'aws', model: 's3://m/q/', family: 'qwen2.5', parameters: '7.6B', instanceType: 'ml.g5.2xlarge', accelerator: 'nvidia-a10g', count: 1, context: 16384, engine: 'lmi', quantization: 'awq' },
  { name: 'Qwen2.5-7B on 4 x T4, SageMaker TGI (bf16 -> fp16)', target: 'aws', model: 's3://m/q/', family: 'qwen2.5', parameters: '7.6B', instanceType: 'ml.g4dn.12xlarge', accelerator: 'nvidia-t4', count: 4, context: 8192, engine: 'tgi' },
];

function specOf(c: ParityCase): string {
  const region = c.target === 'aws' ? 'us-east-1' : 'cn-hangzhou';
  return `version: 1
deployments:
  chat:
    model: { uri: "${c.model}", task: text-generation, family: ${c.family}, parameters: ${c.parameters}, dtype: bf16 }
    engine: ${c.engine ?? 'vllm'}
    llm: { maxContextLength: ${c.context}, maxConcurrentSequences: 256, gpuMemoryUtilization: 0.9 }
${c.kvCacheDtype ? `    acceleration: { kvCacheDtype: ${c.kvCacheDtype} }\n` : ''}${c.quantization ? `    acceleration: { quantization: { method: ${c.quantization}, preQuantized: true } }\n` : ''}    resources: { instanceType: { ${c.target}: ${c.instanceType} } }
    targets: { ${c.target}: { region: ${region} } }
`;
}

function fitArgsOf(c: ParityCase): string[] {
  const engine = c.engine ?? 'vllm';
  return [
    ...['--parameters', c.parameters, '--family', c.family, '--engine', engine, '--target', c.target, '--accelerator', c.accelerator, '--count', String(c.count), '--context', String(c.context)],
    // plan gives TGI no memory fraction (its default applies), the others the spec's gpuMemoryUtilization.
    ...(engine === 'tgi' ? [] : ['--gpu-memory-utilization', '0.9']),
    ...(c.kvCacheDtype ? ['--kv-cache-dtype', c.kvCacheDtype] : []),
    ...(c.quantization ? ['--quantization', c.quantization] : []),
    '--output', 'json',
  ];
}

describe('fit and plan agree (same model, engine and GPU)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const planned = compileSpecText('spec.yaml', specOf(c), {});
      expect(planned.diagnostics.filter((d) => d.severity === 'error'), 'plan accepts it').toEqual([]);
      const plan = fitMemory(planned.deployments[0]!.sizing!);
      const fitted = fitJson(run(fitArgsOf(c)));
      expect(fitted.kvCacheTokens).toBe(plan.kvCacheTokens);
      expect(fitted.fits).toBe(plan.fits);
      expect(fitted.perDevice).toEqual(plan.perDevice);
      // The warnings plan reports are the ones fit prints.
      const planWarnings = planned.diagnostics.filter((d) => ['IS2101', 'IS2261'].includes(d.code)).map((d) => d.code).sort();
      expect(fitted.warnings.map((w) => w.slice(0, 6)).filter((code) => /^IS\d{4}$/.test(code)).sort()).toEqual(planWarnings);
    });
  }
  it('an fp8 KV cache on a V100: plan errors with IS2260 and fit does not fit with IS2260', () => {
    const c: ParityCase = { name: 'v100', target: 'alibaba', model: 'oss://m/q/', family: 'qwen2.5', parameters: '1.54B', instanceType: 'ecs.gn6v-c8g1.2xlarge', accelerator: 'nvidia-v100', count: 1, context: 4096, kvCacheDtype: 'fp8' };
    const planned = compileSpecText('spec.yaml', specOf(c), {});
    expect(planned.diagnostics.map((d) => d.code)).toContain('IS2260');
    const fitted = fitJson(run(fitArgsOf(c)));
    expect(fitted.fits).toBe(false);
    expect(fitted.reason).toMatch(/^IS2260: /);
  });
});

describe('fit: --max-num-seqs (plan passes llm.maxConcurrentSequences to vLLM as max_num_seqs)', () => {
  it('gives the KV tokens plan gives for the same maxConcurrentSequences', () => {
    const spec = `version: 1\ndeployments:\n  chat:\n    model: { uri: "oss://m/g/", task: text-generation, family: gemma2, parameters: 2.61B, dtype: bf16 }\n    engine: vllm\n    llm: { maxContextLength: 4096, maxConcurrentSequences: 4, gpuMemoryUtilization: 0.9 }\n    resources: { instanceType: { alibaba: ecs.gn6i-c4g1.xlarge } }\n    targets: { alibaba: { region: cn-hangzhou } }\n`;
    const planned = compileSpecText('seqs.yaml', spec, {});
    expect(planned.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const memory = fitMemory(planned.deployments[0]!.sizing!);
    const args = [...GEMMA2_2B, '--accelerator', 'nvidia-t4', '--context', '4k', '--gpu-memory-utilization', '0.9'];
    expect(run([...args, '--max-num-seqs', '4']).memory.kvCacheTokens).toBe(memory.kvCacheTokens);
    expect(run(args).memory.kvCacheTokens).toBeLessThan(memory.kvCacheTokens!);
  });
});
