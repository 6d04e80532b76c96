/**
 * `n8n:<baseUrl>`: a team's own workflows from a live n8n through its public API
 * (`GET /api/v1/workflows`, cursor pagination, `X-N8N-API-KEY`).
 */
import type { SourceRecord } from '../types';
import { recordFromObject } from './records';

export class N8nSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'N8nSourceError';
  }
}

interface WorkflowPage {
  data?: Array<Record<string, unknown>>;
  nextCursor?: string | null;
}

async function getJson(url: string, apiKey: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'X-N8N-API-KEY': apiKey, accept: 'application/json' } });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new N8nSourceError(`cannot reach n8n at ${new URL(url).origin}: ${cause}`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new N8nSourceError(`n8n refused the API key (HTTP ${response.status}): set --n8n-api-key or N8N_API_KEY to a key of that instance`);
  }
  if (!response.ok) throw new N8nSourceError(`GET ${url} failed with HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response.json();
}

/** Every workflow of the instance, page by page (250 per page, n8n's maximum). */
export async function* readN8nWorkflows(baseUrl: string, apiKey: string): AsyncGenerator<SourceRecord> {
  const base = baseUrl.replace(/\/+$/, '');
  let cursor: string | undefined;
  do {
    const url = new URL(`${base}/api/v1/workflows`);
    url.searchParams.set('limit', '250');
    if (cursor) url.searchParams.set('cursor', cursor);
    const page = (await getJson(url.toString(), apiKey)) as WorkflowPage;
    for (const item of page.data ?? []) {
      let workflow = item;
      // Some versions list workflows without their nodes: fetch the full one.
      if (!Array.isArray(workflow.nodes) && workflow.id !== undefined) {
        workflow = (await getJson(`${base}/api/v1/workflows/${encodeURIComponent(String(workflow.id))}`, apiKey)) as Record<string, unknown>;
      }
      yield recordFromObject(workflow, { source: 'n8n', ref: `${base}#${String(item.id ?? '?')}`, url: `${base}/workflow/${String(item.id ?? '')}` });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
