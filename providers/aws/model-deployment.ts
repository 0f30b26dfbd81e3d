/**
 * `ModelDeployment`: one SageMaker deployment (model, endpoint configuration, endpoint, autoscaling, role,
 * encryption) from an inferstack IR record. Usable in any CDK app:
 *
 *   new ModelDeployment(stack, 'Qwen', { deployment: ir });
 */
import { CfnOutput, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { DeploymentIR } from '../../lib/ir';
import { AheadOfTimeJob, planJob } from './ahead-of-time-job';
import { EndpointScaling } from './autoscaling';
import { DEFAULT_VARIANT, pipelineContainer, primaryContainer } from './containers';
import { familyOf, instanceType } from '../../lib/catalog/instances';
import { LOCAL_NVME_FAMILIES, NEURON_AMI_FAMILIES } from '../../lib/normalize/rules-aws-safety';
import { ExecutionRole } from './execution-role';

export interface ModelDeploymentProps {
  /** The normalized deployment (target aws). */
  readonly deployment: DeploymentIR;
  /**
   * Model artifact produced ahead of time (compilation or optimization job); replaces model.uri.
   * @default the deployment's model.uri
   */
  readonly artifactUri?: string;
  /** Serving image produced by an optimization job. @default the catalog image */
  readonly imageOverride?: string;
  /** Resources the model must wait for (e.g. the compilation custom resource). @default none */
  readonly modelDependencies?: readonly Construct[];
}

export { LOCAL_NVME_FAMILIES };
const NEURON_AMI = 'al2-ami-sagemaker-inference-neuron-2';

/** The instance families of every pool the variant may run on (the chosen type, then resources.fallback). */
export function variantFamilies(ir: DeploymentIR): string[] {
  return ir.instance ? [ir.instance.family, ...ir.fallbackInstanceTypes.map(familyOf)] : [];
}

export function endpointNameOf(ir: DeploymentIR): string {
  return ir.aws?.endpointName ?? ir.name;
}

export class ModelDeployment extends Construct {
  readonly endpoint: sagemaker.CfnEndpoint;
  readonly endpointConfig: sagemaker.CfnEndpointConfig;
  readonly model: sagemaker.CfnModel;
  readonly role?: iam.IRole;
  readonly key?: kms.IKey;
  readonly endpointName: string;
  /** The ahead-of-time job the model waits for, if the deployment needs one. */
  readonly job?: AheadOfTimeJob;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    const ir = props.deployment;
    if (ir.target !== 'aws' || !ir.aws) throw new Error(`ModelDeployment needs an aws deployment; "${ir.name}" targets ${ir.target}`);
    const aws = ir.aws;
    const region = Stack.of(this).region;
    this.endpointName = endpointNameOf(ir);
    const image = props.imageOverride ?? ir.engine.image;
    if (!image) throw new Error(`deployment "${ir.name}" has no serving image`);
    const artifactUri = ir.model.uri;

    // Encryption at rest: the spec's key, else a generated key with rotation. Instance types with local NVMe
    // storage cannot take a volume key (the storage is hardware-encrypted); serverless has no volume.
    const volumeKeyAllowed = ir.mode !== 'serverless' && !variantFamilies(ir).some((f) => (LOCAL_NVME_FAMILIES as readonly string[]).includes(f));
    const needsKey = volumeKeyAllowed || !!ir.async || !!ir.dataCapture;
    let keyArn: string | undefined = aws.kmsKey;
    if (!keyArn && needsKey) {
      const key = new kms.Key(this, 'Key', {
        enableKeyRotation: true,
        description: `Encrypts the storage and outputs of SageMaker endpoint ${this.endpointName}`,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.key = key;
      keyArn = key.keyArn;
    }

    // Ahead-of-time job (Neo compilation, quantization, TensorRT-LLM/Neuron compilation, EAGLE): the model waits for it.
    const jobPlan = props.artifactUri ? undefined : planJob(ir);
    const job = jobPlan ? new AheadOfTimeJob(this, 'AheadOfTime', { deployment: ir, plan: jobPlan, ...(keyArn ? { kmsKeyArn: keyArn } : {}) }) : undefined;
    this.job = job;
    const artifact = job ? { uri: job.artifactUri, kind: jobPlan!.artifactKind } : props.artifactUri ? { uri: props.artifactUri, kind: props.artifactUri.endsWith('.tar.gz') ? ('tar.gz' as const) : ('prefix' as const) } : undefined;
    // Optimization jobs recommend an image; a Neo compilation job names the image its artifact runs in (InferenceImage).
    const servingImage = props.imageOverride ?? (job ? job.inferenceImage : image);

    // Execution role
    let roleArn: string;
    let roleDependency: Construct | undefined;
    if (aws.role) {
      roleArn = aws.role;
    } else {
      const images = [image, ...(ir.pipeline ?? []).filter((s) => !s.isModel).map((s) => s.image!)];
      const reads = [artifactUri, ...(ir.async?.input ? [ir.async.input] : []), ...(jobPlan ? [jobPlan.outputUri] : []), ...(ir.pipeline ?? []).flatMap((s) => (s.modelUri ? [s.modelUri] : [])), ...(ir.speculative?.draftModel?.startsWith('s3://') ? [ir.speculative.draftModel] : [])];
      const writes = [ir.async?.output, ir.async?.failure, ir.dataCapture?.destination].filter((x): x is string => !!x);
      const topics = [ir.async?.notifySuccess, ir.async?.notifyError].filter((x): x is string => !!x);
      const role = new ExecutionRole(this, 'ExecutionRole', {
        imageRepositoryArns: images.map((uri) => repositoryArnOf(uri, region)).filter((x): x is string => !!x),
        readUris: reads.filter((u) => u.startsWith('s3://')),
        writeUris: writes,
        topicArns: topics,
        kmsKeyArns: keyArn ? [keyArn] : [],
        endpointName: this.endpointName,
        vpc: !!aws.subnets,
        bucketOwners: aws.bucketOwners,
        secretArns: (ir.secrets ?? []).map((secret) => secret.reference),
      });
      this.role = role.role;
      roleArn = role.role.roleArn;
      roleDependency = role;
    }

    // Model (never named: any change replaces it, and CloudFormation cannot replace a custom-named resource)
    const vpcConfig = aws.subnets ? { subnets: [...aws.subnets], securityGroupIds: [...aws.securityGroups!] } : undefined;
    const pipeline = ir.pipeline && ir.pipeline.length > 1 ? ir.pipeline : undefined;
    this.model = new sagemaker.CfnModel(this, 'Model', {
      executionRoleArn: roleArn,
      ...(pipeline
        ? {
            containers: pipeline.map((step) => (step.isModel ? { ...primaryContainer(ir, servingImage, artifact), containerHostname: 'model' } : pipelineContainer(step))),
            inferenceExecutionConfig: { mode: 'Serial' },
          }
        : { primaryContainer: primaryContainer(ir, servingImage, artifact) }),
      ...(ir.networkIsolation ? { enableNetworkIsolation: true } : {}),
      ...(vpcConfig ? { vpcConfig } : {}),
    });
    if (roleDependency) this.model.node.addDependency(roleDependency);
    for (const dep of props.modelDependencies ?? []) this.model.node.addDependency(dep);
    if (job) this.model.node.addDependency(job.resource);

    // Endpoint configuration (never named, for the same reason)
    const scaleToZero = ir.mode === 'realtime' && ir.scaling.min === 0;
    const variant: sagemaker.CfnEndpointConfig.ProductionVariantProperty = this.variant(ir, scaleToZero);
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', {
      productionVariants: [variant],
      ...(keyArn && volumeKeyAllowed ? { kmsKeyId: keyArn } : {}),
      ...(scaleToZero ? inferenceComponentHosting(roleArn, vpcConfig, ir.networkIsolation) : {}),
      ...(ir.async
        ? {
            asyncInferenceConfig: {
              outputConfig: {
                s3OutputPath: ir.async.output,
                ...(ir.async.failure ? { s3FailurePath: ir.async.failure } : {}),
                ...(keyArn ? { kmsKeyId: keyArn } : {}),
                ...(ir.async.notifySuccess || ir.async.notifyError
                  ? {
                      notificationConfig: {
                        ...(ir.async.notifySuccess ? { successTopic: ir.async.notifySuccess } : {}),
                        ...(ir.async.notifyError ? { errorTopic: ir.async.notifyError } : {}),
                      },
                    }
                  : {}),
              },
              ...(ir.async.maxConcurrentPerInstance ? { clientConfig: { maxConcurrentInvocationsPerInstance: ir.async.maxConcurrentPerInstance } } : {}),
            },
          }
        : {}),
      ...(ir.dataCapture
        ? {
            dataCaptureConfig: {
              enableCapture: true,
              initialSamplingPercentage: ir.dataCapture.percent,
              destinationS3Uri: ir.dataCapture.destination,
              captureOptions: [{ captureMode: 'Input' }, { captureMode: 'Output' }],
              ...(keyArn ? { kmsKeyId: keyArn } : {}),
            },
          }
        : {}),
    });
    if (!(keyArn && volumeKeyAllowed)) {
      Validations.of(this.endpointConfig).acknowledge({
        id: 'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured',
        reason:
          ir.mode === 'serverless'
            ? 'serverless endpoints have no ML storage volume to encrypt with a customer key'
            : `${[ir.instance?.type, ...ir.fallbackInstanceTypes].join(', ')}: local NVMe instance storage (in at least one pool), which SageMaker encrypts in hardware and for which it rejects a KmsKeyId`,
      });
    }
    if (!scaleToZero) this.endpointConfig.node.addDependency(this.model);

    // Endpoint: a stable name, so clients and alarms keep working across updates
    const scaling = ir.scaling.enabled;
    this.endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', {
      endpointName: this.endpointName,
      endpointConfigName: this.endpointConfig.attrEndpointConfigName,
      ...(scaling ? { retainAllVariantProperties: true } : {}),
      ...(deploymentConfig(ir) ? { deploymentConfig: deploymentConfig(ir) } : {}),
    });

    let scalingDependency: sagemaker.CfnEndpoint | sagemaker.CfnInferenceComponent = this.endpoint;
    let icName: string | undefined;
    if (scaleToZero) {
      icName = `${this.endpointName}-ic`;
      const ic = new sagemaker.CfnInferenceComponent(this, 'InferenceComponent', {
        inferenceComponentName: icName,
        endpointName: this.endpoint.attrEndpointName,
        variantName: DEFAULT_VARIANT,
        specification: {
          modelName: this.model.attrModelName,
          computeResourceRequirements: componentRequirements(ir),
          startupParameters: {
            modelDataDownloadTimeoutInSeconds: ir.timeouts.downloadSeconds,
            containerStartupHealthCheckTimeoutInSeconds: ir.timeouts.startupSeconds,
          },
        },
        runtimeConfig: { copyCount: 1 },
      });
      ic.node.addDependency(this.endpoint);
      ic.node.addDependency(this.model);
      scalingDependency = ic;
    }

    if (scaling || scaleToZero) {
      new EndpointScaling(this, 'Scaling', {
        deployment: ir,
        kind: scaleToZero ? 'inference-component' : ir.mode === 'serverless' ? 'provisioned-concurrency' : 'variant',
        endpointName: this.endpointName,
        variantName: DEFAULT_VARIANT,
        ...(icName ? { inferenceComponentName: icName } : {}),
        dependsOn: scalingDependency,
      });
    }

    new CfnOutput(this, 'EndpointName', { value: this.endpoint.attrEndpointName, description: 'SageMaker endpoint name' });
    new CfnOutput(this, 'EndpointArn', { value: this.endpoint.ref, description: 'SageMaker endpoint ARN' });
    const invoke = ir.async
      ? `aws sagemaker-runtime invoke-endpoint-async --endpoint-name ${this.endpointName} --input-location s3://... --region ${aws.region}`
      : ir.mode === 'multi-model'
        ? `aws sagemaker-runtime invoke-endpoint --endpoint-name ${this.endpointName} --target-model model-a.tar.gz --body fileb://input --region ${aws.region} out.json`
        : `aws sagemaker-runtime invoke-endpoint --endpoint-name ${this.endpointName} --content-type application/json --body fileb://request.json --region ${aws.region} out.json`;
    new CfnOutput(this, 'InvokeCommand', { value: invoke, description: 'How to call the endpoint' });
    if (ir.async) new CfnOutput(this, 'AsyncOutputPath', { value: ir.async.output, description: 'Where results are written' });
  }

  private variant(ir: DeploymentIR, scaleToZero: boolean): sagemaker.CfnEndpointConfig.ProductionVariantProperty {
    if (ir.mode === 'serverless') {
      const s = ir.serverless!;
      return {
        variantName: DEFAULT_VARIANT,
        modelName: this.model.attrModelName,
        serverlessConfig: {
          memorySizeInMb: s.memoryMb,
          maxConcurrency: s.maxConcurrency,
          ...(s.provisionedConcurrency !== undefined ? { provisionedConcurrency: s.provisionedConcurrency } : {}),
        },
      };
    }
    // The Neuron AMI is documented for Inferentia2 and Trainium only (not inf1): every pool must be one of those.
    const neuronAmi = ir.engine.device === 'neuron' && variantFamilies(ir).every((f) => (NEURON_AMI_FAMILIES as readonly string[]).includes(f));
    return {
      variantName: DEFAULT_VARIANT,
      ...(scaleToZero ? {} : { modelName: this.model.attrModelName }),
      ...instanceSelection(ir),
      ...(ir.volumeSizeGb !== undefined ? { volumeSizeInGb: ir.volumeSizeGb } : {}),
      initialInstanceCount: Math.max(1, ir.scaling.min),
      initialVariantWeight: 1,
      ...(ir.mode !== 'multi-model' && !scaleToZero
        ? {
            containerStartupHealthCheckTimeoutInSeconds: ir.timeouts.startupSeconds,
            modelDataDownloadTimeoutInSeconds: ir.timeouts.downloadSeconds,
          }
        : {}),
      ...(neuronAmi ? { inferenceAmiVersion: NEURON_AMI } : {}),
      ...(ir.model.generative ? { routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' } } : {}),
      ...(scaleToZero
        ? {
            managedInstanceScaling: { status: 'ENABLED', minInstanceCount: 0, maxInstanceCount: ir.scaling.max },
            routingConfig: { routingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
          }
        : {}),
    };
  }
}

/** What one inference-component copy asks for: what the smallest pool offers (a copy must fit every pool). */
export function componentRequirements(ir: DeploymentIR): sagemaker.CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty {
  const inst = ir.instance!;
  const pools = [inst, ...ir.fallbackInstanceTypes.map((t) => instanceType('aws', t)).filter((t): t is NonNullable<typeof t> => !!t)];
  const count = Math.min(...pools.map((p) => p.count));
  return {
    ...(count > 0 ? { numberOfAcceleratorDevicesRequired: count } : {}),
    numberOfCpuCoresRequired: Math.max(1, Math.min(...pools.map((p) => p.vcpu)) - 1),
    minMemoryRequiredInMb: Math.max(1024, Math.floor(Math.min(...pools.map((p) => p.memoryGiB)) * 1024 * 0.8)),
  };
}

/**
 * One instance type, or instance pools when resources.fallback names more: an ordered list of up to five types that
 * SageMaker provisions by priority (1 first) when capacity runs out
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-heterogeneous.html,
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_InstancePool.html). The pools replace InstanceType.
 */
export function instanceSelection(ir: DeploymentIR): Pick<sagemaker.CfnEndpointConfig.ProductionVariantProperty, 'instanceType' | 'instancePools'> {
  const types = [ir.instance!.type, ...ir.fallbackInstanceTypes];
  if (types.length === 1) return { instanceType: types[0]! };
  return { instancePools: types.map((instanceType, i) => ({ instanceType, priority: i + 1 })) };
}

/**
 * Inference-component endpoints take the execution role, the VPC and network isolation on the endpoint
 * configuration (the model is attached later by the component), as the SageMaker Python SDK does:
 * `Session.endpoint_from_production_variants(..., vpc_config=..., enable_network_isolation=...)` puts
 * `ExecutionRoleArn` (when no variant names a model), `VpcConfig` and `EnableNetworkIsolation` into
 * CreateEndpointConfig (github.com/aws/sagemaker-python-sdk v2.257.6, src/sagemaker/session.py; checked 2026-11-25;
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateEndpointConfig.html).
 */
export function inferenceComponentHosting(
  roleArn: string,
  vpcConfig: { subnets: string[]; securityGroupIds: string[] } | undefined,
  networkIsolation: boolean,
): Pick<sagemaker.CfnEndpointConfigProps, 'executionRoleArn' | 'vpcConfig' | 'enableNetworkIsolation'> {
  return { executionRoleArn: roleArn, ...(vpcConfig ? { vpcConfig } : {}), ...(networkIsolation ? { enableNetworkIsolation: true } : {}) };
}

/** The repository ARN of an ECR image URI (the image's own account and region). */
export function repositoryArnOf(uri: string, fallbackRegion: string): string | undefined {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([^:@]+)/.exec(uri);
  if (!m) return undefined;
  const region = m[2] ?? fallbackRegion;
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ecr:${region}:${m[1]}:repository/${m[4]}`;
}

export function deploymentConfig(ir: DeploymentIR): sagemaker.CfnEndpoint.DeploymentConfigProperty | undefined {
  const r = ir.rollout;
  if (ir.mode === 'serverless' || ir.scaling.min === 0) return undefined;
  const alarms = r.rollbackAlarms.length > 0 ? { autoRollbackConfiguration: { alarms: r.rollbackAlarms.map((alarmName) => ({ alarmName })) } } : {};
  switch (r.strategy) {
    case 'canary':
      return {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: { type: 'CANARY', canarySize: { type: 'CAPACITY_PERCENT', value: r.canaryPercent }, waitIntervalInSeconds: r.waitSeconds },
          terminationWaitInSeconds: Math.min(3600, r.waitSeconds),
        },
        ...alarms,
      };
    case 'linear':
      return {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: { type: 'LINEAR', linearStepSize: { type: 'CAPACITY_PERCENT', value: r.stepPercent }, waitIntervalInSeconds: r.waitSeconds },
          terminationWaitInSeconds: Math.min(3600, r.waitSeconds),
        },
        ...alarms,
      };
    case 'rolling':
      return {
        rollingUpdatePolicy: { maximumBatchSize: { type: 'CAPACITY_PERCENT', value: r.stepPercent }, waitIntervalInSeconds: r.waitSeconds },
        ...alarms,
      };
    case 'all-at-once':
      return r.rollbackAlarms.length > 0
        ? { blueGreenUpdatePolicy: { trafficRoutingConfiguration: { type: 'ALL_AT_ONCE' }, terminationWaitInSeconds: 0 }, ...alarms }
        : undefined;
  }
}

