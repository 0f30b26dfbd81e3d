/**
 * A stack's <Stack>.metadata.json as aws-cdk-lib writes it (core/lib/stack-synthesizers/_shared.ts,
 * addStackArtifactToAssembly and collectStackMetadata, v2.276.0): the metadata of every construct of the stack,
 * breadth first, keyed by "/" + construct path, written with JSON.stringify(meta, undefined, 2). The entries:
 * the stack's template file (Stack._synthesizeTemplate), each CloudFormation element's logical id (CfnElement), and
 * each cdk-nag acknowledgement (core/lib/validation/validations.ts, recordAcknowledgment: the rule id under the
 * "Annotation::" namespace, and the call stack, which the CDK app captures with Error.stackTraceLimit = 0, so it
 * reads "(no user code in 0 frames ...)": core/lib/private/stack-trace.ts).
 */
import type { ConstructNode } from './construct-node';

/** The trace aws-cdk-lib records with an acknowledgement made while Error.stackTraceLimit is 0 (providers/aws/app.ts). */
const EMPTY_TRACE = ['    (no user code in 0 frames, use --stack-trace-limit to capture more)'];

function entriesOf(node: ConstructNode, templateFile: string, isStack: boolean): unknown[] {
  const entries: unknown[] = [];
  if (isStack) entries.push({ type: 'aws:cdk:templateFile', data: templateFile });
  if (node.element) entries.push({ type: 'aws:cdk:logicalId', data: node.logicalId });
  for (const a of node.acknowledgements) entries.push({ type: 'aws:cdk:acknowledged-rules', data: { [`Annotation::${a.id}`]: a.reason }, trace: EMPTY_TRACE });
  return entries;
}

export function metadataFile(stack: ConstructNode, templateFile: string): string {
  const out: Record<string, unknown[]> = {};
  const queue = [stack];
  for (let i = 0; i < queue.length; i++) {
    const next = queue[i]!;
    const entries = entriesOf(next, templateFile, next === stack);
    if (entries.length > 0) out[`/${next.path}`] = entries;
    for (const c of next.children) queue.push(c);
  }
  return JSON.stringify(out, undefined, 2);
}
