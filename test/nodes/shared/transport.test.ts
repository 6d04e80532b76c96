/** nodes/shared/transport.ts: the SDKs' fetch on top of n8n's request helper. */
import type { IHttpRequestOptions } from 'n8n-workflow';
import { n8nFetch } from '../../../nodes/shared/transport';

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
