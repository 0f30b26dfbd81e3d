/** Benchmark specs: N LLM deployments on SageMaker (same shape as the baseline app), or N services on PAI-EAS. */
export function awsSpec(count: number): string {
  const lines = ['version: 1', 'defaults:', '  model: { format: huggingface, task: text-generation, family: qwen2, parameters: 7.6B, dtype: bf16 }', '  llm: { maxContextLength: 8192, maxConcurrentSequences: 8 }', '  resources: { instanceType: ml.g5.xlarge }', '  scaling: { min: 1, max: 4, metric: qps, target: 4 }', '  targets: { aws: { region: us-east-1 } }', 'deployments:'];
  for (let i = 0; i < count; i++) {
    const name = `llm-${String(i).padStart(4, '0')}`;
    lines.push(`  ${name}:`, `    model: { uri: "s3://bench-models/${name}/" }`, `    targets: { aws: { stackName: bench-${name} } }`);
  }
  return `${lines.join('\n')}\n`;
}

export function alibabaSpec(count: number, engine: 'vllm' | 'framework' = 'vllm'): string {
  const lines = ['version: 1', 'defaults:'];
  if (engine === 'vllm') lines.push('  model: { task: text-generation, family: qwen2, parameters: 7.6B }', '  engine: vllm', '  llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }', '  resources: { instanceType: ecs.gn7i-c16g1.4xlarge }');
  else lines.push('  model: { format: xgboost }');
  lines.push('  scaling: { min: 1, max: 3, metric: qps, target: 10 }', '  targets: { alibaba: { region: cn-hangzhou } }', 'deployments:');
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    lines.push(`  ${name}:`, `    model: { uri: "oss://bench-models/${name}/" }`);
  }
  return `${lines.join('\n')}\n`;
}
