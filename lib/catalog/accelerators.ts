import data from './data/accelerators.json';

export interface AcceleratorInfo {
  readonly name: string;
  readonly vendor: 'nvidia' | 'aws';
  readonly model: string;
  /** Product series letter (A, H, L, T, V) or Neuron generation; BladeLLM needs A/H/L. */
  readonly series: string;
  readonly memoryGiB: number;
  /** Memory per device as the CUDA driver reports it (what the engines budget from); see usableMemorySource. */
  readonly usableMemoryGiB: number;
  readonly fp8: boolean;
  readonly bf16: boolean;
  /** CUDA compute capability (NVIDIA only), e.g. 8.6 for A10G; engines refuse bf16 below 8.0. */
  readonly computeCapability?: number;
  /** NeuronCores per device (Neuron only). */
  readonly coresPerDevice?: number;
  /** Names of equivalent accelerators on another cloud (A10G on AWS ~ A10 on Alibaba). */
  readonly aliases: readonly string[];
}

const table: Record<string, AcceleratorInfo> = Object.fromEntries(
  Object.entries(data.accelerators).map(([name, a]) => [name, { name, ...a } as AcceleratorInfo]),
);

export const ACCELERATOR_SOURCE = { source: data.source, usableMemorySource: data.usableMemorySource, retrieved: data.retrieved };

export function acceleratorNames(): string[] {
  return ['cpu', 'auto', ...Object.keys(table)];
}

export function accelerator(name: string): AcceleratorInfo | undefined {
  return table[name];
}

export function isNeuron(name: string): boolean {
  return table[name]?.vendor === 'aws';
}

export function isNvidia(name: string): boolean {
  return table[name]?.vendor === 'nvidia';
}
