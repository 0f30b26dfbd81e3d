/**
 * `ModelDeployment`: one SageMaker deployment (model, endpoint configuration, endpoint, autoscaling, role,
 * encryption) from an inferstack IR record. Usable in any CDK app:
 *
 *   new ModelDeployment(stack, 'Qwen', { deployment: ir });
 *
 * Every property comes from deployment-properties.ts, scaling-properties.ts and execution-policy.ts (pure
 * functions the direct cloud-assembly writer in direct/ uses too); this construct wires them with CDK references.
 */
import { CfnOutput, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { DeploymentIR } from '../../lib/ir';
import { awsPartition } from '../../lib/catalog/images';
import { AheadOfTimeJob, planJob } from './ahead-of-time-job';
import { EndpointScaling } from './autoscaling';
import type { ArtifactLocation } from './containers';
import {
  deploymentOutputs,
  encryptionPlan,
  endpointConfigProperties,
  endpointNameOf,
  endpointProperties,
  executionRoleInputs,
  inferenceComponentProperties,
  keyProperties,
  missingVolumeKeyReason,
  MISSING_VOLUME_KEY_RULE,
  modelProperties,
  scalesToZero,
} from './deployment-properties';
import { ExecutionRole } from './execution-role';
import { scalingSubjectOf } from './scaling-properties';

export * from './deployment-properties';

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

export class ModelDeployment extends Construct {
  readonly endpoint: sagemaker.CfnEndpoint;
  readonly endpointConfig: sagemaker.CfnEndpointConfig;
  readonly model: sagemaker.CfnModel;
  readonly role?: ExecutionRole;
  readonly key?: kms.CfnKey;
  readonly endpointName: string;
  /** The ahead-of-time job the model waits for, if the deployment needs one. */
  readonly job?: AheadOfTimeJob;

  constructor(scope: Construct, id: string, props: ModelDeploymentProps) {
    super(scope, id);
    const ir = props.deployment;
    if (ir.target !== 'aws' || !ir.aws) throw new Error(`ModelDeployment needs an aws deployment; "${ir.name}" targets ${ir.target}`);
    const aws = ir.aws;
    const stack = Stack.of(this);
    this.endpointName = endpointNameOf(ir);
    const image = props.imageOverride ?? ir.engine.image;
    if (!image) throw new Error(`deployment "${ir.name}" has no serving image`);

    let keyArn: string | undefined = aws.kmsKey;
    if (encryptionPlan(ir).generateKey) {
      this.key = this.generatedKey(stack);
      keyArn = this.key.attrArn;
    }

    // Ahead-of-time job (Neo compilation, quantization, TensorRT-LLM/Neuron compilation, EAGLE): the model waits for it.
    const jobPlan = props.artifactUri ? undefined : planJob(ir);
    const job = jobPlan ? new AheadOfTimeJob(this, 'AheadOfTime', { deployment: ir, plan: jobPlan, ...(keyArn ? { kmsKeyArn: keyArn } : {}) }) : undefined;
    this.job = job;
    const artifact: ArtifactLocation | undefined = job ? { uri: job.artifactUri, kind: jobPlan!.artifactKind } : props.artifactUri ? { uri: props.artifactUri, kind: props.artifactUri.endsWith('.tar.gz') ? 'tar.gz' : 'prefix' } : undefined;
    // Optimization jobs recommend an image; a Neo compilation job names the image its artifact runs in (InferenceImage).
    const servingImage = props.imageOverride ?? (job ? job.inferenceImage : image);

    if (!aws.role) this.role = new ExecutionRole(this, 'ExecutionRole', executionRoleInputs(ir, stack.region, { jobPlan, keyArn, image }));
    const roleArn = aws.role ?? this.role!.role.attrArn;

    this.model = new sagemaker.CfnModel(this, 'Model', modelProperties(ir, roleArn, servingImage, artifact));
    if (this.role) this.model.node.addDependency(this.role);
    for (const dep of props.modelDependencies ?? []) this.model.node.addDependency(dep);
    if (job) this.model.node.addDependency(job.resource);

    const scaleToZero = scalesToZero(ir);
    this.endpointConfig = new sagemaker.CfnEndpointConfig(this, 'EndpointConfig', endpointConfigProperties(ir, { modelName: this.model.attrModelName, roleArn, ...(keyArn ? { keyArn } : {}) }));
    const reason = missingVolumeKeyReason(ir, keyArn);
    if (reason) Validations.of(this.endpointConfig).acknowledge({ id: MISSING_VOLUME_KEY_RULE, reason });
    if (!scaleToZero) this.endpointConfig.node.addDependency(this.model);

    this.endpoint = new sagemaker.CfnEndpoint(this, 'Endpoint', endpointProperties(ir, this.endpointConfig.attrEndpointConfigName));

    let scalingDependency: sagemaker.CfnEndpoint | sagemaker.CfnInferenceComponent = this.endpoint;
    if (scaleToZero) {
      const ic = new sagemaker.CfnInferenceComponent(this, 'InferenceComponent', inferenceComponentProperties(ir, this.endpoint.attrEndpointName, this.model.attrModelName));
      ic.node.addDependency(this.endpoint);
      ic.node.addDependency(this.model);
      scalingDependency = ic;
    }

    const subject = scalingSubjectOf(ir);
    if (subject) new EndpointScaling(this, 'Scaling', { ...subject, dependsOn: scalingDependency });

    for (const o of deploymentOutputs(ir, this.endpoint.attrEndpointName, this.endpoint.ref)) new CfnOutput(this, o.id, { value: o.value, description: o.description });
  }

  /** A customer-managed key with rotation, kept when the stack is deleted (the L1 form of kms.Key at the same path). */
  private generatedKey(stack: Stack): kms.CfnKey {
    const accountRoot = `arn:${Token.isUnresolved(stack.region) ? stack.partition : awsPartition(stack.region)}:iam::${stack.account}:root`;
    const key = new kms.CfnKey(new Construct(this, 'Key'), 'Resource', keyProperties(this.endpointName, accountRoot));
    key.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return key;
  }
}
