import { AwsImageKey, awsImageRegions, resolveAlibabaImage, resolveAwsImage } from '../catalog/images';
import type { EngineName, DeviceKind } from '../catalog/engines';
import type { ModelFormat } from '../ir';

export interface ImageChoice {
  readonly key?: AwsImageKey | string;
  readonly uri?: string;
  /** Set when the target has no such image in the region. */
  readonly unavailable?: { readonly image: string; readonly regions: readonly string[] };
  /** Set when no image exists for the combination at all (e.g. scikit-learn on GPUs). */
  readonly unsupported?: string;
}

/** Which catalog image serves an engine on SageMaker. */
export function awsImageKey(engine: EngineName, device: DeviceKind, format: ModelFormat, neo: 'neo' | 'none', neoDevice?: 'cpu' | 'gpu' | 'inf'): AwsImageKey | { unsupported: string } {
  switch (engine) {
    case 'lmi':
    case 'vllm':
      return device === 'neuron' ? 'lmi-neuron' : 'lmi';
    case 'tgi':
      return device === 'neuron' ? 'tgi-neuron' : 'tgi';
    case 'tensorrt-llm':
      return 'tensorrt-llm';
    case 'triton':
      return device === 'nvidia' ? 'triton-gpu' : 'triton-cpu';
    case 'framework':
      if (neo === 'neo') {
        if (format !== 'pytorch') return { unsupported: `Neo serving images for ${format} are not in the catalog; inferstack serves Neo-compiled PyTorch models` };
        return neoDevice === 'inf' ? 'inferentia-pytorch' : neoDevice === 'gpu' ? 'neo-pytorch-gpu' : 'neo-pytorch-cpu';
      }
      switch (format) {
        case 'pytorch':
          return device === 'neuron' ? 'pytorch-neuron' : device === 'nvidia' ? 'pytorch-gpu' : 'pytorch-cpu';
        case 'tensorflow':
          if (device === 'neuron') return { unsupported: 'no TensorFlow Neuron serving image is in the catalog' };
          return device === 'nvidia' ? 'tensorflow-gpu' : 'tensorflow-cpu';
        case 'sklearn':
          return device === 'cpu' ? 'sklearn' : { unsupported: 'the scikit-learn container runs on CPU instances only' };
        case 'xgboost':
          return device === 'neuron' ? { unsupported: 'the XGBoost container does not run on Inferentia' } : 'xgboost';
        default:
          return { unsupported: `no SageMaker framework container serves format ${format}` };
      }
    default:
      return { unsupported: `engine ${engine} has no catalog image on SageMaker` };
  }
}

export function chooseAwsImage(engine: EngineName, device: DeviceKind, format: ModelFormat, region: string, neo: 'neo' | 'none', neoDevice?: 'cpu' | 'gpu' | 'inf'): ImageChoice {
  const key = awsImageKey(engine, device, format, neo, neoDevice);
  if (typeof key !== 'string') return key;
  const resolved = resolveAwsImage(key, region);
  if (!resolved) return { key, unavailable: { image: key, regions: awsImageRegions(key) } };
  return { key, uri: resolved.uri };
}

export function chooseAlibabaImage(engine: EngineName, region: string): ImageChoice {
  if (engine === 'vllm' || engine === 'sglang' || engine === 'bladellm') return { key: engine, uri: resolveAlibabaImage(engine, region) };
  // No PAI-EAS TEI image exists; embeddings and reranking run on the vLLM image in pooling mode.
  if (engine === 'tei') return { key: 'vllm', uri: resolveAlibabaImage('vllm', region) };
  return {};
}
