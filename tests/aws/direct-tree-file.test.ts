/**
 * tree.json is assembled from per-stack JSON texts (providers/aws/direct/tree-file.ts, treeFile) instead of one
 * JSON.stringify of the app's node: the text must be what JSON.stringify writes for the object holding those stacks,
 * including JavaScript's key order (array-index keys first, ascending) and a repeated key (first place, last value),
 * which is also how a stack named "Tree" meets the app's own "Tree" child.
 */
import { describe, expect, it } from 'vitest';
import { treeFile } from '../../providers/aws/direct/tree-file';
import type { InstalledVersions } from '../../providers/aws/direct/installed-versions';

const versions: InstalledVersions = { 'aws-cdk-lib': '2.0.0', constructs: '10.0.0', schema: '1.0.0' };

/** What the writer rendered before: the app's node as one object, its children set in order, then "Tree". */
function asOneObject(stacks: ReadonlyArray<readonly [string, string]>): string {
  const children: Record<string, unknown> = {};
  for (const [id, json] of stacks) children[id] = JSON.parse(json);
  const tree = { id: 'App', path: '', constructInfo: { fqn: 'aws-cdk-lib.App', version: '2.0.0' }, children: { ...children, Tree: { id: 'Tree', path: 'Tree', constructInfo: { fqn: 'constructs.Construct', version: '10.0.0' } } } };
  return JSON.stringify({ version: 'tree-0.1', tree });
}

const stack = (id: string, n = 0): [string, string] => [id, JSON.stringify({ id, path: id, n })];

describe('tree.json from per-stack texts', () => {
  it('matches JSON.stringify of the app node for ordinary stack ids', () => {
    const stacks = [stack('QwenChat'), stack('Llm0001'), stack('Embedder')];
    expect(treeFile(stacks, versions)).toBe(asOneObject(stacks));
  });

  it('orders array-index ids first, keeps a repeated id in its first place with its last value, and lets "Tree" replace a stack of that id', () => {
    const stacks = [stack('B'), stack('10'), stack('Tree'), stack('2'), stack('B', 1), stack('4294967295'), stack('01')];
    expect(treeFile(stacks, versions)).toBe(asOneObject(stacks));
  });

  it('holds only the "Tree" child without stacks', () => {
    expect(treeFile([], versions)).toBe(asOneObject([]));
  });
});
