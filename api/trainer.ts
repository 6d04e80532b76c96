/**
 * `n8n-nodes-flowtune/trainer` — fine-tuning jobs on OpenAI, Azure OpenAI, Nebius Token Factory
 * and Together AI, or a bundle to train elsewhere.
 *
 * - Providers: `createProvider({ provider, apiKey, baseURL })` from the registry (`PROVIDERS`); each
 *   is a `FineTuneProvider` (upload, create, get, list, cancel, events, checkpoints, models, serving).
 * - Launch safely: `planLaunch(request)` checks settings and data before anything is sent;
 *   `launchJob(request, plan, { registry })` creates the job exactly once (`JobRegistry`).
 * - Follow: `watchJob` until the job ends, `saveJobMetrics` writes metrics.csv and loss.svg.
 * - Errors: `TrainerError` with a `kind` (`describeProviderError` classifies what an SDK threw).
 * - Elsewhere: `exportBundle` writes a TRL, Axolotl, LLaMA-Factory or Unsloth bundle.
 */
// Providers.
export { createProvider, PROVIDERS } from '../trainer/providers';
export type { FineTuneProvider, FineTuneJob, CreateJobRequest, JobEvent, JobCheckpoint, StepMetrics, ServingEndpoint } from '../trainer/types';
// Launch exactly once, then follow.
export { planLaunch, launchJob } from '../trainer/launch';
export { JobRegistry } from '../trainer/job-store';
export { watchJob, saveJobMetrics } from '../trainer/watch';
// Errors as data.
export { TrainerError, UnsupportedSettingsError } from '../trainer/errors';
export { describeProviderError } from '../trainer/provider-errors';
// Train elsewhere.
export { exportBundle } from '../trainer/bundles';
