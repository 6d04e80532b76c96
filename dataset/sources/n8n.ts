/**
 * `n8n:<baseUrl>`: a team's own workflows from a live n8n through its public API
 * (`GET /api/v1/workflows`, cursor pagination, `X-N8N-API-KEY`).
 */
import { N8nApiClient } from '../../n8n-api/client';
import type { SourceRecord } from '../types';
import { recordFromObject } from './records';
import { SourceSpecError, type SourceAdapter } from './source';

export async function* readN8nWorkflows(baseUrl: string, apiKey: string): AsyncGenerator<SourceRecord> {
  const client = new N8nApiClient(baseUrl, apiKey);
  for await (const workflow of client.listWorkflows()) {
    const id = String(workflow.id ?? '?');
    yield recordFromObject(workflow, { source: 'n8n', ref: `${client.baseUrl}#${id}`, url: client.editorUrl(id) });
  }
}

export const N8N_SOURCE: SourceAdapter<{ kind: 'n8n'; baseUrl: string }> = {
  prefix: 'n8n',
  usage: 'n8n:<baseUrl>',
  parse: (rest) => (rest !== undefined && /^https?:\/\//.test(rest) ? { kind: 'n8n', baseUrl: rest } : undefined),
  describe: (spec) => `n8n:${spec.baseUrl}`,
  read(spec, options) {
    if (!options.n8nApiKey) throw new SourceSpecError(`n8n:${spec.baseUrl} needs an API key: --n8n-api-key or N8N_API_KEY`);
    return readN8nWorkflows(spec.baseUrl, options.n8nApiKey);
  },
};
