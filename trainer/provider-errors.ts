/**
 * What went wrong with a fine-tuning service, in words a user can act on: provider SDK errors
 * are classified once, here, with the registry's facts (key variable, where else to train).
 * Kept apart from errors.ts because every provider module imports that one.
 */
import { isConnectionFailure, serviceMessageOf } from '../core/errors';
import { TOOLS } from './bundles/context';
import { sunsetNotice, TrainerError, type SdkErrorShape, type TrainerErrorDetails, type TrainerErrorKind } from './errors';
import { ALTERNATIVE_PROVIDERS, PROVIDERS } from './providers';
import type { ProviderName } from './types';

/** Where else to train, for a service that refuses new jobs: the registry's alternatives, then the bundles. */
export function alternatives(): string {
  const services = ALTERNATIVE_PROVIDERS.map((p) => `--provider ${p.name} (${p.alternative})`).join(', ');
  return `Train elsewhere: ${services}, or locally with \`flowtune train export --for ${TOOLS.join('|')}\`.`;
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
    return failure('invalid_key', `${provider} refused the API key (401): ${message}. Check ${PROVIDERS[provider].keyEnv} or --api-key.`);
  }
  if (
    /not eligible|no longer (accept|available|support)|fine-?tuning (is )?(not available|disabled|unavailable)|not allowed to (create|fine)|sunset|deprecat/.test(lower) ||
    (status === 403 && /fine.?tun/.test(lower))
  ) {
    const tail = provider === 'openai' ? ` ${sunsetNotice()} ${alternatives()}` : ` ${alternatives()}`;
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
