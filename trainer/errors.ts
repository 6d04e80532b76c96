/**
 * What went wrong with a fine-tuning service, in words a user can act on. Provider SDK
 * errors (openai, together-ai: same shape — `status`, `error.code`, `error.message`)
 * are classified once, here.
 */
import { OPENAI_FINE_TUNING_ENDS } from '../dataset/tokens';
import { FileLockedError } from '../core/file-lock';
import { FlowtuneError, isConnectionFailure, serviceMessageOf, type ErrorData, type ServiceErrorKind } from '../core/errors';
import type { ProviderName, TrainingSetting } from './types';

/** The trainer's kinds: what a call to a fine-tuning service can end in (core/errors.ts). */
export type TrainerErrorKind = ServiceErrorKind;

/** Details beside the kind and status: who, the service's own words, the missing setting, the file. */
export type TrainerErrorDetails = Omit<ErrorData, 'kind' | 'status'>;

export class TrainerError extends FlowtuneError {
  override name = 'TrainerError';
  declare readonly kind: TrainerErrorKind;
  constructor(kind: TrainerErrorKind, message: string, status?: number, details: TrainerErrorDetails = {}) {
    super(message, { kind, ...(status !== undefined ? { status } : {}), ...details });
  }
}

/** A registry lock held too long by another process, as the trainer reports it (kind `locked`); other errors unchanged. */
export function asTrainerLockError(error: unknown): unknown {
  return error instanceof FileLockedError ? new TrainerError('locked', error.message, undefined, { file: error.file }) : error;
}

/**
 * Settings the chosen service does not take (refused before anything is sent, never
 * dropped). The CLI and the node name them in their own words from these fields.
 */
export class UnsupportedSettingsError extends TrainerError {
  override name = 'UnsupportedSettingsError';
  declare readonly provider: ProviderName;
  constructor(
    provider: ProviderName,
    readonly method: string,
    /** The settings given that the service does not take. */
    readonly settings: readonly TrainingSetting[],
    /** What it takes for this method. */
    readonly supported: readonly TrainingSetting[],
    message: string,
  ) {
    super('unsupported', message, undefined, { provider });
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

/** The shape the SDKs' API errors share (status, the body's `error` with code and param). */
interface SdkErrorShape {
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

/** Turn whatever a provider call threw into a TrainerError (TrainerErrors pass through). */
export function describeProviderError(error: unknown, provider: ProviderName, context: { baseURL?: string; model?: string; file?: string } = {}): TrainerError {
  if (error instanceof TrainerError) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const message = serviceMessageOf(error);
  const code = (e.error?.code ?? e.code ?? '') || '';
  const lower = `${code} ${message}`.toLowerCase();
  const status = e.status;
  const where = context.baseURL ? ` (${context.baseURL})` : '';
  const details: TrainerErrorDetails = { provider, serviceMessage: message, ...(context.baseURL ? { baseURL: context.baseURL } : {}), ...(context.file ? { file: context.file } : {}) };
  const failure = (kind: TrainerErrorKind, text: string) => new TrainerError(kind, text, status, details);

  if (isConnectionFailure(error)) {
    return failure('unreachable', `cannot reach ${provider}${where}: ${message}. Check the network and --base-url.`);
  }
  if (status === 401) {
    return failure('invalid_key', `${provider} refused the API key (401): ${message}. Check ${KEY_ENV[provider]} or --api-key.`);
  }
  if (
    /not eligible|no longer (accept|available|support)|fine-?tuning (is )?(not available|disabled|unavailable)|not allowed to (create|fine)|sunset|deprecat/.test(lower) ||
    (status === 403 && /fine.?tun/.test(lower))
  ) {
    const tail = provider === 'openai' ? ` ${sunsetNotice()} ${ALTERNATIVES}` : ` ${ALTERNATIVES}`;
    return failure('not_eligible', `${provider} does not accept new fine-tuning jobs for this account: ${message}.${tail}`);
  }
  if (status === 404 && /model/.test(lower) && context.model) {
    return failure('model_not_supported', `${provider} does not know model ${context.model}: ${message}`);
  }
  if (/model_not_available|not available for fine-?tuning|cannot be fine-?tuned|not supported for fine-?tuning|does not support fine-?tuning|invalid.*model|model.*not.*(fine-?tun|supported)/.test(lower)) {
    return failure('model_not_supported', `${provider} cannot fine-tune ${context.model ?? 'this model'}: ${message}`);
  }
  if (/invalid_file|invalid_training_file|file format|line \d+|jsonl/.test(lower) || e.error?.param === 'training_file' || e.error?.param === 'validation_file') {
    const file = context.file ? ` ${context.file}` : '';
    return failure('invalid_file', `${provider} rejected the training file${file}: ${message}`);
  }
  if (status === 429 && /quota|billing|insufficient|credit|balance/.test(lower)) {
    return failure('quota', `${provider}: quota or billing limit reached: ${message}`);
  }
  if (status === 429) return failure('rate_limited', `${provider} is rate limiting requests (429): ${message}. Wait and try again.`);
  if (status === 402) return failure('quota', `${provider}: payment required: ${message}`);
  if (status === 404) return failure('not_found', `${provider}: not found: ${message}`);
  if (status !== undefined && status >= 500) return failure('server', `${provider} failed (${status}): ${message}`);
  return failure('bad_request', `${provider}${status ? ` (${status})` : ''}: ${message}`);
}

/**
 * Could the request have been carried out although no answer came back (timeout, dropped
 * connection, 5xx)? Then a retry of paid work must first look for what it may have created.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (error instanceof TrainerError) return error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'server';
  const e = (error ?? {}) as SdkErrorShape;
  if (e.status !== undefined) return e.status >= 500 || e.status === 408 || e.status === 409;
  return error instanceof Error;
}

/** May the same request simply be sent again after a pause (rate limit: nothing was done)? */
export function isRetryable(error: unknown): boolean {
  const e = (error ?? {}) as SdkErrorShape;
  return isAmbiguousFailure(error) || (e.status === 429 && !/quota|billing|insufficient/i.test(serviceMessageOf(error)));
}
