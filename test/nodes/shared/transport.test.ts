/** nodes/shared/transport.ts: the SDKs' fetch on top of n8n's request helper. */
import type { IHttpRequestOptions } from 'n8n-workflow';
import OpenAI, { toFile } from 'openai';
import { n8nFetch } from '../../../nodes/shared/transport';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { httpRequest } from '../../helpers/n8n-context';
import { chatExamples } from '../../helpers/training';

/** n8n's helper as it behaves: an aborted request rejects with its HTTP library's own error, not fetch's AbortError. */
function stallingHelpers() {
  return {
    httpRequest: (options: IHttpRequestOptions) =>
      new Promise<unknown>((_, reject) => {
        const canceled = () => reject(Object.assign(new Error('canceled'), { name: 'CanceledError', code: 'ERR_CANCELED' }));
        // As axios does: a signal aborted before the request starts cancels it at once.
        const signal = options.abortSignal as AbortSignal | undefined;
        if (signal?.aborted) canceled();
        signal?.addEventListener('abort', canceled);
      }),
  };
}

describe('n8nFetch', () => {
  it("turns an aborted request (the SDK's timeout) into fetch's AbortError, so the SDK reports a timeout", async () => {
    const error = await n8nFetch(stallingHelpers())('https://api.example/v1/models', { signal: AbortSignal.timeout(20) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError', cause: expect.objectContaining({ code: 'ERR_CANCELED' }) });
  });

  it('aborts on a cancelled execution too, and passes other failures through unchanged', async () => {
    const cancel = new AbortController();
    const pending = n8nFetch(stallingHelpers(), cancel.signal)('https://api.example/v1/models');
    cancel.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(n8nFetch({ httpRequest: () => Promise.reject(refused) })('https://api.example/v1/models')).rejects.toBe(refused);
  });

  it('gives the helper’s full response back as a Response', async () => {
    const response = await n8nFetch({ httpRequest: async () => ({ statusCode: 201, headers: { 'x-id': 'a' }, body: Buffer.from('{"ok":true}') }) })('https://api.example/v1/x', { method: 'POST', body: '{}' });
    expect([response.status, response.headers.get('x-id'), await response.json()]).toEqual([201, 'a', { ok: true }]);
  });
});

/** A helper that records the options n8nFetch passes and answers with a fixed full response. */
function recordingHelpers(reply: { statusCode: number; headers?: Record<string, string | string[] | undefined>; body?: unknown } = { statusCode: 200, headers: {}, body: Buffer.from('{}') }) {
  const calls: IHttpRequestOptions[] = [];
  return {
    calls,
    httpRequest: async (options: IHttpRequestOptions) => {
      calls.push(options);
      return { headers: {}, ...reply };
    },
  };
}

describe('n8nFetch: the request n8n’s helper gets', () => {
  it('asks for the raw, full response and never throws on an HTTP status (the SDK reads it)', async () => {
    const helpers = recordingHelpers();
    await n8nFetch(helpers)('https://api.example/v1/models');
    expect(helpers.calls).toEqual([
      {
        url: 'https://api.example/v1/models',
        method: 'GET',
        headers: {},
        json: false,
        encoding: 'arraybuffer',
        returnFullResponse: true,
        ignoreHttpStatusErrors: true,
        disableFollowRedirect: false,
      },
    ]);
  });

  it('takes a string, a URL or a Request; upper-cases the method; passes headers lower-cased; follows redirects unless told not to', async () => {
    const helpers = recordingHelpers();
    const fetch = n8nFetch(helpers);
    await fetch(new URL('https://api.example/v1/files?purpose=fine-tune'), { method: 'delete', headers: { Authorization: 'Bearer k', 'X-Trace': '1' } });
    await fetch(new Request('https://api.example/v1/jobs'), { headers: [['api-key', 'azure']], redirect: 'manual' });
    expect(helpers.calls.map((c) => [c.url, c.method, c.headers, c.disableFollowRedirect])).toEqual([
      ['https://api.example/v1/files?purpose=fine-tune', 'DELETE', { authorization: 'Bearer k', 'x-trace': '1' }, false],
      ['https://api.example/v1/jobs', 'GET', { 'api-key': 'azure' }, true],
    ]);
  });

  it('passes strings and buffers as they are, views and ArrayBuffers as Buffers of exactly their bytes', async () => {
    const helpers = recordingHelpers();
    const fetch = n8nFetch(helpers);
    const bytes = Buffer.from('0123456789');
    await fetch('https://api.example/x', { method: 'POST', body: '{"a":1}' });
    await fetch('https://api.example/x', { method: 'POST', body: bytes });
    await fetch('https://api.example/x', { method: 'POST', body: new Uint8Array(bytes.buffer, bytes.byteOffset + 2, 3) });
    await fetch('https://api.example/x', { method: 'POST', body: new TextEncoder().encode('abc').buffer as ArrayBuffer });
    const [text, buffer, view, arrayBuffer] = helpers.calls.map((c) => c.body);
    expect(text).toBe('{"a":1}');
    expect(buffer).toBe(bytes);
    expect(Buffer.isBuffer(view) && view.toString()).toBe('234');
    expect(Buffer.isBuffer(arrayBuffer) && arrayBuffer.toString()).toBe('abc');
    expect(helpers.calls.every((c) => c.headers && !('content-type' in c.headers))).toBe(true);
  });

  it('encodes FormData (file uploads) and URLSearchParams once, with the content type that goes with the bytes', async () => {
    const helpers = recordingHelpers();
    const fetch = n8nFetch(helpers);
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['{"messages":[]}\n']), 'train.jsonl');
    await fetch('https://api.example/v1/files', { method: 'POST', body: form });
    await fetch('https://api.example/token', { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    const [upload, params] = helpers.calls;
    const boundary = /^multipart\/form-data; boundary=(.+)$/.exec(String(upload.headers!['content-type']))?.[1];
    expect(boundary).toBeDefined();
    const text = (upload.body as Buffer).toString('utf8');
    expect(text).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune\r\n`);
    expect(text).toContain('filename="train.jsonl"');
    expect(text).toContain('{"messages":[]}\n');
    expect(params.headers!['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect((params.body as Buffer).toString()).toBe('grant_type=client_credentials');
  });

  it('passes no abort signal when there is none, and the one there is when only one', async () => {
    const helpers = recordingHelpers();
    const controller = new AbortController();
    await n8nFetch(helpers)('https://api.example/x');
    await n8nFetch(helpers)('https://api.example/x', { signal: controller.signal });
    expect('abortSignal' in helpers.calls[0]).toBe(false);
    expect(helpers.calls[1].abortSignal).toBe(controller.signal);
  });
});

describe('n8nFetch: the Response it gives back', () => {
  it('keeps error statuses and their bodies (401, 429) for the SDK to read', async () => {
    const body = { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } };
    const unauthorized = await n8nFetch(recordingHelpers({ statusCode: 401, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(body)) }))('https://api.example/v1/models');
    expect([unauthorized.status, unauthorized.ok, await unauthorized.json()]).toEqual([401, false, body]);
    const limited = await n8nFetch(recordingHelpers({ statusCode: 429, headers: { 'retry-after': '2' }, body: Buffer.from('slow down') }))('https://api.example/v1/models');
    expect([limited.status, limited.headers.get('retry-after'), await limited.text()]).toEqual([429, '2', 'slow down']);
  });

  it('has no body for 204/304 and for a missing one; reads a string or an object body as text', async () => {
    const noContent = await n8nFetch(recordingHelpers({ statusCode: 204, body: Buffer.from('ignored') }))('https://api.example/x');
    expect([noContent.status, noContent.body]).toEqual([204, null]);
    const notModified = await n8nFetch(recordingHelpers({ statusCode: 304, body: undefined }))('https://api.example/x');
    expect(notModified.body).toBeNull();
    const missing = await n8nFetch(recordingHelpers({ statusCode: 200, body: null }))('https://api.example/x');
    expect(await missing.text()).toBe('');
    expect(await (await n8nFetch(recordingHelpers({ statusCode: 200, body: 'plain' }))('https://api.example/x')).text()).toBe('plain');
    expect(await (await n8nFetch(recordingHelpers({ statusCode: 200, body: { parsed: true } }))('https://api.example/x')).json()).toEqual({ parsed: true });
  });

  it('keeps every value of a repeated header and drops undefined ones', async () => {
    const response = await n8nFetch(recordingHelpers({ statusCode: 200, headers: { 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'req_1', 'x-none': undefined }, body: Buffer.from('') }))('https://api.example/x');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.headers.get('x-request-id')).toBe('req_1');
    expect(response.headers.has('x-none')).toBe(false);
  });
});

describe('n8nFetch under the OpenAI SDK against the fake server (through the test n8n helper)', () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
  });
  afterEach(async () => {
    await fake.close();
  });
  const client = (options: { apiKey?: string; timeout?: number; maxRetries?: number } = {}) =>
    new OpenAI({ apiKey: options.apiKey ?? 'sk-test', baseURL: fake.baseURL, fetch: n8nFetch({ httpRequest }), maxRetries: options.maxRetries ?? 0, ...(options.timeout ? { timeout: options.timeout } : {}) });

  it('uploads a file (multipart through the helper) and reads the answer', async () => {
    const data = Buffer.from(chatExamples(3));
    const file = await client().files.create({ file: await toFile(data, 'train.jsonl'), purpose: 'fine-tune' });
    expect(file).toMatchObject({ id: expect.stringMatching(/^file-/), filename: 'train.jsonl', purpose: 'fine-tune', bytes: data.length });
    expect(fake.requestsTo('/v1/files', 'POST')[0].body).toMatchObject({ fields: { purpose: 'fine-tune' } });
  });

  it('a 401 and a 429 reach the SDK as its AuthenticationError and RateLimitError', async () => {
    await expect(client({ apiKey: 'sk-wrong-key-123456' }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    fake.faults.add({ path: '/v1/models', status: 429 });
    const limited = await client().models.list().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
  });

  it('a server that never answers ends in the SDK’s timeout error, not a connection error', async () => {
    fake.faults.add({ path: '/v1/models', hang: true });
    const error = await client({ timeout: 100 }).models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });
});
