/**
 * The one error model of flowtune. Every module's errors extend `FlowtuneError`, which carries
 * what went wrong as data — a `kind` from a closed list, the HTTP `status`, the `provider` or
 * service, the service's own message, the missing `setting`, the `file`/`line`/`field` of bad
 * input — beside a message written for people. Callers decide on the data (the CLI's exit code,
 * the nodes' NodeApiError or NodeOperationError, the trainer's retries), never on the message.
 *
 * It also holds the two readers of what third-party code throws (SDKs, fetch): the service's
 * message without the SDKs' status prefix, and whether a connection failed.
 */

/** What a call to a service can end in (the trainer's kinds; n8n's API and model servers use the same). */
export const SERVICE_ERROR_KINDS = [
  'missing_key',
  'invalid_key',
  'not_eligible',
  'model_not_supported',
  'invalid_file',
  'rate_limited',
  'quota',
  'not_found',
  'unreachable',
  /** No answer within the deadline (the request may still have been carried out). */
  'timeout',
  /** Another flowtune process holds a lock (a launch, an output folder, a cache file). */
  'locked',
  'server',
  'unsupported',
  'bad_request',
  'cancelled',
  /** The service answered, but with something flowtune cannot use (no id, not a model list…). */
  'bad_answer',
] as const;

export const ERROR_KINDS = [
  ...SERVICE_ERROR_KINDS,
  /** A command line flowtune cannot run (CLI exit code 2). */
  'usage',
  /** A file, option or item flowtune was given is not what it should be: `file`/`line`/`field` say where. */
  'invalid_input',
  /** A file could not be read or written, or a download failed. */
  'io',
  /** A dataset build accepted no example. */
  'empty_dataset',
  /** A cost estimate was not confirmed: nothing was spent. */
  'not_confirmed',
] as const;

export type ServiceErrorKind = (typeof SERVICE_ERROR_KINDS)[number];
export type ErrorKind = (typeof ERROR_KINDS)[number];

export interface ErrorData {
  kind: ErrorKind;
  /** The HTTP status the service answered with. */
  status?: number;
  /** Who answered or failed: a provider name (`openai`, `together`…), `n8n`, `npm`. */
  provider?: string;
  /** Where that service was reached. */
  baseURL?: string;
  /** The service's own words, without the SDKs' status prefix. */
  serviceMessage?: string;
  /** The missing or wrong setting, by its option name: `apiKey`, `baseURL`, `provider`, `source`… */
  setting?: string;
  /** Bad input: the file (or `-`), its 1-based line, and the field in it. */
  file?: string;
  line?: number;
  field?: string;
}

export class FlowtuneError extends Error {
  override name = 'FlowtuneError';
  readonly kind: ErrorKind;
  declare readonly status?: number;
  declare readonly provider?: string;
  declare readonly baseURL?: string;
  declare readonly serviceMessage?: string;
  declare readonly setting?: string;
  declare readonly file?: string;
  declare readonly line?: number;
  declare readonly field?: string;

  constructor(message: string, data: ErrorData, options?: ErrorOptions) {
    super(message, options);
    this.kind = data.kind;
    // Only the fields given are set (`declare`d above, so no undefined own properties).
    for (const key of DATA_KEYS) if (data[key] !== undefined) Object.assign(this, { [key]: data[key] });
  }

  /** The data of this error, without the message (for JSON output and tests). */
  get data(): ErrorData {
    const data: ErrorData = { kind: this.kind };
    for (const key of DATA_KEYS) if (this[key] !== undefined) Object.assign(data, { [key]: this[key] });
    return data;
  }
}

const DATA_KEYS = ['status', 'provider', 'baseURL', 'serviceMessage', 'setting', 'file', 'line', 'field'] as const;

export const isFlowtuneError = (error: unknown): error is FlowtuneError => error instanceof FlowtuneError;

/** The kind of an HTTP error answer. */
export function kindOfStatus(status: number): ServiceErrorKind {
  if (status === 401 || status === 403) return 'invalid_key';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 402) return 'quota';
  if (status >= 500) return 'server';
  return 'bad_request';
}

interface WireError {
  status?: unknown;
  name?: unknown;
  message?: unknown;
  error?: unknown;
  detail?: unknown;
  cause?: unknown;
}

/** The service's message inside an error body: OpenAI `{error: {message}}`, Nebius `{detail}`, n8n `{message}`. */
export function bodyMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() === '' ? undefined : body.trim().slice(0, 500);
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as WireError;
  if (b.error && typeof b.error === 'object' && typeof (b.error as WireError).message === 'string') return (b.error as { message: string }).message;
  if (typeof b.error === 'string') return b.error;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  if (Array.isArray(b.detail)) return JSON.stringify(b.detail).slice(0, 500);
  return undefined;
}

/**
 * The service's own words in what an SDK (openai, together-ai) or fetch threw: the body's
 * message, else the error's, without the "401 " the SDKs put before it.
 */
export function serviceMessageOf(error: unknown): string {
  if (error instanceof FlowtuneError && error.serviceMessage !== undefined) return error.serviceMessage;
  const e = (error ?? {}) as WireError;
  const raw = bodyMessage(e.error) ?? (typeof e.message === 'string' ? e.message : error !== null && typeof error === 'object' ? 'unknown error' : String(error));
  return raw.replace(/^\d{3}\s+/, '').trim();
}

const CONNECTION = /connection|timed? ?out|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|fetch failed|socket/i;

/**
 * Did a third-party call fail before any answer came (refused, unknown host, dropped, timed
 * out)? Read from the error's name, message and cause; duck-typed, as fetch's errors may come
 * from another realm. Flowtune's own errors say it with their kind (`unreachable`).
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof FlowtuneError) return error.kind === 'unreachable';
  const e = error as WireError | null;
  if (e === null || typeof e !== 'object' || typeof e.message !== 'string' || typeof e.status === 'number') return false;
  const cause = e.cause && typeof e.cause === 'object' ? (e.cause as WireError).message : e.cause;
  return CONNECTION.test(`${String(e.name)} ${e.message} ${typeof cause === 'string' ? cause : ''}`);
}
