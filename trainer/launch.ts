/**
 * Launching a fine-tuning job safely: check the settings against what the chosen
 * service takes and the data against what it will accept (format for the method, fewest
 * examples) before anything is uploaded, estimate the cost (the caller asks before
 * spending), and create the job at most once. The SDKs retry creation blindly on
 * timeouts and 5xx; here every launch carries a deterministic key (hash of the data and
 * the parameters) in its metadata, and before any create — first try, retry or relaunch
 * after a crash — the registry and the provider are searched for a live job with that
 * key. With a registry, the launch holds a lock per key from that search to the record
 * of the job, so concurrent launches on one machine find each other's job; after every
 * create the provider is searched again and later twins (other machines, lost answers)
 * are cancelled.
 */
import { sha256 } from '../util/hash';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { checkJsonl, type CheckResult } from '../dataset/check';
import { checkPreferenceJsonl } from '../dataset/check-preference';
import { estimateTrainingCost, type TrainingCostEstimate } from '../dataset/cost';
import { withFileLock } from '../core/file-lock';
import { asTrainerLockError, isRetryable, TrainerError, UnsupportedSettingsError } from './errors';
import { describeProviderError } from './provider-errors';
import type { JobRegistry } from './job-store';
import { PROVIDERS, SETTING_LABELS } from './providers';
import type { CreateJobRequest, FineTuneJob, FineTuneProvider, LoraSettings, TrainingMethod, TrainingSetting } from './types';

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


const given = (v: unknown) => v !== undefined && v !== 'auto';

/** The settings a request sets (an `'auto'` or absent value sets nothing). */
export function settingsOf(request: Pick<LaunchRequest, 'method' | 'lora' | 'seed'>): TrainingSetting[] {
  const { method, lora } = request;
  const set: Array<[TrainingSetting, unknown]> = [
    ['epochs', method.nEpochs],
    ['batchSize', method.batchSize],
    ['learningRateMultiplier', method.learningRateMultiplier],
    ['learningRate', method.learningRate],
    ['beta', method.type === 'dpo' ? method.beta : undefined],
    ['lora', lora?.enabled],
    ['loraR', lora?.r],
    ['loraAlpha', lora?.alpha],
    ['loraDropout', lora?.dropout],
    ['seed', request.seed],
  ];
  return set.filter(([, v]) => given(v)).map(([k]) => k);
}

/** Does the chosen service offer the method and take every setting given? The problem as data, or undefined. */
export function settingsProblem(request: Pick<LaunchRequest, 'provider' | 'method' | 'lora' | 'seed'>): TrainerError | undefined {
  const info = PROVIDERS[request.provider.name];
  const type = request.method.type;
  const supported = info.training.methods[type];
  if (!supported) {
    const offered = Object.keys(info.training.methods).join(', ');
    return new TrainerError('unsupported', `${info.label} does not offer ${type} training (it offers: ${offered})`);
  }
  const refused = settingsOf(request).filter((s) => !supported.includes(s));
  if (refused.length === 0) return undefined;
  const words = (list: readonly TrainingSetting[]) => list.map((s) => SETTING_LABELS[s]).join(', ');
  return new UnsupportedSettingsError(
    info.name,
    type,
    refused,
    supported,
    `${info.label} does not take ${words(refused)} for ${type} training (it takes: ${words(supported)}); nothing was sent`,
  );
}

const MAX_SEED = 2 ** 31 - 1;

/** Validate epochs and friends before anything leaves the machine. */
function checkMethod(request: Pick<LaunchRequest, 'method' | 'lora' | 'seed'>): void {
  const { method, lora, seed } = request;
  const n = method.nEpochs;
  if (n !== undefined && n !== 'auto' && (!Number.isInteger(n) || n < 1 || n > 50)) throw new TrainerError('bad_request', `epochs must be a whole number from 1 to 50 (got ${n})`);
  const b = method.batchSize;
  if (b !== undefined && b !== 'auto' && (!Number.isInteger(b) || b < 1)) throw new TrainerError('bad_request', `batch size must be a whole number ≥ 1 (got ${b})`);
  const lr = method.learningRateMultiplier;
  if (lr !== undefined && lr !== 'auto' && !(lr > 0)) throw new TrainerError('bad_request', `learning-rate multiplier must be > 0 (got ${lr})`);
  if (method.learningRate !== undefined && !(method.learningRate > 0)) throw new TrainerError('bad_request', `learning rate must be > 0 (got ${method.learningRate})`);
  if (method.type === 'dpo' && method.beta !== undefined && method.beta !== 'auto' && !(method.beta > 0)) throw new TrainerError('bad_request', `DPO beta must be > 0 (got ${method.beta})`);
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) throw new TrainerError('bad_request', `seed must be a whole number from 0 to ${MAX_SEED} (got ${seed})`);
  if (lora?.r !== undefined && !(Number.isInteger(lora.r) && lora.r >= 1)) throw new TrainerError('bad_request', `LoRA rank must be a whole number ≥ 1 (got ${lora.r})`);
  if (lora?.alpha !== undefined && !(lora.alpha > 0)) throw new TrainerError('bad_request', `LoRA alpha must be > 0 (got ${lora.alpha})`);
  if (lora?.dropout !== undefined && !(lora.dropout >= 0 && lora.dropout < 1)) throw new TrainerError('bad_request', `LoRA dropout must be from 0 to below 1 (got ${lora.dropout})`);
}

/** The data format a method trains on: chat examples, or preference pairs for DPO. */
const CHECKER: Record<TrainingMethod['type'], (text: string, model: string) => CheckResult> = {
  supervised: checkJsonl,
  dpo: checkPreferenceJsonl,
};

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
  checkMethod(request);
  const problem = settingsProblem(request);
  if (problem) throw problem;
  const checked = (file: DataFile): CheckResult => {
    const result = CHECKER[request.method.type](file.content.toString('utf8'), request.model);
    const error = fileErrors(file, result);
    if (error) throw error;
    return result;
  };
  const training = isDataFile(request.training) ? checked(request.training) : undefined;
  const { label, training: facts } = PROVIDERS[request.provider.name];
  if (training && facts.minExamples !== undefined && training.examples < facts.minExamples) {
    const file = request.training as DataFile;
    throw new TrainerError('invalid_file', `${file.path} has ${training.examples} example(s); ${label} needs at least ${facts.minExamples} to fine-tune. Nothing was uploaded.`);
  }
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
  /** Longest wait for another process launching the same job (ms, default 15 minutes). */
  lockWaitMs?: number;
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

/** Of the live jobs carrying `key`, keep the oldest and cancel the others (duplicates of a lost answer or of a concurrent launch). */
async function keepFirstOfKey(request: LaunchRequest, key: string, created: FineTuneJob, status: (message: string) => void): Promise<FineTuneJob> {
  const live: FineTuneJob[] = [];
  try {
    for await (const job of liveJobsOfKey(request, key)) live.push(job);
  } catch {
    return created; // the job exists; the check is best effort
  }
  // Oldest first. Within one second the provider's own order (newest first) decides, so that
  // every launcher sharing the key keeps the same job; one it does not list yet is the newest.
  live.reverse();
  if (!live.some((j) => j.id === created.id)) live.push(created);
  live.sort((a, b) => a.createdAt - b.createdAt);
  for (const twin of live.slice(1)) {
    try {
      await request.provider.cancelJob(twin.id);
      status(`cancelled ${twin.id}: a duplicate of ${live[0].id} (same data and settings)`);
    } catch {
      status(`could not cancel ${twin.id}, a duplicate of ${live[0].id}: cancel it with flowtune train cancel ${twin.id}`);
    }
  }
  return live[0];
}

/** Upload (once) and create (at most once per key). Call after the user agreed to the plan's cost. */
export async function launchJob(request: LaunchRequest, plan: LaunchPlan, deps: LaunchDeps): Promise<LaunchResult> {
  const { registry } = deps;
  if (!registry) return launchUnlocked(request, plan, deps);
  const status = deps.onStatus ?? (() => undefined);
  return withFileLock(
    registry.launchLockFile(plan.key),
    {
      purpose: `launching a ${request.provider.name} job with key ${plan.key}`,
      waitMs: deps.lockWaitMs ?? 15 * 60_000,
      onWait: (owner) => status(`another flowtune process${owner ? ` (pid ${owner.pid})` : ''} is launching a job with the same data and settings: waiting for it`),
    },
    () => launchUnlocked(request, plan, deps),
  ).catch((error: unknown) => {
    throw asTrainerLockError(error);
  });
}

async function launchUnlocked(request: LaunchRequest, plan: LaunchPlan, deps: LaunchDeps): Promise<LaunchResult> {
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
      // A create that timed out may still land after our look-up, and a launch elsewhere (no
      // shared registry) may have raced ours: keep the first job with this key and cancel
      // later twins while they are still queued.
      const kept = await keepFirstOfKey(request, plan.key, job, status);
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
