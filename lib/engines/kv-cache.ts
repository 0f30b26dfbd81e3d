/**
 * Where an engine can store an fp8 KV cache, by the GPU's CUDA compute capability. Only the PAI-EAS vLLM image
 * (vLLM 0.14.0) is covered: the other engines that take `kvCacheDtype: fp8` either refuse it already (LMI 0.30's vLLM
 * backend, Neuron) or have not been checked per GPU (TGI 3.3.6, SGLang 0.5.8, TensorRT-LLM, BladeLLM).
 *
 * vLLM 0.14.0 (checked 2026-11-25) picks the first attention backend whose checks pass, in the order FLASH_ATTN,
 * FLASHINFER, TRITON_ATTN, FLEX_ATTENTION on every GPU below Blackwell (`vllm/platforms/cuda.py`
 * `_get_backend_priorities`). With `--kv-cache-dtype fp8` (= fp8 e4m3 on CUDA):
 * - FLASH_ATTN refuses it below compute capability 9.0 (fp8 KV is FlashAttention 3 only; vLLM logs "Cannot use
 *   FlashAttention backend for FP8 KV cache" on an L40S, 8.9, in https://github.com/vllm-project/vllm/pull/24577);
 * - FLASHINFER takes it on 7.5 to 12.1 and dequantizes in software below 8.9; vLLM's own A100 (8.0) run stores the
 *   fp8 cache and doubles the concurrency (https://github.com/vllm-project/vllm/pull/24577, merged 2025-09-10);
 * - TRITON_ATTN lists fp8 among its KV dtypes on every GPU (https://docs.vllm.ai/en/v0.14.0/api/vllm/v1/attention/backends/triton_attn/)
 *   but casts to Triton's fp8e4nv, which exists from 8.9 only: "type fp8e4nv not supported in this architecture" on
 *   an RTX 3090, 8.6, vLLM 0.11.0 (https://github.com/vllm-project/vllm/issues/26431, open), and the same compile
 *   failure on a V100, 7.0, vLLM 0.16.0 (https://github.com/vllm-project/vllm/pull/35720, 2026-03-02, closed
 *   unmerged; https://github.com/vllm-project/vllm/pull/45829 and #49077, software fp8 for Triton on 7.5-8.8, still open).
 * So below 7.5 (V100) no backend can hold the cache and the engine dies at start-up; from 7.5 to 8.8 (T4, A10, A30,
 * A100) it starts only if FlashInfer is importable in the image, otherwise it falls to Triton and dies the same way.
 * vLLM 0.14 installs flashinfer-python 0.5.3 with it (the 0.14.1 environment in vllm-project/vllm#42587), so the
 * FlashInfer path is there unless the image leaves it out; what PAI's image holds is not published, hence a warning.
 */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import type { DeviceKind, EngineName } from '../catalog/engines';
import type { KvDtype } from '../sizing/types';
import type { TargetName } from '../spec/constants';

export interface Fp8KvGpuRule {
  readonly engine: string;
  /** Below this no attention backend of the engine can store an fp8 KV cache. */
  readonly minComputeCapability: number;
  /** From this on the GPU casts to fp8 e4m3 natively and every backend that lists fp8 works. */
  readonly nativeComputeCapability: number;
  readonly whyNone: string;
  readonly whyFlashInferOnly: string;
  readonly sources: readonly string[];
}

export const PAI_VLLM_FP8_KV: Fp8KvGpuRule = {
  engine: 'vLLM 0.14.0',
  minComputeCapability: 7.5,
  nativeComputeCapability: 8.9,
  whyNone:
    'FlashAttention 2 refuses an fp8 KV cache, FlashInfer needs compute capability 7.5, and the Triton backend it falls back to needs native fp8 e4m3 (8.9): the engine crashes at start-up (vllm-project/vllm#35720, V100)',
  whyFlashInferOnly:
    'stores an fp8 KV cache only through its FlashInfer attention backend below compute capability 8.9; if the image lacks FlashInfer it falls back to Triton, which needs native fp8 e4m3 and crashes at start-up (vllm-project/vllm#26431, RTX 3090)',
  sources: [
    'https://github.com/vllm-project/vllm/pull/35720',
    'https://github.com/vllm-project/vllm/issues/26431',
    'https://github.com/vllm-project/vllm/pull/24577',
    'https://docs.vllm.ai/en/v0.14.0/api/vllm/v1/attention/backends/triton_attn/',
  ],
};

export interface Fp8KvOnGpu {
  readonly computeCapability: number;
  readonly rule: Fp8KvGpuRule;
  /** The engine cannot start with an fp8 KV cache on this GPU. */
  readonly refused?: string;
  /** It starts only on one path (FlashInfer); the user should know. */
  readonly caveat?: string;
}

/** The engine build's fp8 KV-cache rule per GPU; undefined where none is recorded. */
export function fp8KvRule(target: TargetName, engine: EngineName | 'auto'): Fp8KvGpuRule | undefined {
  return target === 'alibaba' && (engine === 'vllm' || engine === 'auto') ? PAI_VLLM_FP8_KV : undefined;
}

/**
 * What an fp8 KV cache does on this accelerator under this engine; undefined where nothing is known against it.
 * `computeCapability` stands in for an uncataloged GPU (`fit --compute-capability`). @default the catalog's
 */
export function fp8KvCacheOnGpu(target: TargetName, engine: EngineName | 'auto', kvCacheDtype: KvDtype, accelerator: string | undefined, computeCapability?: number): Fp8KvOnGpu | undefined {
  if (kvCacheDtype !== 'fp8' || (!accelerator && computeCapability === undefined)) return undefined;
  const rule = fp8KvRule(target, engine);
  const cc = computeCapability ?? (accelerator ? acceleratorInfo(accelerator)?.computeCapability : undefined);
  if (!rule || cc === undefined || cc >= rule.nativeComputeCapability) return undefined;
  if (cc < rule.minComputeCapability) return { computeCapability: cc, rule, refused: rule.whyNone };
  return { computeCapability: cc, rule, caveat: rule.whyFlashInferOnly };
}

/** Why a pinned SageMaker container cannot take a KV-cache dtype the engine's capability table allows. */
export interface KvCacheDtypeBlock {
  readonly reason: string;
  readonly hint: string;
}

/**
 * The SageMaker containers' own limits on `acceleration.kvCacheDtype` (beyond the engine capability table, which
 * describes PAI-EAS's vLLM for `vllm`): plan (IS3106) and fit apply the same rule.
 */
export function awsKvCacheDtypeBlock(engine: EngineName, device: DeviceKind, kvCacheDtype: KvDtype): KvCacheDtypeBlock | undefined {
  if (kvCacheDtype === 'auto') return undefined;
  if (device === 'neuron') return { reason: 'the Neuron containers have no KV-cache dtype option', hint: 'remove acceleration.kvCacheDtype' };
  // Engine vllm on SageMaker is LMI's vLLM backend.
  if (engine === 'vllm') return { reason: 'LMI 0.30 does not pass kv_cache_dtype to vLLM', hint: 'remove acceleration.kvCacheDtype on aws, or use engine tgi or tensorrt-llm' };
  return undefined;
}
