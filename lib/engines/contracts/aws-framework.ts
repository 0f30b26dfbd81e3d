/**
 * SageMaker framework containers: scikit-learn (sagemaker-scikit-learn), XGBoost (sagemaker-xgboost), PyTorch
 * (pytorch-inference, TorchServe toolkit), TensorFlow (tensorflow-inference, TF Serving) and the Neo serving images
 * (sagemaker-inference-pytorch, sagemaker-neo-pytorch). What the SageMaker Python SDK sets for them, and what the
 * containers' toolkits read.
 */
import type { EngineContract, ContractOption } from '../contract';
import { doc, SM_INFERENCE_TOOLKIT, SM_PYTORCH_TOOLKIT, SM_SDK, SM_SKLEARN, src } from '../sources';

const TFS = 'aws/sagemaker-tensorflow-serving-container@00b4c79288b8f992b8e3dbf2a89673a3cf22f583';

/** Model._script_mode_env_vars: SAGEMAKER_PROGRAM is the script, SAGEMAKER_SUBMIT_DIRECTORY /opt/ml/model/code after repacking. */
const scriptMode: ContractOption[] = [
  { name: 'SAGEMAKER_PROGRAM', kind: 'env', type: 'string', from: 'model.entryPoint', source: src(SM_SDK, 'src/sagemaker/model.py') },
  { name: 'SAGEMAKER_SUBMIT_DIRECTORY', kind: 'env', type: 'enum', values: ['/opt/ml/model/code'], from: 'model.entryPoint', source: src(SM_SDK, 'src/sagemaker/model.py') },
];
const multiModel: ContractOption = { name: 'SAGEMAKER_MULTI_MODEL', kind: 'env', type: 'bool', values: ['true'], from: 'mode', source: src(SM_INFERENCE_TOOLKIT, 'src/sagemaker_inference/parameters.py') };

const programNeedsDirectory = {
  id: 'program-with-directory',
  description: 'the toolkit imports SAGEMAKER_PROGRAM from SAGEMAKER_SUBMIT_DIRECTORY',
  check: (o: Readonly<Record<string, string>>) => ('SAGEMAKER_PROGRAM' in o !== 'SAGEMAKER_SUBMIT_DIRECTORY' in o ? 'SAGEMAKER_PROGRAM and SAGEMAKER_SUBMIT_DIRECTORY must be set together' : undefined),
  source: src(SM_SDK, 'src/sagemaker/model.py'),
};

export const awsSklearn: EngineContract = {
  id: 'aws/sklearn',
  target: 'aws',
  engine: 'framework',
  image: 'sagemaker-scikit-learn:1.2-1-cpu-py3',
  options: [...scriptMode, multiModel],
  rules: [
    programNeedsDirectory,
    {
      id: 'program-required',
      description: 'serving.main imports the user module named by SAGEMAKER_PROGRAM; without it the container cannot serve',
      check: (o) => (o.SAGEMAKER_PROGRAM ? undefined : 'SAGEMAKER_PROGRAM is not set'),
      source: src(SM_SKLEARN, 'src/sagemaker_sklearn_container/serving.py'),
    },
  ],
};

export const awsXgboost: EngineContract = {
  id: 'aws/xgboost',
  target: 'aws',
  engine: 'framework',
  image: 'sagemaker-xgboost:1.7-1',
  options: [...scriptMode, multiModel],
  rules: [programNeedsDirectory],
};

export const awsPytorch: EngineContract = {
  id: 'aws/pytorch',
  target: 'aws',
  engine: 'framework',
  image: 'pytorch-inference:2.6.0',
  options: [
    ...scriptMode,
    multiModel,
    { name: 'SAGEMAKER_TS_BATCH_SIZE', kind: 'env', type: 'int', from: 'batching.maxBatchSize', source: src(SM_PYTORCH_TOOLKIT, 'src/sagemaker_pytorch_serving_container/ts_parameters.py') },
    { name: 'SAGEMAKER_TS_MAX_BATCH_DELAY', kind: 'env', type: 'int', from: 'batching.maxDelay', source: src(SM_PYTORCH_TOOLKIT, 'src/sagemaker_pytorch_serving_container/ts_parameters.py') },
  ],
  rules: [programNeedsDirectory],
};

export const awsTensorflow: EngineContract = {
  id: 'aws/tensorflow',
  target: 'aws',
  engine: 'framework',
  image: 'tensorflow-inference:2.14.1',
  options: [
    multiModel,
    { name: 'SAGEMAKER_TFS_ENABLE_BATCHING', kind: 'env', type: 'enum', values: ['true', 'false'], from: 'batching', source: src(TFS, 'docker/build_artifacts/sagemaker/serve.py') },
    { name: 'SAGEMAKER_TFS_MAX_BATCH_SIZE', kind: 'env', type: 'int', from: 'batching.maxBatchSize', source: src(TFS, 'docker/build_artifacts/sagemaker/tfs_utils.py') },
    { name: 'SAGEMAKER_TFS_BATCH_TIMEOUT_MICROS', kind: 'env', type: 'int', from: 'batching.maxDelay', source: src(TFS, 'docker/build_artifacts/sagemaker/tfs_utils.py') },
  ],
  rules: [],
};

/** Neo serving images (the compilation job's InferenceImage): script mode plus the MMS response timeout the SDK's Neo tests set. */
export const awsNeo: EngineContract = {
  id: 'aws/neo',
  target: 'aws',
  engine: 'framework',
  image: 'sagemaker-inference-pytorch / sagemaker-neo-pytorch (the compilation job\'s InferenceImage)',
  options: [
    ...scriptMode,
    // "you must set MMS_DEFAULT_RESPONSE_TIMEOUT environment variable to 500" (also the SDK's tests/integ/test_neo_pytorch.py).
    { name: 'MMS_DEFAULT_RESPONSE_TIMEOUT', kind: 'env', type: 'int', source: doc('https://docs.aws.amazon.com/sagemaker/latest/dg/neo-deployment-hosting-services-sdk.html') },
  ],
  rules: [
    programNeedsDirectory,
    {
      id: 'program-required',
      description: 'Neo PyTorch serving needs an entry point script (inference.py) with input_fn, predict_fn and output_fn',
      check: (o) => (o.SAGEMAKER_PROGRAM ? undefined : 'SAGEMAKER_PROGRAM is not set'),
      source: doc('https://docs.aws.amazon.com/sagemaker/latest/dg/neo-deployment-hosting-services-prerequisites.html'),
    },
  ],
};
