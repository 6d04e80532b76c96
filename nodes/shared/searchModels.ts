/**
 * `searchModels`: the models the Model list of Fine-Tuned Chat and Fine-Tuned Chat Model offers. Fine-tuning providers list the account's
 * fine-tuned models (`ft:` ids on OpenAI and Azure, `…:suffix` LoRA models on Nebius, Together's
 * output names); an OpenAI-compatible server (vLLM, Ollama, llama.cpp) has no `ft:` ids, so it
 * lists everything its GET /models returns. An empty list is an error that says why (n8n's list
 * has no words for it but "No results").
 */
import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchItems, type INodeListSearchResult } from 'n8n-workflow';
import type { FineTunedModel } from '../../trainer/types';
import { dashboardUrl, resolveProvider, serviceName } from './connection';
import { searchWords } from './list-search';
import { FINE_TUNING_CREDENTIAL_LABEL } from './provider';
import { bodyMessage } from '../../core/errors';
import { apiError, toNodeError } from './errors';

interface WireModel {
  id?: unknown;
  created?: unknown;
  owned_by?: unknown;
}

/** GET {baseUrl}/models of an OpenAI-compatible server, with the credential's authentication. */
async function serverModels(ctx: ILoadOptionsFunctions, baseURL: string): Promise<FineTunedModel[]> {
  const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'flowtuneFineTuningApi', {
    method: 'GET',
    url: `${baseURL.replace(/\/+$/, '')}/models`,
    headers: { accept: 'application/json' },
    json: true,
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
  })) as { statusCode: number; body: unknown };
  let body = response.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      // reported below
    }
  }
  if (response.statusCode >= 400) {
    throw apiError(ctx.getNode(), { status: response.statusCode, message: bodyMessage(body) ?? 'no message' }, { service: serviceName({ provider: 'compatible' }), credential: FINE_TUNING_CREDENTIAL_LABEL }, body);
  }
  const data = body && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw apiError(ctx.getNode(), { status: response.statusCode, message: 'GET /models did not answer with a model list' }, { service: serviceName({ provider: 'compatible' }), credential: FINE_TUNING_CREDENTIAL_LABEL }, body);
  return (data as WireModel[]).flatMap((m) =>
    typeof m?.id === 'string' ? [{ id: m.id, createdAt: typeof m.created === 'number' ? m.created : 0, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : '' }] : [],
  );
}

/**
 * Why the list is empty, as the list's error view shows it (n8n has no words for an empty list but
 * "No results"). The editor splits the message at dashes, so it has none; the details go to the description.
 */
function noModels(ctx: ILoadOptionsFunctions, provider: string): NodeOperationError {
  if (provider === 'compatible') {
    return new NodeOperationError(ctx.getNode(), 'The server lists no models (its GET /models list is empty): choose By ID and type the model name it serves', {
      description: 'e.g. the model or LoRA name given to vLLM, or an Ollama model such as llama3.1:8b.',
    });
  }
  return new NodeOperationError(ctx.getNode(), `${serviceName({ provider })} lists no models you trained yet, and base models are not listed here: choose By ID and type one`, {
    description:
      'This list shows the fine-tuned models of the account. Type a base model by ID (e.g. gpt-4o-mini-2024-07-18), or fine-tune one with the Fine-Tune node (Job → Create): its model appears here once the job has succeeded.',
  });
}

export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
  const { provider, baseURL, credential } = await resolveProvider(this);
  let models: FineTunedModel[];
  try {
    models = credential.provider === 'compatible' ? await serverModels(this, baseURL) : await provider.listModels();
  } catch (error) {
    throw toNodeError(this.getNode(), error, { service: serviceName(credential), credential: FINE_TUNING_CREDENTIAL_LABEL });
  }
  if (models.length === 0) throw noModels(this, credential.provider);
  const words = searchWords(filter);
  const url = dashboardUrl(credential.provider, baseURL);
  const results: INodeListSearchItems[] = models
    .filter((m) => words.matches(`${m.id} ${m.baseModel ?? ''}`))
    .map((m) => ({
      name: m.id,
      value: m.id,
      ...(m.baseModel ? { description: `Fine-tuned from ${m.baseModel}` } : {}),
      ...(url ? { url } : {}),
    }));
  return { results };
}
