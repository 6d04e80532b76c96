/**
 * Runs `prepareExample` over a stream of records on worker threads and gives the
 * results back in input order, so a build is byte-identical whatever the number of
 * workers. The order-dependent steps (duplicates, split) then run in the caller.
 *
 * The workers belong to a pool shared per catalog and kept for a while after a build:
 * a fresh isolate spends seconds warming up (JIT, catalog indexes), so a long-lived
 * process — n8n running the Fine-Tune node, a script building several datasets — pays
 * that once. An idle pool never keeps a process alive and stops after IDLE_MS.
 * Records travel in small batches, a batch goes to whichever worker has room, and a
 * bounded number of batches is in flight, so memory stays bounded on large corpora.
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { Catalog } from '../schemas/catalog/types';
import { prepareExample, type PrepareResult, type PrepareSettings, type StepTimes } from './prepare';
import type { SourceRecord } from './types';

/** What a worker starts with. */
export interface PrepareWorkerData {
  catalog: Catalog;
}

/** A batch sent to a worker: records without their provenance (the caller keeps it). */
export interface PrepareRequest {
  id: number;
  settings: PrepareSettings;
  records: Array<Omit<SourceRecord, 'provenance'>>;
}

/** A batch's results, or the error that stopped it; without an id, a message the worker could not read (the worker is unusable). */
export type PrepareResponse = { id: number; results: PrepareResult[] } | { id: number; error: string } | { error: string };

/** Records per message: small enough to spread uneven workflows over the workers, large enough to amortise a message. */
const BATCH = 8;
/** Batches queued on one worker: it never waits for the main thread between two batches. */
const QUEUED_PER_WORKER = 3;
/** Batches a build keeps in flight per worker, ahead of the one it waits for (bounds memory). */
const WINDOW_PER_WORKER = 16;
/** An idle pool stops its workers after this long. */
export const IDLE_MS = 60_000;

/** The compiled worker entry; absent when running from TypeScript sources (tests), which then prepare in-process. */
export const PREPARE_WORKER_SCRIPT = path.join(__dirname, 'prepare-worker.js');

/** Workers a build uses by default: one per core, since the main thread mostly waits on reading and writing. */
export function defaultWorkerCount(): number {
  return existsSync(PREPARE_WORKER_SCRIPT) ? Math.min(os.availableParallelism(), 8) : 0;
}

interface Task {
  request: PrepareRequest;
  resolve: (results: PrepareResult[]) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  queued: number;
}

/** Worker threads preparing batches for any number of builds at once (tasks are served in arrival order). */
export class PreparePool {
  private workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private readonly running = new Map<number, Task>();
  private nextId = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly catalog: NodeCatalog,
    readonly size: number,
    /** The worker entry (tests start failing ones). */
    private readonly script = PREPARE_WORKER_SCRIPT,
  ) {}

  /** Prepare one batch. Rejects if a worker fails; the pool then starts fresh workers for the next task. */
  run(records: Array<Omit<SourceRecord, 'provenance'>>, settings: PrepareSettings): Promise<PrepareResult[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { id: this.nextId++, settings, records }, resolve, reject });
      this.dispatch();
    });
  }

  private start(): void {
    const workerData: PrepareWorkerData = { catalog: this.catalog.data };
    this.workers = Array.from({ length: this.size }, () => {
      const entry: PoolWorker = { worker: new Worker(this.script, { workerData }), queued: 0 };
      entry.worker.on('message', (response: PrepareResponse) => {
        if (!('id' in response)) return this.failAll(new Error(`dataset worker failed: ${response.error}`));
        entry.queued--;
        const task = this.running.get(response.id);
        this.running.delete(response.id);
        if ('error' in response) task?.reject(new Error(`dataset worker failed: ${response.error}`));
        else task?.resolve(response.results);
        this.dispatch();
      });
      entry.worker.on('error', (error) => this.failAll(new Error(`dataset worker failed: ${error.message}`, { cause: error })));
      entry.worker.on('exit', (code) => {
        if (this.workers.includes(entry)) this.failAll(new Error(`dataset worker stopped with exit code ${code}`));
      });
      return entry;
    });
  }

  private dispatch(): void {
    if (this.queue.length > 0 && this.workers.length === 0) this.start();
    for (const entry of this.workers) {
      while (entry.queued < QUEUED_PER_WORKER && this.queue.length > 0) {
        const task = this.queue.shift()!;
        try {
          entry.worker.postMessage(task.request);
        } catch {
          // Structured clone recurses: a value nested a few thousand levels deep cannot be sent.
          // Prepared here instead, where the limits reject it before anything recurses.
          this.prepareHere(task);
          continue;
        }
        this.running.set(task.request.id, task);
        entry.queued++;
      }
      // A worker with work keeps the process alive; an idle one does not.
      if (entry.queued > 0) entry.worker.ref();
      else entry.worker.unref();
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.running.size === 0 && this.queue.length === 0 && this.workers.length > 0) {
      this.idleTimer = setTimeout(() => void this.stopIdle(), IDLE_MS).unref();
    }
  }

  private prepareHere({ request, resolve, reject }: Task): void {
    try {
      resolve(request.records.map((record) => prepareExample(record, request.settings, this.catalog)));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private async stopIdle(): Promise<void> {
    if (this.running.size > 0 || this.queue.length > 0) return;
    const workers = this.workers.map((w) => w.worker);
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** A worker failed: every unfinished task fails, and the next task starts fresh workers. */
  private failAll(error: Error): void {
    const workers = this.workers;
    this.workers = [];
    clearTimeout(this.idleTimer);
    for (const task of [...this.running.values(), ...this.queue.splice(0)]) task.reject(error);
    this.running.clear();
    for (const { worker } of workers) void worker.terminate();
  }
}

const pools = new WeakMap<NodeCatalog, Map<number, PreparePool>>();

/** The pool of `size` workers for this catalog, started on first use and shared by later builds. */
export function sharedPreparePool(catalog: NodeCatalog, size: number): PreparePool {
  const bySize = pools.get(catalog) ?? pools.set(catalog, new Map()).get(catalog)!;
  let pool = bySize.get(size);
  if (!pool) bySize.set(size, (pool = new PreparePool(catalog, size)));
  return pool;
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
  /** Time per step, in this thread only (workers do not report). */
  times?: StepTimes,
): AsyncGenerator<PreparedRecord> {
  if (workers <= 0 || !existsSync(PREPARE_WORKER_SCRIPT)) {
    for await (const record of records) yield { record, result: prepareExample(record, settings, catalog, times) };
    return;
  }
  const pool = sharedPreparePool(catalog, workers);
  const inFlight: Array<{ records: SourceRecord[]; results: Promise<PrepareResult[]> }> = [];
  const send = (batch: SourceRecord[]) => {
    const results = pool.run(
      batch.map(({ provenance: _, ...rest }) => rest),
      settings,
    );
    results.catch(() => undefined); // awaited in order below; keep early failures from being "unhandled"
    inFlight.push({ records: batch, results });
  };
  async function* head(): AsyncGenerator<PreparedRecord> {
    const { records: batch, results } = inFlight.shift()!;
    const prepared = await results;
    for (let i = 0; i < prepared.length; i++) yield { record: batch[i], result: prepared[i] };
  }

  let batch: SourceRecord[] = [];
  for await (const record of records) {
    batch.push(record);
    if (batch.length < BATCH) continue;
    send(batch);
    batch = [];
    while (inFlight.length >= workers * WINDOW_PER_WORKER) yield* head();
  }
  if (batch.length > 0) send(batch);
  while (inFlight.length > 0) yield* head();
}
