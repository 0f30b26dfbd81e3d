/**
 * Build step: bundle `deploy-eas` into one file, so starting it reads one script instead of hundreds of modules
 * (start-up is a measured target, see BENCHMARKS.md). aws-cdk-lib stays external and is never loaded by it.
 * The bundle is a separate file: the incremental compiler re-emits only changed modules, so the bundle must be
 * rebuilt from the compiler's outputs, never over one of them.
 */
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const entry = path.resolve(__dirname, '..', 'providers', 'alibaba', 'deploy-command.js');
const outfile = path.resolve(__dirname, '..', 'providers', 'alibaba', 'deploy-command.bundle.js');
buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', external: ['aws-cdk-lib', 'aws-cdk-lib/*'], logLevel: 'warning', legalComments: 'inline' });
process.stdout.write(`bundled ${path.relative(process.cwd(), outfile)}\n`);
