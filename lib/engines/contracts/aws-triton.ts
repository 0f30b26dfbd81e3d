/** NVIDIA Triton on SageMaker (sagemaker-tritonserver:24.09-py3 and -cpu): the serve script's environment. */
import type { EngineContract } from '../contract';
import { src } from '../sources';

const SERVE = 'triton-inference-server/server@r24.09';

export const awsTriton: EngineContract = {
  id: 'aws/triton',
  target: 'aws',
  engine: 'triton',
  image: 'sagemaker-tritonserver:24.09-py3',
  options: [
    { name: 'SAGEMAKER_MULTI_MODEL', kind: 'env', type: 'bool', values: ['true'], from: 'mode', source: src(SERVE, 'docker/sagemaker/serve') },
    { name: 'SAGEMAKER_TRITON_DEFAULT_MODEL_NAME', kind: 'env', type: 'string', source: src(SERVE, 'docker/sagemaker/serve') },
  ],
  rules: [],
};
