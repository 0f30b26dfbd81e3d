/**
 * The hand-written baseline: an aws-cdk-lib app that builds, with L1 constructs directly, the same resources
 * inferstack synthesizes for the benchmark spec (role, managed policy, model, endpoint config, endpoint, scalable
 * target, scaling policy, three outputs, the same tags) — what a team would write by hand without inferstack.
 *
 *   node dist/bench/baseline-synth-app.js <deployments> <outdir>
 */
import { App, CfnOutput, Stack, Tags } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';

const [countArg, outdir] = process.argv.slice(2);
const count = Number(countArg);
const app = new App({ outdir: outdir!, analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': true, 'aws:cdk:enable-asset-metadata': true } });
const image = '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124';

for (let i = 0; i < count; i++) {
  const name = `llm-${String(i).padStart(4, '0')}`;
  const stack = new Stack(app, `Llm${String(i).padStart(4, '0')}`, { stackName: `bench-${name}`, env: { region: 'us-east-1' } });
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const policy = new iam.ManagedPolicy(stack, 'Policy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: ['arn:aws:ecr:us-east-1:763104351884:repository/djl-inference'] }),
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::bench-models/${name}/*`] }),
      new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: ['arn:aws:s3:::bench-models'], conditions: { StringLike: { 's3:prefix': [`${name}/*`] } } }),
      new iam.PolicyStatement({ actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [`arn:aws:logs:us-east-1:${stack.account}:log-group:/aws/sagemaker/Endpoints/${name}:*`] }),
    ],
  });
  const model = new sagemaker.CfnModel(stack, 'Model', {
    executionRoleArn: role.roleArn,
    primaryContainer: {
      image,
      modelDataSource: { s3DataSource: { s3Uri: `s3://bench-models/${name}/`, s3DataType: 'S3Prefix', compressionType: 'None' } },
      environment: { OPTION_ROLLING_BATCH: 'vllm', OPTION_TENSOR_PARALLEL_DEGREE: '1', OPTION_MAX_ROLLING_BATCH_SIZE: '8', OPTION_MAX_MODEL_LEN: '8192', OPTION_DTYPE: 'bf16', OPTION_MODEL_LOADING_TIMEOUT: '884' },
    },
  });
  model.node.addDependency(policy);
  const config = new sagemaker.CfnEndpointConfig(stack, 'Config', {
    productionVariants: [{ variantName: 'AllTraffic', modelName: model.attrModelName, instanceType: 'ml.g5.xlarge', initialInstanceCount: 1, initialVariantWeight: 1, containerStartupHealthCheckTimeoutInSeconds: 884, modelDataDownloadTimeoutInSeconds: 884, routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' } }],
  });
  const endpoint = new sagemaker.CfnEndpoint(stack, 'Endpoint', { endpointName: name, endpointConfigName: config.attrEndpointConfigName, retainAllVariantProperties: true });
  const target = new appscaling.CfnScalableTarget(stack, 'Target', { serviceNamespace: 'sagemaker', resourceId: `endpoint/${name}/variant/AllTraffic`, scalableDimension: 'sagemaker:variant:DesiredInstanceCount', minCapacity: 1, maxCapacity: 4 });
  target.node.addDependency(endpoint);
  new appscaling.CfnScalingPolicy(stack, 'Policy2', {
    policyName: `${name}-qps`,
    policyType: 'TargetTrackingScaling',
    scalingTargetId: target.ref,
    targetTrackingScalingPolicyConfiguration: { targetValue: 240, predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, scaleInCooldown: 300, scaleOutCooldown: 60 },
  });
  new CfnOutput(stack, 'EndpointName', { value: endpoint.attrEndpointName });
  new CfnOutput(stack, 'EndpointArn', { value: endpoint.ref });
  new CfnOutput(stack, 'InvokeCommand', { value: `aws sagemaker-runtime invoke-endpoint --endpoint-name ${name}` });
  Tags.of(stack).add('managed-by', 'inferstack');
  Tags.of(stack).add('inferstack-deployment', name);
  Tags.of(stack).add('inferstack-version', '0.1.0');
}
app.synth();
