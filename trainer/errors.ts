/**
 * The trainer's errors and what is safe to retry. Provider SDK errors (openai, together-ai:
 * same shape — `status`, `error.code`, `error.message`) are put in words in provider-errors.ts,
 * which reads the provider registry (this module is imported by every provider: no registry here).
 */
import { OPENAI_FINE_TUNING_ENDS } from '../dataset/tokens';
import { FileLockedError } from '../core/file-lock';
import { FlowtuneError, serviceMessageOf, type ErrorData, type ServiceErrorKind } from '../core/errors';
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

export function sunsetNotice(): string {
  return (
    `OpenAI stops new self-serve fine-tuning jobs on ${OPENAI_SUNSET.newJobsStop} and shuts ${OPENAI_SUNSET.models.join(', ')} ` +
    `and the fine-tunes built on them on ${OPENAI_SUNSET.modelsShutDown}.`
  );
}

/** The shape the SDKs' API errors share (status, the body's `error` with code and param). */
export interface SdkErrorShape {
  status?: number;
  code?: string | null;
  message?: string;
  error?: { message?: string; code?: string | null; param?: string | null; type?: string } | null;
  cause?: unknown;
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
