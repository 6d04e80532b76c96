/**
 * Together AI, as the `together-ai` SDK calls it (base `/v1`):
 *
 * - `files.upload(path)` is three requests: `POST /files?file_name=&file_type=&purpose=` answered
 *   with a 302 to a presigned URL plus `x-together-file-id`; `PUT` of the bytes to that URL; then
 *   `GET /files/{id}`. The REST API's one-shot `POST /files/upload` (multipart) is served too.
 * - `/fine-tunes`: create, list, retrieve, cancel, delete, events, checkpoints, estimate-price,
 *   on the shared lifecycle engine with Together's statuses (pending, queued, running,
 *   compressing, uploading, completed, cancel_requested, cancelled, error).
 */
import type { FakeCore } from '../core';
import { apiError, isReply, json, jsonObject, type Reply } from '../http';
import { advanceJob, cancelJob, createJob, isTerminal } from '../lifecycle';
import { route, type Ctx, type Route } from '../router';
import type { JobError, JobEvent, JobPhase, JobRecord, PendingUpload } from '../types';
import { checkTrainingFile } from '../validate';

const PURPOSES = ['fine-tune', 'eval', 'eval-sample', 'eval-output', 'eval-summary', 'batch-generated', 'batch-api'];
const FILE_TYPES = ['jsonl', 'csv', 'parquet'] as const;
const USER_ID = 'user_fake0000000000000000';
/** Price per million trained tokens used by the fake estimate (Together's LoRA rate for small models). */
const PRICE_PER_MILLION = 0.48;

const STATUS: Partial<Record<JobPhase, string>> = { validating: 'pending', succeeded: 'completed', failed: 'error' };

const iso = (seconds: number | null) => (seconds === null ? undefined : new Date(seconds * 1000).toISOString());

function togetherRoute(method: string, pattern: RegExp, handle: (ctx: Ctx, params: string[]) => Reply) {
  return route(method, 'v1', pattern, handle, { flavor: 'together' });
}

// ---------------------------------------------------------------------------------------------
// Files

function storeTogetherFile(core: FakeCore, upload: PendingUpload, content: Buffer) {
  let status: 'processed' | 'error' = 'processed';
  let statusDetails: string | undefined;
  let lineCount = content.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '').length;
  if (upload.purpose === 'fine-tune' && upload.fileType === 'jsonl') {
    const check = checkTrainingFile(content.toString('utf8'), 'together');
    if (check.ok) lineCount = check.summary.examples;
    else {
      status = 'error';
      statusDetails = `Invalid format on line ${check.issue.line} of the input file. ${check.issue.detail}`;
    }
  }
  return core.addFile({
    id: upload.fileId,
    provider: 'together',
    filename: upload.filename,
    purpose: upload.purpose,
    content,
    fileType: upload.fileType,
    lineCount,
    status,
    statusDetails,
  });
}

function uploadFields(fields: Record<string, string>, query: URLSearchParams) {
  const get = (k: string) => fields[k] ?? query.get(k) ?? undefined;
  const purpose = get('purpose') ?? 'fine-tune';
  const fileType = (get('file_type') ?? 'jsonl') as PendingUpload['fileType'];
  if (!PURPOSES.includes(purpose)) return apiError(400, `Invalid purpose: ${purpose}`, { param: 'purpose' });
  if (!FILE_TYPES.includes(fileType)) return apiError(400, `Invalid file_type: ${fileType}`, { param: 'file_type' });
  return { filename: get('file_name'), purpose, fileType };
}

/** Step one of the SDK's upload: promise a file id and redirect to a presigned URL. */
export function startPresignedUpload(ctx: Ctx): Reply {
  const fields = ctx.body.kind === 'form' ? ctx.body.fields : {};
  const parsed = uploadFields(fields, ctx.query);
  if (isReply(parsed)) return parsed;
  if (!parsed.filename) return apiError(400, "Missing required parameter: 'file_name'.", { param: 'file_name' });
  const { core } = ctx;
  const token = core.ids.hex(32);
  const fileId = core.newFileId('together');
  core.state.uploads.set(token, { fileId, filename: parsed.filename, purpose: parsed.purpose, fileType: parsed.fileType });
  return {
    kind: 'empty',
    status: 302,
    headers: { location: `${core.url}/upload/${token}?X-Amz-Signature=fake`, 'x-together-file-id': fileId },
  };
}

/** Step two: the presigned PUT (no API key, like an object-store URL). */
function receivePresignedUpload(ctx: Ctx, token: string): Reply {
  const upload = ctx.core.state.uploads.get(token);
  if (!upload) return { kind: 'bytes', status: 403, body: Buffer.from('<Error><Code>AccessDenied</Code></Error>'), contentType: 'application/xml' };
  ctx.core.state.uploads.delete(token);
  storeTogetherFile(ctx.core, upload, ctx.body.kind === 'raw' ? ctx.body.data : Buffer.alloc(0));
  return { kind: 'empty', status: 200 };
}

/** The REST API's one-shot multipart upload. */
function multipartUpload(ctx: Ctx): Reply {
  if (ctx.body.kind !== 'form') return apiError(400, "Missing required parameter: 'file'.", { param: 'file' });
  const part = ctx.body.files.find((f) => f.field === 'file');
  if (!part) return apiError(400, "Missing required parameter: 'file'.", { param: 'file' });
  const parsed = uploadFields(ctx.body.fields, ctx.query);
  if (isReply(parsed)) return parsed;
  const upload: PendingUpload = {
    fileId: ctx.core.newFileId('together'),
    filename: parsed.filename ?? part.filename,
    purpose: parsed.purpose,
    fileType: parsed.fileType,
  };
  const file = storeTogetherFile(ctx.core, upload, part.data);
  return json({
    id: file.id,
    object: 'file',
    created_at: file.createdAt,
    filename: file.filename,
    bytes: file.bytes,
    purpose: file.purpose,
    Processed: true,
    FileType: file.fileType,
    LineCount: file.lineCount,
  });
}

// ---------------------------------------------------------------------------------------------
// Fine-tunes

function trainingType(job: JobRecord) {
  return job.extra.training_type as Record<string, unknown>;
}

function serializeJob(job: JobRecord, core: FakeCore, full: boolean): Record<string, unknown> {
  const running = job.phase === 'running';
  const out: Record<string, unknown> = {
    id: job.id,
    status: STATUS[job.phase] ?? job.phase,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    started_at: iso(job.startedAt),
    user_id: USER_ID,
    owner_address: 'fake-user@example.com',
    model: job.model,
    model_output_name: job.extra.model_output_name,
    suffix: job.suffix ?? undefined,
    training_file: job.trainingFile,
    validation_file: job.validationFile ?? undefined,
    n_epochs: job.resolved.n_epochs,
    n_checkpoints: job.extra.n_checkpoints,
    n_evals: job.extra.n_evals,
    batch_size: job.resolved.batch_size,
    learning_rate: job.extra.learning_rate,
    lr_scheduler: job.extra.lr_scheduler,
    warmup_ratio: job.extra.warmup_ratio,
    max_grad_norm: job.extra.max_grad_norm,
    weight_decay: job.extra.weight_decay,
    random_seed: job.seed,
    training_type: trainingType(job),
    training_method: job.extra.training_method,
    token_count: job.trainedTokens ?? 0,
    total_price: Math.round(((job.tokensPerEpoch * job.resolved.n_epochs) / 1e6) * PRICE_PER_MILLION * 1e9) / 1e9,
    progress: { estimate_available: running, seconds_remaining: running ? (job.totalSteps - job.step + 3) * core.clock.secondsPerStep : 0 },
  };
  if (full) {
    out.events = serializeEvents(job);
    out.epochs_completed = Math.floor(job.step / job.stepsPerEpoch);
    out.trainingfile_numlines = job.examples;
    out.trainingfile_size = core.state.files.get(job.trainingFile)?.bytes;
    out.param_count = 8_030_261_248;
    out.queue_depth = 0;
  }
  return out;
}

/** Together's event `type`, message and extra fields for one lifecycle event (none, one or two). */
function eventTypes(job: JobRecord, e: JobEvent): Array<[string, string, Record<string, unknown>?]> {
  const when = iso(e.createdAt);
  switch (e.kind) {
    case 'created':
      return [['job_pending', 'Fine tune request created']];
    case 'started':
      return [
        ['job_start', `Job started at ${when}`],
        ['training_start', `Training started for model ${job.model}`, { total_steps: job.totalSteps }],
      ];
    case 'step':
      return e.step! % job.stepsPerEpoch === 0
        ? [['epoch_complete', `Epoch completed, at step ${e.step}`, { step: e.step, total_steps: job.totalSteps }]]
        : [];
    case 'checkpoint':
      return [['checkpoint_save', `New checkpoint saved at step ${e.step}`, { step: e.step, checkpoint_path: e.detail }]];
    case 'training_complete':
      return [['training_complete', `Training completed for ${job.model} at ${when}`, { step: job.totalSteps, total_steps: job.totalSteps }]];
    case 'compressing':
      return [['model_compressing', 'Compressing output model']];
    case 'uploading':
      return [['model_compression_complete', 'Model compression complete'], ['model_uploading', 'Uploading output model']];
    case 'model_created':
      return [['model_upload_complete', 'Model upload complete', { model_path: `s3://together-fake/finetune/${job.id}/final` }]];
    case 'succeeded':
      return [['job_complete', `Job finished at ${when}`, { token_count: job.trainedTokens ?? 0 }]];
    case 'cancel_requested':
      return [['cancel_requested', 'Cancel requested']];
    case 'cancelled':
      return [['job_stopped', 'Job stopped']];
    case 'failed':
      return [['job_error', e.detail ?? 'Job failed']];
    default:
      return [];
  }
}

function serializeEvents(job: JobRecord): Array<Record<string, unknown>> {
  return job.events.flatMap((e) =>
    eventTypes(job, e).map(([type, message, extra]) => ({
      object: 'fine-tune-event',
      created_at: iso(e.createdAt),
      type,
      message,
      level: e.level === 'error' ? 'error' : 'info',
      ...extra,
    })),
  );
}

type Body = Record<string, unknown>;

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' ? v : fallback;
}

function fileError(core: FakeCore, id: string, param: string): Reply | undefined {
  return core.state.files.has(id) ? undefined : apiError(404, `File ${id} not found`, { param, code: 'file_not_found' });
}

function create(ctx: Ctx): Reply {
  const { core } = ctx;
  const body = jsonObject(ctx.body);
  if (!body) return apiError(400, 'Invalid JSON body.');
  if (typeof body.model !== 'string') return apiError(400, "Missing required parameter: 'model'.", { param: 'model' });
  if (typeof body.training_file !== 'string') return apiError(400, "Missing required parameter: 'training_file'.", { param: 'training_file' });
  if (!core.settings.fineTunableModels.includes(body.model)) {
    return apiError(400, `Model ${body.model} is not supported for fine-tuning.`, { param: 'model', code: 'invalid_model' });
  }
  const trainingMissing = fileError(core, body.training_file, 'training_file');
  if (trainingMissing) return trainingMissing;
  const validationFile = typeof body.validation_file === 'string' ? body.validation_file : null;
  const validationMissing = validationFile ? fileError(core, validationFile, 'validation_file') : undefined;
  if (validationMissing) return validationMissing;

  const method = (body.training_method as Body | undefined)?.method === 'dpo' ? 'dpo' : 'supervised';
  const file = core.state.files.get(body.training_file)!;
  const check = checkTrainingFile(file.content.toString('utf8'), method === 'dpo' ? 'preference' : 'together');
  const pendingError: JobError | null = check.ok
    ? null
    : { code: 'invalid_training_file', message: `Invalid format on line ${check.issue.line} of the input file. ${check.issue.detail}`, param: 'training_file' };
  const batch = body.batch_size === undefined || body.batch_size === 'max' ? 8 : num(body.batch_size, 8);
  const suffix = typeof body.suffix === 'string' ? body.suffix : null;
  const requestedType = body.training_type as Body | null | undefined;
  const training_type =
    requestedType?.type === 'Full'
      ? { type: 'Full' }
      : {
          type: 'Lora',
          lora_r: num(requestedType?.lora_r, 8),
          lora_alpha: num(requestedType?.lora_alpha, 8),
          lora_dropout: num(requestedType?.lora_dropout, 0),
          lora_trainable_modules: requestedType?.lora_trainable_modules ?? 'all-linear',
        };
  const job = createJob(
    {
      id: `ft-${core.ids.uuid()}`,
      provider: 'together',
      model: body.model,
      trainingFile: body.training_file,
      validationFile,
      suffix,
      seed: typeof body.random_seed === 'number' ? body.random_seed : 42,
      metadata: null,
      method,
      requested: { n_epochs: num(body.n_epochs, 1), batch_size: batch, learning_rate_multiplier: 'auto' },
      integrations: [],
      examples: check.ok ? check.summary.examples : 0,
      tokensPerEpoch: check.ok ? check.summary.tokens : 0,
      pendingError,
      extra: {
        model_output_name: core.togetherOutputName(body.model, suffix),
        n_checkpoints: num(body.n_checkpoints, 1),
        n_evals: num(body.n_evals, 0),
        learning_rate: num(body.learning_rate, 0.00001),
        lr_scheduler: body.lr_scheduler ?? { lr_scheduler_type: 'linear', lr_scheduler_args: { min_lr_ratio: 0 } },
        warmup_ratio: num(body.warmup_ratio, 0),
        max_grad_norm: num(body.max_grad_norm, 1),
        weight_decay: num(body.weight_decay, 0),
        training_type,
        training_method: body.training_method ?? { method: 'sft', train_on_inputs: body.train_on_inputs ?? 'auto' },
      },
    },
    core.engine,
  );
  core.state.jobs.set(job.id, job);
  return json(serializeJob(job, core, false));
}

function withJob(ctx: Ctx, id: string, then: (job: JobRecord) => Reply): Reply {
  const job = ctx.core.state.jobs.get(id);
  if (!job || job.provider !== 'together') return apiError(404, `Fine-tune job ${id} not found`, { code: 'not_found' });
  return then(job);
}

function estimatePrice(ctx: Ctx): Reply {
  const body = jsonObject(ctx.body) ?? {};
  const file = typeof body.training_file === 'string' ? ctx.core.state.files.get(body.training_file) : undefined;
  if (!file) return json({ estimation_available: false, unavailable_reason: 'train_file_not_validated' });
  const check = checkTrainingFile(file.content.toString('utf8'), 'together');
  if (!check.ok) return json({ estimation_available: false, unavailable_reason: 'train_file_invalid' });
  const tokens = check.summary.tokens * num(body.n_epochs, 1);
  return json({
    estimation_available: true,
    allowed_to_proceed: true,
    estimated_train_token_count: tokens,
    estimated_eval_token_count: 0,
    estimated_total_price: Math.round((tokens / 1e6) * PRICE_PER_MILLION * 1e9) / 1e9,
    user_limit: 100,
  });
}

export const togetherRoutes: Route[] = [
  route('PUT', 'root', /^\/upload\/([0-9a-f]+)$/, (ctx, [token]) => receivePresignedUpload(ctx, token), { auth: false }),
  togetherRoute('POST', /^\/files\/upload$/, multipartUpload),
  togetherRoute('POST', /^\/fine-tunes$/, create),
  togetherRoute('GET', /^\/fine-tunes$/, (ctx) => json({ data: ctx.core.jobsOf('together').map((j) => serializeJob(j, ctx.core, false)) })),
  togetherRoute('POST', /^\/fine-tunes\/estimate-price$/, estimatePrice),
  togetherRoute('GET', /^\/fine-tunes\/([^/]+)$/, (ctx, [id]) =>
    withJob(ctx, id, (job) => {
      if (ctx.core.settings.autoAdvance > 0) advanceJob(job, ctx.core.engine, ctx.core.settings.autoAdvance);
      return json(serializeJob(job, ctx.core, true));
    }),
  ),
  togetherRoute('POST', /^\/fine-tunes\/([^/]+)\/cancel$/, (ctx, [id]) =>
    withJob(ctx, id, (job) =>
      cancelJob(job, ctx.core.engine)
        ? json(serializeJob(job, ctx.core, false))
        : apiError(400, `Fine-tune job ${id} is already ${STATUS[job.phase] ?? job.phase} and cannot be cancelled`),
    ),
  ),
  togetherRoute('DELETE', /^\/fine-tunes\/([^/]+)$/, (ctx, [id]) =>
    withJob(ctx, id, (job) => {
      if (!isTerminal(job)) return apiError(400, `Fine-tune job ${id} is still ${STATUS[job.phase] ?? job.phase}; cancel it first`);
      ctx.core.state.jobs.delete(id);
      return json({ message: `Fine-tune job ${id} deleted` });
    }),
  ),
  togetherRoute('GET', /^\/fine-tunes\/([^/]+)\/events$/, (ctx, [id]) => withJob(ctx, id, (job) => json({ data: serializeEvents(job) }))),
  togetherRoute('GET', /^\/fine-tunes\/([^/]+)\/checkpoints$/, (ctx, [id]) =>
    withJob(ctx, id, (job) =>
      json({
        data: job.checkpoints
          .map((c, i) => ({
            checkpoint_type: i === job.checkpoints.length - 1 && job.phase === 'succeeded' ? 'Final' : 'Intermediate',
            created_at: iso(c.createdAt),
            path: c.name,
            step: c.step,
            checkpoint: 'adapter',
          }))
          .reverse(),
      }),
    ),
  ),
];
