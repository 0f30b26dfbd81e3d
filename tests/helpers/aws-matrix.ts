/**
 * The generated matrix of AWS specs (engines x accelerators x dtypes x quantization x modes, x KV-cache dtype and
 * speculative decoding for LLMs): one deployment per spec, not all valid. Used by the contract conformance test
 * (tests/contracts/aws-conformance.test.ts) and the direct cloud-assembly equality test (tests/aws/direct-assembly.test.ts).
 */
export interface Case {
  readonly name: string;
  readonly yaml: string;
}

const ACCELERATORS: Record<string, string> = {
  'nvidia-t4': 'resources: { accelerator: nvidia-t4, count: 1 }',
  'nvidia-a10g': 'resources: { accelerator: nvidia-a10g, count: 1 }',
  'nvidia-l4': 'resources: { accelerator: nvidia-l4, count: 1 }',
  'nvidia-a100': 'resources: { instanceType: ml.p4d.24xlarge }',
  'nvidia-h100': 'resources: { instanceType: ml.p5.48xlarge }',
  'aws-inferentia2': 'resources: { instanceType: ml.inf2.xlarge }',
  cpu: 'resources: { accelerator: cpu, cpu: 4, memory: 16Gi }',
};
const DTYPES = ['bf16', 'fp16', 'fp32'];
const QUANTIZATION = ['none', 'awq', '{ method: awq, preQuantized: true }', '{ method: gptq, preQuantized: true }', 'fp8', '{ method: fp8, preQuantized: true }'];
const EXTRAS = ['', '      kvCacheDtype: fp8\n', '      speculativeDecoding: { draftModel: "meta-llama/Llama-3.2-1B-Instruct", tokens: 4 }\n'];

export function llmCases(): Case[] {
  const out: Case[] = [];
  for (const engine of ['lmi', 'vllm', 'tgi', 'tensorrt-llm', 'auto'])
    for (const [accel, resources] of Object.entries(ACCELERATORS))
      for (const dtype of DTYPES)
        for (const q of QUANTIZATION)
          for (const extra of EXTRAS)
            for (const mode of ['realtime', 'async']) {
              out.push({
                name: `${engine} ${accel} ${dtype} ${q} ${extra.trim() || '-'} ${mode}`,
                yaml: `version: 1
deployments:
  m:
    model: { uri: s3://b/llama/, task: text-generation, family: llama3, parameters: 1B, dtype: ${dtype} }
    engine: ${engine}
    mode: ${mode}
${mode === 'async' ? '    async: { output: s3://b/out/ }\n' : ''}    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    acceleration:
      quantization: ${q}
${extra}    ${resources}
    targets: { aws: { region: us-east-1 } }
`,
              });
            }
  return out;
}

export function classicCases(): Case[] {
  const out: Case[] = [];
  const models: Record<string, string> = {
    sklearn: 'uri: s3://b/m/model.tar.gz, format: sklearn, entryPoint: inference.py',
    xgboost: 'uri: s3://b/m/model.tar.gz, format: xgboost',
    pytorch: 'uri: s3://b/m/model.tar.gz, format: pytorch, entryPoint: inference.py',
    tensorflow: 'uri: s3://b/m/model.tar.gz, format: tensorflow',
    triton: 'uri: s3://b/m/model.tar.gz, format: triton',
    embedding: 'uri: BAAI/bge-small-en-v1.5, format: huggingface, task: embedding',
    rerank: 'uri: s3://b/reranker/, format: huggingface, task: rerank',
  };
  const modes: Record<string, string> = {
    realtime: '',
    async: '    mode: async\n    async: { output: s3://b/out/ }\n',
    serverless: '    mode: serverless\n    serverless: { memory: 4Gi, maxConcurrency: 5 }\n',
    'multi-model': '    mode: multi-model\n',
    'scale-to-zero': '    scaling: { min: 0, max: 2, metric: invocations, target: 100 }\n',
  };
  for (const [kind, model] of Object.entries(models))
    for (const [accel, resources] of Object.entries(ACCELERATORS))
      for (const dtype of DTYPES)
        for (const [mode, modeYaml] of Object.entries(modes))
          for (const batching of ['', '    batching: { maxBatchSize: 8, maxDelay: 10ms }\n']) {
            const uri = mode === 'multi-model' ? model.replace('s3://b/m/model.tar.gz', 's3://b/m/') : model;
            out.push({
              name: `${kind} ${accel} ${dtype} ${mode}${batching ? ' batching' : ''}`,
              yaml: `version: 1
deployments:
  c:
    model: { ${uri}, dtype: ${dtype}, frameworkVersion: ${kind === 'sklearn' ? '"1.2-1"' : kind === 'xgboost' ? '"1.7-1"' : kind === 'pytorch' ? '"2.6.0"' : kind === 'tensorflow' ? '"2.14.1"' : '"1.0"'} }
${modeYaml}${batching}${mode === 'serverless' ? '' : `    ${resources}\n`}    targets: { aws: { region: us-east-1 } }
`.replace(/, frameworkVersion: "1.0"/, ''),
            });
          }
  return out;
}
