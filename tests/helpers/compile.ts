import { compileSpecText } from '../../lib/compile';
import type { DeploymentIR } from '../../lib/ir';

/** Compiles an inline spec; throws with the diagnostics when it is not valid. */
export function compileOk(yaml: string, file = 'inline.yaml'): DeploymentIR[] {
  const r = compileSpecText(file, yaml);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n'));
  return [...r.deployments];
}

export function diagnosticsOf(yaml: string, file = 'inline.yaml') {
  return compileSpecText(file, yaml).diagnostics;
}

export function only(ds: DeploymentIR[], target: 'aws' | 'alibaba'): DeploymentIR {
  const d = ds.find((x) => x.target === target);
  if (!d) throw new Error(`no ${target} deployment`);
  return d;
}
