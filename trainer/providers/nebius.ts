/**
 * Nebius Token Factory: OpenAI-compatible files and fine-tuning jobs
 * (https://api.tokenfactory.nebius.com/v1/), with its own hyperparameters, and
 * serverless LoRA serving after `POST /v0/models` registers a checkpoint as a model.
 */
import type { JobCreateParams } from 'openai/resources/fine-tuning/jobs/jobs';
import type { CreateJobRequest, ProviderName, ServingEndpoint } from '../types';
import { type OpenAICompatibleOptions, OpenAIProvider } from './openai';
import { TrainerError } from '../errors';
import { LORA_SUPERVISED, type ProviderDefinition } from './definition';

export const NEBIUS_BASE_URL = 'https://api.tokenfactory.nebius.com/v1';

/**
 * flowtune's settings → Nebius hyperparameters (docs: api-reference/fine-tuning/create-a-fine-tuning-job).
 * Nebius takes an absolute learning rate; LoRA is off unless asked for (full fine-tuning).
 */
export const NEBIUS_HYPERPARAMETERS = {
  nEpochs: 'n_epochs',
  batchSize: 'batch_size',
  learningRate: 'learning_rate',
  'lora.enabled': 'lora',
  'lora.r': 'lora_r',
  'lora.alpha': 'lora_alpha',
  'lora.dropout': 'lora_dropout',
} as const;

/** FastAPI's `detail`: a sentence, or a list of `{loc, msg}` for a request that does not validate. */
function detailText(detail: unknown): string | undefined {
  if (typeof detail === 'string') return detail;
  if (!Array.isArray(detail)) return undefined;
  const parts = detail.map((d) => {
    const item = d as { loc?: unknown; msg?: unknown };
    const where = Array.isArray(item.loc) ? item.loc.filter((x) => x !== 'body').join('.') : '';
    return typeof item.msg === 'string' ? (where ? `${where}: ${item.msg}` : item.msg) : JSON.stringify(d);
  });
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * Nebius answers errors as FastAPI does (`{detail}`); the OpenAI SDK reads only `{error}` and says
 * "409 status code (no body)". An error body in Nebius's shape is handed to the SDK in OpenAI's.
 */
export function withNebiusErrors(fetchImpl: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.ok || !(response.headers.get('content-type') ?? '').includes('json')) return response;
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
    const message = record && record.error === undefined ? detailText(record.detail) : undefined;
    const headers = new Headers(response.headers);
    // The body is rewritten: its length and encoding are no longer the server's.
    headers.delete('content-length');
    headers.delete('content-encoding');
    return new Response(message !== undefined ? JSON.stringify({ error: { message } }) : text, { status: response.status, statusText: response.statusText, headers });
  };
}

export class NebiusProvider extends OpenAIProvider {
  override readonly name: ProviderName = 'nebius';

  constructor(options: OpenAICompatibleOptions) {
    super({ ...options, baseURL: options.baseURL ?? NEBIUS_BASE_URL, fetch: withNebiusErrors(options.fetch ?? globalThis.fetch) });
  }

  protected override createBody(request: CreateJobRequest): JobCreateParams & Record<string, unknown> {
    const { method, lora } = request;
    if (method.type !== 'supervised') throw new TrainerError('unsupported', `nebius: only supervised fine-tuning is offered (got ${method.type})`);
    if (method.learningRateMultiplier !== undefined && method.learningRateMultiplier !== 'auto') {
      throw new TrainerError('unsupported', 'nebius takes an absolute learning rate (--learning-rate, e.g. 0.00001), not a multiplier');
    }
    const auto = (v: unknown) => v === undefined || v === 'auto';
    const hyperparameters: Record<string, number | boolean> = {};
    if (!auto(method.nEpochs)) hyperparameters[NEBIUS_HYPERPARAMETERS.nEpochs] = method.nEpochs as number;
    if (!auto(method.batchSize)) hyperparameters[NEBIUS_HYPERPARAMETERS.batchSize] = method.batchSize as number;
    if (method.learningRate !== undefined) hyperparameters[NEBIUS_HYPERPARAMETERS.learningRate] = method.learningRate;
    if (lora?.enabled !== undefined || lora?.r !== undefined) hyperparameters[NEBIUS_HYPERPARAMETERS['lora.enabled']] = lora.enabled ?? true;
    if (lora?.r !== undefined) hyperparameters[NEBIUS_HYPERPARAMETERS['lora.r']] = lora.r;
    if (lora?.alpha !== undefined) hyperparameters[NEBIUS_HYPERPARAMETERS['lora.alpha']] = lora.alpha;
    if (lora?.dropout !== undefined) hyperparameters[NEBIUS_HYPERPARAMETERS['lora.dropout']] = lora.dropout;
    const base = super.createBody({ ...request, method: { type: 'supervised' } });
    return { ...base, method: { type: 'supervised', supervised: { hyperparameters } } } as JobCreateParams & Record<string, unknown>;
  }

  /** Nebius lists its catalogue and the account's custom models together; custom ones carry a `:` suffix. */
  protected override isFineTuned(model: { id: string; owned_by: string }): boolean {
    return model.id.startsWith('ft:') || /-LoRa:|:[^/]+$/.test(model.id);
  }

  /**
   * A job id (`ftjob-…`) or a checkpoint source (`ftjob-…:ftckpt_…`) is first registered as
   * a serverless LoRA model (`POST /v0/models`); any other id is served as it is.
   */
  override async servingFor(model: string): Promise<ServingEndpoint> {
    if (!model.startsWith('ftjob-')) return { baseURL: this.client.baseURL, headers: this.authHeaders(), model };
    let source = model;
    const jobId = model.split(':')[0];
    const job = await this.getJob(jobId);
    if (!model.includes(':')) {
      const checkpoints = await this.listCheckpoints(jobId);
      const last = checkpoints.sort((a, b) => b.step - a.step)[0];
      if (!last) throw new TrainerError('not_found', `nebius: job ${jobId} has no checkpoint to deploy yet (status ${job.status})`);
      source = `${jobId}:${last.id}`;
    }
    const name = `flowtune-${jobId.replace(/^ftjob-/, '').slice(0, 12)}`;
    const created = await this.client.post<{ name: string; status: string }>(new URL('/v0/models', this.client.baseURL).toString(), {
      body: { name, base_model: job.model, source },
    });
    return { baseURL: this.client.baseURL, headers: this.authHeaders(), model: created.name };
  }
}

export const NEBIUS: ProviderDefinition<'nebius'> = {
  name: 'nebius',
  label: 'Nebius Token Factory',
  shortLabel: 'Nebius',
  keyEnv: 'NEBIUS_API_KEY',
  defaultBaseURL: NEBIUS_BASE_URL,
  note: 'OpenAI-compatible jobs; absolute --learning-rate; LoRA served serverless after deployment',
  // Supervised only (see NEBIUS_HYPERPARAMETERS for the names); no documented minimum.
  training: { methods: { supervised: LORA_SUPERVISED } },
  credentialDescription: 'OpenAI-compatible jobs, serverless LoRA',
  alternative: 'Nebius Token Factory, serverless LoRA',
  create: (connection) => new NebiusProvider(connection),
};
