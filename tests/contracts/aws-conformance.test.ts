/**
 * Conformance of everything inferstack tells a SageMaker serving container with the pinned engine contracts:
 * every AWS example (from the synthesized templates) and a generated matrix of engines x accelerators x dtypes x
 * quantization x modes (x KV-cache dtype and speculative decoding for LLMs). It fails when an emitted option is
 * not read by the pinned container, a value is outside what the container accepts, or a rule between options is
 * broken; and when a contract option has no source.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compileSpecFile, compileSpecText } from '../../lib/compile';
import { AWS_CONTRACTS, contractViolations, EngineContract } from '../../lib/engines';
import { awsContainerOptions, needsOptimizationJob } from '../../lib/engines/aws-options';
import type { DeploymentIR } from '../../lib/ir';
import { planJob } from '../../providers/aws/ahead-of-time-job';
import { engineEnvironment } from '../../providers/aws/containers';
import { stacksFor } from '../aws/helpers';
import { EXAMPLES } from '../helpers/paths';
import { classicCases, llmCases } from '../helpers/aws-matrix';

const exercised = new Set<string>();

/** What inferstack chose to emit: the container's environment without the user's container.env and secrets. */
function emitted(ir: DeploymentIR, env: Record<string, string>): Record<string, string> {
  const users = new Set([...Object.keys(ir.engine.env), ...(ir.secrets ?? []).map((s) => s.name)]);
  return Object.fromEntries(Object.entries(env).filter(([k]) => !users.has(k)));
}

function violations(ir: DeploymentIR, env: Record<string, string>): string[] {
  const options = awsContainerOptions(ir);
  if (!options) return [];
  exercised.add(options.contract.id);
  return contractViolations(options.contract, emitted(ir, env), 'env');
}

/** The optimization job's override environment is read by the same LMI container. */
function jobViolations(ir: DeploymentIR): string[] {
  const plan = needsOptimizationJob(ir) ? planJob(ir) : undefined;
  const configs = (plan?.request as { OptimizationConfigs?: Array<Record<string, { OverrideEnvironment?: Record<string, string> }>> } | undefined)?.OptimizationConfigs ?? [];
  const contract = awsContainerOptions(ir)?.contract;
  if (!contract) return [];
  // Names and values; the rules describe a whole serving environment, which one job config is not.
  return configs.flatMap((c) => Object.values(c).flatMap((v) => contractViolations({ ...contract, rules: [] }, v.OverrideEnvironment ?? {}, 'env').map((p) => `job: ${p}`)));
}

describe('every AWS example gives its containers only what the pinned containers read', () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    const r = compileSpecFile(path.join(EXAMPLES, file));
    const aws = r.deployments.filter((d) => d.target === 'aws');
    if (aws.length === 0) continue;
    it(file, () => {
      const stacks = stacksFor(aws);
      aws.forEach((ir, i) => {
        const models = Template.fromStack(stacks[i]!).findResources('AWS::SageMaker::Model') as Record<string, { Properties: { PrimaryContainer?: { Environment?: Record<string, string> }; Containers?: Array<{ ContainerHostname: string; Environment?: Record<string, string> }> } }>;
        for (const model of Object.values(models)) {
          const container = model.Properties.PrimaryContainer ?? model.Properties.Containers!.find((c) => c.ContainerHostname === 'model')!;
          expect(violations(ir, container.Environment ?? {}), file).toEqual([]);
        }
        expect(jobViolations(ir), file).toEqual([]);
      });
    });
  }
});

describe('a generated matrix of engines x accelerators x dtypes x quantization x modes conforms to the contracts', () => {
  const cases = [...llmCases(), ...classicCases()];
  it(`${cases.length} specs: every one that compiles gives its container only contract options, within the rules`, () => {
    let compiled = 0;
    const problems: string[] = [];
    for (const c of cases) {
      const r = compileSpecText('matrix.yaml', c.yaml);
      if (!r.ok) continue;
      for (const ir of r.deployments) {
        compiled++;
        problems.push(...violations(ir, engineEnvironment(ir)).map((p) => `${c.name}: ${p}`));
        problems.push(...jobViolations(ir).map((p) => `${c.name}: ${p}`));
      }
    }
    expect(problems).toEqual([]);
    expect(compiled).toBeGreaterThan(300);
  });
  it('covers every AWS contract (engine x device pair)', () => {
    expect([...exercised].sort()).toEqual(AWS_CONTRACTS.map((c) => c.id).sort());
  });
});

describe('contract data', () => {
  const all: EngineContract[] = [...AWS_CONTRACTS];
  it.each(all.map((c) => [c.id, c] as const))('%s: every option and rule names its public source and the date checked', (_id, contract) => {
    expect(contract.target).toBe('aws');
    for (const item of [...contract.options, ...contract.rules]) {
      expect(item.source.ref, 'name' in item ? item.name : item.id).toMatch(/^([\w.-]+\/[\w.-]+@[\w.-]+:\S+|https:\/\/\S+)$/);
      expect(item.source.checked).toBe('2026-11-25');
      expect(item.source.ref).not.toMatch(/shared|reference\.md/);
    }
    expect(new Set(contract.options.map((o) => o.name)).size).toBe(contract.options.length);
  });
  it('the checker catches what the old emitters did', () => {
    const tgi = all.find((c) => c.id === 'aws/tgi')!;
    expect(contractViolations(tgi, { HF_MODEL_ID: '/opt/ml/model', MAX_INPUT_TOKENS: '6144', MAX_TOTAL_TOKENS: '8192', DTYPE: 'float16', HF_MODEL_QUANTIZE: 'awq', MAX_BATCH_TOTAL_TOKENS: '98304' }, 'env').join('\n')).toMatch(/MAX_BATCH_TOTAL_TOKENS is not read[\s\S]*dtype-xor-quantize/);
    const lmi = all.find((c) => c.id === 'aws/lmi-vllm')!;
    expect(contractViolations(lmi, { OPTION_ROLLING_BATCH: 'vllm', OPTION_DTYPE: 'bf16', OPTION_QUANTIZE: 'awq', OPTION_SPECULATIVE_DRAFT_MODEL: 's3://b/d/', OPTION_KV_CACHE_DTYPE: 'fp8' }, 'env')).toEqual([
      'aws/lmi-vllm: env OPTION_SPECULATIVE_DRAFT_MODEL is not read by djl-inference:0.30.0-lmi12.0.0-cu124',
      'aws/lmi-vllm: env OPTION_KV_CACHE_DTYPE is not read by djl-inference:0.30.0-lmi12.0.0-cu124',
      'aws/lmi-vllm: rule awq-gptq-fp16: OPTION_QUANTIZE=awq with OPTION_DTYPE=bf16 (vLLM AWQ and GPTQ kernels take float16 activations only; bf16 fails at load)',
    ]);
  });
});
