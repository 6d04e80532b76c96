import type { FineTuneJob, FineTuneProvider, JobEvent, JobStatus } from '../../trainer/types';
import { watchJob } from '../../trainer/watch';

function job(status: JobStatus): FineTuneJob {
  return {
    id: 'ftjob-1',
    provider: 'openai',
    status,
    model: 'gpt-4o-mini-2024-07-18',
    fineTunedModel: status === 'succeeded' ? 'ft:gpt-4o-mini:flowtune' : null,
    createdAt: 1,
    finishedAt: null,
    estimatedFinish: null,
    trainingFile: 'file-1',
    validationFile: null,
    trainedTokens: null,
    resultFiles: [],
    error: null,
    metadata: {},
    hyperparameters: {},
    raw: {},
  };
}

/** A provider whose job goes through `statuses`, one per getJob, and whose events grow by one per listEvents. */
function scripted(statuses: JobStatus[]) {
  const calls = { getJob: 0, listEvents: 0 };
  const provider = {
    getJob: async () => job(statuses[Math.min(calls.getJob++, statuses.length - 1)]),
    listEvents: async (): Promise<JobEvent[]> => {
      const n = ++calls.listEvents;
      // Newest first, as the services list them.
      return Array.from({ length: n }, (_, i) => ({ id: `e${n - i}`, createdAt: n - i, level: 'info', message: `step ${n - i}`, metrics: { step: n - i, trainLoss: 1 / (n - i) } }));
    },
  } as unknown as FineTuneProvider;
  return { provider, calls };
}

describe('watchJob', () => {
  test('polls status and new events until the job ends, oldest event first, metrics the latest', async () => {
    const { provider, calls } = scripted(['running', 'running', 'succeeded']);
    const updates: Array<{ status: string; events: string[]; step?: number }> = [];
    const result = await watchJob(provider, 'ftjob-1', { intervalMs: 1, onUpdate: (u) => updates.push({ status: u.job.status, events: u.events.map((e) => e.id), step: u.metrics?.step }) });
    expect(result).toMatchObject({ detached: false, timedOut: false, job: { status: 'succeeded' } });
    expect(updates).toEqual([
      { status: 'running', events: ['e1'], step: 1 },
      { status: 'running', events: ['e2'], step: 2 },
      { status: 'succeeded', events: ['e3'], step: 3 },
    ]);
    expect(calls).toEqual({ getJob: 3, listEvents: 3 });
  });

  test('a job the caller read first is not polled again before an interval; events off: no events asked for', async () => {
    const { provider, calls } = scripted(['succeeded']);
    const result = await watchJob(provider, 'ftjob-1', { job: job('queued'), events: false, intervalMs: 1 });
    expect(result).toMatchObject({ timedOut: false, detached: false, job: { status: 'succeeded' } });
    expect(calls).toEqual({ getJob: 1, listEvents: 0 });
  });

  test('a terminal job the caller read ends the wait without a call', async () => {
    const { provider, calls } = scripted(['running']);
    const result = await watchJob(provider, 'ftjob-1', { job: job('failed'), events: false });
    expect(result).toMatchObject({ timedOut: false, detached: false, job: { status: 'failed' } });
    expect(calls.getJob).toBe(0);
  });

  test('times out with the job as last read; the last wait is cut to the time left', async () => {
    const { provider } = scripted(['running', 'validating_files']);
    const started = Date.now();
    const result = await watchJob(provider, 'ftjob-1', { intervalMs: 60_000, timeoutMs: 30, events: false });
    expect(result).toMatchObject({ timedOut: true, detached: false, job: { status: 'validating_files' } });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('detaches when the signal aborts during a wait', async () => {
    const { provider } = scripted(['running']);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const result = await watchJob(provider, 'ftjob-1', { intervalMs: 60_000, signal: controller.signal });
    expect(result).toMatchObject({ detached: true, timedOut: false, job: { status: 'running' } });
  });

  test('a failing poll is the caller’s error', async () => {
    const provider = { getJob: async () => Promise.reject(new Error('server down')), listEvents: async () => [] } as unknown as FineTuneProvider;
    await expect(watchJob(provider, 'ftjob-1', { job: job('running'), intervalMs: 1 })).rejects.toThrow('server down');
  });
});
