/**
 * The fine-tuning provider of the node's credential (`resolveProvider`, HTTP through n8n's
 * helpers), with every call's failure turned into a ProviderCallError in n8n wording. The launcher passes TrainerErrors through unchanged and still sees
 * their kind and status, so its retry decisions are the same as on the bare provider.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import type { FineTuneProvider } from '../../../trainer/types';
import { resolveProvider } from '../../shared/connection';
import { providerCallError, type ProviderIdentity } from '../../shared/errors';

export interface FineTuningClient extends ProviderIdentity {
  provider: FineTuneProvider;
}

function guarded(inner: FineTuneProvider, who: ProviderIdentity): FineTuneProvider {
  const call = async <T>(run: () => Promise<T>, context: { model?: string; file?: string } = {}): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw providerCallError(error, who, context);
    }
  };
  return {
    name: inner.name,
    uploadFile: (content, filename) => call(() => inner.uploadFile(content, filename), { file: filename }),
    createJob: (request) => call(() => inner.createJob(request), { model: request.model }),
    getJob: (id) => call(() => inner.getJob(id)),
    async *listJobs(options) {
      try {
        yield* inner.listJobs(options);
      } catch (error) {
        throw providerCallError(error, who);
      }
    },
    cancelJob: (id) => call(() => inner.cancelJob(id)),
    listEvents: (id, limit) => call(() => inner.listEvents(id, limit)),
    listCheckpoints: (id) => call(() => inner.listCheckpoints(id)),
    metrics: (job) => call(() => inner.metrics(job)),
    listModels: () => call(() => inner.listModels()),
    deleteModel: (id) => call(() => inner.deleteModel(id), { model: id }),
    servingFor: (model) => call(() => inner.servingFor(model), { model }),
  };
}

export async function fineTuningClient(ctx: IExecuteFunctions | ILoadOptionsFunctions): Promise<FineTuningClient> {
  const resolved = await resolveProvider(ctx);
  const who: ProviderIdentity = {
    name: resolved.provider.name,
    label: resolved.credential.provider === 'compatible' ? 'OpenAI-compatible server' : resolved.info.label,
    baseURL: resolved.baseURL,
  };
  return { ...who, provider: guarded(resolved.provider, who) };
}
