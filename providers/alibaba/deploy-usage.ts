/** deploy-eas usage text (kept tiny: `--help` loads nothing else). */
export const VERSION = '0.1.0';

export const USAGE = `deploy-eas ${VERSION} - deploy the Alibaba Cloud PAI-EAS deployments of an inferstack spec

Usage:
  deploy-eas SPEC [--deployment NAME]... [--dry-run] [--yes] [--region R] [--endpoint URL]
                  [--output json] [--timeout 30m] [--concurrency N] [--poll-interval 5s] [--show-token]
                  [--prune] [--adopt] [--no-probe]
  deploy-eas SPEC --destroy [--yes] [...]

Shows the plan of changes against what runs on PAI-EAS (+ create, ~ update, - delete, = no change,
! unhealthy), then creates or updates each service and waits until it runs and its gateway answers. Asks before
applying unless --yes; without a terminal it applies only with --yes. --dry-run shows the plan and the service
JSON and changes nothing. Only services labelled with this spec (inferstack-spec=<name:>) are changed or deleted:
--adopt takes over a service someone else created; --prune deletes this spec's services that left the spec;
--no-probe skips the gateway readiness probe. --region compiles the services for that region.

Endpoint: pai-eas.<region>.aliyuncs.com, or --endpoint / INFERSTACK_EAS_ENDPOINT (http:// only for loopback).
Credentials: the Alibaba Cloud default credential chain (environment, OIDC, ~/.aliyun/config.json,
~/.alibabacloud/credentials, ECS RAM role, credentials URI).
Exit codes: 0 success, 1 invalid spec or failed deployment, 2 usage error.
`;

