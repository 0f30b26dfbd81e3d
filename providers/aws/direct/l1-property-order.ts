/**
 * The order in which each L1 class lists its properties (its generated `cfnProperties` getter), which is the order
 * tree.json shows them in (core/lib/cfn-resource.ts, CfnResource.inspect; e.g.
 * aws-sagemaker/lib/sagemaker.generated.ts, CfnModel.cfnProperties; v2.276.0). Nested values keep the order the
 * property functions build them in. tests/aws/direct-assembly.test.ts checks these lists against the installed
 * aws-cdk-lib.
 */
export const L1_PROPERTY_ORDER: Readonly<Record<string, readonly string[]>> = {
  'AWS::SageMaker::Model': ['containers', 'enableNetworkIsolation', 'executionRoleArn', 'inferenceExecutionConfig', 'modelName', 'primaryContainer', 'tags', 'vpcConfig'],
  'AWS::SageMaker::EndpointConfig': ['asyncInferenceConfig', 'dataCaptureConfig', 'enableNetworkIsolation', 'endpointConfigName', 'executionRoleArn', 'explainerConfig', 'kmsKeyId', 'metricsConfig', 'productionVariants', 'shadowProductionVariants', 'tags', 'vpcConfig'],
  'AWS::SageMaker::Endpoint': ['deploymentConfig', 'endpointConfigName', 'endpointName', 'excludeRetainedVariantProperties', 'retainAllVariantProperties', 'retainDeploymentConfig', 'tags'],
  'AWS::SageMaker::InferenceComponent': ['tags', 'deploymentConfig', 'endpointArn', 'endpointName', 'inferenceComponentName', 'runtimeConfig', 'specification', 'specifications', 'variantName'],
  'AWS::IAM::Role': ['assumeRolePolicyDocument', 'description', 'managedPolicyArns', 'maxSessionDuration', 'path', 'permissionsBoundary', 'policies', 'roleName', 'tags'],
  'AWS::IAM::ManagedPolicy': ['description', 'groups', 'managedPolicyName', 'path', 'policyDocument', 'roles', 'users'],
  'AWS::KMS::Key': ['bypassPolicyLockoutSafetyCheck', 'description', 'enabled', 'enableKeyRotation', 'keyPolicy', 'keySpec', 'keyUsage', 'multiRegion', 'origin', 'pendingWindowInDays', 'rotationPeriodInDays', 'tags'],
  'AWS::ApplicationAutoScaling::ScalableTarget': ['tags', 'maxCapacity', 'minCapacity', 'resourceId', 'roleArn', 'scalableDimension', 'scheduledActions', 'serviceNamespace', 'suspendedState'],
  'AWS::ApplicationAutoScaling::ScalingPolicy': ['policyName', 'policyType', 'predictiveScalingPolicyConfiguration', 'resourceId', 'scalableDimension', 'scalingTargetId', 'serviceNamespace', 'stepScalingPolicyConfiguration', 'targetTrackingScalingPolicyConfiguration'],
  'AWS::CloudWatch::Alarm': ['actionConfiguration', 'actionsEnabled', 'alarmActions', 'alarmDescription', 'alarmName', 'tags', 'comparisonOperator', 'datapointsToAlarm', 'dimensions', 'evaluateLowSampleCountPercentile', 'evaluationCriteria', 'evaluationInterval', 'evaluationPeriods', 'evaluationWindow', 'extendedStatistic', 'insufficientDataActions', 'metricName', 'metrics', 'namespace', 'okActions', 'period', 'statistic', 'threshold', 'thresholdMetricId', 'treatMissingData', 'unit', 'warmUpConfiguration'],
};

/** `props` with its top-level keys in the L1 class's order (a key the class does not know is an error). */
export function inL1Order(type: string, props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const order = L1_PROPERTY_ORDER[type];
  if (!order) throw new Error(`no L1 property order for ${type}`);
  const unknown = Object.keys(props).filter((k) => !order.includes(k));
  if (unknown.length > 0) throw new Error(`${type} has no L1 properties ${unknown.join(', ')}`);
  return Object.fromEntries(order.filter((k) => props[k] !== undefined).map((k) => [k, props[k]]));
}
