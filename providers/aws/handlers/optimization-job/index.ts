/**
 * Custom-resource handlers (CDK Provider framework) that run a SageMaker Neo compilation job or an inference
 * optimization job before the model is created. Self-contained: imports only @aws-sdk/client-sagemaker, which the
 * Lambda Node.js runtime provides, so the asset is this one compiled file (no bundling, no Docker).
 *
 * - onEvent Create/Update: start the job under a name derived from the request (a retried create finds the job
 *   already there instead of starting a second one; a changed request gets a new name, hence a new job).
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
  /** Prefix of the job name; the rest is a hash of the request. */
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

/** Deterministic job name: prefix + hash of the request (max 63 characters, [a-zA-Z0-9-]). */
export function jobName(props: JobResourceProperties): string {
  const hash = createHash('sha256').update(`${props.Kind}\n${props.Request}`).digest('hex').slice(0, 16);
  const prefix = props.NamePrefix.replace(/[^a-zA-Z0-9-]/g, '-').slice(0, 63 - 17);
  return `${prefix}-${hash}`;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ResourceNotFound' || /does not exist|not found|Could not find/i.test(e.message ?? '');
}

function isAlreadyExists(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e.name === 'ResourceInUse' || /already exists|ResourceInUse/i.test(e.message ?? '');
}

async function startJob(props: JobResourceProperties): Promise<string> {
  const name = jobName(props);
  const request = JSON.parse(props.Request) as Record<string, unknown>;
  try {
    if (props.Kind === 'compilation') {
      await sagemaker().send(new CreateCompilationJobCommand({ ...(request as unknown as CreateCompilationJobCommandInput), CompilationJobName: name }));
    } else {
      await sagemaker().send(new CreateOptimizationJobCommand({ ...(request as unknown as CreateOptimizationJobCommandInput), OptimizationJobName: name }));
    }
  } catch (err) {
    // A retried Create (the Lambda timed out after the job started) finds its own job: carry on with it.
    if (!isAlreadyExists(err)) throw err;
  }
  return name;
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
      const name = jobName(props);
      if (name === event.PhysicalResourceId) return { PhysicalResourceId: name };
      // A changed input gets a new job; CloudFormation then deletes the old resource, which stops the old job.
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
