/**
 * Stage 2a: structural validation against the JSON Schema, with Ajv's errors translated into coded,
 * positioned diagnostics that say what was found, what is allowed and how to fix it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { DiagnosticBag, renderValue, SpecPath } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';
import { closest } from '../diagnostics/suggest';
import { unitHint } from './units';

let compiled: ValidateFunction | undefined;

export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: false, allowUnionTypes: true, inlineRefs: false } as const;
export const GENERATED_VALIDATOR = 'spec-validator.generated.js';

/**
 * The build precompiles the schema into standalone validator code (scripts/gen-validator.ts), which loads in a few
 * milliseconds; compiling the schema with Ajv at start-up takes hundreds. From TypeScript sources (tests) the
 * validator is compiled on first use, with the same options.
 */
function validator(): ValidateFunction {
  if (!compiled) {
    let generated: ValidateFunction | undefined;
    try {
      // A literal path, so bundlers include the generated code; absent when running from TypeScript sources.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      generated = require('./spec-validator.generated.js') as ValidateFunction;
    } catch {
      generated = undefined;
    }
    if (generated) {
      compiled = generated;
    } else {
      // From sources: compile the committed JSON Schema (a test keeps it identical to the TypeBox source).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { default: Ajv } = require('ajv') as typeof import('ajv');
      const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'schema', 'inferstack.schema.json'), 'utf8')) as object;
      compiled = new Ajv(AJV_OPTIONS).compile(schema);
    }
  }
  return compiled!;
}

type SchemaNode = Record<string, unknown>;

export function validateSchema(data: unknown, bag: DiagnosticBag): void {
  const validate = validator();
  if (validate(data)) return;
  const errors = withoutRedundant(selectUnionBranches(validate.errors ?? []));
  for (const e of errors) translate(e, bag);
}

/** `version: "1"` fails both `type` and `const`: one error per place is enough (the type error says it all). */
function withoutRedundant(errors: ErrorObject[]): ErrorObject[] {
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  return errors.filter((e) => !((e.keyword === 'const' || e.keyword === 'enum') && typed.has(e.instancePath)));
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

function jsType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** How well a union branch fits the data's shape; the best-fitting branch's errors are the useful ones. */
function branchScore(branch: SchemaNode, data: unknown): number {
  const t = jsType(data);
  if ('const' in branch) return branch.const === data ? 3 : 0;
  const types = branch.type === undefined ? [] : Array.isArray(branch.type) ? (branch.type as string[]) : [branch.type as string];
  const typeOk = types.some((bt) => bt === t || (bt === 'number' && t === 'integer'));
  if (!typeOk) return 0;
  if (t === 'object' && branch.properties) {
    const keys = Object.keys(data as object);
    const props = Object.keys(branch.properties as object);
    return keys.every((k) => props.includes(k)) ? 2 : 1;
  }
  return 2;
}

function selectUnionBranches(errors: ErrorObject[]): ErrorObject[] {
  let result = [...errors];
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  for (const u of unions) {
    const branches = (u.schema as SchemaNode[]) ?? [];
    const scores = branches.map((b) => branchScore(b, u.data));
    const best = Math.max(...scores);
    const prefix = `${u.schemaPath}/`;
    // Shared definitions give the same schema path to several places in the document: match the place too.
    const within = (e: ErrorObject) => e.instancePath === u.instancePath || e.instancePath.startsWith(`${u.instancePath}/`);
    if (best <= 0) {
      // No branch fits the shape at all: one wrong-type error for the union is clearer than each branch's.
      result = result.filter((e) => !(e.schemaPath.startsWith(prefix) && within(e)));
      continue;
    }
    const chosen = scores.indexOf(best);
    const keep = `${u.schemaPath}/${chosen}/`;
    result = result.filter((e) => e === u || !(e.schemaPath.startsWith(prefix) && within(e)) || e.schemaPath.startsWith(keep));
    if (result.some((e) => e.schemaPath.startsWith(keep) && within(e))) result = result.filter((e) => e !== u);
  }
  return result;
}

function describeExpected(schema: SchemaNode): string {
  if (Array.isArray(schema.anyOf)) {
    return (schema.anyOf as SchemaNode[]).map(describeExpected).join(' or ');
  }
  if (schema.enum) return `one of ${(schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in schema) return JSON.stringify(schema.const);
  const unit = schema['x-unit'];
  if (unit === 'duration') return 'a duration such as 90s';
  if (unit === 'size') return 'a size such as 16Gi';
  if (unit === 'count') return 'a count such as 7.6B or 350M';
  if (schema.type === 'object') return 'a mapping';
  if (schema.type === 'array') return 'a list';
  if (schema.type === 'integer') return 'a whole number';
  if (schema.type === 'number') return 'a number';
  if (schema.type === 'string') return 'a string';
  if (schema.type === 'boolean') return 'true or false';
  return 'a different value';
}

function findUnitSchema(e: ErrorObject): 'duration' | 'size' | 'count' | undefined {
  const parent = e.parentSchema as SchemaNode | undefined;
  const unit = parent?.['x-unit'];
  return unit === 'duration' || unit === 'size' || unit === 'count' ? unit : undefined;
}

function translate(e: ErrorObject, bag: DiagnosticBag): void {
  const path: SpecPath = pointerToPath(e.instancePath);
  const parent = (e.parentSchema ?? {}) as SchemaNode;
  const parentName = path.length === 0 ? 'the spec' : `"${String(path[path.length - 1])}"`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      if (parent.patternProperties && !parent.properties) {
        const rule = (parent['x-format-hint'] as string | undefined) ?? 'names matching the allowed pattern';
        bag.add(Diagnostics.BadFormat, [...path, key], { atKey: true, found: key, allowed: rule, hint: `rename it, e.g. "${suggestName(key)}"` });
        return;
      }
      const allowed = Object.keys((parent.properties as object) ?? {});
      const suggestion = closest(key, allowed);
      const home = suggestion ? undefined : misindentedHome(path, key);
      bag.add(Diagnostics.UnknownKey, [...path, key], {
        atKey: true,
        args: { key, parent: parentName },
        allowed: allowed.join(', '),
        hint: suggestion ? `did you mean "${suggestion}"?` : home ? `"${key}" looks mis-indented: it belongs ${home}` : `remove "${key}"`,
      });
      return;
    }
    case 'required': {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      bag.add(Diagnostics.MissingKey, path, { args: { key, parent: parentName }, hint: `add "${key}:"` });
      return;
    }
    case 'type':
    case 'anyOf': {
      const unit = e.keyword === 'type' ? findUnitSchema(e) : ((parent['x-unit'] as 'duration' | 'size' | 'count' | undefined) ?? undefined);
      if (unit && unit !== 'count' && typeof e.data === 'number') {
        bag.add(Diagnostics.BadUnit, path, { found: e.data, args: { unitKind: unit }, allowed: describeExpected(parent), hint: unitHint(unit, e.data) });
        return;
      }
      const expected = e.keyword === 'anyOf' ? describeExpected(parent) : describeExpected(parent);
      // A whole document that is not a mapping is probably not a spec at all: name its kind, never echo its content.
      const whole = path.length === 0;
      bag.add(Diagnostics.WrongType, path, {
        ...(whole ? {} : { found: e.data }),
        args: { expected, found: whole ? `${describeKind(e.data)} (is this an inferstack spec?)` : describeFound(e.data) },
        allowed: expected,
        hint: hintForType(parent, e.data),
      });
      return;
    }
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const suggestion = typeof e.data === 'string' ? closest(e.data, allowed) : undefined;
      bag.add(Diagnostics.NotAllowed, path, {
        found: e.data,
        allowed: allowed.join(', '),
        hint: suggestion ? `did you mean "${suggestion}"?` : `use one of: ${allowed.join(', ')}`,
      });
      return;
    }
    case 'const': {
      const allowed = JSON.stringify((e.params as { allowedValue: unknown }).allowedValue);
      bag.add(Diagnostics.NotAllowed, path, { found: e.data, allowed, hint: typeof e.data === 'string' && e.data === JSON.parse(allowed)?.toString() ? `remove the quotes: ${allowed}` : `write ${allowed}` });
      return;
    }
    case 'pattern': {
      const unit = findUnitSchema(e);
      if (unit) {
        bag.add(Diagnostics.BadUnit, path, { found: e.data, args: { unitKind: unit }, allowed: describeExpected(parent), hint: unitHint(unit, e.data) });
        return;
      }
      // Every pattern in the schema carries its rule in words (a test checks it); never show a regular expression.
      const formatHint = (parent['x-format-hint'] as string | undefined) ?? 'the format described in the spec reference';
      bag.add(Diagnostics.BadFormat, path, { found: e.data, allowed: formatHint, hint: `write ${formatHint}` });
      return;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      const allowed = `${p.comparison} ${p.limit}`;
      bag.add(Diagnostics.OutOfRange, path, { found: e.data, allowed, hint: `use a value ${allowed}` });
      return;
    }
    case 'minItems':
    case 'maxItems':
    case 'minProperties':
    case 'maxProperties': {
      const limit = (e.params as { limit: number }).limit;
      const isItems = e.keyword.endsWith('Items');
      const count = isItems ? (e.data as unknown[]).length : Object.keys(e.data as object).length;
      const noun = isItems ? (limit === 1 ? 'entry' : 'entries') : limit === 1 ? 'key' : 'keys';
      const allowed = `${e.keyword.startsWith('min') ? 'at least' : 'at most'} ${limit} ${noun}`;
      bag.add(Diagnostics.BadCount, path, { args: { found: `${count} ${isItems ? 'entries' : 'keys'}` }, allowed, hint: `give ${allowed}` });
      return;
    }
    case 'minLength':
    case 'maxLength': {
      const limit = (e.params as { limit: number }).limit;
      const allowed = `${e.keyword === 'minLength' ? 'at least' : 'at most'} ${limit} characters`;
      bag.add(Diagnostics.BadFormat, path, { found: e.data, allowed, hint: `use ${allowed}` });
      return;
    }
    default:
      bag.add(Diagnostics.BadFormat, path, { found: e.data, allowed: e.message ?? 'a valid value', hint: 'see the spec reference in the README' });
  }
}

function describeKind(v: unknown): string {
  const t = jsType(v);
  return t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'null' ? 'nothing' : t === 'integer' || t === 'number' ? 'a number' : `a ${t}`;
}

function describeFound(v: unknown): string {
  const t = jsType(v);
  if (t === 'object') return 'a mapping';
  if (t === 'array') return 'a list';
  if (t === 'null') return 'nothing (null)';
  return `${t === 'integer' ? 'number' : t} ${renderValue(v)}`;
}

function hintForType(schema: SchemaNode, data: unknown): string {
  if ('const' in schema && typeof data === 'string' && data === String(schema.const)) return `remove the quotes: ${String(schema.const)}`;
  if (schema.type === 'array' && data !== null && typeof data !== 'object') return 'write a list: [a, b] or one "- item" per line';
  if (schema.type === 'object' && data === null) return 'fill in the mapping or remove the key';
  if (schema.type === 'string' && typeof data === 'number') return `quote it: "${String(data)}"`;
  if (schema.type === 'integer' && typeof data === 'string' && /^[0-9]+$/.test(data)) return `remove the quotes: ${data}`;
  if ((schema.type === 'integer' || schema.type === 'number') && typeof data === 'string') {
    const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmM])\s*$/.exec(data);
    if (m) {
      const n = Number(m[1]);
      const binary = m[2]!.toLowerCase() === 'k' ? n * 1024 : n * 1024 * 1024;
      const decimal = m[2]!.toLowerCase() === 'k' ? n * 1000 : n * 1000 * 1000;
      if (Number.isInteger(binary)) return `write the whole number: ${binary} (${m[1]} x ${m[2]!.toLowerCase() === 'k' ? '1024' : '1024 x 1024'}) or ${decimal}; K/M/B suffixes are for model.parameters only`;
    }
  }
  if (schema.type === 'boolean' && typeof data === 'string') return 'write true or false without quotes';
  return `write ${describeExpected(schema)}`;
}

function suggestName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return cleaned || 'my-model';
}

type Json = Record<string, unknown>;

let schemaDocument: Json | undefined;

/** The committed JSON Schema (schema/ next to lib/ from sources, or next to dist/ when built); read on first use. */
function committedSchema(): Json | undefined {
  if (!schemaDocument) {
    for (const up of [['..', '..'], ['..', '..', '..']]) {
      const file = path.resolve(__dirname, ...up, 'schema', 'inferstack.schema.json');
      if (fs.existsSync(file)) {
        schemaDocument = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
        break;
      }
    }
  }
  return schemaDocument;
}

/** The object schemas that can describe the value at `path` (following $ref, allOf, anyOf, records). */
function schemasAt(root: Json, path: SpecPath): Json[] {
  const resolve = (n: Json | undefined): Json[] => {
    if (!n) return [];
    if (typeof n.$ref === 'string') return resolve((root.definitions as Record<string, Json>)[n.$ref.replace('#/definitions/', '')]);
    if (Array.isArray(n.allOf)) return (n.allOf as Json[]).flatMap(resolve);
    if (Array.isArray(n.anyOf)) return (n.anyOf as Json[]).flatMap(resolve);
    return n.type === 'object' ? [n] : [];
  };
  let nodes = resolve(root);
  for (const segment of path) {
    nodes = nodes.flatMap((n) => {
      const props = (n.properties ?? {}) as Record<string, Json>;
      if (typeof segment === 'string' && props[segment]) return resolve(props[segment]);
      if (n.patternProperties) return Object.values(n.patternProperties as Record<string, Json>).flatMap(resolve);
      return [];
    });
  }
  return nodes;
}

function hasProperty(n: Json, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(n.properties ?? {}, key);
}

/** Where an unknown key would be allowed nearby: under a sibling key or its child (indented too little), or one level up. */
function misindentedHome(path: SpecPath, key: string): string | undefined {
  const root = committedSchema();
  if (!root) return undefined;
  const childNames = (p: SpecPath) => [...new Set(schemasAt(root, p).flatMap((n) => Object.keys((n.properties ?? {}) as object)))];
  const allows = (p: SpecPath) => schemasAt(root, p).some((n) => hasProperty(n, key));
  const homes: string[] = [];
  for (const child of childNames(path)) {
    if (allows([...path, child])) homes.push(child);
    else for (const grandchild of childNames([...path, child])) if (allows([...path, child, grandchild])) homes.push(`${child}.${grandchild}`);
  }
  if (homes.length > 0 && homes.length <= 3) return `under ${homes.map((h) => `"${h}"`).join(' or ')} (indent it below ${homes[0]!.split('.').pop()}:)`;
  if (path.length > 0 && allows(path.slice(0, -1))) {
    const up = path.length > 1 ? `"${String(path[path.length - 2])}"` : 'the top level';
    return `one level up, in ${up} (indent it less)`;
  }
  return undefined;
}
