/**
 * Application Auto Scaling for SageMaker variants, serverless provisioned concurrency and inference components, as
 * pure L1 property functions (no aws-cdk-lib at run time), shared by the CDK construct (autoscaling.ts) and the
 * direct cloud-assembly writer (direct/).
 * Target tracking metrics: https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 */
import type { CfnScalableTarget, CfnScalableTargetProps, CfnScalingPolicy, CfnScalingPolicyProps } from 'aws-cdk-lib/aws-applicationautoscaling';
import type { CfnAlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import type { DeploymentIR, ScheduleIR } from '../../lib/ir';
import { awsCronExpression } from '../../lib/normalize/scaling';
import { DEFAULT_VARIANT } from './containers';
import { endpointNameOf, inferenceComponentName, scalesToZero } from './deployment-properties';

export type ScalingTargetKind = 'variant' | 'provisioned-concurrency' | 'inference-component';

/** What is scaled, for one deployment. */
export interface ScalingSubject {
  readonly deployment: DeploymentIR;
  readonly kind: ScalingTargetKind;
  readonly endpointName: string;
  readonly variantName: string;
  /** Required for inference components. */
  readonly inferenceComponentName?: string;
}

/** The deployment's scaling subject, or none when it does not scale. */
export function scalingSubjectOf(ir: DeploymentIR): ScalingSubject | undefined {
  const scaleToZero = scalesToZero(ir);
  if (!ir.scaling.enabled && !scaleToZero) return undefined;
  return {
    deployment: ir,
    kind: scaleToZero ? 'inference-component' : ir.mode === 'serverless' ? 'provisioned-concurrency' : 'variant',
    endpointName: endpointNameOf(ir),
    variantName: DEFAULT_VARIANT,
    ...(scaleToZero ? { inferenceComponentName: inferenceComponentName(ir) } : {}),
  };
}

/** A 5-field cron as an Application Auto Scaling `cron(min hour dom month dow year)` expression (weekdays converted). */
export function applicationAutoScalingCron(cron: string): string {
  const converted = awsCronExpression(cron);
  // The normalizer reports crons that cannot be converted (IS3200, IS2025); reaching here with one is a bug.
  if (!converted.ok) throw new Error(`cron "${cron}" cannot be expressed for Application Auto Scaling (${converted.reason})`);
  return converted.expression;
}

function capacity(subject: ScalingSubject): { min: number; max: number } {
  const s = subject.deployment.scaling;
  if (subject.kind !== 'provisioned-concurrency') return { min: s.min, max: s.max };
  return { min: Math.max(1, s.min), max: Math.min(s.max, subject.deployment.serverless?.maxConcurrency ?? s.max) };
}

export function scalableTargetProperties(subject: ScalingSubject): CfnScalableTargetProps {
  const s = subject.deployment.scaling;
  const { resourceId, dimension } = scalingTarget(subject);
  const { min, max } = capacity(subject);
  return {
    serviceNamespace: 'sagemaker',
    resourceId,
    scalableDimension: dimension,
    minCapacity: min,
    maxCapacity: max,
    ...(s.schedule.length > 0 ? { scheduledActions: s.schedule.map((entry, i) => scheduledAction(entry, i, min, max)) } : {}),
  };
}

export function targetTrackingProperties(subject: ScalingSubject, scalingTargetId: string): CfnScalingPolicyProps {
  const ir = subject.deployment;
  const s = ir.scaling;
  return {
    policyName: `${subject.endpointName}-${s.metric}`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: targetValue(ir, subject.kind),
      scaleInCooldown: s.scaleInCooldownSeconds,
      scaleOutCooldown: s.scaleOutCooldownSeconds,
      ...metricSpecification(ir, subject),
    },
  };
}

/**
 * Target tracking cannot leave zero instances (there is no per-instance metric to track): a step policy driven by
 * an alarm on requests that found no capacity adds the first instance.
 */
export function wakesFromZero(subject: ScalingSubject): boolean {
  return subject.deployment.scaling.min === 0 && (subject.kind === 'inference-component' || subject.deployment.mode === 'async');
}

export function scaleOutFromZeroProperties(subject: ScalingSubject, scalingTargetId: string): CfnScalingPolicyProps {
  return {
    policyName: `${subject.endpointName}-scale-out-from-zero`,
    policyType: 'StepScaling',
    scalingTargetId,
    stepScalingPolicyConfiguration: {
      adjustmentType: 'ChangeInCapacity',
      cooldown: subject.deployment.scaling.scaleOutCooldownSeconds,
      metricAggregationType: 'Maximum',
      stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }],
    },
  };
}

export function noCapacityAlarmProperties(subject: ScalingSubject, stepPolicyArn: string): CfnAlarmProps {
  const ic = subject.kind === 'inference-component';
  return {
    alarmDescription: ic
      ? `Invocations of ${subject.endpointName} failed for lack of capacity: add a copy (scale out from zero)`
      : `Requests are queued on ${subject.endpointName} with no instance running: add one (scale out from zero)`,
    namespace: 'AWS/SageMaker',
    metricName: ic ? 'NoCapacityInvocationFailures' : 'HasBacklogWithoutCapacity',
    dimensions: ic ? [{ name: 'InferenceComponentName', value: subject.inferenceComponentName! }] : [{ name: 'EndpointName', value: subject.endpointName }],
    statistic: ic ? 'Sum' : 'Average',
    period: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'missing',
    alarmActions: [stepPolicyArn],
  };
}

function scalingTarget(subject: ScalingSubject): { resourceId: string; dimension: string } {
  switch (subject.kind) {
    case 'variant':
      return { resourceId: `endpoint/${subject.endpointName}/variant/${subject.variantName}`, dimension: 'sagemaker:variant:DesiredInstanceCount' };
    case 'provisioned-concurrency':
      return { resourceId: `endpoint/${subject.endpointName}/variant/${subject.variantName}`, dimension: 'sagemaker:variant:DesiredProvisionedConcurrency' };
    case 'inference-component':
      return { resourceId: `inference-component/${subject.inferenceComponentName}`, dimension: 'sagemaker:inference-component:DesiredCopyCount' };
  }
}

function scheduledAction(entry: ScheduleIR, index: number, min: number, max: number): CfnScalableTarget.ScheduledActionProperty {
  const lower = entry.min ?? min;
  const upper = Math.max(entry.max ?? max, lower);
  return {
    scheduledActionName: `schedule-${index + 1}`,
    schedule: applicationAutoScalingCron(entry.cron),
    timezone: entry.timezone,
    scalableTargetAction: { minCapacity: lower, maxCapacity: upper },
  };
}

/** The target value in the unit of the metric SageMaker publishes. */
export function targetValue(ir: DeploymentIR, kind: ScalingTargetKind): number {
  const s = ir.scaling;
  if (kind === 'provisioned-concurrency') return Math.min(1, Math.max(0.1, s.target > 1 ? s.target / 100 : s.target));
  switch (s.metric) {
    case 'qps':
      return s.target * 60; // InvocationsPerInstance is per minute
    case 'gpu-utilization':
      return s.target * Math.max(1, ir.instance?.count ?? 1); // GPUUtilization sums over the instance's GPUs
    case 'cpu-utilization':
      return s.target * Math.max(1, ir.instance?.vcpu ?? 1); // CPUUtilization sums over vCPUs
    default:
      return s.target;
  }
}

function metricSpecification(ir: DeploymentIR, subject: ScalingSubject): Partial<CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty> {
  if (subject.kind === 'provisioned-concurrency') {
    return { predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' } };
  }
  const metric = ir.scaling.metric;
  if (subject.kind === 'inference-component') {
    return {
      predefinedMetricSpecification: {
        predefinedMetricType: metric === 'concurrency' ? 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' : 'SageMakerInferenceComponentInvocationsPerCopy',
      },
    };
  }
  const dims = [
    { name: 'EndpointName', value: subject.endpointName },
    { name: 'VariantName', value: subject.variantName },
  ];
  switch (metric) {
    case 'concurrency':
      return { predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution' } };
    case 'invocations':
    case 'qps':
      return { predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } };
    case 'gpu-utilization':
      return { customizedMetricSpecification: { namespace: '/aws/sagemaker/Endpoints', metricName: 'GPUUtilization', statistic: 'Average', dimensions: dims } };
    case 'cpu-utilization':
      return { customizedMetricSpecification: { namespace: '/aws/sagemaker/Endpoints', metricName: 'CPUUtilization', statistic: 'Average', dimensions: dims } };
    case 'backlog':
      return {
        customizedMetricSpecification: {
          namespace: 'AWS/SageMaker',
          metricName: 'ApproximateBacklogSizePerInstance',
          statistic: 'Average',
          dimensions: [{ name: 'EndpointName', value: subject.endpointName }],
        },
      };
  }
}
