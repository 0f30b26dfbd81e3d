/**
 * The README's engine tables, rendered from the contracts so they cannot drift from what is emitted: one row per
 * pinned container (AWS) or engine (PAI-EAS), with what each spec field becomes and where that was read.
 */
import type { EngineContract } from './contract';
import { ALIBABA_BLADELLM_CONTRACT } from './contracts/alibaba-bladellm';
import { EAS_PROCESSORS } from './contracts/alibaba-processors';
import { ALIBABA_SGLANG_CONTRACT } from './contracts/alibaba-sglang';
import { ALIBABA_VLLM_CONTRACT } from './contracts/alibaba-vllm';

/** A GitHub-flavoured Markdown table; `|` inside a cell is escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

function fieldMappings(contract: EngineContract): string {
  const byField = new Map<string, string[]>();
  for (const o of contract.options) {
    const field = o.from ?? '(fixed)';
    byField.set(field, [...(byField.get(field) ?? []), `\`${o.name}\``]);
  }
  return [...byField.entries()].map(([field, names]) => `${field === '(fixed)' ? field : `\`${field}\``} → ${names.join(', ')}`).join('<br>');
}

function sourceRepos(contract: EngineContract): string {
  const repoOf = (ref: string) => (ref.startsWith('https://') ? ref.replace(/^https:\/\/github\.com\/([^/]+\/[^/]+)\/.*$/, '$1') : ref.replace(/:.*$/, ''));
  const repos = new Set([...contract.options, ...contract.rules].map((x) => repoOf(x.source.ref)));
  return [...repos].sort().join(', ');
}

/** The AWS engines x targets table: one row per pinned container contract. */
export function contractTable(contracts: readonly EngineContract[]): string {
  const header = ['Contract', '`engine`', 'Pinned container', 'Spec field → what the container reads', 'Read from (checked 2026-11-25)'];
  return markdownTable(header, contracts.map((c) => [`\`${c.id}\``, c.engine, `\`${c.image}\``, fieldMappings(c), sourceRepos(c)]));
}

function fieldsOf(contract: EngineContract, only?: (name: string) => boolean): string {
  return contract.options
    .filter((o) => o.from && (!only || only(o.name)))
    .map((o) => `${o.from} → \`${o.name}\``)
    .join('<br>');
}

function sourceRefs(contract: EngineContract): string {
  const refs = [...new Set(contract.options.map((o) => o.source.ref.split(' ')[0]!))];
  return refs.map((r) => (r.startsWith('https://') ? `<${r}>` : `\`${r}\``)).join('<br>');
}

function processorVersions(): string {
  return Object.entries(EAS_PROCESSORS)
    .map(([format, p]) =>
      p.kind === 'versioned'
        ? `${format}: \`${format}_<cpu|gpu>_<model.frameworkVersion>\` (CPU ${p.versions.cpu.join('/')}, GPU ${p.versions.gpu.join('/')}; default ${p.defaultVersion})`
        : `${format}: ${Object.entries(p.codes).map(([d, c]) => `\`${c}\` (${d.toUpperCase()})`).join(', ')}`,
    )
    .join('<br>');
}

/** The PAI-EAS engines table: engine, pinned image/version, what each spec field becomes, sources (checked 2026-11-25). */
export function renderAlibabaEnginesTable(): string {
  const pooling = new Set(['--host', '--port', '--served-model-name', '--runner', '--trust-remote-code', '--tensor-parallel-size', 'VLLM_USE_MODELSCOPE']);
  const rows: string[][] = [
    ['`vllm`', `\`${ALIBABA_VLLM_CONTRACT.image}\``, fieldsOf(ALIBABA_VLLM_CONTRACT, (n) => n !== '--runner'), sourceRefs(ALIBABA_VLLM_CONTRACT)],
    ['`tei` (task embedding, rerank)', `\`${ALIBABA_VLLM_CONTRACT.image}\` in pooling mode: PAI-EAS publishes no Text Embeddings Inference image`, fieldsOf(ALIBABA_VLLM_CONTRACT, (n) => pooling.has(n)), sourceRefs(ALIBABA_VLLM_CONTRACT)],
    ['`bladellm`', `\`${ALIBABA_BLADELLM_CONTRACT.image}\``, `${fieldsOf(ALIBABA_BLADELLM_CONTRACT)}<br>llm.maxContextLength, llm.maxConcurrentSequences, model.trustRemoteCode: no option (warning IS2016)`, sourceRefs(ALIBABA_BLADELLM_CONTRACT)],
    ['`sglang`', `\`${ALIBABA_SGLANG_CONTRACT.image}\``, fieldsOf(ALIBABA_SGLANG_CONTRACT), sourceRefs(ALIBABA_SGLANG_CONTRACT)],
    ['`framework`, `triton`', 'PAI-EAS built-in processors (service JSON `processor`, `model_path`)', `model.uri → \`model_path\` (oss:// or an HTTP archive)<br>${processorVersions()}<br>container.command/args/env: ignored (warning IS2016)`, '`aliyun/pai-python-sdk@v0.4.13:pai/model/_model.py`<br><https://www.alibabacloud.com/help/en/pai/built-in-processors/>'],
    ['`custom`', '`container.image`', 'container.command + args → `command`/`script`; container.env → `env`; an OSS/NAS model.uri → mounted at `/model_dir`, `MODEL_DIR`; no container.healthCheck.path → TCP startup probe on container.port', '<https://www.alibabacloud.com/help/en/pai/user-guide/parameters-of-model-services>'],
  ];
  return markdownTable(['Engine', 'Pinned image / version', 'What each spec field becomes', 'Sources (checked 2026-11-25)'], rows);
}
