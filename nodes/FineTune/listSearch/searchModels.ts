/**
 * `searchModels`: the Model ID list. The fine-tuned models of the account (what Model → Get Many
 * outputs), found by any words of their ID or base model. An empty account says why instead of
 * n8n's bare "No results": base models are not the provider's to delete and are not listed.
 */
import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';
import type { FineTunedModel } from '../../../trainer/types';
import { fineTuningClient } from '../shared/client';
import { toNodeError } from '../../shared/errors';
import { searchWords } from '../../shared/list-search';

export async function searchModels(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
  const words = searchWords(filter);
  let models: FineTunedModel[];
  let label: string;
  try {
    const client = await fineTuningClient(this);
    label = client.label;
    models = await client.provider.listModels();
  } catch (error) {
    throw toNodeError(this.getNode(), error);
  }
  if (models.length === 0) {
    // The editor splits this message at dashes: it has none.
    throw new NodeOperationError(this.getNode(), `${label} lists no models you trained yet: fine tune one with Job → Create, or choose By ID`, {
      description: 'This list shows the fine-tuned models of the account (the fineTunedModel of succeeded jobs); base models are not listed.',
    });
  }
  return {
    results: models
      .filter((m) => words.matches(`${m.id} ${m.baseModel ?? ''}`))
      .map((m) => ({ name: m.id, value: m.id, ...(m.baseModel ? { description: `Fine-tuned from ${m.baseModel}` } : {}) })),
  };
}
