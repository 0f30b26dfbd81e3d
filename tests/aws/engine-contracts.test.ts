/**
 * Regression tests for issue #12 (AWS): what each serving container is told, asserted option by option against
 * what the pinned container reads (the contracts in lib/engines/contracts cite the sources).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { engineEnvironment } from '../../providers/aws/containers';
import { planJob } from '../../providers/aws/ahead-of-time-job';
import { compileSpecFile, compileSpecText } from '../../lib/compile';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';
import { EXAMPLES } from '../helpers/paths';
import * as path from 'node:path';
import { exampleTemplate, inlineTemplate } from './helpers';

function exampleEnv(file: string): Record<string, string> {
  const r = compileSpecFile(path.join(EXAMPLES, file));
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return engineEnvironment(r.deployments.find((d) => d.target === 'aws')!);
}

function exampleWarnings(file: string): string[] {
  const r = compileSpecFile(path.join(EXAMPLES, file));
  return r.diagnostics.map((d) => d.code);
}

function llm(extra: string, resources = 'resources: { accelerator: nvidia-a10g, count: 1 }'): string {
  return `version: 1
deployments:
  m:
    model: { uri: s3://b/llama/, task: text-generation, family: llama3, parameters: 8B, dtype: bf16 }
    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    ${resources}
${extra}
    targets: { aws: { region: us-east-1 } }
`;
}

function envOf(yaml: string): Record<string, string> {
  return engineEnvironment(only(compileOk(yaml), 'aws'));
}

function codes(yaml: string): string[] {
  return diagnosticsOf(yaml).map((d) => `${d.severity} ${d.code}`);
}

describe('defect 1: TGI never gets DTYPE together with a quantize method', () => {
  it('tgi-llama (pre-quantized AWQ) serves as written: TGI reads quantization_config, no DTYPE, no HF_MODEL_QUANTIZE', () => {
    const env = exampleEnv('tgi-llama.yaml');
    expect(env.DTYPE).toBeUndefined();
    expect(env.HF_MODEL_QUANTIZE).toBeUndefined();
    expect(env).toMatchObject({ HF_MODEL_ID: '/opt/ml/model', SM_NUM_GPUS: '1', MAX_INPUT_TOKENS: '6144', MAX_TOTAL_TOKENS: '8192' });
  });
  it('fp8 quantized at load: HF_MODEL_QUANTIZE=fp8 and no DTYPE', () => {
    const env = envOf(llm('    engine: tgi\n    acceleration: { quantization: fp8 }', 'resources: { accelerator: nvidia-l4, count: 1 }'));
    expect(env.HF_MODEL_QUANTIZE).toBe('fp8');
    expect(env.DTYPE).toBeUndefined();
  });
  it('unquantized: DTYPE bfloat16 from model.dtype; fp32 is refused (TGI takes float16 or bfloat16)', () => {
    expect(envOf(llm('    engine: tgi')).DTYPE).toBe('bfloat16');
    expect(codes(llm('    engine: tgi').replace('parameters: 8B, dtype: bf16', 'parameters: 1B, dtype: fp32'))).toContain('error IS3105');
  });
});

describe('defect 2: LMI/vLLM AWQ and GPTQ serve in fp16 and read quantization_config themselves', () => {
  it('llm-awq-optimization serves as written: OPTION_DTYPE fp16, no OPTION_QUANTIZE on the hosted model, a warning says why', () => {
    const env = exampleEnv('llm-awq-optimization.yaml');
    expect(env.OPTION_DTYPE).toBe('fp16');
    expect(env.OPTION_QUANTIZE).toBeUndefined();
    expect(env.OPTION_ROLLING_BATCH).toBe('vllm');
    expect(exampleWarnings('llm-awq-optimization.yaml')).toContain('IS2101');
  });
  it('a pre-quantized GPTQ checkpoint: fp16, no OPTION_QUANTIZE', () => {
    const env = envOf(llm('    engine: lmi\n    acceleration: { quantization: { method: gptq, preQuantized: true } }'));
    expect(env.OPTION_DTYPE).toBe('fp16');
    expect(env.OPTION_QUANTIZE).toBeUndefined();
  });
});

describe('defect 3: bf16 below compute capability 8.0 is served as fp16, with a warning', () => {
  it('LMI on a T4', () => {
    const yaml = llm('    engine: lmi', 'resources: { accelerator: nvidia-t4, count: 4 }').replace('parameters: 8B', 'parameters: 1B');
    expect(envOf(yaml).OPTION_DTYPE).toBe('fp16');
    const w = diagnosticsOf(yaml).find((d) => d.code === 'IS2101')!;
    expect(w.severity).toBe('warning');
    expect(w.message).toContain('compute capability 7.5');
  });
  it('TGI on a V100', () => {
    const yaml = llm('    engine: tgi', 'resources: { accelerator: nvidia-v100, count: 1 }').replace('parameters: 8B', 'parameters: 1B');
    expect(envOf(yaml).DTYPE).toBe('float16');
  });
  it('bf16 stays bf16 on an A10G (8.6)', () => {
    expect(envOf(llm('    engine: lmi')).OPTION_DTYPE).toBe('bf16');
  });
});

describe('defect 4: framework containers get their script and the version the spec names', () => {
  it('serverless-sklearn serves as written: SAGEMAKER_PROGRAM / SUBMIT_DIRECTORY, the 1.2-1 image', () => {
    const t = exampleTemplate('serverless-sklearn.yaml');
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({
        Image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
        Environment: { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' },
      }),
    });
  });
  it('async-diffusion serves as written: the PyTorch 2.6.0 GPU image runs code/inference.py', () => {
    const t = exampleTemplate('async-diffusion.yaml');
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({
        Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.6.0-gpu-py312',
        Environment: { SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' },
      }),
    });
  });
  const sklearn = (model: string) => `version: 1
deployments:
  s:
    model: { uri: s3://b/m/model.tar.gz, format: sklearn${model} }
    resources: { accelerator: cpu, cpu: 2, memory: 4Gi }
    targets: { aws: { region: us-east-1 } }
`;
  it('model.frameworkVersion selects the container version', () => {
    const ir = only(compileOk(sklearn(', entryPoint: serve.py, frameworkVersion: "1.0-1"')), 'aws');
    expect(ir.engine.image).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3');
    expect(engineEnvironment(ir).SAGEMAKER_PROGRAM).toBe('serve.py');
  });
  it('an unknown version is an error listing the versions; no version is a warning naming the default', () => {
    const bad = diagnosticsOf(sklearn(', entryPoint: serve.py, frameworkVersion: "0.9-9"')).find((d) => d.code === 'IS3100')!;
    expect(bad.message).toContain('0.9-9');
    expect(bad.allowed).toContain('1.2-1');
    const dflt = diagnosticsOf(sklearn(', entryPoint: serve.py')).find((d) => d.code === 'IS3101')!;
    expect(dflt.severity).toBe('warning');
    expect(dflt.message).toContain('sklearn 1.2-1');
  });
  it('scikit-learn without an entry point is an error (the container imports SAGEMAKER_PROGRAM)', () => {
    expect(codes(sklearn(', frameworkVersion: "1.2-1"'))).toContain('error IS3102');
  });
  it('Neo serving containers get their script and MMS_DEFAULT_RESPONSE_TIMEOUT=500; without a script it is an error', () => {
    expect(exampleEnv('neo-resnet-c5.yaml')).toEqual({ MMS_DEFAULT_RESPONSE_TIMEOUT: '500', SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' });
    const neo = `version: 1
deployments:
  r:
    model: { uri: s3://b/resnet/model.tar.gz, format: pytorch }
    acceleration: { compile: { compiler: neo, framework: pytorch, frameworkVersion: "1.8", inputShape: { input0: [1, 3, 224, 224] } } }
    resources: { instanceType: ml.c5.xlarge }
    targets: { aws: { region: us-east-1 } }
`;
    expect(codes(neo)).toContain('error IS3102');
  });
});

describe('defect 5: Neo serves the compilation job\'s InferenceImage', () => {
  it('the model image is the job\'s InferenceImage attribute, not a fixed framework version', () => {
    const t = exampleTemplate('neo-resnet-c5.yaml');
    const jobId = Object.keys(t.findResources('Custom::SageMakerCompilationJob'))[0]!;
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Image: { 'Fn::GetAtt': [jobId, 'InferenceImage'] } }) });
  });
});

describe('defect 6: LMI speculative decoding and KV-cache dtype', () => {
  it('a draft model becomes speculative_model + num_speculative_tokens with the V2 block manager', () => {
    const env = envOf(llm('    engine: lmi\n    acceleration: { speculativeDecoding: { draftModel: "meta-llama/Llama-3.2-1B-Instruct", tokens: 5 } }'));
    expect(env).toMatchObject({ OPTION_SPECULATIVE_MODEL: 'meta-llama/Llama-3.2-1B-Instruct', OPTION_NUM_SPECULATIVE_TOKENS: '5', OPTION_USE_V2_BLOCK_MANAGER: 'true' });
    expect(env.OPTION_SPECULATIVE_DRAFT_MODEL).toBeUndefined();
    expect(env.OPTION_SPECULATIVE_LENGTH).toBeUndefined();
  });
  it('an S3 draft model is refused: LMI downloads only the main model, vLLM takes a hub id or a local path', () => {
    expect(codes(llm('    engine: lmi\n    acceleration: { speculativeDecoding: { draftModel: "s3://b/draft/", tokens: 5 } }'))).toContain('error IS3106');
  });
  it('an fp8 KV cache is refused on LMI 0.30 (its vLLM backend never passes kv_cache_dtype), so it is never sized', () => {
    const yaml = llm('    engine: lmi\n    acceleration: { kvCacheDtype: fp8 }', 'resources: { accelerator: nvidia-l4, count: 1 }');
    const d = diagnosticsOf(yaml).find((x) => x.code === 'IS2033')!;
    expect(d.severity).toBe('error');
    expect(d.allowed).toBe('auto');
  });
});

describe('engine vllm on SageMaker is LMI\'s vLLM backend', () => {
  it('an fp8 KV cache is refused there too (PAI-EAS vLLM applies it, LMI 0.30 does not)', () => {
    expect(codes(llm('    engine: vllm\n    acceleration: { kvCacheDtype: fp8 }', 'resources: { accelerator: nvidia-l4, count: 1 }'))).toContain('error IS3106');
  });
});

describe('defect 7: TensorRT-LLM gets its input/sequence/token limits in the job and in the model', () => {
  const yaml = llm('    engine: tensorrt-llm', 'resources: { instanceType: ml.g5.12xlarge }').replace('maxContextLength: 4096', 'maxContextLength: 8192');
  it('the model', () => {
    expect(envOf(yaml)).toMatchObject({ OPTION_ROLLING_BATCH: 'trtllm', OPTION_MAX_INPUT_LEN: '6144', OPTION_MAX_SEQ_LEN: '8192', OPTION_MAX_NUM_TOKENS: '8192', OPTION_DTYPE: 'bfloat16' });
  });
  it('the optimization job that builds the engine', () => {
    const plan = planJob(only(compileOk(yaml), 'aws'))!;
    const configs = (plan.request as { OptimizationConfigs: Array<{ ModelCompilationConfig?: { OverrideEnvironment: Record<string, string> } }> }).OptimizationConfigs;
    expect(configs.find((c) => c.ModelCompilationConfig)!.ModelCompilationConfig!.OverrideEnvironment).toMatchObject({ OPTION_MAX_INPUT_LEN: '6144', OPTION_MAX_SEQ_LEN: '8192', OPTION_MAX_NUM_TOKENS: '8192' });
  });
});

describe('optimization jobs get the quantization option their container reads', () => {
  it('TensorRT-LLM: OPTION_QUANT_ALGO (the TensorRT-LLM image ignores OPTION_QUANTIZE)', () => {
    const yaml = llm('    engine: tensorrt-llm\n    acceleration: { quantization: awq }', 'resources: { instanceType: ml.g5.12xlarge }');
    const configs = (planJob(only(compileOk(yaml), 'aws'))!.request as { OptimizationConfigs: Array<{ ModelQuantizationConfig?: { OverrideEnvironment: Record<string, string> } }> }).OptimizationConfigs;
    expect(configs.find((c) => c.ModelQuantizationConfig)!.ModelQuantizationConfig!.OverrideEnvironment).toEqual({ OPTION_QUANT_ALGO: 'W4A16_AWQ' });
  });
  it('TGI quantizes fp8 at load: no optimization job', () => {
    expect(planJob(only(compileOk(llm('    engine: tgi\n    acceleration: { quantization: fp8 }', 'resources: { accelerator: nvidia-l4, count: 1 }')), 'aws'))).toBeUndefined();
  });
});

describe('defect 8: TGI concurrency uses MAX_BATCH_SIZE (honoured by TGI 3.x), not MAX_BATCH_TOTAL_TOKENS', () => {
  it('tgi-llama: maxConcurrentSequences 12', () => {
    const env = exampleEnv('tgi-llama.yaml');
    expect(env.MAX_BATCH_SIZE).toBe('12');
    expect(env.MAX_BATCH_TOTAL_TOKENS).toBeUndefined();
  });
});

describe('defect 9: trust-remote-code only when asked; the loading timeout never below LMI\'s default', () => {
  it('no OPTION_TRUST_REMOTE_CODE by default, "true" with model.trustRemoteCode', () => {
    expect(envOf(llm('    engine: lmi')).OPTION_TRUST_REMOTE_CODE).toBeUndefined();
    expect(envOf(llm('    engine: lmi').replace('dtype: bf16', 'dtype: bf16, trustRemoteCode: true')).OPTION_TRUST_REMOTE_CODE).toBe('true');
    expect(envOf(llm('    engine: tgi').replace('dtype: bf16', 'dtype: bf16, trustRemoteCode: true')).HF_MODEL_TRUST_REMOTE_CODE).toBe('true');
  });
  it('OPTION_MODEL_LOADING_TIMEOUT only above the 1800 s default', () => {
    expect(envOf(llm('    engine: lmi')).OPTION_MODEL_LOADING_TIMEOUT).toBeUndefined();
    expect(envOf(llm('    engine: lmi\n    container: { healthCheck: { startupTimeout: 50m } }')).OPTION_MODEL_LOADING_TIMEOUT).toBe('3000');
  });
});

describe('defect 10: a hub model with an optimization job is a positioned diagnostic, not a crash', () => {
  it('IS3104 at model.uri', () => {
    const yaml = llm('    engine: lmi\n    acceleration: { quantization: awq }', 'resources: { instanceType: ml.g5.2xlarge }').replace('uri: s3://b/llama/', 'uri: meta-llama/Llama-3.1-8B-Instruct');
    const d = diagnosticsOf(yaml).find((x) => x.code === 'IS3104')!;
    expect(d.severity).toBe('error');
    expect(d.line).toBe(4);
  });
});

describe('item 17: container.env / container.args over contract options', () => {
  it('one value, the user\'s, and a warning naming the spec field it overrides', () => {
    const yaml = llm('    engine: lmi\n    container: { env: { OPTION_MAX_MODEL_LEN: "2048", MY_FLAG: "1" } }');
    expect(envOf(yaml)).toMatchObject({ OPTION_MAX_MODEL_LEN: '2048', MY_FLAG: '1' });
    const w = diagnosticsOf(yaml).filter((d) => d.code === 'IS2100');
    expect(w).toHaveLength(1);
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toContain('llm.maxContextLength');
    expect(w[0]!.message).toContain('OPTION_MAX_MODEL_LEN=4096');
  });
  it('container.args on SageMaker is reported (a container definition has no arguments)', () => {
    expect(codes(llm('    engine: tgi\n    container: { args: ["--max-batch-size", "4"] }'))).toContain('warning IS2102');
  });
});

describe('embedding and reranking models: Text Embeddings Inference', () => {
  const embed = (extra: string, resources = 'resources: { accelerator: nvidia-a10g, count: 1 }') => `version: 1
deployments:
  e:
    model: { uri: BAAI/bge-large-en-v1.5, format: huggingface, task: embedding, dtype: fp16 }
    ${resources}
${extra}
    targets: { aws: { region: us-east-1 } }
`;
  it('engine auto picks tei with the GPU image and HF_MODEL_ID from the hub', () => {
    const ir = only(compileOk(embed('')), 'aws');
    expect(ir.engine.name).toBe('tei');
    expect(ir.engine.image).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/tei:2.0.1-tei1.8.2-gpu-py310-cu122-ubuntu22.04');
    expect(engineEnvironment(ir)).toEqual({ HF_MODEL_ID: 'BAAI/bge-large-en-v1.5', DTYPE: 'float16' });
  });
  it('a reranker on CPU uses the CPU image', () => {
    const ir = only(compileOk(embed('', 'resources: { accelerator: cpu, cpu: 4, memory: 16Gi }').replace('task: embedding', 'task: rerank')), 'aws');
    expect(ir.engine.image).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/tei-cpu:2.0.1-tei1.8.2-cpu-py310-ubuntu22.04');
    expect(engineEnvironment(ir)).toMatchObject({ HF_MODEL_ID: 'BAAI/bge-large-en-v1.5', DTYPE: 'float32' });
  });
  it('scales to zero through an inference component', () => {
    const t = inlineTemplate(embed('    scaling: { min: 0, max: 2, metric: invocations, target: 100 }'));
    t.resourceCountIs('AWS::SageMaker::InferenceComponent', 1);
  });
  it('batching.maxBatchSize becomes MAX_BATCH_REQUESTS', () => {
    expect(envOf(embed('    batching: { maxBatchSize: 32 }'))).toMatchObject({ MAX_BATCH_REQUESTS: '32' });
  });
});

describe('item 18: image regions are the SageMaker Python SDK\'s', () => {
  it('LMI Neuron in eu-north-1 and a Neo-compiled model in eu-west-2 compile (the old hand-kept lists refused them)', () => {
    const neuron = `version: 1
deployments:
  l:
    model: { uri: s3://b/llama/, task: text-generation, family: llama3, parameters: 8B, dtype: bf16 }
    engine: lmi
    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    acceleration: { tensorParallel: 8 }
    resources: { instanceType: ml.inf2.24xlarge }
    targets: { aws: { region: eu-north-1 } }
`;
    expect(only(compileOk(neuron), 'aws').engine.image).toBe('763104351884.dkr.ecr.eu-north-1.amazonaws.com/djl-inference:0.29.0-neuronx-sdk2.19.1');
    const neo = `version: 1
deployments:
  r:
    model: { uri: s3://b/resnet/model.tar.gz, format: pytorch, entryPoint: inference.py }
    acceleration: { compile: { compiler: neo, framework: pytorch, frameworkVersion: "1.8", inputShape: { input0: [1, 3, 224, 224] } } }
    resources: { instanceType: ml.c5.xlarge }
    targets: { aws: { region: eu-west-2 } }
`;
    expect(diagnosticsOf(neo).filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('model.frameworkVersion on an image the catalog holds at one version', () => {
  const neuronTorch = (version: string) => `version: 1
deployments:
  p:
    model: { uri: s3://b/m/model.tar.gz, format: pytorch, entryPoint: inference.py, frameworkVersion: "${version}" }
    resources: { instanceType: ml.inf2.xlarge }
    targets: { aws: { region: us-east-1 } }
`;
  it('PyTorch on Inferentia2: 2.8.0 is served, another version is an error rather than silently ignored', () => {
    expect(only(compileOk(neuronTorch('2.8.0')), 'aws').engine.image).toContain('pytorch-inference-neuronx:2.8.0-neuronx');
    const d = diagnosticsOf(neuronTorch('2.1.0')).find((x) => x.code === 'IS3100')!;
    expect(d.allowed).toBe('2.8.0');
  });
});

describe('issue 12b: Gemma 2 below compute capability 8.0 on SageMaker is refused, never told fp16', () => {
  const gemma = (engine: string, resources: string) =>
    llm(`    engine: ${engine}`, resources).replace('uri: s3://b/llama/, task: text-generation, family: llama3, parameters: 8B', 'uri: s3://b/gemma/, task: text-generation, family: gemma2, parameters: 2.61B');

  it.each([
    ['lmi', 'resources: { instanceType: { aws: ml.g4dn.xlarge } }', 'soft-capping'],
    ['vllm', 'resources: { instanceType: { aws: ml.p3.2xlarge } }', 'soft-capping'],
    ['tgi', 'resources: { instanceType: { aws: ml.g4dn.xlarge } }', 'flash-attention v1'],
  ])('%s on %s: IS2103, nothing emitted', (engine, resources, why) => {
    const r = compileSpecText('inline.yaml', gemma(engine, resources));
    expect(r.ok).toBe(false);
    const e = r.diagnostics.find((d) => d.code === 'IS2103')!;
    expect(e.severity).toBe('error');
    expect(e.message).toContain(why);
    expect(e.hint).toContain('8.0 or more');
    expect(r.diagnostics.map((d) => d.code)).not.toContain('IS2101');
  });

  it('accelerator auto places Gemma 2 on a GPU with bf16 and serves it in bf16', () => {
    const ir = only(compileOk(gemma('lmi', 'resources: { accelerator: auto }')), 'aws');
    expect(['nvidia-t4', 'nvidia-v100']).not.toContain(ir.instance!.accelerator);
    expect(engineEnvironment(ir).OPTION_DTYPE).toBe('bf16');
  });

  it('Llama on a T4 is still told fp16 (the engine runs it there)', () => {
    expect(envOf(llm('    engine: lmi', 'resources: { instanceType: { aws: ml.g4dn.xlarge } }').replace('parameters: 8B', 'parameters: 1.24B')).OPTION_DTYPE).toBe('fp16');
  });
});
