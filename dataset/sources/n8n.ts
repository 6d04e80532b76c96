/**
 * `n8n:<baseUrl>`: a team's own workflows from a live n8n through its public API
 * (`GET /api/v1/workflows`, cursor pagination, `X-N8N-API-KEY`).
 */
import { N8nApiClient } from '../../n8n-api/client';
import type { SourceRecord } from '../types';
import { recordFromObject } from './records';

export async function* readN8nWorkflows(baseUrl: string, apiKey: string): AsyncGenerator<SourceRecord> {
  const client = new N8nApiClient(baseUrl, apiKey);
  for await (const workflow of client.listWorkflows()) {
    const id = String(workflow.id ?? '?');
    yield recordFromObject(workflow, { source: 'n8n', ref: `${client.baseUrl}#${id}`, url: client.editorUrl(id) });
  }
}
