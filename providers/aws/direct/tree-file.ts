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

export interface StackTreeInput {
  readonly stack: ConstructNode;
  readonly tags: readonly Tag[];
  readonly intrinsics: Intrinsics;
  readonly versions: InstalledVersions;
}

function treeNode(node: ConstructNode, input: StackTreeInput): TreeNode {
  const out: TreeNode = { id: node.id || 'App', path: node.path, constructInfo: { fqn: node.type.fqn, version: input.versions[node.type.library] } };
  if (node.resource) {
    out.attributes = {
      'aws:cdk:cloudformation:type': node.resource.type,
      'aws:cdk:cloudformation:logicalId': node.logicalId,
      'aws:cdk:cloudformation:props': inL1Order(node.resource.type, synthesizedProperties(node, input.tags, input.intrinsics)),
    };
  }
  if (node.children.length > 0) {
    out.children = {};
    for (const c of node.children) out.children[c.id] = treeNode(c, input);
  }
  return out;
}

/**
 * One stack's node of tree.json as JSON text: rendered as soon as the stack is, so its construct tree and
 * properties need not stay in memory until the whole file is written.
 */
export function stackTreeJson(input: StackTreeInput): string {
  return JSON.stringify(treeNode(input.stack, input));
}

/** Whether JavaScript orders this object key before the others (an array index: "0" to "4294967294"). */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1;
}

/**
 * The file's text: the app, its stacks (JSON text from stackTreeJson, by construct id) and the app's "Tree" child,
 * joined as JSON.stringify would write the app's node holding them (no indentation; keys in JavaScript object order:
 * array indexes ascending first, a repeated key keeps its first place and its last value).
 */
export function treeFile(stacks: ReadonlyArray<readonly [id: string, json: string]>, versions: InstalledVersions): string {
  const children = new Map<string, string>(stacks);
  children.set('Tree', JSON.stringify({ id: 'Tree', path: 'Tree', constructInfo: { fqn: CONSTRUCT_TYPES.construct.fqn, version: versions.constructs } }));
  const keys = [...children.keys()];
  const ordered = [...keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter((k) => !isArrayIndex(k))];
  const app = JSON.stringify({ id: 'App', path: '', constructInfo: { fqn: CONSTRUCT_TYPES.app.fqn, version: versions[CONSTRUCT_TYPES.app.library] } });
  const members = ordered.map((k) => `${JSON.stringify(k)}:${children.get(k)!}`).join(',');
  return `{"version":"tree-0.1","tree":${app.slice(0, -1)},"children":{${members}}}}`;
}
