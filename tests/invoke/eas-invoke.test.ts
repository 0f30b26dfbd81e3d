import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSinkEntry, EasInvokeProvider, isAsyncService, serviceUrl } from '../../providers/alibaba/invoke';
import { EasAccess } from '../../providers/alibaba/status';
import { buildRequest } from '../../lib/commands/invoke';
import { compileOk, only } from '../helpers/compile';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_KEY_ID, TEST_SECRET } from '../deploy/harness';
import { inferstack, withEasWorld } from './run-cli';

function twoDeployments(): string {
  return `version: 1
deployments:
  chat-one:
    model: { uri: "oss://acme/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    engine: vllm
    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    resources: { instanceType: ecs.gn7i-c16g1.4xlarge }
    targets: { alibaba: { region: cn-hangzhou } }
  echo-two:
    model: { uri: "oss://acme/app/", format: custom }
    engine: custom
    container: { image: "registry.example.com/echo:1", port: 8000, healthCheck: { path: /health } }
    resources: { instanceType: ecs.c7.xlarge }
    targets: { alibaba: { region: cn-hangzhou } }
`;
}

function asyncChat(name: string): string {
  return spec(name, '    mode: async\n', 'scaling: { min: 1, max: 3, metric: backlog, target: 5 }');
}

describe('inferstack invoke on PAI-EAS (built binary, fake control plane + fake gateway)', () => {
  it('sends an OpenAI chat request with the service token, prints the answer, never the token', async () => {
    await withEasWorld(async ({ control, controlUrl, gateway }) => {
      const file = specFile(spec('chat-inv'));
      expect((await deployEas([file, '--endpoint', controlUrl, ...FAST])).code).toBe(0);
      const r = await inferstack(['invoke', file, '--deployment', 'chat-inv', '--prompt', 'Hello there', '--endpoint', controlUrl]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('OK from the fake gateway');
      expect(r.stderr).toMatch(/chat-inv \[alibaba\]: HTTP 200, \d+ ms/);
      const sent = gateway.calls.at(-1)!;
      expect(sent).toMatchObject({ service: 'chat_inv', path: '/v1/chat/completions', status: 200, authorized: true });
      expect(JSON.parse(sent.body)).toEqual({ model: 'chat-inv', messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 64, stream: false });
      expect(r.stdout + r.stderr).not.toContain(control.services.get('chat_inv')!.token);
    });
  });

  it('--stream prints the generated text as it arrives (server-sent events)', async () => {
    await withEasWorld(async ({ controlUrl, gateway }) => {
      const file = specFile(spec('chat-stream'));
      await deployEas([file, '--endpoint', controlUrl, ...FAST]);
      const r = await inferstack(['invoke', file, '--deployment', 'chat-stream', '--stream', '--endpoint', controlUrl]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('OK from the fake gateway\n');
      expect(JSON.parse(gateway.calls.at(-1)!.body).stream).toBe(true);
    });
  });

  it('waits out the gateway 503 window right after a deployment', async () => {
    await withEasWorld(async ({ controlUrl, gateway, unavailable }) => {
      const file = specFile(spec('chat-warm'));
      // --no-probe: deploy-eas's own readiness probe would use up the gateway's 503 window this test counts.
      await deployEas([file, '--endpoint', controlUrl, ...FAST, '--no-probe']);
      unavailable.set('chat_warm', 2);
      const r = await inferstack(['invoke', file, '--deployment', 'chat-warm', '--endpoint', controlUrl]);
      expect(r.code, r.stderr).toBe(0);
      expect(gateway.calls.filter((x) => x.service === 'chat_warm').map((x) => x.status)).toEqual([503, 503, 200]);
    });
  });

  it('a token the gateway rejects: exit 1, says so, and does not print either token', async () => {
    await withEasWorld(async ({ control, controlUrl, tokenOverride }) => {
      const file = specFile(spec('chat-deny'));
      await deployEas([file, '--endpoint', controlUrl, ...FAST]);
      tokenOverride.set('chat_deny', 'a-different-token-0123456789');
      const r = await inferstack(['invoke', file, '--deployment', 'chat-deny', '--endpoint', controlUrl]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('HTTP 401 (the gateway rejected the service token)');
      expect(r.stdout + r.stderr).not.toContain(control.services.get('chat_deny')!.token);
    });
  });

  it('--smoke: one minimal request per deployment, a table, exit 1 when one fails; custom containers need --body', async () => {
    await withEasWorld(async ({ controlUrl, gateway }) => {
      const file = specFile(twoDeployments());
      expect((await deployEas([file, '--endpoint', controlUrl, ...FAST])).code).toBe(0);
      const withoutBody = await inferstack(['invoke', file, '--smoke', '--endpoint', controlUrl]);
      expect(withoutBody.code).toBe(1);
      expect(withoutBody.stdout).toMatch(/chat-one\s+alibaba\s+ok\s+200\s+\d+ ms\s+OK from the fake gateway/);
      expect(withoutBody.stdout).toMatch(/echo-two\s+alibaba\s+FAILED\s+-\s+-\s+IS5504/);
      expect(withoutBody.stderr).toContain('smoke: 1 of 2 passed');

      const body = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'smoke-')), 'req.json');
      fs.writeFileSync(body, '{"ping":1}');
      const withBody = await inferstack(['invoke', file, '--smoke', '--body', body, '--endpoint', controlUrl, '--output', 'json']);
      expect(withBody.code, withBody.stdout).toBe(0);
      const doc = JSON.parse(withBody.stdout);
      expect(doc.results.map((x: { deployment: string; ok: boolean }) => [x.deployment, x.ok])).toEqual([
        ['chat-one', true],
        ['echo-two', true],
      ]);
      expect(gateway.calls.at(-1)).toMatchObject({ service: 'echo_two', path: '', body: '{"ping":1}' });
    });
  });

  it('--body - reads stdin; a deployment that is not deployed fails with how to deploy it', async () => {
    await withEasWorld(async ({ controlUrl, gateway }) => {
      const file = specFile(twoDeployments());
      const absent = await inferstack(['invoke', file, '--deployment', 'echo-two', '--body', '-', '--endpoint', controlUrl], credentialsEnv(), '{"x":2}');
      expect(absent.code).toBe(1);
      expect(absent.stderr).toContain('service echo_two does not exist: deploy it with deploy-eas');
      await deployEas([file, '--endpoint', controlUrl, ...FAST, '--deployment', 'echo-two']);
      const r = await inferstack(['invoke', file, '--deployment', 'echo-two', '--body', '-', '--endpoint', controlUrl], credentialsEnv(), '{"x":2}');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('{"x":2}');
      expect(gateway.calls.at(-1)!.body).toBe('{"x":2}');
    });
  });

  it('an asynchronous service: the request goes into the input queue and the answer is read from /sink (pai-python-sdk AsyncPredictor)', async () => {
    await withEasWorld(async ({ control, controlUrl, gateway }) => {
      const file = specFile(asyncChat('chat-async'));
      expect((await deployEas([file, '--endpoint', controlUrl, ...FAST])).code).toBe(0);
      expect(JSON.parse(JSON.stringify(control.services.get('chat_async')!.config)).metadata.type).toBe('Async');
      gateway.queueDelay.set('chat_async', 2);
      const sinceDeploy = gateway.calls.length;
      const r = await inferstack(['invoke', file, '--deployment', 'chat-async', '--prompt', 'Queue me', '--poll-interval', '20ms', '--endpoint', controlUrl]);
      expect(r.code, r.stderr).toBe(0);
      // The answer is the service's, from the output queue, not the input queue's index.
      expect(r.stdout.trim()).toBe('OK from the fake gateway');
      expect(r.stderr).toMatch(/chat-async \[alibaba\]: HTTP 200, \d+ ms, result at \/sink\?requestId=[0-9a-f-]+/);
      const calls = gateway.calls.slice(sinceDeploy);
      expect(calls.map((x) => [x.method, x.path, x.status])).toEqual([
        ['POST', '/v1/chat/completions', 200],
        ['GET', '/sink', 204],
        ['GET', '/sink', 204],
        ['GET', '/sink', 200],
      ]);
      expect(JSON.parse(calls[0]!.body)).toMatchObject({ messages: [{ role: 'user', content: 'Queue me' }], stream: false });
      const query = new URLSearchParams(calls[1]!.query);
      expect(query.get('_raw_')).toBe('false');
      expect(query.get('requestId')).toMatch(/^[0-9a-f-]{36}$/);
      expect(calls.every((x) => x.authorized)).toBe(true);
      expect(r.stdout + r.stderr).not.toContain(control.services.get('chat_async')!.token);
    });
  });

  it('an asynchronous service: --timeout ends the wait, a failed answer (tags.lastCode) fails, --stream is refused, --smoke waits for the result', async () => {
    await withEasWorld(async ({ control, controlUrl, gateway }) => {
      const file = specFile(asyncChat('chat-slow'));
      expect((await deployEas([file, '--endpoint', controlUrl, ...FAST])).code).toBe(0);
      gateway.queueDelay.set('chat_slow', 1_000_000);
      const late = await inferstack(['invoke', file, '--deployment', 'chat-slow', '--timeout', '300ms', '--poll-interval', '20ms', '--endpoint', controlUrl]);
      expect(late.code).toBe(1);
      expect(late.stderr).toMatch(/no result in the output queue \(\/sink, request [0-9a-f-]+\) before the timeout; it may still arrive/);

      gateway.queueDelay.set('chat_slow', 0);
      gateway.queueAnswerStatus.set('chat_slow', 500);
      const failed = await inferstack(['invoke', file, '--deployment', 'chat-slow', '--poll-interval', '20ms', '--endpoint', controlUrl]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain("HTTP 500 (the service's answer, from the output queue)");
      expect(failed.stdout + failed.stderr).not.toContain(control.services.get('chat_slow')!.token);

      const before = gateway.calls.length;
      const streamed = await inferstack(['invoke', file, '--deployment', 'chat-slow', '--stream', '--endpoint', controlUrl]);
      expect(streamed.code).toBe(1);
      expect(streamed.stderr).toContain('IS5133');
      expect(gateway.calls.length).toBe(before);

      gateway.queueAnswerStatus.delete('chat_slow');
      gateway.queueDelay.set('chat_slow', 1);
      const smoke = await inferstack(['invoke', file, '--smoke', '--poll-interval', '20ms', '--endpoint', controlUrl]);
      expect(smoke.code, smoke.stdout + smoke.stderr).toBe(0);
      expect(smoke.stdout).toMatch(/chat-slow\s+alibaba\s+ok\s+200\s+\d+ ms\s+OK from the fake gateway/);
      expect(gateway.calls.at(-1)).toMatchObject({ service: 'chat_slow', method: 'GET', path: '/sink', status: 200 });
    });
  });

  it('an answer whose body stalls past --timeout, or whose connection closes mid-body: exit 1, a clear message, no stack trace; --smoke keeps the other results', async () => {
    await withEasWorld(async ({ control, controlUrl, gateway }) => {
      const file = specFile(twoDeployments());
      expect((await deployEas([file, '--endpoint', controlUrl, ...FAST])).code).toBe(0);
      const token = control.services.get('chat_one')!.token;
      gateway.bodyFault.set('chat_one', 'stall');
      const stalled = await inferstack(['invoke', file, '--deployment', 'chat-one', '--timeout', '500ms', '--endpoint', controlUrl]);
      expect(stalled.code, stalled.stderr).toBe(1);
      expect(stalled.stderr).toContain('chat-one [alibaba]: HTTP 200, then no answer before the timeout');
      expect(stalled.stderr).not.toMatch(/internal error|This is a bug|\n\s+at /);
      expect(stalled.stdout + stalled.stderr).not.toContain(token);

      gateway.bodyFault.set('chat_one', 'reset');
      const reset = await inferstack(['invoke', file, '--deployment', 'chat-one', '--endpoint', controlUrl]);
      expect(reset.code, reset.stderr).toBe(1);
      expect(reset.stderr).toContain('HTTP 200, then the connection was closed while reading the answer');
      expect(reset.stderr).not.toMatch(/internal error|This is a bug|\n\s+at /);

      gateway.bodyFault.set('chat_one', 'stall');
      const smoke = await inferstack(['invoke', file, '--smoke', '--body', '-', '--timeout', '500ms', '--endpoint', controlUrl], credentialsEnv(), '{"ping":1}');
      expect(smoke.code, smoke.stderr).toBe(1);
      expect(smoke.stdout).toMatch(/chat-one\s+alibaba\s+FAILED/);
      expect(smoke.stdout).toMatch(/echo-two\s+alibaba\s+ok\s+200/);
      expect(smoke.stderr).toContain('smoke: 1 of 2 passed');
    });
  });

  it('an asynchronous service: a 5xx or a reset connection on a sink poll is retried; with less than one interval left it polls once more at the deadline', async () => {
    await withEasWorld(async ({ controlUrl, gateway }) => {
      const file = specFile(asyncChat('chat-flaky'));
      expect((await deployEas([file, '--endpoint', controlUrl, ...FAST])).code).toBe(0);
      gateway.queueDelay.set('chat_flaky', 1);
      gateway.sinkFaults.set('chat_flaky', [502, 'reset', 503]);
      const since = gateway.calls.length;
      const r = await inferstack(['invoke', file, '--deployment', 'chat-flaky', '--poll-interval', '20ms', '--endpoint', controlUrl]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('OK from the fake gateway');
      expect(gateway.calls.slice(since).map((x) => [x.method, x.status])).toEqual([
        ['POST', 200],
        ['GET', 502],
        ['GET', 200],
        ['GET', 503],
        ['GET', 204],
        ['GET', 200],
      ]);

      // --timeout shorter than --poll-interval: the first 204 no longer ends the wait; one more poll at the deadline.
      const again = gateway.calls.length;
      const short = await inferstack(['invoke', file, '--deployment', 'chat-flaky', '--timeout', '1s', '--poll-interval', '1m', '--endpoint', controlUrl]);
      expect(short.code, short.stderr).toBe(0);
      expect(gateway.calls.slice(again).map((x) => [x.method, x.status])).toEqual([
        ['POST', 200],
        ['GET', 204],
        ['GET', 200],
      ]);
    });
  });

  it('usage: exactly one --deployment, or --smoke', async () => {
    expect((await inferstack(['invoke', 'x.yaml'])).code).toBe(2);
    expect((await inferstack(['invoke', 'x.yaml', '--smoke', '--deployment', 'a'])).code).toBe(2);
    expect((await inferstack(['invoke', 'x.yaml', '--deployment', 'a', '--prompt', 'p', '--body', 'f'])).code).toBe(2);
    expect((await inferstack(['invoke', 'x.yaml', '--deployment', 'a', '--timeout', '15 minutes'])).stderr).toContain('--timeout takes a duration such as 90s, 15m or 500ms');
    expect((await inferstack(['invoke', 'x.yaml', '--smoke', '--model', 'm.tar.gz'])).code).toBe(2);
  });
});

describe('PAI-EAS invoke provider (in process)', () => {
  it('uses https:// for public endpoints except loopback; VPC endpoints as given', () => {
    expect(serviceUrl('http://123.cn-hangzhou.pai-eas.aliyuncs.com/api/predict/svc', '/v1/chat/completions')).toBe('https://123.cn-hangzhou.pai-eas.aliyuncs.com/api/predict/svc/v1/chat/completions');
    expect(serviceUrl('http://127.0.0.1:8080/api/predict/svc', '')).toBe('http://127.0.0.1:8080/api/predict/svc');
    expect(serviceUrl('http://123.vpc.cn-hangzhou.pai-eas.aliyuncs.com/api/predict/svc', '', false)).toBe('http://123.vpc.cn-hangzhou.pai-eas.aliyuncs.com/api/predict/svc');
  });

  it('the running service decides whether it is asynchronous (ServiceConfig metadata.type); the spec only when that is unreadable', () => {
    expect(isAsyncService(JSON.stringify({ metadata: { type: 'Async' } }), 'realtime')).toBe(true);
    expect(isAsyncService(JSON.stringify({ metadata: { instance: 1 } }), 'async')).toBe(false);
    expect(isAsyncService(undefined, 'async')).toBe(true);
    expect(isAsyncService('not json', 'realtime')).toBe(false);
  });

  it('reads a sink entry: base64 data, the service status from tags.lastCode (200 when absent)', () => {
    const data = Buffer.from('{"ok":true}').toString('base64');
    expect(decodeSinkEntry(JSON.stringify([{ data, tags: {} }]))).toEqual({ status: 200, body: '{"ok":true}' });
    expect(decodeSinkEntry(JSON.stringify([{ data, tags: { lastCode: '500' } }]))).toEqual({ status: 500, body: '{"ok":true}' });
    expect(decodeSinkEntry('[]')).toEqual({ error: 'the answer has no base64 "data" entry' });
    expect(decodeSinkEntry('<html>')).toEqual({ error: 'the answer is not the JSON list the queue service returns' });
  });

  it('gives up after the configured attempts when the gateway stays at 503', async () => {
    await withEasWorld(async ({ controlUrl, unavailable, gateway }) => {
      const file = specFile(spec('chat-cold'));
      // --no-probe: deploy-eas's own readiness probe would use up the gateway's 503 window this test counts.
      await deployEas([file, '--endpoint', controlUrl, ...FAST, '--no-probe']);
      unavailable.set('chat_cold', 100);
      const ir = only(compileOk(fs.readFileSync(file, 'utf8')), 'alibaba');
      const provider = new EasInvokeProvider(new EasAccess({ endpoint: controlUrl, credential: { getCredential: async () => ({ accessKeyId: TEST_KEY_ID, accessKeySecret: TEST_SECRET, type: 'access_key' }) } }), { gatewayAttempts: 3, gatewayDelayMs: 1 });
      const request = buildRequest(ir, { prompt: 'hi' });
      if ('error' in request) throw new Error('no request');
      const outcome = await provider.invoke(ir, request, {});
      expect(outcome.ok).toBe(false);
      expect(outcome.httpStatus).toBe(503);
      expect(outcome.error).toContain('still not routing to the service after 3 attempts');
      expect(gateway.calls.filter((x) => x.service === 'chat_cold')).toHaveLength(3);
    });
  });
});
