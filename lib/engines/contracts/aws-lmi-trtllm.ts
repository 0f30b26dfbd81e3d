/** LMI TensorRT-LLM (djl-inference 0.33.0-tensorrtllm0.21.0): engines built ahead of time, runtime knobs here. */
import type { EngineContract } from '../contract';
import { DJL_TRTLLM, src } from '../sources';
import { lmiCommonOptions } from './aws-lmi-vllm';

const TRT_PROPS = 'engines/python/setup/djl_python/properties_manager/trt_properties.py';
const PARTITION = 'serving/docker/partition/trt_llm_partition.py';

export const awsLmiTrtllm: EngineContract = {
  id: 'aws/lmi-trtllm',
  target: 'aws',
  engine: 'tensorrt-llm',
  image: 'djl-inference:0.33.0-tensorrtllm0.21.0-cu128',
  options: [
    ...lmiCommonOptions(DJL_TRTLLM),
    { name: 'OPTION_DTYPE', kind: 'env', type: 'enum', values: ['auto', 'float16', 'bfloat16', 'float32'], from: 'model.dtype', source: src(DJL_TRTLLM, TRT_PROPS) },
    // Build config (trt_llm_partition.parse_build_config) and runtime (TensorRtLlmProperties): max_input_len defaults to 1024.
    { name: 'OPTION_MAX_INPUT_LEN', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(DJL_TRTLLM, TRT_PROPS) },
    { name: 'OPTION_MAX_SEQ_LEN', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(DJL_TRTLLM, TRT_PROPS) },
    { name: 'OPTION_MAX_NUM_TOKENS', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(DJL_TRTLLM, TRT_PROPS) },
    // parse_quant_config: QuantAlgo(quant_algo.upper()); the optimization job that builds the engine reads it.
    { name: 'OPTION_QUANT_ALGO', kind: 'env', type: 'enum', values: ['W4A16_AWQ', 'FP8', 'W8A8_SQ_PER_CHANNEL'], from: 'acceleration.quantization', source: src(DJL_TRTLLM, PARTITION) },
    // parse_quant_config: QuantAlgo(kv_cache_quant_algo.upper()).
    { name: 'OPTION_KV_CACHE_QUANT_ALGO', kind: 'env', type: 'enum', values: ['FP8', 'INT8'], from: 'acceleration.kvCacheDtype', source: src(DJL_TRTLLM, PARTITION) },
  ],
  rules: [
    {
      id: 'input-within-sequence',
      description: 'TensorRT-LLM builds refuse max_input_len above max_seq_len',
      check: (o) => (Number(o.OPTION_MAX_INPUT_LEN ?? 0) > Number(o.OPTION_MAX_SEQ_LEN ?? Infinity) ? `OPTION_MAX_INPUT_LEN ${o.OPTION_MAX_INPUT_LEN} > OPTION_MAX_SEQ_LEN ${o.OPTION_MAX_SEQ_LEN}` : undefined),
      source: src(DJL_TRTLLM, PARTITION),
    },
    {
      id: 'context-length-passed',
      description: 'without OPTION_MAX_INPUT_LEN the engine is built for 1024 input tokens',
      check: (o) => (o.OPTION_MAX_INPUT_LEN === undefined ? 'OPTION_MAX_INPUT_LEN is not set' : undefined),
      source: src(DJL_TRTLLM, TRT_PROPS),
    },
    {
      id: 'rolling-batch-trtllm',
      description: 'this contract is the TensorRT-LLM backend',
      check: (o) => (o.OPTION_ROLLING_BATCH !== 'trtllm' ? `OPTION_ROLLING_BATCH=${o.OPTION_ROLLING_BATCH ?? '(unset)'}` : undefined),
      source: src(DJL_TRTLLM, TRT_PROPS),
    },
  ],
};
