import type { SpecPath } from '../diagnostics/diagnostic';

/**
 * `defaults` deep-merged under a deployment. Mappings merge key by key; lists and scalars in the deployment
 * replace the default. Alongside the value, every path can say which part of the file it came from, so a
 * diagnostic about a merged setting points at the line that set it.
 */
export interface Merged {
  readonly value: Record<string, unknown>;
  /** Source path of the merged value at a path (or of its nearest ancestor that has one). */
  origin(path: SpecPath): SpecPath;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Merges without copying leaves: the loaded document is never mutated downstream. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}

/** How deep `path` exists in `root` (0 = not even the first key). */
function depthPresent(root: unknown, path: SpecPath): number {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    if (node === null || typeof node !== 'object') return i;
    const next = (node as Record<string | number, unknown>)[path[i]!];
    if (next === undefined) return i;
    node = next;
  }
  return path.length;
}

export function mergeDefaults(defaults: Record<string, unknown> | undefined, deployment: Record<string, unknown>, deploymentPath: SpecPath): Merged {
  const value = (defaults ? merge(defaults, deployment) : deployment) as Record<string, unknown>;
  return {
    value,
    origin(path: SpecPath): SpecPath {
      // The deployment wins where it sets the value (or a scalar/list on the way); otherwise the defaults do.
      const inDeployment = depthPresent(deployment, path);
      const inDefaults = defaults ? depthPresent(defaults, path) : 0;
      return inDeployment >= inDefaults ? [...deploymentPath, ...path] : ['defaults', ...path];
    },
  };
}
