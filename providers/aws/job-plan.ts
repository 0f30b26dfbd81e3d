/**
 * Whether and how a deployment needs an ahead-of-time job on SageMaker (Neo compilation, quantization,
 * TensorRT-LLM/Neuron compilation, EAGLE), as a pure function of the IR: the CDK construct (ahead-of-time-job.ts)
 * builds the job from it, and the direct cloud-assembly writer (direct/) uses it to leave such deployments to CDK.
 */
import type { DeploymentIR } from '../../lib/ir';
import { neoTargetFor } from '../../lib/normalize/rules-aws';
import { jobQuantizationEnv, quantizedByJob, trtllmLimits } from '../../lib/engines/aws-options';
import { parseS3Uri } from './execution-policy';

export type AheadOfTimeKind = 'compilation' | 'optimization';

export interface JobPlan {
  readonly kind: AheadOfTimeKind;
  /** The Create*Job request without name and role (they are filled in by the construct and the handler). */
  readonly request: Record<string, unknown>;
  /** Where the job writes its result. */
  readonly outputUri: string;
  /** Neo writes one .tar.gz; optimization jobs write an uncompressed model directory. */
  readonly artifactKind: 'tar.gz' | 'prefix';
  readonly maxRuntimeSeconds: number;
  readonly techniques: readonly string[];
}

const NEO_FRAMEWORK: Record<string, string> = { pytorch: 'PYTORCH', tensorflow: 'TENSORFLOW', keras: 'KERAS', mxnet: 'MXNET', onnx: 'ONNX', tflite: 'TFLITE', xgboost: 'XGBOOST', darknet: 'DARKNET', sklearn: 'SKLEARN' };

/** The output prefix: the spec's, else next to the model under inferstack-optimized/<deployment>/. */
export function outputUriFor(ir: DeploymentIR): string {
  if (ir.compile?.output) return ir.compile.output.endsWith('/') ? ir.compile.output : `${ir.compile.output}/`;
  const loc = parseS3Uri(ir.model.uri);
  return `s3://${loc?.bucket ?? 'unknown'}/inferstack-optimized/${ir.name}/`;
}

/** Whether and how a deployment needs an ahead-of-time job on SageMaker. */
export function planJob(ir: DeploymentIR): JobPlan | undefined {
  const output = outputUriFor(ir);
  const c = ir.compile;
  if (c?.compiler === 'neo') {
    const device = c.target && c.target !== 'auto' ? c.target : neoTargetFor(ir.instance!.family)!;
    return {
      kind: 'compilation',
      request: {
        InputConfig: {
          S3Uri: ir.model.uri,
          Framework: NEO_FRAMEWORK[c.framework ?? 'pytorch'],
          ...(c.inputShape ? { DataInputConfig: JSON.stringify(c.inputShape) } : {}),
          ...(c.frameworkVersion ? { FrameworkVersion: c.frameworkVersion } : {}),
        },
        OutputConfig: {
          S3OutputLocation: output,
          TargetDevice: device,
          ...(c.compilerOptions ? { CompilerOptions: JSON.stringify(c.compilerOptions) } : {}),
        },
        StoppingCondition: { MaxRuntimeInSeconds: c.maxRuntimeSeconds },
      },
      outputUri: output,
      artifactKind: 'tar.gz',
      maxRuntimeSeconds: c.maxRuntimeSeconds,
      techniques: [`neo:${device}`],
    };
  }
  if (!ir.model.generative) return undefined;
  const quantize = quantizedByJob(ir);
  const compile = c?.compiler === 'neuron' || c?.compiler === 'tensorrt-llm' || ir.engine.name === 'tensorrt-llm';
  const eagle = ir.speculative?.method === 'eagle';
  if (!quantize && !compile && !eagle) return undefined;
  const configs: Array<Record<string, unknown>> = [];
  const techniques: string[] = [];
  if (quantize) {
    configs.push({ ModelQuantizationConfig: { OverrideEnvironment: jobQuantizationEnv(ir) } });
    techniques.push(`quantization:${ir.quantization.method}`);
  }
  if (compile) {
    const env: Record<string, string> = { OPTION_TENSOR_PARALLEL_DEGREE: String(ir.tensorParallel) };
    if (ir.llm) env.OPTION_MAX_ROLLING_BATCH_SIZE = String(ir.llm.maxConcurrentSequences);
    if (ir.engine.device === 'neuron' && ir.llm) env.OPTION_N_POSITIONS = String(ir.llm.maxContextLength);
    // The engine is built with these limits; the hosted model gets the same ones (containers.ts).
    if (ir.engine.name === 'tensorrt-llm' && ir.llm) Object.assign(env, trtllmLimits(ir));
    configs.push({ ModelCompilationConfig: { OverrideEnvironment: env } });
    techniques.push(ir.engine.device === 'neuron' ? 'compilation:neuron' : 'compilation:tensorrt-llm');
  }
  if (eagle) {
    configs.push({ ModelSpeculativeDecodingConfig: { Technique: 'EAGLE' } });
    techniques.push('speculative:eagle');
  }
  const maxRuntime = c?.maxRuntimeSeconds ?? 3600;
  return {
    kind: 'optimization',
    request: {
      ModelSource: { S3: { S3Uri: ir.model.uri } },
      DeploymentInstanceType: ir.instance!.type,
      OptimizationConfigs: configs,
      OutputConfig: { S3OutputLocation: output },
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntime },
    },
    outputUri: output,
    artifactKind: 'prefix',
    maxRuntimeSeconds: maxRuntime,
    techniques,
  };
}
