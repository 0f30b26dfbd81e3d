/** Text Embeddings Inference 1.8.2 on SageMaker: GPU (tei:2.0.1-tei1.8.2-gpu-...) and CPU (tei-cpu:2.0.1-tei1.8.2-cpu-...). */
import type { EngineContract } from '../contract';
import { src, TEI } from '../sources';

/** The router reads every flag from the environment too (clap `env`). */
const ROUTER = 'router/src/main.rs';

function teiContract(id: string, image: string, dtypes: readonly string[]): EngineContract {
  return {
    id,
    target: 'aws',
    engine: 'tei',
    image,
    options: [
      // sagemaker-entrypoint.sh: MODEL_ID <- HF_MODEL_ID (required), REVISION <- HF_MODEL_REVISION; listens on 8080.
      { name: 'HF_MODEL_ID', kind: 'env', type: 'string', from: 'model.uri', source: src(TEI, 'sagemaker-entrypoint.sh') },
      // backends/src/dtype.rs: float16 and float32 with the candle backend these images are built with (no bfloat16).
      { name: 'DTYPE', kind: 'env', type: 'enum', values: dtypes, from: 'model.dtype', source: src(TEI, 'backends/src/dtype.rs') },
      { name: 'MAX_BATCH_REQUESTS', kind: 'env', type: 'int', from: 'batching.maxBatchSize', source: src(TEI, ROUTER) },
      { name: 'MAX_CLIENT_BATCH_SIZE', kind: 'env', type: 'int', from: 'batching.maxBatchSize', source: src(TEI, ROUTER) },
      { name: 'POOLING', kind: 'env', type: 'enum', values: ['cls', 'mean', 'splade', 'last-token'], source: src(TEI, 'backends/core/src/lib.rs') },
    ],
    rules: [
      {
        id: 'model-id-required',
        description: 'sagemaker-entrypoint.sh exits with "HF_MODEL_ID must be set"',
        check: (o) => (o.HF_MODEL_ID ? undefined : 'HF_MODEL_ID is not set'),
        source: src(TEI, 'sagemaker-entrypoint.sh'),
      },
    ],
  };
}

export const awsTeiGpu = teiContract('aws/tei-gpu', 'tei:2.0.1-tei1.8.2-gpu-py310-cu122-ubuntu22.04', ['float16', 'float32']);
export const awsTeiCpu = teiContract('aws/tei-cpu', 'tei-cpu:2.0.1-tei1.8.2-cpu-py310-ubuntu22.04', ['float16', 'float32']);
