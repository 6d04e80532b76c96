/**
 * `searchModels`: the models the Model list of Fine-Tuned Chat and Fine-Tuned Chat Model offers. Fine-tuning providers list the account's
 * fine-tuned models (`ft:` ids on OpenAI and Azure, `…:suffix` LoRA models on Nebius, Together's
 * output names); an OpenAI-compatible server (vLLM, Ollama, llama.cpp) has no `ft:` ids, so it
 * lists everything its GET /models returns.
 */
import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';
import type { FineTunedModel } from '../../trainer/types';
import { dashboardUrl, resolveProvider, serviceName } from './connection';
import { FINE_TUNING_CREDENTIAL_LABEL } from './provider';
import { apiError, bodyMessage, toNodeError } from './service-errors';

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

export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
  const { provider, baseURL, credential } = await resolveProvider(this);
  let models: FineTunedModel[];
  try {
    models = credential.provider === 'compatible' ? await serverModels(this, baseURL) : await provider.listModels();
  } catch (error) {
    throw toNodeError(this.getNode(), error, { service: serviceName(credential), credential: FINE_TUNING_CREDENTIAL_LABEL });
  }
  const words = (filter ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const url = dashboardUrl(credential.provider, baseURL);
  const results: INodeListSearchItems[] = models
    .filter((m) => words.every((w) => `${m.id} ${m.baseModel ?? ''}`.toLowerCase().includes(w)))
    .map((m) => ({
      name: m.id,
      value: m.id,
      ...(m.baseModel ? { description: `Fine-tuned from ${m.baseModel}` } : {}),
      ...(url ? { url } : {}),
    }));
  return { results };
}
