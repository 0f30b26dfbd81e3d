/** Wiring of `status` and `invoke`: which provider answers for which cloud (loaded only when needed). */
import type { AfterDeployProviders } from '../lib/commands/after-deploy-cli';

export const afterDeployProviders: AfterDeployProviders = {
  status: {
    aws: async () => new (await import('../providers/aws/status')).AwsStatusProvider(),
    alibaba: async ({ endpoint }) => {
      const { EasAccess, EasStatusProvider } = await import('../providers/alibaba/status');
      return new EasStatusProvider(new EasAccess(endpoint ? { endpoint } : {}));
    },
  },
  invoke: {
    aws: async () => new (await import('../providers/aws/invoke')).AwsInvokeProvider(),
    alibaba: async ({ endpoint }) => {
      const [{ EasAccess }, { EasInvokeProvider }] = await Promise.all([import('../providers/alibaba/status'), import('../providers/alibaba/invoke')]);
      return new EasInvokeProvider(new EasAccess(endpoint ? { endpoint } : {}));
    },
  },
  checkEasEndpoint: async (endpoint) => (await import('../providers/alibaba/eas-client')).checkEndpointAllowed(endpoint),
};
