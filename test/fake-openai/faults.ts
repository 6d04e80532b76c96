/**
 * Fault injection: make the next N matching requests fail in a chosen way: an error status
 * (429, 500, 503 with OpenAI's bodies by default), a delay, a hang (never answered, for client
 * timeouts), a dropped connection, or, with `afterHandling`, the real work done first and the
 * answer lost afterwards.
 */
import { apiError, json, type Reply } from './http';

export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /**
   * Path to match, in canonical form: `/v1/...` whether the request came to `/v1`, `/openai/v1`
   * or `/openai`; `/v0/...` for Nebius. A string matches exactly; a RegExp is tested.
   */
  path: string | RegExp;
  /** How many matching requests it affects; default 1 (Infinity for every one). */
  times?: number;
  /** Answer with this status (OpenAI's body for it unless `body` is given). */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long first; alone, the request is then handled normally. (Faults apply before the API-key check.) */
  delayMs?: number;
  /** Never answer; the socket is destroyed when the server closes. */
  hang?: boolean;
  /** Destroy the socket instead of answering. */
  dropConnection?: boolean;
  /**
   * Run the real handler (the job is created, the file stored) and only then drop the connection
   * or answer `status`: the server did the work but the client never learns of it.
   */
  afterHandling?: boolean;
}

export interface FaultHandle {
  readonly spec: FaultSpec;
  /** Requests it still affects. */
  remaining: number;
  /** Requests it has affected. */
  hits: number;
}

export class Faults {
  private readonly handles: FaultHandle[] = [];

  add(spec: FaultSpec): FaultHandle {
    const handle: FaultHandle = { spec, remaining: spec.times ?? 1, hits: 0 };
    this.handles.push(handle);
    return handle;
  }

  clear(): void {
    this.handles.length = 0;
  }

  /** Faults that still have requests to affect. */
  list(): FaultHandle[] {
    return this.handles.filter((h) => h.remaining > 0);
  }

  /** The first live fault matching the request, consumed once; undefined when none. */
  take(method: string, canonicalPath: string): FaultHandle | undefined {
    const handle = this.handles.find(
      (h) =>
        h.remaining > 0 &&
        (h.spec.method === undefined || h.spec.method.toUpperCase() === method.toUpperCase()) &&
        (typeof h.spec.path === 'string' ? h.spec.path === canonicalPath : h.spec.path.test(canonicalPath)),
    );
    if (handle) {
      handle.remaining--;
      handle.hits++;
    }
    return handle;
  }
}

/** The reply a status fault sends: the given body, or what OpenAI sends for that status. */
export function faultReply(spec: FaultSpec): Reply {
  const status = spec.status ?? 500;
  return spec.body !== undefined ? json(spec.body, status, spec.headers) : statusReply(status, spec.headers);
}

/** OpenAI's body for an error status (429, 500, 502, 503; a generic one otherwise). */
export function statusReply(status: number, headers?: Record<string, string>): Reply {
  switch (status) {
    case 429:
      return apiError(
        429,
        'Rate limit reached for gpt-4o-mini in organization org-fake on tokens per min (TPM): Limit 200000, Used 199500, Requested 1200. Please try again in 210ms. Visit https://platform.openai.com/account/rate-limits to learn more.',
        { type: 'tokens', code: 'rate_limit_exceeded', headers },
      );
    case 500:
      return apiError(500, 'The server had an error while processing your request. Sorry about that!', {
        type: 'server_error',
        headers,
      });
    case 502:
      return apiError(502, 'Bad gateway.', { type: 'server_error', code: 'bad_gateway', headers });
    case 503:
      return apiError(503, 'The engine is currently overloaded, please try again later.', {
        type: 'server_error',
        headers,
      });
    default:
      return apiError(status, `Injected fault (HTTP ${status}).`, { headers });
  }
}
