/**
 * Types shared by the fake OpenAI-compatible server: its options, its in-memory records and the
 * request log. Records are provider-neutral; each route module serialises them into the shape its
 * provider (OpenAI, Together AI, Nebius) sends.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type Provider = 'openai' | 'together';

/**
 * Which inference server chat completions and discovery play: OpenAI (strict json_schema checked
 * like OpenAI, other servers' constraint fields refused), vLLM (`GET /version`; `structured_outputs`
 * from 0.12, `guided_json` before), llama.cpp (`GET /props`; top-level `json_schema` / `grammar`) or
 * Ollama (`GET /api/version`; `response_format`). A constrained reply is checked against its schema.
 */
export type ServerKind = 'openai' | 'vllm' | 'llamacpp' | 'ollama';

/** What the "refuse new jobs" switch answers to `POST /v1/fine_tuning/jobs`. */
export interface RefusalSpec {
  status?: number;
  message?: string;
  type?: string;
  code?: string | null;
}

export interface FakeOpenAIOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Keys accepted as `Authorization: Bearer <key>` or `api-key: <key>`; default ['sk-test']. */
  apiKeys?: string[];
  /** The organisation id (`organization_id`, `owned_by`) and the slug used in `ft:` model names. */
  organization?: { id: string; slug: string };
  /** Base models accepted by `POST /v1/fine_tuning/jobs` and `POST /v1/fine-tunes`. */
  fineTunableModels?: string[];
  /** Models `/v1/models` lists and chat accepts before any fine-tuning (fine-tunable ones are added). */
  chatModels?: string[];
  /** Rolling aliases resolved to snapshots when a job is created (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`). */
  modelAliases?: Record<string, string>;
  /** Lifecycle steps applied on every GET of a job (or Nebius model); 0/undefined = only `advance()`. */
  autoAdvance?: number;
  /**
   * Where training files are checked: 'upload' rejects a bad `fine-tune` file with a 400 naming the
   * line; 'job' accepts the upload and fails the job during `validating_files` (what OpenAI does today).
   */
  trainingFileChecks?: 'upload' | 'job';
  /** Fewer examples than this fail the job with `invalid_n_examples`; default 10 (OpenAI's minimum). */
  minExamples?: number;
  /** OpenAI serves the results CSV base64-encoded; 'plain' serves the CSV text. Default 'base64'. */
  resultFileEncoding?: 'base64' | 'plain';
  /** Refuse every new OpenAI fine-tuning job (the self-serve wind-down); true uses the default 403. */
  refuseNewJobs?: boolean | RefusalSpec;
  /** The inference server chat completions and discovery play; default 'openai'. */
  serverKind?: ServerKind;
  /** The version vLLM (`/version`) or Ollama (`/api/version`) reports; default '0.12.0' / '0.12.6'. */
  serverVersion?: string;
  /** Seed for ids, job seeds and loss noise; default 42. */
  seed?: number;
  /** Unix seconds the virtual clock starts at; default now. */
  startTime?: number;
  /** Virtual seconds per lifecycle step; default 10. */
  secondsPerStep?: number;
}

/** Options after defaults; live and mutable through `fake.settings`. */
export interface Settings {
  apiKeys: string[];
  organization: { id: string; slug: string };
  fineTunableModels: string[];
  chatModels: string[];
  modelAliases: Record<string, string>;
  autoAdvance: number;
  trainingFileChecks: 'upload' | 'job';
  minExamples: number;
  resultFileEncoding: 'base64' | 'plain';
  refuseNewJobs: false | RefusalSpec;
  secondsPerStep: number;
  serverKind: ServerKind;
  serverVersion: string;
}

export interface FileRecord {
  id: string;
  provider: Provider;
  filename: string;
  purpose: string;
  bytes: number;
  createdAt: number;
  /** Stored bytes as the content endpoint serves them. */
  content: Buffer;
  status: 'uploaded' | 'processed' | 'error';
  /** Why processing failed (Together's `validation_report.error`). */
  statusDetails?: string;
  /** Together only: file type and line count. */
  fileType?: 'jsonl' | 'csv' | 'parquet';
  lineCount?: number;
}

/** A Together presigned upload: the file id is promised before the bytes arrive. */
export interface PendingUpload {
  fileId: string;
  filename: string;
  fileType: 'jsonl' | 'csv' | 'parquet';
  purpose: string;
}

export type JobPhase =
  | 'validating'
  | 'queued'
  | 'running'
  | 'compressing'
  | 'uploading'
  | 'pausing'
  | 'paused'
  | 'cancel_requested'
  | 'succeeded'
  | 'failed'
  | 'cancelled';

export interface JobError {
  code: string;
  message: string;
  param: string | null;
}

/** One row of training metrics, named as OpenAI's metrics events and checkpoints name them. */
export interface StepMetrics {
  step: number;
  train_loss: number;
  train_mean_token_accuracy: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
}

export type JobEventKind =
  | 'created'
  | 'validating'
  | 'validated'
  | 'started'
  | 'step'
  | 'checkpoint'
  | 'training_complete'
  | 'compressing'
  | 'uploading'
  | 'model_created'
  | 'succeeded'
  | 'pausing'
  | 'paused'
  | 'resumed'
  | 'cancel_requested'
  | 'cancelled'
  | 'failed';

/** A lifecycle event; providers phrase it in their own words when serialising. */
export interface JobEvent {
  id: string;
  createdAt: number;
  kind: JobEventKind;
  level: 'info' | 'warn' | 'error';
  step?: number;
  metrics?: StepMetrics;
  /** Model or checkpoint name, or the error message, depending on the kind. */
  detail?: string;
}

export interface Checkpoint {
  id: string;
  createdAt: number;
  step: number;
  epoch: number;
  /** `ft:...:ckpt-step-N` for OpenAI, a storage path for Together. */
  name: string;
  metrics: StepMetrics;
}

export interface Hyperparameters {
  n_epochs: number;
  batch_size: number;
  learning_rate_multiplier: number;
  beta?: number;
}

export type RequestedHyperparameters = {
  [K in keyof Hyperparameters]: Hyperparameters[K] | 'auto';
};

export interface JobRecord {
  id: string;
  provider: Provider;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Base model (aliases resolved). */
  model: string;
  trainingFile: string;
  validationFile: string | null;
  suffix: string | null;
  seed: number;
  metadata: Record<string, string> | null;
  method: 'supervised' | 'dpo';
  /** As requested ('auto' where omitted): shown until the job starts running. */
  requested: RequestedHyperparameters;
  /** As used: shown once the job runs. */
  resolved: Hyperparameters;
  integrations: unknown[];
  examples: number;
  tokensPerEpoch: number;
  stepsPerEpoch: number;
  totalSteps: number;
  phase: JobPhase;
  step: number;
  events: JobEvent[];
  checkpoints: Checkpoint[];
  metrics: StepMetrics[];
  fineTunedModel: string | null;
  resultFiles: string[];
  error: JobError | null;
  trainedTokens: number | null;
  /** A validation failure found at creation, surfaced when validation "finishes". */
  pendingError: JobError | null;
  /** Provider-specific request fields echoed back (Together: learning_rate, lora, ...). */
  extra: Record<string, unknown>;
}

export interface ModelRecord {
  id: string;
  created: number;
  ownedBy: string;
  kind: 'base' | 'fine-tuned' | 'lora';
  jobId?: string;
}

/** A Nebius custom (LoRA) model created through `POST /v0/models`. */
export interface NebiusModelRecord {
  name: string;
  shortName: string;
  base_model: string;
  source: string;
  description: string | null;
  created_at: number;
  status: 'validating' | 'active' | 'error' | 'deleted';
  jobId: string | null;
  checkpointId: string | null;
  fileId: string | null;
}

export interface State {
  files: Map<string, FileRecord>;
  jobs: Map<string, JobRecord>;
  models: Map<string, ModelRecord>;
  nebiusModels: Map<string, NebiusModelRecord>;
  /** Together's presigned-upload tokens → the upload they complete. */
  uploads: Map<string, PendingUpload>;
}

export interface LoggedRequest {
  method: string;
  /** Path as received (without the query string). */
  path: string;
  /** Canonical path (`/v1/...` also for `/openai/v1/...` and `/openai/...`), as faults match it. */
  canonical: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** JSON body, `{ fields, files }` for multipart, URL-encoded fields, or text. */
  body: unknown;
  /** Wall-clock ms when the request arrived. */
  at: number;
  /** Status sent, or what the fault did instead. */
  outcome?: number | 'dropped' | 'hung';
}
