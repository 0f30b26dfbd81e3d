import awsData from './data/aws-instances.json';
import alibabaData from './data/alibaba-instances.json';
import awsPrices from './data/aws-prices.json';
import alibabaPrices from './data/alibaba-prices.json';
import type { TargetName } from '../spec/schema';
import { accelerator } from './accelerators';

export interface InstanceType {
  readonly name: string;
  readonly target: TargetName;
  readonly vcpu: number;
  readonly memoryGiB: number;
  /** Portable accelerator name, or 'cpu'. */
  readonly accelerator: string;
  readonly count: number;
  readonly acceleratorMemoryGiB: number;
  /** Per-device memory as the driver reports it (0 for CPU types). */
  readonly acceleratorUsableMemoryGiB: number;
  readonly fp8: boolean;
  readonly burstable: boolean;
  readonly family: string;
}

function build(target: TargetName, rows: Record<string, { vcpu: number; memoryGiB: number; accelerator: string; count: number }>): InstanceType[] {
  return Object.entries(rows).map(([name, r]) => {
    const acc = accelerator(r.accelerator);
    return {
      name,
      target,
      vcpu: r.vcpu,
      memoryGiB: r.memoryGiB,
      accelerator: r.accelerator,
      count: r.count,
      acceleratorMemoryGiB: acc ? acc.memoryGiB : 0,
      acceleratorUsableMemoryGiB: acc ? acc.usableMemoryGiB : 0,
      fp8: acc ? acc.fp8 : false,
      burstable: /^ml\.t[0-9]\./.test(name),
      family: familyOf(name),
    };
  });
}

/** `ml.g5.2xlarge` -> `g5`; `ecs.gn7i-c16g1.4xlarge` -> `gn7i`; `ml.gu7i.c16m60.1-gu30` -> `gu7i`. */
export function familyOf(name: string): string {
  const parts = name.split('.');
  const second = parts[1] ?? '';
  return second.split('-')[0]!;
}

const catalogs: Record<TargetName, InstanceType[]> = {
  aws: build('aws', awsData.instances),
  alibaba: build('alibaba', alibabaData.instances),
};

const byName: Record<TargetName, Map<string, InstanceType>> = {
  aws: new Map(catalogs.aws.map((i) => [i.name, i])),
  alibaba: new Map(catalogs.alibaba.map((i) => [i.name, i])),
};

export const INSTANCE_SOURCES = {
  aws: { source: awsData.source, retrieved: awsData.retrieved },
  alibaba: { source: alibabaData.source, retrieved: alibabaData.retrieved },
};

export const PRICE_SOURCES = {
  aws: { source: awsPrices.source, retrieved: awsPrices.retrieved },
  alibaba: { source: alibabaPrices.source, retrieved: alibabaPrices.retrieved },
};

export function instanceTypes(target: TargetName): readonly InstanceType[] {
  return catalogs[target];
}

export function instanceType(target: TargetName, name: string): InstanceType | undefined {
  return byName[target].get(name);
}
