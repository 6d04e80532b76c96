/**
 * Runs `prepareExample` over a stream of records on worker threads and gives the
 * results back in input order, so a build is byte-identical whatever the number of
 * workers. The order-dependent steps (duplicates, split) then run in the caller.
 * Records travel in small batches and at most a few batches are in flight, so memory
 * stays bounded on large corpora.
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { Catalog } from '../schemas/catalog/types';
import { prepareExample, type PrepareResult, type PrepareSettings } from './prepare';
import type { SourceRecord } from './types';

/** What a worker starts with. */
export interface PrepareWorkerData {
  settings: PrepareSettings;
  catalog: Catalog;
}

/** A batch sent to a worker: records without their provenance (the caller keeps it). */
export interface PrepareRequest {
  seq: number;
  records: Array<Omit<SourceRecord, 'provenance'>>;
}

export type PrepareResponse = { seq: number; results: PrepareResult[] } | { seq: number; error: string };

/** Records per message: small enough to spread uneven workflows over the workers, large enough to amortise a message. */
const BATCH = 8;
/** Batches queued on one worker: it never waits for the main thread between two batches. */
const QUEUED_PER_WORKER = 3;
/** Batches read ahead of the one the caller is waiting for (bounds memory on large corpora). */
const WINDOW_PER_WORKER = 16;

/** The compiled worker entry; absent when running from TypeScript sources (tests), which then prepare in-process. */
export const PREPARE_WORKER_SCRIPT = path.join(__dirname, 'prepare-worker.js');

/** Workers a build uses by default: one per core, since the main thread mostly waits on reading and writing. */
export function defaultWorkerCount(): number {
  return existsSync(PREPARE_WORKER_SCRIPT) ? Math.min(os.availableParallelism(), 8) : 0;
}

export interface PreparedRecord {
  record: SourceRecord;
  result: PrepareResult;
}

export async function* prepareRecords(
  records: AsyncIterable<SourceRecord>,
  settings: PrepareSettings,
  catalog: NodeCatalog,
  workers: number,
): AsyncGenerator<PreparedRecord> {
  if (workers <= 0 || !existsSync(PREPARE_WORKER_SCRIPT)) {
    for await (const record of records) yield { record, result: prepareExample(record, settings, catalog) };
    return;
  }

  const workerData: PrepareWorkerData = { settings, catalog: catalog.data };
  const pool = Array.from({ length: workers }, () => new Worker(PREPARE_WORKER_SCRIPT, { workerData }));
  const queued = pool.map(() => 0);
  // Batches read but not yet sent, and results that arrived out of order.
  const unsent: PrepareRequest[] = [];
  const sent = new Map<number, SourceRecord[]>();
  const finished = new Map<number, PrepareResult[]>();
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  // A batch goes to whichever worker has room, so one slow workflow does not stall the others.
  const dispatch = () => {
    for (let i = 0; i < pool.length && unsent.length > 0; i++) {
      while (queued[i] < QUEUED_PER_WORKER && unsent.length > 0) {
        pool[i].postMessage(unsent.shift());
        queued[i]++;
      }
    }
  };
  pool.forEach((worker, i) => {
    worker.on('message', (response: PrepareResponse) => {
      queued[i]--;
      if ('error' in response) failure ??= new Error(response.error);
      else finished.set(response.seq, response.results);
      dispatch();
      notify();
    });
    worker.on('error', (error) => {
      failure ??= error;
      notify();
    });
    worker.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`dataset worker stopped with exit code ${code}`);
      notify();
    });
  });

  let nextSeq = 0;
  let nextToYield = 0;
  const send = (batch: SourceRecord[]) => {
    sent.set(nextSeq, batch);
    unsent.push({ seq: nextSeq++, records: batch.map(({ provenance: _, ...rest }) => rest) });
    dispatch();
  };
  /** The finished batches at the head of the order, as prepared records. */
  function* ready(): Generator<PreparedRecord> {
    for (let results = finished.get(nextToYield); results; results = finished.get(nextToYield)) {
      const records = sent.get(nextToYield)!;
      finished.delete(nextToYield);
      sent.delete(nextToYield++);
      for (let i = 0; i < results.length; i++) yield { record: records[i], result: results[i] };
    }
  }
  const waitForHead = async () => {
    while (!failure && !finished.has(nextToYield)) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure;
  };

  try {
    let batch: SourceRecord[] = [];
    for await (const record of records) {
      batch.push(record);
      if (batch.length < BATCH) continue;
      send(batch);
      batch = [];
      if (failure) throw failure;
      yield* ready();
      while (nextSeq - nextToYield >= pool.length * WINDOW_PER_WORKER) {
        await waitForHead();
        yield* ready();
      }
    }
    if (batch.length > 0) send(batch);
    while (nextToYield < nextSeq) {
      await waitForHead();
      yield* ready();
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
