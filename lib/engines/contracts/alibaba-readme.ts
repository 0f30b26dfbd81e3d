/** The README's "PAI-EAS engines" table, rendered from the contracts so the two cannot drift apart. */
import type { EngineContract } from '../contract';
import { ALIBABA_BLADELLM_CONTRACT } from './alibaba-bladellm';
import { EAS_PROCESSORS } from './alibaba-processors';
import { ALIBABA_SGLANG_CONTRACT } from './alibaba-sglang';
import { ALIBABA_VLLM_CONTRACT } from './alibaba-vllm';

function fieldsOf(contract: EngineContract, only?: (name: string) => boolean): string {
  return contract.options
    .filter((o) => o.from && (!only || only(o.name)))
    .map((o) => `${o.from} → \`${o.name}\``)
    .join('<br>');
}

function sourcesOf(contract: EngineContract): string {
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

/** Markdown table: engine, pinned image/version, what each spec field becomes, sources (all checked 2026-11-25). */
export function renderAlibabaEnginesTable(): string {
  const pooling = new Set(['--host', '--port', '--served-model-name', '--runner', '--trust-remote-code', '--tensor-parallel-size', 'VLLM_USE_MODELSCOPE']);
  const rows: string[][] = [
    ['`vllm`', `\`${ALIBABA_VLLM_CONTRACT.image}\``, fieldsOf(ALIBABA_VLLM_CONTRACT, (n) => n !== '--runner'), sourcesOf(ALIBABA_VLLM_CONTRACT)],
    ['`tei` (task embedding, rerank)', `\`${ALIBABA_VLLM_CONTRACT.image}\` in pooling mode: PAI-EAS publishes no Text Embeddings Inference image`, fieldsOf(ALIBABA_VLLM_CONTRACT, (n) => pooling.has(n)), sourcesOf(ALIBABA_VLLM_CONTRACT)],
    ['`bladellm`', `\`${ALIBABA_BLADELLM_CONTRACT.image}\``, `${fieldsOf(ALIBABA_BLADELLM_CONTRACT)}<br>llm.maxContextLength, llm.maxConcurrentSequences, model.trustRemoteCode: no option (warning IS2016)`, sourcesOf(ALIBABA_BLADELLM_CONTRACT)],
    ['`sglang`', `\`${ALIBABA_SGLANG_CONTRACT.image}\``, fieldsOf(ALIBABA_SGLANG_CONTRACT), sourcesOf(ALIBABA_SGLANG_CONTRACT)],
    ['`framework`, `triton`', 'PAI-EAS built-in processors (service JSON `processor`, `model_path`)', `model.uri → \`model_path\` (oss:// or an HTTP archive)<br>${processorVersions()}<br>container.command/args/env: ignored (warning IS2016)`, '`aliyun/pai-python-sdk@v0.4.13:pai/model/_model.py`<br><https://www.alibabacloud.com/help/en/pai/built-in-processors/>'],
    ['`custom`', '`container.image`', 'container.command + args → `command`/`script`; container.env → `env`; an OSS/NAS model.uri → mounted at `/model_dir`, `MODEL_DIR`; no container.healthCheck.path → TCP startup probe on container.port', '<https://www.alibabacloud.com/help/en/pai/user-guide/parameters-of-model-services>'],
  ];
  const header = ['Engine', 'Pinned image / version', 'What each spec field becomes', 'Sources (checked 2026-11-25)'];
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)].join('\n');
}
