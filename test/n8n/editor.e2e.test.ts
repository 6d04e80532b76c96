/**
 * What the editor asks the n8n backend for, asked of a real n8n with the package loaded: the
 * credential test (Test button of the credential modal), the resource locator lists (From List),
 * the node types with their versions, and old (version 1) and new (1.1) nodes running side by side.
 */
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { trainingFile } from '../helpers/generator-fixtures';
import { webPage, type WebPage } from '../helpers/web-page';
import { N8nHttpError, n8nApi, startN8n, unpackedPackage, type N8nApi, type RunningN8n } from './harness';

jest.setTimeout(300_000);

describe('flowtune nodes as the n8n editor meets them', () => {
  let n8n: RunningN8n | undefined;
  let fake: FakeOpenAI;
  let page: WebPage;
  let api: N8nApi;
  const saved: Record<string, { id: string; name: string; type: string; data: Record<string, unknown> }> = {};

  beforeAll(async () => {
    fake = await startFakeOpenAI({ minExamples: 1, chatModels: ['generator-model'] });
    page = await webPage();
    n8n = await startN8n({ customExtensions: unpackedPackage() });
    api = n8nApi(n8n);
    const domains = { allowedHttpRequestDomains: 'all' };
    const save = async (key: string, type: string, data: Record<string, unknown>) => {
      const full = { ...data, ...domains };
      const made = await api.post<{ id: string; name: string }>('/credentials', { name: key, type, data: full });
      saved[key] = { id: made.id, name: made.name, type, data: full };
    };
    await save('provider', 'flowtuneFineTuningApi', { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL, organization: '' });
    await save('provider without /v1', 'flowtuneFineTuningApi', { provider: 'compatible', apiKey: 'x', baseUrl: fake.url });
    await save('n8n editor as provider', 'flowtuneFineTuningApi', { provider: 'compatible', apiKey: 'x', baseUrl: n8n.url });
    await save('refused key', 'flowtuneFineTuningApi', { provider: 'openai', apiKey: 'sk-wrong', baseUrl: fake.baseURL, organization: '' });
    await save('this n8n', 'flowtuneN8nApi', { baseUrl: n8n.url, apiKey: n8n.apiKey });
    await save('refused n8n key', 'flowtuneN8nApi', { baseUrl: n8n.url, apiKey: 'wrong' });
    await save('a web page as n8n', 'flowtuneN8nApi', { baseUrl: page.url, apiKey: 'k' });
  });

  afterAll(async () => {
    await n8n?.stop();
    await fake?.close();
    await page?.close();
  });

  const credentialTest = (key: string) => {
    const { id, name, type, data } = saved[key];
    return api.rest<{ data: { status: string; message: string } }>('/rest/credentials/test', { method: 'POST', body: { credentials: { id, name, type, data } } }).then((r) => r.data);
  };

  it('tests a credential by the answer, not the status: a web page or a root without /v1 fails with the fix', async () => {
    expect(await credentialTest('provider')).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(await credentialTest('this n8n')).toEqual({ status: 'OK', message: 'Connection successful!' });
    const notAnApi = /^The Base URL did not answer like an OpenAI-compatible API .*usually ends with \/v1/;
    expect(await credentialTest('n8n editor as provider')).toEqual({ status: 'Error', message: expect.stringMatching(notAnApi) });
    expect(await credentialTest('provider without /v1')).toEqual({ status: 'Error', message: expect.stringMatching(notAnApi) });
    expect(await credentialTest('refused key')).toEqual({ status: 'Error', message: 'The API key was refused: check the API Key' });
    expect(await credentialTest('a web page as n8n')).toEqual({ status: 'Error', message: expect.stringMatching(/^The Base URL did not answer like n8n's public API/) });
    expect(await credentialTest('refused n8n key')).toEqual({ status: 'Error', message: expect.stringMatching(/^n8n refused the API key/) });
  });

  const listSearch = async (node: string, version: number, methodName: string, pathName: string, parameters: Record<string, unknown>, filter?: string) => {
    const { id, name } = saved.provider;
    return api.rest<{ data: { results: Array<{ name: string; value: string }> } }>('/rest/dynamic-node-parameters/resource-locator-results', {
      method: 'POST',
      body: {
        nodeTypeAndVersion: { name: node, version },
        methodName,
        path: pathName,
        currentNodeParameters: parameters,
        credentials: { flowtuneFineTuningApi: { id, name } },
        ...(filter ? { filter } : {}),
      },
    });
  };

  it('explains an empty list, then lists jobs and models for the Fine-Tune node and the Workflow Generator', async () => {
    const empty = await listSearch('CUSTOM.fineTunedChat', 1, 'searchModels', 'model', { model: { __rl: true, mode: 'list', value: '' } }).catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(N8nHttpError);
    expect(JSON.parse((empty as N8nHttpError).body).message).toMatch(/^OpenAI lists no models you trained yet, and base models are not listed here: choose By ID and type one/);

    const job = await fetch(`${fake.baseURL}/fine_tuning/jobs`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini-2024-07-18', training_file: await upload(), suffix: 'support-bot' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    fake.advance(job.id);

    const jobs = await listSearch('CUSTOM.fineTune', 1.1, 'searchJobs', 'jobId', { resource: 'job', operation: 'get', jobId: { __rl: true, mode: 'list', value: '' } }, 'support succeeded');
    expect(jobs.data.results).toEqual([{ name: `support-bot · succeeded · gpt-4o-mini-2024-07-18 · ${job.id}`, value: job.id, description: expect.stringMatching(/^Model ft:gpt-4o-mini-2024-07-18:.*support-bot/) }]);
    const models = await listSearch('CUSTOM.fineTune', 1.1, 'searchModels', 'modelId', { resource: 'model', operation: 'delete', modelId: { __rl: true, mode: 'list', value: '' } });
    expect(models.data.results.map((r) => r.value)).toEqual([expect.stringMatching(/^ft:gpt-4o-mini-2024-07-18:.*support-bot/)]);
    const generator = await listSearch('CUSTOM.workflowGenerator', 1.1, 'searchModels', 'model', { modelSource: 'model', model: { __rl: true, mode: 'list', value: '' } }, 'support');
    expect(generator.data.results.map((r) => r.value)).toEqual(models.data.results.map((r) => r.value));
  });

  async function upload(): Promise<string> {
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob([`${line}\n`]), 'train.jsonl');
    const file = (await fetch(`${fake.baseURL}/files`, { method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: form }).then((r) => r.json())) as { id: string };
    return file.id;
  }

  it('offers versions 1–1.2 of the Fine-Tune node and 1–1.1 of the Workflow Generator, and runs both Generator versions', async () => {
    const nodes = (await fetch(`${running().url}/types/nodes.json`, { headers: { cookie: running().cookie } }).then((r) => r.json())) as Array<{ name: string; version: number | number[]; defaultVersion?: number }>;
    const versions = Object.fromEntries(nodes.filter((n) => n.name.startsWith('CUSTOM.')).map((n) => [n.name, [n.version, n.defaultVersion]]));
    expect(versions).toMatchObject({ 'CUSTOM.fineTune': [[1, 1.1, 1.2], 1.2], 'CUSTOM.workflowGenerator': [[1, 1.1], 1.1] });

    const names = ['Webhook', 'Old Generator', 'New Generator'];
    const created = await api.post<{ id: string }>('/workflows', {
      name: 'e2e: generator versions',
      nodes: [
        { name: names[0], type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'flowtune-versions', parameters: { httpMethod: 'POST', path: 'versions', responseMode: 'lastNode', options: {} } },
        // Version 1 as saved before 1.1: the chat model by default (no modelSource), the model as text.
        {
          name: names[1],
          type: 'CUSTOM.workflowGenerator',
          typeVersion: 1,
          position: [200, 0],
          parameters: { request: 'Every hour, fetch the open GitHub issues', model: 'generator-model' },
          credentials: { flowtuneFineTuningApi: { id: saved.provider.id, name: saved.provider.name } },
        },
        // Version 1.1 with the defaults: the retrieval baseline, no credential.
        {
          name: names[2],
          type: 'CUSTOM.workflowGenerator',
          typeVersion: 1.1,
          position: [400, 0],
          parameters: { request: 'Call a health check URL every hour', options: { trainingData: trainingFile() } },
        },
      ],
      connections: { [names[0]]: { main: [[{ node: names[1], type: 'main', index: 0 }]] }, [names[1]]: { main: [[{ node: names[2], type: 'main', index: 0 }]] } },
      settings: { executionOrder: 'v1' },
    });
    fake.chat.respondWith(() => JSON.stringify({ name: 'Issues', nodes: [{ name: 'Schedule Trigger', type: 'n8n-nodes-base.scheduleTrigger', parameters: {} }], connections: {} }));
    await api.post(`/workflows/${created.id}/activate`, {});
    const response = await fetch(`${running().url}/webhook/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ baseline: true, label: expect.stringMatching(/baseline/i) });
    expect(fake.chat.requests).toHaveLength(1);
    expect(fake.chat.requests[0].model).toBe('generator-model');
  });

  const running = () => {
    if (!n8n) throw new Error('n8n did not start (see beforeAll)');
    return n8n;
  };
});
