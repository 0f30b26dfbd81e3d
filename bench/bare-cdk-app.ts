/**
 * The smallest CDK app: one empty stack, built-in validation off. `node dist/bench/bare-cdk-app.js <outdir>`
 */
import { App, Stack } from 'aws-cdk-lib';

const app = new App({ outdir: process.argv[2]!, analyticsReporting: false, builtinCloudFormationValidation: false });
new Stack(app, 'Empty', { env: { region: 'us-east-1' } });
app.synth();
