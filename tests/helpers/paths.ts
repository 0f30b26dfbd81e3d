import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLES = path.join(ROOT, 'examples');
export const INVALID = path.join(ROOT, 'tests', 'fixtures', 'invalid');
export const CLI = path.join(ROOT, 'dist', 'bin', 'inferstack.js');
export const DEPLOY_EAS = path.join(ROOT, 'dist', 'bin', 'deploy-eas.js');
