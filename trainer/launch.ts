/**
 * Launching a fine-tuning job safely: check the data before anything is uploaded,
 * estimate the cost (the caller asks before spending), and create the job at most
 * once. The SDKs retry creation blindly on timeouts and 5xx; here every launch carries
 * a deterministic key (hash of the data and the parameters) in its metadata, and before
 * any create — first try, retry or relaunch after a crash — the registry and the
 * provider are searched for a live job with that key.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { checkJsonl, type CheckResult } from '../dataset/check';
import { estimateTrainingCost, type TrainingCostEstimate } from '../dataset/cost';
import { describeProviderError, isRetryable, TrainerError } from './errors';
import type { JobRegistry } from './job-store';
import type { CreateJobRequest, FineTuneJob, FineTuneProvider, LoraSettings, TrainingMethod } from './types';

/** Metadata key holding the idempotency key on the provider's side. */
export const IDEMPOTENCY_METADATA_KEY = 'flowtune_key';

export interface DataFile {
  path: string;
  content: Buffer;
}

/** A file already on the provider (uploaded earlier, or by other means): not checked, not uploaded. */
export interface ProviderFile {
  fileId: string;
}

const isDataFile = (file: DataFile | ProviderFile): file is DataFile => 'content' in file;

/** The path of data, or the id of a provider file (the registry's record of where data came from). */
export const sourceName = (file: DataFile | ProviderFile): string => (isDataFile(file) ? file.path : file.fileId);

export interface LaunchRequest {
  provider: FineTuneProvider;
  /** Where the provider lives (part of the key: the same data on two services is two jobs). */
  baseURL: string;
  training: DataFile | ProviderFile;
  validation?: DataFile | ProviderFile;
  model: string;
  method: TrainingMethod;
  lora?: LoraSettings;
  suffix?: string;
  seed?: number;
  metadata?: Record<string, string>;
  /** Price table override (file path). */
  prices?: string;
}

export interface LaunchPlan {
  key: string;
  /** Checks and content hashes of the data flowtune holds (absent for provider files). */
  training?: CheckResult;
  validation?: CheckResult;
  /** Null when the training data is a provider file (its tokens are unknown here). */
  cost: TrainingCostEstimate | null;
  trainingSha256?: string;
  validationSha256?: string;
}

/** A launch whose data flowtune holds (the CLI's): checks and cost are known. */
export type DataLaunchRequest = LaunchRequest & { training: DataFile };

/** The plan of a launch whose training data flowtune holds. */
export type DataLaunchPlan = LaunchPlan & { training: CheckResult; cost: TrainingCostEstimate; trainingSha256: string };

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** Validate epochs and friends before anything leaves the machine. */
function checkMethod(method: TrainingMethod): void {
  const n = method.nEpochs;
  if (n !== undefined && n !== 'auto' && (!Number.isInteger(n) || n < 1 || n > 50)) throw new TrainerError('bad_request', `epochs must be a whole number from 1 to 50 (got ${n})`);
  const b = method.batchSize;
  if (b !== undefined && b !== 'auto' && (!Number.isInteger(b) || b < 1)) throw new TrainerError('bad_request', `batch size must be a whole number ≥ 1 (got ${b})`);
  const lr = method.learningRateMultiplier;
  if (lr !== undefined && lr !== 'auto' && !(lr > 0)) throw new TrainerError('bad_request', `learning-rate multiplier must be > 0 (got ${lr})`);
  if (method.learningRate !== undefined && !(method.learningRate > 0)) throw new TrainerError('bad_request', `learning rate must be > 0 (got ${method.learningRate})`);
}

function fileErrors(file: DataFile, result: CheckResult): TrainerError | undefined {
  if (result.errors.length === 0 && result.examples > 0) return undefined;
  if (result.examples === 0) return new TrainerError('invalid_file', `${file.path}: no examples`);
  const shown = result.errors.slice(0, 5).map((e) => `  ${file.path}:${e.line}: ${e.code}: ${e.message}`);
  const more = result.errors.length > 5 ? `\n  … and ${result.errors.length - 5} more (flowtune dataset check ${file.path})` : '';
  return new TrainerError('invalid_file', `${file.path} fails the fine-tuning format checks (${result.errors.length} error(s)); nothing was uploaded:\n${shown.join('\n')}${more}`);
}

/** Checks, cost and key: pure, nothing is sent. Throws a TrainerError naming file and line for bad data. */
export function planLaunch(request: DataLaunchRequest): DataLaunchPlan;
export function planLaunch(request: LaunchRequest): LaunchPlan;
export function planLaunch(request: LaunchRequest): LaunchPlan {
  checkMethod(request.method);
  const checked = (file: DataFile): CheckResult => {
    const result = checkJsonl(file.content.toString('utf8'), request.model);
    const error = fileErrors(file, result);
    if (error) throw error;
    return result;
  };
  const training = isDataFile(request.training) ? checked(request.training) : undefined;
  const validation = request.validation && isDataFile(request.validation) ? checked(request.validation) : undefined;
  const epochs = typeof request.method.nEpochs === 'number' ? request.method.nEpochs : undefined;
  const cost = training
    ? estimateTrainingCost({
        tokensPerExample: training.tokens.perExample.map((e) => e.tokens),
        model: request.model,
        ...(epochs !== undefined ? { epochs } : {}),
        ...(request.prices ? { prices: request.prices } : {}),
      })
    : null;
  const trainingSha256 = isDataFile(request.training) ? sha256(request.training.content) : undefined;
  const validationSha256 = request.validation && isDataFile(request.validation) ? sha256(request.validation.content) : undefined;
  // Data is keyed by its hash, a provider file by its id.
  const identity = (file: DataFile | ProviderFile | undefined, hash: string | undefined) => (file === undefined ? null : (hash ?? { file: (file as ProviderFile).fileId }));
  const key = sha256(
    JSON.stringify({
      v: 1,
      provider: request.provider.name,
      baseURL: request.baseURL,
      model: request.model,
      training: identity(request.training, trainingSha256),
      validation: identity(request.validation, validationSha256),
      method: request.method,
      lora: request.lora ?? null,
      suffix: request.suffix ?? null,
      seed: request.seed ?? null,
    }),
  ).slice(0, 32);
  return {
    key,
    ...(training ? { training } : {}),
    ...(validation ? { validation } : {}),
    cost,
    ...(trainingSha256 ? { trainingSha256 } : {}),
    ...(validationSha256 ? { validationSha256 } : {}),
  };
}

export interface LaunchDeps {
  /** Local job registry (CLI). Without one (n8n nodes) the provider's own job list is the only memory. */
  registry?: JobRegistry;
  onStatus?: (message: string) => void;
  /** Create attempts in all (default 3). */
  attempts?: number;
  /** Pause before attempt n (ms); default 2 s, 4 s, 8 s… */
  backoffMs?: (attempt: number) => number;
}

export interface LaunchResult {
  job: FineTuneJob;
  /** An existing job with the same key was found: nothing new was created. */
  reused: boolean;
}

const DEAD = new Set(['failed', 'cancelled']);

/** A live job launched earlier with this key: the registry first, then the provider's own list. */
async function findExisting(request: LaunchRequest, key: string, registry: JobRegistry | undefined): Promise<FineTuneJob | undefined> {
  for (const record of registry?.findByKey(key).reverse() ?? []) {
    if (record.provider !== request.provider.name || record.baseURL !== request.baseURL) continue;
    try {
      const job = await request.provider.getJob(record.jobId);
      if (!DEAD.has(job.status)) return job;
    } catch {
      // Unknown to the provider now (deleted, other account): fall through to the provider search.
    }
  }
  for await (const job of liveJobsOfKey(request, key)) return job;
  return undefined;
}

/** The provider's live (not failed or cancelled) jobs launched with this key, newest first. */
async function* liveJobsOfKey(request: LaunchRequest, key: string): AsyncGenerator<FineTuneJob> {
  for await (const job of request.provider.listJobs({ metadata: { [IDEMPOTENCY_METADATA_KEY]: key }, limit: 50 })) {
    if (job.metadata[IDEMPOTENCY_METADATA_KEY] === key && !DEAD.has(job.status)) yield job;
  }
}

async function uploadOnce(request: LaunchRequest, file: DataFile | ProviderFile, hash: string | undefined, registry: JobRegistry | undefined): Promise<string> {
  if (!isDataFile(file) || hash === undefined) return (file as ProviderFile).fileId;
  const known = registry?.upload(request.provider.name, request.baseURL, hash);
  if (known) return known.fileId;
  const filename = file.path.split(/[\\/]/).pop() || 'train.jsonl';
  let uploaded;
  try {
    uploaded = await request.provider.uploadFile(file.content, filename);
  } catch (error) {
    throw describeProviderError(error, request.provider.name, { baseURL: request.baseURL, file: file.path, model: request.model });
  }
  registry?.saveUpload({ provider: request.provider.name, baseURL: request.baseURL, sha256: hash, fileId: uploaded.id, filename, uploadedAt: new Date().toISOString() });
  return uploaded.id;
}

/** Of the live jobs carrying `key`, keep the oldest and cancel the others (duplicates of a lost answer). */
async function keepFirstOfKey(request: LaunchRequest, key: string, created: FineTuneJob, status: (message: string) => void): Promise<FineTuneJob> {
  const live: FineTuneJob[] = [];
  try {
    for await (const job of liveJobsOfKey(request, key)) live.push(job);
  } catch {
    return created; // the job exists; the check is best effort
  }
  if (!live.some((j) => j.id === created.id)) live.push(created);
  // Oldest first; at the same second, the job of the earlier request (not the one just created).
  live.sort((a, b) => a.createdAt - b.createdAt || Number(a.id === created.id) - Number(b.id === created.id) || (a.id < b.id ? -1 : 1));
  for (const twin of live.slice(1)) {
    try {
      await request.provider.cancelJob(twin.id);
      status(`cancelled ${twin.id}: a duplicate of ${live[0].id} created by a retried request`);
    } catch {
      status(`could not cancel ${twin.id}, a duplicate of ${live[0].id}: cancel it with flowtune train cancel ${twin.id}`);
    }
  }
  return live[0];
}

/** Upload (once) and create (at most once per key). Call after the user agreed to the plan's cost. */
export async function launchJob(request: LaunchRequest, plan: LaunchPlan, deps: LaunchDeps): Promise<LaunchResult> {
  const { registry } = deps;
  const status = deps.onStatus ?? (() => undefined);
  const attempts = deps.attempts ?? 3;
  const backoff = deps.backoffMs ?? ((n: number) => 1000 * 2 ** n);
  const context = { baseURL: request.baseURL, model: request.model };

  const remember = (job: FineTuneJob, trainingFile: string, validationFile?: string) =>
    registry?.save({
      provider: request.provider.name,
      baseURL: request.baseURL,
      jobId: job.id,
      key: plan.key,
      model: request.model,
      ...(request.suffix ? { suffix: request.suffix } : {}),
      trainingFile,
      ...(validationFile ? { validationFile } : {}),
      dataPath: sourceName(request.training),
      ...(request.validation ? { validationPath: sourceName(request.validation) } : {}),
      createdAt: new Date((job.createdAt || Date.now() / 1000) * 1000).toISOString(),
      status: job.status,
      fineTunedModel: job.fineTunedModel,
      estimatedUsd: plan.cost?.usd ?? null,
    });

  for (let attempt = 1; ; attempt++) {
    let existing: FineTuneJob | undefined;
    try {
      existing = await findExisting(request, plan.key, registry);
    } catch (error) {
      throw describeProviderError(error, request.provider.name, context);
    }
    if (existing) {
      status(`job ${existing.id} with the same data and settings already exists (${existing.status}): not creating another`);
      remember(existing, existing.trainingFile, existing.validationFile ?? undefined);
      return { job: existing, reused: true };
    }

    const trainingFile = await uploadOnce(request, request.training, plan.trainingSha256, registry);
    const validationFile = request.validation ? await uploadOnce(request, request.validation, plan.validationSha256, registry) : undefined;
    const create: CreateJobRequest = {
      model: request.model,
      trainingFile,
      ...(validationFile ? { validationFile } : {}),
      ...(request.suffix ? { suffix: request.suffix } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      metadata: { ...request.metadata, [IDEMPOTENCY_METADATA_KEY]: plan.key },
      method: request.method,
      ...(request.lora ? { lora: request.lora } : {}),
    };
    try {
      const job = await request.provider.createJob(create);
      // A create that timed out may still land after our look-up: after a retry, keep the
      // first job with this key and cancel later twins while they are still queued.
      const kept = attempt > 1 ? await keepFirstOfKey(request, plan.key, job, status) : job;
      remember(kept, trainingFile, validationFile);
      return { job: kept, reused: kept.id !== job.id };
    } catch (error) {
      const described = describeProviderError(error, request.provider.name, context);
      if (!isRetryable(error) || attempt >= attempts) throw described;
      const wait = backoff(attempt);
      status(`creating the job failed (${described.message}); looking for it before retrying in ${Math.round(wait / 1000)} s`);
      await sleepFor(wait);
    }
  }
}
