/**
 * The package inside a real n8n: `npm pack` of the built package, unpacked into a folder
 * that n8n loads through N8N_CUSTOM_EXTENSIONS (its dependencies resolvable above it, as
 * in an install). The three nodes and both credentials must load without errors, and
 * workflows that use them must run — triggered by webhooks, against the local fake
 * OpenAI-compatible server — with results read back through n8n's public API:
 * workflows → training data → job → wait → chat with the new model; generate → create in n8n.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { compactWorkflow, hydrateWorkflow } from '../../dataset/compact';
import { cleanWorkflow } from '../../dataset/clean';
import { loadCatalog } from '../../schemas/catalog/load';
import { validateWorkflow } from '../../schemas/validator';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { loadTemplates, stockOnly } from '../helpers/templates';
import { n8nApi, startN8n, unpackedPackage, type N8nApi, type RunningN8n } from './harness';

jest.setTimeout(300_000);

const root = path.join(__dirname, '..', '..');
const catalog = loadCatalog();
/** Nodes loaded from a custom extensions folder get n8n's CUSTOM package prefix. */
const custom = (type: string) => type.replace(/^n8n-nodes-flowtune\./, 'CUSTOM.');

const SLACK_WORKFLOW = {
  name: 'GitHub issues to Slack',
  nodes: [
    { name: 'Schedule Trigger', type: 'n8n-nodes-base.scheduleTrigger', parameters: {} },
    { name: 'HTTP Request', type: 'n8n-nodes-base.httpRequest', parameters: { url: 'https://api.github.com/repos/acme/app/issues' } },
  ],
  connections: { 'Schedule Trigger': { main: [['HTTP Request']] } },
};

function webhook(pathName: string) {
  return {
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    webhookId: `flowtune-${pathName}`,
    parameters: { httpMethod: 'POST', path: pathName, responseMode: 'lastNode', options: {} },
  };
}

const chain = (names: string[]) => Object.fromEntries(names.slice(0, -1).map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]));

describe('flowtune nodes in a real n8n', () => {
  let n8n: RunningN8n | undefined;
  let fake: FakeOpenAI;
  let api: N8nApi;
  const credentials: Record<string, { id: string; name: string }> = {};

  beforeAll(async () => {
    fake = await startFakeOpenAI({ minExamples: 1, autoAdvance: 50, chatModels: ['generator-model'] });
    n8n = await startN8n({ customExtensions: unpackedPackage() });
    api = n8nApi(n8n);
    const create = async (name: string, type: string, data: Record<string, unknown>) => {
      const made = await api.post<{ id: string; name: string }>('/credentials', { name, type, data });
      credentials[type] = { id: made.id, name: made.name };
    };
    // n8n adds "Allowed HTTP Request Domains" to credentials with `authenticate`; its API schema wants it said.
    const domains = { allowedHttpRequestDomains: 'all' };
    await create('Fake provider', 'flowtuneFineTuningApi', { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL, organization: '', ...domains });
    await create('This n8n (flowtune)', 'flowtuneN8nApi', { baseUrl: n8n.url, apiKey: n8n.apiKey, ...domains });
    await create('This n8n', 'n8nApi', { apiKey: n8n.apiKey, baseUrl: `${n8n.url}/api/v1` });
  });

  afterAll(async () => {
    await n8n?.stop();
    await fake?.close();
  });

  const running = () => {
    if (!n8n) throw new Error('n8n did not start (see beforeAll)');
    return n8n;
  };

  /** Create, activate, call the webhook; returns the response body and the execution read back through the API. */
  async function runThroughWebhook(workflow: Record<string, unknown>, pathName: string, body: unknown) {
    const created = await api.post<{ id: string }>('/workflows', workflow);
    await api.post(`/workflows/${created.id}/activate`, {});
    const response = await fetch(`${running().url}/webhook/${pathName}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    const executions = await api.get<{ data: Array<{ id: string; status: string; workflowId: string }> }>(`/executions?workflowId=${created.id}&includeData=false`);
    return { status: response.status, text, workflowId: created.id, executions: executions.data };
  }

  it('loads the three nodes and both credentials without errors', async () => {
    const nodes = (await fetch(`${running().url}/types/nodes.json`, { headers: { cookie: running().cookie } }).then((r) => r.json())) as Array<{ name: string; displayName: string }>;
    const names = nodes.map((n) => n.name);
    expect(names).toEqual(expect.arrayContaining(['CUSTOM.fineTune', 'CUSTOM.fineTunedChat', 'CUSTOM.workflowGenerator']));
    const creds = (await fetch(`${running().url}/types/credentials.json`, { headers: { cookie: running().cookie } }).then((r) => r.json())) as Array<{ name: string }>;
    expect(creds.map((c) => c.name)).toEqual(expect.arrayContaining(['flowtuneFineTuningApi', 'flowtuneN8nApi']));
    expect(running().log()).not.toMatch(/error.*(fineTune|fineTunedChat|workflowGenerator|flowtune)|Error loading|failed to load/i);
  });

  it('builds training data from the instance’s workflows, fine-tunes, waits and chats with the new model', async () => {
    // Workflows for the n8n node to read: real templates, hydrated; enough for OpenAI's minimum of 10 training examples.
    const templates = stockOnly(await loadTemplates(), catalog);
    let seeded = 0;
    for (const t of templates) {
      const cleaned = cleanWorkflow(t.workflow, t.record.name).workflow;
      if (!validateWorkflow(cleaned, { catalog }).valid || cleaned.nodes.length > 12) continue;
      await api.post('/workflows', hydrateWorkflow(compactWorkflow(cleaned, { catalog }), { catalog }));
      if (++seeded === 14) break;
    }
    fake.chat.respondWith(() => JSON.stringify(SLACK_WORKFLOW));
    const names = ['Webhook', 'Get Many Workflows', 'Build Training Data', 'Create Fine-Tuning Job', 'Chat'];
    const workflow = {
      name: 'e2e: fine-tune and chat',
      nodes: [
        webhook('fine-tune'),
        { name: names[1], type: 'n8n-nodes-base.n8n', typeVersion: 1, position: [200, 0], parameters: { resource: 'workflow', operation: 'getAll', returnAll: true, filters: {} }, credentials: { n8nApi: credentials.n8nApi } },
        { name: names[2], type: 'CUSTOM.fineTune', typeVersion: 1, position: [400, 0], parameters: { resource: 'dataset', operation: 'buildTrainingData', model: 'gpt-4o-mini-2024-07-18', validationSplit: 0, options: { includeReport: false } } },
        {
          name: names[3],
          type: 'CUSTOM.fineTune',
          typeVersion: 1,
          position: [600, 0],
          parameters: { resource: 'job', operation: 'create', trainingSource: 'inputItems', validationSource: 'none', model: 'gpt-4o-mini-2024-07-18', waitForCompletion: true, pollInterval: 1, waitTimeout: 5, options: { suffix: 'e2e' } },
          credentials: { flowtuneFineTuningApi: credentials.flowtuneFineTuningApi },
        },
        {
          name: names[4],
          type: 'CUSTOM.fineTunedChat',
          typeVersion: 1,
          position: [800, 0],
          parameters: { model: { __rl: true, mode: 'id', value: '={{ $json.fineTunedModel }}' }, systemPromptSource: 'flowtune', promptType: 'single', prompt: 'Post new GitHub issues to Slack', options: { jsonOutput: true } },
          credentials: { flowtuneFineTuningApi: credentials.flowtuneFineTuningApi },
        },
      ],
      connections: chain(names),
      settings: { executionOrder: 'v1' },
    };
    const run = await runThroughWebhook(workflow, 'fine-tune', {});
    expect({ status: run.status, text: run.status === 200 ? '' : run.text }).toEqual({ status: 200, text: '' });
    const answer = JSON.parse(run.text) as { model: string; content: string; json: { nodes: unknown[] } };
    expect(answer.model).toMatch(/^ft:gpt-4o-mini-2024-07-18:.*:e2e:/);
    expect(answer.json.nodes).toHaveLength(2);
    expect(run.executions[0]).toMatchObject({ status: 'success', workflowId: run.workflowId });
    // What reached the provider: one job, trained on the seeded workflows, succeeded.
    const jobs = [...fake.state.jobs.values()];
    expect(jobs).toHaveLength(1);
    const training = fake.state.files.get(jobs[0].trainingFile)!.content.toString('utf8').trim().split('\n');
    expect(training.length).toBeGreaterThanOrEqual(seeded);
    expect(JSON.parse(training[0]).messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
  });

  it('generates a workflow and creates it in n8n', async () => {
    fake.chat.respondWith(() => `Here it is:\n\`\`\`json\n${JSON.stringify(SLACK_WORKFLOW)}\n\`\`\``);
    const names = ['Webhook', 'Workflow Generator'];
    const workflow = {
      name: 'e2e: generate and create',
      nodes: [
        webhook('generate'),
        {
          name: names[1],
          type: 'CUSTOM.workflowGenerator',
          typeVersion: 1,
          position: [200, 0],
          parameters: { request: '={{ $json.body.request }}', modelSource: 'model', model: 'generator-model', onInvalid: 'fail', createInN8n: true, options: {} },
          credentials: { flowtuneFineTuningApi: credentials.flowtuneFineTuningApi, flowtuneN8nApi: credentials.flowtuneN8nApi },
        },
      ],
      connections: chain(names),
      settings: { executionOrder: 'v1' },
    };
    const run = await runThroughWebhook(workflow, 'generate', { request: 'Every hour, fetch the open GitHub issues' });
    expect(run.status).toBe(200);
    const result = JSON.parse(run.text) as { valid: boolean; created: { id: string; editorUrl: string }; trace: { rounds: unknown[] } };
    expect(result.valid).toBe(true);
    expect(result.created.editorUrl).toBe(`${running().url}/workflow/${result.created.id}`);
    const back = await api.get<{ name: string; nodes: Array<{ type: string }> }>(`/workflows/${result.created.id}`);
    expect(back.nodes.map((n) => n.type)).toEqual(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.httpRequest']);
  });

  it('imports the examples (validated by flowtune) and gets their nodes back', async () => {
    const ownCatalog = loadCatalog([path.join(root, 'schemas', 'catalog', 'flowtune-nodes.json')]);
    const files = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const example = JSON.parse(readFileSync(path.join(root, 'examples', file), 'utf8')) as { name: string; nodes: Array<{ type: string; credentials?: unknown }>; connections: unknown; settings: unknown };
      expect(validateWorkflow(example, { catalog: ownCatalog }).errors).toEqual([]);
      // Credentials of the example refer to ids of another instance: imported without them.
      const nodes = example.nodes.map(({ credentials: _, ...n }) => ({ ...n, type: custom(n.type) }));
      const created = await api.post<{ id: string }>('/workflows', { name: example.name, nodes, connections: example.connections, settings: example.settings });
      const back = await api.get<{ nodes: Array<{ type: string }> }>(`/workflows/${created.id}`);
      expect(back.nodes.map((n) => n.type)).toEqual(nodes.map((n) => n.type));
    }
  });
});

