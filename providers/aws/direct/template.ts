/**
 * A stack's CloudFormation template from its construct tree, as aws-cdk-lib renders it (core/lib/stack.ts,
 * _toCloudFormation and _synthesizeTemplate; core/lib/cfn-resource.ts, _toCloudFormation; core/lib/cfn-output.ts;
 * v2.276.0): the stack description, then each element's fragment in depth-first construct order; a resource as
 * Type, Properties (CloudFormation names, stack tags on taggable types), DependsOn (sorted by construct path),
 * the retain policies and its construct path; written with JSON.stringify(template, undefined, 1).
 */
import { toCloudFormation } from './cfn-names';
import type { ConstructNode } from './construct-node';
import type { Intrinsics } from './intrinsics';

export type Tag = { readonly key: string; readonly value: string };

const resolved = new WeakMap<ConstructNode, Record<string, unknown>>();

/**
 * The L1 properties a resource synthesizes with (its own, then the stack's tags if its type takes tags), references
 * resolved; computed once for the template and tree.json. Converting the result to CloudFormation names leaves the
 * intrinsics in it as they are (their keys are capitalized already).
 */
export function synthesizedProperties(node: ConstructNode, tags: readonly Tag[], x: Intrinsics): Record<string, unknown> {
  let props = resolved.get(node);
  if (!props) {
    const r = node.resource!;
    props = x.resolve(r.taggable && tags.length > 0 ? { ...r.props, tags: tags.map((t) => ({ key: t.key, value: t.value })) } : r.props) as Record<string, unknown>;
    resolved.set(node, props);
  }
  return props;
}

function resourceFragment(node: ConstructNode, tags: readonly Tag[], x: Intrinsics): Record<string, unknown> {
  const r = node.resource!;
  const dependsOn = [...node.dependsOn].sort((a, b) => a.path.localeCompare(b.path)).map((n) => n.logicalId);
  return {
    Type: r.type,
    Properties: toCloudFormation(synthesizedProperties(node, tags, x)),
    ...(dependsOn.length > 0 ? { DependsOn: dependsOn } : {}),
    ...(r.retain ? { UpdateReplacePolicy: 'Retain', DeletionPolicy: 'Retain' } : {}),
    Metadata: { 'aws:cdk:path': node.path },
  };
}

export function stackTemplate(stack: ConstructNode, description: string, tags: readonly Tag[], x: Intrinsics): Record<string, unknown> {
  const sections: Record<string, Record<string, unknown>> = { Resources: {}, Outputs: {}, Parameters: {}, Rules: {} };
  for (const node of stack.descendants()) {
    const e = node.element;
    if (!e) continue;
    if (e.kind === 'resource') sections.Resources![node.logicalId] = resourceFragment(node, tags, x);
    else if (e.kind === 'output') sections.Outputs![node.logicalId] = { Description: e.description, Value: x.resolve(e.value) };
    else sections[e.kind === 'parameter' ? 'Parameters' : 'Rules']![node.logicalId] = e.fragment;
  }
  const present = Object.entries(sections).filter(([, v]) => Object.keys(v).length > 0);
  return { Description: description, ...Object.fromEntries(present) };
}
