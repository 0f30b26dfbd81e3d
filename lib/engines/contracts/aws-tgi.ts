/** Hugging Face TGI 3.3.6 on NVIDIA GPUs (huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124). */
import type { ContractRule, EngineContract } from '../contract';
import { src, TGI } from '../sources';

/** The launcher reads every flag from the environment too (clap `env`): `--max-input-tokens` <- MAX_INPUT_TOKENS. */
const LAUNCHER = 'launcher/src/main.rs';
/** The SageMaker entrypoint maps HF_MODEL_ID, SM_NUM_GPUS, HF_MODEL_QUANTIZE, HF_MODEL_TRUST_REMOTE_CODE. */
const ENTRYPOINT = 'sagemaker-entrypoint.sh';
const SERVER_CLI = 'server/text_generation_server/cli.py';

/** The launcher refuses max_input_tokens >= max_total_tokens (TGI GPU and the neuron backend alike). */
export const inputBelowTotal: ContractRule = {
  id: 'input-below-total',
  description: 'the launcher requires max_input_tokens < max_total_tokens',
  check: (o) => (Number(o.MAX_INPUT_TOKENS) >= Number(o.MAX_TOTAL_TOKENS) ? `MAX_INPUT_TOKENS ${o.MAX_INPUT_TOKENS} >= MAX_TOTAL_TOKENS ${o.MAX_TOTAL_TOKENS}` : undefined),
  source: src(TGI, LAUNCHER),
};

export const TGI_QUANTIZE = ['awq', 'compressed-tensors', 'eetq', 'exl2', 'gptq', 'marlin', 'bitsandbytes', 'bitsandbytes-nf4', 'bitsandbytes-fp4', 'fp8'];

export const awsTgi: EngineContract = {
  id: 'aws/tgi',
  target: 'aws',
  engine: 'tgi',
  image: 'huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04',
  options: [
    { name: 'HF_MODEL_ID', kind: 'env', type: 'string', from: 'model.uri', source: src(TGI, ENTRYPOINT) },
    { name: 'SM_NUM_GPUS', kind: 'env', type: 'int', from: 'acceleration.tensorParallel', source: src(TGI, ENTRYPOINT) },
    { name: 'HF_MODEL_QUANTIZE', kind: 'env', type: 'enum', values: TGI_QUANTIZE, from: 'acceleration.quantization', source: src(TGI, ENTRYPOINT) },
    { name: 'HF_MODEL_TRUST_REMOTE_CODE', kind: 'env', type: 'bool', values: ['true'], from: 'model.trustRemoteCode', source: src(TGI, ENTRYPOINT) },
    { name: 'MAX_INPUT_TOKENS', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(TGI, LAUNCHER) },
    { name: 'MAX_TOTAL_TOKENS', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(TGI, LAUNCHER) },
    // Honoured by the v3 backend's queue (backends/v3/src/backend.rs); MAX_BATCH_TOTAL_TOKENS is ignored for flash-attention models.
    { name: 'MAX_BATCH_SIZE', kind: 'env', type: 'int', from: 'llm.maxConcurrentSequences', source: src(TGI, 'backends/v3/src/backend.rs') },
    { name: 'MAX_BATCH_PREFILL_TOKENS', kind: 'env', type: 'int', from: 'llm.maxBatchedTokens', source: src(TGI, LAUNCHER) },
    { name: 'DTYPE', kind: 'env', type: 'enum', values: ['float16', 'bfloat16'], from: 'model.dtype', source: src(TGI, LAUNCHER) },
    { name: 'KV_CACHE_DTYPE', kind: 'env', type: 'enum', values: ['fp8_e4m3fn', 'fp8_e5m2'], from: 'acceleration.kvCacheDtype', source: src(TGI, LAUNCHER) },
  ],
  rules: [
    {
      id: 'dtype-xor-quantize',
      description: 'cli.py: "Only 1 can be set between `dtype` and `quantize`" unless quantize is bitsandbytes*',
      check: (o) => ('DTYPE' in o && o.HF_MODEL_QUANTIZE !== undefined && !o.HF_MODEL_QUANTIZE.startsWith('bitsandbytes') ? `DTYPE=${o.DTYPE} with HF_MODEL_QUANTIZE=${o.HF_MODEL_QUANTIZE}` : undefined),
      source: src(TGI, SERVER_CLI),
    },
    inputBelowTotal,
    {
      id: 'no-batch-total-tokens',
      description: 'MAX_BATCH_TOTAL_TOKENS is deprecated and ignored for flash-attention models in 3.x; it does not limit concurrency',
      check: (o) => ('MAX_BATCH_TOTAL_TOKENS' in o ? 'MAX_BATCH_TOTAL_TOKENS is set' : undefined),
      source: src(TGI, 'backends/v3/src/lib.rs'),
    },
  ],
};
