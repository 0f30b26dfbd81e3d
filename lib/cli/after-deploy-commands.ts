/**
 * `inferstack status` and `inferstack invoke` in the command registry. They parse their own arguments
 * (lib/commands/after-deploy-cli.ts); these definitions give them a place in `help`, with options and examples.
 */
import type { CliServices } from './builtin-commands';
import { SPEC_ARGUMENT, TARGET_CHOICES } from './builtin-commands';
import type { CommandDefinition, OptionDefinition } from './registry';

const ENDPOINT: OptionDefinition = { name: 'endpoint', type: 'string', placeholder: 'URL', description: 'PAI-EAS API endpoint (http:// only for loopback)', defaultText: '$INFERSTACK_EAS_ENDPOINT, else pai-eas.<region>.aliyuncs.com' };
const DEPLOYMENT: OptionDefinition = { name: 'deployment', type: 'string', multiple: true, placeholder: 'NAME', description: 'only this deployment' };

export const statusCommand: CommandDefinition<CliServices> = {
  name: 'status',
  summary: 'what runs on each cloud vs the spec; exit 1 if not serving as specified',
  arguments: [SPEC_ARGUMENT],
  options: [{ name: 'target', type: 'string', choices: TARGET_CHOICES, placeholder: 'aws|alibaba|all', description: 'which cloud(s) to ask', defaultText: 'all' }, DEPLOYMENT, ENDPOINT],
  examples: ['inferstack status inferstack.yaml', 'inferstack status inferstack.yaml --target alibaba --output json'],
  ownArguments: true,
  async run(ctx) {
    const { runAfterDeploy } = await import('../commands/after-deploy-cli');
    return runAfterDeploy('status', [...ctx.argv], await ctx.services.afterDeploy());
  },
};

export const invokeCommand: CommandDefinition<CliServices> = {
  name: 'invoke',
  summary: "one request in the engine's format, or a smoke request per deployment",
  arguments: [SPEC_ARGUMENT],
  options: [
    { ...DEPLOYMENT, description: 'the deployment to call (exactly one, unless --smoke)' },
    { name: 'target', type: 'string', choices: ['aws', 'alibaba'], placeholder: 'aws|alibaba', description: 'which cloud to call', defaultText: 'the only target of the deployment' },
    { name: 'prompt', type: 'string', placeholder: 'TEXT', description: 'a prompt, sent in the engine\'s request format' },
    { name: 'body', type: 'string', placeholder: 'FILE|-', description: 'a raw request body from a file or stdin' },
    { name: 'stream', type: 'boolean', description: 'stream the answer as it is generated' },
    { name: 'smoke', type: 'boolean', description: 'one minimal request per deployment; a table of results' },
    { name: 'input-location', type: 'string', placeholder: 's3://...', description: 'async SageMaker endpoints: where to upload the request' },
    { name: 'model', type: 'string', placeholder: 'NAME', description: 'multi-model endpoints: the model to call (TargetModel), one of multiModel.models', defaultText: 'the first of multiModel.models' },
    { name: 'timeout', type: 'string', placeholder: 'DURATION', description: 'how long to wait for the answer, an asynchronous result included', defaultText: '2m for a request, 15m for a streamed answer or an asynchronous result' },
    { name: 'poll-interval', type: 'string', placeholder: 'DURATION', description: 'asynchronous deployments: how often to look for the result', defaultText: '5s' },
    ENDPOINT,
  ],
  examples: ['inferstack invoke inferstack.yaml --deployment qwen-chat --prompt "Hello"', 'inferstack invoke inferstack.yaml --deployment fraud-mme --model customer-b.tar.gz --body row.csv', 'inferstack invoke inferstack.yaml --smoke --output json'],
  ownArguments: true,
  async run(ctx) {
    const { runAfterDeploy } = await import('../commands/after-deploy-cli');
    return runAfterDeploy('invoke', [...ctx.argv], await ctx.services.afterDeploy());
  },
};
