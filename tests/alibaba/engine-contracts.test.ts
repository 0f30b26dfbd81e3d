/**
 * Regression tests for the PAI-EAS defects of issue #12 (11-17) and embeddings on PAI-EAS. Each asserts what the
 * serving container receives, checked against the engine's pinned contract; each fails on the code before #12.
 */
import { describe, expect, it } from 'vitest';
import { compileSpecText } from '../../lib/compile';
import { alibabaEngineLaunch } from '../../lib/engines/contracts/alibaba';
import { ALIBABA_VLLM_CONTRACT, containerWords, contractViolationsOfWords } from './contract-helpers';
import { buildServiceConfig, EasContainer } from '../../providers/alibaba/service-config';
import { alibabaPoolingEngine } from '../../lib/normalize/rules-alibaba';
import { compileOk, only } from '../helpers/compile';

function spec(body: string): string {
  return `version: 1\ndeployments:\n  svc:\n${body
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n    targets: { alibaba: { region: cn-hangzhou } }\n`;
}

const QWEN = 'model: { uri: "oss://m/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }';
const A10 = 'resources: { instanceType: ecs.gn7i-c16g1.4xlarge }';

function container(yaml: string): EasContainer {
  return buildServiceConfig(only(compileOk(yaml), 'alibaba')).containers![0]!;
}

function words(c: EasContainer): string[] {
  return containerWords(c);
}

function env(c: EasContainer): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));
}

function diags(yaml: string) {
  return compileSpecText('inline.yaml', yaml).diagnostics;
}

describe('defect 11: custom images get a TCP startup probe unless container.healthCheck.path is given', () => {
  const custom = (extra: string) => spec(`model: { uri: "oss://m/app/", format: custom }\nengine: custom\ncontainer: { image: "registry.cn-hangzhou.aliyuncs.com/acme/app:1", port: 9000${extra} }\nresources: { instanceType: ecs.c7.xlarge }`);

  it('no health path: tcp_socket on the container port, no HTTP /ping', () => {
    const probe = container(custom('')).startup_check!;
    expect(probe.tcp_socket).toEqual({ port: 9000 });
    expect(probe.http_get).toBeUndefined();
  });

  it('a health path: HTTP GET on it', () => {
    const probe = container(custom(', healthCheck: { path: /ready }')).startup_check!;
    expect(probe.http_get).toEqual({ path: '/ready', port: 9000 });
    expect(probe.tcp_socket).toBeUndefined();
  });
});

describe('defect 12: model URIs that would load nothing', () => {
  it('modelscope:// on vLLM: the scheme is stripped and VLLM_USE_MODELSCOPE=True is set', () => {
    const c = container(spec(`model: { uri: "modelscope://Qwen/Qwen2.5-7B-Instruct", task: text-generation, family: qwen2, parameters: 7.6B }\nengine: vllm\n${A10}\nnetwork: { alibaba: { vpcId: vpc-1, vswitchId: vsw-1, securityGroupId: sg-1 } }`));
    expect(words(c).slice(0, 3)).toEqual(['vllm', 'serve', 'Qwen/Qwen2.5-7B-Instruct']);
    expect(env(c).VLLM_USE_MODELSCOPE).toBe('True');
  });

  it('modelscope:// on SGLang: SGLANG_USE_MODELSCOPE=true and --model-path without the scheme', () => {
    const c = container(spec(`model: { uri: "modelscope://Qwen/Qwen2.5-7B-Instruct", task: text-generation, family: qwen2, parameters: 7.6B }\nengine: sglang\n${A10}`));
    expect(words(c)).toContain('Qwen/Qwen2.5-7B-Instruct');
    expect(c.command ?? c.script).not.toContain('modelscope://');
    expect(env(c).SGLANG_USE_MODELSCOPE).toBe('true');
  });

  it('modelscope:// on BladeLLM (no ModelScope switch): a positioned error', () => {
    const d = diags(spec(`model: { uri: "modelscope://Qwen/Qwen2.5-7B-Instruct", task: text-generation, family: qwen2, parameters: 7.6B }\nengine: bladellm\n${A10}`));
    const e = d.find((x) => x.code === 'IS4101')!;
    expect(e.severity).toBe('error');
    expect(e.line).toBe(4);
  });

  it('an https:// archive for a container engine: refused (nothing would be mounted at /model_dir)', () => {
    const d = diags(spec(`model: { uri: "https://example.com/qwen.tar.gz", task: text-generation, family: qwen2, parameters: 7.6B }\nengine: vllm\n${A10}`));
    expect(d.map((x) => x.code)).toContain('IS4102');
    expect(compileSpecText('inline.yaml', spec(`model: { uri: "https://example.com/qwen.tar.gz", task: text-generation, family: qwen2, parameters: 7.6B }\nengine: vllm\n${A10}`)).ok).toBe(false);
  });

  it('an https:// archive for a built-in processor is fine (model_path takes HTTP archives)', () => {
    const d = diags(spec('model: { uri: "https://example.com/m.tar.gz", format: pmml }\nresources: { instanceType: ecs.c7.xlarge }'));
    expect(d.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('a Hugging Face id without a VPC: warned that the service has no internet access; with a VPC: no warning', () => {
    const hub = `model: { uri: "hf://Qwen/Qwen2.5-7B-Instruct", task: text-generation, family: qwen2, parameters: 7.6B }\nengine: vllm\n${A10}`;
    expect(diags(spec(hub)).find((x) => x.code === 'IS4103')?.severity).toBe('warning');
    expect(diags(spec(`${hub}\nnetwork: { alibaba: { vpcId: vpc-1, vswitchId: vsw-1, securityGroupId: sg-1 } }`)).map((x) => x.code)).not.toContain('IS4103');
  });
});

describe('defect 13: vLLM reads a pre-quantized checkpoint itself', () => {
  for (const method of ['awq', 'gptq', 'int4', 'int8']) {
    it(`${method} pre-quantized: no --quantization flag`, () => {
      const c = container(spec(`${QWEN}\nengine: vllm\nacceleration: { quantization: { method: ${method}, preQuantized: true } }\n${A10}`));
      expect(words(c)).not.toContain('--quantization');
      expect(c.command).not.toContain('compressed-tensors');
    });
  }

  it('fp8 quantized at load time: --quantization fp8; the same method pre-quantized: none', () => {
    // No PAI-EAS instance in the catalog has FP8 tensor cores, so the launch is built from an IR directly.
    const ir = only(compileOk(spec(`${QWEN}\nengine: vllm\n${A10}`)), 'alibaba');
    const quantFlag = (preQuantized: boolean) =>
      alibabaEngineLaunch({ ...ir, quantization: { method: 'fp8', weightsOnly: false, preQuantized } })!.flags.find((f) => f.name === '--quantization')?.value;
    expect(quantFlag(false)).toBe('fp8');
    expect(quantFlag(true)).toBeUndefined();
  });
});

describe('defect 14: processor versions from model.frameworkVersion, the same on CPU and GPU', () => {
  const tf = (version: string, instance: string) => spec(`model: { uri: "oss://m/tf/", format: tensorflow${version ? `, frameworkVersion: "${version}"` : ''} }\nresources: { instanceType: ${instance} }`);
  const processor = (yaml: string) => buildServiceConfig(only(compileOk(yaml), 'alibaba')).processor;

  it('TensorFlow 1.14 on GPU and CPU: tensorflow_gpu_1.14 and tensorflow_cpu_1.14', () => {
    expect(processor(tf('1.14', 'ecs.gn6i-c4g1.xlarge'))).toBe('tensorflow_gpu_1.14');
    expect(processor(tf('1.14', 'ecs.c7.xlarge'))).toBe('tensorflow_cpu_1.14');
  });

  it('no frameworkVersion: the same default version on CPU and GPU, with a warning naming it', () => {
    const cpu = processor(tf('', 'ecs.c7.xlarge'))!;
    const gpu = processor(tf('', 'ecs.gn6i-c4g1.xlarge'))!;
    expect(cpu.replace('_cpu_', '_')).toBe(gpu.replace('_gpu_', '_'));
    expect(diags(tf('', 'ecs.c7.xlarge')).find((x) => x.code === 'IS4105')?.message).toContain(cpu);
  });

  it('a version the device does not offer: an error listing the offered versions', () => {
    const e = diags(tf('2.3', 'ecs.gn6i-c4g1.xlarge')).find((x) => x.code === 'IS4104')!;
    expect(e.severity).toBe('error');
    expect(e.allowed).toBe('1.12, 1.14, 1.15');
    expect(processor(tf('2.3', 'ecs.c7.xlarge'))).toBe('tensorflow_cpu_2.3');
  });

  it('PyTorch: pytorch_<device>_1.6, and an unknown version is refused', () => {
    expect(processor(spec('model: { uri: "oss://m/pt/", format: pytorch, frameworkVersion: "1.6" }\nresources: { instanceType: ecs.gn6i-c4g1.xlarge }'))).toBe('pytorch_gpu_1.6');
    expect(diags(spec('model: { uri: "oss://m/pt/", format: pytorch, frameworkVersion: "2.1" }\nresources: { instanceType: ecs.c7.xlarge }')).map((x) => x.code)).toContain('IS4104');
  });
});

describe('defect 15: NCCL_P2P_DISABLE only on PCIe A10 machines', () => {
  const tp = (instance: string) => container(spec(`model: { uri: "oss://m/qwen32/", task: text-generation, family: qwen2, parameters: 32.8B, dtype: bf16 }\nengine: vllm\nacceleration: { tensorParallel: auto }\nresources: { instanceType: ${instance} }`));

  it('four A10s on PCIe (ecs.gn7i-4x.16xlarge): NCCL_P2P_DISABLE=1', () => {
    const c = tp('ecs.gn7i-4x.16xlarge');
    expect(words(c)).toContain('--tensor-parallel-size');
    expect(env(c).NCCL_P2P_DISABLE).toBe('1');
  });

  it('A100s on NVLink (ecs.gn7e-c16g1.16xlarge): P2P stays on', () => {
    const c = tp('ecs.gn7e-c16g1.16xlarge');
    expect(words(c)[words(c).indexOf('--tensor-parallel-size') + 1]).not.toBe('1');
    expect(env(c).NCCL_P2P_DISABLE).toBeUndefined();
  });
});

describe('defect 16: BladeLLM reports the llm limits it has no option for', () => {
  it('llm.maxContextLength and maxConcurrentSequences: warnings naming each field, no invented flag', () => {
    const yaml = spec(`${QWEN}\nengine: bladellm\nllm: { maxContextLength: 8192, maxConcurrentSequences: 16 }\nresources: { instanceType: ecs.gn7e-c16g1.4xlarge }`);
    const ignored = diags(yaml).filter((x) => x.code === 'IS2016').map((x) => x.message);
    expect(ignored.some((m) => m.includes('llm.maxContextLength'))).toBe(true);
    expect(ignored.some((m) => m.includes('llm.maxConcurrentSequences'))).toBe(true);
    const c = container(yaml);
    expect(contractViolationsOfWords('alibaba/bladellm', words(c), env(c))).toEqual([]);
  });
});

describe('item 17: container.args / container.env overriding a contract option', () => {
  it('--max-model-len in container.args: one flag, the user value, and a warning naming llm.maxContextLength', () => {
    const yaml = spec(`${QWEN}\nengine: vllm\ncontainer: { args: ["--max-model-len", "4096"] }\n${A10}`);
    const w = words(container(yaml));
    expect(w.filter((x) => x === '--max-model-len')).toHaveLength(1);
    expect(w[w.indexOf('--max-model-len') + 1]).toBe('4096');
    const warning = diags(yaml).find((x) => x.code === 'IS4100')!;
    expect(warning.severity).toBe('warning');
    expect(warning.message).toContain('llm.maxContextLength');
  });

  it('the --name=value and underscore spellings are the same option for vLLM', () => {
    const w = words(container(spec(`${QWEN}\nengine: vllm\ncontainer: { args: ["--max_num_seqs=4"] }\n${A10}`)));
    expect(w.filter((x) => x.startsWith('--max-num-seqs') || x.startsWith('--max_num_seqs'))).toEqual(['--max_num_seqs=4']);
  });

  it('a negated switch replaces its positive form', () => {
    const w = words(container(spec(`${QWEN}\nengine: vllm\ncontainer: { args: ["--no-enable-prefix-caching"] }\n${A10}`)));
    expect(w).toContain('--no-enable-prefix-caching');
    expect(w).not.toContain('--enable-prefix-caching');
  });

  it('container.env replacing NCCL_P2P_DISABLE: the user value once, and a warning', () => {
    const yaml = spec(`model: { uri: "oss://m/qwen32/", task: text-generation, family: qwen2, parameters: 32.8B }\nengine: vllm\nacceleration: { tensorParallel: auto }\ncontainer: { env: { NCCL_P2P_DISABLE: "0" } }\nresources: { instanceType: ecs.gn7i-4x.16xlarge }`);
    const c = container(yaml);
    expect((c.env ?? []).filter((e) => e.name === 'NCCL_P2P_DISABLE')).toEqual([{ name: 'NCCL_P2P_DISABLE', value: '0' }]);
    expect(diags(yaml).find((x) => x.code === 'IS4100')!.message).toContain('NCCL_P2P_DISABLE=0');
  });

  it('an option the contract does not set is passed through untouched, without a warning', () => {
    const yaml = spec(`${QWEN}\nengine: vllm\ncontainer: { args: ["--enforce-eager"] }\n${A10}`);
    expect(words(container(yaml))).toContain('--enforce-eager');
    expect(diags(yaml).map((x) => x.code)).not.toContain('IS4100');
  });

  it('built-in processors run no container: container.env is reported as ignored', () => {
    const d = diags(spec('model: { uri: "oss://m/x/", format: pmml }\ncontainer: { env: { A: "1" } }\nresources: { instanceType: ecs.c7.xlarge }'));
    expect(d.find((x) => x.code === 'IS2016')?.message).toContain('container.env');
  });
});

describe('embedding and reranking on PAI-EAS: vLLM in pooling mode (PAI-EAS has no TEI image)', () => {
  for (const task of ['embedding', 'rerank']) {
    it(`task ${task}: the PAI-EAS vLLM image with --runner pooling, within the contract`, () => {
      const c = container(spec(`model: { uri: "oss://m/bge/", task: ${task}, format: huggingface }\nengine: tei\nresources: { instanceType: ecs.gn7i-c8g1.2xlarge }`));
      expect(c.image).toBe('eas-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai-eas/vllm:0.14.0-gpu');
      // vLLM's default port; 8080 and 9090 are reserved by EAS.
      expect(c.port).toBe(8000);
      const w = words(c);
      expect(w.slice(0, 3)).toEqual(['vllm', 'serve', '/model_dir']);
      expect(w[w.indexOf('--runner') + 1]).toBe('pooling');
      expect(w).not.toContain('--max-num-seqs');
      expect(c.startup_check!.http_get!.path).toBe('/health');
      expect(contractViolationsOfWords(ALIBABA_VLLM_CONTRACT.id, w, env(c))).toEqual([]);
    });
  }

  it('on a CPU instance: refused (the PAI-EAS vLLM image is a GPU image)', () => {
    const d = diags(spec('model: { uri: "oss://m/bge/", task: embedding, format: huggingface }\nengine: tei\nresources: { instanceType: ecs.c7.xlarge }'));
    expect(d.some((x) => x.severity === 'error')).toBe(true);
  });
});

describe('built-in processors read model_path from OSS or an HTTP archive only', () => {
  for (const uri of ['hf://org/model', 'nas://fs.cn-hangzhou.nas.aliyuncs.com/models/x', 'modelscope://org/model']) {
    it(`${uri}: a positioned error`, () => {
      const d = diags(spec(`model: { uri: "${uri}", format: pmml }\nresources: { instanceType: ecs.c7.xlarge }`));
      expect(d.filter((x) => x.severity === 'error').map((x) => x.code)).toEqual(['IS4106']);
    });
  }
});

describe('engine auto for embeddings on PAI-EAS', () => {
  it('alibabaPoolingEngine names tei for embedding and rerank Hugging Face models only', () => {
    expect(alibabaPoolingEngine('embedding', 'huggingface')).toBe('tei');
    expect(alibabaPoolingEngine('rerank', 'huggingface')).toBe('tei');
    expect(alibabaPoolingEngine('text-generation', 'huggingface')).toBeUndefined();
    expect(alibabaPoolingEngine('embedding', 'onnx')).toBeUndefined();
  });
});

describe('override warnings name the option as the user spelled it', () => {
  it('--no-enable-prefix-caching replacing --enable-prefix-caching', () => {
    const warning = diags(spec(`${QWEN}\nengine: vllm\ncontainer: { args: ["--no-enable-prefix-caching"] }\n${A10}`)).find((x) => x.code === 'IS4100')!;
    expect(warning.message).toBe('--no-enable-prefix-caching from container.args replaces --enable-prefix-caching, which inferstack derives from llm.prefixCaching');
  });
});

describe('speculative decoding on the PAI-EAS vLLM image', () => {
  it('a draft model: --speculative-config names method draft_model', () => {
    const w = words(container(spec(`${QWEN}\nengine: vllm\nacceleration: { speculativeDecoding: { draftModel: "oss://m/draft/", tokens: 4 } }\n${A10}`)));
    expect(JSON.parse(w[w.indexOf('--speculative-config') + 1]!)).toEqual({ method: 'draft_model', model: '/draft_dir', num_speculative_tokens: 4 });
  });

  it('EAGLE without the EAGLE head: a positioned error', () => {
    const d = diags(spec(`${QWEN}\nengine: vllm\nacceleration: { speculativeDecoding: { method: eagle } }\n${A10}`));
    expect(d.filter((x) => x.severity === 'error').map((x) => x.code)).toEqual(['IS1004']);
  });
});
