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

const BATCH = 8;
const IN_FLIGHT_PER_WORKER = 4;

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
  const waiting = new Map<number, { resolve: (results: PrepareResult[]) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  for (const worker of pool) {
    worker.on('message', (response: PrepareResponse) => {
      const entry = waiting.get(response.seq);
      waiting.delete(response.seq);
      if ('error' in response) entry?.reject(new Error(response.error));
      else entry?.resolve(response.results);
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (code !== 0) failAll(new Error(`dataset worker stopped with exit code ${code}`));
    });
  }

  const inFlight: Array<{ records: SourceRecord[]; results: Promise<PrepareResult[]> }> = [];
  let seq = 0;
  const send = (batch: SourceRecord[]) => {
    const id = seq++;
    const results = new Promise<PrepareResult[]>((resolve, reject) => waiting.set(id, { resolve, reject }));
    results.catch(() => undefined); // awaited in order below; keep early failures from being "unhandled"
    const request: PrepareRequest = { seq: id, records: batch.map(({ provenance: _, ...rest }) => rest) };
    pool[id % pool.length].postMessage(request);
    inFlight.push({ records: batch, results });
  };

  try {
    let batch: SourceRecord[] = [];
    for await (const record of records) {
      batch.push(record);
      if (batch.length < BATCH) continue;
      send(batch);
      batch = [];
      while (inFlight.length >= pool.length * IN_FLIGHT_PER_WORKER) {
        const head = inFlight.shift()!;
        const results = await head.results;
        for (let i = 0; i < results.length; i++) yield { record: head.records[i], result: results[i] };
      }
    }
    if (batch.length > 0) send(batch);
    while (inFlight.length > 0) {
      const head = inFlight.shift()!;
      const results = await head.results;
      for (let i = 0; i < results.length; i++) yield { record: head.records[i], result: results[i] };
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
