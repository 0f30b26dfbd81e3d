import { describe, expect, it } from 'vitest';
import { FakeKmsServer } from '../../providers/alibaba/testing/fake-kms-server';
import { credentialsEnv, deployEas, FAST, spec, specFile, TEST_KEY_ID, TEST_SECRET, withFake } from '../deploy/harness';

const REF = 'acs:kms:cn-hangzhou:1234567890:secret/hf-token';
const VALUE = 'hf_SecretValueThatMustNeverBePrinted0123456789';
const ROTATED = 'hf_RotatedValueThatMustNeverBePrintedEither9876';

function secretSpec(name: string): string {
  return spec(name, `    container: { secrets: { HF_TOKEN: "${REF}" } }\n`);
}

async function withKms<T>(fn: (kms: FakeKmsServer, url: string) => Promise<T>): Promise<T> {
  const kms = new FakeKmsServer({ [TEST_KEY_ID]: TEST_SECRET });
  const url = await kms.start();
  try {
    return await fn(kms, url);
  } finally {
    await kms.stop();
  }
}

function everything(r: { stdout: string; stderr: string }): string {
  return r.stdout + r.stderr;
}

describe('deploy-eas with container.secrets (built binary, fake PAI-EAS + fake KMS)', () => {
  it('a KMS answer larger than 1 MiB is cut off on the wire: a clear error, nothing written', async () => {
    await withKms(async (kms, kmsUrl) => {
      kms.secrets.set(REF, 'x'.repeat(4 * 2 ** 20));
      await withFake({}, async (server, url) => {
        const r = await deployEas([specFile(secretSpec('chat-big')), '--endpoint', url, ...FAST], { ...credentialsEnv(), INFERSTACK_KMS_ENDPOINT: kmsUrl });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('GetSecretValue failed: ResponseTooLarge: the GetSecretValue response is larger than 1 MiB');
        expect(server.writeCalls()).toEqual([]);
      });
    });
  });

  it('reads the value from KMS at apply time, applies it, and never prints it in plan, dry-run or JSON', async () => {
    await withKms(async (kms, kmsUrl) => {
      kms.secrets.set(REF, VALUE);
      await withFake({}, async (server, url) => {
        const env = { ...credentialsEnv(), INFERSTACK_KMS_ENDPOINT: kmsUrl };
        const file = specFile(secretSpec('chat-s'));
        const dry = await deployEas([file, '--endpoint', url, '--dry-run', '--output', 'json'], env);
        expect(dry.code, dry.stderr).toBe(0);
        expect(everything(dry)).not.toContain(VALUE);
        const shown = JSON.parse(dry.stdout).serviceConfigs.chat_s.containers[0].env;
        expect(shown).toContainEqual({ name: 'HF_TOKEN', value: `{{inferstack-secret:${REF}}}` });

        const applied = await deployEas([file, '--endpoint', url, ...FAST], env);
        expect(applied.code, applied.stderr).toBe(0);
        expect(everything(applied)).not.toContain(VALUE);
        const stored = (server.services.get('chat_s')!.config.containers as Array<{ env: Array<{ name: string; value: string }> }>)[0]!.env;
        expect(stored).toContainEqual({ name: 'HF_TOKEN', value: VALUE });
        expect(kms.calls.every((c) => c.status === 200 && c.secretName === REF)).toBe(true);

        // Same value: the digests match, nothing to do.
        const rerun = await deployEas([file, '--endpoint', url, ...FAST], env);
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(rerun.stdout).toContain('= chat_s (chat-s): no change');

        // Rotated value: an update whose change shows digests only.
        kms.secrets.set(REF, ROTATED);
        const rotated = await deployEas([file, '--endpoint', url, ...FAST, '--output', 'json'], env);
        expect(rotated.code, rotated.stderr).toBe(0);
        expect(everything(rotated)).not.toContain(VALUE);
        expect(everything(rotated)).not.toContain(ROTATED);
        const doc = JSON.parse(rotated.stdout);
        expect(doc.plan[0].action).toBe('update');
        expect(JSON.stringify(doc.plan[0].changes)).toMatch(/sha256:[0-9a-f]{16}/);
        expect((server.services.get('chat_s')!.config.containers as Array<{ env: Array<{ name: string; value: string }> }>)[0]!.env).toContainEqual({ name: 'HF_TOKEN', value: ROTATED });
      });
    });
  });

  it('a secret KMS does not know is IS5501 with a fix, exit 1, and nothing is created', async () => {
    await withKms(async (_kms, kmsUrl) => {
      await withFake({}, async (server, url) => {
        const r = await deployEas([specFile(secretSpec('chat-t')), '--endpoint', url, ...FAST], { ...credentialsEnv(), INFERSTACK_KMS_ENDPOINT: kmsUrl });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('IS5501');
        expect(r.stderr).toContain('Forbidden.ResourceNotFound');
        expect(r.stderr).toContain('kms:GetSecretValue');
        expect(server.writeCalls()).toHaveLength(0);
      });
    });
  });
});
