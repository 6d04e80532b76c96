/** Jobs as node output, and waiting for one to finish inside an execution. */
import { sleepWithAbort, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { isTerminal, type FineTuneJob, type FineTuneProvider } from '../../../trainer/types';
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
 * Poll until the job is terminal. A cancelled execution stops the wait (the sleep
 * throws n8n's cancellation error) and leaves the job running; so does the timeout,
 * which names the job so the workflow can continue with Job → Get.
 */
export async function waitForJob(ctx: IExecuteFunctions, provider: FineTuneProvider, job: FineTuneJob, settings: WaitSettings, itemIndex: number): Promise<FineTuneJob> {
  const intervalMs = Math.max(0, settings.pollIntervalSeconds * 1000);
  const deadline = Date.now() + Math.max(0, settings.timeoutMinutes * 60_000);
  const signal = ctx.getExecutionCancelSignal();
  let current = job;
  while (!isTerminal(current.status)) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw inputError(
        ctx.getNode(),
        `Fine-tuning job ${current.id} did not finish within ${settings.timeoutMinutes} minute(s) (status: ${current.status})`,
        itemIndex,
        `The job keeps running on the provider. Continue with the Job → Get operation and job ID ${current.id}, or raise the timeout.`,
      );
    }
    await sleepWithAbort(Math.min(intervalMs, remaining), signal);
    try {
      current = await provider.getJob(current.id);
    } catch (error) {
      // Cancelled during the request (n8n aborts it): end with n8n's cancellation error, as during the sleep.
      if (signal?.aborted) await sleepWithAbort(0, signal);
      throw toNodeError(ctx.getNode(), error, { itemIndex });
    }
  }
  return current;
}
