/**
 * Together AI's own fine-tuning API (`/v1/fine-tunes`, not OpenAI's shape) through the
 * official SDK, together-ai 0.52.0.
 *
 * What differs from the OpenAI-style services, and how it is mapped:
 *
 * - **No metadata on jobs.** `POST /fine-tunes` takes no metadata/tag map (checked against
 *   the SDK's `FineTuningCreateParams`), so flowtune's idempotency key travels in the job
 *   `suffix` — see {@link encodeSuffix}. Other metadata entries are not stored.
 * - **Absolute learning rate** (`learning_rate`, default 1e-5): `method.learningRate` is
 *   sent as it is; a `learningRateMultiplier` is refused (there is no base to multiply).
 * - **LoRA by default**: no `training_type` means LoRA with the model's default rank;
 *   `lora.enabled: false` asks for full fine-tuning.
 * - **No result file**: per-step metrics come from `GET /fine-tunes/{id}/metrics`, else
 *   from the events.
 * - **Models**: `/v1/models` is the public catalogue and marks nothing as "yours", so the
 *   account's fine-tuned models are the outputs of its completed jobs.
 * - **Deleting** a model deletes the job that produced it (`DELETE /fine-tunes/{id}`),
 *   the only deletion the API offers.
 * - **Serving**: the output name is used as the model id on Together's OpenAI-compatible
 *   chat API. LoRA outputs of the bases Together serves adapters for run serverless; others
 *   need a dedicated endpoint (dashboard or `endpoints.create`), which flowtune does not
 *   start for you (it bills per hour).
 */
import Together from 'together-ai';
import { z } from 'zod';
import { parseShape } from '../../core/zod-errors';
import { currentCallSignal } from '../deadline';
import { TrainerError } from '../errors';
import { LORA_SUPERVISED, type ProviderDefinition } from './definition';
import type {
  CreateJobRequest,
  FineTunedModel,
  FineTuneJob,
  FineTuneProvider,
  JobCheckpoint,
  JobError,
  JobEvent,
  JobStatus,
  ListJobsOptions,
  ProviderName,
  ServingEndpoint,
  StepMetrics,
  UploadedFile,
} from '../types';

/** Where Together serves chat (and, by default, everything else). */
export const TOGETHER_BASE_URL = 'https://api.together.xyz/v1';

export interface TogetherOptions {
  apiKey: string;
  /** Default {@link TOGETHER_BASE_URL}. */
  baseURL?: string;
  fetch?: typeof fetch;
  /** Request timeout, ms (SDK default 1 minute). */
  timeout?: number;
  /** Retries of calls that are safe to repeat (never job creation). Default 2. */
  maxRetries?: number;
}

type TogetherJob = Together.FinetuneResponse | Together.FineTuningCreateResponse | Together.FineTuningListResponse.Data;

/**
 * The fields of a Together job flowtune reads (the SDK's FinetuneResponse, create answer and
 * list items): an answer without `id` or `status` is an error naming the field. Numbers and
 * times are read leniently (`num`, `toUnix`); fields it does not know pass through (the whole
 * answer stays in `raw`).
 */
export const TOGETHER_JOB_SCHEMA = z
  .object({
    id: z.string(),
    status: z.string(),
    model: z.string().nullish(),
    model_output_name: z.string().nullish(),
    /** On list and create answers; the full job object has none. */
    suffix: z.string().nullish(),
    created_at: z.unknown(),
    updated_at: z.unknown(),
    training_file: z.string().nullish(),
    validation_file: z.string().nullish(),
    token_count: z.unknown(),
    n_epochs: z.unknown(),
    batch_size: z.unknown(),
    random_seed: z.unknown(),
    progress: z.object({ estimate_available: z.boolean().nullish(), seconds_remaining: z.unknown() }).passthrough().nullish(),
    events: z.array(z.object({ type: z.string().nullish(), level: z.string().nullish(), message: z.string().nullish() }).passthrough()).nullish(),
  })
  .passthrough();

type TogetherJobAnswer = z.infer<typeof TOGETHER_JOB_SCHEMA>;
type TogetherEvent = Together.FinetuneEvent;

/**
 * Together job status → flowtune status. Terminal states map to flowtune's common ones;
 * the states in between keep their own names (open strings, not terminal):
 * `cancel_requested` is not final (the job may still finish), `compressing` and
 * `uploading` come after the last training step. `user_error` is what Together's own CLI
 * shows for jobs failed by bad input. Unknown statuses pass through unchanged.
 */
export const TOGETHER_STATUS_MAP: Readonly<Record<string, JobStatus>> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  compressing: 'compressing',
  uploading: 'uploading',
  cancel_requested: 'cancel_requested',
  cancelled: 'cancelled',
  error: 'failed',
  user_error: 'failed',
  completed: 'succeeded',
};

export const togetherStatus = (status: string): JobStatus => TOGETHER_STATUS_MAP[status] ?? status;

/** Evaluations asked for when a validation file is given (Together's default is 0: none). */
export const TOGETHER_DEFAULT_N_EVALS = 5;

// ---------------------------------------------------------------------------------------
// The idempotency key in the suffix
// ---------------------------------------------------------------------------------------

/**
 * Together jobs carry no metadata, so flowtune's key goes into the `suffix`, which Together
 * keeps on the job (list/create answers) and builds into the output model name
 * (`<account>/<base>-<suffix>-<hash>`):
 *
 *     suffix = <user suffix, sanitised>-ft<first 10 letters/digits of the key, lowercased>
 *
 * The SDK documents the suffix as "at most 64 characters"; the allowed characters are not
 * documented, and since the suffix becomes part of a model id, only `[A-Za-z0-9-]` is
 * kept (anything else becomes `-`) and the user part is cut to leave room for the tag.
 * The tag is read back from `suffix`, or from `model_output_name` where an answer has no
 * suffix (the full job object of `GET /fine-tunes/{id}` does not list one).
 */
export const TOGETHER_SUFFIX_MAX = 64;
export const KEY_TAG_LENGTH = 10;
const KEY_TAG_PREFIX = 'ft';
const TAG_IN_SUFFIX = new RegExp(`(?:^|-)${KEY_TAG_PREFIX}([a-z0-9]{${KEY_TAG_LENGTH}})$`, 'i');
/** In an output name the suffix is followed by Together's `-<hash>`. */
const TAG_IN_OUTPUT_NAME = new RegExp(`-${KEY_TAG_PREFIX}([a-z0-9]{${KEY_TAG_LENGTH}})(?:-[A-Za-z0-9]+)?$`, 'i');

/** The 10-character form of a key stored on Together. */
export function keyTag(key: string): string {
  const tag = key.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, KEY_TAG_LENGTH);
  if (tag.length < KEY_TAG_LENGTH) {
    throw new TrainerError('bad_request', `together: the flowtune key must have at least ${KEY_TAG_LENGTH} letters or digits (it is stored in the job suffix): "${key}"`);
  }
  return tag;
}

export function sanitizeSuffix(suffix: string): string {
  return suffix.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
}

/** The `suffix` sent to Together for a user suffix and an optional key. */
export function encodeSuffix(userSuffix: string | undefined, key: string | undefined): string | undefined {
  const user = sanitizeSuffix(userSuffix ?? '');
  if (key === undefined) return user ? user.slice(0, TOGETHER_SUFFIX_MAX).replace(/-+$/, '') : undefined;
  const tag = `${KEY_TAG_PREFIX}${keyTag(key)}`;
  const room = TOGETHER_SUFFIX_MAX - tag.length - 1;
  const head = user.slice(0, room).replace(/-+$/, '');
  return head ? `${head}-${tag}` : tag;
}

/** The key tag and the user's part of a job's suffix (tag from the output name as a fallback). */
export function decodeSuffix(suffix: string | null | undefined, outputName?: string | null): { tag?: string; user: string | null } {
  if (suffix) {
    const m = TAG_IN_SUFFIX.exec(suffix);
    if (m) return { tag: m[1].toLowerCase(), user: suffix.slice(0, m.index) || null };
    return { user: suffix };
  }
  const m = outputName ? TAG_IN_OUTPUT_NAME.exec(outputName) : null;
  return { ...(m ? { tag: m[1].toLowerCase() } : {}), user: null };
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const isAuto = (v: unknown): boolean => v === undefined || v === 'auto';

/** Together sends ISO-8601 strings; accept Unix seconds or milliseconds too. */
function toUnix(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.floor(v > 1e12 ? v / 1000 : v);
  if (typeof v === 'string' && v) {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  return null;
}

const LEVELS: Record<string, string> = { legacy_info: 'info', legacy_iwarning: 'warning', legacy_ierror: 'error' };

const NUMBER = String.raw`(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)`;
const STEP_RE = /\bstep\s*[:=#]?\s*(\d+)(?:\s*(?:\/|of)\s*(\d+))?/i;
const EPOCH_RE = new RegExp(String.raw`\bepoch\s*[:=#]?\s*${NUMBER}`, 'i');
const VALID_LOSS_RE = new RegExp(String.raw`\b(?:eval(?:uation)?|valid(?:ation)?|val)[\s_/-]*loss\s*[:=]?\s*${NUMBER}`, 'i');
const TRAIN_LOSS_RE = new RegExp(String.raw`\bloss\s*[:=]?\s*${NUMBER}`, 'i');

/**
 * Metrics of one event: `step`/`total_steps` fields where Together sets them, else
 * "Step X/Y", "loss: L", "eval loss: L", "epoch E" in the message. The message formats
 * are not documented; anything unrecognised gives no metrics. Set only when the step is
 * known and there is a loss or a step total.
 */
export function eventMetrics(event: Pick<TogetherEvent, 'message'> & { step?: number; total_steps?: number }): StepMetrics | undefined {
  const message = event.message ?? '';
  const stepMatch = STEP_RE.exec(message);
  const step = num(event.step) ?? (stepMatch ? Number(stepMatch[1]) : undefined);
  if (step === undefined) return undefined;
  const totalSteps = num(event.total_steps) ?? (stepMatch?.[2] !== undefined ? Number(stepMatch[2]) : undefined);
  const valid = VALID_LOSS_RE.exec(message);
  const rest = valid ? message.slice(0, valid.index) + message.slice(valid.index + valid[0].length) : message;
  const train = TRAIN_LOSS_RE.exec(rest);
  const epoch = EPOCH_RE.exec(message);
  const trainLoss = train ? Number(train[1]) : undefined;
  const validLoss = valid ? Number(valid[1]) : undefined;
  if (trainLoss === undefined && validLoss === undefined && totalSteps === undefined) return undefined;
  return {
    step,
    ...(totalSteps !== undefined ? { totalSteps } : {}),
    ...(epoch ? { epoch: Number(epoch[1]) } : {}),
    ...(trainLoss !== undefined ? { trainLoss } : {}),
    ...(validLoss !== undefined ? { validLoss } : {}),
  };
}

/**
 * Rows of `GET /fine-tunes/{id}/metrics` (flat maps: training rows carry `train/*` keys,
 * evaluation rows `eval/*`) → one StepMetrics per step, ascending.
 */
export function metricsFromRows(rows: Array<Record<string, number>>): StepMetrics[] {
  const bySteps = new Map<number, StepMetrics>();
  for (const row of rows) {
    const step = num(row['train/global_step']) ?? num(row['eval/global_step']) ?? num(row.global_step) ?? num(row.step);
    if (step === undefined) continue;
    const m = bySteps.get(step) ?? { step };
    const epoch = num(row['train/epoch']) ?? num(row['eval/epoch']) ?? num(row.epoch);
    if (epoch !== undefined && m.epoch === undefined) m.epoch = epoch;
    const trainLoss = num(row['train/loss']) ?? num(row.loss) ?? num(row.train_loss);
    if (trainLoss !== undefined) m.trainLoss = trainLoss;
    const validLoss = num(row['eval/loss']) ?? num(row.eval_loss) ?? num(row.valid_loss);
    if (validLoss !== undefined) m.validLoss = validLoss;
    const trainAccuracy = num(row['train/accuracy']) ?? num(row['train/mean_token_accuracy']);
    if (trainAccuracy !== undefined) m.trainAccuracy = trainAccuracy;
    const validAccuracy = num(row['eval/accuracy']) ?? num(row['eval/mean_token_accuracy']);
    if (validAccuracy !== undefined) m.validAccuracy = validAccuracy;
    bySteps.set(step, m);
  }
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

function mergeByStep(list: StepMetrics[]): StepMetrics[] {
  const bySteps = new Map<number, StepMetrics>();
  for (const m of list) bySteps.set(m.step, { ...bySteps.get(m.step), ...m });
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

const FILE_TYPES = ['jsonl', 'parquet', 'csv'] as const;

/** A failed raw response as the SDK's own error (same classes and fields as its other calls). */
async function errorFromResponse(response: Response, fallback: string): Promise<Error> {
  const text = await response.text().catch(() => '');
  let body: object | undefined;
  try {
    body = text ? (JSON.parse(text) as object) : undefined;
  } catch {
    body = undefined;
  }
  return Together.APIError.generate(response.status, body, body ? undefined : text || fallback, response.headers);
}

// ---------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------

/** The SDK client; inside a bounded call (deadline.ts) its requests take the call's signal, so an expired call is not retried. */
class TogetherClient extends Together {
  protected override async prepareOptions(options: Parameters<Together['prepareOptions']>[0]): Promise<void> {
    await super.prepareOptions(options);
    options.signal ??= currentCallSignal();
  }
}

export class TogetherProvider implements FineTuneProvider {
  readonly name: ProviderName = 'together';
  protected readonly client: Together;
  private readonly fetchImpl: typeof fetch;

  constructor(protected readonly options: TogetherOptions) {
    this.client = new TogetherClient({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? TOGETHER_BASE_URL,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.timeout ? { timeout: options.timeout } : {}),
      maxRetries: options.maxRetries ?? 2,
    });
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  get baseURL(): string {
    return this.client.baseURL;
  }

  /**
   * The SDK's presigned upload, done here with this client's base URL and fetch (the SDK's
   * `files.upload(path)` reads a file from disk, takes its base URL from the environment and
   * uses the global fetch): `POST /files` with `file_name`, `file_type`, `purpose` answers
   * 302 with `Location` (where to PUT the bytes) and `X-Together-File-Id`; after the PUT the
   * file is read back with `GET /files/{id}`.
   */
  async uploadFile(content: Buffer, filename: string): Promise<UploadedFile> {
    const fileType = FILE_TYPES.find((t) => filename.toLowerCase().endsWith(`.${t}`));
    if (!fileType) throw new TrainerError('invalid_file', `together: training files must be .jsonl, .parquet or .csv (got ${filename})`);
    const params = new URLSearchParams({ file_name: filename, file_type: fileType, purpose: 'fine-tune' });
    const startURL = `${this.client.baseURL.replace(/\/+$/, '')}/files?${params}`;
    const start = await this.fetchImpl(startURL, {
      method: 'POST',
      headers: { Authorization: `Bearer ${this.options.apiKey}`, 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: params.toString(),
      redirect: 'manual',
    });
    if (start.status !== 302) throw await errorFromResponse(start, `together: file upload of ${filename} was not accepted (${start.status})`);
    await start.body?.cancel();
    const location = start.headers.get('location');
    const fileId = start.headers.get('x-together-file-id');
    if (!location || !fileId) {
      throw new Together.APIError(302, undefined, `together: file upload of ${filename}: the answer has no upload URL or file id`, start.headers);
    }
    const put = await this.fetchImpl(new URL(location, startURL).toString(), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: new Uint8Array(content.buffer, content.byteOffset, content.byteLength),
    });
    if (!put.ok) throw await errorFromResponse(put, `together: storing ${filename} at the upload URL failed (${put.status})`);
    await put.body?.cancel();
    const file = await this.client.files.retrieve(fileId);
    return { id: file.id, bytes: num(file.bytes) ?? content.length, filename: file.filename || filename };
  }

  /** The creation body on the wire. */
  createBody(request: CreateJobRequest): Together.FineTuningCreateParams {
    const { method, lora } = request;
    if (method.type !== 'supervised' && method.type !== 'dpo') {
      throw new TrainerError('unsupported', `together: unknown training method ${(method as { type: string }).type}`);
    }
    if (!isAuto(method.learningRateMultiplier)) {
      throw new TrainerError(
        'unsupported',
        'together takes an absolute learning rate (--learning-rate, e.g. 0.00001, its default), not a multiplier',
      );
    }
    const body: Together.FineTuningCreateParams = { model: request.model, training_file: request.trainingFile };
    if (request.validationFile) {
      body.validation_file = request.validationFile;
      body.n_evals = TOGETHER_DEFAULT_N_EVALS;
    }
    if (!isAuto(method.nEpochs)) body.n_epochs = method.nEpochs as number;
    if (!isAuto(method.batchSize)) body.batch_size = method.batchSize as number;
    if (method.learningRate !== undefined) body.learning_rate = method.learningRate;
    if (request.seed !== undefined) body.random_seed = request.seed;
    const suffix = encodeSuffix(request.suffix, request.metadata?.flowtune_key);
    if (suffix) body.suffix = suffix;
    body.training_method =
      method.type === 'dpo'
        ? { method: 'dpo', ...(isAuto(method.beta) ? {} : { dpo_beta: method.beta as number }) }
        : { method: 'sft', train_on_inputs: 'auto' };
    if (lora?.enabled === false) {
      body.training_type = { type: 'Full' };
    } else if (lora && (lora.r !== undefined || lora.alpha !== undefined || lora.dropout !== undefined)) {
      if (lora.r === undefined) throw new TrainerError('bad_request', 'together: a LoRA alpha or dropout needs the rank too (--lora-r)');
      body.training_type = {
        type: 'Lora',
        lora_r: lora.r,
        // Together's own SDK defaults alpha to twice the rank.
        lora_alpha: lora.alpha ?? lora.r * 2,
        ...(lora.dropout !== undefined ? { lora_dropout: lora.dropout } : {}),
      };
    }
    // No training_type: Together trains LoRA with the model's default rank.
    return body;
  }

  async createJob(request: CreateJobRequest): Promise<FineTuneJob> {
    // Job creation is paid work and has no idempotency key on Together: the SDK must not
    // retry it on a timeout or a 5xx. The launcher looks the job up by its key (in the
    // suffix) before any retry of its own.
    const job = await this.client.fineTuning.create(this.createBody(request), { maxRetries: 0 });
    return this.toJob(job);
  }

  async getJob(id: string): Promise<FineTuneJob> {
    return this.toJob(await this.client.fineTuning.retrieve(id));
  }

  /**
   * `GET /fine-tunes` answers every job at once (no pages, no documented order): sorted
   * newest first here. A `metadata.flowtune_key` filter matches the key's tag in the suffix;
   * the jobs it yields carry the full key asked for in `metadata.flowtune_key` (elsewhere
   * only the 10-character tag is known). Other metadata keys cannot be stored on Together
   * and are not matched.
   */
  async *listJobs(options: ListJobsOptions = {}): AsyncIterable<FineTuneJob> {
    const key = options.metadata?.flowtune_key;
    const tag = key !== undefined ? keyTag(key) : undefined;
    const page = await this.client.fineTuning.list();
    const jobs = [...(page.data ?? [])].sort((a, b) => (toUnix(b.created_at) ?? 0) - (toUnix(a.created_at) ?? 0));
    let count = 0;
    for (const raw of jobs) {
      if (options.limit !== undefined && count >= options.limit) return;
      const job = this.toJob(raw);
      if (tag !== undefined) {
        if (job.metadata.flowtune_key !== tag) continue;
        job.metadata = { ...job.metadata, flowtune_key: key! };
      }
      count++;
      yield job;
    }
  }

  async cancelJob(id: string): Promise<FineTuneJob> {
    return this.toJob(await this.client.fineTuning.cancel(id));
  }

  /**
   * Together events have no id: each gets `<job id>:<position in time order>`, stable as
   * long as the service only appends.
   */
  async listEvents(id: string, limit?: number): Promise<JobEvent[]> {
    const { data } = await this.client.fineTuning.listEvents(id);
    const events = this.toEvents(id, data ?? []).reverse();
    return limit !== undefined ? events.slice(0, limit) : events;
  }

  private toEvents(jobId: string, data: TogetherEvent[]): JobEvent[] {
    return data
      .map((e, i) => ({ e, i, t: toUnix(e.created_at) ?? 0 }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map(({ e, t }, position) => {
        const metrics = eventMetrics(e);
        const level = (e.level && (LEVELS[e.level] ?? e.level)) || (e.type === 'job_error' ? 'error' : 'info');
        return { id: `${jobId}:${position}`, createdAt: t, level, message: e.message ?? '', ...(metrics ? { metrics } : {}) };
      });
  }

  /**
   * Checkpoints, newest step first. Their id is Together's checkpoint reference
   * `<job id>:<step>` (what `from_checkpoint` and downloads take), with the artifact kind
   * appended when the step has several (`model`, `adapter`). Together does not serve
   * checkpoints for chat: `model` is the registry name where given, else the reference.
   */
  async listCheckpoints(id: string): Promise<JobCheckpoint[]> {
    const { data } = await this.client.fineTuning.listCheckpoints(id);
    const list = data ?? [];
    const perStep = new Map<number, number>();
    for (const c of list) perStep.set(c.step, (perStep.get(c.step) ?? 0) + 1);
    return list
      .map((c) => {
        const ref = `${id}:${c.step}`;
        return {
          id: (perStep.get(c.step) ?? 0) > 1 && c.checkpoint ? `${ref}/${c.checkpoint}` : ref,
          model: c.object_name ?? ref,
          step: c.step,
          createdAt: toUnix(c.created_at) ?? 0,
          metrics: { step: c.step },
        };
      })
      .sort((a, b) => b.step - a.step || b.createdAt - a.createdAt);
  }

  /**
   * Together writes no result file (OpenAI's CSV). `GET /fine-tunes/{id}/metrics` has the
   * recorded steps; when it has none (or the service does not have the route: 404), the
   * metrics parsed from the events are used — a missing job then fails on the events call.
   */
  async metrics(job: FineTuneJob): Promise<StepMetrics[]> {
    try {
      const response = await this.client.fineTuning.listMetrics(job.id);
      const rows = metricsFromRows(response.metrics ?? []);
      if (rows.length > 0) return rows;
    } catch (error) {
      if (!(error instanceof Together.NotFoundError)) throw error;
    }
    const { data } = await this.client.fineTuning.listEvents(job.id);
    const measured = (m: StepMetrics) => [m.trainLoss, m.validLoss, m.trainAccuracy, m.validAccuracy].some((v) => v !== undefined);
    // Progress-only events (step counts, no values) are not metrics.
    return mergeByStep(this.toEvents(job.id, data ?? []).flatMap((e) => (e.metrics ? [e.metrics] : []))).filter(measured);
  }

  /**
   * The account's fine-tuned models: outputs of its completed jobs (`model_output_name`),
   * newest first. `/v1/models` is not used: its objects (`type` chat/language/…,
   * `organization`) do not tell the account's fine-tunes from the catalogue.
   */
  async listModels(): Promise<FineTunedModel[]> {
    const page = await this.client.fineTuning.list();
    const out: FineTunedModel[] = [];
    for (const job of page.data ?? []) {
      if (job.status !== 'completed' || !job.model_output_name) continue;
      const owner = job.model_output_name.includes('/') ? job.model_output_name.split('/')[0] : job.user_id;
      out.push({
        id: job.model_output_name,
        createdAt: toUnix(job.updated_at) ?? toUnix(job.created_at) ?? 0,
        ownedBy: owner ?? '',
        ...(job.model ? { baseModel: job.model } : {}),
      });
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * Together has no endpoint that deletes a fine-tuned model by name; it deletes the
   * fine-tuning job (`DELETE /fine-tunes/{id}`, "cannot be undone" in its CLI), which owns
   * the model. Takes the model's output name or the job id (`ft-…`).
   */
  async deleteModel(id: string): Promise<void> {
    let jobId = id.startsWith('ft-') ? id : undefined;
    if (!jobId) {
      const page = await this.client.fineTuning.list();
      jobId = (page.data ?? []).find((j) => j.model_output_name === id)?.id;
    }
    if (!jobId) {
      throw new TrainerError(
        'not_found',
        `together: no fine-tuning job of this account produced ${id}. Together deletes a fine-tuned model with the job that made it ` +
          '(Fine-tuning / Models in the dashboard at https://api.together.ai, or `together fine-tuning delete <job id>`).',
      );
    }
    await this.client.fineTuning.delete(jobId);
  }

  /**
   * Chat with a model on Together's OpenAI-compatible API. A job id (`ft-…`) is resolved to
   * its output model once the job has succeeded. Nothing is deployed: LoRA outputs of the
   * bases Together serves adapters for answer serverless; any other output needs a
   * dedicated endpoint first (started in the dashboard), or chat answers "model not found".
   */
  async servingFor(model: string): Promise<ServingEndpoint> {
    let id = model;
    if (model.startsWith('ft-')) {
      const job = await this.getJob(model);
      if (!job.fineTunedModel) throw new TrainerError('not_found', `together: job ${model} has no model to chat with yet (status ${job.status})`);
      id = job.fineTunedModel;
    }
    return { baseURL: (this.options.baseURL ?? TOGETHER_BASE_URL).replace(/\/+$/, ''), headers: { Authorization: `Bearer ${this.options.apiKey}` }, model: id };
  }

  protected toJob(answer: TogetherJob): FineTuneJob {
    const job = parseShape(TOGETHER_JOB_SCHEMA, answer, 'together: the fine-tuning job in the answer', (message) => new TrainerError('server', message));
    const status = togetherStatus(job.status);
    const terminal = status === 'succeeded' || status === 'failed' || status === 'cancelled';
    const { tag, user } = decodeSuffix(job.suffix, job.model_output_name);
    const remaining = job.progress?.estimate_available ? num(job.progress.seconds_remaining) : undefined;
    const epochs = num(job.n_epochs);
    const batch = job.batch_size === 'max' ? 'auto' : num(job.batch_size);
    return {
      id: job.id,
      provider: this.name,
      status,
      model: job.model ?? '',
      fineTunedModel: status === 'succeeded' ? (job.model_output_name ?? null) : null,
      createdAt: toUnix(job.created_at) ?? 0,
      finishedAt: terminal ? toUnix(job.updated_at) : null,
      estimatedFinish: !terminal && remaining !== undefined ? Math.floor(Date.now() / 1000 + remaining) : null,
      trainingFile: job.training_file ?? '',
      validationFile: job.validation_file || null,
      trainedTokens: num(job.token_count) ?? null,
      resultFiles: [],
      error: status === 'failed' ? this.jobError(job.events) : null,
      metadata: tag ? { flowtune_key: tag } : {},
      hyperparameters: {
        ...(epochs !== undefined ? { nEpochs: epochs } : {}),
        ...(batch !== undefined ? { batchSize: batch } : {}),
      },
      suffix: user,
      seed: num(job.random_seed) ?? null,
      raw: answer,
    };
  }

  private jobError(events: TogetherJobAnswer['events']): JobError {
    const last = [...(events ?? [])].reverse().find((e) => e.type === 'job_error' || e.level === 'error' || e.level === 'legacy_ierror');
    return last?.message ? { ...(last.type ? { code: last.type } : {}), message: last.message } : { message: 'the fine-tuning job failed (Together gave no reason)' };
  }
}

export const TOGETHER: ProviderDefinition<'together'> = {
  name: 'together',
  label: 'Together AI',
  shortLabel: 'Together',
  keyEnv: 'TOGETHER_API_KEY',
  defaultBaseURL: TOGETHER_BASE_URL,
  note: 'own fine-tunes API (together-ai SDK); LoRA by default',
  // SFT and DPO (dpo_beta); seed is random_seed; no documented minimum.
  training: { methods: { supervised: LORA_SUPERVISED, dpo: [...LORA_SUPERVISED, 'beta'] } },
  credentialDescription: 'Together fine-tunes API',
  // Its /models is a bare array; the fine-tunes list has the `{data: [...]}` shape the test reads.
  credentialTestPath: '/fine-tunes',
  alternative: 'Together AI',
  create: (connection) => new TogetherProvider(connection),
};
