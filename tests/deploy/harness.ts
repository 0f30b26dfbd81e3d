import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FakeEasOptions, FakeEasServer } from '../../providers/alibaba/testing/fake-eas-server';
import { DEPLOY_EAS, ROOT } from '../helpers/paths';

export const TEST_KEY_ID = 'LTAI5tTestKeyId0001';
export const TEST_SECRET = 'TestSecret-7f3c9a1e5b2d4c6e8a0b';
export const TEST_STS_TOKEN = 'CAIS-test-security-token-9d8c7b6a';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function credentialsEnv(secret = TEST_SECRET): NodeJS.ProcessEnv {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: TEST_KEY_ID,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    ALIBABA_CLOUD_CLI_PROFILE_DISABLED: 'true',
    ALIBABA_CLOUD_CREDENTIALS_FILE: path.join(os.tmpdir(), 'inferstack-no-such-credentials-file'),
  };
}

/** Runs the real deploy-eas binary as a child process (async, so the in-process fake server keeps serving). */
export function deployEas(args: string[], env: NodeJS.ProcessEnv = credentialsEnv(), opts: { onSpawn?: (pid: number) => void; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ALIBABA_CLOUD_')) clean[k] = v;
    const child = spawn(process.execPath, [DEPLOY_EAS, ...args], { cwd: ROOT, env: { ...clean, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    opts.onSpawn?.(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function withFake<T>(options: Partial<FakeEasOptions>, fn: (server: FakeEasServer, url: string) => Promise<T>): Promise<T> {
  const server = new FakeEasServer({ keys: { [TEST_KEY_ID]: TEST_SECRET }, ...options });
  const url = await server.start();
  try {
    return await fn(server, url);
  } finally {
    await server.stop();
  }
}

/** Writes a spec derived from an example (with edits) into a temp dir. */
export function specFile(yaml: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-eas-'));
  const file = path.join(dir, 'spec.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

export const FAST = ['--yes', '--poll-interval', '50ms'];

export function spec(name: string, extra = '', scaling = 'scaling: { min: 1, max: 3, metric: qps, target: 5 }'): string {
  return `version: 1
deployments:
  ${name}:
    model: { uri: "oss://acme/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    engine: vllm
    llm: { maxContextLength: 4096, maxConcurrentSequences: 8 }
    resources: { instanceType: ecs.gn7i-c16g1.4xlarge }
    ${scaling}
${extra}    targets: { alibaba: { region: cn-hangzhou } }
`;
}
