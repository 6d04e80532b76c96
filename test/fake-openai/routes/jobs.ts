/**
 * OpenAI fine-tuning: `/v1/fine_tuning/jobs` create, list (cursor pages, newest first, metadata
 * filter), retrieve, cancel, pause, resume, events and checkpoints, shaped as the SDK's
 * `FineTuningJob`, `FineTuningJobEvent` and `FineTuningJobCheckpoint`.
 */
import type { FakeCore } from '../core';
import { apiError, isReply, json, jsonObject, paginate, type Reply } from '../http';
import { advanceJob, cancelJob, createJob, estimatedFinish, pauseJob, resumeJob } from '../lifecycle';
import { route, type Ctx, type Route } from '../router';
import type { JobError, JobEvent, JobPhase, JobRecord, RequestedHyperparameters } from '../types';
import { checkTrainingFile } from '../validate';

const STATUS: Partial<Record<JobPhase, string>> = { validating: 'validating_files' };

const DEFAULT_REFUSAL =
  'Fine-tuning is not available to this organization: OpenAI is winding down self-serve fine-tuning and no new fine-tuning jobs can be created.';

function hyperparameters(job: JobRecord) {
  const hp = job.startedAt !== null ? job.resolved : job.requested;
  return { batch_size: hp.batch_size, learning_rate_multiplier: hp.learning_rate_multiplier, n_epochs: hp.n_epochs };
}

export function serializeJob(job: JobRecord, core: FakeCore): Record<string, unknown> {
  const hyper = hyperparameters(job);
  const beta = job.startedAt !== null ? job.resolved.beta : job.requested.beta;
  return {
    object: 'fine_tuning.job',
    id: job.id,
    model: job.model,
    created_at: job.createdAt,
    finished_at: job.finishedAt,
    fine_tuned_model: job.fineTunedModel,
    organization_id: core.settings.organization.id,
    result_files: job.resultFiles,
    status: STATUS[job.phase] ?? job.phase,
    validation_file: job.validationFile,
    training_file: job.trainingFile,
    hyperparameters: hyper,
    trained_tokens: job.trainedTokens,
    // OpenAI sends an error object with null fields, not null, while nothing has gone wrong.
    error: job.error ?? { code: null, message: null, param: null },
    user_provided_suffix: job.suffix,
    seed: job.seed,
    estimated_finish: estimatedFinish(job, core.engine),
    integrations: job.integrations,
    metadata: job.metadata,
    method:
      job.method === 'dpo'
        ? { type: 'dpo', dpo: { hyperparameters: { ...hyper, beta: beta ?? 'auto' } } }
        : { type: 'supervised', supervised: { hyperparameters: hyper } },
  };
}

function eventText(job: JobRecord, e: JobEvent): { message: string; type: 'message' | 'metrics'; data: unknown } | null {
  const message = (text: string, data: unknown = {}) => ({ message: text, type: 'message' as const, data });
  switch (e.kind) {
    case 'created':
      return message(`Created fine-tuning job: ${job.id}`);
    case 'validating':
      return message(`Validating training file: ${job.trainingFile}${job.validationFile ? ` and validation file: ${job.validationFile}` : ''}`);
    case 'validated':
      return message('Files validated, moving job to queued state');
    case 'started':
      return message('Fine-tuning job started', null);
    case 'step': {
      const m = e.metrics!;
      let text = `Step ${m.step}/${job.totalSteps}: training loss=${m.train_loss.toFixed(2)}`;
      if (m.valid_loss !== undefined) text += `, validation loss=${m.valid_loss.toFixed(2)}`;
      if (m.full_valid_loss !== undefined) text += `, full validation loss=${m.full_valid_loss.toFixed(2)}`;
      return { message: text, type: 'metrics', data: { ...m, total_steps: job.totalSteps } };
    }
    case 'checkpoint':
      return message(`Checkpoint created at step ${e.step} with Snapshot ID: ${e.detail}`);
    case 'model_created':
      return message(`New fine-tuned model created: ${e.detail}`);
    case 'succeeded':
      return message('The job has successfully completed');
    case 'pausing':
      return message('Pausing fine-tuning job');
    case 'paused':
      return message('Fine-tuning job paused');
    case 'resumed':
      return message('Fine-tuning job resumed');
    case 'cancelled':
      return message('Fine-tuning job cancelled');
    case 'failed':
      return message(e.detail ?? 'The job failed');
    default:
      return null; // kinds OpenAI does not report (Together's compress/upload phases)
  }
}

export function serializeEvents(job: JobRecord): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const e of job.events) {
    const text = eventText(job, e);
    if (text) out.push({ object: 'fine_tuning.job.event', id: e.id, created_at: e.createdAt, level: e.level, ...text });
  }
  return out.reverse(); // newest first
}

// ---------------------------------------------------------------------------------------------
// Create

type Params = Record<string, unknown>;

function isRecord(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requestedHyperparameters(body: Params): { method: 'supervised' | 'dpo'; requested: RequestedHyperparameters } | Reply {
  const pick = (hp: unknown): RequestedHyperparameters => {
    const h = isRecord(hp) ? hp : {};
    const value = (v: unknown) => (typeof v === 'number' ? v : 'auto');
    return { n_epochs: value(h.n_epochs), batch_size: value(h.batch_size), learning_rate_multiplier: value(h.learning_rate_multiplier), beta: value(h.beta) };
  };
  const method = body.method;
  if (method === undefined || method === null) return { method: 'supervised', requested: pick(body.hyperparameters) };
  if (!isRecord(method) || (method.type !== 'supervised' && method.type !== 'dpo' && method.type !== 'reinforcement')) {
    return apiError(400, "Invalid value for 'method.type': expected one of 'supervised', 'dpo' or 'reinforcement'.", { param: 'method' });
  }
  if (method.type === 'reinforcement') return apiError(400, 'The fake server does not simulate reinforcement fine-tuning.', { param: 'method' });
  const config = method[method.type];
  return { method: method.type, requested: pick(isRecord(config) ? config.hyperparameters : undefined) };
}

/** A request-level rejection, or what the file holds and the error the job will fail with, if any. */
type FileCheck = { reply: Reply } | { reply?: undefined; examples: number; tokens: number; error: JobError | null };

function checkJobFile(core: FakeCore, id: string, param: 'training_file' | 'validation_file', format: 'chat' | 'preference'): FileCheck {
  const file = core.state.files.get(id);
  if (!file) return { reply: apiError(400, `invalid ${param}: ${id}`, { param }) };
  if (file.purpose !== 'fine-tune') {
    return { reply: apiError(400, `File ${id} has purpose '${file.purpose}', but fine-tuning requires purpose 'fine-tune'.`, { param }) };
  }
  const check = checkTrainingFile(file.content.toString('utf8'), format);
  if (!check.ok) {
    const kind = param === 'training_file' ? 'training' : 'validation';
    const error: JobError = {
      code: `invalid_${param}`,
      message: `The job failed due to an invalid ${kind} file. Invalid file format. ${check.issue.detail}`,
      param,
    };
    return { examples: 0, tokens: 0, error };
  }
  return { examples: check.summary.examples, tokens: check.summary.tokens, error: null };
}

function refusal(core: FakeCore): Reply | undefined {
  const r = core.settings.refuseNewJobs;
  if (!r) return undefined;
  return apiError(r.status ?? 403, r.message ?? DEFAULT_REFUSAL, { type: r.type ?? 'invalid_request_error', code: r.code ?? null });
}

function create(ctx: Ctx): Reply {
  const { core } = ctx;
  const refused = refusal(core);
  if (refused) return refused;
  const body = jsonObject(ctx.body);
  if (!body) return apiError(400, 'We could not parse the JSON body of your request.');
  for (const key of ['model', 'training_file']) {
    if (typeof body[key] !== 'string') return apiError(400, `Missing required parameter: '${key}'.`, { param: key, code: 'missing_required_parameter' });
  }
  const model = core.resolveAlias(body.model as string);
  if (!core.settings.fineTunableModels.includes(model)) {
    return apiError(400, `Model ${body.model as string} is not available for fine-tuning or does not exist.`, { param: 'model', code: 'model_not_available' });
  }
  const suffix = typeof body.suffix === 'string' ? body.suffix : null;
  if (suffix !== null && suffix.length > 64) {
    return apiError(400, `Invalid 'suffix': string too long. Expected a string with maximum length 64, but got a string with length ${suffix.length} instead.`, {
      param: 'suffix',
      code: 'string_above_max_length',
    });
  }
  const metadata = isRecord(body.metadata) ? (body.metadata as Record<string, string>) : null;
  if (metadata && Object.keys(metadata).length > 16) {
    return apiError(400, "Invalid 'metadata': too many properties. Expected an object with at most 16 properties.", { param: 'metadata' });
  }
  const hp = requestedHyperparameters(body);
  if (isReply(hp)) return hp;
  const format = hp.method === 'dpo' ? 'preference' : 'chat';
  const training = checkJobFile(core, body.training_file as string, 'training_file', format);
  if (training.reply) return training.reply;
  const validationId = typeof body.validation_file === 'string' ? body.validation_file : null;
  const validation = validationId ? checkJobFile(core, validationId, 'validation_file', format) : undefined;
  if (validation?.reply) return validation.reply;

  const min = core.settings.minExamples;
  let pendingError = training.error ?? validation?.error ?? null;
  if (!pendingError && training.examples < min) {
    pendingError = {
      code: 'invalid_n_examples',
      message: `Training file has ${training.examples} example(s), but must have at least ${min} examples`,
      param: 'training_file',
    };
  }
  const job = createJob(
    {
      id: `ftjob-${core.ids.alnum(24)}`,
      provider: 'openai',
      model,
      trainingFile: body.training_file as string,
      validationFile: validationId,
      suffix,
      seed: typeof body.seed === 'number' ? body.seed : core.ids.int(2 ** 31),
      metadata,
      method: hp.method,
      requested: hp.requested,
      integrations: Array.isArray(body.integrations) ? body.integrations : [],
      examples: training.examples,
      tokensPerEpoch: training.tokens,
      pendingError,
    },
    core.engine,
  );
  core.state.jobs.set(job.id, job);
  return json(serializeJob(job, core));
}

// ---------------------------------------------------------------------------------------------
// Read and control

function list(ctx: Ctx): Reply {
  const filters: Array<[string, string]> = [];
  let wantsNoMetadata = false;
  for (const [key, value] of ctx.query) {
    const m = /^metadata\[(.+)\]$/.exec(key);
    if (m) filters.push([m[1], value]);
    else if (key === 'metadata' && value === 'null') wantsNoMetadata = true;
  }
  const jobs = ctx.core
    .jobsOf('openai')
    .filter((j) => (wantsNoMetadata ? !j.metadata || Object.keys(j.metadata).length === 0 : true))
    .filter((j) => filters.every(([k, v]) => j.metadata?.[k] === v))
    .reverse();
  const page = paginate(jobs, (j) => j.id, ctx.query, { limit: 20, max: 10000 });
  return isReply(page) ? page : json({ ...page, data: page.data.map((j) => serializeJob(j, ctx.core)) });
}

function withJob(ctx: Ctx, id: string, then: (job: JobRecord) => Reply): Reply {
  const job = ctx.core.state.jobs.get(id);
  if (!job || job.provider !== 'openai') return apiError(404, `Could not find fine-tuning job: ${id}`, { param: 'fine_tuning_job_id' });
  return then(job);
}

function control(action: (job: JobRecord, core: FakeCore) => boolean, refusedMessage: (job: JobRecord) => string) {
  return (ctx: Ctx, [id]: string[]) =>
    withJob(ctx, id, (job) =>
      action(job, ctx.core) ? json(serializeJob(job, ctx.core)) : apiError(400, refusedMessage(job), { param: 'fine_tuning_job_id' }),
    );
}

export const jobRoutes: Route[] = [
  route('POST', 'v1', /^\/fine_tuning\/jobs$/, create),
  route('GET', 'v1', /^\/fine_tuning\/jobs$/, list),
  route('GET', 'v1', /^\/fine_tuning\/jobs\/([^/]+)$/, (ctx, [id]) =>
    withJob(ctx, id, (job) => {
      if (ctx.core.settings.autoAdvance > 0) advanceJob(job, ctx.core.engine, ctx.core.settings.autoAdvance);
      return json(serializeJob(job, ctx.core));
    }),
  ),
  route(
    'POST',
    'v1',
    /^\/fine_tuning\/jobs\/([^/]+)\/cancel$/,
    control((job, core) => cancelJob(job, core.engine), (job) => `Job has already completed: ${job.id} is ${STATUS[job.phase] ?? job.phase}.`),
  ),
  route(
    'POST',
    'v1',
    /^\/fine_tuning\/jobs\/([^/]+)\/pause$/,
    control((job, core) => pauseJob(job, core.engine), (job) => `Only running jobs can be paused; ${job.id} is ${STATUS[job.phase] ?? job.phase}.`),
  ),
  route(
    'POST',
    'v1',
    /^\/fine_tuning\/jobs\/([^/]+)\/resume$/,
    control((job, core) => resumeJob(job, core.engine), (job) => `Only paused jobs can be resumed; ${job.id} is ${STATUS[job.phase] ?? job.phase}.`),
  ),
  route('GET', 'v1', /^\/fine_tuning\/jobs\/([^/]+)\/events$/, (ctx, [id]) =>
    withJob(ctx, id, (job) => {
      const events = serializeEvents(job);
      const page = paginate(events, (e) => String(e.id), ctx.query, { limit: 20, max: 10000 });
      return isReply(page) ? page : json(page);
    }),
  ),
  route('GET', 'v1', /^\/fine_tuning\/jobs\/([^/]+)\/checkpoints$/, (ctx, [id]) =>
    withJob(ctx, id, (job) => {
      // OpenAI keeps the checkpoints of the last three epochs.
      const checkpoints = job.checkpoints
        .slice(-3)
        .reverse()
        .map((c) => ({
          object: 'fine_tuning.job.checkpoint',
          id: c.id,
          created_at: c.createdAt,
          fine_tuned_model_checkpoint: c.name,
          fine_tuning_job_id: job.id,
          metrics: c.metrics,
          step_number: c.step,
        }));
      const page = paginate(checkpoints, (c) => c.id, ctx.query, { limit: 10, max: 10000, withIds: true });
      return isReply(page) ? page : json(page);
    }),
  ),
];
