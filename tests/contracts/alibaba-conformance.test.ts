/**
 * Conformance of everything inferstack tells PAI-EAS serving containers: every example plus a generated matrix
 * (engines x accelerators x dtypes x quantization x KV cache x speculative decoding x modes) is compiled, and
 * every emitted flag, environment variable and processor code must be in the pinned contract, with no rule broken.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { DiagnosticBag } from '../../lib/diagnostics/diagnostic';
import {
  ALIBABA_CONTRACTS,
  alibabaEngineLaunch,
  EAS_PROCESSORS,
  isModelScope,
  knownProcessorCodes,
  ncclP2pBroken,
} from '../../lib/engines/contracts/alibaba';
import type { DeploymentIR } from '../../lib/ir';
import { normalizeSpec } from '../../lib/normalize/normalize';
import { loadSpecText } from '../../lib/spec/load';
import type { Spec } from '../../lib/spec/schema';
import { validateSchema } from '../../lib/spec/validate-schema';
import { buildServiceConfig, type EasServiceConfig } from '../../providers/alibaba/service-config';
import { EXAMPLES } from '../helpers/paths';
import { containerWords, contractById, contractViolationsOfWords, parseFlags } from '../alibaba/contract-helpers';

const CHECKED = '2026-11-25';

/** The deployments of a spec that compile, even when others in the same spec do not. */
function compileEach(yaml: string): DeploymentIR[] {
  const loaded = loadSpecText('matrix.yaml', yaml);
  if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const bag = new DiagnosticBag(loaded.spec.locator);
  validateSchema(loaded.spec.data, bag);
  const schemaErrors = bag.all.filter((d) => d.severity === 'error' && d.code.startsWith('IS1'));
  if (schemaErrors.length > 0) throw new Error(`matrix spec breaks the schema: ${schemaErrors.slice(0, 3).map((d) => `${d.line}: ${d.message}`).join("; ")}`);
  return normalizeSpec(loaded.spec.data as Spec, bag).filter((d) => d.target === 'alibaba');
}

interface Finding {
  readonly engine: string;
  readonly emitted: { readonly flags: Record<string, string>; readonly env: Record<string, string> };
}

/** Every problem with one deployment's service JSON; also returns what was emitted, for coverage. */
function conformance(ir: DeploymentIR, userEnv: ReadonlySet<string> = new Set()): { problems: string[]; finding?: Finding } {
  const config: EasServiceConfig = buildServiceConfig(ir);
  const problems: string[] = [];
  if (ir.engine.name === 'framework' || ir.engine.name === 'triton') {
    if (!config.processor || !knownProcessorCodes().includes(config.processor)) problems.push(`${ir.name}: processor ${config.processor} is not a PAI-EAS processor code`);
    const versioned = EAS_PROCESSORS[ir.model.format];
    if (versioned?.kind === 'versioned' && ir.model.frameworkVersion && !config.processor?.endsWith(`_${ir.model.frameworkVersion}`)) {
      problems.push(`${ir.name}: processor ${config.processor} does not serve frameworkVersion ${ir.model.frameworkVersion}`);
    }
    if (config.containers) problems.push(`${ir.name}: a processor deployment also has containers`);
    return { problems };
  }
  const launch = alibabaEngineLaunch(ir);
  if (!launch) return { problems };
  const container = config.containers![0]!;
  const words = containerWords(container);
  const env = Object.fromEntries((container.env ?? []).filter((e) => !userEnv.has(e.name)).map((e) => [e.name, e.value]));
  problems.push(...contractViolationsOfWords(launch.contract.id, words, env));
  const { flags } = parseFlags(launch.contract, words);
  // Rules that need the spec, not only the options.
  if (ir.quantization.preQuantized && '--quantization' in flags) problems.push(`${ir.name}: --quantization for a pre-quantized checkpoint (the engine reads quantization_config)`);
  if (('NCCL_P2P_DISABLE' in env) !== ncclP2pBroken(ir)) problems.push(`${ir.name}: NCCL_P2P_DISABLE=${env.NCCL_P2P_DISABLE} on ${ir.instance?.type}`);
  if (('--trust-remote-code' in flags) !== (ir.model.trustRemoteCode && launch.contract.id !== 'alibaba/bladellm')) problems.push(`${ir.name}: --trust-remote-code does not follow model.trustRemoteCode`);
  if (isModelScope(ir.model.uri) && !Object.keys(env).some((k) => k.endsWith('_USE_MODELSCOPE'))) problems.push(`${ir.name}: modelscope:// without the ModelScope switch`);
  if (words.some((w) => w.includes('://'))) problems.push(`${ir.name}: a URI scheme reaches the engine: ${words.find((w) => w.includes('://'))}`);
  const probe = container.startup_check!;
  if (!probe.http_get || probe.http_get.path !== launch.healthPath) problems.push(`${ir.name}: startup probe ${JSON.stringify(probe)} is not the engine's ${launch.healthPath}`);
  return { problems, finding: { engine: launch.contract.id, emitted: { flags, env } } };
}

// --- the generated matrix -------------------------------------------------------------------------------

const GPU_INSTANCES = [
  'ecs.gn7i-c16g1.4xlarge', // 1x A10 (PCIe)
  'ecs.gn7i-4x.16xlarge', // 4x A10 (PCIe)
  'ecs.gn7e-c16g1.4xlarge', // 1x A100 80 GB
  'ecs.gn7e-c16g1.16xlarge', // 4x A100 80 GB (NVLink)
  'ecs.gn6v-c8g1.8xlarge', // 4x V100 (NVLink)
  'ecs.gn6i-c4g1.xlarge', // 1x T4
];
const DTYPES = ['bf16', 'fp16'];
const QUANT = ['', 'quantization: fp8', 'quantization: { method: awq, preQuantized: true }', 'quantization: { method: gptq, preQuantized: true }', 'quantization: { method: int4, preQuantized: true }', 'quantization: { method: int8, preQuantized: true }'];
const KV = ['', 'kvCacheDtype: fp8', 'kvCacheDtype: int8'];
const SPECULATIVE = ['', 'speculativeDecoding: { draftModel: "oss://m/draft/", tokens: 4 }', 'speculativeDecoding: { method: eagle, draftModel: "oss://m/eagle/", tokens: 3 }', 'speculativeDecoding: { method: lookahead }'];
const MODES = ['realtime', 'async'];
const URIS = ['oss://m/qwen/', 'modelscope://Qwen/Qwen2.5-7B-Instruct', 'hf://Qwen/Qwen2.5-7B-Instruct'];

function llmMatrix(engine: string, instance: string): string {
  const lines = ['version: 1', 'deployments:'];
  let n = 0;
  for (const dtype of DTYPES)
    for (const quant of QUANT)
      for (const kv of KV)
        for (const spec of SPECULATIVE)
          for (const mode of MODES) {
            n++;
            const acceleration = [quant, kv, spec, 'tensorParallel: auto'].filter(Boolean).join(', ');
            lines.push(
              `  m-${String(n).padStart(4, '0')}:`,
              `    model: { uri: "${URIS[n % URIS.length]}", task: text-generation, family: qwen2, parameters: 7.6B, dtype: ${dtype}, trustRemoteCode: ${n % 2 === 0} }`,
              `    engine: ${engine}`,
              `    mode: ${mode}`,
              ...(mode === 'async' ? ['    async: { output: "s3://b/out/" }'] : []),
              `    llm: { prefixCaching: ${n % 3 !== 0} }`,
              `    acceleration: { ${acceleration} }`,
              `    resources: { instanceType: ${instance} }`,
              '    network: { alibaba: { vpcId: vpc-1, vswitchId: vsw-1, securityGroupId: sg-1 } }',
              '    targets: { alibaba: { region: cn-hangzhou } }',
            );
          }
  return lines.join('\n') + '\n';
}

function classicMatrix(): string {
  const lines = ['version: 1', 'deployments:'];
  let n = 0;
  const add = (body: string[]) => {
    n++;
    lines.push(`  c-${String(n).padStart(4, '0')}:`, ...body.map((l) => `    ${l}`), '    targets: { alibaba: { region: cn-hangzhou } }');
  };
  for (const instance of ['ecs.c7.xlarge', 'ecs.gn6i-c4g1.xlarge', 'ecs.gn7i-c16g1.4xlarge'])
    for (const mode of MODES) {
      const modeLines = [`mode: ${mode}`, ...(mode === 'async' ? ['async: { output: "s3://b/out/" }'] : [])];
      for (const [format, p] of Object.entries(EAS_PROCESSORS)) {
        const versions = p.kind === 'versioned' ? ['', ...new Set([...p.versions.cpu, ...p.versions.gpu]), '9.9'] : [''];
        for (const v of versions) {
          add([`model: { uri: "oss://m/${format}/", format: ${format}${v ? `, frameworkVersion: "${v}"` : ''} }`, `engine: ${format === 'triton' ? 'triton' : 'framework'}`, 'batching: { maxBatchSize: 8, maxDelay: 5ms }', ...modeLines, `resources: { instanceType: ${instance} }`]);
        }
      }
      for (const task of ['embedding', 'rerank'])
        for (const dtype of DTYPES) add([`model: { uri: "oss://m/bge/", task: ${task}, format: huggingface, dtype: ${dtype} }`, 'engine: tei', ...modeLines, `resources: { instanceType: ${instance} }`]);
    }
  return lines.join('\n') + '\n';
}

describe('PAI-EAS contract data', () => {
  for (const contract of ALIBABA_CONTRACTS) {
    it(`${contract.id}: every option and rule names its source, checked ${CHECKED}`, () => {
      for (const item of [...contract.options, ...contract.rules]) {
        expect(item.source.ref, 'name' in item ? item.name : item.id).toMatch(/^(https:\/\/|[\w.-]+\/[\w.-]+[@:])/);
        expect(item.source.checked).toBe(CHECKED);
      }
      expect(contract.target).toBe('alibaba');
    });
  }

  it('processor versions name their source', () => {
    for (const p of Object.values(EAS_PROCESSORS)) expect(p.source.ref).toMatch(/^(https:\/\/|aliyun\/)/);
  });
});

describe('PAI-EAS conformance: examples', () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    const r = compileSpecFile(path.join(EXAMPLES, file));
    for (const ir of r.deployments.filter((d) => d.target === 'alibaba')) {
      it(`${file} / ${ir.name}`, () => {
        expect(conformance(ir, new Set(Object.keys(ir.engine.env))).problems).toEqual([]);
      });
    }
  }
});

describe('PAI-EAS conformance: generated matrix', () => {
  const emitted = new Map<string, Set<string>>();
  const record = (f: Finding | undefined) => {
    if (!f) return;
    const seen = emitted.get(f.engine) ?? new Set<string>();
    for (const name of [...Object.keys(f.emitted.flags), ...Object.keys(f.emitted.env)]) seen.add(name);
    emitted.set(f.engine, seen);
  };

  for (const engine of ['vllm', 'sglang', 'bladellm']) {
    it(`${engine} x ${GPU_INSTANCES.length} instances x dtypes x quantization x KV cache x speculative x modes`, () => {
      let compiled = 0;
      const problems: string[] = [];
      for (const instance of GPU_INSTANCES) {
        for (const ir of compileEach(llmMatrix(engine, instance))) {
          compiled++;
          const r = conformance(ir);
          problems.push(...r.problems.map((p) => `${instance} ${p}`));
          record(r.finding);
        }
      }
      expect(problems.slice(0, 20)).toEqual([]);
      // The matrix must exercise the engine, not only produce diagnostics.
      expect(compiled).toBeGreaterThan(100);
    });
  }

  it('built-in processors and embeddings x instances x framework versions x modes', () => {
    const irs = compileEach(classicMatrix());
    const problems = irs.flatMap((ir) => {
      const r = conformance(ir);
      record(r.finding);
      return r.problems;
    });
    expect(problems).toEqual([]);
    const processors = new Set(irs.map((ir) => buildServiceConfig(ir).processor).filter(Boolean));
    expect([...processors].sort()).toEqual(expect.arrayContaining(['pmml', 'pytorch_cpu_1.6', 'pytorch_gpu_1.6', 'tensorflow_cpu_2.3', 'tensorflow_gpu_1.12', 'triton', 'xgboost']));
    expect(irs.filter((ir) => ir.engine.name === 'tei').length).toBeGreaterThan(0);
  });

  it('every contract option is emitted somewhere in the matrix (or its absence is explained)', () => {
    // Options no catalog combination reaches, with where they are covered instead.
    const unreachable: Record<string, string> = {
      'alibaba/vllm --quantization': 'no PAI-EAS catalog GPU has FP8; tests/alibaba/engine-contracts.test.ts builds it from an IR',
      'alibaba/sglang --quantization': 'no PAI-EAS catalog GPU has FP8',
      'alibaba/sglang SGLANG_USE_MODELSCOPE': 'checked in tests/alibaba/engine-contracts.test.ts',
    };
    const missing: string[] = [];
    for (const contract of ALIBABA_CONTRACTS.filter((c) => c.options.length > 0)) {
      const seen = emitted.get(contract.id) ?? new Set<string>();
      for (const o of contract.options) if (!seen.has(o.name) && !unreachable[`${contract.id} ${o.name}`]) missing.push(`${contract.id} ${o.name}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('the conformance check itself', () => {
  it('fails on a flag the pinned container does not read, a bad value, a duplicate and a broken rule', () => {
    const base = ['vllm', 'serve', '/model_dir', '--port', '8000'];
    expect(contractViolationsOfWords('alibaba/vllm', [...base, '--max-model-length', '4096'], {})).toHaveLength(1);
    expect(contractViolationsOfWords('alibaba/vllm', [...base, '--kv-cache-dtype', 'int8'], {})[0]).toContain('is not one of');
    expect(contractViolationsOfWords('alibaba/vllm', [...base, '--port', '8001'], {})[0]).toContain('twice');
    expect(contractViolationsOfWords('alibaba/vllm', [...base, '--enable-prefix-caching', '--no-enable-prefix-caching'], {})[0]).toContain('prefix-caching-one-form');
    expect(contractViolationsOfWords('alibaba/bladellm', ['blade_llm_server', '--gamma', '4'], {})[0]).toContain('draft-needs-sps');
    expect(contractViolationsOfWords('alibaba/vllm', base, { NCCL_P2P_DISABLE: '0' })[0]).toContain('NCCL_P2P_DISABLE');
    expect(contractById('alibaba/sglang').options.map((o) => o.name)).toContain('--tp');
  });
});
