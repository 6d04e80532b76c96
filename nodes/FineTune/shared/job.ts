/** Jobs as node output, and waiting for one to finish inside an execution. */
import { sleepWithAbort, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { FineTuneJob, FineTuneProvider } from '../../../trainer/types';
import { watchJob, type WatchResult } from '../../../trainer/watch';
import { inputError, toNodeError } from '../../shared/errors';

/** flowtune's job shape without the provider's raw object. */
export function jobJson(job: FineTuneJob): IDataObject {
  const json: Partial<FineTuneJob> = { ...job };
  delete json.raw;
  return json as IDataObject;
}

export interface WaitSettings {
  /** Seconds between polls. */
  pollIntervalSeconds: number;
  /** Minutes before giving up (the job keeps running). */
  timeoutMinutes: number;
}

/**
 * Wait until the job is terminal (trainer/watch.ts `watchJob`). A cancelled execution stops the wait with
 * n8n's cancellation error and leaves the job running; so does the timeout, which names the job so the
 * workflow can continue with Job → Get.
 */
export async function waitForJob(ctx: IExecuteFunctions, provider: FineTuneProvider, job: FineTuneJob, settings: WaitSettings, itemIndex: number): Promise<FineTuneJob> {
  const signal = ctx.getExecutionCancelSignal();
  let result: WatchResult;
  try {
    result = await watchJob(provider, job.id, {
      job,
      events: false,
      intervalMs: Math.max(0, settings.pollIntervalSeconds * 1000),
      timeoutMs: settings.timeoutMinutes * 60_000,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    // Cancelled during a request (n8n aborts it): end with n8n's cancellation error, as during a wait.
    if (signal?.aborted) await sleepWithAbort(0, signal);
    throw toNodeError(ctx.getNode(), error, { itemIndex });
  }
  if (result.detached) await sleepWithAbort(0, signal);
  if (result.timedOut) {
    const current = result.job;
    throw inputError(
      ctx.getNode(),
      `Fine-tuning job ${current.id} did not finish within ${settings.timeoutMinutes} minute(s) (status: ${current.status})`,
      itemIndex,
      `The job keeps running on the provider. Continue with the Job → Get operation and job ID ${current.id}, or raise the timeout.`,
    );
  }
  return result.job;
}
