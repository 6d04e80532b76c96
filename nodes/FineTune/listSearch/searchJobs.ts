/**
 * `searchJobs`: the Job ID list. The account's fine-tuning jobs, newest first, found by any words
 * of their suffix, status, base model, fine-tuned model or ID. An empty account says why instead
 * of n8n's bare "No results".
 */
import { NodeOperationError, type ILoadOptionsFunctions, type INodeListSearchItems, type INodeListSearchResult } from 'n8n-workflow';
import type { FineTuneJob } from '../../../trainer/types';
import { fineTuningClient } from '../shared/client';
import { toNodeError } from '../../shared/errors';
import { searchWords } from '../../shared/list-search';

/** Jobs read per search: the list is for picking a recent job; older ones are given By ID. */
const JOBS_SEARCHED = 100;

function jobItem(job: FineTuneJob): INodeListSearchItems {
  const created = job.createdAt > 0 ? new Date(job.createdAt * 1000).toISOString().slice(0, 16).replace('T', ' ') : undefined;
  const description = [job.fineTunedModel ? `Model ${job.fineTunedModel}` : undefined, created ? `created ${created} UTC` : undefined].filter(Boolean).join(', ');
  return { name: [job.suffix, job.status, job.model, job.id].filter(Boolean).join(' · '), value: job.id, ...(description ? { description } : {}) };
}

export async function searchJobs(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
  const words = searchWords(filter);
  const results: INodeListSearchItems[] = [];
  let seen = 0;
  try {
    const { provider } = await fineTuningClient(this);
    for await (const job of provider.listJobs({ limit: JOBS_SEARCHED })) {
      seen++;
      if (words.matches(`${job.suffix ?? ''} ${job.status} ${job.model} ${job.fineTunedModel ?? ''} ${job.id}`)) results.push(jobItem(job));
      if (seen >= JOBS_SEARCHED) break;
    }
  } catch (error) {
    throw toNodeError(this.getNode(), error);
  }
  if (seen === 0) {
    // The editor splits this message at dashes: it has none.
    throw new NodeOperationError(this.getNode(), 'This account has no fine tuning jobs yet: start one with Job → Create, or choose By ID', {
      description: 'Jobs of the provider and account of the credential are listed here, newest first.',
    });
  }
  return { results };
}
