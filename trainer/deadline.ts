/**
 * A bound on every call to a fine-tuning service: connecting, sending, the answer, and
 * the SDK's own retries together. An SDK timeout is per request, so its retries multiply
 * it; here one deadline covers the whole call and fails with a `timeout` TrainerError
 * naming the server. The call's signal is found through AsyncLocalStorage: the SDK
 * clients take it as every request's signal (`currentCallSignal`, so an expired call is
 * not retried), and the fetch handed to the provider joins it (requests made outside the
 * SDK, such as Together's upload).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { TrainerError } from './errors';
import type { FineTuneProvider } from './types';

export interface DeadlineTarget {
  /** The service, for the message ("OpenAI"). */
  label: string;
  baseURL: string;
}

export interface Deadline {
  /** The fetch to give the SDK: its requests end when the current call's deadline passes. */
  fetch: typeof fetch;
  /** The provider with every call bounded. */
  wrap(provider: FineTuneProvider): FineTuneProvider;
}

export function timeoutError(ms: number, target: DeadlineTarget): TrainerError {
  const seconds = Number((ms / 1000).toFixed(3));
  return new TrainerError('timeout', `${target.label} at ${target.baseURL} did not answer within ${seconds} s (timeout): check that the server is up and reachable, or allow it longer`, undefined, {
    baseURL: target.baseURL,
  });
}

const callSignal = new AsyncLocalStorage<AbortSignal>();

/** The signal of the bounded call running now (undefined outside one). */
export const currentCallSignal = (): AbortSignal | undefined => callSignal.getStore();

export function withDeadline(ms: number, target: DeadlineTarget, baseFetch?: typeof fetch): Deadline {
  const fetcher: typeof fetch = (input, init) => {
    const signal = callSignal.getStore();
    const base = baseFetch ?? globalThis.fetch;
    if (!signal) return base(input, init);
    return base(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
  };

  const bounded = async <T>(run: () => Promise<T>): Promise<T> => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = timeoutError(ms, target);
        controller.abort(error);
        reject(error);
      }, ms);
    });
    try {
      // The race answers at the deadline even if the SDK sleeps between retries instead of fetching.
      return await Promise.race([callSignal.run(controller.signal, run), expired]);
    } finally {
      clearTimeout(timer);
    }
  };

  const wrap = (inner: FineTuneProvider): FineTuneProvider => ({
    name: inner.name,
    uploadFile: (content, filename) => bounded(() => inner.uploadFile(content, filename)),
    createJob: (request) => bounded(() => inner.createJob(request)),
    getJob: (id) => bounded(() => inner.getJob(id)),
    // Each page is one call.
    async *listJobs(options) {
      const pages = inner.listJobs(options)[Symbol.asyncIterator]();
      let done = false;
      try {
        for (;;) {
          const next = await bounded(() => pages.next());
          if (next.done) {
            done = true;
            return;
          }
          yield next.value;
        }
      } finally {
        // Not awaited: after a deadline the iterator may still be settling its aborted request.
        if (!done) pages.return?.(undefined)?.catch(() => undefined);
      }
    },
    cancelJob: (id) => bounded(() => inner.cancelJob(id)),
    listEvents: (id, limit) => bounded(() => inner.listEvents(id, limit)),
    listCheckpoints: (id) => bounded(() => inner.listCheckpoints(id)),
    metrics: (job) => bounded(() => inner.metrics(job)),
    listModels: () => bounded(() => inner.listModels()),
    deleteModel: (id) => bounded(() => inner.deleteModel(id)),
    servingFor: (model) => bounded(() => inner.servingFor(model)),
  });

  return { fetch: fetcher, wrap };
}
