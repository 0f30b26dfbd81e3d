/**
 * A synthesis through the direct writer is a short CPU-bound run (about a second at 1,000 deployments). V8's
 * optimizing compiler (TurboFan) compiles hot functions on background threads, and over so short a run that costs
 * more CPU than the optimized code saves: `inferstack synth --target aws` at 500 deployments took 0.89-0.95 CPU s
 * with it and 0.63-0.70 without, with wall time no longer (BENCHMARKS.md, "AWS synthesis (issue #16)"). Baseline code
 * (V8's Ignition interpreter and Sparkplug compiler) is used instead. Not for `--validate` or `--via cdk`: they run
 * aws-cdk-lib (and its WebAssembly validator) for seconds, where this was not measured.
 */
import * as v8 from 'node:v8';

export interface SynthChoice {
  readonly validate?: unknown;
  readonly via?: unknown;
}

/** Whether a command is a short synthesis that runs faster, in CPU, on baseline code only. */
export function prefersBaselineCode(command: string, values: SynthChoice): boolean {
  return command === 'synth' && values.validate !== true && (values.via === undefined || values.via === 'auto');
}

/**
 * Stops V8 from optimizing further functions in this process. Node documents flags set after start-up as possibly
 * without effect; this one takes effect (measured above) and only ever makes code run in a lower tier.
 */
export function useBaselineCodeOnly(): void {
  v8.setFlagsFromString('--no-turbofan');
}
