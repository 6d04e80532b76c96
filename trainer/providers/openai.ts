/**
 * OpenAI's fine-tuning API through the official SDK — and every service that speaks
 * it (Azure OpenAI's v1 API, Nebius Token Factory, a `--base-url` of your own): those
 * subclass this and change only what differs (auth header, hyperparameters, serving).
 */
import OpenAI, { toFile } from 'openai';
import { z } from 'zod';
import type { FineTuningJob, JobCreateParams } from 'openai/resources/fine-tuning/jobs/jobs';
import type {
  CreateJobRequest,
  FineTunedModel,
  FineTuneJob,
  FineTuneProvider,
  JobCheckpoint,
  JobEvent,
  ListJobsOptions,
  ProviderName,
  ServingEndpoint,
  StepMetrics,
  TrainingSetting,
  UploadedFile,
} from '../types';
import { parseResultCsv } from '../metrics';
import { currentCallSignal } from '../deadline';
import { TrainerError } from '../errors';
import { parseShape } from '../../core/zod-errors';
import type { ProviderDefinition, TrainingFacts } from './definition';

/** The SDK client; inside a bounded call (deadline.ts) its requests take the call's signal, so an expired call is not retried. */
class OpenAIClient extends OpenAI {
  protected override async prepareOptions(options: Parameters<OpenAI['prepareOptions']>[0]): Promise<void> {
    await super.prepareOptions(options);
    options.signal ??= currentCallSignal();
  }
}

export interface OpenAICompatibleOptions {
  apiKey: string;
  /** Default: the SDK's (https://api.openai.com/v1). */
  baseURL?: string;
  organization?: string;
  defaultHeaders?: Record<string, string>;
  /** Request timeout, ms (SDK default 10 minutes). */
  timeout?: number;
  /** Retries of calls that are safe to repeat (never job creation). */
  maxRetries?: number;
  fetch?: typeof fetch;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const AUTO_OR_NUMBER = z.union([z.literal('auto'), z.number()]);
const HYPERPARAMETERS = z
  .object({ n_epochs: AUTO_OR_NUMBER.nullish(), batch_size: AUTO_OR_NUMBER.nullish(), learning_rate_multiplier: AUTO_OR_NUMBER.nullish() })
  .passthrough();
const METHOD_PART = z.object({ hyperparameters: HYPERPARAMETERS.nullish() }).passthrough();

/**
 * The fields of a fine-tuning job flowtune reads, as OpenAI and the services that speak its
 * API answer them: an answer without `id` or `status` is an error naming the service and the
 * field. Fields it does not know pass through (the whole answer stays in `raw`).
 */
export const OPENAI_JOB_SCHEMA = z
  .object({
    id: z.string(),
    status: z.string(),
    // Services that speak the API leave some out: an empty name and time 0 then, as on Together.
    model: z.string().nullish(),
    created_at: z.number().nullish(),
    fine_tuned_model: z.string().nullish(),
    finished_at: z.number().nullish(),
    estimated_finish: z.number().nullish(),
    training_file: z.string().nullish(),
    validation_file: z.string().nullish(),
    trained_tokens: z.number().nullish(),
    result_files: z.array(z.string()).nullish(),
    // OpenAI answers an error object with null fields while nothing has gone wrong.
    error: z.object({ code: z.string().nullish(), message: z.string().nullish(), param: z.string().nullish() }).passthrough().nullish(),
    metadata: z.record(z.unknown()).nullish(),
    hyperparameters: HYPERPARAMETERS.nullish(),
    method: z.object({ supervised: METHOD_PART.nullish(), dpo: METHOD_PART.nullish() }).passthrough().nullish(),
    user_provided_suffix: z.string().nullish(),
    seed: z.number().nullish(),
  })
  .passthrough();

export class OpenAIProvider implements FineTuneProvider {
  readonly name: ProviderName = 'openai';
  protected readonly client: OpenAI;

  constructor(protected readonly options: OpenAICompatibleOptions) {
    this.client = new OpenAIClient({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      ...(options.organization ? { organization: options.organization } : {}),
      ...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      maxRetries: options.maxRetries ?? 2,
    });
  }

  get baseURL(): string {
    return this.client.baseURL;
  }

  async uploadFile(content: Buffer, filename: string): Promise<UploadedFile> {
    const file = await this.client.files.create({ file: await toFile(content, filename), purpose: 'fine-tune' });
    return { id: file.id, bytes: file.bytes, filename: file.filename };
  }

  /** The job creation body on the wire (subclasses map hyperparameters their own way). */
  protected createBody(request: CreateJobRequest): JobCreateParams & Record<string, unknown> {
    const { method } = request;
    const hyperparameters = {
      ...(method.nEpochs !== undefined ? { n_epochs: method.nEpochs } : {}),
      ...(method.batchSize !== undefined ? { batch_size: method.batchSize } : {}),
      ...(method.learningRateMultiplier !== undefined ? { learning_rate_multiplier: method.learningRateMultiplier } : {}),
    };
    return {
      model: request.model,
      training_file: request.trainingFile,
      ...(request.validationFile ? { validation_file: request.validationFile } : {}),
      ...(request.suffix ? { suffix: request.suffix } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
      ...(request.metadata ? { metadata: request.metadata } : {}),
      method:
        method.type === 'dpo'
          ? { type: 'dpo', dpo: { hyperparameters: { ...hyperparameters, ...(method.beta !== undefined ? { beta: method.beta } : {}) } } }
          : { type: 'supervised', supervised: { hyperparameters } },
    };
  }

  async createJob(request: CreateJobRequest): Promise<FineTuneJob> {
    // Job creation is paid work: the SDK must not retry it on a timeout or a 5xx (it has no
    // idempotency key). The launcher looks the job up by its flowtune key before any retry.
    const job = await this.client.fineTuning.jobs.create(this.createBody(request), { maxRetries: 0 });
    return this.toJob(job);
  }

  async getJob(id: string): Promise<FineTuneJob> {
    return this.toJob(await this.client.fineTuning.jobs.retrieve(id));
  }

  async *listJobs(options: ListJobsOptions = {}): AsyncIterable<FineTuneJob> {
    let count = 0;
    const query = { limit: Math.min(100, options.limit ?? 100), ...(options.metadata ? { metadata: options.metadata } : {}) };
    for await (const job of this.client.fineTuning.jobs.list(query)) {
      const mapped = this.toJob(job);
      // Services that ignore the metadata filter still get the right answer.
      if (options.metadata && !Object.entries(options.metadata).every(([k, v]) => mapped.metadata[k] === v)) continue;
      yield mapped;
      if (options.limit !== undefined && ++count >= options.limit) return;
    }
  }

  async cancelJob(id: string): Promise<FineTuneJob> {
    return this.toJob(await this.client.fineTuning.jobs.cancel(id));
  }

  async listEvents(id: string, limit = 100): Promise<JobEvent[]> {
    const page = await this.client.fineTuning.jobs.listEvents(id, { limit });
    return page.data.map((e) => {
      const data = (e.data ?? {}) as Record<string, unknown>;
      const step = num(data.step);
      const metrics: StepMetrics | undefined =
        e.type === 'metrics' && step !== undefined
          ? {
              step,
              ...(num(data.total_steps) !== undefined ? { totalSteps: num(data.total_steps) } : {}),
              ...(num(data.train_loss) !== undefined ? { trainLoss: num(data.train_loss) } : {}),
              ...(num(data.train_mean_token_accuracy) !== undefined ? { trainAccuracy: num(data.train_mean_token_accuracy) } : {}),
              ...(num(data.valid_loss) !== undefined ? { validLoss: num(data.valid_loss) } : {}),
              ...(num(data.valid_mean_token_accuracy) !== undefined ? { validAccuracy: num(data.valid_mean_token_accuracy) } : {}),
            }
          : undefined;
      return { id: e.id, createdAt: e.created_at, level: e.level, message: e.message, ...(metrics ? { metrics } : {}) };
    });
  }

  async listCheckpoints(id: string): Promise<JobCheckpoint[]> {
    const out: JobCheckpoint[] = [];
    for await (const c of this.client.fineTuning.jobs.checkpoints.list(id, { limit: 100 })) {
      const m = c.metrics ?? {};
      out.push({
        id: c.id,
        model: c.fine_tuned_model_checkpoint,
        step: c.step_number,
        createdAt: c.created_at,
        metrics: {
          ...(num(m.train_loss) !== undefined ? { trainLoss: num(m.train_loss) } : {}),
          ...(num(m.train_mean_token_accuracy) !== undefined ? { trainAccuracy: num(m.train_mean_token_accuracy) } : {}),
          ...(num(m.valid_loss) !== undefined ? { validLoss: num(m.valid_loss) } : {}),
          ...(num(m.valid_mean_token_accuracy) !== undefined ? { validAccuracy: num(m.valid_mean_token_accuracy) } : {}),
        },
      });
    }
    return out;
  }

  /** The result file (CSV per step) when there is one; otherwise the metric events. */
  async metrics(job: FineTuneJob): Promise<StepMetrics[]> {
    for (const fileId of job.resultFiles) {
      const response = await this.client.files.content(fileId);
      const text = await response.text();
      // OpenAI stores the CSV base64-encoded in some periods; accept both.
      const csv = /^[A-Za-z0-9+/=\s]+$/.test(text.trim()) && !text.includes(',') ? Buffer.from(text, 'base64').toString('utf8') : text;
      const rows = parseResultCsv(csv);
      if (rows.length > 0) return rows;
    }
    const events = await this.listEvents(job.id, 1000);
    return events
      .flatMap((e) => (e.metrics ? [e.metrics] : []))
      .sort((a, b) => a.step - b.step);
  }

  /** Models this account fine-tuned. */
  protected isFineTuned(model: OpenAI.Models.Model): boolean {
    return model.id.startsWith('ft:');
  }

  async listModels(): Promise<FineTunedModel[]> {
    const out: FineTunedModel[] = [];
    for await (const m of this.client.models.list()) {
      if (!this.isFineTuned(m)) continue;
      const base = /^ft:([^:]+):/.exec(m.id)?.[1];
      out.push({ id: m.id, createdAt: m.created, ownedBy: m.owned_by, ...(base ? { baseModel: base } : {}) });
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  async deleteModel(id: string): Promise<void> {
    await this.client.models.delete(id);
  }

  async servingFor(model: string): Promise<ServingEndpoint> {
    return { baseURL: this.client.baseURL, headers: this.authHeaders(), model };
  }

  protected authHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${this.options.apiKey}`, ...(this.options.organization ? { 'OpenAI-Organization': this.options.organization } : {}) };
  }

  protected toJob(answer: FineTuningJob): FineTuneJob {
    const job = parseShape(OPENAI_JOB_SCHEMA, answer, `${this.name}: the fine-tuning job in the answer`, (message) => new TrainerError('server', message));
    const supervised = job.method?.supervised?.hyperparameters ?? job.method?.dpo?.hyperparameters ?? job.hyperparameters ?? {};
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(job.metadata ?? {})) if (typeof v === 'string') metadata[k] = v;
    return {
      id: job.id,
      provider: this.name,
      status: job.status,
      model: job.model ?? '',
      fineTunedModel: job.fine_tuned_model ?? null,
      createdAt: job.created_at ?? 0,
      finishedAt: job.finished_at ?? null,
      estimatedFinish: job.estimated_finish ?? null,
      trainingFile: job.training_file ?? '',
      validationFile: job.validation_file ?? null,
      trainedTokens: job.trained_tokens ?? null,
      resultFiles: job.result_files ?? [],
      error: job.error && job.error.message ? { ...(job.error.code != null ? { code: job.error.code } : {}), message: job.error.message, param: job.error.param ?? null } : null,
      metadata,
      hyperparameters: {
        ...(supervised.n_epochs != null ? { nEpochs: supervised.n_epochs } : {}),
        ...(supervised.batch_size != null ? { batchSize: supervised.batch_size } : {}),
        ...(supervised.learning_rate_multiplier != null ? { learningRateMultiplier: supervised.learning_rate_multiplier } : {}),
      },
      suffix: job.user_provided_suffix ?? null,
      seed: job.seed ?? null,
      raw: answer,
    };
  }
}

// Supervised takes n_epochs, batch_size, learning_rate_multiplier; DPO adds beta; at least 10 examples.
const OPENAI_SUPERVISED: readonly TrainingSetting[] = ['epochs', 'batchSize', 'learningRateMultiplier', 'seed'];
/** OpenAI's training facts (Azure's fine-tuning API is the same). */
export const OPENAI_TRAINING: TrainingFacts = { methods: { supervised: OPENAI_SUPERVISED, dpo: [...OPENAI_SUPERVISED, 'beta'] }, minExamples: 10 };

export const OPENAI: ProviderDefinition<'openai'> = {
  name: 'openai',
  label: 'OpenAI',
  shortLabel: 'OpenAI',
  keyEnv: 'OPENAI_API_KEY',
  defaultBaseURL: 'https://api.openai.com/v1',
  baseURLEnv: 'OPENAI_BASE_URL',
  note: 'new self-serve jobs stop on 2027-01-06; --base-url for any OpenAI-compatible jobs API',
  training: OPENAI_TRAINING,
  credentialDescription: 'New self-serve fine-tuning jobs stop on 2027-01-06',
  // No `alternative`: the "train elsewhere" advice is given because of OpenAI's sunset.
  create: (connection, { organization }) => new OpenAIProvider({ ...connection, ...(organization ? { organization } : {}) }),
};
