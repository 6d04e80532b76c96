/**
 * The Fine-Tune node through its execute(), as n8n runs it (test/helpers/n8n-context.ts),
 * against the fake OpenAI-compatible server: every operation of every resource, item
 * pairing, continueOnFail, and the failure paths (wrong key, bad items, the 2027 sunset
 * refusal, cancelled execution, timeout, duplicate create).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ExecutionCancelledError, NodeApiError, NodeOperationError, type IDataObject, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { DEFAULT_BUILD_SETTINGS } from '../../../dataset/build';
import { FineTune } from '../../../nodes/FineTune/FineTune.node';
import { plainDescription } from '../../../nodes/shared/errors';
import { IDEMPOTENCY_METADATA_KEY } from '../../../trainer/launch';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { displayedParameters, editorNode } from '../../helpers/editor';
import { loadOptionsFunctions, runNode, type NodeRunOptions } from '../../helpers/n8n-context';

const node = new FineTune();
const MODEL = 'gpt-4o-mini-2024-07-18';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

const credentials = (apiKey = 'sk-test') => ({ flowtuneFineTuningApi: { provider: 'openai', apiKey, baseUrl: fake.baseURL } });

function run(parameters: NodeRunOptions['parameters'], items: INodeExecutionData[] = [{ json: {} }], extra: Partial<NodeRunOptions> = {}) {
  return runNode(node, { parameters, items, credentials: credentials(), ...extra });
}

/** The error a run threw (fails the test when it did not throw). */
async function failure(promise: Promise<unknown>): Promise<Error & { context: IDataObject; description?: string; httpCode?: string | null }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the run to fail');
  return error as Error & { context: IDataObject; description?: string; httpCode?: string | null };
}

function chatItem(i: number): INodeExecutionData {
  return {
    json: {
      messages: [
        { role: 'system', content: 'You write n8n workflows as JSON.' },
        { role: 'user', content: `Create a workflow that posts webhook ${i} to Slack` },
        { role: 'assistant', content: JSON.stringify({ nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook' }], connections: {} }) },
      ],
    },
  };
}
const chatItems = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => chatItem(offset + i));

const createJobRequests = () => fake.requestsTo('/v1/fine_tuning/jobs', 'POST');
const uploads = () => fake.requestsTo('/v1/files', 'POST');

const createParameters = (extra: IDataObject = {}): IDataObject => ({
  resource: 'job',
  operation: 'create',
  trainingSource: 'inputItems',
  validationSource: 'split',
  validationSplit: 0.2,
  model: MODEL,
  waitForCompletion: false,
  options: { epochs: 2, suffix: 'flowtune' },
  ...extra,
});

// ---------------------------------------------------------------------------------------------
// Workflows as the n8n node's "Get Many Workflows" outputs them, and a template record.

const SECRET = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z7AbCdEf0GhIjK';

const wfNode = (name: string, type: string, typeVersion: number, parameters: IDataObject = {}, extra: IDataObject = {}) => ({
  id: `${name.toLowerCase().replace(/\W+/g, '-')}-0f3c`,
  name,
  type: `n8n-nodes-base.${type}`,
  typeVersion,
  position: [0, 0],
  parameters,
  ...extra,
});
const to = (...targets: string[]) => ({ main: [targets.map((node) => ({ node, type: 'main', index: 0 }))] });
const n8nFields = (id: string) => ({ id, active: false, isArchived: false, createdAt: '2026-05-02T09:12:44.000Z', updatedAt: '2026-05-03T10:00:00.000Z', settings: { executionOrder: 'v1' }, staticData: null, meta: null, pinData: {}, versionId: `v-${id}`, triggerCount: 1, tags: [] });

const weather = {
  ...n8nFields('wf1'),
  name: 'Post the daily weather to Slack',
  nodes: [
    wfNode('Every Morning', 'scheduleTrigger', 1.2, { rule: { interval: [{ field: 'days', triggerAtHour: 7 }] } }),
    wfNode('Get Weather', 'httpRequest', 4.2, {
      url: 'https://api.open-meteo.com/v1/forecast?latitude=52.52&longitude=13.41&current=temperature_2m',
      sendHeaders: true,
      headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${SECRET}` }] },
      options: {},
    }),
    wfNode('Post to Slack', 'slack', 2.3, { select: 'channel', channelId: { __rl: true, value: '#weather', mode: 'name' }, text: '=Temperature now: {{ $json.current.temperature_2m }} °C', otherOptions: {} }, { credentials: { slackApi: { id: '12', name: 'Slack account' } } }),
  ],
  connections: { 'Every Morning': to('Get Weather'), 'Get Weather': to('Post to Slack') },
  pinData: { 'Get Weather': [{ json: { apiKey: SECRET } }] },
};
const orders = {
  ...n8nFields('wf2'),
  name: 'Tag new orders',
  nodes: [
    wfNode('When clicking Execute workflow', 'manualTrigger', 1),
    wfNode('Set order fields', 'set', 3.4, { mode: 'manual', assignments: { assignments: [{ id: 'a1', name: 'status', value: 'new', type: 'string' }] }, options: {} }),
  ],
  connections: { 'When clicking Execute workflow': to('Set order fields') },
};
const template = {
  name: 'Forward form submissions to a CRM',
  description: 'Receive a form submission on a webhook, forward the submitted data to an external CRM over HTTP and answer the caller with a confirmation.',
  workflow: {
    nodes: [
      wfNode('Webhook', 'webhook', 2, { httpMethod: 'POST', path: 'form-submit', responseMode: 'responseNode', options: {} }, { webhookId: '7f1c2d9e-4b1a-4f7e-9a56-1d2c3b4a5e6f' }),
      wfNode('Send to CRM', 'httpRequest', 4.2, { method: 'POST', url: 'https://crm.example.com/api/leads', sendBody: true, bodyParameters: { parameters: [{ name: 'email', value: '={{ $json.body.email }}' }] }, options: {} }),
      wfNode('Respond', 'respondToWebhook', 1.1, { respondWith: 'text', responseBody: 'Thanks!', options: {} }),
    ],
    connections: { Webhook: to('Send to CRM'), 'Send to CRM': to('Respond') },
  },
};
const chatGpt = {
  ...n8nFields('wf4'),
  name: 'Old ChatGPT flow',
  nodes: [wfNode('Start', 'manualTrigger', 1), wfNode('ChatGPT', 'chatGpt', 1, { prompt: 'Say hi' })],
  connections: { Start: to('ChatGPT') },
};
const ordersAgain = { ...orders, ...n8nFields('wf5') };

const workflowItems = (): INodeExecutionData[] => [weather, orders, template, chatGpt, ordersAgain].map((json) => ({ json: json as unknown as IDataObject }));

const buildParameters = (options: IDataObject = {}, extra: IDataObject = {}): IDataObject => ({
  resource: 'dataset',
  operation: 'buildTrainingData',
  model: MODEL,
  validationSplit: 0.2,
  options,
  ...extra,
});

interface Report {
  counts: Record<string, number>;
  rejected: Record<string, number>;
  rejections: Array<{ item: number; name: string | null; id: string | null; reason: string; detail?: string }>;
  redactions: Record<string, number>;
  invalidCodes: Record<string, number>;
  requests: Record<string, number>;
  tokens: Record<string, number>;
  cost: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------

describe('node description', () => {
  const properties = node.description.properties;
  const byName = (name: string) => properties.filter((p) => p.name === name);
  const values = (p: INodeProperties) => (p.options ?? []).map((o) => (o as { value: string }).value);

  it('has resources and operations, the credential only where an account is needed, and a codex', () => {
    expect(values(byName('resource')[0])).toEqual(['dataset', 'job', 'model']);
    const operations = Object.fromEntries(byName('operation').map((p) => [p.displayOptions!.show!.resource![0], values(p)]));
    expect(operations).toEqual({
      dataset: ['buildTrainingData', 'validate'],
      job: ['cancel', 'create', 'get', 'getAll', 'listCheckpoints', 'listEvents'],
      model: ['delete', 'getAll'],
    });
    expect(node.description.credentials).toEqual([{ name: 'flowtuneFineTuningApi', required: true, displayOptions: { show: { resource: ['job', 'model'] } } }]);
    expect(node.description.icon).toEqual({ light: 'file:../../icons/flowtune.svg', dark: 'file:../../icons/flowtune.dark.svg' });
    expect(node.description.usableAsTool).toBeUndefined();
    // Every operation's own parameters are shown for it only.
    for (const p of properties) {
      if (p.name === 'resource' || p.name === 'operation') continue;
      expect(p.displayOptions?.show?.resource).toHaveLength(1);
      expect(p.displayOptions?.show?.operation).toHaveLength(1);
    }
    const wait = byName('waitForCompletion')[0];
    expect(wait.description).toMatch(/does NOT cancel the job/);

    // Defaults are literals (n8n's lint reads them): they must stay those of the dataset build.
    // Base Model: the CLI's default from version 1.2; earlier versions keep gpt-4o-mini (saved workflows keep their model).
    for (const operation of ['buildTrainingData', 'validate', 'create']) {
      const models = properties.filter((p) => p.name === 'model' && p.displayOptions?.show?.operation?.includes(operation));
      expect(models.map((m) => [m.default, m.displayOptions?.show?.['@version']])).toEqual([
        ['gpt-4o-mini-2024-07-18', [{ _cnd: { lt: 1.2 } }]],
        [DEFAULT_BUILD_SETTINGS.model, [{ _cnd: { gte: 1.2 } }]],
      ]);
    }
    const buildOptions = properties.find((p) => p.name === 'options' && p.displayOptions?.show?.operation?.includes('buildTrainingData'))!.options as INodeProperties[];
    const option = (name: string) => buildOptions.find((o) => o.name === name)?.default;
    expect([option('minNodes'), option('maxNodes'), option('seed')]).toEqual([DEFAULT_BUILD_SETTINGS.minNodes, DEFAULT_BUILD_SETTINGS.maxNodes, DEFAULT_BUILD_SETTINGS.seed]);

    const codex = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'nodes', 'FineTune', 'FineTune.node.json'), 'utf8'));
    expect(codex).toMatchObject({ node: `n8n-nodes-flowtune.${node.description.name}`, nodeVersion: '1.0', codexVersion: '1.0', categories: ['AI', 'Development'] });
    expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
  });
});

describe('Dataset → Build Training Data', () => {
  it('turns workflows into redacted chat examples paired with their items, and reports every rejection', async () => {
    // No credential: dataset operations run locally.
    const { output, record } = await runNode(node, { parameters: buildParameters(), items: workflowItems() });
    const items = output[0];
    expect(record.http).toHaveLength(0);
    expect(items).toHaveLength(4);

    const examples = items.slice(0, 3);
    expect(examples.map((e) => e.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(examples.map((e) => e.json.source)).toEqual([
      { name: 'Post the daily weather to Slack', id: 'wf1' },
      { name: 'Tag new orders', id: 'wf2' },
      { name: 'Forward form submissions to a CRM', id: null },
    ]);
    for (const example of examples) {
      const messages = example.json.messages as Array<{ role: string; content: string }>;
      expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(['train', 'validation']).toContain(example.json.split);
      expect(example.json.tokens).toBeGreaterThan(50);
      const target = JSON.parse(messages[2].content);
      expect(Array.isArray(target.nodes)).toBe(true);
    }
    // The template's description, phrased as an ask, becomes the request; workflows without one ask with their name.
    expect((examples[2].json.messages as Array<{ content: string }>)[1].content).toMatch(
      /^(Receive|(Create a|Build an n8n|I need a) workflow that receives) a form submission on a webhook, forward the submitted data to an external CRM over HTTP and answer the caller with a confirmation\.$/,
    );
    expect((examples[0].json.messages as Array<{ content: string }>)[1].content).toBe('Post the daily weather to Slack');
    const weatherTarget = (examples[0].json.messages as Array<{ content: string }>)[2].content;
    expect(weatherTarget).toMatch(/n8n-nodes-base\.slack/);

    const reportItem = items[3];
    expect(reportItem.pairedItem).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
    const report = reportItem.json.report as unknown as Report;
    expect(report.counts).toEqual({ read: 5, accepted: 3, rejected: 2, train: report.counts.train, validation: report.counts.validation });
    expect(report.counts.train + report.counts.validation).toBe(3);
    expect(examples.filter((e) => e.json.split === 'validation')).toHaveLength(report.counts.validation);
    expect(report.rejected).toEqual({ invalid: 1, exact_duplicate: 1 });
    expect(report.rejections).toEqual([
      { item: 3, name: 'Old ChatGPT flow', id: 'wf4', reason: 'invalid', detail: 'UNKNOWN_NODE_TYPE' },
      { item: 4, name: 'Tag new orders', id: 'wf5', reason: 'exact_duplicate', detail: 'same workflow as input item 1' },
    ]);
    expect(report.invalidCodes).toEqual({ UNKNOWN_NODE_TYPE: 1 });
    expect(report.requests).toEqual({ title: 2, description: 1, model: 0, stickyNote: 0, synthetic: 0 });
    expect(report.redactions.openai_key).toBe(1);
    expect(report.tokens).toMatchObject({ examples: 3, limit: 65_536, overLimit: 0 });
    expect(report.cost).toMatchObject({ model: MODEL, examples: report.counts.train, priceKey: MODEL });
    expect(report.cost.usd).toBeGreaterThan(0);

    // The planted key is nowhere in the output, in any form.
    const everything = JSON.stringify(output);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain('Ab3dEf6hIj9kLm2nOp5q');
    expect(weatherTarget).toMatch(/Bearer /);
  });

  it('splits deterministically per seed, keeps duplicates without dedupe, and can leave the report out', async () => {
    const splits = async (seed: number, fraction: number) => {
      const { output } = await runNode(node, { parameters: buildParameters({ seed, includeReport: false }, { validationSplit: fraction }), items: workflowItems() });
      return output[0].map((i) => i.json.split);
    };
    expect(await splits(7, 0.5)).toEqual(await splits(7, 0.5));
    expect(await splits(1, 0)).toEqual(['train', 'train', 'train']);
    expect(await splits(1, 1)).toEqual(['validation', 'validation', 'validation']);

    const { output } = await runNode(node, { parameters: buildParameters({ dedupe: false, target: 'full', minNodes: 3 }), items: workflowItems() });
    const report = output[0][output[0].length - 1].json.report as unknown as Report;
    // minNodes 3 rejects both copies of the two-node workflow; nothing else counts as a duplicate.
    expect(report.rejected).toEqual({ invalid: 1, too_few_nodes: 2 });
    const full = JSON.parse((output[0][0].json.messages as Array<{ content: string }>)[2].content);
    expect(full.nodes[0]).toHaveProperty('position');
  });

  it('yields one item per request with Requests Per Workflow, a workflow\'s requests on one side of the split', async () => {
    const { output } = await runNode(node, { parameters: buildParameters({ requestsPerWorkflow: 3 }, { validationSplit: 0.5 }), items: workflowItems() });
    const examples = output[0].slice(0, -1);
    const report = output[0].at(-1)!.json.report as unknown as Report;
    // The described workflow asks with its description and its title; the others with their title only.
    expect(examples.map((e) => e.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 2 }]);
    expect(report.requests).toEqual({ title: 3, description: 1, model: 0, stickyNote: 0, synthetic: 0 });
    expect(report.counts.train + report.counts.validation).toBe(4);
    expect(examples[2].json.split).toBe(examples[3].json.split);
    expect((examples[3].json.messages as Array<{ content: string }>)[1].content).toBe('Forward form submissions to a CRM');
  });

  it('rejects an item that is not a workflow, and a bad split value names the parameter', async () => {
    const { output } = await runNode(node, { parameters: buildParameters(), items: [{ json: { name: 'notes', text: 'no workflow here' } }] });
    expect(output[0]).toHaveLength(1);
    expect((output[0][0].json.report as unknown as Report).rejections).toEqual([{ item: 0, name: 'notes', id: null, reason: 'wrong_shape', detail: 'no "nodes" list' }]);

    const error = await failure(runNode(node, { parameters: buildParameters({}, { validationSplit: 1.5 }), items: workflowItems() }));
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/Validation Split must be between 0 and 1/);
  });

  it('prepares large inputs on worker threads with the same output, and keeps the pool warm for the next run (compiled build)', async () => {
    // Worker threads run the compiled prepare-worker.js: `npm test` builds before jest runs.
    const dist = path.join(__dirname, '..', '..', '..', 'dist');
    const { FineTune: CompiledFineTune } = require(path.join(dist, 'nodes', 'FineTune', 'FineTune.node.js')) as typeof import('../../../nodes/FineTune/FineTune.node');
    const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
    const RealWorker = workerThreads.Worker;
    const started = jest.spyOn(workerThreads, 'Worker').mockImplementation((file, options) => new RealWorker(file, options));
    const items = Array.from({ length: 250 }, (_, i) => {
      const json = workflowItems()[i % 5].json;
      return { json: { ...json, name: `${String(json.name ?? 'Workflow')} ${i}`, id: `wf-${i}` } };
    });
    try {
      const inProcess = await runNode(node, { parameters: buildParameters(), items });
      const threaded = await runNode(new CompiledFineTune(), { parameters: buildParameters(), items });
      expect(started.mock.calls.length).toBeGreaterThan(0);
      expect(JSON.stringify(threaded.output)).toBe(JSON.stringify(inProcess.output));
      const startedFirst = started.mock.calls.length;
      const again = await runNode(new CompiledFineTune(), { parameters: buildParameters(), items });
      expect(started.mock.calls.length).toBe(startedFirst);
      expect(JSON.stringify(again.output)).toBe(JSON.stringify(inProcess.output));
    } finally {
      started.mockRestore();
    }
  });
});

describe('Dataset → Validate', () => {
  it('checks every item with cookbook codes and item indices, counts tokens and estimates the cost', async () => {
    const long = { role: 'assistant', content: 'word '.repeat(5000) };
    const items: INodeExecutionData[] = [
      chatItem(0),
      { json: { prompt: 'Create a workflow that emails me every Monday', completion: '{"nodes":[],"connections":{}}' } },
      { json: { messages: [{ role: 'user', content: 'no answer' }] } },
      { json: { text: 'neither messages nor prompt' } },
      { json: { messages: [{ role: 'user', content: 'long' }, long] } },
      { json: { report: { counts: {} } } },
      { json: { messages: [{ role: 'robot', content: 'hi' }, { role: 'assistant', content: '' }] } },
    ];
    const { output } = await runNode(node, {
      parameters: { resource: 'dataset', operation: 'validate', model: 'gpt-3.5-turbo-0613', options: { epochs: 4 } },
      items,
    });
    expect(output[0]).toHaveLength(1);
    const summary = output[0][0];
    expect(summary.pairedItem).toEqual(items.map((_, item) => ({ item })));
    const json = summary.json as IDataObject & { errors: Array<{ item: number; code: string }>; estimate: IDataObject; tokens: IDataObject };
    expect(json.valid).toBe(false);
    expect(json.examples).toBe(6);
    expect(json.skippedItems).toEqual([5]);
    expect(json.errors.map((e) => [e.item, e.code])).toEqual([
      [2, 'example_missing_assistant_message'],
      [3, 'missing_messages_list'],
      [4, 'too_many_tokens'],
      [6, 'unrecognized_role'],
      [6, 'missing_content'],
    ]);
    expect(json.errors[1]).toMatchObject({ message: 'the item has no "messages" (nor "prompt" and "completion")' });
    expect(json.byCode).toMatchObject({ too_many_tokens: 1, missing_messages_list: 1 });
    expect(json.limit).toBe(4096);
    expect(json.overLimitItems).toEqual([4]);
    expect(json.tokens).toMatchObject({ max: expect.any(Number), p50: expect.any(Number) });
    expect(json.tokens).not.toHaveProperty('perExample');
    expect(json.estimate).toMatchObject({ model: 'gpt-3.5-turbo-0613', examples: 5, epochs: 4, epochsSource: 'given', overLimit: 1, priceKey: 'gpt-3.5-turbo-0125' });
    expect(json.estimate.usd).toBeGreaterThan(0);
  });

  it('passes Build Training Data output, prompt/completion turned into chat with the flowtune system prompt', async () => {
    const built = (await runNode(node, { parameters: buildParameters(), items: workflowItems() })).output[0];
    const { output } = await runNode(node, { parameters: { resource: 'dataset', operation: 'validate', model: MODEL, options: {} }, items: built });
    expect(output[0][0].json).toMatchObject({ valid: true, examples: 3, errorCount: 0, skippedItems: [3], overLimit: 0 });
    // Items marked for validation are not billed.
    const validation = built.filter((i) => i.json.split === 'validation').length;
    expect((output[0][0].json.estimate as IDataObject).examples).toBe(3 - validation);
  });
});

describe('Job → Create', () => {
  it('creates one job from all input items, waits for it to succeed and returns the fine-tuned model with the estimate', async () => {
    fake.settings.autoAdvance = 1000;
    const items = chatItems(12);
    const { output } = await run(createParameters({ waitForCompletion: true, pollInterval: 0.01, waitTimeout: 1 }), items);
    expect(output[0]).toHaveLength(1);
    const result = output[0][0];
    expect(result.pairedItem).toEqual(items.map((_, item) => ({ item })));
    expect(result.json).toMatchObject({ status: 'succeeded', provider: 'openai', model: MODEL, reused: false, suffix: 'flowtune' });
    expect(result.json.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:.*:flowtune:/);
    expect(result.json).not.toHaveProperty('raw');
    expect(result.json.metadata).toHaveProperty(IDEMPOTENCY_METADATA_KEY);
    expect(result.json.validationFile).toMatch(/^file-/);
    expect(result.json.estimate).toMatchObject({ model: MODEL, epochs: 2, epochsSource: 'given', trainingExamples: 10, validationExamples: 2, priceKey: MODEL });
    expect((result.json.estimate as IDataObject).usd).toBeGreaterThan(0);
    expect(createJobRequests()).toHaveLength(1);
    expect(fake.requestsTo(/^\/v1\/fine_tuning\/jobs\/[^/]+$/, 'GET').length).toBeGreaterThan(0);
  });

  it('returns the same job when created twice with the same data (no second create or upload)', async () => {
    const items = chatItems(12);
    const first = (await run(createParameters(), items)).output[0][0].json;
    const second = (await run(createParameters(), items)).output[0][0].json;
    expect(second.id).toBe(first.id);
    expect(first.reused).toBe(false);
    expect(second.reused).toBe(true);
    expect(createJobRequests()).toHaveLength(1);
    expect(uploads()).toHaveLength(2); // training + validation, once
    // Other data is another job.
    const third = (await run(createParameters(), chatItems(12, 1))).output[0][0].json;
    expect(third.id).not.toBe(first.id);
  });

  it('names the invalid input item and sends nothing', async () => {
    const items = chatItems(12);
    items[3] = { json: { messages: [{ role: 'user', content: 'no answer' }] } };
    const error = await failure(run(createParameters(), items));
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(/^Input item 3 is not a valid training example \(example_missing_assistant_message/);
    expect(error.context.itemIndex).toBe(3);
    expect(fake.requests).toHaveLength(0);

    // continueOnFail: one error item for the one run over all items (the nodes' one shape: message, plain description).
    const { output } = await run(createParameters(), items, { continueOnFail: true });
    expect(output[0]).toEqual([{ json: { error: error.message, description: plainDescription(error.description!) }, pairedItem: items.map((_, item) => ({ item })) }]);
  });

  it('explains the 2027 sunset when OpenAI refuses new jobs', async () => {
    fake.settings.refuseNewJobs = { status: 403 };
    const error = await failure(run(createParameters(), chatItems(12)));
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toMatch(/OpenAI does not accept new fine-tuning jobs for this account/);
    expect(error.message).toMatch(/2027-01-06/);
    expect(error.description).toMatch(/Nebius Token Factory/);
    expect(error.httpCode).toBe('403');
  });

  describe('cancelled execution', () => {
    const statusPolls = () => fake.requestsTo(/^\/v1\/fine_tuning\/jobs\/[^/]+$/, 'GET');
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((r) => setTimeout(r, 5));
    };
    const expectJobLeftRunning = () => {
      expect(fake.requestsTo(/\/cancel$/)).toHaveLength(0);
      const [job] = [...fake.state.jobs.values()];
      expect(['succeeded', 'failed', 'cancelled']).not.toContain(job.phase);
    };

    it('stops waiting between polls and leaves the job running', async () => {
      const controller = new AbortController();
      const started = Date.now();
      const pending = run(createParameters({ waitForCompletion: true, pollInterval: 30, waitTimeout: 10 }), chatItems(12), { signal: controller.signal });
      await until(() => createJobRequests().length === 1);
      await new Promise((r) => setTimeout(r, 50)); // now in the 30 s sleep
      controller.abort();
      // n8n's own cancellation error, not turned into a node error.
      expect(await failure(pending)).toBeInstanceOf(ExecutionCancelledError);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(statusPolls()).toHaveLength(0);
      expectJobLeftRunning();
    });

    it('stops waiting during a status request and leaves the job running', async () => {
      fake.faults.add({ method: 'GET', path: /^\/v1\/fine_tuning\/jobs\/[^/]+$/, hang: true });
      const controller = new AbortController();
      const pending = run(createParameters({ waitForCompletion: true, pollInterval: 0.01, waitTimeout: 10 }), chatItems(12), { signal: controller.signal });
      await until(() => statusPolls().length === 1); // the request that never gets an answer
      controller.abort();
      expect(await failure(pending)).toBeInstanceOf(ExecutionCancelledError);
      expectJobLeftRunning();
    });

    it('is not turned into an error item by continueOnFail', async () => {
      const controller = new AbortController();
      controller.abort();
      await failure(run(createParameters({ waitForCompletion: true, pollInterval: 0.05, waitTimeout: 1 }), chatItems(12), { signal: controller.signal, continueOnFail: true }));
      expect(fake.requestsTo(/\/cancel$/)).toHaveLength(0);
    });
  });

  it('times out with the job id so the workflow can continue with Get', async () => {
    const error = await failure(run(createParameters({ waitForCompletion: true, pollInterval: 0.02, waitTimeout: 0.002 }), chatItems(12)));
    const [job] = [...fake.state.jobs.values()];
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe(`Fine-tuning job ${job.id} did not finish within 0.002 minute(s) (status: validating_files)`);
    expect(error.description).toMatch(/keeps running.*Job → Get/);
    expect(fake.requestsTo(/\/cancel$/)).toHaveLength(0);
  });

  it("uses the items' split field, refuses a job above the cost limit, and converts prompt/completion", async () => {
    const items = chatItems(13).map((item, i) => ({ json: { ...item.json, split: i < 3 ? 'validation' : 'train' } }));
    const { output } = await run(createParameters({ validationSource: 'field' }), items);
    expect(output[0][0].json.estimate).toMatchObject({ trainingExamples: 10, validationExamples: 3 });

    const expensive = await failure(run(createParameters({ options: { epochs: 50, maxCostUsd: 0.0001 } }), chatItems(12, 50)));
    expect(expensive.message).toMatch(/^The estimated training cost, \$0\.\d\d, is above the maximum of \$0\.0001: nothing was uploaded$/);
    expect(expensive.description).toMatch(/billed tokens \(\d+ per epoch × 50 epochs\)/);
    expect(uploads()).toHaveLength(2); // the first job's training and validation files only

    const pairs = Array.from({ length: 11 }, (_, i) => ({ json: { prompt: `Workflow ${i} that saves Gmail attachments`, completion: '{"nodes":[],"connections":{}}' } }));
    const job = (await run(createParameters({ validationSource: 'none' }), pairs)).output[0][0].json;
    expect(job.validationFile).toBeNull();
    const trainingFile = fake.state.files.get(job.trainingFile as string)!;
    const first = JSON.parse(trainingFile.content.toString('utf8').split('\n')[0]);
    expect(first.messages[0].content).toMatch(/^You are an n8n workflow engineer/);
    expect(first.messages[1]).toEqual({ role: 'user', content: 'Workflow 0 that saves Gmail attachments' });
  });

  it('creates one job per item from a binary JSONL file, or from provider file IDs', async () => {
    const jsonl = (offset: number) => `${chatItems(12, offset).map((i) => JSON.stringify(i.json)).join('\n')}\n`;
    const binaryItem = (text: string) => ({ json: {}, binary: { data: { data: Buffer.from(text).toString('base64'), mimeType: 'application/jsonl', fileName: 'workflows.jsonl' } } });
    const parameters = createParameters({ trainingSource: 'binary', binaryPropertyName: 'data', validationSource: 'split' });
    const { output } = await run(parameters, [binaryItem(jsonl(0)), binaryItem(jsonl(100))]);
    expect(output[0].map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    expect(output[0][0].json.id).not.toBe(output[0][1].json.id);
    expect(fake.state.files.get(output[0][0].json.trainingFile as string)!.filename).toBe('workflows-train.jsonl');

    const broken = `${jsonl(0).trimEnd()}\n{"messages": "nope"}\n`;
    const error = await failure(run(parameters, [binaryItem(jsonl(0)), binaryItem(broken)]));
    expect(error.message).toMatch(/^workflows\.jsonl line 13 is not a valid training example \(missing_messages_list/);
    expect(error.context.itemIndex).toBe(1);

    // The files of the first job, by ID: a new job (other settings), then the same one again.
    const { trainingFile, validationFile } = output[0][0].json as { trainingFile: string; validationFile: string };
    const byId = createParameters({ trainingSource: 'fileId', trainingFileId: trainingFile, validationFileId: validationFile, options: { epochs: 3 } });
    const first = (await run(byId)).output[0][0].json;
    const again = (await run(byId)).output[0][0].json;
    expect(first).toMatchObject({ trainingFile, validationFile, reused: false, estimate: null });
    expect(again).toMatchObject({ id: first.id, reused: true });
    expect(createJobRequests()).toHaveLength(3);
  });

  it('checks the hyperparameters before sending anything', async () => {
    const error = await failure(run(createParameters({ options: { epochs: 51 } }), chatItems(12)));
    expect(error.message).toBe('Epochs must be a whole number from 1 to 50 (got 51)');
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses an option the provider does not have, and data it would certainly reject, before any upload', async () => {
    // OpenAI takes a multiplier, not an absolute learning rate: refused, not silently dropped.
    const error = await failure(run(createParameters({ options: { learningRate: 0.0001 } }), chatItems(12)));
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe('OpenAI does not take Learning Rate: remove it from Options (nothing was uploaded)');
    expect(error.description).toBe('For supervised training it takes Epochs, Batch Size, Learning Rate Multiplier, Seed.');
    // Nine examples: OpenAI's minimum is ten.
    const few = await failure(run(createParameters({ validationSource: 'none' }), chatItems(9)));
    expect(few.message).toMatch(/has 9 example\(s\); OpenAI needs at least 10 to fine-tune\. Nothing was uploaded\./);
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Job → Get, Get Many, Cancel, List Events, List Checkpoints', () => {
  async function twoJobs(): Promise<string[]> {
    const a = (await run(createParameters(), chatItems(12))).output[0][0].json.id as string;
    const b = (await run(createParameters(), chatItems(12, 20))).output[0][0].json.id as string;
    return [a, b];
  }

  it('reads each input item’s job, pairs every output with its item', async () => {
    const ids = await twoJobs();
    fake.advance(ids[0]);
    const { output } = await run((i) => ({ resource: 'job', operation: 'get', jobId: ids[i] }), [{ json: {} }, { json: {} }]);
    expect(output[0].map((o) => [o.json.id, o.json.status, o.pairedItem])).toEqual([
      [ids[0], 'succeeded', { item: 0 }],
      [ids[1], 'validating_files', { item: 1 }],
    ]);
    expect(output[0][0].json).not.toHaveProperty('raw');

    const many = await run({ resource: 'job', operation: 'getAll', returnAll: true, limit: 50 });
    expect(many.output[0].map((o) => o.json.id)).toEqual([ids[1], ids[0]]);
    const one = await run({ resource: 'job', operation: 'getAll', returnAll: false, limit: 1 });
    expect(one.output[0]).toEqual([{ json: expect.objectContaining({ id: ids[1] }), pairedItem: { item: 0 } }]);

    const events = await run({ resource: 'job', operation: 'listEvents', jobId: ids[0], limit: 3 });
    expect(events.output[0]).toHaveLength(3);
    expect(events.output[0][0].json).toMatchObject({ jobId: ids[0], message: 'The job has successfully completed', level: 'info' });
    const metrics = await run({ resource: 'job', operation: 'listEvents', jobId: ids[0], limit: 200 });
    expect(metrics.output[0].some((e) => (e.json.metrics as IDataObject | undefined)?.trainLoss !== undefined)).toBe(true);

    const checkpoints = await run({ resource: 'job', operation: 'listCheckpoints', jobId: ids[0] });
    expect(checkpoints.output[0].length).toBeGreaterThan(0);
    expect(checkpoints.output[0][0].json).toMatchObject({ jobId: ids[0], model: expect.stringMatching(/^ft:.*:ckpt-step-\d+$/), step: expect.any(Number) });
    expect(checkpoints.output[0][0].pairedItem).toEqual({ item: 0 });

    const cancelled = await run({ resource: 'job', operation: 'cancel', jobId: ids[1] });
    expect(cancelled.output[0][0].json).toMatchObject({ id: ids[1], status: 'cancelled' });
  });

  it('a wrong key is a NodeApiError that says so; with continueOnFail every item gets its error', async () => {
    const parameters = { resource: 'job', operation: 'get', jobId: 'ftjob-x' };
    const error = await failure(runNode(node, { parameters, items: [{ json: {} }], credentials: credentials('sk-wrong-key-1234567890') }));
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toBe('OpenAI refused the API key (401): check the API key of the Flowtune Fine-Tuning API credential');
    expect(error.description).toMatch(/^Incorrect API key provided: sk-wrong\*+7890/);
    expect(error.httpCode).toBe('401');
    expect(error.context.itemIndex).toBe(0);

    const { output } = await runNode(node, { parameters, items: [{ json: {} }, { json: {} }], credentials: credentials('sk-wrong-key-1234567890'), continueOnFail: true });
    const json = { error: error.message, description: error.description, httpCode: '401' };
    expect(output[0]).toEqual([
      { json, pairedItem: { item: 0 } },
      { json, pairedItem: { item: 1 } },
    ]);
  });

  it('an unknown job is a 404 NodeApiError for its item, other items still run with continueOnFail', async () => {
    const [id] = await twoJobs();
    const { output } = await run((i) => ({ resource: 'job', operation: 'get', jobId: i === 0 ? 'ftjob-missing' : id }), [{ json: {} }, { json: {} }], { continueOnFail: true });
    expect(output[0][0]).toEqual({ json: { error: expect.stringMatching(/not found/), httpCode: '404' }, pairedItem: { item: 0 } });
    expect(output[0][1]).toMatchObject({ json: { id }, pairedItem: { item: 1 } });

    const error = await failure(run((i) => ({ resource: 'job', operation: 'get', jobId: i === 0 ? id : 'ftjob-missing' }), [{ json: {} }, { json: {} }]));
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.httpCode).toBe('404');
    expect(error.context.itemIndex).toBe(1);
  });

  it('an unreachable server is a NodeApiError naming the base URL', async () => {
    const error = await failure(
      runNode(node, { parameters: { resource: 'job', operation: 'get', jobId: 'ftjob-x' }, credentials: { flowtuneFineTuningApi: { provider: 'openai', apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/v1' } } }),
    );
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toBe('Cannot reach OpenAI at http://127.0.0.1:9/v1');
    expect(error.description).toMatch(/Base URL of the Flowtune Fine-Tuning API credential/);
  });

  it('needs the credential', async () => {
    const error = await failure(runNode(node, { parameters: { resource: 'job', operation: 'getAll', returnAll: true }, credentials: {} }));
    expect(error.message).toMatch(/credentials/);
  });
});

describe('Model → Get Many, Delete', () => {
  it('lists the fine-tuned models and deletes one', async () => {
    const job = (await run(createParameters(), chatItems(12))).output[0][0].json;
    fake.advance(job.id as string);
    const model = (await run({ resource: 'job', operation: 'get', jobId: job.id as string })).output[0][0].json.fineTunedModel as string;

    const listed = await run({ resource: 'model', operation: 'getAll', returnAll: true });
    expect(listed.output[0]).toEqual([{ json: expect.objectContaining({ id: model, baseModel: MODEL }), pairedItem: { item: 0 } }]);
    expect((await run({ resource: 'model', operation: 'getAll', returnAll: false, limit: 1 })).output[0]).toHaveLength(1);

    const deleted = await run({ resource: 'model', operation: 'delete', modelId: model });
    expect(deleted.output[0]).toEqual([{ json: { id: model, deleted: true }, pairedItem: { item: 0 } }]);
    expect((await run({ resource: 'model', operation: 'getAll', returnAll: true })).output[0]).toEqual([]);

    const error = await failure(run({ resource: 'model', operation: 'delete', modelId: model }));
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.httpCode).toBe('404');
  });
});

const locator = (value: string, mode = 'list') => ({ __rl: true, mode, value });

describe('Job ID and Model ID: lists to pick from (version 1.1), text in version 1', () => {
  const search = (method: 'searchJobs' | 'searchModels', filter?: string) =>
    node.methods.listSearch[method].call(loadOptionsFunctions(node, { parameters: {}, credentials: credentials() }), filter);

  it('are resource locators with a search list and By ID in 1.1, text fields in 1', () => {
    for (const [name, method] of [
      ['jobId', 'searchJobs'],
      ['modelId', 'searchModels'],
    ]) {
      const [list, text] = node.description.properties.filter((p) => p.name === name && p.displayOptions?.show?.operation?.[0] !== 'getAll');
      expect(list).toMatchObject({ type: 'resourceLocator', default: { mode: 'list', value: '' }, displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }] } } });
      expect(list.modes!.map((m) => [m.name, m.typeOptions?.searchListMethod, m.typeOptions?.searchable])).toEqual([
        ['list', method, true],
        ['id', undefined, undefined],
      ]);
      expect(text).toMatchObject({ type: 'string', displayOptions: { show: { '@version': [1] } } });
    }
    const shown = (version: number) => displayedParameters(node, { resource: 'job', operation: 'get' }, version).filter((p) => p.name === 'jobId');
    expect(shown(1.1).map((p) => p.type)).toEqual(['resourceLocator']);
    expect(shown(1).map((p) => p.type)).toEqual(['string']);
  });

  it('lists the jobs, newest first, found by suffix, status or model; and the fine-tuned models by ID', async () => {
    const flows = (await run(createParameters({ options: { suffix: 'flows' } }), chatItems(12))).output[0][0].json.id as string;
    const support = (await run(createParameters({ options: { suffix: 'support-bot' } }), chatItems(12, 20))).output[0][0].json.id as string;
    fake.advance(support);

    const all = await search('searchJobs');
    expect(all.results.map((r) => r.value)).toEqual([support, flows]);
    expect(all.results[0]).toEqual({
      name: `support-bot · succeeded · ${MODEL} · ${support}`,
      value: support,
      description: expect.stringMatching(new RegExp(`^Model ft:${MODEL}:.*:support-bot:.*, created \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`)),
    });
    expect((await search('searchJobs', 'FLOWS')).results.map((r) => r.value)).toEqual([flows]);
    expect((await search('searchJobs', 'succeeded')).results.map((r) => r.value)).toEqual([support]);
    expect((await search('searchJobs', `${MODEL} validating`)).results.map((r) => r.value)).toEqual([flows]);
    expect((await search('searchJobs', 'nothing-like-this')).results).toEqual([]);

    const models = await search('searchModels');
    expect(models.results).toEqual([{ name: expect.stringMatching(/:support-bot:/), value: expect.stringMatching(/^ft:/), description: `Fine-tuned from ${MODEL}` }]);
    expect((await search('searchModels', 'flows')).results).toEqual([]);

    // Picked from the list, given by ID, or (version 1) typed as text: the same job and model.
    const got = await run((i) => ({ resource: 'job', operation: 'get', jobId: [locator(support), locator(flows, 'id'), support][i] }), [{ json: {} }, { json: {} }, { json: {} }]);
    expect(got.output[0].map((o) => o.json.id)).toEqual([support, flows, support]);
    const old = await run({ resource: 'job', operation: 'listEvents', jobId: support, limit: 1 }, [{ json: {} }], { typeVersion: 1 });
    expect(old.output[0][0].json.jobId).toBe(support);
    const deleted = await run({ resource: 'model', operation: 'delete', modelId: locator(models.results[0].value as string) });
    expect(deleted.output[0][0].json).toEqual({ id: models.results[0].value, deleted: true });
  });

  it('says why a list is empty (no dashes: the editor splits messages at them)', async () => {
    const jobs = await search('searchJobs').catch((e: unknown) => e);
    expect(jobs).toBeInstanceOf(NodeOperationError);
    expect((jobs as Error).message).toBe('This account has no fine tuning jobs yet: start one with Job → Create, or choose By ID');
    const models = await search('searchModels').catch((e: unknown) => e);
    expect((models as Error).message).toBe('OpenAI lists no models you trained yet: fine tune one with Job → Create, or choose By ID');
    expect((models as NodeOperationError).description).toMatch(/base models are not listed/);
    const refused = await node.methods.listSearch.searchJobs.call(loadOptionsFunctions(node, { parameters: {}, credentials: credentials('sk-wrong') })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NodeApiError);
    expect((refused as NodeApiError).httpCode).toBe('401');
  });
});

describe('Build Training Data → Job → Create', () => {
  /** Items as Build Training Data outputs them: examples marked train or validation, then the report. */
  const built = (): INodeExecutionData[] => [
    ...chatItems(13).map((item, i) => ({ json: { ...item.json, split: i % 4 === 1 ? 'validation' : 'train', tokens: 40 } })),
    { json: { report: { counts: { accepted: 13 } } } },
  ];
  const linesOf = (fileId: unknown) => fake.state.files.get(fileId as string)!.content.toString('utf8').trim().split('\n');
  const validationLines = (items: INodeExecutionData[]) => items.filter((i) => i.json.split === 'validation').map((i) => JSON.stringify({ messages: i.json.messages }));

  it('1.1 validates on the items’ own split by default (no second split); a binary file and version 1 still split off', async () => {
    expect(editorNode(node, { resource: 'job', operation: 'create' }, 1.1).parameters.validationSource).toBe('field');
    expect(editorNode(node, { resource: 'job', operation: 'create', trainingSource: 'binary' }, 1.1).parameters.validationSource).toBe('split');
    expect(editorNode(node, { resource: 'job', operation: 'create' }, 1).parameters.validationSource).toBe('split');

    // As a 1.1 node is saved with the default: no validationSource.
    const items = built();
    const { validationSource: _, ...parameters } = createParameters();
    const job = (await run(parameters, items)).output[0][0].json;
    expect(job.estimate).toMatchObject({ trainingExamples: 10, validationExamples: 3 });
    expect(linesOf(job.validationFile)).toEqual(validationLines(items));

    const old = (await run(parameters, items, { typeVersion: 1 })).output[0][0].json;
    expect(old.id).not.toBe(job.id);
    expect(linesOf(old.validationFile)).not.toEqual(validationLines(items));
  });
});
