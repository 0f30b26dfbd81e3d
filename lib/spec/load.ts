/**
 * Stage 1: bytes -> YAML document with source positions. Hostile input (huge files, alias bombs, deep nesting,
 * non-UTF-8, directories) becomes a diagnostic, never an exception.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, Node, parseAllDocuments, Document } from 'yaml';
import { Diagnostic, fileDiagnostic, Locator, SourcePosition, SpecPath } from '../diagnostics/diagnostic';
import { Diagnostics } from '../diagnostics/registry';

export const MAX_SPEC_BYTES = 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_ALIAS_COUNT = 100;

export interface LoadedSpec {
  readonly file: string;
  readonly source: string;
  readonly data: unknown;
  readonly locator: Locator;
}

export type LoadResult = { ok: true; spec: LoadedSpec } | { ok: false; diagnostics: Diagnostic[] };

/** Folders whose files are process or device state, never a spec (their "regular" files can hold secrets). */
const SYSTEM_FOLDERS = ['/proc/', '/sys/', '/dev/'];

function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Reads the spec: only a regular file (a FIFO or device would block or stream forever), never under /proc, /sys or
 * /dev, and not through a symbolic link that leaves the working folder. Opened non-blocking, then checked on the
 * open descriptor, so the file cannot be swapped between the check and the read.
 */
export function loadSpecFile(file: string): LoadResult {
  let bytes: Buffer;
  let fd: number | undefined;
  try {
    const real = fs.realpathSync(file);
    if (SYSTEM_FOLDERS.some((folder) => `${real}/`.startsWith(folder))) {
      return fail(fileDiagnostic(file, Diagnostics.NotRegularFile, { detail: 'it is process or device state, not a spec' }, { line: 0, column: 0, hint: 'pass the path of a .yaml file' }));
    }
    if (fs.lstatSync(file).isSymbolicLink() && !isWithin(real, fs.realpathSync(process.cwd()))) {
      return fail(fileDiagnostic(file, Diagnostics.SpecOutsideTree, { found: real }, { line: 0, column: 0, hint: 'copy the spec into your project, or pass its real path' }));
    }
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) {
      return fail(fileDiagnostic(file, Diagnostics.CannotRead, { detail: 'it is a directory' }, { line: 0, column: 0, hint: 'pass the path of a .yaml file' }));
    }
    if (!stat.isFile()) {
      const kind = stat.isFIFO() ? 'a named pipe (FIFO)' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a regular file';
      return fail(fileDiagnostic(file, Diagnostics.NotRegularFile, { detail: `it is ${kind}` }, { line: 0, column: 0, hint: 'pass the path of a .yaml file' }));
    }
    if (stat.size > MAX_SPEC_BYTES) {
      return fail(fileDiagnostic(file, Diagnostics.FileTooLarge, { found: stat.size, limit: MAX_SPEC_BYTES }, { hint: 'split the spec into several files' }));
    }
    bytes = fs.readFileSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'ELOOP' ? 'too many levels of symbolic links' : `error ${code ?? 'reading it'}`;
    return fail(fileDiagnostic(file, Diagnostics.CannotRead, { detail }, { line: 0, column: 0, hint: 'check the path' }));
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return loadSpecText(file, bytes);
}

export function loadSpecText(file: string, input: string | Uint8Array): LoadResult {
  if (typeof input !== 'string' && input.byteLength > MAX_SPEC_BYTES) {
    return fail(fileDiagnostic(file, Diagnostics.FileTooLarge, { found: input.byteLength, limit: MAX_SPEC_BYTES }, { hint: 'split the spec into several files' }));
  }
  let source: string;
  if (typeof input === 'string') {
    source = input;
  } else {
    try {
      source = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      const offset = firstInvalidUtf8Offset(input);
      return fail(fileDiagnostic(file, Diagnostics.NotUtf8, { offset }, { hint: 'save the file as UTF-8' }));
    }
  }
  if (source.length > MAX_SPEC_BYTES) {
    return fail(fileDiagnostic(file, Diagnostics.FileTooLarge, { found: source.length, limit: MAX_SPEC_BYTES }, { hint: 'split the spec into several files' }));
  }
  const depth = bracketDepthEstimate(source);
  if (depth > MAX_DEPTH) {
    return fail(fileDiagnostic(file, Diagnostics.TooDeep, { limit: MAX_DEPTH }, { hint: 'flatten the structure; a spec needs only a few levels' }));
  }

  let lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    // yaml's duplicate-key check compares each key with every earlier key of its mapping (quadratic in the number
    // of deployments); the documents are the same without it. So: parse without it, look for a duplicate in linear
    // time, and only when there is one parse again with it, for yaml's own errors and positions.
    docs = parseDocuments(source, lineCounter, false);
    if (docs.some(hasDuplicateKey)) {
      lineCounter = new LineCounter();
      docs = parseDocuments(source, lineCounter, true);
    }
  } catch (err) {
    return fail(fileDiagnostic(file, Diagnostics.YamlSyntax, { detail: oneLine((err as Error).message) }, { hint: 'fix the YAML syntax' }));
  }
  const position = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };

  const diagnostics: Diagnostic[] = [];
  for (const doc of docs) {
    for (const e of doc.errors) {
      const pos = position(e.pos[0]);
      const def = e.code === 'DUPLICATE_KEY' ? Diagnostics.DuplicateKey : Diagnostics.YamlSyntax;
      const key = e.code === 'DUPLICATE_KEY' ? duplicateKeyAt(source, e.pos[0]) : '';
      diagnostics.push(
        fileDiagnostic(
          file,
          def,
          { detail: oneLine(e.message), key },
          { ...pos, hint: e.code === 'DUPLICATE_KEY' ? 'remove or rename one of the entries; YAML keeps only one' : 'fix the YAML syntax at this position' },
        ),
      );
    }
  }
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  if (docs.length === 0 || (docs.length === 1 && docs[0]!.contents === null)) {
    return fail(fileDiagnostic(file, Diagnostics.EmptySpec, {}, { hint: 'run `inferstack init` to write a commented starter spec' }));
  }
  if (docs.length > 1) {
    const second = docs[1]!.range?.[0] ?? 0;
    return fail(fileDiagnostic(file, Diagnostics.MultipleDocuments, { found: docs.length }, { ...position(second), hint: 'remove the "---" separator, or put each document in its own file' }));
  }
  const doc = docs[0]!;

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (/alias/i.test(message)) {
      return fail(fileDiagnostic(file, Diagnostics.AliasBomb, { detail: `more than ${MAX_ALIAS_COUNT} alias expansions` }, { hint: 'write the values out instead of using many aliases' }));
    }
    if (err instanceof RangeError) return fail(fileDiagnostic(file, Diagnostics.TooDeep, { limit: MAX_DEPTH }, { hint: 'flatten the structure; a spec needs only a few levels' }));
    return fail(fileDiagnostic(file, Diagnostics.YamlSyntax, { detail: oneLine(message) }, { hint: 'fix the YAML syntax' }));
  }
  if (valueDepth(data) > MAX_DEPTH) return fail(fileDiagnostic(file, Diagnostics.TooDeep, { limit: MAX_DEPTH }, { hint: 'flatten the structure; a spec needs only a few levels' }));
  const valueProblems = checkValues(doc.contents, [], file, position);
  if (valueProblems.length > 0) return { ok: false, diagnostics: valueProblems };
  keepEnvSourceText(doc.contents, [], data);

  const locator: Locator = {
    file,
    locate(path: SpecPath, atKey = false): SourcePosition {
      const offset = offsetOf(doc, path, atKey);
      return position(offset);
    },
  };
  return { ok: true, spec: { file, source, data, locator } };
}

function parseDocuments(source: string, lineCounter: LineCounter, uniqueKeys: boolean): Document.Parsed[] {
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys, prettyErrors: false, strict: true }) as Document.Parsed[];
  return Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed];
}

/**
 * Whether a mapping of the document repeats a key as yaml's `uniqueKeys` check sees it: two scalar keys with
 * identical (===) values in the same mapping (collection keys and aliases never compare equal there).
 */
function hasDuplicateKey(doc: Document.Parsed): boolean {
  const visit = (n: unknown): boolean => {
    if (isMap(n)) {
      const seen = new Set<unknown>();
      for (const pair of n.items) {
        if (isScalar(pair.key)) {
          const value = pair.key.value;
          if (seen.has(value) && !Number.isNaN(value)) return true;
          seen.add(value);
        }
        if (visit(pair.key) || visit(pair.value)) return true;
      }
      return false;
    }
    if (isSeq(n)) return n.items.some(visit);
    return false;
  };
  return visit(doc.contents);
}

/** Explicit tags that only restate a core type; every other tag (`!Ref`, `!!js/function`, `!!binary`) is refused. */
const HARMLESS_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/**
 * YAML features that would change values silently: tags (CloudFormation's `!Ref`, `!!js/function`), numbers that
 * are not finite (`.inf`, `.nan`, `1e400` would become null in JSON), and keys that JavaScript objects treat
 * specially (`__proto__`).
 */
function checkValues(node: unknown, at: (string | number)[], file: string, position: (offset: number) => SourcePosition): Diagnostic[] {
  const out: Diagnostic[] = [];
  const where = (n: unknown) => position((n as Node | null)?.range?.[0] ?? 0);
  const dotted = (p: (string | number)[]) => p.map(String).join('.') || '(root)';
  const visit = (n: unknown, p: (string | number)[]) => {
    const tag = (n as { tag?: string } | null)?.tag;
    if (tag && !HARMLESS_TAGS.has(tag)) {
      out.push(fileDiagnostic(file, Diagnostics.YamlTag, { found: shortTag(tag) }, { ...where(n), allowed: 'plain YAML values (inferstack specs use no tags)', hint: tag === '!Ref' || tag.startsWith('!Fn') || tag === '!Sub' ? 'inferstack generates the CloudFormation; write the value itself' : 'remove the tag and write the value itself' }));
      return;
    }
    if (isScalar(n)) {
      if (typeof n.value === 'number' && !Number.isFinite(n.value)) {
        out.push(fileDiagnostic(file, Diagnostics.NotFinite, { path: dotted(p), found: n.source ?? String(n.value) }, { ...where(n), allowed: `numbers up to ${Number.MAX_VALUE.toExponential(3)}`, hint: 'write a finite number, or quote it to make it text' }));
      }
      return;
    }
    if (isMap(n)) {
      // Keys of different YAML types that become one property (`true` and "true", `1` and "1", `~` and "null"):
      // yaml's own duplicate check compares values, so it lets them through and the last one would silently win.
      const byText = new Map<string, unknown>();
      for (const pair of n.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (RESERVED_KEYS.has(key)) {
          out.push(fileDiagnostic(file, Diagnostics.ReservedKey, { key }, { ...where(pair.key), allowed: 'any other key', hint: `rename "${key}"; it has a special meaning for JavaScript objects` }));
          continue;
        }
        if (isScalar(pair.key)) {
          if (byText.has(key) && byText.get(key) !== pair.key.value) {
            out.push(fileDiagnostic(file, Diagnostics.DuplicateKey, { key }, { ...where(pair.key), hint: 'remove or rename one of the entries (a quoted and an unquoted key of the same text are one key); YAML keeps only one' }));
          }
          byText.set(key, pair.key.value);
        }
        visit(pair.key, p);
        visit(pair.value, [...p, key]);
      }
      return;
    }
    if (isSeq(n)) n.items.forEach((item, i) => visit(item, [...p, i]));
  };
  visit(node, at);
  return out;
}

/**
 * Environment variables are text: an unquoted `1.10`, `0o755` or a 20-digit number keeps the text written in the
 * spec instead of JavaScript's rendering of the number (`1.1`, `493`, a rounded integer).
 */
function keepEnvSourceText(node: unknown, at: (string | number)[], data: unknown): void {
  const set = (p: (string | number)[], value: string) => {
    let target = data as Record<string | number, unknown>;
    for (const segment of p.slice(0, -1)) target = target[segment] as Record<string | number, unknown>;
    target[p[p.length - 1]!] = value;
  };
  const visit = (n: unknown, p: (string | number)[]) => {
    if (isMap(n)) {
      for (const pair of n.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (key === 'env' && isMap(pair.value)) {
          for (const entry of pair.value.items) {
            if (isScalar(entry.value) && typeof entry.value.value === 'number' && entry.value.source !== undefined && isScalar(entry.key)) set([...p, key, String(entry.key.value)], entry.value.source);
          }
        }
        visit(pair.value, [...p, key]);
      }
    } else if (isSeq(n)) n.items.forEach((item, i) => visit(item, [...p, i]));
  };
  visit(node, at);
}

function fail(d: Diagnostic): LoadResult {
  return { ok: false, diagnostics: [d] };
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
}

function duplicateKeyAt(source: string, offset: number): string {
  const m = /^\s*"?([^":\n]+)"?\s*:/.exec(source.slice(offset, offset + 200));
  return m ? m[1]!.trim() : '?';
}

/** Offset of the node at `path`, or of the deepest existing ancestor. */
function offsetOf(doc: Document.Parsed, path: SpecPath, atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) return offset;
      const keyNode = pair.key as Node | null;
      if (last && atKey && keyNode?.range) return keyNode.range[0];
      const valueNode = pair.value as Node | null;
      if (valueNode?.range) {
        offset = valueNode.range[0];
      } else if (keyNode?.range) {
        offset = keyNode.range[0];
      }
      node = valueNode;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item?.range) return offset;
      offset = item.range[0];
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function valueDepth(value: unknown): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  const seen = new Set<unknown>();
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_DEPTH) return d;
    if (v !== null && typeof v === 'object') {
      if (seen.has(v)) continue;
      seen.add(v);
      for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, d + 1]);
    }
  }
  return max;
}

/** Cheap pre-parse guard against pathological flow nesting (`[[[[...`), which a recursive parser would choke on. */
function bracketDepthEstimate(source: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | null = null;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '#') {
      const nl = source.indexOf('\n', i);
      i = nl === -1 ? source.length : nl;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) max = depth;
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
    else if (c === '\n') quote = null;
  }
  return max;
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the shortest invalid prefix (allowing an incomplete trailing sequence).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}
