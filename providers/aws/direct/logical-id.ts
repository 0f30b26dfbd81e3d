/**
 * CloudFormation logical ids as aws-cdk-lib computes them from a construct's path below its stack
 * (core/lib/private/uniqueid.ts, makeUniqueId, v2.276.0): "Default" components are dropped; a single component is
 * used alone (alphanumerics only); otherwise the human part (consecutive duplicates removed, "Resource" hidden,
 * alphanumerics only, at most 240 characters) is followed by the first 8 hex digits, upper case, of the MD5 of the
 * components joined with "/".
 */
import { hexDigest } from './hex-digest';

const HIDDEN_FROM_HUMAN_ID = 'Resource';
const HIDDEN_ID = 'Default';
const MAX_HUMAN_LEN = 240;
const MAX_ID_LEN = 255;

function alphanumeric(s: string): string {
  return s.replace(/[^A-Za-z0-9]/g, '');
}

function withoutDuplicates(components: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of components) if (out.length === 0 || !out[out.length - 1]!.endsWith(c)) out.push(c);
  return out;
}

/**
 * Logical ids by path below the stack: every stack of a spec has the same construct paths below it, so each id is
 * hashed once per synthesis, not once per stack.
 */
const byPath = new Map<string, string>();

export function logicalIdOf(pathBelowStack: readonly string[]): string {
  const key = pathBelowStack.join('\u0000');
  let id = byPath.get(key);
  if (id === undefined) {
    id = computeLogicalId(pathBelowStack);
    byPath.set(key, id);
  }
  return id;
}

function computeLogicalId(pathBelowStack: readonly string[]): string {
  const components = pathBelowStack.filter((c) => c !== HIDDEN_ID);
  if (components.length === 0) throw new Error('a logical id needs at least one path component');
  if (components.length === 1 && alphanumeric(components[0]!).length <= MAX_ID_LEN) return alphanumeric(components[0]!);
  const hash = hexDigest('md5', components.join('/')).slice(0, 8).toUpperCase();
  const human = withoutDuplicates(components).filter((c) => c !== HIDDEN_FROM_HUMAN_ID).map(alphanumeric).join('').slice(0, MAX_HUMAN_LEN);
  return human + hash;
}
