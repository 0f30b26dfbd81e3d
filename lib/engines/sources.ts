/**
 * The public sources the AWS contracts were read from, at the revisions the pinned images are built from.
 * `ref` is `owner/repo@revision:path`; every fact was checked on 2026-11-25.
 */
import type { ContractSource } from './contract';

export const CHECKED = '2026-11-25';

/** djl-serving release branches of the LMI images (djl-inference:0.30.0-lmi12.0.0, 0.33.0-tensorrtllm, 0.29.0-neuronx). */
export const DJL_LMI = 'deepjavalibrary/djl-serving@0.30.0-dlc';
export const DJL_TRTLLM = 'deepjavalibrary/djl-serving@0.33.0-dlc';
export const DJL_NEURONX = 'deepjavalibrary/djl-serving@0.29.0-dlc';
/** huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6 (GPU) and 2.7.0-optimum3.3.6-neuronx (TGI 3.3.6 neuron backend). */
export const TGI = 'huggingface/text-generation-inference@v3.3.6';
/** tei:2.0.1-tei1.8.2 and tei-cpu:2.0.1-tei1.8.2. */
export const TEI = 'huggingface/text-embeddings-inference@v1.8.2';
export const SM_SDK = 'aws/sagemaker-python-sdk@v2.257.6';
export const SM_INFERENCE_TOOLKIT = 'aws/sagemaker-inference-toolkit@v1.10.1';
export const SM_PYTORCH_TOOLKIT = 'aws/sagemaker-pytorch-inference-toolkit@v2.0.25';
export const SM_SKLEARN = 'aws/sagemaker-scikit-learn-container@v1.2-1';

export function src(repo: string, path: string): ContractSource {
  return { ref: `${repo}:${path}`, checked: CHECKED };
}

export function doc(url: string): ContractSource {
  return { ref: url, checked: CHECKED };
}

/** Where LMI turns `OPTION_FOO` into the model property `option.foo` (ModelInfo#loadServingProperties). */
export const LMI_ENV_MAPPING = 'wlm/src/main/java/ai/djl/serving/wlm/ModelInfo.java';
