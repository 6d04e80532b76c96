/**
 * One chat call per workflow to any OpenAI-compatible server (OpenAI, Azure's /openai/v1, Together,
 * vLLM, Ollama, llama.cpp) through the `openai` SDK, as generator/models.ts does. Its own retries
 * instead of the SDK's: every wait is counted and can be observed, a caller's abort ends a wait
 * at once, and an answer that failed for good is data (the example falls back) while a wrong key
 * or model ends the run (every call would fail the same way).
 *
 * - JSON mode (`response_format: {type: "json_object"}`) is asked for until a server refuses it
 *   (a 400/422 naming it), then the calls go on without it; the prompt asks for JSON either way.
 *   The answer's bound goes as `max_tokens` until a server asks for `max_completion_tokens`.
 * - Every attempt has a timeout; 429, 408, 409, 5xx, timeouts and dropped connections are retried
 *   after `retry-after-ms` / `Retry-After` (seconds or a date) when the server sends one, else
 *   after base × 2^attempt (with jitter), at most MAX_WAIT_MS.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import OpenAI from 'openai';
import type { ChatMessage } from './prompt';
import { FlowtuneError, kindOfStatus, serviceMessageOf, type ErrorData } from '../../core/errors';

export const DEFAULT_REQUESTS_TIMEOUT_MS = 120_000;
export const DEFAULT_REQUESTS_RETRIES = 5;
export const DEFAULT_BACKOFF_MS = 1000;
/** No single wait is longer than this, whatever a server asks. */
export const MAX_WAIT_MS = 60_000;

export interface RequestsEndpoint {
  baseURL: string;
  apiKey?: string;
  model: string;
  temperature: number;
  /** Bound on one attempt (default DEFAULT_REQUESTS_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Retries of one call after a 429/5xx/timeout (default DEFAULT_REQUESTS_RETRIES). */
  maxRetries?: number;
  /** First backoff wait without a Retry-After (default DEFAULT_BACKOFF_MS), doubled per retry. */
  backoffMs?: number;
  fetch?: typeof fetch;
  /** How to wait (tests record the waits); default a timer that an abort ends. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ModelAnswer {
  text: string;
  promptTokens?: number;
  completionTokens?: number;
}

/** A call that failed for good (after its retries, or a 4xx that a retry would not change): that example falls back. */
export class RequestCallError extends FlowtuneError {
  override name = 'RequestCallError';
  constructor(message: string, status?: number, details: Omit<ErrorData, 'kind' | 'status'> = {}) {
    super(message, { ...(status !== undefined ? { kind: kindOfStatus(status), status } : { kind: 'unreachable' }), ...details });
  }
}

/** A failure every call would share (wrong key, unknown model, wrong URL): the run stops. */
export class RequestsEndpointError extends FlowtuneError {
  override name = 'RequestsEndpointError';
  declare readonly status: number;
  constructor(message: string, status: number, details: Omit<ErrorData, 'kind' | 'status'> = {}) {
    super(message, { kind: kindOfStatus(status), status, ...details });
  }
}

const RETRYABLE = new Set([408, 409, 429]);
const isRetryable = (status: number | undefined) => status === undefined || RETRYABLE.has(status) || status >= 500;

/** The wait a server asked for (`retry-after-ms`, then `Retry-After` in seconds or as a date), in ms. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const defaultSleep = (ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, signal ? { signal } : undefined);

export class RequestsClient {
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  /** JSON mode until the server refuses it. */
  jsonMode = true;
  /** `max_tokens` until the server asks for `max_completion_tokens` (OpenAI's reasoning models). */
  private tokenField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens';
  /** Retries made so far, over all calls. */
  retries = 0;

  constructor(private readonly endpoint: RequestsEndpoint) {
    this.timeoutMs = endpoint.timeoutMs ?? DEFAULT_REQUESTS_TIMEOUT_MS;
    this.client = new OpenAI({
      baseURL: endpoint.baseURL,
      // Local servers (vLLM, Ollama, llama.cpp) take any key.
      apiKey: endpoint.apiKey ?? 'not-needed',
      timeout: this.timeoutMs,
      maxRetries: 0,
      ...(endpoint.fetch ? { fetch: endpoint.fetch } : {}),
    });
  }

  /** One answer to `messages`, of at most `maxTokens` tokens. */
  async complete(messages: readonly ChatMessage[], signal: AbortSignal | undefined, maxTokens: number): Promise<ModelAnswer> {
    const maxRetries = this.endpoint.maxRetries ?? DEFAULT_REQUESTS_RETRIES;
    const sleep = this.endpoint.sleep ?? defaultSleep;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      try {
        return await this.attempt(messages, signal, maxTokens);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof OpenAI.APIError)) throw error;
        const status = typeof error.status === 'number' ? error.status : undefined;
        if (this.jsonMode && (status === 400 || status === 422) && /response_format|json_object|json mode/i.test(error.message)) {
          this.jsonMode = false; // this server does not take JSON mode: the same call without it, not a retry
          attempt--;
          continue;
        }
        if (this.tokenField === 'max_tokens' && status === 400 && /max_completion_tokens/.test(error.message)) {
          this.tokenField = 'max_completion_tokens';
          attempt--;
          continue;
        }
        const details = { baseURL: this.endpoint.baseURL, serviceMessage: serviceMessageOf(error) };
        if (status === 401 || status === 403 || status === 404) {
          throw new RequestsEndpointError(`${this.endpoint.baseURL} answered ${status} for model ${this.endpoint.model}: ${error.message}`, status, details);
        }
        const what = status === undefined ? error.message || 'no answer' : `${status} ${error.message}`;
        if (!isRetryable(status)) throw new RequestCallError(`${this.endpoint.baseURL}: ${what}`, status, details);
        if (attempt >= maxRetries) throw new RequestCallError(`${this.endpoint.baseURL}: ${what} (after ${maxRetries} retries)`, status, details);
        const asked = retryAfterMs(error.headers);
        const backoff = (this.endpoint.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** attempt;
        const wait = Math.min(MAX_WAIT_MS, asked ?? backoff * (0.75 + Math.random() * 0.5));
        this.retries++;
        await sleep(wait, signal);
      }
    }
  }

  private async attempt(messages: readonly ChatMessage[], signal: AbortSignal | undefined, maxTokens: number): Promise<ModelAnswer> {
    const response = await this.client.chat.completions.create(
      {
        model: this.endpoint.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: this.endpoint.temperature,
        [this.tokenField]: maxTokens,
        ...(this.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
      },
      { timeout: this.timeoutMs, ...(signal ? { signal } : {}) },
    );
    const text = response.choices[0]?.message?.content ?? '';
    return {
      text,
      ...(response.usage ? { promptTokens: response.usage.prompt_tokens, completionTokens: response.usage.completion_tokens } : {}),
    };
  }
}
