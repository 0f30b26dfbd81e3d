/**
 * Build step: bundle `deploy-eas` into one file, so starting it reads one script instead of hundreds of modules
 * (start-up is a measured target, see BENCHMARKS.md). aws-cdk-lib stays external and is never loaded by it.
 */
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const entry = path.resolve(__dirname, '..', 'providers', 'alibaba', 'deploy-command.js');
buildSync({ entryPoints: [entry], outfile: entry, allowOverwrite: true, bundle: true, platform: 'node', target: 'node20', external: ['aws-cdk-lib', 'aws-cdk-lib/*'], logLevel: 'warning', legalComments: 'inline' });
process.stdout.write(`bundled ${path.relative(process.cwd(), entry)}\n`);
