/** cdk.json configures every feature flag aws-cdk-lib recommends, with the values inferstack synthesizes with. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { FEATURE_FLAGS, FLAG_EXCEPTIONS } from '../../providers/aws/feature-flags';
import { ROOT } from '../helpers/paths';

const context = (JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

describe('cdk.json feature flags', () => {
  it('configures every recommended flag (the CDK CLI warned about 85 unset ones)', () => {
    const missing = Object.keys(CURRENTLY_RECOMMENDED_FLAGS).filter((k) => !(k in context));
    expect(missing).toEqual([]);
  });
  it('holds exactly the values `inferstack synth` passes, so both write the same templates', () => {
    for (const [k, v] of Object.entries(FEATURE_FLAGS)) expect(context[k], k).toEqual(v);
    // Besides the flags: the default spec and inferstack's own switches (inferstack:validate).
    expect(Object.keys(context).filter((k) => k !== 'spec' && !k.startsWith('inferstack:') && !(k in FEATURE_FLAGS))).toEqual([]);
  });
  it('departs from the recommendation only where documented', () => {
    const departures = Object.keys(CURRENTLY_RECOMMENDED_FLAGS).filter((k) => JSON.stringify(context[k]) !== JSON.stringify(CURRENTLY_RECOMMENDED_FLAGS[k]));
    expect(departures.sort()).toEqual(Object.keys(FLAG_EXCEPTIONS).sort());
    const source = fs.readFileSync(path.join(ROOT, 'providers', 'aws', 'feature-flags.ts'), 'utf8');
    for (const k of departures) expect(source).toContain(k.split(':')[1]!);
  });
});
