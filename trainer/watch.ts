/**
 * Following a job until it ends: poll status and new events, report progress, stop
 * when the job is terminal or the caller detaches (the job keeps running). On success,
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
  onUpdate?: (update: WatchUpdate) => void;
}

export interface WatchResult {
  job: FineTuneJob;
  detached: boolean;
}

export async function watchJob(provider: FineTuneProvider, jobId: string, options: WatchOptions = {}): Promise<WatchResult> {
  const seen = new Set<string>();
  let metrics: StepMetrics | undefined;
  const interval = options.intervalMs ?? 10_000;
  for (;;) {
    const job = await provider.getJob(jobId);
    const events = (await provider.listEvents(jobId, 100)).filter((e) => !seen.has(e.id)).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    for (const e of events) {
      seen.add(e.id);
      if (e.metrics && (!metrics || e.metrics.step >= metrics.step)) metrics = { ...metrics, ...e.metrics };
    }
    options.onUpdate?.({ job, events, ...(metrics ? { metrics } : {}) });
    if (isTerminal(job.status)) return { job, detached: false };
    if (options.signal?.aborted) return { job, detached: true };
    try {
      await sleepFor(interval, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      return { job, detached: true };
    }
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
