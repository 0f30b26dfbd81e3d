import { AwsImageKey, awsFrameworkVersions, awsImageRegions, awsVersionedImageKey, resolveAlibabaImage, resolveAwsImage } from '../catalog/images';
import type { EngineName, DeviceKind } from '../catalog/engines';
import type { ModelFormat } from '../ir';

export interface ImageChoice {
  readonly key?: AwsImageKey | string;
  readonly uri?: string;
  /** Set when the target has no such image in the region. */
  readonly unavailable?: { readonly image: string; readonly regions: readonly string[] };
  /** Set when no image exists for the combination at all (e.g. scikit-learn on GPUs). */
  readonly unsupported?: string;
  /** Set when model.frameworkVersion names a version the catalog does not hold. */
  readonly unknownVersion?: { readonly framework: string; readonly versions: readonly string[] };
  /** Set when model.frameworkVersion was not given and the catalog's default version was chosen. */
  readonly defaultVersion?: { readonly framework: string; readonly version: string };
}

/** A framework image at model.frameworkVersion, or the catalog's default (reported, never silent). */
function frameworkImage(name: AwsImageKey, version: string | undefined): AwsImageKey | { unknownVersion: { framework: string; versions: string[] } } {
  const key = awsVersionedImageKey(name, version);
  if (key) return key;
  return { unknownVersion: { framework: name, versions: awsFrameworkVersions(name) } };
}

/** Which catalog image serves an engine on SageMaker, at model.frameworkVersion for framework containers. */
export function awsImageKey(engine: EngineName, device: DeviceKind, format: ModelFormat, neo: 'neo' | 'none', neoDevice: 'cpu' | 'gpu' | 'inf' | undefined, frameworkVersion: string | undefined): AwsImageKey | { unsupported: string } | { unknownVersion: { framework: string; versions: string[] } } {
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
    case 'tei':
      if (device === 'neuron') return { unsupported: 'Text Embeddings Inference has GPU and CPU images only' };
      return device === 'nvidia' ? 'tei-gpu' : 'tei-cpu';
    case 'framework':
      if (neo === 'neo') {
        if (format !== 'pytorch') return { unsupported: `Neo serving images for ${format} are not in the catalog; inferstack serves Neo-compiled PyTorch models` };
        // The serving image itself is the compilation job's InferenceImage; this one names the registry to pull from.
        return neoDevice === 'inf' ? 'inferentia-pytorch' : neoDevice === 'gpu' ? 'neo-pytorch-gpu' : 'neo-pytorch-cpu';
      }
      switch (format) {
        case 'pytorch':
          return frameworkImage(device === 'neuron' ? 'pytorch-neuron' : device === 'nvidia' ? 'pytorch-gpu' : 'pytorch-cpu', frameworkVersion);
        case 'tensorflow':
          if (device === 'neuron') return { unsupported: 'no TensorFlow Neuron serving image is in the catalog' };
          return frameworkImage(device === 'nvidia' ? 'tensorflow-gpu' : 'tensorflow-cpu', frameworkVersion);
        case 'sklearn':
          return device === 'cpu' ? frameworkImage('sklearn', frameworkVersion) : { unsupported: 'the scikit-learn container runs on CPU instances only' };
        case 'xgboost':
          return device === 'neuron' ? { unsupported: 'the XGBoost container does not run on Inferentia' } : frameworkImage('xgboost', frameworkVersion);
        default:
          return { unsupported: `no SageMaker framework container serves format ${format}` };
      }
    default:
      return { unsupported: `engine ${engine} has no catalog image on SageMaker` };
  }
}

/** Framework images whose version model.frameworkVersion selects. */
const VERSIONED = ['sklearn', 'xgboost', 'pytorch-cpu', 'pytorch-gpu', 'tensorflow-cpu', 'tensorflow-gpu'];

export function chooseAwsImage(engine: EngineName, device: DeviceKind, format: ModelFormat, region: string, neo: 'neo' | 'none', neoDevice?: 'cpu' | 'gpu' | 'inf', frameworkVersion?: string): ImageChoice {
  const key = awsImageKey(engine, device, format, neo, neoDevice, frameworkVersion);
  if (typeof key !== 'string') return key;
  const base = key.replace(/@.*/, '');
  const defaultVersion = !frameworkVersion && VERSIONED.includes(base) ? { framework: base, version: awsFrameworkVersions(base)[0]! } : undefined;
  const resolved = resolveAwsImage(key, region);
  if (!resolved) return { key, unavailable: { image: key, regions: awsImageRegions(key) } };
  return { key, uri: resolved.uri, ...(defaultVersion ? { defaultVersion } : {}) };
}

export function chooseAlibabaImage(engine: EngineName, region: string): ImageChoice {
  if (engine === 'vllm' || engine === 'sglang' || engine === 'bladellm') return { key: engine, uri: resolveAlibabaImage(engine, region) };
  // No PAI-EAS TEI image exists; embeddings and reranking run on the vLLM image in pooling mode.
  if (engine === 'tei') return { key: 'vllm', uri: resolveAlibabaImage('vllm', region) };
  return {};
}
