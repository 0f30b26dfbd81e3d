/**
 * What SageMaker would reject at deploy time, reported at compile time.
 * Facts (checked 2026-11-25): SageMaker Developer Guide https://docs.aws.amazon.com/sagemaker/latest/dg/ (serverless-endpoints,
 * async-inference, multi-model-endpoints, inference-pipelines, endpoint-auto-scaling, deployment-guardrails, neo,
 * model-optimize) and API Reference https://docs.aws.amazon.com/sagemaker/latest/APIReference/; engine facts from
 * the contracts in lib/engines/contracts.
 */
import { Diagnostics } from '../diagnostics/registry';
import { needsBf16GpuHint } from '../engines/dtype';
import { awsKvCacheDtypeBlock } from '../engines/kv-cache';
import { awsContainerOptions, awsServingDtype, needsOptimizationJob, overriddenOptions, quantizedByJob } from '../engines/aws-options';
import type { DeploymentIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import type { DeploymentContext } from './context';
import type { SpecPath } from '../diagnostics/diagnostic';
import { checkAwsSafety } from './rules-aws-safety';

export const SERVERLESS_MEMORY_MB = [1024, 2048, 3072, 4096, 5120, 6144] as const;
export const NEO_FRAMEWORKS = ['pytorch', 'tensorflow', 'keras', 'mxnet', 'onnx', 'tflite', 'xgboost', 'darknet', 'sklearn'] as const;
/** Cloud-instance Neo target devices (SDK TargetDevice enum). */
export const NEO_CLOUD_TARGETS = ['ml_c4', 'ml_c5', 'ml_c6g', 'ml_m4', 'ml_m5', 'ml_m6g', 'ml_p2', 'ml_p3', 'ml_g4dn', 'ml_inf1', 'ml_inf2', 'ml_trn1'] as const;
/** SDK doc: "Currently ml_trn1 is available only in US East (N. Virginia) Region, and ml_inf2 is available only in US East (Ohio) Region." */
export const NEO_TARGET_REGIONS: Record<string, readonly string[]> = { ml_inf2: ['us-east-2'], ml_trn1: ['us-east-1'] };
/** OptimizationJobDeploymentInstanceType families. */
export const OPTIMIZATION_FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'g7', 'g7e', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'inf2', 'trn1', 'trn1n'] as const;
/** Instance families of the LMI TRT and vLLM containers for optimization jobs (python SDK validations). */
export const TRT_FAMILIES = ['p4d', 'p4de', 'p5', 'g5', 'g6'] as const;

/** Neo target device for an instance family: `ml.c5.xlarge` -> `ml_c5`. */
export function neoTargetFor(family: string): string | undefined {
  const t = `ml_${family}`;
  return (NEO_CLOUD_TARGETS as readonly string[]).includes(t) ? t : undefined;
}

export function checkAws(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  const inst = ir.instance;
  const neuron = ir.engine.device === 'neuron';

  if (ir.mode === 'serverless') {
    if (!ir.serverless) {
      ctx.report(Diagnostics.ServerlessNeedsConfig, ['mode'], { hint: 'add serverless: { memory: 4Gi, maxConcurrency: 20 }' });
    }
    const accel = d.resources?.accelerator;
    if ((accel && accel !== 'cpu') || ir.model.generative || d.resources?.instanceType) {
      ctx.report(Diagnostics.AwsServerlessGpu, d.resources?.accelerator ? ['resources', 'accelerator'] : ['mode'], {
        args: { accelerator: accel ?? (ir.model.generative ? 'a generative model (needs GPUs)' : 'an instance type') },
        hint: 'use mode realtime or async for GPU models, or remove resources.accelerator/instanceType',
      });
    }
    const unsupported: Array<[boolean, string, (string | number)[]]> = [
      [!!d.network?.aws, 'VPC configuration (network.aws)', ['network', 'aws']],
      [!!d.pipeline, 'inference pipelines', ['pipeline']],
      [!!d.observability?.dataCapture, 'data capture', ['observability', 'dataCapture']],
      [ir.networkIsolation, 'network isolation', ['security', 'networkIsolation']],
      [ir.model.uriKind === 's3-prefix', 'uncompressed S3-prefix models (ModelDataSource); package the model as one .tar.gz', ['model', 'uri']],
      [ir.rollout.strategy !== 'all-at-once', `rollout ${ir.rollout.strategy}`, ['rollout', 'strategy']],
    ];
    for (const [bad, feature, path] of unsupported) {
      if (bad) ctx.report(Diagnostics.AwsServerlessFeature, path, { args: { feature }, hint: 'use mode realtime, or remove the setting' });
    }
    if (ir.serverless && !(SERVERLESS_MEMORY_MB as readonly number[]).includes(ir.serverless.memoryMb)) {
      ctx.report(Diagnostics.AwsServerlessMemory, ['serverless', 'memory'], { found: `${ir.serverless.memoryMb} MB`, allowed: '1Gi, 2Gi, 3Gi, 4Gi, 5Gi, 6Gi', hint: 'round to a whole number of Gi between 1Gi and 6Gi' });
    }
    if (ir.serverless?.provisionedConcurrency !== undefined && ir.serverless.provisionedConcurrency > ir.serverless.maxConcurrency) {
      ctx.report(Diagnostics.AwsServerlessConcurrency, ['serverless', 'provisionedConcurrency'], {
        found: ir.serverless.provisionedConcurrency,
        args: { max: ir.serverless.maxConcurrency },
        hint: 'lower provisionedConcurrency or raise maxConcurrency',
      });
    }
    if (ir.scaling.enabled && ir.serverless?.provisionedConcurrency === undefined) {
      ctx.report(Diagnostics.SettingIgnored, ['scaling'], {
        atKey: true,
        args: { setting: 'scaling', reason: 'serverless endpoints scale themselves; only provisioned concurrency can be autoscaled' },
        hint: 'set serverless.provisionedConcurrency, or remove scaling',
      });
    }
  } else if (d.serverless) {
    ctx.report(Diagnostics.SettingIgnored, ['serverless'], { atKey: true, args: { setting: 'serverless', reason: `mode is ${ir.mode}` }, hint: 'set mode: serverless, or remove the block' });
  }

  if (ir.mode === 'multi-model') {
    if (inst && inst.count > 0 && neuron) {
      ctx.report(Diagnostics.AwsMultiModelInferentia, ['mode'], { args: { instance: inst.type }, hint: 'use a CPU instance, or a GPU instance with engine triton' });
    } else if (inst && inst.count > 0 && ir.engine.name !== 'triton') {
      ctx.report(Diagnostics.AwsMultiModelGpu, ['mode'], { args: { instance: inst.type, engine: ir.engine.name }, hint: 'set engine: triton, or use a CPU instance (resources.accelerator: cpu)' });
    }
    if (ir.model.generative) {
      ctx.report(Diagnostics.SettingUnsupported, ['mode'], { args: { setting: 'mode multi-model', reason: 'LLM containers serve one model per endpoint' }, hint: 'use one deployment per model, or inference components' });
    }
    if (ir.model.uriKind !== 's3-prefix') {
      ctx.report(Diagnostics.AwsMultiModelUri, ['model', 'uri'], { args: { uri: ir.model.uri }, hint: 'point model.uri at the S3 prefix holding the models\' .tar.gz files, ending in /' });
    }
    if (d.pipeline) {
      ctx.report(Diagnostics.SettingUnsupported, ['pipeline'], { args: { setting: 'pipeline', reason: 'inferstack places the multi-model container alone' }, hint: 'remove pipeline, or use mode realtime' });
    }
  }

  if (ir.mode === 'async') {
    if (d.pipeline) ctx.report(Diagnostics.AwsAsyncFeature, ['pipeline'], { args: { feature: 'inference pipelines in inferstack' }, hint: 'use mode realtime for pipelines' });
  } else if (d.async) {
    ctx.report(Diagnostics.SettingIgnored, ['async'], { atKey: true, args: { setting: 'async', reason: `mode is ${ir.mode}` }, hint: 'set mode: async, or remove the block' });
  }

  if (ir.pipeline && ir.pipeline.length > 15) {
    ctx.report(Diagnostics.AwsPipelineTooLong, ['pipeline'], { found: ir.pipeline.length, allowed: '2-15 containers', hint: 'merge steps into fewer containers' });
  }
  if (ir.pipeline) {
    ir.pipeline.forEach((step, i) => {
      if (!step.isModel && !step.image) {
        ctx.report(Diagnostics.MissingKey, ['pipeline', i], { args: { key: 'image', parent: `pipeline step "${step.name}"` }, hint: 'give the step an image for aws (image: { aws: ... })' });
      }
    });
  }

  if (inst && d.resources?.instanceType !== undefined && /^ml\.t[0-9]\./.test(inst.type) && ir.scaling.enabled) {
    ctx.report(Diagnostics.AwsBurstableScaling, ['scaling'], { atKey: true, args: { instance: inst.type }, hint: 'use an ml.m5/ml.c5 instance to autoscale' });
  }

  if (ir.scaling.min === 0) {
    if (ir.mode === 'serverless' || ir.mode === 'multi-model') {
      ctx.report(Diagnostics.AwsScaleToZero, ['scaling', 'min'], {
        args: { mode: ir.mode, reason: ir.mode === 'serverless' ? 'serverless endpoints already scale to zero by themselves' : 'inference components (needed for real-time scale to zero) do not host multi-model containers' },
        hint: 'set scaling.min to 1 or more',
      });
    }
    if (ir.mode === 'realtime' && ir.pipeline) {
      ctx.report(Diagnostics.AwsScaleToZero, ['scaling', 'min'], { args: { mode: 'realtime with a pipeline', reason: 'inference components host one container' }, hint: 'set scaling.min to 1' });
    }
  }

  if (ir.scaling.enabled && ir.scaling.metric === 'gpu-utilization' && (!inst || inst.count === 0 || neuron)) {
    ctx.report(Diagnostics.SettingUnsupported, ['scaling', 'metric'], { args: { setting: 'scaling.metric gpu-utilization', reason: 'the instance has no NVIDIA GPU' }, hint: 'use concurrency, invocations or cpu-utilization' });
  }
  if (ir.scaling.enabled && ir.scaling.metric === 'backlog' && ir.mode !== 'async') {
    ctx.report(Diagnostics.SettingUnsupported, ['scaling', 'metric'], { args: { setting: 'scaling.metric backlog', reason: 'only asynchronous endpoints have a backlog' }, hint: 'use concurrency or invocations' });
  }

  const startup = ir.timeouts.startupSeconds;
  if (startup < 60 || startup > 3600) {
    ctx.report(Diagnostics.AwsTimeoutRange, ['container', 'healthCheck', 'startupTimeout'], { args: { setting: 'startup timeout (container.healthCheck.startupTimeout)' }, found: startup, allowed: '60s-1h', hint: 'use a value between 60s and 1h' });
  }

  if (ir.rollout.strategy !== 'all-at-once' && ir.mode !== 'serverless') {
    const instances = ir.scaling.min;
    if ((ir.rollout.strategy === 'canary' || ir.rollout.strategy === 'linear' || ir.rollout.strategy === 'rolling') && instances < 2) {
      ctx.report(Diagnostics.RolloutNeedsInstances, ['rollout', 'strategy'], {
        args: { strategy: ir.rollout.strategy, needed: 2 },
        found: instances,
        hint: 'SageMaker shifts at most 50% of the instances in a canary/linear/rolling step: run at least 2 instances (scaling.min: 2), or use all-at-once',
      });
    }
    if (ir.scaling.min === 0) {
      ctx.report(Diagnostics.SettingUnsupported, ['rollout', 'strategy'], { args: { setting: `rollout ${ir.rollout.strategy}`, reason: 'inference-component endpoints that scale to zero roll out per component' }, hint: 'use all-at-once' });
    }
  }
  if (ir.rollout.rollbackAlarms.length > 10) {
    ctx.report(Diagnostics.AwsRollbackAlarms, ['rollout', 'rollbackAlarms'], { found: ir.rollout.rollbackAlarms.length, allowed: '1-10', hint: 'keep at most 10 alarms' });
  }

  if (ir.model.uriKind === 'hub' && ir.networkIsolation) {
    ctx.report(Diagnostics.SettingUnsupported, ['security', 'networkIsolation'], {
      args: { setting: 'security.networkIsolation', reason: `the container would download ${ir.model.uri} from the Hugging Face hub, which network isolation blocks` },
      hint: 'copy the model to S3 and point model.uri at it',
    });
  }
  if (ir.model.uriKind === 'hub' && !['lmi', 'tgi', 'vllm', 'tensorrt-llm', 'tei', 'custom'].includes(ir.engine.name)) {
    ctx.report(Diagnostics.UriSchemeMismatch, ['model', 'uri'], { args: { uri: ir.model.uri }, found: ir.model.uri, allowed: 's3://', hint: `engine ${ir.engine.name} loads model artifacts from S3; upload the model and use its s3:// URI` });
  }
  if (ir.engine.name === 'framework' && ['onnx', 'pmml', 'huggingface', 'custom'].includes(ir.model.format) && !ir.engine.image) {
    ctx.report(Diagnostics.FormatEngineMismatch, ['model', 'format'], {
      args: { format: ir.model.format, engine: 'framework' },
      allowed: 'pytorch, tensorflow, xgboost, sklearn',
      hint: ir.model.format === 'onnx' ? 'serve ONNX with engine triton' : 'use engine custom with container.image',
    });
  }

  checkAwsCompilation(ir, ctx);
  checkAwsContainer(d, ir, ctx);
  checkAwsSafety(d, ir, ctx);
}

/** What the serving container is told: engine limits, the script of framework containers, and user overrides. */
function checkAwsContainer(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  if (ir.model.uriKind === 'hub' && needsOptimizationJob(ir)) {
    ctx.report(Diagnostics.AwsJobNeedsS3Model, ['model', 'uri'], {
      args: { job: 'SageMaker optimization job', uri: ir.model.uri },
      found: ir.model.uri,
      allowed: 's3://bucket/prefix/ holding the Hugging Face checkpoint',
      hint: 'copy the checkpoint to S3 and point model.uri at it, or quantize offline and set preQuantized: true',
    });
  }
  if (['lmi', 'vllm', 'tgi', 'tensorrt-llm'].includes(ir.engine.name)) checkLlmServing(ir, ctx);
  if (ir.engine.name === 'tei') checkTei(ir, ctx);
  if (ir.engine.name === 'framework') checkFrameworkScript(ir, ctx);
  checkOverrides(d, ir, ctx);
}

/** LLM containers: the dtype they serve in, and what the pinned LMI/TGI versions cannot apply. */
function checkLlmServing(ir: DeploymentIR, ctx: DeploymentContext): void {
  const engine = ir.engine.name;
  const image = awsContainerOptions(ir)?.contract.image ?? engine;
  const neuron = ir.engine.device === 'neuron';
  const vllmBackend = (engine === 'lmi' || engine === 'vllm') && !neuron;
  const unsupported = (path: SpecPath, setting: string, reason: string, hint: string) =>
    ctx.report(Diagnostics.AwsEngineOptionUnsupported, path, { args: { setting, engine: neuron ? `${engine} on Neuron` : engine, image, reason }, hint });

  const dtype = awsServingDtype(ir);
  if (dtype.refused) {
    ctx.report(Diagnostics.EngineRefusesAccelerator, ['model', 'family'], { args: { engine, instance: ir.instance!.type, reason: dtype.refused }, hint: needsBf16GpuHint('aws') });
  } else if (dtype.reason && !neuron) {
    ctx.report(Diagnostics.ServingDtypeChanged, ['model', 'dtype'], { args: { stored: ir.model.dtype, dtype: dtype.dtype, engine, reason: dtype.reason }, hint: 'set model.dtype: fp16 to say so, or use an accelerator with compute capability 8.0 or more' });
  }
  if (engine === 'tgi' && ir.model.dtype === 'fp32' && ir.quantization.method === 'none' && !neuron) {
    ctx.report(Diagnostics.AwsEngineDtype, ['model', 'dtype'], { args: { engine: 'tgi' }, found: 'fp32', allowed: 'bf16, fp16', hint: 'TGI 3.3.6 takes --dtype float16 or bfloat16 only: set model.dtype: fp16 or bf16' });
  }
  if (neuron && ir.quantization.method !== 'none') {
    unsupported(['acceleration', 'quantization'], `quantization ${ir.quantization.method}`, engine === 'tgi' ? 'the neuron backend compiles the checkpoint as it is' : 'transformers-neuronx quantizes only static_int8', 'serve the full-precision checkpoint on Inferentia/Trainium, or use an NVIDIA instance');
  }
  const kvBlock = awsKvCacheDtypeBlock(engine, neuron ? 'neuron' : 'nvidia', ir.kvCacheDtype);
  if (kvBlock) unsupported(['acceleration', 'kvCacheDtype'], `kvCacheDtype ${ir.kvCacheDtype}`, kvBlock.reason, kvBlock.hint);
  if (vllmBackend && ir.speculative?.draftModel?.startsWith('s3://')) {
    unsupported(['acceleration', 'speculativeDecoding', 'draftModel'], 'an S3 draft model', 'LMI downloads only the main model from S3; speculative_model goes to vLLM as a hub id or local path', 'give the draft model as a Hugging Face hub id (e.g. meta-llama/Llama-3.2-1B-Instruct)');
  }
}

/** container.env over a contract option: the user's value wins, with a warning; command/args cannot be given. */
function checkOverrides(d: DeploymentSpec, ir: DeploymentIR, ctx: DeploymentContext): void {
  const userEnv = ir.engine.env;
  for (const o of overriddenOptions(ir, userEnv)) {
    ctx.report(Diagnostics.ContractOptionOverridden, ['container', 'env', o.name], { atKey: true, args: { name: o.name, ours: o.ours, field: o.from, value: userEnv[o.name]! }, hint: `remove container.env.${o.name} to let inferstack set it from ${o.from}` });
  }
  for (const key of ['command', 'args'] as const) {
    if (d.container?.[key]) {
      ctx.report(Diagnostics.ContainerArgsIgnored, ['container', key], { atKey: true, args: { setting: `container.${key}`, reason: 'SageMaker runs the image\'s own entrypoint (a container definition has no command or arguments)' }, hint: 'pass engine options through container.env (TGI and TEI read every flag from the environment, LMI reads OPTION_*)' });
    }
  }
}

function checkTei(ir: DeploymentIR, ctx: DeploymentContext): void {
  if (ir.model.task !== 'embedding' && ir.model.task !== 'rerank') {
    ctx.report(Diagnostics.FormatEngineMismatch, ['model', 'task'], { args: { format: `${ir.model.format} (task ${ir.model.task})`, engine: 'tei' }, allowed: 'embedding, rerank', hint: 'set model.task: embedding or rerank' });
  }
  if (ir.model.format !== 'huggingface') {
    ctx.report(Diagnostics.FormatEngineMismatch, ['model', 'format'], { args: { format: ir.model.format, engine: 'tei' }, allowed: 'huggingface', hint: 'Text Embeddings Inference loads Hugging Face checkpoints: set model.format: huggingface' });
  }
  if (ctx.has(['batching', 'maxDelay'])) {
    ctx.report(Diagnostics.SettingIgnored, ['batching', 'maxDelay'], { args: { setting: 'batching.maxDelay', reason: 'Text Embeddings Inference batches continuously and has no batch delay' }, hint: 'remove batching.maxDelay' });
  }
  if (ir.model.trustRemoteCode) {
    ctx.report(Diagnostics.SettingIgnored, ['model', 'trustRemoteCode'], { args: { setting: 'model.trustRemoteCode', reason: 'Text Embeddings Inference runs only its own model implementations' }, hint: 'remove model.trustRemoteCode' });
  }
  if (ir.model.dtype === 'bf16' && ir.engine.device === 'nvidia') {
    ctx.report(Diagnostics.ServingDtypeChanged, ['model', 'dtype'], { args: { stored: 'bf16', dtype: 'fp16', engine: 'tei', reason: 'the TEI images take float16 or float32 (backends/src/dtype.rs)' }, hint: 'set model.dtype: fp16 to say so' });
  }
}

/** Framework containers: which script they run (SageMaker Python SDK: SAGEMAKER_PROGRAM in code/). */
function checkFrameworkScript(ir: DeploymentIR, ctx: DeploymentContext): void {
  const neo = ir.compile?.compiler === 'neo';
  if (neo && ir.model.format === 'pytorch' && !ir.model.entryPoint) {
    // https://docs.aws.amazon.com/sagemaker/latest/dg/neo-deployment-hosting-services-prerequisites.html
    ctx.report(Diagnostics.AwsEntryPointRequired, ['model'], { atKey: true, args: { framework: 'Neo PyTorch' }, hint: 'package code/inference.py (input_fn, predict_fn, output_fn) in model.tar.gz and set model.entryPoint: inference.py' });
  }
  if (!neo && ir.model.format === 'sklearn' && !ir.model.entryPoint && ir.mode !== 'multi-model') {
    ctx.report(Diagnostics.AwsEntryPointRequired, ['model'], { atKey: true, args: { framework: 'scikit-learn' }, hint: 'package the script as code/inference.py in model.tar.gz and set model.entryPoint: inference.py' });
  }
  if (!neo && ir.model.format === 'tensorflow' && ir.model.entryPoint && ir.model.entryPoint !== 'inference.py') {
    ctx.report(Diagnostics.AwsEntryPointFixed, ['model', 'entryPoint'], { args: { framework: 'TensorFlow Serving', expected: 'inference.py', found: ir.model.entryPoint }, hint: 'name the script code/inference.py and set model.entryPoint: inference.py (or remove it)' });
  }
}

function checkAwsCompilation(ir: DeploymentIR, ctx: DeploymentContext): void {
  const c = ir.compile;
  const inst = ir.instance;
  const q = ir.quantization;
  const byJob = quantizedByJob(ir);
  if (c && ir.speculative) {
    ctx.report(Diagnostics.AwsCompileAndSpeculative, ['acceleration', 'speculativeDecoding'], { hint: 'remove either acceleration.compile or acceleration.speculativeDecoding' });
  }
  if (c && c.maxRuntimeSeconds > 3600) {
    ctx.report(Diagnostics.AwsJobTooLong, ['acceleration', 'compile', 'maxRuntime'], {
      args: { what: `the ${c.compiler} job` },
      found: `${c.maxRuntimeSeconds}s`,
      allowed: 'up to 1h',
      hint: 'compile out of band and point model.uri at the compiled artifact, or allow at most 1h',
    });
  }
  if (c?.compiler === 'neo') {
    if (!c.framework) {
      ctx.report(Diagnostics.MissingKey, ['acceleration', 'compile'], { args: { key: 'framework', parent: '"compile"' }, allowed: NEO_FRAMEWORKS.join(', '), hint: 'add framework: pytorch (the framework the model was saved with)' });
    } else if (!(NEO_FRAMEWORKS as readonly string[]).includes(c.framework)) {
      ctx.report(Diagnostics.AwsNeoFramework, ['acceleration', 'compile', 'framework'], { args: { framework: c.framework, allowed: NEO_FRAMEWORKS.join(', ') } });
    }
    if (ir.model.uriKind !== 's3-object') {
      ctx.report(Diagnostics.AwsNeoNeedsTarGz, ['model', 'uri'], { args: { uri: ir.model.uri }, hint: 'package the model as model.tar.gz and point model.uri at it' });
    }
    if (c.framework && c.framework !== 'xgboost' && !c.inputShape) {
      ctx.report(Diagnostics.MissingKey, ['acceleration', 'compile'], { args: { key: 'inputShape', parent: '"compile"' }, hint: 'add inputShape: { input0: [1, 3, 224, 224] }' });
    }
    if (ir.model.generative) {
      ctx.report(Diagnostics.CompileUnsupported, ['acceleration', 'compile', 'compiler'], { args: { compiler: 'neo', reason: 'Neo compiles classic vision/tabular models; LLMs use compiler neuron or tensorrt-llm' } });
    }
    if (inst) {
      const derived = neoTargetFor(inst.family);
      const device = c.target && c.target !== 'auto' ? c.target : derived;
      if (!device) {
        ctx.report(Diagnostics.AwsNeoTarget, ['acceleration', 'compile', 'target'], {
          args: { device: `(none for ${inst.family})`, instance: inst.type, family: inst.family },
          allowed: NEO_CLOUD_TARGETS.join(', '),
          hint: 'serve on an instance family Neo targets (c5, m5, g4dn, p3, inf1, inf2, trn1)',
        });
      } else if (derived && device !== derived) {
        ctx.report(Diagnostics.AwsNeoTarget, ['acceleration', 'compile', 'target'], { args: { device, instance: inst.type, family: inst.family }, hint: `use target ${derived} or auto` });
      } else if (!derived && c.target && c.target !== 'auto') {
        ctx.report(Diagnostics.AwsNeoTarget, ['acceleration', 'compile', 'target'], { args: { device, instance: inst.type, family: inst.family }, hint: 'serve on an instance of the target\'s family' });
      }
      const regions = device ? NEO_TARGET_REGIONS[device] : undefined;
      if (regions && ir.aws && !regions.includes(ir.aws.region)) {
        ctx.report(Diagnostics.AwsNeoRegion, ['targets', 'aws', 'region'], { args: { device: device!, regions: regions.join(', ') }, hint: `deploy to ${regions.join(' or ')}` });
      }
    }
  }
  if (c?.compiler === 'neuron' && inst && ir.engine.device !== 'neuron') {
    ctx.report(Diagnostics.CompileUnsupported, ['acceleration', 'compile', 'compiler'], { args: { compiler: 'neuron', reason: `${inst.type} is not an Inferentia2/Trainium instance` }, hint: 'use ml.inf2.* or ml.trn1.*' });
  }
  if (c?.compiler === 'neuron' && inst && ir.engine.device === 'neuron' && !['inf2', 'trn1', 'trn1n'].includes(inst.family)) {
    ctx.report(Diagnostics.AwsOptimizationInstance, ['acceleration', 'compile', 'compiler'], { args: { instance: inst.type, allowed: 'inf2, trn1, trn1n' } });
  }
  if (c?.compiler === 'tensorrt-llm') {
    if (ir.engine.name !== 'tensorrt-llm') {
      ctx.report(Diagnostics.CompileUnsupported, ['acceleration', 'compile', 'compiler'], { args: { compiler: 'tensorrt-llm', reason: `engine ${ir.engine.name} does not serve TensorRT-LLM engines` }, hint: 'set engine: tensorrt-llm' });
    }
    if (inst && !(TRT_FAMILIES as readonly string[]).includes(inst.family)) {
      ctx.report(Diagnostics.AwsOptimizationInstance, ['acceleration', 'compile', 'compiler'], { args: { instance: inst.type, allowed: TRT_FAMILIES.join(', ') } });
    }
  }
  if (byJob && inst && ir.engine.name !== 'tensorrt-llm') {
    if (!(OPTIMIZATION_FAMILIES as readonly string[]).includes(inst.family) || !(TRT_FAMILIES as readonly string[]).includes(inst.family)) {
      ctx.report(Diagnostics.AwsOptimizationInstance, ['acceleration', 'quantization'], {
        args: { instance: inst.type, allowed: TRT_FAMILIES.join(', ') },
        hint: 'SageMaker quantizes with an optimization job only for these families; quantize offline and set preQuantized: true, or change the instance',
      });
    }
    if (q.method === 'smoothquant') {
      ctx.report(Diagnostics.QuantizationEngine, ['acceleration', 'quantization'], { args: { method: 'smoothquant', engine: ir.engine.name, target: 'aws', reason: 'SmoothQuant needs the TensorRT-LLM container' }, hint: 'set engine: tensorrt-llm' });
    }
  }
}
