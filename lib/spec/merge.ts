import type { SpecPath } from '../diagnostics/diagnostic';

/**
 * `defaults` deep-merged under a deployment. Mappings merge key by key; lists and scalars in the deployment
 * replace the default. Alongside the value, every path remembers which part of the file it came from, so a
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

export function mergeDefaults(
  defaults: Record<string, unknown> | undefined,
  deployment: Record<string, unknown>,
  deploymentPath: SpecPath,
): Merged {
  const origins = new Map<string, SpecPath>();
  const key = (p: SpecPath) => p.join('\u0000');

  function record(value: unknown, mergedPath: SpecPath, sourcePath: SpecPath): void {
    origins.set(key(mergedPath), sourcePath);
    if (isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) record(v, [...mergedPath, k], [...sourcePath, k]);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => record(v, [...mergedPath, i], [...sourcePath, i]));
    }
  }

  function merge(base: unknown, over: unknown, mergedPath: SpecPath, basePath: SpecPath, overPath: SpecPath): unknown {
    if (over === undefined) {
      record(base, mergedPath, basePath);
      return structuredClone(base);
    }
    if (isPlainObject(base) && isPlainObject(over)) {
      origins.set(key(mergedPath), overPath);
      const out: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(base), ...Object.keys(over)])) {
        if (k in over) {
          out[k] = k in base ? merge(base[k], over[k], [...mergedPath, k], [...basePath, k], [...overPath, k]) : structuredClone(over[k]);
          if (!(k in base)) record(over[k], [...mergedPath, k], [...overPath, k]);
        } else {
          out[k] = structuredClone(base[k]);
          record(base[k], [...mergedPath, k], [...basePath, k]);
        }
      }
      return out;
    }
    record(over, mergedPath, overPath);
    return structuredClone(over);
  }

  const value = (defaults ? merge(defaults, deployment, [], ['defaults'], deploymentPath) : structuredClone(deployment)) as Record<string, unknown>;
  if (!defaults) record(deployment, [], deploymentPath);

  return {
    value,
    origin(path: SpecPath): SpecPath {
      for (let n = path.length; n >= 0; n--) {
        const found = origins.get(key(path.slice(0, n)));
        if (found) return n === path.length ? found : [...found, ...path.slice(n)];
      }
      return deploymentPath;
    },
  };
}
