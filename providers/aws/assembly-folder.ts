import * as fs from 'node:fs';
import * as path from 'node:path';

const ASSEMBLY_ENTRY = /^(manifest\.json|tree\.json|cdk\.out|validation-report\.json|.+\.template\.json|.+\.assets\.json|.+\.metadata\.json|asset\..+)$/;

/** Removes a previous cloud assembly's files (stale stacks would otherwise linger), and nothing else. */
export function cleanCloudAssembly(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir)) {
    if (ASSEMBLY_ENTRY.test(entry)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
  }
}
