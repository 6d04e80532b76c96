/**
 * HTTP for the nodes goes through n8n's request helpers, so n8n's proxy, TLS and
 * timeout settings apply. The provider SDKs (openai, together-ai) take a `fetch`: this
 * adapter is that fetch, built on `helpers.httpRequest`.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

interface HttpHelpers {
  httpRequest(options: IHttpRequestOptions): Promise<unknown>;
}

interface FullResponse {
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  statusCode: number;
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** Request body as n8n's helper takes it: strings and bytes as they are; FormData and streams serialised. */
async function bodyOf(url: string, init: RequestInit | undefined, headers: Record<string, string>): Promise<string | Buffer | undefined> {
  const body = init?.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // FormData (file uploads), Blob, URLSearchParams, streams: let the platform encode them once.
  const request = new Request(url, { method: init?.method ?? 'POST', body, duplex: 'half' } as RequestInit);
  const type = request.headers.get('content-type');
  if (type) headers['content-type'] = type;
  return Buffer.from(await request.arrayBuffer());
}

export function n8nFetch(helpers: HttpHelpers, cancel?: AbortSignal): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const body = await bodyOf(url, init, headers);
    // The SDKs pass their own signal (timeouts); a cancelled execution must abort the request too.
    const signals = [init?.signal, cancel].filter((x): x is AbortSignal => !!x);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const response = (await helpers
      .httpRequest({
        url,
        method: (init?.method ?? 'GET').toUpperCase() as IHttpRequestOptions['method'],
        headers,
        ...(body !== undefined ? { body } : {}),
        json: false,
        encoding: 'arraybuffer',
        returnFullResponse: true,
        ignoreHttpStatusErrors: true,
        disableFollowRedirect: init?.redirect === 'manual',
        ...(signal ? { abortSignal: signal } : {}),
      })
      .catch((error: unknown) => {
        // n8n's helper rejects an aborted request with its HTTP library's error; the SDKs recognise
        // fetch's AbortError (a timeout, not "Connection error.").
        if (!signal?.aborted) throw error;
        throw Object.assign(new Error('The request was aborted', { cause: error }), { name: 'AbortError' });
      })) as FullResponse;
    const responseHeaders = new Headers();
    for (const [key, value] of Object.entries(response.headers ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(key, String(v));
    }
    const raw = response.body;
    const payload = NO_BODY.has(response.statusCode) || raw === undefined || raw === null ? null : Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
    return new Response(payload, { status: response.statusCode, headers: responseHeaders });
  }) as typeof fetch;
}
