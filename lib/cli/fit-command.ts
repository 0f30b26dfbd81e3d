/**
 * `inferstack fit` in the command registry: the memory model without a spec. It parses its own arguments
 * (lib/commands/fit.ts); this definition gives it its place in `help`, with options and examples.
 */
import type { CliServices } from './builtin-commands';
import type { CommandDefinition, OptionDefinition } from './registry';

const option = (name: string, placeholder: string, description: string, defaultText?: string): OptionDefinition => ({ name, type: 'string', placeholder, description, ...(defaultText ? { defaultText } : {}) });

export const fitCommand: CommandDefinition<CliServices> = {
  name: 'fit',
  summary: 'the memory model without a spec: per-device breakdown, KV tokens, concurrency; exit 0 fits, 1 not',
  arguments: [],
  options: [
    option('parameters', 'N', 'parameter count, e.g. 8.03B (required)'),
    option('family', 'NAME', 'a known family (qwen2, llama3, mistral, ...) instead of --layers/--kv-heads/--head-dim'),
    option('layers', 'N', 'transformer layers'),
    option('kv-heads', 'N', 'key/value heads'),
    option('head-dim', 'N', 'size of one attention head'),
    option('dtype', 'bf16|fp16|fp32', 'weights as stored', 'bf16'),
    option('quantization', 'METHOD', 'none, awq, gptq, fp8, int8 or int4', 'none'),
    option('kv-cache-dtype', 'auto|fp8|int8', 'KV cache element type', 'auto'),
    option('engine', 'NAME', 'vllm, sglang, tgi, lmi or bladellm (each reserves memory differently)'),
    option('accelerator', 'NAME', 'a catalog accelerator, e.g. nvidia-a10g (or --gpu-memory)'),
    option('gpu-memory', 'SIZE', 'memory per device as the driver reports it, e.g. 23.58Gi'),
    option('compute-capability', 'X.Y', 'with --gpu-memory: the GPU\'s CUDA compute capability, so the served dtype and fp8 KV-cache support are checked as for a cataloged GPU (unchecked without it)'),
    option('target', 'aws|alibaba', 'whose engine build\'s GPU rules apply (dtype served, fp8 KV cache): the only cloud that runs the engine; vllm runs on both (alibaba: PAI-EAS vLLM 0.14.0; aws: LMI 0.30.0\'s vLLM 0.6.2)', 'alibaba for vllm'),
    option('count', 'N', 'accelerators', '1'),
    option('gpu-memory-utilization', 'F', 'the engine\'s memory fraction (vLLM gpu_memory_utilization)', 'the engine\'s default'),
    option('context', 'N', 'context length in tokens: 16384 or 16k (required)'),
    option('max-batched-tokens', 'N', 'tokens per scheduler step (vLLM max_num_batched_tokens): the profiling pass', 'the engine\'s default'),
    option('max-num-seqs', 'N', 'sequences per step (vLLM max_num_seqs; plan passes llm.maxConcurrentSequences): the start-up sampler pass', 'vLLM\'s default (256 on most GPUs)'),
    option('prices', 'FILE', 'your own price table'),
  ],
  examples: ['inferstack fit --parameters 7.6B --family qwen2 --accelerator nvidia-a10g --context 8192', 'inferstack fit --parameters 70B --family llama3 --gpu-memory 79.1Gi --count 4 --context 32k --output json'],
  ownArguments: true,
  async run(ctx) {
    const { fit, FitUsageError, FIT_USAGE, fitJson, parseFitArgs, renderFitText } = await import('../commands/fit');
    try {
      const r = fit(parseFitArgs([...ctx.argv]));
      process.stdout.write(r.request.json ? `${JSON.stringify(fitJson(r), null, 2)}\n` : `${renderFitText(r)}\n`);
      return r.memory.fits ? 0 : 1;
    } catch (err) {
      if (!(err instanceof FitUsageError)) throw err;
      process.stderr.write(`inferstack fit: ${err.message}\n\n${FIT_USAGE}\n`);
      return 2;
    }
  },
};
