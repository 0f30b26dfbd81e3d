/**
 * The construct tree the CDK app builds for a deployment, as plain data: ids, construct types (for tree.json),
 * CloudFormation elements (resources, outputs, the bootstrap parameter and rule) and cdk-nag acknowledgements.
 * The template, tree.json and the stack metadata are all read from this one tree, as aws-cdk-lib reads them from its
 * construct tree.
 */
import { logicalIdOf } from './logical-id';

/** A construct class as tree.json names it (its jsii fully qualified name) and the package it comes from. */
export interface ConstructType {
  readonly fqn: string;
  readonly library: 'aws-cdk-lib' | 'constructs';
}

const cdk = (fqn: string): ConstructType => ({ fqn: `aws-cdk-lib.${fqn}`, library: 'aws-cdk-lib' });

export const CONSTRUCT_TYPES = {
  app: cdk('App'),
  stack: cdk('Stack'),
  construct: { fqn: 'constructs.Construct', library: 'constructs' } as ConstructType,
  output: cdk('CfnOutput'),
  parameter: cdk('CfnParameter'),
  rule: cdk('CfnRule'),
  key: cdk('aws_kms.CfnKey'),
  role: cdk('aws_iam.CfnRole'),
  managedPolicy: cdk('aws_iam.CfnManagedPolicy'),
  model: cdk('aws_sagemaker.CfnModel'),
  endpointConfig: cdk('aws_sagemaker.CfnEndpointConfig'),
  endpoint: cdk('aws_sagemaker.CfnEndpoint'),
  inferenceComponent: cdk('aws_sagemaker.CfnInferenceComponent'),
  scalableTarget: cdk('aws_applicationautoscaling.CfnScalableTarget'),
  scalingPolicy: cdk('aws_applicationautoscaling.CfnScalingPolicy'),
  alarm: cdk('aws_cloudwatch.CfnAlarm'),
} as const;

export interface CfnResourceSpec {
  readonly type: string;
  /** L1 (camelCase) properties; references are Intrinsics markers. */
  readonly props: Record<string, unknown>;
  /** Whether the resource type takes tags (its L1 construct has a tag manager). */
  readonly taggable: boolean;
  /** Kept on stack deletion and replacement (RemovalPolicy.RETAIN). @default false */
  readonly retain?: boolean;
}

export type CfnElementSpec =
  | { readonly kind: 'resource'; readonly resource: CfnResourceSpec }
  | { readonly kind: 'output'; readonly value: string; readonly description: string }
  | { readonly kind: 'parameter' | 'rule'; readonly fragment: Record<string, unknown> };

export class ConstructNode {
  readonly children: ConstructNode[] = [];
  /** cdk-nag acknowledgements recorded on this construct (rule id -> reason), in order. */
  readonly acknowledgements: Array<{ readonly id: string; readonly reason: string }> = [];
  /** Resources this one waits for (CloudFormation DependsOn). */
  readonly dependsOn: ConstructNode[] = [];
  element?: CfnElementSpec;
  /** The construct path from the app ("" for the app itself). */
  readonly path: string;
  private readonly components: readonly string[];
  private cachedLogicalId?: string;

  constructor(
    readonly id: string,
    readonly type: ConstructType,
    readonly parent?: ConstructNode,
  ) {
    parent?.children.push(this);
    this.components = parent ? [...parent.components, id] : [];
    this.path = this.components.join('/');
  }

  add(id: string, type: ConstructType = CONSTRUCT_TYPES.construct): ConstructNode {
    return new ConstructNode(id, type, this);
  }

  /** The CloudFormation logical id (elements only): from the path below the stack. */
  get logicalId(): string {
    this.cachedLogicalId ??= logicalIdOf(this.components.slice(1));
    return this.cachedLogicalId;
  }

  get resource(): CfnResourceSpec | undefined {
    return this.element?.kind === 'resource' ? this.element.resource : undefined;
  }

  /** This node and every node below it, depth first, in creation order (an array: a recursive generator is slow). */
  descendants(): ConstructNode[] {
    const out: ConstructNode[] = [];
    const stack: ConstructNode[] = [this];
    for (let node = stack.pop(); node; node = stack.pop()) {
      out.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    return out;
  }
}

/** Adds an L1 resource named `id` under `scope`. */
export function addResource(scope: ConstructNode, id: string, type: ConstructType, resource: CfnResourceSpec): ConstructNode {
  const node = scope.add(id, type);
  node.element = { kind: 'resource', resource };
  return node;
}

/** `source` waits for every resource in `target`'s subtree (as `construct.node.addDependency(target)` does). */
export function addDependency(source: ConstructNode, target: ConstructNode): void {
  for (const n of target.descendants()) if (n.resource && !source.dependsOn.includes(n)) source.dependsOn.push(n);
}
