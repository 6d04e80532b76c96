/**
 * What went wrong with a fine-tuning service, in words a user can act on. Provider SDK
 * errors (openai, together-ai: same shape — `status`, `error.code`, `error.message`)
 * are classified once, here.
 */
import { OPENAI_FINE_TUNING_ENDS } from '../dataset/tokens';
import { FileLockedError } from '../core/file-lock';
import type { ProviderName, TrainingSetting } from './types';

export type TrainerErrorKind =
  | 'missing_key'
  | 'invalid_key'
  | 'not_eligible'
  | 'model_not_supported'
  | 'invalid_file'
  | 'rate_limited'
  | 'quota'
  | 'not_found'
  | 'unreachable'
  /** No answer within the deadline (the request may still have been carried out). */
  | 'timeout'
  /** Another flowtune process holds the lock of this launch. */
  | 'locked'
  | 'server'
  | 'unsupported'
  | 'bad_request'
  | 'cancelled';

export class TrainerError extends Error {
  override name = 'TrainerError';
  constructor(
    readonly kind: TrainerErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A registry lock held too long by another process, as the trainer reports it (kind `locked`); other errors unchanged. */
export function asTrainerLockError(error: unknown): unknown {
  return error instanceof FileLockedError ? new TrainerError('locked', error.message) : error;
}

/**
 * Settings the chosen service does not take (refused before anything is sent, never
 * dropped). The CLI and the node name them in their own words from these fields.
 */
export class UnsupportedSettingsError extends TrainerError {
  override name = 'UnsupportedSettingsError';
  constructor(
    readonly provider: ProviderName,
    readonly method: string,
    /** The settings given that the service does not take. */
    readonly settings: readonly TrainingSetting[],
    /** What it takes for this method. */
    readonly supported: readonly TrainingSetting[],
    message: string,
  ) {
    super('unsupported', message);
  }
}

/** The dates every OpenAI fine-tuning user needs to know (announced 2026). */
export const OPENAI_SUNSET = {
  newJobsStop: OPENAI_FINE_TUNING_ENDS,
  modelsShutDown: '2027-01-14',
  models: ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini'],
} as const;

export const ALTERNATIVES =
  'Train elsewhere: --provider azure (Azure OpenAI), --provider nebius (Nebius Token Factory, serverless LoRA), ' +
  '--provider together (Together AI), or locally with `flowtune train export --for unsloth|axolotl|llama-factory|trl`.';

export function sunsetNotice(): string {
  return (
    `OpenAI stops new self-serve fine-tuning jobs on ${OPENAI_SUNSET.newJobsStop} and shuts ${OPENAI_SUNSET.models.join(', ')} ` +
    `and the fine-tunes built on them on ${OPENAI_SUNSET.modelsShutDown}.`
  );
}

interface WireError {
  status?: number;
  code?: string | null;
  message?: string;
  error?: { message?: string; code?: string | null; param?: string | null; type?: string } | null;
  cause?: unknown;
}

const KEY_ENV: Record<ProviderName, string> = {
  openai: 'OPENAI_API_KEY',
  azure: 'AZURE_OPENAI_API_KEY',
  nebius: 'NEBIUS_API_KEY',
  together: 'TOGETHER_API_KEY',
};

export function keyEnvOf(provider: ProviderName): string {
  return KEY_ENV[provider];
}

/** The service's own message, without the SDK's "400 " prefix. */
function serviceMessage(e: WireError): string {
  const raw = e.error?.message ?? e.message ?? 'unknown error';
  return raw.replace(/^\d{3}\s+/, '');
}

const isConnectionError = (e: WireError, error: unknown): boolean =>
  e.status === undefined &&
  error instanceof Error &&
  /connection|timed? ?out|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|fetch failed|socket/i.test(`${error.name} ${error.message}`);

/** Turn whatever a provider call threw into a TrainerError (TrainerErrors pass through). */
export function describeProviderError(error: unknown, provider: ProviderName, context: { baseURL?: string; model?: string; file?: string } = {}): TrainerError {
  if (error instanceof TrainerError) return error;
  const e = (error ?? {}) as WireError;
  const message = serviceMessage(e);
  const code = (e.error?.code ?? e.code ?? '') || '';
  const lower = `${code} ${message}`.toLowerCase();
  const status = e.status;
  const where = context.baseURL ? ` (${context.baseURL})` : '';

  if (isConnectionError(e, error)) {
    return new TrainerError('unreachable', `cannot reach ${provider}${where}: ${message}. Check the network and --base-url.`);
  }
  if (status === 401) {
    return new TrainerError('invalid_key', `${provider} refused the API key (401): ${message}. Check ${KEY_ENV[provider]} or --api-key.`, status);
  }
  if (
    /not eligible|no longer (accept|available|support)|fine-?tuning (is )?(not available|disabled|unavailable)|not allowed to (create|fine)|sunset|deprecat/.test(lower) ||
    (status === 403 && /fine.?tun/.test(lower))
  ) {
    const tail = provider === 'openai' ? ` ${sunsetNotice()} ${ALTERNATIVES}` : ` ${ALTERNATIVES}`;
    return new TrainerError('not_eligible', `${provider} does not accept new fine-tuning jobs for this account: ${message}.${tail}`, status);
  }
  if (status === 404 && /model/.test(lower) && context.model) {
    return new TrainerError('model_not_supported', `${provider} does not know model ${context.model}: ${message}`, status);
  }
  if (/model_not_available|not available for fine-?tuning|cannot be fine-?tuned|not supported for fine-?tuning|does not support fine-?tuning|invalid.*model|model.*not.*(fine-?tun|supported)/.test(lower)) {
    return new TrainerError('model_not_supported', `${provider} cannot fine-tune ${context.model ?? 'this model'}: ${message}`, status);
  }
  if (/invalid_file|invalid_training_file|file format|line \d+|jsonl/.test(lower) || e.error?.param === 'training_file' || e.error?.param === 'validation_file') {
    const file = context.file ? ` ${context.file}` : '';
    return new TrainerError('invalid_file', `${provider} rejected the training file${file}: ${message}`, status);
  }
  if (status === 429 && /quota|billing|insufficient|credit|balance/.test(lower)) {
    return new TrainerError('quota', `${provider}: quota or billing limit reached: ${message}`, status);
  }
  if (status === 429) return new TrainerError('rate_limited', `${provider} is rate limiting requests (429): ${message}. Wait and try again.`, status);
  if (status === 402) return new TrainerError('quota', `${provider}: payment required: ${message}`, status);
  if (status === 404) return new TrainerError('not_found', `${provider}: not found: ${message}`, status);
  if (status !== undefined && status >= 500) return new TrainerError('server', `${provider} failed (${status}): ${message}`, status);
  return new TrainerError('bad_request', `${provider}${status ? ` (${status})` : ''}: ${message}`, status);
}

/**
 * Could the request have been carried out although no answer came back (timeout, dropped
 * connection, 5xx)? Then a retry of paid work must first look for what it may have created.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (error instanceof TrainerError) return error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'server';
  const e = (error ?? {}) as WireError;
  if (e.status !== undefined) return e.status >= 500 || e.status === 408 || e.status === 409;
  return error instanceof Error;
}

/** May the same request simply be sent again after a pause (rate limit: nothing was done)? */
export function isRetryable(error: unknown): boolean {
  const e = (error ?? {}) as WireError;
  return isAmbiguousFailure(error) || (e.status === 429 && !/quota|billing|insufficient/i.test(serviceMessage(e)));
}
