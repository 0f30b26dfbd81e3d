/**
 * A least-privilege SageMaker execution role: ECR pull on the serving images' repositories, S3 read on the
 * model (and the async requests), S3 write on async outputs and data capture, SNS publish on the async topics, KMS
 * use, CloudWatch Logs for the endpoint's log group, CloudWatch metrics in SageMaker's namespaces, and the ENI
 * permissions a VPC-bound endpoint needs. No managed policies. Each statement is built by its own function.
 *
 * Permissions SageMaker documents for the role passed to CreateModel:
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms
 *
 * Wildcards: only those inferstack adds itself (an object prefix's trailing "*", the log group's ":*", and actions
 * without resource-level permissions) are acknowledged for cdk-nag; a wildcard character that comes from a spec
 * value is never acknowledged (the normalizer rejects such values first: IS3207-IS3209).
 */
import { Aws, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { awsPartition } from '../../lib/catalog/images';
import { KMS_KEY_ID } from '../../lib/normalize/rules-aws-safety';

export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export function parseS3Uri(uri: string): S3Location | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1]!, prefix: m[2]! } : undefined;
}

export interface ExecutionRoleProps {
  /** Region-specific ECR repository ARNs of the images the endpoint pulls. */
  readonly imageRepositoryArns: readonly string[];
  /** S3 URIs the containers read (model artifacts, pipeline artifacts, draft models, async requests). */
  readonly readUris: readonly string[];
  /** S3 URIs SageMaker writes (async output/failure, data capture). @default none */
  readonly writeUris?: readonly string[];
  /** SNS topics the endpoint publishes to. @default none */
  readonly topicArns?: readonly string[];
  /** KMS key ARNs (or key ids in the stack's account and region) the endpoint encrypts with. @default none */
  readonly kmsKeyArns?: readonly string[];
  /** The fixed endpoint name, for the log-group ARN. */
  readonly endpointName: string;
  /** The endpoint is bound to a VPC. @default false */
  readonly vpc?: boolean;
  /** Buckets owned by another account than the stack's (bucket -> account id), for s3:ResourceAccount. @default none */
  readonly bucketOwners?: Readonly<Record<string, string>>;
  /** Complete ARNs of the Secrets Manager secrets the model's environment references. @default none */
  readonly secretArns?: readonly string[];
}

/**
 * Read access to exactly the secrets `container.secrets` names (complete ARNs, no wildcard), so the container may
 * also fetch the current value itself. A secret encrypted with a customer-managed key additionally needs
 * kms:Decrypt on that key (security.kmsKey, or a statement of your own).
 */
export function secretReadStatement(secretArns: readonly string[] | undefined): iam.PolicyStatement | undefined {
  const arns = [...new Set(secretArns ?? [])].sort();
  if (arns.length === 0) return undefined;
  return new iam.PolicyStatement({ sid: 'ReadContainerSecrets', actions: ['secretsmanager:GetSecretValue'], resources: arns });
}

/** CloudWatch namespaces SageMaker endpoints publish to (instance and inference-component metrics). */
export const SAGEMAKER_METRIC_NAMESPACES = ['/aws/sagemaker/Endpoints', '/aws/sagemaker/InferenceComponents'] as const;

/** A statement plus the cdk-nag acknowledgements its wildcard resources need (resource as cdk-nag prints it -> reason). */
interface Grant {
  readonly statements: iam.PolicyStatement[];
  readonly acknowledgements: Array<{ resource: string; reason: string }>;
}

interface RoleContext {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** The ARN as cdk-nag prints it (tokens as <AWS::Partition>, <AWS::AccountId>). */
  readonly nagArn: (rest: string) => string;
  readonly nagAccount: string;
}

export class ExecutionRole extends Construct {
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ExecutionRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // The region comes from the spec, so the partition is known: literal ARNs read better in review than Fn::Join.
    const partition = Token.isUnresolved(stack.region) ? Aws.PARTITION : awsPartition(stack.region);
    const ctx: RoleContext = {
      partition,
      account: stack.account,
      region: stack.region,
      nagArn: (rest) => `arn:${Token.isUnresolved(partition) ? '<AWS::Partition>' : partition}:${rest}`,
      nagAccount: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
    };
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `SageMaker execution role for endpoint ${props.endpointName} (generated by inferstack)`,
    });
    const grants: Grant[] = [
      pullImagesGrant(props.imageRepositoryArns),
      readObjectsGrant(props.readUris, props.bucketOwners ?? {}, ctx),
      writeObjectsGrant(props.writeUris ?? [], props.bucketOwners ?? {}, ctx),
      publishTopicsGrant(props.topicArns ?? []),
      useKeysGrant(props.kmsKeyArns ?? [], ctx),
      readSecretsGrant(props.secretArns),
      endpointLogsGrant(props.endpointName, ctx),
      putMetricsGrant(),
      props.vpc ? vpcInterfacesGrant() : { statements: [], acknowledgements: [] },
    ];
    const statements = grants.flatMap((g) => g.statements);
    // A customer-managed policy (not inline, not AWS-managed), attached to this role only.
    const policy = new iam.ManagedPolicy(this, 'Policy', { statements, roles: [this.role], description: `Least-privilege permissions of SageMaker endpoint ${props.endpointName}` });
    // cdk-nag v3 findings are per resource: acknowledge each wildcard resource once, with every reason for it.
    const reasons = new Map<string, string[]>();
    for (const a of grants.flatMap((g) => g.acknowledgements)) reasons.set(a.resource, [...(reasons.get(a.resource) ?? []), a.reason]);
    for (const [resource, why] of reasons) Validations.of(policy).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason: [...new Set(why)].join('; ') });
  }
}

/** The characters IAM treats as wildcards or policy variables: a resource built from a spec value must hold none. */
export function hasIamWildcard(specPart: string): boolean {
  return /[*?]|\$\{/.test(specPart);
}

function pullImagesGrant(repositoryArns: readonly string[]): Grant {
  if (repositoryArns.length === 0) return { statements: [], acknowledgements: [] };
  // A repository ARN with a wildcard (from a spec value) is not acknowledged: cdk-nag reports it.
  return {
    statements: [
      new iam.PolicyStatement({ sid: 'PullServingImages', actions: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [...new Set(repositoryArns)].sort() }),
      // ecr:GetAuthorizationToken has no resource-level permissions: AWS requires "*".
      new iam.PolicyStatement({ sid: 'EcrAuthorizationToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    ],
    acknowledgements: [{ resource: '*', reason: 'ecr:GetAuthorizationToken supports only Resource "*" (ECR has no resource-level permission for it)' }],
  };
}

/** `prefix/` -> `prefix/*`; a .tar.gz object stays exact; the whole bucket -> `*`. */
export function objectPattern(prefix: string): string {
  if (prefix === '') return '*';
  if (prefix.endsWith('.tar.gz')) return prefix;
  return prefix.endsWith('/') ? `${prefix}*` : `${prefix}/*`;
}

function dedupe(locations: S3Location[]): S3Location[] {
  const seen = new Map<string, S3Location>();
  for (const l of locations) seen.set(`${l.bucket}/${l.prefix}`, l);
  return [...seen.values()].sort((a, b) => `${a.bucket}/${a.prefix}`.localeCompare(`${b.bucket}/${b.prefix}`));
}

/** Locations grouped by the account that owns their bucket (the stack's unless the spec names another). */
function byOwner(locations: readonly S3Location[], owners: Readonly<Record<string, string>>, ctx: RoleContext): Array<[string, S3Location[]]> {
  const groups = new Map<string, S3Location[]>();
  for (const l of locations) {
    const owner = owners[l.bucket] ?? ctx.account;
    groups.set(owner, [...(groups.get(owner) ?? []), l]);
  }
  return [...groups.entries()];
}

/**
 * s3:ResourceAccount pins every S3 statement to the bucket owner's account, so a bucket of the same name in another
 * account (a deleted and re-registered name) is never read or written
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html).
 */
function ownerCondition(account: string): Record<string, Record<string, string>> {
  return { StringEquals: { 's3:ResourceAccount': account } };
}

function objectAcknowledgements(locations: readonly S3Location[], reason: string, ctx: RoleContext): Grant['acknowledgements'] {
  return locations
    .filter((l) => objectPattern(l.prefix).includes('*') && !hasIamWildcard(`${l.bucket}/${l.prefix}`))
    .map((l) => ({ resource: ctx.nagArn(`s3:::${l.bucket}/${objectPattern(l.prefix)}`), reason }));
}

function suffix(i: number): string {
  return i === 0 ? '' : String(i + 1);
}

function readObjectsGrant(uris: readonly string[], owners: Readonly<Record<string, string>>, ctx: RoleContext): Grant {
  const reads = dedupe(uris.map(parseS3Uri).filter((x): x is S3Location => !!x));
  const statements = byOwner(reads, owners, ctx).flatMap(([account, locations], i) => [
    new iam.PolicyStatement({
      sid: `ReadModelArtifacts${suffix(i)}`,
      actions: ['s3:GetObject'],
      resources: locations.map((l) => `arn:${ctx.partition}:s3:::${l.bucket}/${objectPattern(l.prefix)}`),
      conditions: ownerCondition(account),
    }),
    new iam.PolicyStatement({
      sid: `ListModelPrefix${suffix(i)}`,
      actions: ['s3:ListBucket'],
      resources: [...new Set(locations.map((l) => `arn:${ctx.partition}:s3:::${l.bucket}`))],
      conditions: { StringLike: { 's3:prefix': [...new Set(locations.map((l) => objectPattern(l.prefix)))] }, ...ownerCondition(account) },
    }),
  ]);
  return { statements, acknowledgements: objectAcknowledgements(reads, "the object ARN ends in a prefix wildcard so the role reads only the model's (and the requests') own S3 prefix", ctx) };
}

function writeObjectsGrant(uris: readonly string[], owners: Readonly<Record<string, string>>, ctx: RoleContext): Grant {
  const writes = dedupe(uris.map(parseS3Uri).filter((x): x is S3Location => !!x));
  const statements = byOwner(writes, owners, ctx).map(
    ([account, locations], i) =>
      new iam.PolicyStatement({
        sid: `WriteOutputs${suffix(i)}`,
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        resources: locations.map((l) => `arn:${ctx.partition}:s3:::${l.bucket}/${objectPattern(l.prefix)}`),
        conditions: ownerCondition(account),
      }),
  );
  return { statements, acknowledgements: objectAcknowledgements(writes, 'SageMaker writes result objects with generated names under this output prefix only', ctx) };
}

function publishTopicsGrant(topicArns: readonly string[]): Grant {
  if (topicArns.length === 0) return { statements: [], acknowledgements: [] };
  return { statements: [new iam.PolicyStatement({ sid: 'PublishNotifications', actions: ['sns:Publish'], resources: [...new Set(topicArns)].sort() })], acknowledgements: [] };
}

/** A bare key id becomes the key ARN in the stack's account and region (IAM needs the ARN). */
export function kmsKeyArn(key: string, ctx: { partition: string; region: string; account: string }): string {
  return KMS_KEY_ID.test(key) ? `arn:${ctx.partition}:kms:${ctx.region}:${ctx.account}:key/${key}` : key;
}

function useKeysGrant(keys: readonly string[], ctx: RoleContext): Grant {
  if (keys.length === 0) return { statements: [], acknowledgements: [] };
  return {
    statements: [
      new iam.PolicyStatement({
        sid: 'UseEncryptionKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:CreateGrant', 'kms:DescribeKey'],
        resources: [...new Set(keys.map((k) => kmsKeyArn(k, ctx)))],
      }),
    ],
    acknowledgements: [],
  };
}

function readSecretsGrant(secretArns: readonly string[] | undefined): Grant {
  const statement = secretReadStatement(secretArns);
  return { statements: statement ? [statement] : [], acknowledgements: [] };
}

function endpointLogsGrant(endpointName: string, ctx: RoleContext): Grant {
  return {
    statements: [
      new iam.PolicyStatement({
        sid: 'EndpointLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [`arn:${ctx.partition}:logs:${ctx.region}:${ctx.account}:log-group:/aws/sagemaker/Endpoints/${endpointName}:*`],
      }),
    ],
    acknowledgements: [{ resource: ctx.nagArn(`logs:${ctx.region}:${ctx.nagAccount}:log-group:/aws/sagemaker/Endpoints/${endpointName}:*`), reason: "the log-group ARN ends in \":*\" to cover the endpoint's own log streams" }],
  };
}

/**
 * cloudwatch:PutMetricData is in the documented CreateModel role permissions; it has no resource-level permissions
 * (Resource "*"), so the cloudwatch:namespace condition key limits it to SageMaker's namespaces
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html).
 */
function putMetricsGrant(): Grant {
  return {
    statements: [
      new iam.PolicyStatement({
        sid: 'PublishEndpointMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': [...SAGEMAKER_METRIC_NAMESPACES] } },
      }),
    ],
    acknowledgements: [{ resource: '*', reason: 'cloudwatch:PutMetricData supports only Resource "*"; the cloudwatch:namespace condition limits it to SageMaker endpoint namespaces' }],
  };
}

/** EC2 Describe* and network-interface actions used by SageMaker for VPC endpoints do not support resource-level permissions. */
function vpcInterfacesGrant(): Grant {
  return {
    statements: [
      new iam.PolicyStatement({
        sid: 'VpcNetworkInterfaces',
        actions: [
          'ec2:CreateNetworkInterface',
          'ec2:CreateNetworkInterfacePermission',
          'ec2:DeleteNetworkInterface',
          'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
        ],
        resources: ['*'],
      }),
    ],
    acknowledgements: [{ resource: '*', reason: 'the EC2 network-interface and Describe actions SageMaker needs in a VPC support only Resource "*"' }],
  };
}
