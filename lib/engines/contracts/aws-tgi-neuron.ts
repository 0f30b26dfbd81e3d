/** TGI 3.3.6 neuron backend (huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04). */
import type { EngineContract } from '../contract';
import { src, TGI } from '../sources';
import { inputBelowTotal } from './aws-tgi';

const TGI_ENV = 'backends/neuron/server/text_generation_server/tgi_env.py';

export const awsTgiNeuron: EngineContract = {
  id: 'aws/tgi-neuron',
  target: 'aws',
  engine: 'tgi',
  image: 'huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04',
  options: [
    { name: 'HF_MODEL_ID', kind: 'env', type: 'string', from: 'model.uri', source: src(TGI, 'sagemaker-entrypoint.sh') },
    { name: 'HF_NUM_CORES', kind: 'env', type: 'int', from: 'acceleration.tensorParallel', source: src(TGI, TGI_ENV) },
    // map_torch_dtype (optimum-neuron v0.3.0 optimum/neuron/utils/misc.py) accepts bf16, fp16, fp32.
    { name: 'HF_AUTO_CAST_TYPE', kind: 'env', type: 'enum', values: ['bf16', 'fp16', 'fp32'], from: 'model.dtype', source: src(TGI, TGI_ENV) },
    { name: 'MAX_BATCH_SIZE', kind: 'env', type: 'int', from: 'llm.maxConcurrentSequences', source: src(TGI, TGI_ENV) },
    { name: 'MAX_INPUT_TOKENS', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(TGI, TGI_ENV) },
    { name: 'MAX_TOTAL_TOKENS', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(TGI, TGI_ENV) },
  ],
  rules: [inputBelowTotal],
};
