/**
 * The dtype an engine serves in, which can differ from the dtype the weights are stored in: GPUs below compute
 * capability 8.0 (T4, V100) have no bf16, some engines will not run some model families in float16 there, and some
 * cannot run those families on such GPUs at all. What each pinned engine does is data below, with where it was read
 * (checked 2026-11-25). Both clouds use this: the emitters pass the result on (`OPTION_DTYPE`, `DTYPE`, `--dtype`),
 * sizing counts the weights in it, and the normalizer warns when it differs from model.dtype or errors when the
 * engine refuses.
 */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import type { DeviceKind, EngineName } from '../catalog/engines';
import { canonicalFamily } from '../catalog/models';
import type { QuantMethod, WeightDtype } from '../sizing';
import type { TargetName } from '../spec/schema';

/** Below this CUDA compute capability there is no bf16 (https://developer.nvidia.com/cuda-gpus, checked 2026-11-25). */
export const BF16_MIN_COMPUTE_CAPABILITY = 8.0;

/** What one pinned engine does with the dtype on a GPU without bf16. */
export interface DtypeBehaviour {
  /** Engine and version, as messages name it. */
  readonly engine: string;
  /** Below compute capability 8.0: bf16 weights are served in fp16 ('bf16'), or every dtype is (SGLang: 'all'). */
  readonly castWithoutBf16: 'bf16' | 'all';
  /** Quantization methods whose kernels take float16 activations only (vLLM's AWQ/GPTQ). */
  readonly fp16OnlyQuantization: readonly QuantMethod[];
  /**
   * Families the engine will not run in float16: without bf16 it serves them in float32 (and in bf16 for fp16
   * weights), which the kernels of `quantizedFp16Only` refuse.
   */
  readonly noFloat16?: { readonly families: readonly string[]; readonly why: string; readonly quantizedFp16Only: readonly QuantMethod[] };
  /** Families the engine cannot serve at all below compute capability 8.0. */
  readonly refusedWithoutBf16?: { readonly families: readonly string[]; readonly why: string };
  /** The lowest compute capability the engine starts on. */
  readonly minComputeCapability?: { readonly value: number; readonly why: string };
  /** Where the behaviour was read. */
  readonly sources: readonly string[];
}

/**
 * PAI-EAS `pai-eas/vllm:0.14.0-gpu`. `--dtype auto` resolves in vllm/config/model.py `_resolve_auto_dtype` from
 * `current_platform.supported_dtypes` (vllm/platforms/cuda.py: bf16, fp16, fp32 from 8.0; fp16, fp32 from 6.0)
 * minus the float16 of the model types in `_FLOAT16_NOT_SUPPORTED_MODELS` (gemma2, gemma3, gemma3_text, plamo2,
 * glm4: "Numerical instability"), warning "Your device ... doesn't support bfloat16. Falling back to ...". An
 * explicit `--dtype float16` for those model types raises ValueError in `_check_valid_dtype`. Introduced by
 * vllm-project/vllm#18751 (merged 2025-05); `_FLOAT16_NOT_SUPPORTED_MODELS` is in the v0.13.0 API reference.
 * The family `glm4` is counted in: GLM-4-0414 checkpoints have model_type glm4 (the older glm-4-9b-chat's
 * remote-code config says chatglm, which vLLM would serve in fp16; inferstack sizes the larger case).
 */
export const PAI_VLLM_DTYPE: DtypeBehaviour = {
  engine: 'vLLM 0.14.0',
  castWithoutBf16: 'bf16',
  fp16OnlyQuantization: [],
  noFloat16: { families: ['gemma2', 'gemma3', 'glm4'], why: 'vLLM does not run model types gemma2, gemma3 and glm4 in float16 (numerical instability)', quantizedFp16Only: ['awq', 'gptq'] },
  sources: [
    'vllm-project/vllm:vllm/config/model.py (_FLOAT16_NOT_SUPPORTED_MODELS, _resolve_auto_dtype, _check_valid_dtype)',
    'vllm-project/vllm:vllm/platforms/cuda.py (CudaPlatformBase.supported_dtypes)',
    'vllm-project/vllm:vllm/model_executor/layers/quantization/awq.py, gptq.py (get_supported_act_dtypes: torch.half; the Marlin variants that also take bf16 need 8.0)',
    'https://github.com/vllm-project/vllm/pull/18751 ([Core] Rework dtype resolution)',
    'https://docs.vllm.ai/en/v0.13.0/api/vllm/config/model/ (_FLOAT16_NOT_SUPPORTED_MODELS)',
  ],
};

/**
 * PAI-EAS `pai-eas/sglang:0.5.8-...-gpu`. ModelRunner.load_model: below sm80 "Use float16 due to lack of bfloat16
 * support" sets server_args.dtype and model_config.dtype to float16 whatever `--dtype` says, and raises "SGLang only
 * supports sm75 and above" when the minor version is below 5 (V100 is 7.0). SGLang has no float16 exclusion list.
 */
export const PAI_SGLANG_DTYPE: DtypeBehaviour = {
  engine: 'SGLang 0.5.8',
  castWithoutBf16: 'all',
  fp16OnlyQuantization: [],
  minComputeCapability: { value: 7.5, why: 'SGLang raises "SGLang only supports sm75 and above" at model load' },
  sources: ['sgl-project/sglang:python/sglang/srt/model_executor/model_runner.py (ModelRunner.load_model, "Compute capability below sm80. Use float16")'],
};

/**
 * LMI 0.30.0 (`djl-inference:0.30.0-lmi12.0.0`) ships vLLM 0.6.2 (djl-serving@0.30.0-dlc serving/docker/lmi.Dockerfile
 * vllm_wheel). vLLM 0.6.2 refuses bf16 below 8.0 ("Bfloat16 is only supported on GPUs with compute capability of at
 * least 8.0"), so it is told fp16; it has no float16 exclusion list (that came with vllm#18751). Below 8.0 it falls
 * back from FlashAttention to XFormers, which raises "XFormers does not support attention logits soft capping" for
 * Gemma 2 (vllm-project/vllm#8929 on a T4, #9922 with dtype half; soft-capping on XFormers came with vllm#11252).
 */
export const LMI_VLLM_DTYPE: DtypeBehaviour = {
  engine: 'LMI 0.30.0 (vLLM 0.6.2)',
  castWithoutBf16: 'bf16',
  fp16OnlyQuantization: ['awq', 'gptq'],
  refusedWithoutBf16: { families: ['gemma2'], why: "vLLM 0.6.2 runs the XFormers attention backend below compute capability 8.0, which cannot apply Gemma 2's attention logit soft-capping" },
  sources: [
    'deepjavalibrary/djl-serving@0.30.0-dlc:serving/docker/lmi.Dockerfile (vllm-0.6.2+cu124 wheel)',
    'https://github.com/vllm-project/vllm/issues/8929 (XFormers does not support attention logits soft capping, T4)',
    'https://github.com/vllm-project/vllm/pull/11252 (soft-capping on XFormers, after 0.6.2)',
  ],
};

/**
 * TGI 3.3.6 (`huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6`) takes `--dtype` float16 or bfloat16 only. Below 8.0
 * it imports flash-attention v1 (layers/attention/cuda.py: "FlashAttention only supports Ampere GPUs or newer"),
 * whose path raises "window_size_left is only available with flash attn v2" and "softcap is not available in flash
 * attn v1": Gemma 2 and Gemma 3 (sliding-window layers; Gemma 2 soft-capping) cannot run there.
 */
export const TGI_DTYPE: DtypeBehaviour = {
  engine: 'TGI 3.3.6',
  castWithoutBf16: 'bf16',
  fp16OnlyQuantization: [],
  refusedWithoutBf16: { families: ['gemma2', 'gemma3'], why: 'below compute capability 8.0 TGI falls back to flash-attention v1, which has no sliding-window attention or soft-capping' },
  sources: [
    'huggingface/text-generation-inference@v3.3.6:server/text_generation_server/layers/attention/cuda.py (V2 only from 8.0; the v1 path raises on window_size_left and softcap)',
    'huggingface/text-generation-inference@v3.3.6:Dockerfile (flash-att-builder: flash-attention v1 is in the image)',
    'huggingface/text-generation-inference@v3.3.6:server/text_generation_server/models/custom_modeling/flash_gemma2_modeling.py, flash_gemma3_modeling.py (sliding window, softcap)',
  ],
};

/** TensorRT-LLM (LMI 0.33.0): told fp16 below 8.0, as before; no family-specific behaviour is known. */
export const TRTLLM_DTYPE: DtypeBehaviour = {
  engine: 'TensorRT-LLM 0.21.0',
  castWithoutBf16: 'bf16',
  fp16OnlyQuantization: [],
  sources: ['https://developer.nvidia.com/cuda-gpus'],
};

/**
 * The behaviour of the engine a deployment runs, or undefined where the dtype is passed as stored: Neuron devices,
 * non-LLM engines, and BladeLLM (PAI-EAS runs it on A-, H- and L-series GPUs only, all with bf16; its docs say
 * nothing of dtype fallbacks).
 */
export function dtypeBehaviour(target: TargetName, engine: EngineName | 'auto', device: DeviceKind): DtypeBehaviour | undefined {
  if (device !== 'nvidia') return undefined;
  if (target === 'alibaba') {
    if (engine === 'vllm' || engine === 'auto') return PAI_VLLM_DTYPE;
    return engine === 'sglang' ? PAI_SGLANG_DTYPE : undefined;
  }
  if (engine === 'lmi' || engine === 'vllm' || engine === 'auto') return LMI_VLLM_DTYPE;
  if (engine === 'tgi') return TGI_DTYPE;
  return engine === 'tensorrt-llm' ? TRTLLM_DTYPE : undefined;
}

export interface ServingDtype {
  readonly dtype: WeightDtype;
  /** Why it differs from the stored dtype; undefined when it does not. */
  readonly reason?: string;
  /** Why the engine cannot serve the model on this accelerator at all; undefined when it can. */
  readonly refused?: string;
}

export interface ServingDtypeInput {
  readonly stored: WeightDtype;
  readonly accelerator: string | undefined;
  readonly quantization: QuantMethod;
  readonly family: string | undefined;
  readonly behaviour: DtypeBehaviour | undefined;
  /** The GPU's compute capability when it is not a cataloged accelerator (`fit --compute-capability`). @default the catalog's */
  readonly computeCapability?: number;
}

const TORCH_NAMES: Record<WeightDtype, string> = { bf16: 'bfloat16', fp16: 'float16', fp32: 'float32' };

export function servingDtype(input: ServingDtypeInput): ServingDtype {
  const { stored, behaviour: b } = input;
  if (!b) return { dtype: stored };
  const cc = input.computeCapability ?? (input.accelerator ? acceleratorInfo(input.accelerator)?.computeCapability : undefined);
  const family = canonicalFamily(input.family);
  const noBf16 = cc !== undefined && cc < BF16_MIN_COMPUTE_CAPABILITY;
  const gpu = `${input.accelerator ?? 'the GPU'} has compute capability ${cc?.toFixed(1)}`;
  if (b.minComputeCapability && cc !== undefined && cc < b.minComputeCapability.value) {
    return { dtype: stored, refused: `${gpu}; ${b.engine} needs ${b.minComputeCapability.value} or more (${b.minComputeCapability.why})` };
  }
  if (noBf16 && family && b.refusedWithoutBf16?.families.includes(family)) {
    return { dtype: stored, refused: `${gpu}, and ${b.refusedWithoutBf16.why}` };
  }
  if (stored === 'bf16' && b.fp16OnlyQuantization.includes(input.quantization)) {
    return { dtype: 'fp16', reason: `${input.quantization.toUpperCase()} kernels take float16 activations only` };
  }
  const below = `${gpu}, below the ${BF16_MIN_COMPUTE_CAPABILITY.toFixed(1)} that bf16 needs`;
  if (family && b.noFloat16?.families.includes(family)) {
    if (noBf16 && b.noFloat16.quantizedFp16Only.includes(input.quantization)) {
      return { dtype: stored, refused: `${gpu}, ${b.noFloat16.why}, so it would serve ${family} in float32, which the ${input.quantization.toUpperCase()} kernels refuse (float16 activations only)` };
    }
    if (noBf16 && stored !== 'fp32') {
      return { dtype: 'fp32', reason: `${below}, and ${b.noFloat16.why}: it serves ${family} in float32, which doubles the weight memory` };
    }
    if (!noBf16 && stored === 'fp16') return { dtype: 'bf16', reason: `${b.noFloat16.why}: it serves ${family} in bfloat16` };
    return { dtype: stored };
  }
  if (noBf16 && (stored === 'bf16' || (b.castWithoutBf16 === 'all' && stored === 'fp32'))) {
    return { dtype: 'fp16', reason: b.castWithoutBf16 === 'all' ? `${below}; ${b.engine} serves every model in float16 there` : below };
  }
  return { dtype: stored };
}

/** The fix when an engine refuses a GPU without bf16: instance types of the same cloud that have it. */
export function needsBf16GpuHint(target: TargetName): string {
  const examples = target === 'aws' ? 'ml.g5 (A10G), ml.g6 (L4), ml.p4d (A100)' : 'ecs.gn7i (A10), ecs.gn7 / gn7e (A100)';
  return `use an instance whose GPU has compute capability ${BF16_MIN_COMPUTE_CAPABILITY.toFixed(1)} or more: ${examples}`;
}

/** vLLM's and SGLang's `--dtype` spelling of a weight dtype. */
export function torchDtypeName(dtype: WeightDtype): string {
  return TORCH_NAMES[dtype];
}

/** The serving dtype of a normalized deployment on its chosen instance. */
export function deploymentServingDtype(ir: {
  readonly target: TargetName;
  readonly model: { readonly dtype: WeightDtype; readonly family?: string };
  readonly engine: { readonly name: EngineName; readonly device: DeviceKind };
  readonly instance?: { readonly accelerator: string };
  readonly quantization: { readonly method: QuantMethod };
}): ServingDtype {
  return servingDtype({
    stored: ir.model.dtype,
    accelerator: ir.instance?.accelerator,
    quantization: ir.quantization.method,
    family: ir.model.family,
    behaviour: dtypeBehaviour(ir.target, ir.engine.name, ir.engine.device),
  });
}
