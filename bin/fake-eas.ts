#!/usr/bin/env node
/**
 * `inferstack-fake-eas [--port N] [--key-id ID --key-secret SECRET] [--ready-after MS]`: the fake PAI-EAS API and gateway on
 * 127.0.0.1, for trying deploy-eas without a cloud account. Prints `port=<N>` and the endpoint on stdout; stops on
 * SIGINT/SIGTERM. Default key pair: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET, else a fixed
 * test pair printed at start (it signs nothing real).
 */
import { parseArgs } from 'node:util';
import { FakeEasServer } from '../providers/alibaba/testing/fake-eas-server';

const DEFAULT_KEY_ID = 'LTAIfakeEasLocal0001';
const DEFAULT_SECRET = 'fake-eas-local-secret';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'key-id': { type: 'string' }, 'key-secret': { type: 'string' }, 'ready-after': { type: 'string' } } });
  const port = Number(values.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port takes 0-65535; got "${values.port}"`);
  const keyId = values['key-id'] ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? DEFAULT_KEY_ID;
  const secret = values['key-secret'] ?? process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? DEFAULT_SECRET;
  const readyAfterMs = Number(values['ready-after'] ?? 2000);
  const server = new FakeEasServer({ keys: { [keyId]: secret }, behavior: () => ({ readyAfterMs }) });
  const url = await server.start(port);
  process.stdout.write(`port=${new URL(url).port}\nendpoint=${url}\n`);
  if (keyId === DEFAULT_KEY_ID) process.stdout.write(`ALIBABA_CLOUD_ACCESS_KEY_ID=${DEFAULT_KEY_ID} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${DEFAULT_SECRET}\n`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`inferstack-fake-eas: ${(err as Error).message}\n`);
  process.exitCode = 2;
});
