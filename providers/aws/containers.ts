/**
 * Container definitions for SageMaker: the engine's environment, built only through the pinned engine contracts
 * (lib/engines/aws-options.ts), with the user's container.env on top, and where the model artifacts come from.
 * ModelDataUrl vs ModelDataSource: https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html
 */
import type { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { awsContainerOptions } from '../../lib/engines/aws-options';
import type { DeploymentIR, PipelineStepIR } from '../../lib/ir';

export const DEFAULT_VARIANT = 'AllTraffic';

/** Environment variable values must be strings; keys sorted for stable templates. */
function sorted(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(env).sort().map((k) => [k, env[k]!]));
}

/** The contract's environment with the user's container.env on top: one value per name, the user's when both set it. */
export function engineEnvironment(ir: DeploymentIR): Record<string, string> {
  return sorted({ ...(awsContainerOptions(ir)?.env ?? {}), ...ir.engine.env, ...secretEnvironment(ir) });
}

/**
 * `container.secrets` as CloudFormation dynamic references: the template holds `{{resolve:secretsmanager:...}}`,
 * CloudFormation resolves it when it creates the model (with the deploying principal's permissions) and never
 * persists it in the template or its logs. SageMaker itself stores the resolved value in the model's
 * Environment, so DescribeModel (and the console's model page) shows it to anyone with sagemaker:DescribeModel.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 */
export function secretEnvironment(ir: DeploymentIR): Record<string, string> {
  const env: Record<string, string> = {};
  for (const s of ir.secrets ?? []) env[s.name] = `{{resolve:secretsmanager:${s.reference}${s.jsonKey ? `:SecretString:${s.jsonKey}` : ''}}}`;
  return env;
}

export interface ArtifactLocation {
  readonly uri: string;
  readonly kind: 'tar.gz' | 'prefix';
}

/** `.tar.gz` -> ModelDataUrl; an S3 prefix -> ModelDataSource (uncompressed); multi-model -> the prefix as ModelDataUrl. */
export function modelArtifacts(ir: DeploymentIR, artifact?: ArtifactLocation): Pick<CfnModel.ContainerDefinitionProperty, 'modelDataUrl' | 'modelDataSource'> {
  if (!artifact && ir.model.uriKind === 'hub') return {};
  const uri = artifact?.uri ?? ir.model.uri;
  const kind = artifact?.kind ?? (uri.endsWith('.tar.gz') ? 'tar.gz' : 'prefix');
  if (ir.mode === 'multi-model' || kind === 'tar.gz') return { modelDataUrl: uri };
  return {
    modelDataSource: {
      s3DataSource: { s3Uri: artifact ? uri : uri.endsWith('/') ? uri : `${uri}/`, s3DataType: 'S3Prefix', compressionType: 'None' },
    },
  };
}

export function primaryContainer(ir: DeploymentIR, image: string, artifact?: ArtifactLocation): CfnModel.ContainerDefinitionProperty {
  const environment = engineEnvironment(ir);
  return {
    image,
    ...modelArtifacts(ir, artifact),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(ir.mode === 'multi-model' ? { mode: 'MultiModel' } : {}),
  };
}

export function pipelineContainer(step: PipelineStepIR): CfnModel.ContainerDefinitionProperty {
  return {
    containerHostname: step.name,
    image: step.image!,
    ...(step.modelUri ? { modelDataUrl: step.modelUri } : {}),
    ...(Object.keys(step.env).length > 0 ? { environment: sorted({ ...step.env }) } : {}),
  };
}
