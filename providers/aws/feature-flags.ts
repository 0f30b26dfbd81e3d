/**
 * The CDK feature flags inferstack synthesizes with: the flags aws-cdk-lib recommends at the pinned version
 * (`cx-api` CURRENTLY_RECOMMENDED_FLAGS, the set `cdk init` writes into a new project's cdk.json). cdk.json carries
 * the same values, so `cdk synth` (which reads cdk.json) and `inferstack synth` (which passes these as context)
 * write the same templates, and the CDK CLI has no unset flag to warn about. tests/aws/feature-flags.test.ts keeps
 * cdk.json in step when aws-cdk-lib is upgraded.
 */
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

/**
 * Flags set against the recommendation, each with why. Explicit values count as configured for the CDK CLI.
 * - minimizePolicies merges statements (and drops their Sids): the execution role is reviewed statement by
 *   statement (PullServingImages, ReadModelArtifacts, ...), and its cdk-nag acknowledgements are per resource.
 */
export const FLAG_EXCEPTIONS: Readonly<Record<string, unknown>> = { '@aws-cdk/aws-iam:minimizePolicies': false };

export const FEATURE_FLAGS: Readonly<Record<string, unknown>> = { ...CURRENTLY_RECOMMENDED_FLAGS, ...FLAG_EXCEPTIONS };
