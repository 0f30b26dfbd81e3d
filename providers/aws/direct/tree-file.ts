/**
 * tree.json as aws-cdk-lib writes it (core/lib/private/tree-metadata.ts, TreeMetadata._synthesizeTree and
 * FragmentedTreeWriter, v2.276.0): one node per construct with id ("App" for the root), path, constructInfo (jsii
 * fqn and the version of the package that defines it), the attributes of CloudFormation resources (type, logical id
 * and resolved L1 properties, as CfnResource.inspect reports them) and the children in creation order; the root
 * gets a "Tree" child for the TreeMetadata construct itself. Written without indentation.
 */
import { CONSTRUCT_TYPES, ConstructNode } from './construct-node';
import type { Intrinsics } from './intrinsics';
import { synthesizedProperties, Tag } from './template';
import type { InstalledVersions } from './installed-versions';
import { inL1Order } from './l1-property-order';

/** aws-cdk-lib splits tree.json into several files above this many nodes (its default maxNodes). */
export const MAX_TREE_NODES = 500_000;

interface TreeNode {
  id: string;
  path: string;
  constructInfo: { fqn: string; version: string };
  attributes?: Record<string, unknown>;
  children?: Record<string, TreeNode>;
}

export interface TreeInput {
  readonly app: ConstructNode;
  readonly tagsOf: (stack: ConstructNode) => readonly Tag[];
  readonly intrinsics: Intrinsics;
  readonly versions: InstalledVersions;
}

function treeNode(node: ConstructNode, tags: readonly Tag[] | undefined, input: TreeInput): TreeNode {
  const out: TreeNode = { id: node.id || 'App', path: node.path, constructInfo: { fqn: node.type.fqn, version: input.versions[node.type.library] } };
  if (node.resource) {
    out.attributes = {
      'aws:cdk:cloudformation:type': node.resource.type,
      'aws:cdk:cloudformation:logicalId': node.logicalId,
      'aws:cdk:cloudformation:props': inL1Order(node.resource.type, synthesizedProperties(node, tags ?? [], input.intrinsics)),
    };
  }
  if (node.children.length > 0) {
    out.children = {};
    for (const c of node.children) out.children[c.id] = treeNode(c, tags ?? (c.type === CONSTRUCT_TYPES.stack ? input.tagsOf(c) : undefined), input);
  }
  return out;
}

/** The file's text, with the app's "Tree" child added; counts nodes so callers can refuse what aws-cdk-lib would split. */
export function treeFile(input: TreeInput): string {
  const root = treeNode(input.app, undefined, input);
  root.children = { ...root.children, Tree: { id: 'Tree', path: 'Tree', constructInfo: { fqn: CONSTRUCT_TYPES.construct.fqn, version: input.versions.constructs } } };
  return JSON.stringify({ version: 'tree-0.1', tree: root });
}

export function treeNodeCount(app: ConstructNode): number {
  let n = 1; // the Tree node
  for (const _ of app.descendants()) n++;
  return n;
}
