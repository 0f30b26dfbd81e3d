/**
 * What one SageMaker deployment's resources hold, as pure functions of the IR (no aws-cdk-lib at run time): the
 * properties of the model, endpoint configuration, endpoint, inference component and KMS key, in the L1 (camelCase)
 * form aws-cdk-lib's Cfn* constructs take, and the stack outputs. References to other resources come in as
 * arguments (tokens in the CDK app, CloudFormation intrinsics in the direct writer), so the CDK constructs
 * (model-deployment.ts) and the direct cloud-assembly writer (direct/) compute every property with the same code.
 */
import type { CfnEndpoint, CfnEndpointConfig, CfnEndpointConfigProps, CfnEndpointProps, CfnInferenceComponent, CfnInferenceComponentProps, CfnModelProps } from 'aws-cdk-lib/aws-sagemaker';
import type { CfnKeyProps } from 'aws-cdk-lib/aws-kms';
import { familyOf, instanceType } from '../../lib/catalog/instances';
import type { DeploymentIR } from '../../lib/ir';
import { LOCAL_NVME_FAMILIES, NEURON_AMI_FAMILIES } from '../../lib/normalize/rules-aws-safety';
import { ArtifactLocation, DEFAULT_VARIANT, pipelineContainer, primaryContainer } from './containers';
import type { ExecutionRoleProps } from './execution-policy';
import type { JobPlan } from './job-plan';

export { LOCAL_NVME_FAMILIES };
const NEURON_AMI = 'al2-ami-sagemaker-inference-neuron-2';

/** The instance families of every pool the variant may run on (the chosen type, then resources.fallback). */
export function variantFamilies(ir: DeploymentIR): string[] {
  return ir.instance ? [ir.instance.family, ...ir.fallbackInstanceTypes.map(familyOf)] : [];
}

export function endpointNameOf(ir: DeploymentIR): string {
  return ir.aws?.endpointName ?? ir.name;
}

/** Realtime endpoints that may scale to zero instances host the model as an inference component. */
export function scalesToZero(ir: DeploymentIR): boolean {
  return ir.mode === 'realtime' && ir.scaling.min === 0;
}

/**
 * Encryption at rest: the spec's key, else a generated key with rotation. Instance types with local NVMe storage
 * cannot take a volume key (the storage is hardware-encrypted); serverless has no volume.
 */
export function encryptionPlan(ir: DeploymentIR): { volumeKeyAllowed: boolean; generateKey: boolean } {
  const volumeKeyAllowed = ir.mode !== 'serverless' && !variantFamilies(ir).some((f) => (LOCAL_NVME_FAMILIES as readonly string[]).includes(f));
  const needsKey = volumeKeyAllowed || !!ir.async || !!ir.dataCapture;
  return { volumeKeyAllowed, generateKey: !ir.aws?.kmsKey && needsKey };
}

export function keyDescription(endpointName: string): string {
  return `Encrypts the storage and outputs of SageMaker endpoint ${endpointName}`;
}

/**
 * The generated key as kms.Key renders it with enableKeyRotation and its default key policy (the account root may
 * administer the key: aws-kms/lib/key.ts, addDefaultAdminPolicy, v2.276.0); `accountRootArn` is
 * `arn:<partition>:iam::<account>:root`.
 */
export function keyProperties(endpointName: string, accountRootArn: string): CfnKeyProps {
  return {
    keyPolicy: { Statement: [{ Action: 'kms:*', Effect: 'Allow', Principal: { AWS: accountRootArn }, Resource: '*' }], Version: '2012-10-17' },
    description: keyDescription(endpointName),
    enableKeyRotation: true,
  };
}

/** The images, S3 locations, topics, keys and secrets the execution role must reach. */
export function executionRoleInputs(ir: DeploymentIR, region: string, uses: { jobPlan?: JobPlan; keyArn?: string; image: string }): ExecutionRoleProps {
  const aws = ir.aws!;
  const { jobPlan, keyArn } = uses;
  const images = [uses.image, ...(ir.pipeline ?? []).filter((s) => !s.isModel).map((s) => s.image!)];
  const reads = [ir.model.uri, ...(ir.async?.input ? [ir.async.input] : []), ...(jobPlan ? [jobPlan.outputUri] : []), ...(ir.pipeline ?? []).flatMap((s) => (s.modelUri ? [s.modelUri] : [])), ...(ir.speculative?.draftModel?.startsWith('s3://') ? [ir.speculative.draftModel] : [])];
  const writes = [ir.async?.output, ir.async?.failure, ir.dataCapture?.destination].filter((x): x is string => !!x);
  const topics = [ir.async?.notifySuccess, ir.async?.notifyError].filter((x): x is string => !!x);
  return {
    imageRepositoryArns: images.map((uri) => repositoryArnOf(uri, region)).filter((x): x is string => !!x),
    readUris: reads.filter((u) => u.startsWith('s3://')),
    writeUris: writes,
    topicArns: topics,
    kmsKeyArns: keyArn ? [keyArn] : [],
    endpointName: endpointNameOf(ir),
    vpc: !!aws.subnets,
    bucketOwners: aws.bucketOwners,
    secretArns: (ir.secrets ?? []).map((secret) => secret.reference),
  };
}

function vpcConfigOf(ir: DeploymentIR): { subnets: string[]; securityGroupIds: string[] } | undefined {
  const aws = ir.aws!;
  return aws.subnets ? { subnets: [...aws.subnets], securityGroupIds: [...aws.securityGroups!] } : undefined;
}

/** The model (never named: any change replaces it, and CloudFormation cannot replace a custom-named resource). */
export function modelProperties(ir: DeploymentIR, roleArn: string, image: string, artifact: ArtifactLocation | undefined): CfnModelProps {
  const vpcConfig = vpcConfigOf(ir);
  const pipeline = ir.pipeline && ir.pipeline.length > 1 ? ir.pipeline : undefined;
  return {
    executionRoleArn: roleArn,
    ...(pipeline
      ? {
          containers: pipeline.map((step) => (step.isModel ? { ...primaryContainer(ir, image, artifact), containerHostname: 'model' } : pipelineContainer(step))),
          inferenceExecutionConfig: { mode: 'Serial' },
        }
      : { primaryContainer: primaryContainer(ir, image, artifact) }),
    ...(ir.networkIsolation ? { enableNetworkIsolation: true } : {}),
    ...(vpcConfig ? { vpcConfig } : {}),
  };
}

export interface EndpointConfigRefs {
  readonly modelName: string;
  readonly roleArn: string;
  /** The key the endpoint encrypts with (the spec's or the generated one). @default none */
  readonly keyArn?: string;
}

/** The endpoint configuration (never named, for the same reason as the model). */
export function endpointConfigProperties(ir: DeploymentIR, refs: EndpointConfigRefs): CfnEndpointConfigProps {
  const scaleToZero = scalesToZero(ir);
  const { volumeKeyAllowed } = encryptionPlan(ir);
  const keyArn = refs.keyArn;
  return {
    productionVariants: [variantProperties(ir, scaleToZero, refs.modelName)],
    ...(keyArn && volumeKeyAllowed ? { kmsKeyId: keyArn } : {}),
    ...(scaleToZero ? inferenceComponentHosting(refs.roleArn, vpcConfigOf(ir), ir.networkIsolation) : {}),
    ...(ir.async ? { asyncInferenceConfig: asyncInferenceConfig(ir, keyArn) } : {}),
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
  };
}

function asyncInferenceConfig(ir: DeploymentIR, keyArn: string | undefined): CfnEndpointConfig.AsyncInferenceConfigProperty {
  const a = ir.async!;
  return {
    outputConfig: {
      s3OutputPath: a.output,
      ...(a.failure ? { s3FailurePath: a.failure } : {}),
      ...(keyArn ? { kmsKeyId: keyArn } : {}),
      ...(a.notifySuccess || a.notifyError
        ? {
            notificationConfig: {
              ...(a.notifySuccess ? { successTopic: a.notifySuccess } : {}),
              ...(a.notifyError ? { errorTopic: a.notifyError } : {}),
            },
          }
        : {}),
    },
    ...(a.maxConcurrentPerInstance ? { clientConfig: { maxConcurrentInvocationsPerInstance: a.maxConcurrentPerInstance } } : {}),
  };
}

/** Why an endpoint configuration without a volume key is acceptable (acknowledged for cdk-nag), if it has none. */
export function missingVolumeKeyReason(ir: DeploymentIR, keyArn: string | undefined): string | undefined {
  if (keyArn && encryptionPlan(ir).volumeKeyAllowed) return undefined;
  return ir.mode === 'serverless'
    ? 'serverless endpoints have no ML storage volume to encrypt with a customer key'
    : `${[ir.instance?.type, ...ir.fallbackInstanceTypes].join(', ')}: local NVMe instance storage (in at least one pool), which SageMaker encrypts in hardware and for which it rejects a KmsKeyId`;
}

export const MISSING_VOLUME_KEY_RULE = 'HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured';

function variantProperties(ir: DeploymentIR, scaleToZero: boolean, modelName: string): CfnEndpointConfig.ProductionVariantProperty {
  if (ir.mode === 'serverless') {
    const s = ir.serverless!;
    return {
      variantName: DEFAULT_VARIANT,
      modelName,
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
    ...(scaleToZero ? {} : { modelName }),
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

/** The endpoint: a stable name, so clients and alarms keep working across updates. */
export function endpointProperties(ir: DeploymentIR, endpointConfigName: string): CfnEndpointProps {
  const config = deploymentConfig(ir);
  return {
    endpointName: endpointNameOf(ir),
    endpointConfigName,
    ...(ir.scaling.enabled ? { retainAllVariantProperties: true } : {}),
    ...(config ? { deploymentConfig: config } : {}),
  };
}

export function inferenceComponentName(ir: DeploymentIR): string {
  return `${endpointNameOf(ir)}-ic`;
}

export function inferenceComponentProperties(ir: DeploymentIR, endpointName: string, modelName: string): CfnInferenceComponentProps {
  return {
    inferenceComponentName: inferenceComponentName(ir),
    endpointName,
    variantName: DEFAULT_VARIANT,
    specification: {
      modelName,
      computeResourceRequirements: componentRequirements(ir),
      startupParameters: {
        modelDataDownloadTimeoutInSeconds: ir.timeouts.downloadSeconds,
        containerStartupHealthCheckTimeoutInSeconds: ir.timeouts.startupSeconds,
      },
    },
    runtimeConfig: { copyCount: 1 },
  };
}

export interface OutputSpec {
  readonly id: string;
  readonly value: string;
  readonly description: string;
}

/** The stack outputs: the endpoint's name and ARN, how to call it, and where async results go. */
export function deploymentOutputs(ir: DeploymentIR, endpointNameAttr: string, endpointArn: string): OutputSpec[] {
  const name = endpointNameOf(ir);
  const region = ir.aws!.region;
  const invoke = ir.async
    ? `aws sagemaker-runtime invoke-endpoint-async --endpoint-name ${name} --input-location s3://... --region ${region}`
    : ir.mode === 'multi-model'
      ? `aws sagemaker-runtime invoke-endpoint --endpoint-name ${name} --target-model ${ir.multiModel?.models[0] ?? 'model-a.tar.gz'} --body fileb://input --region ${region} out.json`
      : `aws sagemaker-runtime invoke-endpoint --endpoint-name ${name} --content-type application/json --body fileb://request.json --region ${region} out.json`;
  return [
    { id: 'EndpointName', value: endpointNameAttr, description: 'SageMaker endpoint name' },
    { id: 'EndpointArn', value: endpointArn, description: 'SageMaker endpoint ARN' },
    { id: 'InvokeCommand', value: invoke, description: 'How to call the endpoint' },
    ...(ir.async ? [{ id: 'AsyncOutputPath', value: ir.async.output, description: 'Where results are written' }] : []),
  ];
}

/** The stack's description. */
export function stackDescription(ir: DeploymentIR): string {
  return `${ir.description ?? ir.name} (inferstack: ${ir.engine.name} on ${ir.instance?.type ?? 'serverless'})`;
}

/** The inferstack version a stack's tags record unless told otherwise (InferenceStackProps.inferstackVersion). */
export const DEFAULT_INFERSTACK_VERSION = '0.1.0';

/** The stack's tags, in the order they are added (CloudFormation templates list them sorted by key). */
export function stackTags(ir: DeploymentIR, inferstackVersion: string): Array<[string, string]> {
  return [['managed-by', 'inferstack'], ['inferstack-deployment', ir.name], ['inferstack-version', inferstackVersion], ...Object.entries(ir.aws!.tags)];
}

/** What one inference-component copy asks for: what the smallest pool offers (a copy must fit every pool). */
export function componentRequirements(ir: DeploymentIR): CfnInferenceComponent.InferenceComponentComputeResourceRequirementsProperty {
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
export function instanceSelection(ir: DeploymentIR): Pick<CfnEndpointConfig.ProductionVariantProperty, 'instanceType' | 'instancePools'> {
  const types = [ir.instance!.type, ...ir.fallbackInstanceTypes];
  if (types.length === 1) return { instanceType: types[0]! };
  return { instancePools: types.map((type, i) => ({ instanceType: type, priority: i + 1 })) };
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
): Pick<CfnEndpointConfigProps, 'executionRoleArn' | 'vpcConfig' | 'enableNetworkIsolation'> {
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

export function deploymentConfig(ir: DeploymentIR): CfnEndpoint.DeploymentConfigProperty | undefined {
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
