/**
 * The Fine-Tuned Chat node, run through the node execution harness against the fake
 * OpenAI-compatible server: the model list (fine-tuned models, filtered; everything on a
 * local server), chat with a single prompt or messages, JSON output, options on the wire,
 * errors as NodeApiError / error items, and pairing of many items.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';
import { systemPrompt } from '../../../dataset/prompt';
import { FineTunedChat } from '../../../nodes/FineTunedChat/FineTunedChat.node';
import { dashboardUrl } from '../../../nodes/shared/connection';
import { createProvider } from '../../../trainer/providers';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { subtitleOf } from '../../helpers/editor';
import { loadOptionsFunctions, runNode, type NodeRunOptions } from '../../helpers/n8n-context';
import { stubN8n } from '../../helpers/stub-n8n';

const FT_FLOWS = 'ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc123';
const FT_SUPPORT = 'ft:gpt-4.1-mini-2025-04-14:acme:support-bot:def456';

const node = new FineTunedChat();
let fake: FakeOpenAI;

beforeEach(async () => {
  fake = await startFakeOpenAI({ chatModels: ['gpt-4o-mini', FT_FLOWS, FT_SUPPORT] });
});
afterEach(() => fake.close());

const credentials = (extra: IDataObject = {}) => ({ flowtuneFineTuningApi: { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL, ...extra } });

function run(parameters: NodeRunOptions['parameters'], options: Partial<NodeRunOptions> = {}) {
  return runNode(node, { credentials: credentials(), parameters, ...options });
}

const model = (value: string, mode = 'list') => ({ __rl: true, mode, value });

function examples(n: number): string {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      messages: [
        { role: 'user', content: `Create a workflow that handles webhook ${i}` },
        { role: 'assistant', content: JSON.stringify({ nodes: [{ name: 'Webhook', type: 'n8n-nodes-base.webhook' }], connections: {} }) },
      ],
    }),
  ).join('\n');
}

describe('Fine-Tuned Chat: model list (listSearch searchModels)', () => {
  const search = (filter?: string, creds = credentials()) => {
    const record = { http: [], sleeps: [] };
    const ctx = loadOptionsFunctions(node, { parameters: {}, credentials: creds }, record);
    return { record, result: node.methods.listSearch.searchModels.call(ctx, filter) };
  };

  it('is a searchable resource locator with an ID mode', () => {
    const property = node.description.properties.find((p) => p.name === 'model')!;
    expect(property.type).toBe('resourceLocator');
    expect(property.modes?.map((m) => [m.name, m.typeOptions?.searchListMethod, m.typeOptions?.searchable])).toEqual([
      ['list', 'searchModels', true],
      ['id', undefined, undefined],
    ]);
  });

  it('lists the fine-tuned models of the account, through n8n’s request helper, and filters them by the search text', async () => {
    const { record, result } = search();
    expect((await result).results.map((r) => r.value).sort()).toEqual([FT_SUPPORT, FT_FLOWS].sort());
    expect(record.http.length).toBeGreaterThan(0);
    expect(fake.requestsTo('/v1/models', 'GET')).toHaveLength(1);

    const filtered = await search('Support').result;
    expect(filtered.results).toEqual([{ name: FT_SUPPORT, value: FT_SUPPORT, description: 'Fine-tuned from gpt-4.1-mini-2025-04-14' }]);
    expect((await search('4o-mini flowtune').result).results.map((r) => r.value)).toEqual([FT_FLOWS]);
    expect((await search('nothing-like-this').result).results).toEqual([]);
  });

  it('lists a model once a fine-tuning job made it', async () => {
    const { provider } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL, env: {} });
    const file = await provider.uploadFile(Buffer.from(`${examples(12)}\n`), 'train.jsonl');
    const job = await provider.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: file.id, suffix: 'n8n-flows', method: { type: 'supervised' } });
    fake.advance(job.id);
    const done = await provider.getJob(job.id);
    expect(done.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:.*n8n-flows/);
    const found = await search('n8n-flows').result;
    expect(found.results.map((r) => r.value)).toEqual([done.fineTunedModel]);
  });

  it('lists Together’s fine-tuned output models', async () => {
    const { provider } = createProvider({ provider: 'together', apiKey: 'sk-test', baseURL: fake.baseURL, env: {} });
    const file = await provider.uploadFile(Buffer.from(`${examples(12)}\n`), 'train.jsonl');
    const job = await provider.createJob({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', trainingFile: file.id, suffix: 'flows', method: { type: 'supervised' } });
    fake.advance(job.id);
    const done = await provider.getJob(job.id);
    expect(done.fineTunedModel).toBeTruthy();
    const found = await search(undefined, { flowtuneFineTuningApi: { provider: 'together', apiKey: 'sk-test', baseUrl: fake.baseURL } }).result;
    expect(found.results).toEqual([{ name: done.fineTunedModel, value: done.fineTunedModel, description: 'Fine-tuned from meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' }]);
  });

  it('lists every model of an OpenAI-compatible server (GET {baseUrl}/models, credential auth)', async () => {
    const { record, result } = search('', { flowtuneFineTuningApi: { provider: 'compatible', apiKey: 'sk-test', baseUrl: fake.baseURL } });
    const values = (await result).results.map((r) => r.value);
    expect(values).toEqual(expect.arrayContaining(['gpt-4o-mini', FT_FLOWS, FT_SUPPORT, 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference']));
    expect(record.http).toEqual([expect.objectContaining({ credentialType: 'flowtuneFineTuningApi', options: expect.objectContaining({ url: `${fake.baseURL}/models` }) })]);
    expect(fake.requestsTo('/v1/models')[0].headers.authorization).toBe('Bearer sk-test');
    expect((await search('llama', { flowtuneFineTuningApi: { provider: 'compatible', apiKey: 'sk-test', baseUrl: fake.baseURL } }).result).results.every((r) => /llama/i.test(String(r.value)))).toBe(true);
  });

  it('reports a refused key as a NodeApiError', async () => {
    const error = await search(undefined, credentials({ apiKey: 'sk-wrong-key-000000000' })).result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error).toMatchObject({ httpCode: '401', message: expect.stringMatching(/^OpenAI answered HTTP 401: Incorrect API key/) });
    const local = await search(undefined, { flowtuneFineTuningApi: { provider: 'compatible', apiKey: 'nope', baseUrl: fake.baseURL } }).result.catch((e: unknown) => e);
    expect(local).toBeInstanceOf(NodeApiError);
    expect(local).toMatchObject({ httpCode: '401', description: expect.stringContaining('Flowtune Fine-Tuning API') });
  });

  it('says why the list is empty instead of n8n’s bare "No results" (and keeps dashes out of the message, which the editor splits at)', async () => {
    await fake.close();
    fake = await startFakeOpenAI({ chatModels: ['gpt-4o-mini'] });
    const error = await search().result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error).toMatchObject({
      message: 'OpenAI lists no models you trained yet, and base models are not listed here: choose By ID and type one',
      description: expect.stringMatching(/^This list shows the fine-tuned models of the account\. Type a base model by ID \(e\.g\. gpt-4o-mini-2024-07-18\)/),
    });
    expect((error as Error).message).not.toMatch(/[-–—]/);

    const server = await stubN8n(() => [200, { object: 'list', data: [] }]);
    try {
      const local = await search(undefined, { flowtuneFineTuningApi: { provider: 'compatible', apiKey: '', baseUrl: server.url } }).result.catch((e: unknown) => e);
      expect(local).toMatchObject({ message: 'The server lists no models (its GET /models list is empty): choose By ID and type the model name it serves' });
    } finally {
      await server.close();
    }
  });

  it('links OpenAI’s fine-tuning dashboard only for api.openai.com', () => {
    expect(dashboardUrl('openai', 'https://api.openai.com/v1')).toBe('https://platform.openai.com/finetune');
    expect(dashboardUrl('openai', fake.baseURL)).toBeUndefined();
    expect(dashboardUrl('compatible', 'http://localhost:8000/v1')).toBeUndefined();
  });
});

describe('Fine-Tuned Chat: execute', () => {
  it('sends a single prompt with the system message, temperature and max tokens; outputs the answer paired to its item', async () => {
    fake.chat.reply('Use the Slack node.');
    const { output, record } = await run({
      model: model(FT_FLOWS),
      systemPromptSource: 'custom',
      systemPrompt: 'Answer in one sentence.',
      promptType: 'single',
      prompt: 'How do I post to Slack?',
      options: { temperature: 0.3, maxTokens: 64 },
    });
    expect(output).toHaveLength(1);
    const [item] = output[0];
    expect(item.pairedItem).toEqual({ item: 0 });
    expect(item.json).toEqual({
      model: FT_FLOWS,
      content: 'Use the Slack node.',
      message: expect.objectContaining({ role: 'assistant', content: 'Use the Slack node.' }),
      finishReason: 'stop',
      usage: expect.objectContaining({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) }),
    });
    const sent = fake.chat.requests[0];
    expect(sent).toMatchObject({
      model: FT_FLOWS,
      messages: [
        { role: 'system', content: 'Answer in one sentence.' },
        { role: 'user', content: 'How do I post to Slack?' },
      ],
      temperature: 0.3,
      max_tokens: 64,
    });
    expect(sent).not.toHaveProperty('response_format');
    // Through n8n's request helper, with the serving endpoint's headers.
    expect(record.http).toEqual([expect.objectContaining({ options: expect.objectContaining({ method: 'POST', url: `${fake.baseURL}/chat/completions` }) })]);
    expect(fake.requestsTo('/v1/chat/completions')[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('sends nothing optional unless set, and no system message when it is empty', async () => {
    await run({ model: model('gpt-4o-mini', 'id'), systemPrompt: '', promptType: 'single', prompt: 'Hi' });
    expect(fake.chat.requests[0]).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('uses flowtune’s workflow system prompt in the chosen format', async () => {
    await run({ model: model(FT_FLOWS), systemPromptSource: 'flowtune', promptType: 'single', prompt: 'GitHub issues to Slack' });
    await run({ model: model(FT_FLOWS), systemPromptSource: 'flowtune', workflowFormat: 'full', promptType: 'single', prompt: 'GitHub issues to Slack' });
    expect(fake.chat.requests[0].messages[0]).toEqual({ role: 'system', content: systemPrompt('compact') });
    expect(fake.chat.requests[1].messages[0]).toEqual({ role: 'system', content: systemPrompt('full') });
  });

  it('sends a conversation defined in the node, in order, after the system message (model by ID: a LoRA name)', async () => {
    fake.settings.chatModels.push('my-lora');
    await run({
      model: model('my-lora', 'id'),
      systemPrompt: 'Be terse.',
      promptType: 'messages',
      messagesInput: 'define',
      messages: {
        values: [
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Name an n8n trigger.' },
        ],
      },
    });
    expect(fake.chat.requests[0].model).toBe('my-lora');
    expect(fake.chat.requests[0].messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello!' },
      { role: 'user', content: 'Name an n8n trigger.' },
    ]);
  });

  it('takes messages from an expression (an array) or JSON text, and names the item of a bad list', async () => {
    const conversation = [
      { role: 'system', content: 'S' },
      { role: 'user', content: 'U' },
    ];
    await run({ model: model(FT_FLOWS), promptType: 'messages', messagesInput: 'json', messagesJson: conversation as unknown as IDataObject });
    await run({ model: model(FT_FLOWS), promptType: 'messages', messagesInput: 'json', messagesJson: JSON.stringify(conversation) });
    expect(fake.chat.requests.map((r) => r.messages)).toEqual([conversation, conversation]);

    const bad = await run({ model: model(FT_FLOWS), promptType: 'messages', messagesInput: 'json', messagesJson: [{ role: 'robot', content: 'x' }] as unknown as IDataObject }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(NodeOperationError);
    expect((bad as Error).message).toMatch(/Message 0 of item 0 needs a role/);
    const notJson = await run({ model: model(FT_FLOWS), promptType: 'messages', messagesInput: 'json', messagesJson: '[{"role": "user",' }).catch((e: unknown) => e);
    expect((notJson as Error).message).toMatch(/Messages of item 0 are not valid JSON/);
    expect(fake.chat.requests).toHaveLength(2);
  });

  it('asks for a JSON object and parses it; an answer that is not JSON is an error naming the item', async () => {
    fake.chat.reply({ name: 'Hourly ping', nodes: [] });
    const { output } = await run({ model: model(FT_FLOWS), promptType: 'single', prompt: 'Answer in JSON', options: { jsonOutput: true } });
    expect(fake.chat.requests[0].response_format).toEqual({ type: 'json_object' });
    expect(output[0][0].json.json).toEqual({ name: 'Hourly ping', nodes: [] });

    fake.chat.reply('Sure! Here is the workflow.');
    const error = await run({ model: model(FT_FLOWS), promptType: 'single', prompt: 'Answer in JSON', options: { jsonOutput: true } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/^The answer for item 0 is not valid JSON/);
    expect((error as NodeOperationError).description).toMatch(/Sure! Here is the workflow\./);
  });

  it('turns a refused key into a NodeApiError (401) — or an error item with Continue On Fail', async () => {
    const wrong = { credentials: credentials({ apiKey: 'sk-wrong-key-000000000' }) };
    const parameters = { model: model(FT_FLOWS), promptType: 'single', prompt: 'Hi' };
    const error = await run(parameters, wrong).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error).toMatchObject({
      httpCode: '401',
      message: expect.stringMatching(/^OpenAI answered HTTP 401: Incorrect API key provided/),
      description: 'Check the API key of the "Flowtune Fine-Tuning API" credential.',
      context: expect.objectContaining({ itemIndex: 0 }),
    });

    const { output } = await run(parameters, { ...wrong, continueOnFail: true, items: [{ json: {} }, { json: {} }] });
    expect(output[0]).toEqual([0, 1].map((item) => ({ json: expect.objectContaining({ error: expect.stringMatching(/HTTP 401/), httpCode: '401' }), pairedItem: { item } })));
  });

  it('chats through the Azure credential with its api-key header', async () => {
    await runNode(node, { credentials: { flowtuneFineTuningApi: { provider: 'azure', apiKey: 'sk-test', baseUrl: fake.url } }, parameters: { model: model(FT_FLOWS), promptType: 'single', prompt: 'Hi' } });
    const [request] = fake.requestsTo('/v1/chat/completions');
    expect(request.path).toBe('/openai/v1/chat/completions');
    expect(request.headers['api-key']).toBe('sk-test');
  });

  it('answers many items, each paired to its input; with Continue On Fail a failing item becomes an error item in place', async () => {
    fake.chat.respondWith((request) => `Answer to ${String(request.messages.at(-1)?.content)}`);
    const items: INodeExecutionData[] = [{ json: { q: 'one' } }, { json: { q: 'two' } }, { json: { q: 'three' } }];
    const parameters = (i: number) => ({ model: model(i === 1 ? 'ft:unknown-model' : FT_FLOWS), promptType: 'single', prompt: String(items[i].json.q) });

    const { output } = await run(parameters, { items, continueOnFail: true });
    expect(output[0].map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(output[0][0].json.content).toBe('Answer to one');
    expect(output[0][1].json).toMatchObject({ error: expect.stringMatching(/HTTP 404: The model `ft:unknown-model` does not exist/), httpCode: '404' });
    expect(output[0][1].json.description).toMatch(/Check the model id "ft:unknown-model"/);
    expect(output[0][2].json.content).toBe('Answer to three');

    const error = await run(parameters, { items }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).context.itemIndex).toBe(1);
  });

  it('stops waiting after the timeout', async () => {
    fake.faults.add({ path: '/v1/chat/completions', delayMs: 2000 });
    const error = await run({ model: model(FT_FLOWS), promptType: 'single', prompt: 'Hi', options: { timeout: 100 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('OpenAI did not answer within 100 ms');
  });

  it('names an unreachable server and what to check', async () => {
    const url = `${fake.baseURL}`;
    await fake.close();
    const error = await runNode(node, {
      credentials: { flowtuneFineTuningApi: { provider: 'compatible', apiKey: '', baseUrl: url } },
      parameters: { model: model('llama3.1:8b', 'id'), promptType: 'single', prompt: 'Hi' },
    }).catch((e: unknown) => e);
    fake = await startFakeOpenAI(); // for afterEach
    expect(error).toBeInstanceOf(NodeApiError);
    // n8n words a refused connection its own way; the description names the server and what to check.
    expect((error as Error).message).toBe('The service refused the connection - perhaps it is offline');
    expect((error as NodeApiError).messages).toEqual(expect.arrayContaining([expect.stringMatching(/^Cannot reach the OpenAI-compatible server: .*ECONNREFUSED/)]));
    expect((error as NodeApiError).description).toBe('Check that the OpenAI-compatible server is reachable from n8n and the Base URL of the "Flowtune Fine-Tuning API" credential.');
  });

  it('refuses an empty prompt or model before sending anything', async () => {
    await expect(run({ model: model(FT_FLOWS), promptType: 'single', prompt: '  ' })).rejects.toThrow('Item 0 has no prompt to send');
    await expect(run({ model: model(''), promptType: 'single', prompt: 'Hi' })).rejects.toThrow('Choose a model');
    expect(fake.chat.requests).toHaveLength(0);
  });
});

describe('Fine-Tuned Chat on the canvas', () => {
  it('shows the model under the node: $parameter gives a resource locator’s value, not its {mode, value}', () => {
    const value = model(FT_FLOWS);
    expect(subtitleOf(node, { model: value }, 1)).toBe(FT_FLOWS);
    expect(subtitleOf(node, { model: model('gpt-4o-mini', 'id') }, 1)).toBe('gpt-4o-mini');
    // The subtitle before: `.cachedResultName || .value` of a string, so nothing was shown.
    const before = { description: { ...node.description, subtitle: '={{ $parameter["model"].cachedResultName || $parameter["model"].value }}' } } as FineTunedChat;
    expect(subtitleOf(before, { model: { ...value, cachedResultName: FT_FLOWS } }, 1)).toBeUndefined();
  });
});
