/**
 * Which runs give up V8's optimizing compiler (lib/cli/compiler-tiers.ts): a plain synthesis does; one that runs
 * aws-cdk-lib for seconds (--validate, --via cdk) and every other command keep it.
 */
import { describe, expect, it } from 'vitest';
import { prefersBaselineCode } from '../../lib/cli/compiler-tiers';

describe('prefersBaselineCode', () => {
  it('is chosen for synth through the direct writer (default or --via auto)', () => {
    expect(prefersBaselineCode('synth', {})).toBe(true);
    expect(prefersBaselineCode('synth', { via: 'auto', validate: false })).toBe(true);
  });

  it('is not chosen for synth --validate or --via cdk', () => {
    expect(prefersBaselineCode('synth', { validate: true })).toBe(false);
    expect(prefersBaselineCode('synth', { via: 'cdk' })).toBe(false);
  });

  it('is not chosen for other commands', () => {
    for (const command of ['plan', 'validate', 'diff', 'fit', 'status', 'invoke']) expect(prefersBaselineCode(command, {})).toBe(false);
  });
});
