/**
 * Application Auto Scaling for SageMaker variants, serverless provisioned concurrency and inference components, as
 * L1 resources so every property is explicit in the template. The properties come from scaling-properties.ts.
 */
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CfnResource } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { noCapacityAlarmProperties, scalableTargetProperties, scaleOutFromZeroProperties, ScalingSubject, targetTrackingProperties, wakesFromZero } from './scaling-properties';

export { applicationAutoScalingCron, targetValue } from './scaling-properties';
export type { ScalingTargetKind } from './scaling-properties';

export interface EndpointScalingProps extends ScalingSubject {
  /** The resource the scalable target must wait for (endpoint or inference component). */
  readonly dependsOn: CfnResource;
}

export class EndpointScaling extends Construct {
  readonly target: appscaling.CfnScalableTarget;

  constructor(scope: Construct, id: string, props: EndpointScalingProps) {
    super(scope, id);
    this.target = new appscaling.CfnScalableTarget(this, 'Target', scalableTargetProperties(props));
    this.target.node.addDependency(props.dependsOn);
    new appscaling.CfnScalingPolicy(this, 'TargetTracking', targetTrackingProperties(props, this.target.ref));
    if (wakesFromZero(props)) {
      const step = new appscaling.CfnScalingPolicy(this, 'ScaleOutFromZero', scaleOutFromZeroProperties(props, this.target.ref));
      new cloudwatch.CfnAlarm(this, 'NoCapacityAlarm', noCapacityAlarmProperties(props, step.ref));
    }
  }
}
