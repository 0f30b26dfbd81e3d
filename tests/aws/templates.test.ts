import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compileSpecFile } from '../../lib/compile';
import { EXAMPLES } from '../helpers/paths';
import { exampleTemplate, inlineTemplate, nagErrors, stacksFor } from './helpers';
import { Template } from 'aws-cdk-lib/assertions';

describe('SageMaker real-time LLM (LMI/vLLM)', () => {
  const t = exampleTemplate('qwen-chat.yaml');
  it('model: LMI image of the region, uncompressed S3 prefix as ModelDataSource, vLLM options', () => {
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.30.0-lmi12.0.0-cu124',
        ModelDataSource: { S3DataSource: { S3Uri: 's3://acme-models/qwen2.5-7b-instruct/', S3DataType: 'S3Prefix', CompressionType: 'None' } },
        Environment: Match.objectLike({ OPTION_ROLLING_BATCH: 'vllm', OPTION_MAX_MODEL_LEN: '8192', OPTION_MAX_ROLLING_BATCH_SIZE: '8', OPTION_TENSOR_PARALLEL_DEGREE: '1', OPTION_ENABLE_PREFIX_CACHING: 'true' }),
      },
    });
  });
  it('neither model nor endpoint config is named; the endpoint keeps a stable name', () => {
    const models = t.findResources('AWS::SageMaker::Model');
    for (const m of Object.values(models)) expect((m as { Properties: Record<string, unknown> }).Properties.ModelName).toBeUndefined();
    for (const c of Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))) expect((c as { Properties: Record<string, unknown> }).Properties.EndpointConfigName).toBeUndefined();
    t.hasResourceProperties('AWS::SageMaker::Endpoint', { EndpointName: 'qwen-chat', RetainAllVariantProperties: true });
  });
  it('startup timeouts sized for an LLM; LMI keeps its own 1800 s loading timeout when that is longer', () => {
    const env = Object.values(t.findResources('AWS::SageMaker::Model'))[0] as { Properties: { PrimaryContainer: { Environment: Record<string, string> } } };
    const variant = (Object.values(t.findResources('AWS::SageMaker::EndpointConfig'))[0] as { Properties: { ProductionVariants: Array<Record<string, unknown>> } }).Properties.ProductionVariants[0]!;
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.g5.xlarge', RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' } })],
    });
    const startup = variant.ContainerStartupHealthCheckTimeoutInSeconds as number;
    expect(startup).toBeGreaterThanOrEqual(600);
    expect(startup).toBeLessThanOrEqual(1800);
    expect(variant.ModelDataDownloadTimeoutInSeconds).toBe(startup);
    expect(env.Properties.PrimaryContainer.Environment.OPTION_MODEL_LOADING_TIMEOUT).toBeUndefined();
  });
  it('autoscaling: target tracking on invocations per instance (qps x 60), depends on the endpoint', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ResourceId: 'endpoint/qwen-chat/variant/AllTraffic', ScalableDimension: 'sagemaker:variant:DesiredInstanceCount', MinCapacity: 1, MaxCapacity: 4 });
    t.hasResource('AWS::ApplicationAutoScaling::ScalableTarget', { DependsOn: Match.arrayWith([Match.stringLikeRegexp('Endpoint')]) });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { TargetValue: 240, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleInCooldown: 300, ScaleOutCooldown: 60 },
    });
  });
  it('least-privilege role: no managed policy, ECR pull on the DLC repository, S3 read on the model prefix only', () => {
    t.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] }), ManagedPolicyArns: Match.absent() });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: 'arn:aws:ecr:us-east-1:763104351884:repository/djl-inference' }),
          Match.objectLike({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-models/qwen2.5-7b-instruct/*' }),
        ]),
      },
    });
  });
  it('outputs the endpoint name, ARN and how to call it', () => {
    t.hasOutput('*', { Description: 'SageMaker endpoint name' });
    t.hasOutput('*', { Description: 'How to call the endpoint' });
  });
});

describe('TGI on L4 and LMI Neuron on Inferentia2', () => {
  it('TGI env: HF_MODEL_ID from the artifacts, SM_NUM_GPUS, token limits; the AWQ checkpoint configures itself', () => {
    const t = exampleTemplate('tgi-llama.yaml');
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({
        Image: '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04',
        Environment: { HF_MODEL_ID: '/opt/ml/model', SM_NUM_GPUS: '1', MAX_TOTAL_TOKENS: '8192', MAX_INPUT_TOKENS: '6144', MAX_BATCH_SIZE: '12' },
      }),
    });
  });
  it('TGI scales on concurrent requests per model', () => {
    exampleTemplate('tgi-llama.yaml').hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantConcurrentRequestsPerModelHighResolution' }, TargetValue: 24 }),
    });
  });
  it('Neuron: neuronx LMI image, tensor parallel over NeuronCores, Neuron inference AMI', () => {
    const t = exampleTemplate('inferentia-llm.yaml');
    t.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: Match.objectLike({ Image: '763104351884.dkr.ecr.us-east-2.amazonaws.com/djl-inference:0.29.0-neuronx-sdk2.19.1', Environment: Match.objectLike({ OPTION_TENSOR_PARALLEL_DEGREE: '8', OPTION_ROLLING_BATCH: 'auto', OPTION_N_POSITIONS: '4096' }) }),
    });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InstanceType: 'ml.inf2.24xlarge', InferenceAmiVersion: 'al2-ami-sagemaker-inference-neuron-2' })] });
    // inf2 has no local NVMe: the volume is encrypted with a generated, rotating key
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { KmsKeyId: Match.anyValue() });
  });
});

describe('serverless, async, multi-model, pipeline, canary', () => {
  it('serverless: MemorySizeInMB, MaxConcurrency, provisioned concurrency and its autoscaling dimension; .tar.gz as ModelDataUrl', () => {
    const t = exampleTemplate('serverless-sklearn.yaml');
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: Match.anyValue(), ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 20, ProvisionedConcurrency: 2 } }] });
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', ModelDataUrl: 's3://acme-models/churn/model.tar.gz' }) });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'sagemaker:variant:DesiredProvisionedConcurrency', MinCapacity: 2, MaxCapacity: 10 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 0.7, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' } }) });
    t.resourceCountIs('AWS::KMS::Key', 0);
  });
  it('async: S3 output/failure, SNS notifications, concurrency per instance, backlog scaling to and from zero', () => {
    const t = exampleTemplate('async-diffusion.yaml');
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      AsyncInferenceConfig: {
        OutputConfig: Match.objectLike({
          S3OutputPath: 's3://acme-inference/sdxl/out/',
          S3FailurePath: 's3://acme-inference/sdxl/failed/',
          NotificationConfig: { SuccessTopic: 'arn:aws:sns:us-east-1:123456789012:sdxl-done', ErrorTopic: 'arn:aws:sns:us-east-1:123456789012:sdxl-failed' },
          KmsKeyId: Match.anyValue(),
        }),
        ClientConfig: { MaxConcurrentInvocationsPerInstance: 2 },
      },
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 4 });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ CustomizedMetricSpecification: { MetricName: 'ApproximateBacklogSizePerInstance', Namespace: 'AWS/SageMaker', Statistic: 'Average', Dimensions: [{ Name: 'EndpointName', Value: 'sdxl-async' }] } }),
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { PolicyType: 'StepScaling', StepScalingPolicyConfiguration: Match.objectLike({ StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }) });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HasBacklogWithoutCapacity', Namespace: 'AWS/SageMaker', AlarmActions: [Match.anyValue()] });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['s3:PutObject', 's3:AbortMultipartUpload'] }), Match.objectLike({ Action: 'sns:Publish' })]) },
    });
    t.hasOutput('*', { Value: 's3://acme-inference/sdxl/out/' });
  });
  it('multi-model: Mode MultiModel over the S3 prefix on the cheapest CPU type with 4 vCPU and 16 GiB, XGBoost container', () => {
    const t = exampleTemplate('xgboost-mme.yaml');
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Mode: 'MultiModel', ModelDataUrl: 's3://acme-models/fraud/per-customer/', Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1' }) });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ InstanceType: 'ml.m5.xlarge' })] });
  });
  it('serial pipeline: Containers in order with hostnames and InferenceExecutionConfig Serial', () => {
    const t = exampleTemplate('serial-pipeline.yaml');
    t.hasResourceProperties('AWS::SageMaker::Model', {
      Containers: [
        Match.objectLike({ ContainerHostname: 'featurize', ModelDataUrl: 's3://acme-models/credit/featurizer/model.tar.gz' }),
        Match.objectLike({ ContainerHostname: 'model', ModelDataUrl: 's3://acme-models/credit/xgb/model.tar.gz' }),
        Match.objectLike({ ContainerHostname: 'postprocess' }),
      ],
      InferenceExecutionConfig: { Mode: 'Serial' },
    });
  });
  it('canary rollout with auto-rollback alarms, data capture, TorchServe batching', () => {
    const t = exampleTemplate('canary-rollout.yaml');
    t.hasResourceProperties('AWS::SageMaker::Endpoint', {
      DeploymentConfig: {
        BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'CANARY', CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }, WaitIntervalInSeconds: 600 }, TerminationWaitInSeconds: 600 },
        AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'ranker-5xx-rate' }, { AlarmName: 'ranker-p99-latency' }] },
      },
    });
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      DataCaptureConfig: Match.objectLike({ EnableCapture: true, InitialSamplingPercentage: 10, DestinationS3Uri: 's3://acme-monitoring/ranker/capture/' }),
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.c6i.2xlarge', InitialInstanceCount: 4 })],
    });
    t.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Environment: { SAGEMAKER_TS_BATCH_SIZE: '32', SAGEMAKER_TS_MAX_BATCH_DELAY: '20' } }) });
  });
});

describe('real-time scale to zero through an inference component', () => {
  const t = inlineTemplate(`version: 1
deployments:
  zero-llm:
    model: { uri: "s3://m/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    llm: { maxConcurrentSequences: 8 }
    resources: { instanceType: ml.g5.2xlarge }
    scaling: { min: 0, max: 2, metric: concurrency, target: 6 }
    targets: { aws: { region: us-east-1 } }
`);
  it('managed instance scaling from 0 and a variant without a model', () => {
    t.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ExecutionRoleArn: Match.anyValue(),
      ProductionVariants: [Match.objectLike({ ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 }, ModelName: Match.absent() })],
    });
  });
  it('inference component with the model, accelerators and startup parameters', () => {
    t.hasResourceProperties('AWS::SageMaker::InferenceComponent', {
      InferenceComponentName: 'zero-llm-ic',
      VariantName: 'AllTraffic',
      Specification: Match.objectLike({ ComputeResourceRequirements: Match.objectLike({ NumberOfAcceleratorDevicesRequired: 1 }), StartupParameters: Match.anyValue() }),
      RuntimeConfig: { CopyCount: 1 },
    });
  });
  it('copy-count target from 0, and the NoCapacityInvocationFailures alarm + step policy that wakes it', () => {
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ResourceId: 'inference-component/zero-llm-ic', ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'NoCapacityInvocationFailures', Dimensions: [{ Name: 'InferenceComponentName', Value: 'zero-llm-ic' }], Statistic: 'Sum' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', { TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentConcurrentRequestsPerCopyHighResolution' } }) });
  });
});

describe('regions, VPC, scheduled scaling', () => {
  it('China regions resolve to their own registry account and the amazonaws.com.cn domain', () => {
    inlineTemplate(`version: 1
deployments:
  cn-llm:
    model: { uri: "s3://m/qwen/", task: text-generation, family: qwen2, parameters: 7.6B }
    llm: { maxConcurrentSequences: 4 }
    resources: { instanceType: ml.g5.2xlarge }
    targets: { aws: { region: cn-north-1 } }
`).hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ Image: '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/djl-inference:0.30.0-lmi12.0.0-cu124' }) });
  });
  it('VPC config on the model, ENI permissions on the role, schedules with time zones', () => {
    const t = inlineTemplate(`version: 1
deployments:
  vpc-svc:
    model: { uri: "s3://m/model.tar.gz", format: xgboost }
    network: { aws: { subnets: [subnet-0aa00000, subnet-0bb00000], securityGroups: [sg-0cc00000] } }
    security: { networkIsolation: true }
    scaling: { min: 1, max: 4, metric: cpu-utilization, target: 60, schedule: [ { cron: "0 8 * * 1-5", min: 3, timezone: Europe/Berlin } ] }
    targets: { aws: { region: eu-central-1 } }
`);
    t.hasResourceProperties('AWS::SageMaker::Model', { VpcConfig: { Subnets: ['subnet-0aa00000', 'subnet-0bb00000'], SecurityGroupIds: ['sg-0cc00000'] }, EnableNetworkIsolation: true });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'VpcNetworkInterfaces' })]) } });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [{ ScheduledActionName: 'schedule-1', Schedule: 'cron(0 8 ? * MON-FRI *)', Timezone: 'Europe/Berlin', ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 4 } }],
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ CustomizedMetricSpecification: Match.objectLike({ MetricName: 'CPUUtilization', Namespace: '/aws/sagemaker/Endpoints' }), TargetValue: 240 }),
    });
  });
});

const awsExamples = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml') && compileSpecFile(path.join(EXAMPLES, f)).deployments.some((d) => d.target === 'aws'));

describe('security on every AWS example', () => {
  it.each(awsExamples)('%s: cdk-nag AwsSolutions and HIPAA report no unsuppressed error', (file) => {
    expect(nagErrors(file)).toEqual([]);
  });
  it.each(awsExamples)('%s: no IAM action wildcard; "*" resources only where documented', (file) => {
    const t = exampleTemplate(file);
    for (const policy of Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as Array<{ Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown; Sid?: string }> } } }>) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        expect(actions.some((a) => a.includes('*'))).toBe(false);
        if (s.Resource === '*') expect(['EcrAuthorizationToken', 'VpcNetworkInterfaces', 'PublishEndpointMetrics']).toContain(s.Sid);
        if (s.Sid === 'PublishEndpointMetrics') expect(s).toMatchObject({ Action: 'cloudwatch:PutMetricData', Condition: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/Endpoints', '/aws/sagemaker/InferenceComponents'] } } });
      }
    }
  });
});

describe('reviewed template snapshots', () => {
  it.each(awsExamples)('%s', async (file) => {
    const r = compileSpecFile(path.join(EXAMPLES, file));
    for (const stack of stacksFor(r.deployments)) {
      await expect(`${JSON.stringify(Template.fromStack(stack).toJSON(), null, 1)}\n`).toMatchFileSnapshot(path.join(__dirname, '__snapshots__', `${stack.stackName}.template.json`));
    }
  });
});
