/**
 * The folders `synth --out` writes: a manifest of what each synthesis wrote, so the next one removes exactly those
 * files and nothing else; a refusal to write into a non-empty folder inferstack did not write (unless forced); no
 * writing through symbolic links; and the layout detection `diff --against` needs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TargetName } from '../spec/schema';

export const MANIFEST_FILE = '.inferstack-synth.json';
const GENERATOR = 'inferstack synth';

export interface SynthManifest {
  readonly generator: typeof GENERATOR;
  readonly target: TargetName;
  /** Files written, relative to the folder, with `/` separators, sorted. */
  readonly files: readonly string[];
}

export type FolderProblem =
  | { readonly kind: 'not-ours'; readonly dir: string; readonly entries: readonly string[] }
  | { readonly kind: 'link'; readonly path: string }
  | { readonly kind: 'not-a-folder'; readonly path: string };

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

export function readManifest(dir: string): SynthManifest | undefined {
  const file = path.join(dir, MANIFEST_FILE);
  const stat = lstat(file);
  if (!stat?.isFile()) return undefined;
  try {
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SynthManifest>;
    if (m.generator !== GENERATOR || !Array.isArray(m.files) || (m.target !== 'aws' && m.target !== 'alibaba')) return undefined;
    return { generator: GENERATOR, target: m.target, files: m.files.filter((f): f is string => typeof f === 'string' && isInside(f)) };
  } catch {
    return undefined;
  }
}

/** A relative path that stays inside its folder (no `..`, not absolute). */
function isInside(relative: string): boolean {
  return relative !== '' && !path.isAbsolute(relative) && !relative.split(/[\\/]/).some((s) => s === '..' || s === '');
}

/** The first component of `relative` under `dir` that is a symbolic link, if any. */
function linkOnTheWay(dir: string, relative: string): string | undefined {
  let current = dir;
  for (const segment of relative.split('/')) {
    current = path.join(current, segment);
    const stat = lstat(current);
    if (!stat) return undefined;
    if (stat.isSymbolicLink()) return current;
  }
  return undefined;
}

/**
 * Whether a synthesis may write `files` into `dir`: the folder is absent, empty, written by an earlier synthesis, or
 * `force` is set; and no path it writes passes through a symbolic link.
 */
export function checkOutputFolder(dir: string, files: readonly string[], force: boolean): FolderProblem | undefined {
  const stat = lstat(dir);
  if (!stat) return undefined;
  if (stat.isSymbolicLink()) {
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return { kind: 'not-a-folder', path: dir };
  } else if (!stat.isDirectory()) return { kind: 'not-a-folder', path: dir };
  const entries = fs.readdirSync(dir).sort();
  if (entries.length > 0 && !readManifest(dir) && !force) return { kind: 'not-ours', dir, entries };
  for (const f of [...files, MANIFEST_FILE]) {
    const link = linkOnTheWay(dir, f);
    if (link) return { kind: 'link', path: link };
  }
  return undefined;
}

/** Removes what the previous synthesis recorded (files, then folders it left empty); links and other files stay. */
export function removePreviousSynthesis(dir: string): void {
  const manifest = readManifest(dir);
  if (!manifest) return;
  const folders = new Set<string>();
  for (const f of manifest.files) {
    if (linkOnTheWay(dir, f)) continue;
    const full = path.join(dir, f);
    if (lstat(full)?.isFile()) fs.unlinkSync(full);
    for (let parent = path.posix.dirname(f); parent !== '.'; parent = path.posix.dirname(parent)) folders.add(parent);
  }
  for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
    const full = path.join(dir, folder);
    if (lstat(full)?.isDirectory() && fs.readdirSync(full).length === 0) fs.rmdirSync(full);
  }
  fs.unlinkSync(path.join(dir, MANIFEST_FILE));
}

/** Every regular file under `dir`, relative with `/` separators, sorted. */
export function listFilesRecursively(dir: string): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/**
 * Installs a synthesis into `dir`: the files of a staging folder (copied) or held in memory (written), then the
 * manifest that records them.
 */
export function installSynthesis(staged: string | ReadonlyMap<string, string>, dir: string, target: TargetName): string[] {
  const files = typeof staged === 'string' ? listFilesRecursively(staged) : [...staged.keys()].sort();
  fs.mkdirSync(dir, { recursive: true });
  const made = new Set<string>([dir]);
  for (const f of files) {
    const destination = path.join(dir, f);
    const parent = path.dirname(destination);
    if (!made.has(parent)) fs.mkdirSync(parent, { recursive: true });
    made.add(parent);
    if (typeof staged === 'string') fs.copyFileSync(path.join(staged, f), destination);
    else fs.writeFileSync(destination, staged.get(f)!);
  }
  const manifest: SynthManifest = { generator: GENERATOR, target, files };
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}

/**
 * Records what a synthesis that wrote straight into `dir` (the CDK app under `cdk synth`) wrote: the files modified
 * since `since`, plus those an earlier manifest listed that still exist. Files that were there before stay unlisted,
 * so a later `inferstack synth` replaces this synthesis and nothing else.
 */
export function recordSynthesis(dir: string, target: TargetName, since: number): void {
  const previous = readManifest(dir)?.files ?? [];
  const written = listFilesRecursively(dir).filter((f) => f !== MANIFEST_FILE && (previous.includes(f) || fs.statSync(path.join(dir, f)).mtimeMs >= since));
  const manifest: SynthManifest = { generator: GENERATOR, target, files: written };
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export type SynthLayout =
  | { readonly kind: 'all'; readonly aws: string; readonly alibaba: string }
  | { readonly kind: 'single'; readonly target: TargetName; readonly dir: string }
  | { readonly kind: 'none' };

function looksLike(dir: string, target: TargetName): boolean {
  const manifest = readManifest(dir);
  if (manifest) return manifest.target === target;
  if (!lstat(dir)?.isDirectory()) return false;
  const entries = fs.readdirSync(dir);
  return target === 'aws' ? entries.some((e) => e.endsWith('.template.json')) : entries.some((e) => e.endsWith('.eas.json'));
}

/**
 * What a `synth --out DIR` folder holds: `--target all` writes DIR/aws and DIR/alibaba; a single target writes its
 * files into DIR itself (recognized by the manifest, or by *.template.json / *.eas.json files).
 */
export function detectLayout(dir: string): SynthLayout {
  const aws = path.join(dir, 'aws');
  const alibaba = path.join(dir, 'alibaba');
  if (lstat(aws)?.isDirectory() || lstat(alibaba)?.isDirectory()) return { kind: 'all', aws, alibaba };
  if (looksLike(dir, 'aws')) return { kind: 'single', target: 'aws', dir };
  if (looksLike(dir, 'alibaba')) return { kind: 'single', target: 'alibaba', dir };
  return { kind: 'none' };
}
