/** Tensor-parallel stage: how many accelerators (or NeuronCores) one model copy is sharded over. */
import { accelerator as acceleratorInfo } from '../catalog/accelerators';
import type { DeviceKind } from '../catalog/engines';
import type { InstanceType } from '../catalog/instances';
import { Diagnostics } from '../diagnostics/registry';
import type { ModelIR } from '../ir';
import type { DeploymentSpec } from '../spec/schema';
import { DeploymentContext } from './context';

export function normalizeTensorParallel(d: DeploymentSpec, ctx: DeploymentContext, model: ModelIR, chosenType: InstanceType | undefined, device: DeviceKind): number {
  const devices = chosenType?.count ?? 0;
  const parallelUnits = chosenType && device === 'neuron' ? devices * (acceleratorInfo(chosenType.accelerator)?.coresPerDevice ?? 1) : devices;
  const tpSpec = d.acceleration?.tensorParallel ?? 'auto';
  let tensorParallel = tpSpec === 'auto' ? Math.max(1, parallelUnits) : tpSpec;
  if (tpSpec !== 'auto' && chosenType && tpSpec > Math.max(1, parallelUnits)) {
    ctx.report(Diagnostics.TensorParallelTooLarge, ['acceleration', 'tensorParallel'], {
      found: tpSpec,
      args: { available: parallelUnits, instance: chosenType.name },
      allowed: `1..${parallelUnits}`,
      hint: `use tensorParallel: auto (${parallelUnits}) or a larger instance`,
    });
    tensorParallel = Math.max(1, parallelUnits);
  }
  const heads = model.architecture?.attentionHeads;
  if (model.generative && heads && tensorParallel > 1 && heads % tensorParallel !== 0) {
    const divisors = Array.from({ length: tensorParallel }, (_, i) => i + 1).filter((n) => heads % n === 0);
    ctx.report(Diagnostics.TensorParallelHeads, tpSpec === 'auto' ? ['resources'] : ['acceleration', 'tensorParallel'], {
      found: tensorParallel,
      args: { heads },
      allowed: divisors.join(', '),
      hint: `set acceleration.tensorParallel to ${divisors[divisors.length - 1]}, or pick an instance whose accelerator count divides ${heads}`,
    });
  }
  return model.generative ? tensorParallel : 1;
}
