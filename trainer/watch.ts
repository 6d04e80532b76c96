/**
 * Following a job until it ends: poll status and new events, report progress, stop
 * when the job is terminal, the caller detaches or the time is up (the job keeps running). On success,
 * the metrics are saved beside the registry entry as CSV and an SVG loss curve.
 */
import * as path from 'node:path';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { writeFileAtomic } from '../dataset/writer';
import { metricsCsv, renderLossSvg } from './metrics';
import type { JobRegistry } from './job-store';
import { isTerminal, type FineTuneJob, type FineTuneProvider, type JobEvent, type StepMetrics } from './types';

export interface WatchUpdate {
  job: FineTuneJob;
  /** Events not reported before, oldest first. */
  events: JobEvent[];
  /** Latest step metrics seen so far. */
  metrics?: StepMetrics;
}

export interface WatchOptions {
  intervalMs?: number;
  /** Abort to detach: the job keeps running on the service. */
  signal?: AbortSignal;
  /** Stop waiting after this long (`timedOut`; the job keeps running). Default: no limit. */
  timeoutMs?: number;
  /** The job as the caller last read it: the first poll then waits an interval. */
  job?: FineTuneJob;
  /** Off: poll the job only, not its events (no updates carry events or metrics). Default on. */
  events?: boolean;
  onUpdate?: (update: WatchUpdate) => void;
}

export interface WatchResult {
  job: FineTuneJob;
  /** The caller detached (the signal aborted) before the job ended. */
  detached: boolean;
  /** `timeoutMs` passed before the job ended. */
  timedOut: boolean;
}

/** The one way to wait for a job (CLI `train watch` / `start --watch`, the Fine-Tune node's Wait for Completion). */
export async function watchJob(provider: FineTuneProvider, jobId: string, options: WatchOptions = {}): Promise<WatchResult> {
  const seen = new Set<string>();
  let metrics: StepMetrics | undefined;
  const interval = options.intervalMs ?? 10_000;
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + Math.max(0, options.timeoutMs);
  const poll = async (): Promise<FineTuneJob> => {
    const job = await provider.getJob(jobId);
    const listed = options.events === false ? [] : await provider.listEvents(jobId, 100);
    const events = listed.filter((e) => !seen.has(e.id)).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    for (const e of events) {
      seen.add(e.id);
      if (e.metrics && (!metrics || e.metrics.step >= metrics.step)) metrics = { ...metrics, ...e.metrics };
    }
    options.onUpdate?.({ job, events, ...(metrics ? { metrics } : {}) });
    return job;
  };
  let job = options.job ?? (await poll());
  for (;;) {
    if (isTerminal(job.status)) return { job, detached: false, timedOut: false };
    if (options.signal?.aborted) return { job, detached: true, timedOut: false };
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { job, detached: false, timedOut: true };
    try {
      await sleepFor(Math.min(interval, remaining), undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      return { job, detached: true, timedOut: false };
    }
    job = await poll();
  }
}

export interface SavedMetrics {
  rows: number;
  csv: string;
  svg: string;
}

/** Download a finished job's metrics and write `metrics.csv` and `loss.svg` beside its registry entry. */
export async function saveJobMetrics(provider: FineTuneProvider, job: FineTuneJob, registry: JobRegistry): Promise<SavedMetrics> {
  const rows = await provider.metrics(job);
  const dir = registry.artifactsDir({ provider: provider.name, jobId: job.id });
  const csv = path.join(dir, 'metrics.csv');
  const svg = path.join(dir, 'loss.svg');
  writeFileAtomic(csv, metricsCsv(rows));
  writeFileAtomic(svg, renderLossSvg(rows, `${job.fineTunedModel ?? job.id} — loss`));
  return { rows: rows.length, csv, svg };
}
