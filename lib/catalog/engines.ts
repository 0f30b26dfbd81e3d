/**
 * What each serving engine can do on each target. This is the capability matrix the normalizer checks
 * specs against; emitters trust it.
 * Sources: ../shared/reference/aws-sagemaker.md §4.3, §5 (LMI, TGI, TRT-LLM, Neuron); alibaba-pai-eas.md §3
 * (vLLM, SGLang, BladeLLM) and §1.10 (built-in processors); vLLM engine args (docs.vllm.ai).
 */
import type { TargetName } from '../spec/schema';

export type EngineName = 'vllm' | 'bladellm' | 'sglang' | 'tgi' | 'lmi' | 'tensorrt-llm' | 'tei' | 'triton' | 'framework' | 'custom';
export type DeviceKind = 'nvidia' | 'neuron' | 'cpu';

export interface EngineCapabilities {
  readonly generative: boolean;
  /** Targets and the device kinds each serves. */
  readonly targets: Partial<Record<TargetName, readonly DeviceKind[]>>;
  /** Quantization methods the engine applies at load time to a full-precision checkpoint. */
  readonly runtimeQuantization: readonly string[];
  /** Quantization formats the engine can load pre-quantized. */
  readonly preQuantized: readonly string[];
  readonly kvCacheDtypes: readonly string[];
  readonly speculative: readonly string[];
  /** Port the engine listens on inside the container, per target. */
  readonly port: Partial<Record<TargetName, number>>;
  readonly healthPath: string;
  readonly readinessPath?: string;
}

/** Non-generative serving: no LLM techniques, SageMaker's /ping contract. */
const CLASSIC = {
  generative: false,
  runtimeQuantization: [],
  preQuantized: [],
  kvCacheDtypes: ['auto'],
  speculative: [],
  port: { aws: 8080, alibaba: 8000 },
  healthPath: '/ping',
} as const;

export const ENGINE_CAPABILITIES: Record<EngineName, EngineCapabilities> = {
  vllm: {
    generative: true,
    targets: { aws: ['nvidia'], alibaba: ['nvidia'] },
    runtimeQuantization: ['fp8'],
    preQuantized: ['awq', 'gptq', 'fp8', 'int8', 'int4'],
    kvCacheDtypes: ['auto', 'fp8'],
    speculative: ['draft', 'eagle'],
    port: { aws: 8080, alibaba: 8000 },
    healthPath: '/health',
    readinessPath: '/v1/models',
  },
  lmi: {
    generative: true,
    targets: { aws: ['nvidia', 'neuron'] },
    runtimeQuantization: ['fp8'],
    preQuantized: ['awq', 'gptq', 'fp8'],
    kvCacheDtypes: ['auto', 'fp8'],
    speculative: ['draft'],
    port: { aws: 8080 },
    healthPath: '/ping',
  },
  tgi: {
    generative: true,
    targets: { aws: ['nvidia', 'neuron'] },
    runtimeQuantization: ['fp8'],
    preQuantized: ['awq', 'gptq', 'fp8'],
    kvCacheDtypes: ['auto', 'fp8'],
    speculative: [],
    port: { aws: 8080 },
    healthPath: '/ping',
  },
  'tensorrt-llm': {
    generative: true,
    targets: { aws: ['nvidia'] },
    runtimeQuantization: ['awq', 'fp8', 'smoothquant'],
    preQuantized: [],
    kvCacheDtypes: ['auto', 'fp8', 'int8'],
    speculative: [],
    port: { aws: 8080 },
    healthPath: '/ping',
  },
  bladellm: {
    generative: true,
    targets: { alibaba: ['nvidia'] },
    runtimeQuantization: [],
    preQuantized: ['int8', 'int4', 'fp8', 'gptq', 'awq', 'smoothquant'],
    kvCacheDtypes: ['auto', 'fp8', 'int8', 'int4'],
    speculative: ['draft', 'lookahead'],
    port: { alibaba: 8081 },
    healthPath: '/health',
    readinessPath: '/v1/models',
  },
  sglang: {
    generative: true,
    targets: { alibaba: ['nvidia'] },
    runtimeQuantization: ['fp8'],
    preQuantized: ['awq', 'gptq', 'fp8'],
    kvCacheDtypes: ['auto', 'fp8'],
    speculative: ['draft', 'eagle'],
    port: { alibaba: 8000 },
    healthPath: '/health',
    readinessPath: '/v1/models',
  },
  // Text Embeddings Inference: embedding and reranking models; contract and images in lib/engines (issue #12).
  // PAI-EAS has no TEI image: tei there is served by the PAI-EAS vLLM GPU image in pooling mode (lib/engines/contracts/alibaba-vllm.ts).
  tei: { ...CLASSIC, targets: { aws: ['nvidia', 'cpu'], alibaba: ['nvidia'] } },
  triton: { ...CLASSIC, targets: { aws: ['nvidia', 'cpu'], alibaba: ['nvidia'] } },
  framework: { ...CLASSIC, targets: { aws: ['nvidia', 'cpu', 'neuron'], alibaba: ['nvidia', 'cpu'] } },
  custom: { ...CLASSIC, targets: { aws: ['nvidia', 'cpu', 'neuron'], alibaba: ['nvidia', 'cpu'] } },
};

/** BladeLLM serves Qwen and Llama text models only (reference §3.4). */
export function isBladeFamily(family: string | undefined): boolean {
  return !!family && /^(qwen|llama)/.test(family);
}
