/**
 * One interface for every fine-tuning service. Training (files, jobs, events,
 * checkpoints, metrics, models) is separate from serving (`servingFor`: where to chat
 * with the result). Shapes are flowtune's own, camelCase; each provider maps its wire
 * format onto them and keeps the original in `raw`.
 */

import type { ProviderName } from './providers';

/** A provider's name: one of the registry's (providers/index.ts `PROVIDER_LIST`). */
export type { ProviderName };

/**
 * Job status as the provider reports it. The common ones are listed; the type stays an
 * open string because services add states (`paused` exists on OpenAI's wire, Together
 * has `compressing`, `uploading`…).
 */
export type JobStatus =
  | 'validating_files'
  | 'queued'
  | 'running'
  | 'paused'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | (string & NonNullable<unknown>);

/** States after which a job never changes again (each provider normalises to these). */
export const TERMINAL_STATUSES: readonly string[] = ['succeeded', 'failed', 'cancelled'];

export const isTerminal = (status: JobStatus): boolean => TERMINAL_STATUSES.includes(status);

/** `'auto'` (or absent) lets the service choose. */
export type Auto<T> = T | 'auto';

export interface SupervisedMethod {
  type: 'supervised';
  /** 1–50. */
  nEpochs?: Auto<number>;
  batchSize?: Auto<number>;
  /** Scales the service's default learning rate (OpenAI, Azure). */
  learningRateMultiplier?: Auto<number>;
  /** Absolute learning rate, for services that take one (Nebius, Together). */
  learningRate?: number;
}

export interface DpoMethod {
  type: 'dpo';
  nEpochs?: Auto<number>;
  batchSize?: Auto<number>;
  learningRateMultiplier?: Auto<number>;
  learningRate?: number;
  beta?: Auto<number>;
}

export type TrainingMethod = SupervisedMethod | DpoMethod;

/** A training setting flowtune can send; which ones each service takes is in the provider registry. */
export type TrainingSetting = 'epochs' | 'batchSize' | 'learningRateMultiplier' | 'learningRate' | 'beta' | 'lora' | 'loraR' | 'loraAlpha' | 'loraDropout' | 'seed';

/** LoRA settings for services that train adapters (Nebius, Together); refused elsewhere. */
export interface LoraSettings {
  enabled?: boolean;
  r?: number;
  alpha?: number;
  dropout?: number;
}

export interface CreateJobRequest {
  /** Base model id as the provider names it. */
  model: string;
  trainingFile: string;
  validationFile?: string;
  suffix?: string;
  seed?: number;
  /** Free metadata (string values); flowtune adds its idempotency key here. */
  metadata?: Record<string, string>;
  method: TrainingMethod;
  lora?: LoraSettings;
}

export interface JobError {
  code?: string;
  message: string;
  param?: string | null;
}

export interface FineTuneJob {
  id: string;
  provider: ProviderName;
  status: JobStatus;
  /** Base model. */
  model: string;
  /** Id to chat with once the job succeeded (null before). */
  fineTunedModel: string | null;
  /** Unix seconds. */
  createdAt: number;
  finishedAt: number | null;
  estimatedFinish: number | null;
  trainingFile: string;
  validationFile: string | null;
  trainedTokens: number | null;
  resultFiles: string[];
  error: JobError | null;
  metadata: Record<string, string>;
  hyperparameters: { nEpochs?: Auto<number>; batchSize?: Auto<number>; learningRateMultiplier?: Auto<number> };
  suffix?: string | null;
  seed?: number | null;
  /** The provider's own object. */
  raw: unknown;
}

/** Training metrics at one step (any field may be missing on a given provider or step). */
export interface StepMetrics {
  step: number;
  totalSteps?: number;
  epoch?: number;
  trainLoss?: number;
  trainAccuracy?: number;
  validLoss?: number;
  validAccuracy?: number;
}

export interface JobEvent {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  level: string;
  message: string;
  /** Set on metric events. */
  metrics?: StepMetrics;
}

export interface JobCheckpoint {
  id: string;
  /** Model id of the checkpoint (usable for chat where the provider serves checkpoints). */
  model: string;
  step: number;
  createdAt: number;
  metrics: Partial<StepMetrics>;
}

export interface FineTunedModel {
  id: string;
  createdAt: number;
  ownedBy: string;
  /** Base model, when the provider says. */
  baseModel?: string;
}

export interface UploadedFile {
  id: string;
  bytes: number;
  filename: string;
}

/** Where to chat with a model: any OpenAI-compatible chat completions endpoint. */
export interface ServingEndpoint {
  baseURL: string;
  headers: Record<string, string>;
  model: string;
}

export interface ListJobsOptions {
  /** Only jobs whose metadata has these values (server-side where supported). */
  metadata?: Record<string, string>;
  /** Stop after this many jobs. */
  limit?: number;
}

export interface FineTuneProvider {
  readonly name: ProviderName;
  uploadFile(content: Buffer, filename: string): Promise<UploadedFile>;
  createJob(request: CreateJobRequest): Promise<FineTuneJob>;
  getJob(id: string): Promise<FineTuneJob>;
  /** Newest first, page by page. */
  listJobs(options?: ListJobsOptions): AsyncIterable<FineTuneJob>;
  cancelJob(id: string): Promise<FineTuneJob>;
  /** Newest first; `limit` caps the number returned. */
  listEvents(id: string, limit?: number): Promise<JobEvent[]>;
  listCheckpoints(id: string): Promise<JobCheckpoint[]>;
  /** Per-step metrics of a finished job (the result file where the provider writes one, else the events). */
  metrics(job: FineTuneJob): Promise<StepMetrics[]>;
  listModels(): Promise<FineTunedModel[]>;
  deleteModel(id: string): Promise<void>;
  /** Where to chat with a job's result or a model id (deploying it first where the service needs that). */
  servingFor(model: string): Promise<ServingEndpoint>;
}
