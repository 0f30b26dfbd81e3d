/** LMI Neuron (djl-inference 0.29.0-neuronx-sdk2.19.1): transformers-neuronx on Inferentia2/Trainium. */
import type { EngineContract } from '../contract';
import { DJL_NEURONX, LMI_ENV_MAPPING, src } from '../sources';
import { lmiCommonOptions } from './aws-lmi-vllm';

const TNX_PROPS = 'engines/python/setup/djl_python/properties_manager/tnx_properties.py';

export const awsLmiNeuron: EngineContract = {
  id: 'aws/lmi-neuron',
  target: 'aws',
  engine: 'lmi',
  image: 'djl-inference:0.29.0-neuronx-sdk2.19.1',
  options: [
    ...lmiCommonOptions(DJL_NEURONX),
    { name: 'OPTION_DTYPE', kind: 'env', type: 'enum', values: ['fp32', 'fp16', 'bf16'], from: 'model.dtype', source: src(DJL_NEURONX, TNX_PROPS) },
    { name: 'OPTION_N_POSITIONS', kind: 'env', type: 'int', from: 'llm.maxContextLength', source: src(DJL_NEURONX, TNX_PROPS) },
    { name: 'OPTION_ENTRYPOINT', kind: 'env', type: 'enum', values: ['djl_python.transformers_neuronx'], source: src(DJL_NEURONX, LMI_ENV_MAPPING) },
    { name: 'OPTION_QUANTIZE', kind: 'env', type: 'enum', values: ['static_int8'], from: 'acceleration.quantization', source: src(DJL_NEURONX, TNX_PROPS) },
    { name: 'OPTION_SPECULATIVE_DRAFT_MODEL', kind: 'env', type: 'string', from: 'acceleration.speculativeDecoding.draftModel', source: src(DJL_NEURONX, TNX_PROPS) },
    { name: 'OPTION_SPECULATIVE_LENGTH', kind: 'env', type: 'int', from: 'acceleration.speculativeDecoding.tokens', source: src(DJL_NEURONX, TNX_PROPS) },
  ],
  rules: [
    {
      id: 'rolling-batch-neuron',
      description: 'transformers-neuronx supports rolling batch auto, vllm, lmi-dist, tnx; anything else falls back to auto',
      check: (o) => (!['auto', 'tnx', 'vllm'].includes(o.OPTION_ROLLING_BATCH ?? '') ? `OPTION_ROLLING_BATCH=${o.OPTION_ROLLING_BATCH ?? '(unset)'}` : undefined),
      source: src(DJL_NEURONX, TNX_PROPS),
    },
  ],
};
