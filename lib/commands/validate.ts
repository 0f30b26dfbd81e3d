import { compileSpecFile, CompileResult } from '../compile';

export interface ValidateResult extends CompileResult {
  readonly summary: { readonly deployments: number; readonly targets: readonly string[] };
}

/** `inferstack validate SPEC`: all diagnostics for every target the spec names. */
export function validate(specFile: string): ValidateResult {
  const result = compileSpecFile(specFile);
  return {
    ...result,
    summary: {
      deployments: new Set(result.deployments.map((d) => d.name)).size,
      targets: [...new Set(result.deployments.map((d) => d.target))],
    },
  };
}
