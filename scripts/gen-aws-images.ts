/**
 * Regenerates lib/catalog/data/aws-images.json from the SageMaker Python SDK's image configuration
 * (`src/sagemaker/image_uri_config/*.json` of aws/sagemaker-python-sdk):
 *
 *   node dist/scripts/gen-aws-images.js <path to image_uri_config> [--out lib/catalog/data/aws-images.json]
 *
 * Each catalog image names the SDK file, scope, version and processor it comes from; the script reads the
 * repository, per-region registry accounts and tag from there, so a new SDK release is one command away.
 * Images without an SDK file (pytorch-inference-neuronx) keep their recorded values.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ImageSelection {
  readonly file: string;
  /** `inference` for files with scopes at the top level; undefined for files with `scope` + `versions`. */
  readonly scope?: string;
  readonly version: string;
  readonly processor?: 'cpu' | 'gpu' | 'inf';
  readonly pyVersion?: string;
  /** Appended to the computed tag (the Triton CPU image is `<tag>-cpu`). */
  readonly tagSuffix?: string;
}

export const SELECTIONS: Record<string, ImageSelection> = {
  lmi: { file: 'djl-lmi.json', version: '0.30.0' },
  'lmi-neuron': { file: 'djl-neuronx.json', version: '0.29.0' },
  'tensorrt-llm': { file: 'djl-tensorrtllm.json', version: '0.33.0' },
  tgi: { file: 'huggingface-llm.json', scope: 'inference', version: '3.3.6', processor: 'gpu', pyVersion: 'py311' },
  'tgi-neuron': { file: 'huggingface-llm-neuronx.json', scope: 'inference', version: '0.3.0', processor: 'inf', pyVersion: 'py310' },
  'triton-gpu': { file: 'sagemaker-tritonserver.json', version: '24.09' },
  'triton-cpu': { file: 'sagemaker-tritonserver.json', version: '24.09', tagSuffix: '-cpu' },
  'pytorch-cpu': { file: 'pytorch.json', scope: 'inference', version: '2.6.0', processor: 'cpu', pyVersion: 'py312' },
  'pytorch-gpu': { file: 'pytorch.json', scope: 'inference', version: '2.6.0', processor: 'gpu', pyVersion: 'py312' },
  'tensorflow-cpu': { file: 'tensorflow.json', scope: 'inference', version: '2.14.1', processor: 'cpu' },
  'tensorflow-gpu': { file: 'tensorflow.json', scope: 'inference', version: '2.14.1', processor: 'gpu' },
  sklearn: { file: 'sklearn.json', scope: 'inference', version: '1.2-1', processor: 'cpu', pyVersion: 'py3' },
  xgboost: { file: 'xgboost.json', scope: 'inference', version: '1.7-1' },
  'neo-pytorch-cpu': { file: 'neo-pytorch.json', scope: 'inference', version: '1.8', processor: 'cpu', pyVersion: 'py3' },
  'neo-pytorch-gpu': { file: 'neo-pytorch.json', scope: 'inference', version: '1.8', processor: 'gpu', pyVersion: 'py3' },
  'inferentia-pytorch': { file: 'inferentia-pytorch.json', scope: 'inference', version: '1.9', processor: 'inf', pyVersion: 'py3' },
};

interface VersionEntry {
  registries: Record<string, string>;
  repository: string;
  tag_prefix?: string;
  container_version?: Record<string, string>;
}

interface ConfigFile {
  versions?: Record<string, VersionEntry>;
  version_aliases?: Record<string, string>;
  [scope: string]: unknown;
}

/** The SDK's tag rule: "-".join(tag_prefix or version, processor, py_version, container_version) skipping empty parts. */
export function formatTag(version: string, entry: VersionEntry, sel: ImageSelection): string {
  const hasPrefix = entry.tag_prefix !== undefined;
  const parts = hasPrefix && !sel.processor ? [entry.tag_prefix] : [entry.tag_prefix ?? version, sel.processor, sel.pyVersion, sel.processor ? entry.container_version?.[sel.processor] : undefined];
  return `${parts.filter((p) => p && p.length > 0).join('-')}${sel.tagSuffix ?? ''}`;
}

export function selectImage(configDir: string, sel: ImageSelection): { repository: string; tag: string; registries: Record<string, string> } {
  const file = JSON.parse(fs.readFileSync(path.join(configDir, sel.file), 'utf8')) as ConfigFile;
  const scoped = (sel.scope && file[sel.scope] ? file[sel.scope] : file) as ConfigFile;
  const versions = scoped.versions ?? {};
  const key = versions[sel.version] ? sel.version : scoped.version_aliases?.[sel.version];
  const entry = key ? versions[key] : undefined;
  if (!entry) throw new Error(`${sel.file}: no version ${sel.version} (have ${Object.keys(versions).join(', ')})`);
  return { repository: entry.repository, tag: formatTag(sel.version, entry, sel), registries: entry.registries };
}

/** Registries are shared between images; each distinct account map gets one name. */
export function buildCatalog(configDir: string, previous: { registries: Record<string, Record<string, string>>; images: Record<string, Record<string, unknown>> }, retrieved: string) {
  const registries: Record<string, Record<string, string>> = { ...previous.registries };
  const images: Record<string, Record<string, unknown>> = { ...previous.images };
  const nameOf = (accounts: Record<string, string>): string => {
    const key = JSON.stringify(Object.entries(accounts).sort());
    for (const [name, existing] of Object.entries(registries)) if (JSON.stringify(Object.entries(existing).sort()) === key) return name;
    const name = `registry-${Object.keys(registries).length + 1}`;
    registries[name] = accounts;
    return name;
  };
  for (const [name, sel] of Object.entries(SELECTIONS)) {
    if (!fs.existsSync(path.join(configDir, sel.file))) continue;
    const img = selectImage(configDir, sel);
    const registry = nameOf(img.registries);
    images[name] = { repository: img.repository, tag: img.tag, registry, config: `${sel.file} ${sel.version}` };
  }
  return {
    source: 'aws/sagemaker-python-sdk src/sagemaker/image_uri_config/*.json, selected by scripts/gen-aws-images.ts',
    retrieved,
    registries,
    images,
  };
}

if (require.main === module) {
  const [configDir, ...rest] = process.argv.slice(2);
  if (!configDir) {
    process.stderr.write('usage: node dist/scripts/gen-aws-images.js <image_uri_config dir> [--out FILE]\n');
    process.exit(2);
  }
  const outIndex = rest.indexOf('--out');
  const out = outIndex >= 0 ? rest[outIndex + 1]! : path.resolve(__dirname, '..', '..', 'lib', 'catalog', 'data', 'aws-images.json');
  const previous = JSON.parse(fs.readFileSync(out, 'utf8'));
  const catalog = buildCatalog(configDir, previous, new Date().toISOString().slice(0, 10));
  fs.writeFileSync(out, `${JSON.stringify(catalog, null, 1)}\n`);
  process.stdout.write(`wrote ${Object.keys(catalog.images).length} images to ${out}\n`);
}
