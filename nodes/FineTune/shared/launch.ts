/**
 * Creating a job from files already on the provider (a training or validation file
 * ID). `launchJob` (trainer/launch.ts) covers data the node holds; this is the same
 * contract for what it cannot upload itself: a deterministic key of the file IDs and
 * settings in the job's metadata, a search for a live job with that key before any
 * create, and again after an answer was lost.
 */
import { createHash } from 'node:crypto';
import { isAmbiguousFailure } from '../../../trainer/errors';
import { IDEMPOTENCY_METADATA_KEY, type DataFile, type LaunchResult } from '../../../trainer/launch';
import type { CreateJobRequest, FineTuneJob, FineTuneProvider, TrainingMethod } from '../../../trainer/types';

export interface FileLaunchRequest {
  provider: FineTuneProvider;
  baseURL: string;
  /** A file on the provider, or data to upload (after the search found no job). */
  training: { fileId: string } | { file: DataFile; sha256: string };
  validationFileId?: string;
  model: string;
  method: TrainingMethod;
  suffix?: string;
  seed?: number;
  metadata?: Record<string, string>;
}

const DEAD = new Set(['failed', 'cancelled']);

export function fileLaunchKey(request: FileLaunchRequest): string {
  const training = 'fileId' in request.training ? { file: request.training.fileId } : { sha256: request.training.sha256 };
  return createHash('sha256')
    .update(
      JSON.stringify({
        v: 1,
        provider: request.provider.name,
        baseURL: request.baseURL,
        model: request.model,
        training,
        validation: request.validationFileId ? { file: request.validationFileId } : null,
        method: request.method,
        suffix: request.suffix ?? null,
        seed: request.seed ?? null,
      }),
    )
    .digest('hex')
    .slice(0, 32);
}

async function findLive(provider: FineTuneProvider, key: string): Promise<FineTuneJob | undefined> {
  for await (const job of provider.listJobs({ metadata: { [IDEMPOTENCY_METADATA_KEY]: key }, limit: 50 })) {
    if (job.metadata[IDEMPOTENCY_METADATA_KEY] === key && !DEAD.has(job.status)) return job;
  }
  return undefined;
}

export async function launchWithFiles(request: FileLaunchRequest): Promise<LaunchResult & { key: string }> {
  const key = fileLaunchKey(request);
  const existing = await findLive(request.provider, key);
  if (existing) return { job: existing, reused: true, key };
  const trainingFile =
    'fileId' in request.training
      ? request.training.fileId
      : (await request.provider.uploadFile(request.training.file.content, request.training.file.path.split(/[\\/]/).pop() || 'train.jsonl')).id;
  const create: CreateJobRequest = {
    model: request.model,
    trainingFile,
    ...(request.validationFileId ? { validationFile: request.validationFileId } : {}),
    ...(request.suffix ? { suffix: request.suffix } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    metadata: { ...request.metadata, [IDEMPOTENCY_METADATA_KEY]: key },
    method: request.method,
  };
  try {
    return { job: await request.provider.createJob(create), reused: false, key };
  } catch (error) {
    // The job may exist although the answer was lost: look before reporting a failure.
    if (isAmbiguousFailure(error)) {
      const created = await findLive(request.provider, key).catch(() => undefined);
      if (created) return { job: created, reused: true, key };
    }
    // A ProviderCallError (shared/client.ts): the node turns it into a NodeApiError with the item index.
    // eslint-disable-next-line @n8n/community-nodes/require-node-api-error
    throw error;
  }
}
