/**
 * Regenerates lib/catalog/data/aws-images.json from the SageMaker Python SDK's image configuration
 * (`sagemaker-core/src/sagemaker/core/image_uri_config/*.json` of aws/sagemaker-python-sdk v3, the same files as
 * `src/sagemaker/image_uri_config/` in v2):
 *
 *   node dist/scripts/gen-aws-images.js <path to image_uri_config> [--out lib/catalog/data/aws-images.json] [--sdk TAG]
 *
 * Each catalog image names the SDK file, version and processor it comes from; the script reads the repository,
 * the per-region registry accounts (so the region list is exactly the SDK's) and the tag from there, so a new SDK
 * release is one command away. Images without an SDK file (pytorch-inference-neuronx) keep their recorded values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ImageSelection {
  readonly file: string;
  readonly version: string;
  /** The processor: the key of `container_version` and, unless `inferenceTool` is set, a part of the tag. */
  readonly processor?: string;
  /** Replaces the processor in the tag (the SDK's `inference_tool`, e.g. `neuronx` for TGI on Inferentia2). */
  readonly inferenceTool?: string;
  /** @default the newest of the version's `py_versions`, none when the version lists none */
  readonly pyVersion?: string;
  /** Appended to the computed tag (the Triton CPU image is `<tag>-cpu`). */
  readonly tagSuffix?: string;
}

/** Framework images offered per `model.frameworkVersion`; the first version is the default. */
export const FRAMEWORK_VERSIONS: Record<string, { readonly file: string; readonly processor?: string; readonly versions: readonly string[] }> = {
  sklearn: { file: 'sklearn.json', processor: 'cpu', versions: ['1.2-1', '1.0-1', '0.23-1'] },
  xgboost: { file: 'xgboost.json', versions: ['1.7-1', '1.5-1', '3.0-5'] },
  'pytorch-cpu': { file: 'pytorch.json', processor: 'cpu', versions: ['2.6.0', '2.5.1', '2.4.0', '2.3.0', '2.2.0', '2.1.0'] },
  'pytorch-gpu': { file: 'pytorch.json', processor: 'gpu', versions: ['2.6.0', '2.5.1', '2.4.0', '2.3.0', '2.2.0', '2.1.0'] },
  'tensorflow-cpu': { file: 'tensorflow.json', processor: 'cpu', versions: ['2.14.1', '2.16.1', '2.18.0', '2.19.0', '2.13.0'] },
  'tensorflow-gpu': { file: 'tensorflow.json', processor: 'gpu', versions: ['2.14.1', '2.16.1', '2.18.0', '2.19.0', '2.13.0'] },
  'neo-pytorch-cpu': { file: 'neo-pytorch.json', processor: 'cpu', versions: ['1.8', '1.12', '1.13', '2.0'] },
  'neo-pytorch-gpu': { file: 'neo-pytorch.json', processor: 'gpu', versions: ['1.8', '1.12', '1.13', '2.0'] },
};

/** The key of a framework image at a version, e.g. `sklearn@1.0-1`; the bare name is the default version. */
export function versionedKey(name: string, version: string): string {
  return `${name}@${version}`;
}

function frameworkSelections(): Record<string, ImageSelection> {
  const out: Record<string, ImageSelection> = {};
  for (const [name, f] of Object.entries(FRAMEWORK_VERSIONS)) {
    f.versions.forEach((version, i) => {
      const sel = { file: f.file, version, ...(f.processor ? { processor: f.processor } : {}) };
      if (i === 0) out[name] = sel;
      out[versionedKey(name, version)] = sel;
    });
  }
  return out;
}

export const SELECTIONS: Record<string, ImageSelection> = {
  lmi: { file: 'djl-lmi.json', version: '0.30.0' },
  'lmi-neuron': { file: 'djl-neuronx.json', version: '0.29.0' },
  'tensorrt-llm': { file: 'djl-tensorrtllm.json', version: '0.33.0' },
  tgi: { file: 'huggingface-llm.json', version: '3.3.6', processor: 'gpu' },
  'tgi-neuron': { file: 'huggingface-llm-neuronx.json', version: '0.3.0', processor: 'inf2', inferenceTool: 'neuronx' },
  'tei-gpu': { file: 'huggingface-tei.json', version: '1.8.2', processor: 'gpu' },
  'tei-cpu': { file: 'huggingface-tei-cpu.json', version: '1.8.2', processor: 'cpu' },
  'triton-gpu': { file: 'sagemaker-tritonserver.json', version: '24.09' },
  'triton-cpu': { file: 'sagemaker-tritonserver.json', version: '24.09', tagSuffix: '-cpu' },
  'inferentia-pytorch': { file: 'inferentia-pytorch.json', version: '1.9', processor: 'inf' },
  ...frameworkSelections(),
};

interface VersionEntry {
  registries: Record<string, string>;
  repository: string;
  tag_prefix?: string;
  py_versions?: string[];
  container_version?: Record<string, string>;
}

interface ConfigScope {
  versions?: Record<string, VersionEntry>;
  version_aliases?: Record<string, string>;
}

/** The SDK's `_format_tag`: "-".join(tag_prefix or version, processor or inference_tool, py_version, container_version), skipping empty parts. */
export function formatTag(version: string, entry: VersionEntry, sel: ImageSelection): string {
  if (entry.tag_prefix !== undefined && !sel.processor) return `${entry.tag_prefix}${sel.tagSuffix ?? ''}`;
  const py = sel.pyVersion ?? entry.py_versions?.[entry.py_versions.length - 1];
  const parts = [entry.tag_prefix ?? version, sel.inferenceTool ?? sel.processor, py, sel.processor ? entry.container_version?.[sel.processor] : undefined];
  return `${parts.filter((p) => p && p.length > 0).join('-')}${sel.tagSuffix ?? ''}`;
}

/** A config file's inference scope: `inference` when the file has several scopes, else the file itself. */
function inferenceScope(file: Record<string, unknown>): ConfigScope {
  return (file.inference && typeof file.inference === 'object' ? file.inference : file) as ConfigScope;
}

export function selectImage(configDir: string, sel: ImageSelection): { repository: string; tag: string; registries: Record<string, string> } {
  const scoped = inferenceScope(JSON.parse(fs.readFileSync(path.join(configDir, sel.file), 'utf8')) as Record<string, unknown>);
  const versions = scoped.versions ?? {};
  const key = versions[sel.version] ? sel.version : scoped.version_aliases?.[sel.version];
  const entry = key ? versions[key] : undefined;
  if (!entry) throw new Error(`${sel.file}: no version ${sel.version} (have ${Object.keys(versions).join(', ')})`);
  return { repository: entry.repository, tag: formatTag(sel.version, entry, sel), registries: entry.registries };
}

interface Catalog {
  registries: Record<string, Record<string, string>>;
  images: Record<string, Record<string, unknown>>;
}

/** Names of the registry account families, by their us-east-1 account. */
const REGISTRY_FAMILIES: Record<string, string> = { '763104351884': 'dlc', '683313688378': 'first-party', '785573368785': 'neo' };

/**
 * Registries are shared between images; each distinct account map gets one name: its family (by the us-east-1
 * account) and its number of regions, e.g. `dlc-39`. Registries no image uses any more are dropped.
 */
export function buildCatalog(configDir: string, previous: Catalog, retrieved: string, sdkRef = 'aws/sagemaker-python-sdk') {
  const registries: Record<string, Record<string, string>> = {};
  const images: Record<string, Record<string, unknown>> = {};
  const sameAccounts = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
  const nameOf = (accounts: Record<string, string>): string => {
    for (const [name, existing] of Object.entries(registries)) if (sameAccounts(existing, accounts)) return name;
    const base = `${REGISTRY_FAMILIES[accounts['us-east-1'] ?? ''] ?? 'registry'}-${Object.keys(accounts).length}`;
    let name = base;
    for (let i = 2; registries[name]; i++) name = `${base}-${i}`;
    registries[name] = Object.fromEntries(Object.entries(accounts).sort(([a], [b]) => a.localeCompare(b)));
    return name;
  };
  for (const [name, sel] of Object.entries(SELECTIONS)) {
    if (!fs.existsSync(path.join(configDir, sel.file))) {
      if (previous.images[name]) images[name] = previous.images[name]!;
      continue;
    }
    const img = selectImage(configDir, sel);
    images[name] = { repository: img.repository, tag: img.tag, registry: nameOf(img.registries), config: `${sel.file} ${sel.version}${sel.processor ? ` ${sel.processor}` : ''}` };
  }
  // Images with no SDK file keep what was recorded, with their registry.
  for (const [name, entry] of Object.entries(previous.images)) {
    if (images[name]) continue;
    const accounts = previous.registries[entry.registry as string];
    images[name] = accounts ? { ...entry, registry: nameOf(accounts) } : entry;
  }
  return {
    source: `${sdkRef} image_uri_config/*.json, selected by scripts/gen-aws-images.ts`,
    retrieved,
    registries,
    images,
  };
}

if (require.main === module) {
  const [configDir, ...rest] = process.argv.slice(2);
  if (!configDir) {
    process.stderr.write('usage: node dist/scripts/gen-aws-images.js <image_uri_config dir> [--out FILE] [--sdk REF]\n');
    process.exit(2);
  }
  const flag = (name: string) => (rest.indexOf(name) >= 0 ? rest[rest.indexOf(name) + 1] : undefined);
  const out = flag('--out') ?? path.resolve(__dirname, '..', '..', 'lib', 'catalog', 'data', 'aws-images.json');
  const previous = JSON.parse(fs.readFileSync(out, 'utf8')) as Catalog;
  const catalog = buildCatalog(configDir, previous, new Date().toISOString().slice(0, 10), flag('--sdk'));
  fs.writeFileSync(out, `${JSON.stringify(catalog, null, 1)}\n`);
  process.stdout.write(`wrote ${Object.keys(catalog.images).length} images to ${out}\n`);
}
