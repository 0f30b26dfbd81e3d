import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { buildServiceConfig, easCron, easQpsStrategy, stableStringify } from '../../providers/alibaba/service-config';
import { compileOk, diagnosticsOf, only } from '../helpers/compile';
import { EXAMPLES } from '../helpers/paths';

/** Qwen2.5-7B on one A10 (gn7i) with the given engine and extra deployment lines. */
function qwenOnA10(name: string, engine: string, extra: string): string {
  return `version: 1
deployments:
  ${name}:
    model: { uri: "oss://m/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    engine: ${engine}
${extra}    resources: { instanceType: ecs.gn7i-c16g1.4xlarge }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

function exampleConfig(file: string, name?: string) {
  const r = compileSpecFile(path.join(EXAMPLES, file));
  expect(r.ok).toBe(true);
  const ir = r.deployments.find((d) => d.target === 'alibaba' && (!name || d.name === name))!;
  return buildServiceConfig(ir);
}

describe('PAI-EAS service JSON', () => {
  it('vLLM on an A10: official VPC image, OSS mount read-only, engine flags from the spec, probes sized to loading', () => {
    const c = exampleConfig('eas-qwen-vllm.yaml');
    expect(c.metadata).toMatchObject({ name: 'qwen7b_vllm', instance: 1, workspace_id: '123456', rpc: { keepalive: 600000, enable_sigterm: true } });
    expect(c.cloud).toEqual({ computing: { instance_type: 'ecs.gn7i-c16g1.4xlarge' } });
    expect(c.storage).toEqual([{ mount_path: '/model_dir', oss: { path: 'oss://acme-models/qwen2.5-7b-instruct/', readOnly: true } }]);
    const ctr = c.containers![0]!;
    expect(ctr.image).toBe('eas-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai-eas/vllm:0.14.0-gpu');
    expect(ctr.port).toBe(8000);
    expect(ctr.command).toContain('vllm serve /model_dir');
    expect(ctr.command).toContain('--max-model-len 8192');
    expect(ctr.command).toContain('--max-num-seqs 8');
    expect(ctr.command).toContain('--enable-prefix-caching');
    expect(ctr.command).not.toContain('oss://');
    expect(ctr.startup_check!.http_get!.path).toBe('/health');
    // failure threshold x period covers the model's estimated loading time
    expect(ctr.startup_check!.initial_delay_seconds + ctr.startup_check!.failure_threshold * ctr.startup_check!.period_seconds).toBeGreaterThanOrEqual(600);
    expect(ctr.readiness_check!.http_get!.path).toBe('/v1/models');
    expect(c.autoscaler).toEqual({ min: 1, max: 6, scaleStrategies: [{ metricName: 'qps', threshold: 5 }], behavior: { scaleUp: { stabilizationWindowSeconds: 60 }, scaleDown: { stabilizationWindowSeconds: 300 } } });
    expect(c.cronscaler!.ScaleJobs).toEqual([
      { Name: 'qwen7b_vllm_1', Schedule: '0 0 8 * * 1-5', TargetSize: 3, TimeZone: 'Asia/Shanghai' },
      { Name: 'qwen7b_vllm_2', Schedule: '0 0 20 * * 1-5', TargetSize: 1, TimeZone: 'Asia/Shanghai' },
    ]);
    expect(c.labels).toMatchObject({ 'managed-by': 'inferstack', 'inferstack-deployment': 'qwen7b-vllm', 'inferstack-version': '0.1.0' });
  });

  it('72B with tensor parallelism on NVLink A100s: --tensor-parallel-size 4, FP8 KV cache, shared memory, NCCL P2P left on', () => {
    const c = exampleConfig('eas-qwen72b-tp.yaml');
    const ctr = c.containers![0]!;
    expect(c.cloud).toEqual({ computing: { instance_type: 'ecs.gn7e-c16g1.16xlarge' } });
    expect(ctr.command).toContain('--tensor-parallel-size 4');
    expect(ctr.command).toContain('--kv-cache-dtype fp8');
    expect(ctr.command).toContain('--gpu-memory-utilization 0.92');
    expect(c.metadata.shm_size).toBe(64);
    expect(ctr.env ?? []).not.toContainEqual(expect.objectContaining({ name: 'NCCL_P2P_DISABLE' }));
  });

  it('BladeLLM: blade_llm_server on 8081, speculative decoding with the draft model mounted, INT8 KV cache', () => {
    const c = exampleConfig('eas-bladellm-speculative.yaml');
    const ctr = c.containers![0]!;
    expect(ctr.image).toBe('eas-registry-vpc.cn-beijing.cr.aliyuncs.com/pai-eas/blade-llm:0.11.0');
    expect(ctr.port).toBe(8081);
    expect(ctr.command).toMatch(/^blade_llm_server /);
    expect(ctr.command).toContain('--decode_algo sps --gamma 4 --draft.model /draft_dir');
    expect(ctr.command).toContain('--kv_cache_quant int8');
    expect(c.storage).toContainEqual({ mount_path: '/draft_dir', oss: { path: 'oss://acme-models/qwen2.5-0.5b-instruct/', readOnly: true } });
  });

  it('TensorFlow through the built-in GPU processor with server-side batching', () => {
    const c = exampleConfig('eas-tf-processor-t4.yaml');
    expect(c.processor).toBe('tensorflow_gpu_1.15');
    expect(c.model_path).toBe('oss://acme-models/image-tagger/savedmodel/');
    expect(c.containers).toBeUndefined();
    expect(c.metadata.rpc).toEqual({ batching: true, max_batch_size: 32, max_batch_timeout: 10 });
    expect(c.cloud).toEqual({ computing: { instance_type: 'ecs.gn6i-c4g1.xlarge' } });
    expect(c.autoscaler!.scaleStrategies).toEqual([{ metricName: 'gpu[util]', threshold: 70 }]);
  });

  it('custom image with spot first, on-demand next, then the fallback list, bound to a VPC', () => {
    const c = exampleConfig('eas-custom-spot.yaml');
    expect(c.cloud).toEqual({
      computing: {
        instances: [
          { type: 'ecs.gn7i-c8g1.2xlarge', spot_price_limit: 0.8 },
          { type: 'ecs.gn7i-c8g1.2xlarge' },
          { type: 'ecs.gn7i-c16g1.4xlarge' },
          { type: 'ml.gu7i.c16m60.1-gu30' },
        ],
      },
      networking: { vpc_id: 'vpc-bp1abc', vswitch_id: 'vsw-bp1def', security_group_id: 'sg-bp1ghi' },
    });
    const ctr = c.containers![0]!;
    expect(ctr.command).toBe('python -m embedder.server --port 8000');
    expect(ctr.env).toEqual([
      { name: 'BATCH_SIZE', value: '64' },
      { name: 'MODEL_DIR', value: '/model_dir' },
    ]);
    expect(ctr.startup_check!.http_get!.path).toBe('/healthz');
  });

  it('the same spec on both clouds gives the EAS side its own engine, image and instance', () => {
    const c = exampleConfig('qwen-chat.yaml');
    expect(c.metadata.name).toBe('qwen_chat');
    expect(c.containers![0]!.image).toContain('pai-eas/vllm');
  });

  it('on a resource group, resources.cpu and resources.memory are the requests (room for a surge instance on the node)', () => {
    const [ir] = compileOk(qwenOnA10('rg-req', 'vllm', '').replace('instanceType: ecs.gn7i-c16g1.4xlarge', 'instanceType: ecs.gn7i-c16g1.4xlarge, cpu: 6, memory: 24Gi, alibaba: { resourceGroup: eas-r-abc123 }'));
    expect(buildServiceConfig(ir!).metadata).toMatchObject({ resource: 'eas-r-abc123', cpu: 6, memory: 24576, gpu: 1 });
  });

  it('resource groups get cpu/memory/gpu instead of an instance type; scale to zero and a private endpoint', () => {
    const [ir] = compileOk(`version: 1
deployments:
  rg-svc:
    model: { uri: "oss://m/qwen/", task: text-generation, family: qwen2, parameters: 1.5B }
    engine: vllm
    resources: { instanceType: ecs.gn7i-c16g1.4xlarge, alibaba: { resourceGroup: eas-r-abc123 } }
    network: { public: false }
    scaling: { min: 0, max: 2, metric: qps, target: 3 }
    targets: { alibaba: { region: cn-shanghai } }
`);
    const c = buildServiceConfig(ir!);
    expect(c.metadata).toMatchObject({ resource: 'eas-r-abc123', cpu: 16, memory: 61440, gpu: 1, instance: 1 });
    // New instances first on a dedicated group too; deploy-eas falls back to max_unavailable 1 when the group is full.
    expect(c.metadata.rolling_strategy).toEqual({ max_surge: 1, max_unavailable: 0 });
    expect(c.cloud).toBeUndefined();
    expect(c.networking).toEqual({ disable_internet_endpoint: true });
    expect(c.autoscaler).toMatchObject({ min: 0, max: 2 });
  });

  it('SGLang command line', () => {
    const [ir] = compileOk(qwenOnA10('sg-svc', 'sglang', '    llm: { maxContextLength: 4096, maxConcurrentSequences: 8, prefixCaching: false }\n'));
    const cmd = buildServiceConfig(ir!).containers![0]!.command!;
    expect(cmd).toMatch(/^python -m sglang\.launch_server --model-path \/model_dir --host 0\.0\.0\.0 --port 8000/);
    expect(cmd).toContain('--context-length 4096');
    expect(cmd).toContain('--disable-radix-cache');
  });

  it('a speculative config with JSON goes into a shell-quoted script, not a bare command', () => {
    const [ir] = compileOk(qwenOnA10('spec-svc', 'vllm', '    llm: { maxConcurrentSequences: 4 }\n    acceleration: { speculativeDecoding: { method: eagle, draftModel: "oss://m/eagle/", tokens: 3 } }\n'));
    const ctr = buildServiceConfig(ir!).containers![0]!;
    expect(ctr.command).toBeUndefined();
    expect(ctr.script).toContain(`--speculative-config '{"num_speculative_tokens":3,"method":"eagle","model":"/draft_dir"}'`);
  });

  it('EAS cron has six fields, seconds first', () => {
    expect(easCron('30 7 * * 1-5')).toBe('0 30 7 * * 1-5');
  });

  it('a whole per-instance QPS goes in qps, a decimal one in qps1k (thousandths of a QPS)', () => {
    expect(easQpsStrategy(5)).toEqual({ metricName: 'qps', threshold: 5 });
    expect(easQpsStrategy(0.5)).toEqual({ metricName: 'qps1k', threshold: 500 });
    expect(easQpsStrategy(2.25)).toEqual({ metricName: 'qps1k', threshold: 2250 });
    expect(easQpsStrategy(20 / 60)).toEqual({ metricName: 'qps1k', threshold: 333 });
    const [ir] = compileOk(qwenOnA10('inv-svc', 'vllm', '    scaling: { min: 1, max: 4, metric: invocations, target: 30 }\n'));
    expect(buildServiceConfig(ir!).autoscaler!.scaleStrategies).toEqual([{ metricName: 'qps1k', threshold: 500 }]);
  });

  it('a QPS target below one thousandth per instance is IS5115, not a threshold of 0', () => {
    const d = diagnosticsOf(qwenOnA10('tiny-svc', 'vllm', '    scaling: { min: 1, max: 4, metric: qps, target: 0.0004 }\n'));
    expect(d.map((x) => x.code)).toContain('IS5115');
  });
});

describe('snapshots of each example\'s service JSON (reviewed)', () => {
  const files = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    const r = compileSpecFile(path.join(EXAMPLES, file));
    for (const ir of r.deployments.filter((d) => d.target === 'alibaba')) {
      it(`${file} / ${ir.name}`, async () => {
        await expect(stableStringify(buildServiceConfig(ir))).toMatchFileSnapshot(path.join(__dirname, '__snapshots__', `${ir.name}.eas.json`));
      });
    }
  }
});

describe('asynchronous services', () => {
  it('mode async becomes an EAS Async service scaling on queue backlog; S3/SNS settings are warned about', () => {
    const yaml = `version: 1
deployments:
  async-svc:
    model: { uri: { aws: "s3://m/sd.tar.gz", alibaba: "oss://m/sd/" }, format: custom }
    engine: custom
    container: { image: "registry-vpc.cn-hangzhou.cr.aliyuncs.com/acme/sd:1", port: 8000, command: [serve] }
    mode: async
    async: { output: "s3://out/sd/" }
    scaling: { min: 0, max: 4, metric: backlog, target: 5 }
    targets: { alibaba: { region: cn-hangzhou } }
`;
    const ir = only(compileOk(yaml), 'alibaba');
    const c = buildServiceConfig(ir);
    expect(c.metadata).toMatchObject({ type: 'Async', rpc: { proxy_path: '/' } });
    expect(c.autoscaler).toMatchObject({ min: 0, scaleStrategies: [{ metricName: 'queue[avgbacklog]', threshold: 5 }] });
    const warnings = diagnosticsOf(yaml).filter((d) => d.severity === 'warning');
    expect(warnings.map((w) => w.message)).toContainEqual(expect.stringContaining('async.output has no effect on alibaba'));
  });
});
