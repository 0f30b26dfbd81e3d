/**
 * The bootstrap-version parameter and rule DefaultStackSynthesizer adds to every stack
 * (core/lib/stack-synthesizers/default-synthesizer.ts and stack-synthesizer.ts, addBootstrapVersionRule, v2.276.0),
 * with the default qualifier and the minimum bootstrap version 6.
 */
export const QUALIFIER = 'hnb659fds';
export const REQUIRED_BOOTSTRAP_VERSION = 6;
export const LOOKUP_ROLE_BOOTSTRAP_VERSION = 8;
export const BOOTSTRAP_VERSION_PARAMETER = `/cdk-bootstrap/${QUALIFIER}/version`;

export function bootstrapParameter(): Record<string, unknown> {
  return {
    Type: 'AWS::SSM::Parameter::Value<String>',
    Default: BOOTSTRAP_VERSION_PARAMETER,
    Description: 'Version of the CDK Bootstrap resources in this environment, automatically retrieved from SSM Parameter Store. [cdk:skip]',
  };
}

export function bootstrapRule(): Record<string, unknown> {
  const olderVersions = Array.from({ length: REQUIRED_BOOTSTRAP_VERSION - 1 }, (_, i) => String(i + 1));
  return {
    Assertions: [
      {
        Assert: { 'Fn::Not': [{ 'Fn::Contains': [olderVersions, { Ref: 'BootstrapVersion' }] }] },
        AssertDescription: `CDK bootstrap stack version ${REQUIRED_BOOTSTRAP_VERSION} required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.`,
      },
    ],
  };
}
