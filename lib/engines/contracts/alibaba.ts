/** The PAI-EAS engine contracts (one per pinned image) and the launch builder that uses them. */
import type { EngineContract } from '../contract';
import { ALIBABA_BLADELLM_CONTRACT } from './alibaba-bladellm';
import { ALIBABA_PROCESSOR_CONTRACT } from './alibaba-processors';
import { ALIBABA_SGLANG_CONTRACT } from './alibaba-sglang';
import { ALIBABA_VLLM_CONTRACT } from './alibaba-vllm';

export * from './alibaba-bladellm';
export * from './alibaba-options';
export * from './alibaba-processors';
export * from './alibaba-sglang';
export * from './alibaba-vllm';

export const ALIBABA_CONTRACTS: readonly EngineContract[] = [ALIBABA_VLLM_CONTRACT, ALIBABA_BLADELLM_CONTRACT, ALIBABA_SGLANG_CONTRACT, ALIBABA_PROCESSOR_CONTRACT];
