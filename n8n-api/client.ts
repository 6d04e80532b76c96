/**
 * n8n's public REST API (`/api/v1`, `X-N8N-API-KEY`): the one client flowtune uses to
 * read a team's workflows (dataset source) and to create generated ones (import).
 * Errors say what the user can do: a refused key, n8n's own 400 message, an
 * unreachable host, a server that does not answer in time.
 */

import { FlowtuneError, kindOfStatus, type ErrorData } from '../core/errors';

/** How long one request to n8n may take (connect, answer and body) unless the caller says otherwise. */
export const N8N_API_TIMEOUT_MS = 30_000;

/** A failure talking to n8n; `serviceMessage` is n8n's own message when it answered with an error. */
export class N8nApiError extends FlowtuneError {
  override name = 'N8nApiError';
  constructor(message: string, data: Omit<ErrorData, 'provider'> = { kind: 'bad_request' }) {
    super(message, { ...data, provider: 'n8n' });
  }
}

/** What n8n's public API accepts when creating a workflow: anything else (id, active, tags, pinData, meta…) is refused. */
export interface N8nWorkflowBody {
  name: string;
  nodes: unknown[];
  connections: Record<string, unknown>;
  settings: Record<string, unknown>;
}

export interface N8nWorkflowPage {
  data?: Array<Record<string, unknown>>;
  nextCursor?: string | null;
}

/** Workflow settings keys n8n's public API schema allows (others are refused with a 400). */
const ALLOWED_SETTINGS = new Set([
  'saveExecutionProgress',
  'saveManualExecutions',
  'saveDataErrorExecution',
  'saveDataSuccessExecution',
  'executionTimeout',
  'errorWorkflow',
  'timezone',
  'executionOrder',
  'callerPolicy',
  'callerIds',
]);

/** Keep only what the create endpoint takes. */
export function workflowBody(workflow: { name?: unknown; nodes?: unknown; connections?: unknown; settings?: unknown }): N8nWorkflowBody {
  const settings: Record<string, unknown> = {};
  if (workflow.settings && typeof workflow.settings === 'object') {
    for (const [k, v] of Object.entries(workflow.settings)) if (ALLOWED_SETTINGS.has(k)) settings[k] = v;
  }
  // A wrapper ({name, description, workflow}) has no nodes list: never create an empty workflow in its place.
  if (!Array.isArray(workflow.nodes)) throw new N8nApiError('not a workflow: it has no "nodes" list (unwrap template records with unwrapWorkflow first)', { kind: 'invalid_input', field: 'nodes' });
  return {
    name: typeof workflow.name === 'string' && workflow.name !== '' ? workflow.name : 'Generated workflow',
    nodes: workflow.nodes,
    connections: workflow.connections && typeof workflow.connections === 'object' ? (workflow.connections as Record<string, unknown>) : {},
    settings,
  };
}

export class N8nApiClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly apiKey: string,
    private readonly fetchImpl: typeof fetch = fetch,
    /** Every request is abandoned after this long: a server that never answers is an error, not a hang. */
    readonly timeoutMs: number = N8N_API_TIMEOUT_MS,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  }

  /** The editor page of a workflow. */
  editorUrl(id: string): string {
    return `${this.baseUrl}/workflow/${encodeURIComponent(id)}`;
  }

  private async request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const url = `${this.baseUrl}/api/v1${path}`;
    // One signal over the whole exchange, reading the body included.
    const signal = AbortSignal.timeout(this.timeoutMs);
    const where = { baseURL: this.baseUrl };
    const timedOut = () => new N8nApiError(`n8n at ${this.baseUrl} did not answer ${method} ${path} within ${this.timeoutMs / 1000} s`, { kind: 'timeout', ...where });
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: { 'X-N8N-API-KEY': this.apiKey, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw timedOut();
      const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new N8nApiError(`cannot reach n8n at ${this.baseUrl}: ${cause}`, { kind: 'unreachable', serviceMessage: cause, ...where });
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw timedOut();
      throw new N8nApiError(`n8n at ${this.baseUrl} broke off its answer to ${method} ${path}: ${(error as Error).message}`, { kind: 'unreachable', serviceMessage: (error as Error).message, ...where });
    }
    if (response.status === 401 || response.status === 403) {
      throw new N8nApiError(`n8n refused the API key (HTTP ${response.status}): set --n8n-api-key or N8N_API_KEY to a key of ${this.baseUrl}`, {
        kind: 'invalid_key',
        status: response.status,
        setting: 'apiKey',
        ...where,
      });
    }
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { message?: string };
        if (typeof parsed.message === 'string') message = parsed.message;
      } catch {
        // not JSON: keep the text
      }
      throw new N8nApiError(`n8n answered ${method} ${path} with HTTP ${response.status}: ${message}`, { kind: kindOfStatus(response.status), status: response.status, serviceMessage: message, ...where });
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }

  async createWorkflow(workflow: Parameters<typeof workflowBody>[0]): Promise<{ id: string; name: string; editorUrl: string }> {
    const created = (await this.request('POST', '/workflows', workflowBody(workflow))) as { id?: unknown; name?: unknown };
    if (typeof created?.id !== 'string' && typeof created?.id !== 'number') throw new N8nApiError('n8n created the workflow but returned no id', { kind: 'bad_answer', baseURL: this.baseUrl });
    const id = String(created.id);
    return { id, name: String(created.name ?? ''), editorUrl: this.editorUrl(id) };
  }

  getWorkflow(id: string): Promise<Record<string, unknown>> {
    return this.request('GET', `/workflows/${encodeURIComponent(id)}`) as Promise<Record<string, unknown>>;
  }

  async deleteWorkflow(id: string): Promise<void> {
    await this.request('DELETE', `/workflows/${encodeURIComponent(id)}`);
  }

  /** Every workflow of the instance, page by page (250 per page, n8n's maximum). */
  async *listWorkflows(): AsyncGenerator<Record<string, unknown>> {
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: '250', ...(cursor ? { cursor } : {}) });
      const page = (await this.request('GET', `/workflows?${query}`)) as N8nWorkflowPage;
      for (const item of page.data ?? []) {
        // Some versions list workflows without their nodes: fetch the full one.
        yield !Array.isArray(item.nodes) && item.id !== undefined ? await this.getWorkflow(String(item.id)) : item;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}
