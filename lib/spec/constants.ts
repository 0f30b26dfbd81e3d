/** Enumerations of the spec, shared by the schema and the runtime without loading the schema builder. */
export const TARGETS = ['aws', 'alibaba'] as const;
export type TargetName = (typeof TARGETS)[number];

export const MODEL_FORMATS = ['huggingface', 'pytorch', 'tensorflow', 'onnx', 'xgboost', 'sklearn', 'pmml', 'triton', 'custom'] as const;
export const MODEL_TASKS = ['text-generation', 'embedding', 'rerank', 'other'] as const;
export const DTYPES = ['bf16', 'fp16', 'fp32'] as const;
export const ENGINES = ['auto', 'vllm', 'bladellm', 'sglang', 'tgi', 'lmi', 'tensorrt-llm', 'tei', 'triton', 'framework', 'custom'] as const;
export const QUANTIZATION_METHODS = ['none', 'awq', 'gptq', 'fp8', 'int8', 'int4', 'smoothquant'] as const;
export const KV_CACHE_DTYPES = ['auto', 'fp8', 'int8', 'int4'] as const;
export const COMPILERS = ['neo', 'neuron', 'tensorrt-llm'] as const;
export const NEO_FRAMEWORKS = ['pytorch', 'tensorflow', 'keras', 'mxnet', 'onnx', 'tflite', 'xgboost', 'darknet', 'sklearn'] as const;
export const MODES = ['realtime', 'serverless', 'async', 'multi-model'] as const;
export const SCALING_METRICS = ['concurrency', 'invocations', 'gpu-utilization', 'cpu-utilization', 'qps', 'backlog'] as const;
export const ROLLOUT_STRATEGIES = ['all-at-once', 'canary', 'linear', 'rolling'] as const;
export const SPECULATIVE_METHODS = ['draft', 'eagle', 'lookahead'] as const;

export const DEPLOYMENT_NAME_PATTERN = '^[a-z][a-z0-9-]{0,39}$';
/**
 * The spec's identity, written as a label value on cloud resources: PAI-EAS label values may not hold "=" or ","
 * and are at most 128 bytes (https://www.alibabacloud.com/help/en/pai/developer-reference/api-aiworkspace-2021-02-04-struct-label);
 * a conservative subset that is also a valid tag value everywhere else.
 */
export const SPEC_NAME_PATTERN = '^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$';
