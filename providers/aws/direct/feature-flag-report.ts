/**
 * The feature-flag report artifact of manifest.json (core/lib/private/feature-flag-report.ts,
 * generateFeatureFlagReport, v2.276.0): every flag aws-cdk-lib knows except the expired ones, with the value the app
 * sets, the recommended value, the summary and, when set, how an unconfigured flag behaves in v2. The flag data is
 * aws-cdk-lib's own (cx-api/lib/features.ts, loaded through 'aws-cdk-lib/cx-api': four small modules, about 14 ms,
 * not the construct library) and the values are providers/aws/feature-flags.ts, which the CDK app passes as context.
 */
import { CURRENT_MV, CURRENT_VERSION_EXPIRED_FLAGS, FLAGS } from 'aws-cdk-lib/cx-api';

export function featureFlagReport(context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const [name, info] of Object.entries(FLAGS)) {
    if (CURRENT_VERSION_EXPIRED_FLAGS.includes(name)) continue;
    const v2 = (info.unconfiguredBehavesLike as Record<string, unknown> | undefined)?.[CURRENT_MV];
    flags[name] = { userValue: context[name], recommendedValue: info.recommendedValue, explanation: info.summary, unconfiguredBehavesLike: v2 ? { v2 } : undefined };
  }
  return { type: 'cdk:feature-flag-report', properties: { module: 'aws-cdk-lib', flags } };
}
