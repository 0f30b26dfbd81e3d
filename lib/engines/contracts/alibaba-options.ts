/**
 * IR -> what a PAI-EAS serving container is told: the program, its flags and environment variables, each
 * taken from the engine's pinned contract and tagged with the spec field it comes from. `container.args` and
 * `container.env` given by the user replace an option the contract sets (one value, the user's); the
 * normalizer reports each replacement as a warning, the emitter writes the merged result.
 */
import instances from '../../catalog/data/alibaba-instances.json';
import type { DeploymentIR } from '../../ir';
import { deploymentServingDtype, torchDtypeName } from '../dtype';
import type { EngineContract } from '../contract';
import { ALIBABA_BLADELLM_CONTRACT } from './alibaba-bladellm';
import { ALIBABA_SGLANG_CONTRACT } from './alibaba-sglang';
import { ALIBABA_VLLM_CONTRACT, VLLM_HEALTH_PATH, VLLM_READINESS_PATH } from './alibaba-vllm';

export const MODEL_MOUNT = '/model_dir';
export const DRAFT_MOUNT = '/draft_dir';
export const MODELSCOPE_SCHEME = 'modelscope://';

export interface EngineOption {
  readonly name: string;
  /** Undefined for a switch (`--trust-remote-code`). */
  readonly value?: string;
  /** The spec field the value comes from (named in override warnings). */
  readonly from: string;
}

export interface EngineLaunch {
  readonly contract: EngineContract;
  /** The program and its positional arguments, before any flag. */
  readonly program: readonly string[];
  readonly flags: readonly EngineOption[];
  readonly env: readonly EngineOption[];
  readonly healthPath: string;
  readonly readinessPath?: string;
}

/** Engines whose container command inferstack writes on PAI-EAS (`tei` is served by vLLM in pooling mode). */
export function hasAlibabaLaunch(engine: string): boolean {
  return engine === 'vllm' || engine === 'bladellm' || engine === 'sglang' || engine === 'tei';
}

const interconnect = (instances as { gpuInterconnect: Record<string, string> }).gpuInterconnect;

/**
 * NCCL peer-to-peer is switched off only where it is broken: A10 GPUs on PCIe (gn7i, ml.gu7i). NVLink machines
 * (gn6v/gn6e V100, gn7/gn7e A100) keep P2P, which their tensor parallelism depends on for speed.
 */
export function ncclP2pBroken(ir: DeploymentIR): boolean {
  const inst = ir.instance;
  return !!inst && inst.count > 1 && ir.tensorParallel > 1 && interconnect[inst.family] === 'pcie' && inst.accelerator === 'nvidia-a10';
}

export function isModelScope(uri: string | undefined): boolean {
  return !!uri && uri.startsWith(MODELSCOPE_SCHEME);
}

/** Where the engine finds weights: the mount for OSS/NAS, else the hub id without its scheme. */
export function containerModelPath(uri: string, mount: string): string {
  if (uri.startsWith('oss://') || uri.startsWith('nas://') || uri.startsWith('nfs://') || uri.startsWith('http://') || uri.startsWith('https://')) return mount;
  return uri.replace(/^hf:\/\//, '').replace(/^modelscope:\/\//, '');
}

function usesModelScope(ir: DeploymentIR): boolean {
  return isModelScope(ir.model.uri) || isModelScope(ir.speculative?.draftModel);
}

function draftPath(ir: DeploymentIR): string | undefined {
  const draft = ir.speculative?.draftModel;
  return draft ? containerModelPath(draft, DRAFT_MOUNT) : undefined;
}

function opt(name: string, value: string | number | undefined, from: string): EngineOption {
  return value === undefined ? { name, from } : { name, value: String(value), from };
}

function commonEnv(ir: DeploymentIR, modelScopeVar?: { name: string; value: string }): EngineOption[] {
  const env: EngineOption[] = [];
  if (ncclP2pBroken(ir)) env.push(opt('NCCL_P2P_DISABLE', '1', `tensorParallel ${ir.tensorParallel} on ${ir.instance!.type} (PCIe A10)`));
  if (modelScopeVar && usesModelScope(ir)) env.push(opt(modelScopeVar.name, modelScopeVar.value, 'model.uri modelscope://'));
  return env;
}

/** `--dtype` where the engine serves another dtype than the weights' on this GPU (vLLM's and SGLang's spelling). */
function dtypeFlag(ir: DeploymentIR): EngineOption[] {
  const served = deploymentServingDtype(ir);
  return served.reason ? [opt('--dtype', torchDtypeName(served.dtype), `model.dtype ${ir.model.dtype} (served as ${served.dtype} on ${ir.instance?.accelerator})`)] : [];
}

/** Load-time quantization only: a pre-quantized checkpoint's quantization_config is read by the engine itself. */
function runtimeQuantization(ir: DeploymentIR): string | undefined {
  return ir.quantization.method === 'fp8' && !ir.quantization.preQuantized ? 'fp8' : undefined;
}

function vllmLaunch(ir: DeploymentIR): EngineLaunch {
  const flags: EngineOption[] = [opt('--host', '0.0.0.0', 'fixed'), opt('--port', ir.engine.port, 'container.port'), opt('--served-model-name', ir.name, 'deployment name')];
  const pooling = ir.engine.name === 'tei';
  if (pooling) {
    flags.push(opt('--runner', 'pooling', `model.task ${ir.model.task}`));
    if (ir.tensorParallel > 1) flags.push(opt('--tensor-parallel-size', ir.tensorParallel, 'acceleration.tensorParallel'));
  } else {
    const llm = ir.llm!;
    flags.push(opt('--tensor-parallel-size', ir.tensorParallel, 'acceleration.tensorParallel'));
    flags.push(opt('--max-model-len', llm.maxContextLength, 'llm.maxContextLength'));
    flags.push(opt('--max-num-seqs', llm.maxConcurrentSequences, 'llm.maxConcurrentSequences'));
    flags.push(opt('--gpu-memory-utilization', llm.gpuMemoryUtilization, 'llm.gpuMemoryUtilization'));
    if (llm.maxBatchedTokens !== undefined) flags.push(opt('--max-num-batched-tokens', llm.maxBatchedTokens, 'llm.maxBatchedTokens'));
    flags.push(opt(llm.prefixCaching ? '--enable-prefix-caching' : '--no-enable-prefix-caching', undefined, 'llm.prefixCaching'));
  }
  if (ir.model.trustRemoteCode) flags.push(opt('--trust-remote-code', undefined, 'model.trustRemoteCode'));
  flags.push(...dtypeFlag(ir));
  const quant = runtimeQuantization(ir);
  if (quant) flags.push(opt('--quantization', quant, 'acceleration.quantization'));
  if (ir.kvCacheDtype !== 'auto') flags.push(opt('--kv-cache-dtype', ir.kvCacheDtype, 'acceleration.kvCacheDtype'));
  if (ir.speculative) {
    const config: Record<string, unknown> = { num_speculative_tokens: ir.speculative.tokens };
    // vLLM's SpeculativeConfig names the method; a separate draft model is "draft_model" (docs: speculative_decoding/draft_model).
    config.method = ir.speculative.method === 'eagle' ? 'eagle' : 'draft_model';
    const draft = draftPath(ir);
    if (draft) config.model = draft;
    flags.push(opt('--speculative-config', JSON.stringify(config), 'acceleration.speculative'));
  }
  return {
    contract: ALIBABA_VLLM_CONTRACT,
    program: ['vllm', 'serve', containerModelPath(ir.model.uri, MODEL_MOUNT)],
    flags,
    env: commonEnv(ir, { name: 'VLLM_USE_MODELSCOPE', value: 'True' }),
    healthPath: VLLM_HEALTH_PATH,
    ...(pooling ? {} : { readinessPath: VLLM_READINESS_PATH }),
  };
}

const KV_BLADE: Record<string, string> = { fp8: 'fp8_e4m3', int8: 'int8', int4: 'int4' };

function bladeLaunch(ir: DeploymentIR): EngineLaunch {
  const llm = ir.llm!;
  const flags: EngineOption[] = [
    opt('--host', '0.0.0.0', 'fixed'),
    opt('--port', ir.engine.port, 'container.port'),
    opt('--model', containerModelPath(ir.model.uri, MODEL_MOUNT), 'model.uri'),
    opt('--tensor_parallel_size', ir.tensorParallel, 'acceleration.tensorParallel'),
    opt('--max_gpu_memory_utilization', llm.gpuMemoryUtilization, 'llm.gpuMemoryUtilization'),
  ];
  if (llm.maxBatchedTokens !== undefined) flags.push(opt('--ragged_flash_max_batch_tokens', llm.maxBatchedTokens, 'llm.maxBatchedTokens'));
  if (!llm.prefixCaching) flags.push(opt('--disable_prompt_cache', undefined, 'llm.prefixCaching'));
  if (ir.kvCacheDtype !== 'auto') flags.push(opt('--kv_cache_quant', KV_BLADE[ir.kvCacheDtype], 'acceleration.kvCacheDtype'));
  if (ir.speculative?.method === 'draft') {
    flags.push(opt('--decode_algo', 'sps', 'acceleration.speculative.method'), opt('--gamma', ir.speculative.tokens, 'acceleration.speculative.tokens'));
    const draft = draftPath(ir);
    if (draft) flags.push(opt('--draft.model', draft, 'acceleration.speculative.draftModel'));
  } else if (ir.speculative?.method === 'lookahead') {
    flags.push(opt('--decode_algo', 'look_ahead', 'acceleration.speculative.method'));
  }
  return { contract: ALIBABA_BLADELLM_CONTRACT, program: ['blade_llm_server'], flags, env: commonEnv(ir), healthPath: '/health', readinessPath: '/v1/models' };
}

function sglangLaunch(ir: DeploymentIR): EngineLaunch {
  const llm = ir.llm!;
  const flags: EngineOption[] = [
    opt('--model-path', containerModelPath(ir.model.uri, MODEL_MOUNT), 'model.uri'),
    opt('--host', '0.0.0.0', 'fixed'),
    opt('--port', ir.engine.port, 'container.port'),
    opt('--served-model-name', ir.name, 'deployment name'),
    opt('--tp', ir.tensorParallel, 'acceleration.tensorParallel'),
    opt('--context-length', llm.maxContextLength, 'llm.maxContextLength'),
    opt('--max-running-requests', llm.maxConcurrentSequences, 'llm.maxConcurrentSequences'),
    opt('--mem-fraction-static', llm.gpuMemoryUtilization, 'llm.gpuMemoryUtilization'),
  ];
  if (llm.maxBatchedTokens !== undefined) flags.push(opt('--chunked-prefill-size', llm.maxBatchedTokens, 'llm.maxBatchedTokens'));
  if (ir.model.trustRemoteCode) flags.push(opt('--trust-remote-code', undefined, 'model.trustRemoteCode'));
  if (!llm.prefixCaching) flags.push(opt('--disable-radix-cache', undefined, 'llm.prefixCaching'));
  flags.push(...dtypeFlag(ir));
  const quant = runtimeQuantization(ir);
  if (quant) flags.push(opt('--quantization', quant, 'acceleration.quantization'));
  if (ir.kvCacheDtype === 'fp8') flags.push(opt('--kv-cache-dtype', 'fp8_e5m2', 'acceleration.kvCacheDtype'));
  if (ir.speculative) {
    flags.push(opt('--speculative-algorithm', ir.speculative.method === 'eagle' ? 'EAGLE' : 'STANDALONE', 'acceleration.speculative.method'));
    const draft = draftPath(ir);
    if (draft) flags.push(opt('--speculative-draft-model-path', draft, 'acceleration.speculative.draftModel'));
    flags.push(opt('--speculative-num-draft-tokens', ir.speculative.tokens, 'acceleration.speculative.tokens'));
  }
  return {
    contract: ALIBABA_SGLANG_CONTRACT,
    program: ['python', '-m', 'sglang.launch_server'],
    flags,
    env: commonEnv(ir, { name: 'SGLANG_USE_MODELSCOPE', value: 'true' }),
    healthPath: '/health',
    readinessPath: '/v1/models',
  };
}

/** The launch of a contract-driven engine, or undefined for processors and custom images. */
export function alibabaEngineLaunch(ir: DeploymentIR): EngineLaunch | undefined {
  switch (ir.engine.name) {
    case 'vllm':
    case 'tei':
      return vllmLaunch(ir);
    case 'bladellm':
      return bladeLaunch(ir);
    case 'sglang':
      return sglangLaunch(ir);
    default:
      return undefined;
  }
}

/** Spellings argparse treats as the same option (negated switches, aliases, vLLM's `_`/`-` equivalence). */
const ALIASES: Record<string, ReadonlyArray<readonly string[]>> = {
  'alibaba/vllm': [['--enable-prefix-caching', '--no-enable-prefix-caching'], ['--tensor-parallel-size', '-tp']],
  'alibaba/sglang': [['--tp', '--tp-size', '--tensor-parallel-size']],
  'alibaba/bladellm': [['--tensor_parallel_size', '-tp']],
};

function canonicalFlag(contract: EngineContract, flag: string): string {
  // vLLM's FlexibleArgumentParser accepts --max_model_len for --max-model-len.
  const name = contract.id === 'alibaba/vllm' && flag.startsWith('--') ? `--${flag.slice(2).replace(/_/g, '-')}` : flag;
  for (const group of ALIASES[contract.id] ?? []) if (group.includes(name)) return group[0]!;
  return name;
}

function isSwitch(contract: EngineContract, canonical: string): boolean {
  const option = contract.options.find((o) => o.kind === 'flag' && canonicalFlag(contract, o.name) === canonical);
  return option?.type === 'bool';
}

/** The options `args` sets, by canonical flag name: the spelling given and the value ('' for a switch). */
export function userFlags(contract: EngineContract, args: readonly string[]): Map<string, { readonly spelling: string; readonly value: string }> {
  const found = new Map<string, { spelling: string; value: string }>();
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!/^--?[A-Za-z]/.test(word)) continue;
    const eq = word.indexOf('=');
    const spelling = eq > 0 ? word.slice(0, eq) : word;
    const name = canonicalFlag(contract, spelling);
    let value = '';
    if (eq > 0) value = word.slice(eq + 1);
    else if (!isSwitch(contract, name) && i + 1 < args.length && !/^--?[A-Za-z]/.test(args[i + 1]!)) value = args[++i]!;
    found.set(name, { spelling, value });
  }
  return found;
}

export interface Override {
  readonly kind: 'flag' | 'env';
  /** The option as the contract emits it. */
  readonly name: string;
  /** The option as the user spelled it (`--max_model_len`, `--no-enable-prefix-caching`). */
  readonly userName: string;
  /** The spec field whose value the user's replaces. */
  readonly from: string;
  readonly engineValue?: string;
  readonly userValue: string;
}

export interface MergedLaunch {
  readonly words: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly overridden: readonly Override[];
}

/**
 * The container command and environment: the contract's options, minus those `container.args`/`container.env`
 * set, followed by the user's args. Every option appears once, with the user's value where both set it.
 */
export function mergeLaunch(launch: EngineLaunch, userArgs: readonly string[], userEnv: Readonly<Record<string, string>>): MergedLaunch {
  const given = userFlags(launch.contract, userArgs);
  const overridden: Override[] = [];
  const words: string[] = [...launch.program];
  for (const f of launch.flags) {
    const key = canonicalFlag(launch.contract, f.name);
    const user = given.get(key);
    if (user) {
      overridden.push({ kind: 'flag', name: f.name, userName: user.spelling, from: f.from, ...(f.value !== undefined ? { engineValue: f.value } : {}), userValue: user.value });
      continue;
    }
    words.push(f.name);
    if (f.value !== undefined) words.push(f.value);
  }
  words.push(...userArgs);
  const env: Record<string, string> = {};
  for (const e of launch.env) {
    if (e.name in userEnv) {
      overridden.push({ kind: 'env', name: e.name, userName: e.name, from: e.from, ...(e.value !== undefined ? { engineValue: e.value } : {}), userValue: userEnv[e.name]! });
      continue;
    }
    env[e.name] = e.value ?? '';
  }
  return { words, env: { ...env, ...userEnv }, overridden };
}

/** Options as the conformance check reads them: flag -> value ('' for a switch). */
