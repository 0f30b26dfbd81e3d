/**
 * PAI-EAS built-in processors (`engine: framework` and `engine: triton` on alibaba). A processor is chosen by
 * the service JSON field `processor` and loads `model_path`; it reads no container flags or environment
 * variables, so its contract lists none and every `container.args`/`container.env` is reported as ignored.
 * Processor codes are `<framework>_<cpu|gpu>_<version>`, with the versions the PAI Python SDK maps.
 */
import type { ContractSource, EngineContract } from '../contract';

const CHECKED = '2026-11-25';
export const PAI_SDK_PROCESSORS: ContractSource = {
  ref: 'aliyun/pai-python-sdk@v0.4.13:pai/model/_model.py (_BuiltinProcessor.SupportedFrameworkAcceleratorVersionConfig, from_framework_version)',
  checked: CHECKED,
};
export const EAS_PROCESSOR_DOC: ContractSource = { ref: 'https://www.alibabacloud.com/help/en/pai/built-in-processors/', checked: CHECKED };

export type ProcessorDevice = 'cpu' | 'gpu';

interface VersionedProcessor {
  readonly kind: 'versioned';
  /** Versions offered per device; the default is offered on both, so CPU and GPU serve the same framework. */
  readonly versions: Readonly<Record<ProcessorDevice, readonly string[]>>;
  readonly defaultVersion: string;
  readonly source: ContractSource;
}

interface FixedProcessor {
  readonly kind: 'fixed';
  readonly codes: Partial<Record<ProcessorDevice, string>>;
  readonly source: ContractSource;
}

export const EAS_PROCESSORS: Readonly<Record<string, VersionedProcessor | FixedProcessor>> = {
  tensorflow: { kind: 'versioned', versions: { cpu: ['1.12', '1.14', '1.15', '2.3'], gpu: ['1.12', '1.14', '1.15'] }, defaultVersion: '1.15', source: PAI_SDK_PROCESSORS },
  pytorch: { kind: 'versioned', versions: { cpu: ['1.6'], gpu: ['1.6'] }, defaultVersion: '1.6', source: PAI_SDK_PROCESSORS },
  xgboost: { kind: 'fixed', codes: { cpu: 'xgboost' }, source: PAI_SDK_PROCESSORS },
  pmml: { kind: 'fixed', codes: { cpu: 'pmml' }, source: PAI_SDK_PROCESSORS },
  triton: { kind: 'fixed', codes: { gpu: 'triton' }, source: EAS_PROCESSOR_DOC },
};

export type ProcessorChoice =
  | { readonly code: string; readonly version?: string; readonly defaulted: boolean }
  | { readonly problem: 'no-processor'; readonly formats: readonly string[] }
  | { readonly problem: 'version'; readonly offered: readonly string[] };

/** The processor code for a model format on a device, honouring `model.frameworkVersion`. */
export function easProcessor(format: string, device: ProcessorDevice, frameworkVersion: string | undefined): ProcessorChoice {
  const p = EAS_PROCESSORS[format];
  if (!p || (p.kind === 'fixed' && !p.codes[device])) {
    const formats = Object.entries(EAS_PROCESSORS)
      .filter(([, x]) => (x.kind === 'fixed' ? !!x.codes[device] : x.versions[device].length > 0))
      .map(([f]) => f);
    return { problem: 'no-processor', formats };
  }
  if (p.kind === 'fixed') return { code: p.codes[device]!, defaulted: false };
  const version = frameworkVersion ?? p.defaultVersion;
  if (!p.versions[device].includes(version)) return { problem: 'version', offered: p.versions[device] };
  return { code: `${format}_${device}_${version}`, version, defaulted: frameworkVersion === undefined };
}

/** Every processor code inferstack can emit (the conformance test checks emitted codes against it). */
export function knownProcessorCodes(): string[] {
  const codes: string[] = [];
  for (const [format, p] of Object.entries(EAS_PROCESSORS)) {
    if (p.kind === 'fixed') codes.push(...Object.values(p.codes).filter((c): c is string => !!c));
    else for (const device of ['cpu', 'gpu'] as const) for (const v of p.versions[device]) codes.push(`${format}_${device}_${v}`);
  }
  return codes;
}

export const ALIBABA_PROCESSOR_CONTRACT: EngineContract = {
  id: 'alibaba/processor',
  target: 'alibaba',
  engine: 'framework',
  image: 'PAI-EAS built-in processors (service JSON "processor" + "model_path")',
  options: [],
  rules: [],
};
