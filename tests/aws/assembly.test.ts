/** What the cloud assembly carries beyond the templates: no stack traces (cost, and this checkout's paths). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { AwsEmitter } from '../../providers/aws/emitter';
import { EXAMPLES, ROOT } from '../helpers/paths';

function metadataOf(example: string): string[] {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'assembly-'));
  new AwsEmitter().emit(compileSpecFile(path.join(EXAMPLES, example)).deployments, out, example);
  return fs
    .readdirSync(out)
    .filter((f) => f.endsWith('.metadata.json'))
    .map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
}

describe('cloud assembly metadata', () => {
  // async-diffusion: a generated KMS key and async outputs, so several acknowledgements
  const metadata = metadataOf('async-diffusion.yaml');

  it('keeps the cdk-nag acknowledgements, with their reasons', () => {
    expect(metadata.join('\n')).toContain('"aws:cdk:acknowledged-rules"');
    expect(metadata.join('\n')).toContain('AwsSolutions-IAM5');
  });

  it('has no creation stack traces and no path of this checkout (the same bytes on every machine)', () => {
    for (const m of metadata) {
      expect(m).not.toContain('aws:cdk:creationStack');
      expect(m).not.toContain(ROOT);
      expect(m).not.toContain('node_modules');
    }
  });

  it('cdk --debug (CDK_DEBUG=true) brings the creation stack traces back', () => {
    process.env.CDK_DEBUG = 'true';
    try {
      expect(metadataOf('qwen-chat.yaml').join('\n')).toContain('aws:cdk:creationStack');
    } finally {
      delete process.env.CDK_DEBUG;
    }
  });
});
