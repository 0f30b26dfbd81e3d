/**
 * Application Auto Scaling for SageMaker variants, serverless provisioned concurrency and inference
 * components, as L1 resources so every property is explicit in the template.
 * Target tracking metrics: https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-add-code-define.html
 */
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CfnResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { DeploymentIR, ScheduleIR } from '../../lib/ir';
import { awsCronExpression } from '../../lib/normalize/scaling';

export type ScalingTargetKind = 'variant' | 'provisioned-concurrency' | 'inference-component';

export interface EndpointScalingProps {
  readonly deployment: DeploymentIR;
  readonly kind: ScalingTargetKind;
  readonly endpointName: string;
  readonly variantName: string;
  /** Required for inference components. */
  readonly inferenceComponentName?: string;
  /** The resource the scalable target must wait for (endpoint or inference component). */
  readonly dependsOn: CfnResource;
}

/** A 5-field cron as an Application Auto Scaling `cron(min hour dom month dow year)` expression (weekdays converted). */
export function applicationAutoScalingCron(cron: string): string {
  const converted = awsCronExpression(cron);
  // The normalizer reports crons that cannot be converted (IS3200, IS2025); reaching here with one is a bug.
  if (!converted.ok) throw new Error(`cron "${cron}" cannot be expressed for Application Auto Scaling (${converted.reason})`);
  return converted.expression;
}

export class EndpointScaling extends Construct {
  readonly target: appscaling.CfnScalableTarget;

  constructor(scope: Construct, id: string, props: EndpointScalingProps) {
    super(scope, id);
    const ir = props.deployment;
    const s = ir.scaling;
    const { resourceId, dimension } = scalingTarget(props);
    const min = props.kind === 'provisioned-concurrency' ? Math.max(1, s.min) : s.min;
    const max = props.kind === 'provisioned-concurrency' ? Math.min(s.max, ir.serverless?.maxConcurrency ?? s.max) : s.max;
    this.target = new appscaling.CfnScalableTarget(this, 'Target', {
      serviceNamespace: 'sagemaker',
      resourceId,
      scalableDimension: dimension,
      minCapacity: min,
      maxCapacity: max,
      ...(s.schedule.length > 0 ? { scheduledActions: s.schedule.map((entry, i) => scheduledAction(entry, i, min, max)) } : {}),
    });
    this.target.node.addDependency(props.dependsOn);

    new appscaling.CfnScalingPolicy(this, 'TargetTracking', {
      policyName: `${props.endpointName}-${s.metric}`,
      policyType: 'TargetTrackingScaling',
      scalingTargetId: this.target.ref,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: targetValue(ir, props.kind),
        scaleInCooldown: s.scaleInCooldownSeconds,
        scaleOutCooldown: s.scaleOutCooldownSeconds,
        ...metricSpecification(ir, props),
      },
    });

    if (s.min === 0 && (props.kind === 'inference-component' || ir.mode === 'async')) {
      this.wakeFromZero(props);
    }
  }

  /**
   * Target tracking cannot leave zero instances (there is no per-instance metric to track): a step policy driven
   * by an alarm on requests that found no capacity adds the first instance.
   */
  private wakeFromZero(props: EndpointScalingProps): void {
    const ir = props.deployment;
    const step = new appscaling.CfnScalingPolicy(this, 'ScaleOutFromZero', {
      policyName: `${props.endpointName}-scale-out-from-zero`,
      policyType: 'StepScaling',
      scalingTargetId: this.target.ref,
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ChangeInCapacity',
        cooldown: ir.scaling.scaleOutCooldownSeconds,
        metricAggregationType: 'Maximum',
        stepAdjustments: [{ metricIntervalLowerBound: 0, scalingAdjustment: 1 }],
      },
    });
    const ic = props.kind === 'inference-component';
    new cloudwatch.CfnAlarm(this, 'NoCapacityAlarm', {
      alarmDescription: ic
        ? `Invocations of ${props.endpointName} failed for lack of capacity: add a copy (scale out from zero)`
        : `Requests are queued on ${props.endpointName} with no instance running: add one (scale out from zero)`,
      namespace: 'AWS/SageMaker',
      metricName: ic ? 'NoCapacityInvocationFailures' : 'HasBacklogWithoutCapacity',
      dimensions: ic ? [{ name: 'InferenceComponentName', value: props.inferenceComponentName! }] : [{ name: 'EndpointName', value: props.endpointName }],
      statistic: ic ? 'Sum' : 'Average',
      period: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'missing',
      alarmActions: [step.ref],
    });
  }
}

function scalingTarget(props: EndpointScalingProps): { resourceId: string; dimension: string } {
  switch (props.kind) {
    case 'variant':
      return { resourceId: `endpoint/${props.endpointName}/variant/${props.variantName}`, dimension: 'sagemaker:variant:DesiredInstanceCount' };
    case 'provisioned-concurrency':
      return { resourceId: `endpoint/${props.endpointName}/variant/${props.variantName}`, dimension: 'sagemaker:variant:DesiredProvisionedConcurrency' };
    case 'inference-component':
      return { resourceId: `inference-component/${props.inferenceComponentName}`, dimension: 'sagemaker:inference-component:DesiredCopyCount' };
  }
}

function scheduledAction(entry: ScheduleIR, index: number, min: number, max: number): appscaling.CfnScalableTarget.ScheduledActionProperty {
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

function metricSpecification(ir: DeploymentIR, props: EndpointScalingProps): Partial<appscaling.CfnScalingPolicy.TargetTrackingScalingPolicyConfigurationProperty> {
  if (props.kind === 'provisioned-concurrency') {
    return { predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' } };
  }
  const metric = ir.scaling.metric;
  if (props.kind === 'inference-component') {
    return {
      predefinedMetricSpecification: {
        predefinedMetricType: metric === 'concurrency' ? 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' : 'SageMakerInferenceComponentInvocationsPerCopy',
      },
    };
  }
  const dims = [
    { name: 'EndpointName', value: props.endpointName },
    { name: 'VariantName', value: props.variantName },
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
          dimensions: [{ name: 'EndpointName', value: props.endpointName }],
        },
      };
  }
}
