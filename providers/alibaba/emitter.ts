import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emitter, EmittedFile } from '../../lib/commands/synth';
import type { DeploymentIR } from '../../lib/ir';
import { buildServiceConfig, stableStringify } from './service-config';

/** Writes one `<deployment>.eas.json` per Alibaba deployment, byte-for-byte deterministic. */
export class AlibabaEmitter implements Emitter {
  emit(deployments: readonly DeploymentIR[], outDir: string): EmittedFile[] {
    fs.mkdirSync(outDir, { recursive: true });
    // Services of removed deployments must not linger (diff would miss their deletion); other files stay.
    for (const entry of fs.readdirSync(outDir)) if (entry.endsWith('.eas.json')) fs.rmSync(path.join(outDir, entry));
    const files: EmittedFile[] = [];
    for (const ir of [...deployments].sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(outDir, `${ir.name}.eas.json`);
      fs.writeFileSync(file, stableStringify(buildServiceConfig(ir)));
      files.push({ path: file, deployment: ir.name, target: 'alibaba' });
    }
    return files;
  }
}
