/**
 * The fine-tuning credential as the chat-side nodes use it: the provider (through n8n's HTTP
 * helpers), a name for it in messages, where its dashboard is, how long to wait for a model,
 * and serving each model once per run.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type ILoadOptionsFunctions, type ISupplyDataFunctions } from 'n8n-workflow';
import { DEFAULT_MODEL_TIMEOUT_MS } from '../../generator/models';
import { PROVIDERS, isProviderName } from '../../trainer/providers';
import { TrainerError } from '../../trainer/errors';
import { sentenceStart } from './errors';
import { FINE_TUNING_CREDENTIAL, FINE_TUNING_CREDENTIAL_LABEL, providerFromCredential, type FineTuningCredential } from './provider';

export type ResolvedCredentialProvider = Awaited<ReturnType<typeof providerFromCredential>>;

/** How long the chat-side nodes wait for a model answer by default (their Timeout option): the generator's default. */
export { DEFAULT_MODEL_TIMEOUT_MS };

/** The Timeout option in milliseconds; the default when it is unset or not positive. */
export function modelTimeoutMs(options: IDataObject): number {
  return typeof options.timeout === 'number' && options.timeout > 0 ? options.timeout : DEFAULT_MODEL_TIMEOUT_MS;
}

/**
 * The pending value for `key`, made once per run (serving a model may deploy it or look up a
 * job); a failure is forgotten, so that the next item tries again.
 */
export function oncePerKey<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let pending = cache.get(key);
  if (!pending) {
    pending = make();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

/** "OpenAI", "Together AI", … or "the OpenAI-compatible server" for vLLM, Ollama, llama.cpp. */
export function serviceName(credential: Pick<FineTuningCredential, 'provider'>): string {
  if (credential.provider === 'compatible') return 'the OpenAI-compatible server';
  return isProviderName(credential.provider) ? PROVIDERS[credential.provider].label : credential.provider;
}

/**
 * The provider of the node's credential, for every node (the one credential → provider step); a
 * missing key or base URL is said in the credential's words, from the error's `setting`.
 */
export async function resolveProvider(ctx: IExecuteFunctions | ISupplyDataFunctions | ILoadOptionsFunctions, itemIndex?: number): Promise<ResolvedCredentialProvider> {
  try {
    return await providerFromCredential(ctx);
  } catch (error) {
    if (!(error instanceof TrainerError)) throw new NodeOperationError(ctx.getNode(), error as Error, itemIndex !== undefined ? { itemIndex } : {});
    const credential = (await ctx.getCredentials(FINE_TUNING_CREDENTIAL)) as unknown as FineTuningCredential;
    const where = itemIndex !== undefined ? { itemIndex } : {};
    if (error.setting === 'apiKey') {
      throw new NodeOperationError(ctx.getNode(), `The "${FINE_TUNING_CREDENTIAL_LABEL}" credential has no API key for ${serviceName(credential)}`, {
        ...where,
        description: 'Add the API key to the credential (local servers accept any value).',
      });
    }
    if (error.setting === 'baseURL') {
      throw new NodeOperationError(ctx.getNode(), `${sentenceStart(serviceName(credential))} needs a Base URL in the "${FINE_TUNING_CREDENTIAL_LABEL}" credential`, {
        ...where,
        description: credential.provider === 'azure' ? 'The v1 API of your resource, e.g. https://RESOURCE.openai.azure.com/openai/v1' : undefined,
      });
    }
    throw new NodeOperationError(ctx.getNode(), error.message, where);
  }
}

/**
 * The provider's page for fine-tuned models, when flowtune knows one and the credential talks to
 * the provider itself (not a proxy or another server at a custom Base URL).
 */
export function dashboardUrl(provider: string, baseURL: string): string | undefined {
  let host: string;
  try {
    host = new URL(baseURL).host;
  } catch {
    return undefined;
  }
  if (provider === 'openai' && host === 'api.openai.com') return 'https://platform.openai.com/finetune';
  return undefined;
}
