/**
 * Custom-resource handlers (CDK Provider framework) that run a SageMaker Neo compilation job or an inference
 * optimization job before the model is created. Self-contained: imports only @aws-sdk/client-sagemaker, which the
 * Lambda Node.js runtime provides, so the asset is this one compiled file (no bundling, no Docker).
 *
 * - onEvent Create/Update: start the job under a name derived from the request (a retried create finds the job
 *   already there instead of starting a second one; a changed request gets a new name, hence a new job). A job of
 *   that name that FAILED or was STOPPED (an earlier deployment that failed or rolled back) cannot be restarted
 *   under its name: the next attempt gets the suffix R2, R3, ... (at most MAX_ATTEMPTS).
 * - onEvent Delete: stop the job if it still runs; a job that is gone counts as deleted.
 * - isComplete: poll Describe*; COMPLETED -> data for the model (artifact S3 URI, recommended image); FAILED or
 *   STOPPED -> an error carrying the job's FailureReason, which CloudFormation shows in the stack events.
 */
import { createHash } from 'node:crypto';
import {
  CreateCompilationJobCommand,
  CreateCompilationJobCommandInput,
  CreateOptimizationJobCommand,
  CreateOptimizationJobCommandInput,
  DescribeCompilationJobCommand,
  DescribeOptimizationJobCommand,
  SageMakerClient,
  StopCompilationJobCommand,
  StopOptimizationJobCommand,
} from '@aws-sdk/client-sagemaker';

export type JobKind = 'compilation' | 'optimization';

export interface JobResourceProperties {
  readonly Kind: JobKind;
  /**
   * Prefix of the job name; the rest is a hash of the request and the attempt. It ends in an uppercase marker that
   * deployment names (lowercase) cannot contain, so one deployment's IAM pattern `<prefix>*` covers no other's.
   */
  readonly NamePrefix: string;
  /** The Create*Job request without its name, as JSON. */
  readonly Request: string;
}

export interface CustomResourceEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: JobResourceProperties & { ServiceToken?: string };
  readonly OldResourceProperties?: JobResourceProperties;
}

export interface OnEventResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: Record<string, string>;
}

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

let client: SageMakerClient | undefined;
/** Overridable for tests. */
export function setClient(c: SageMakerClient): void {
  client = c;
}
function sagemaker(): SageMakerClient {
  return (client ??= new SageMakerClient({}));
}

/** Attempts per request: the first name, then R2 ... R9 after FAILED or STOPPED jobs. */
export const MAX_ATTEMPTS = 9;

/**
 * Deterministic job name: prefix + hash of the request (+ `R<attempt>` from the second attempt on); at most 63
 * characters of [a-zA-Z0-9-] (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateCompilationJob.html).
 */
export function jobName(props: JobResourceProperties, attempt = 1): string {
  const hash = createHash('sha256').update(`${props.Kind}\n${props.Request}`).digest('hex').slice(0, 12);
  const prefix = props.NamePrefix.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 63 - 12 - 2);
  return `${prefix}${hash}${attempt > 1 ? `R${attempt}` : ''}`;
}

/** A job in one of these states will never complete: a new attempt is needed. */
const DEAD = ['FAILED', 'STOPPED', 'STOPPING'];

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ResourceNotFound' || /does not exist|not found|Could not find/i.test(e.message ?? '');
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ResourceInUse' || /already exists|ResourceInUse/i.test(e.message ?? '');
}

/** Creates the job; false when a job of that name already exists. */
async function createJob(props: JobResourceProperties, name: string): Promise<boolean> {
  const request = JSON.parse(props.Request) as Record<string, unknown>;
  try {
    if (props.Kind === 'compilation') {
      await sagemaker().send(new CreateCompilationJobCommand({ ...(request as unknown as CreateCompilationJobCommandInput), CompilationJobName: name }));
    } else {
      await sagemaker().send(new CreateOptimizationJobCommand({ ...(request as unknown as CreateOptimizationJobCommandInput), OptimizationJobName: name }));
    }
    return true;
  } catch (err) {
    if (isAlreadyExists(err)) return false;
    throw err;
  }
}

/**
 * Starts the job of this request, or carries on with the attempt that is running or done (a retried Create after a
 * Lambda timeout finds its own job). An attempt observed FAILED, STOPPING or STOPPED is skipped for the next name.
 */
async function startJob(props: JobResourceProperties): Promise<string> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const name = jobName(props, attempt);
    if (await createJob(props, name)) return name;
    const existing = await describe(props.Kind, name);
    if (!DEAD.includes(existing.status)) return name;
  }
  throw new Error(
    `the ${props.Kind} job for this request failed or was stopped ${MAX_ATTEMPTS} times (${jobName(props)} ... R${MAX_ATTEMPTS}); fix the cause shown by Describe${props.Kind === 'compilation' ? 'Compilation' : 'Optimization'}Job, then change the request (for example compile.maxRuntime) to start over`,
  );
}

async function stopJob(kind: JobKind, name: string): Promise<void> {
  try {
    const status = await describe(kind, name);
    if (status.status === 'INPROGRESS' || status.status === 'STARTING') {
      if (kind === 'compilation') await sagemaker().send(new StopCompilationJobCommand({ CompilationJobName: name }));
      else await sagemaker().send(new StopOptimizationJobCommand({ OptimizationJobName: name }));
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

interface JobStatus {
  readonly status: string;
  readonly failureReason?: string;
  readonly artifactUri?: string;
  readonly inferenceImage?: string;
}

async function describe(kind: JobKind, name: string): Promise<JobStatus> {
  if (kind === 'compilation') {
    const r = await sagemaker().send(new DescribeCompilationJobCommand({ CompilationJobName: name }));
    return {
      status: String(r.CompilationJobStatus),
      ...(r.FailureReason ? { failureReason: r.FailureReason } : {}),
      ...(r.ModelArtifacts?.S3ModelArtifacts ? { artifactUri: r.ModelArtifacts.S3ModelArtifacts } : {}),
      ...(r.InferenceImage ? { inferenceImage: r.InferenceImage } : {}),
    };
  }
  const r = await sagemaker().send(new DescribeOptimizationJobCommand({ OptimizationJobName: name }));
  return {
    status: String(r.OptimizationJobStatus),
    ...(r.FailureReason ? { failureReason: r.FailureReason } : {}),
    ...(r.OutputConfig?.S3OutputLocation ? { artifactUri: r.OutputConfig.S3OutputLocation } : {}),
    ...(r.OptimizationOutput?.RecommendedInferenceImage ? { inferenceImage: r.OptimizationOutput.RecommendedInferenceImage } : {}),
  };
}

export async function onEvent(event: CustomResourceEvent): Promise<OnEventResponse> {
  const props = event.ResourceProperties;
  switch (event.RequestType) {
    case 'Create':
      return { PhysicalResourceId: await startJob(props) };
    case 'Update': {
      // The same input keeps its running or finished job; a changed input (or a dead job) gets a new one, and
      // CloudFormation then deletes the old resource, which stops the old job.
      const current = event.PhysicalResourceId;
      const sameRequest = current !== undefined && Array.from({ length: MAX_ATTEMPTS }, (_, i) => jobName(props, i + 1)).includes(current);
      if (sameRequest && !DEAD.includes((await describe(props.Kind, current)).status)) return { PhysicalResourceId: current };
      return { PhysicalResourceId: await startJob(props) };
    }
    case 'Delete':
      if (event.PhysicalResourceId) await stopJob(props.Kind, event.PhysicalResourceId);
      return { PhysicalResourceId: event.PhysicalResourceId ?? 'none' };
  }
}

export async function isComplete(event: CustomResourceEvent & { PhysicalResourceId: string }): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') return { IsComplete: true };
  const kind = event.ResourceProperties.Kind;
  const job = await describe(kind, event.PhysicalResourceId);
  if (job.status === 'COMPLETED') {
    return {
      IsComplete: true,
      Data: { JobName: event.PhysicalResourceId, ArtifactUri: job.artifactUri ?? '', InferenceImage: job.inferenceImage ?? '' },
    };
  }
  if (job.status === 'FAILED' || job.status === 'STOPPED') {
    throw new Error(`SageMaker ${kind} job ${event.PhysicalResourceId} ${job.status}: ${job.failureReason ?? 'no reason given'}`);
  }
  return { IsComplete: false };
}
