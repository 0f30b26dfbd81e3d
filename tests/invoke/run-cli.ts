import { spawn } from 'node:child_process';
import type { FakeEasGateway } from '../../providers/alibaba/testing/fake-eas-gateway';
import { FakeEasServer } from '../../providers/alibaba/testing/fake-eas-server';
import { credentialsEnv, RunResult, TEST_KEY_ID, TEST_SECRET } from '../deploy/harness';
import { CLI, ROOT } from '../helpers/paths';

/** Runs the built inferstack binary as a child process (async, so in-process fake servers keep serving). */
export function inferstack(args: string[], env: NodeJS.ProcessEnv = credentialsEnv(), stdin?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ALIBABA_CLOUD_') && !k.startsWith('AWS_') && k !== 'INFERSTACK_EAS_ENDPOINT') clean[k] = v;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...clean, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.stdin.end(stdin ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface EasWorld {
  readonly control: FakeEasServer;
  readonly controlUrl: string;
  /** The fake control plane's gateway: the services' endpoints. */
  readonly gateway: FakeEasGateway;
  /** Per-service token overrides (to test a rejected token). */
  readonly tokenOverride: Map<string, string>;
  /** Per-service count of requests answered 503 "no healthy upstream". */
  readonly unavailable: Map<string, number>;
}

/** A fake PAI-EAS control plane, whose services' endpoints are its own gateway on loopback. */
export async function withEasWorld<T>(fn: (world: EasWorld) => Promise<T>): Promise<T> {
  const control = new FakeEasServer({ keys: { [TEST_KEY_ID]: TEST_SECRET }, gatewayReply: 'OK from the fake gateway' });
  const controlUrl = await control.start();
  const { gateway } = control;
  try {
    return await fn({ control, controlUrl, gateway, tokenOverride: gateway.tokenOverride, unavailable: gateway.unavailable });
  } finally {
    await control.stop();
  }
}
