/**
 * The Workflow Generator node through the node execution harness: a scripted model on the fake
 * OpenAI-compatible server (hallucination → repair), the labelled retrieval baseline, Fail vs
 * Pass Through for invalid results, and Create in n8n against a stub of n8n's public API.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeApiError, NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';
import { WorkflowGenerator } from '../../../nodes/WorkflowGenerator/WorkflowGenerator.node';
import { loadCatalog } from '../../../schemas/catalog/load';
import { validateWorkflow } from '../../../schemas/validator';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { GITHUB_TO_SLACK, trainingFile } from '../../helpers/generator-fixtures';
import { displayedCredentials, displayedParameters, editorNode, mainAuthField, offeredAsAuthChoice, subtitleOf } from '../../helpers/editor';
import { loadOptionsFunctions, runNode, type NodeRunOptions } from '../../helpers/n8n-context';
import { stubN8n } from '../../helpers/stub-n8n';

const FT = 'ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc123';
const catalog = loadCatalog();
const node = new WorkflowGenerator();

const HALLUCINATED = { ...GITHUB_TO_SLACK, nodes: [GITHUB_TO_SLACK.nodes[0], { ...GITHUB_TO_SLACK.nodes[1], type: 'n8n-nodes-base.slackNotify' }] };
const REQUEST = 'Create a workflow that monitors GitHub issues and sends notifications to Slack';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI({ chatModels: [FT] });
});
afterEach(() => fake.close());

const fineTuning = (apiKey = 'sk-test') => ({ flowtuneFineTuningApi: { provider: 'openai', apiKey, baseUrl: fake.baseURL } });
const modelLocator = (value: string, mode = 'list') => ({ __rl: true, mode, value });
// Deterministic repair off by default here: these tests are about the repair rounds with the model (slackNotify would be fixed without one).
const modelParameters = (extra: IDataObject = {}): IDataObject => ({
  request: REQUEST,
  modelSource: 'model',
  model: modelLocator(FT),
  onInvalid: 'fail',
  createInN8n: false,
  ...extra,
  options: { fix: false, ...((extra.options as IDataObject | undefined) ?? {}) },
});

function run(parameters: NodeRunOptions['parameters'], options: Partial<NodeRunOptions> = {}) {
  return runNode(node, { credentials: fineTuning(), parameters, ...options });
}

describe('Workflow Generator: a fine-tuned model', () => {
  it('sends the validator errors back and outputs the repaired workflow with a two-round trace, paired to its item', async () => {
    fake.chat.reply(`Here you go:\n\`\`\`json\n${JSON.stringify(HALLUCINATED)}\n\`\`\``, JSON.stringify(GITHUB_TO_SLACK));
    const { output, record } = await run(modelParameters());
    const [item] = output[0];
    expect(item.pairedItem).toEqual({ item: 0 });
    expect(Object.keys(item.json).sort()).toEqual(['baseline', 'errors', 'fixes', 'model', 'trace', 'valid', 'warnings', 'workflow']);
    expect(item.json.fixes).toEqual([]);
    expect(item.json).toMatchObject({ valid: true, errors: [], model: FT, baseline: false });
    const trace = item.json.trace as { rounds: Array<{ kind: string; errors: Array<{ code: string }> }>; firstTryValid: boolean };
    expect(trace.rounds.map((r) => [r.kind, r.errors.map((e) => e.code)])).toEqual([
      ['generate', ['UNKNOWN_NODE_TYPE']],
      ['repair', []],
    ]);
    expect(trace.firstTryValid).toBe(false);
    expect(validateWorkflow(item.json.workflow, { catalog }).valid).toBe(true);
    expect(fake.chat.requests[1].messages.at(-1)?.content).toMatch(/UNKNOWN_NODE_TYPE \(node "Slack"\).*slackNotify/s);
    // Both model calls went through n8n's request helper, with the credential's key.
    expect(record.http.map((c) => `${c.options.method} ${c.options.url}`)).toEqual([`POST ${fake.baseURL}/chat/completions`, `POST ${fake.baseURL}/chat/completions`]);
    expect(fake.requestsTo('/v1/chat/completions')[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('Fix Deterministically (on by default): a fixable answer takes one model call, and the output says what was fixed', async () => {
    fake.chat.reply(JSON.stringify(HALLUCINATED));
    const { output, record } = await run({ ...modelParameters(), options: {} });
    const [item] = output[0];
    expect(item.json).toMatchObject({ valid: true, errors: [], trace: expect.objectContaining({ outcome: 'fixed', firstTryValid: false }) });
    expect(item.json.fixes).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', node: 'Slack', before: 'n8n-nodes-base.slackNotify', after: 'n8n-nodes-base.slack', applied: true }),
      // The answer named no version: the one hydration gave the unknown type does not have "select".
      expect.objectContaining({ code: 'UNKNOWN_PARAMETER', kind: 'type-version', after: catalog.get('n8n-nodes-base.slack')!.entry.defaultVersion, applied: true }),
    ]);
    expect(record.http).toHaveLength(1);
    expect(validateWorkflow(item.json.workflow, { catalog }).valid).toBe(true);
  });

  it('passes constrained decoding, few-shot examples and catalog hints to the model', async () => {
    fake.chat.reply(JSON.stringify(GITHUB_TO_SLACK));
    await run(modelParameters({ options: { constrained: true, fewShot: 1, hints: true, trainingData: trainingFile(), maxRepairs: 0 } }));
    const [sent] = fake.chat.requests;
    expect((sent.response_format as { type: string }).type).toBe('json_schema');
    expect(sent.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(sent.messages[1].content).toBe('Notify a Slack channel about new GitHub issues');
    expect(sent.messages[3].content).toMatch(/Node types that may fit: .*n8n-nodes-base\.(slack|github)/);
  });

  it('Server Kind: vLLM gets structured_outputs (its version read through n8n\'s request helper), and the trace says how decoding was constrained', async () => {
    fake.settings.serverKind = 'vllm';
    fake.chat.reply(JSON.stringify(GITHUB_TO_SLACK));
    const { output, record } = await run(modelParameters({ options: { constrained: true, serverKind: 'vllm', maxRepairs: 0 } }));
    const [sent] = fake.chat.requests;
    expect(sent).not.toHaveProperty('response_format');
    expect((sent.structured_outputs as { json: { properties: object } }).json.properties).toHaveProperty('nodes');
    expect(record.http.map((c) => `${c.options.method} ${c.options.url}`)).toEqual([`GET ${fake.url}/version`, `POST ${fake.baseURL}/chat/completions`]);
    const trace = output[0][0].json.trace as { rounds: Array<{ decoding: unknown }> };
    expect(trace.rounds[0].decoding).toEqual({ mode: 'vllm', reason: 'vLLM 0.12.0 (server kind given): structured_outputs' });
  });

  it('reports a refused key as a NodeApiError (401), or an error item with Continue On Fail', async () => {
    const error = await run(modelParameters(), { credentials: fineTuning('sk-wrong-key-000000000') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error).toMatchObject({ httpCode: '401', message: expect.stringMatching(/^OpenAI answered HTTP 401: Incorrect API key/), context: expect.objectContaining({ itemIndex: 0 }) });
    const { output } = await run(modelParameters(), { credentials: fineTuning('sk-wrong-key-000000000'), continueOnFail: true });
    expect(output[0]).toEqual([{ json: expect.objectContaining({ error: expect.stringMatching(/HTTP 401/), httpCode: '401' }), pairedItem: { item: 0 } }]);
  });
});

describe('Workflow Generator: retrieval baseline', () => {
  it('needs no model credential, answers with the nearest training workflow and labels it a baseline', async () => {
    const data = trainingFile();
    const items: INodeExecutionData[] = [{ json: { ask: REQUEST } }, { json: { ask: 'every hour call my health check URL' } }];
    const { output, record } = await runNode(node, {
      credentials: {},
      items,
      parameters: (i) => ({ request: String(items[i].json.ask), modelSource: 'retrieval', onInvalid: 'fail', createInN8n: false, options: { trainingData: data } }),
    });
    expect(output[0].map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    const [first, second] = output[0].map((o) => o.json);
    expect(first).toMatchObject({ valid: true, model: 'retrieval', baseline: true, label: expect.stringMatching(/^baseline: .*not a language model/), trace: expect.objectContaining({ baseline: true, model: 'retrieval' }) });
    expect((first.workflow as { name: string; nodes: Array<{ type: string }> }).nodes.map((n) => n.type)).toEqual(['n8n-nodes-base.githubTrigger', 'n8n-nodes-base.slack']);
    expect((first.workflow as { name: string }).name).toBe('Monitors GitHub issues and sends notifications to Slack');
    expect((second.workflow as { nodes: Array<{ type: string }> }).nodes[0].type).toBe('n8n-nodes-base.scheduleTrigger');
    expect(record.http).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('names a bad training file', async () => {
    const error = await runNode(node, { credentials: {}, parameters: { request: 'x', modelSource: 'retrieval', options: { trainingData: '/nonexistent/train.jsonl' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('The training data cannot be used');
    expect((error as NodeOperationError).description).toMatch(/^cannot read \/nonexistent\/train\.jsonl: ENOENT\. Training Data Path takes/);
    const bad = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-node-generator-')), 'bad.jsonl');
    writeFileSync(bad, '{"messages": []}\n');
    const badError = await runNode(node, { credentials: {}, parameters: { request: 'x', modelSource: 'retrieval', options: { trainingData: bad } } }).catch((e: unknown) => e);
    expect((badError as NodeOperationError).description).toContain(`${bad}:1: needs a user and an assistant message`);
  });
});

describe('Workflow Generator: invalid results', () => {
  beforeEach(() => {
    fake.chat.respondWith(() => JSON.stringify(HALLUCINATED));
  });

  it('Fail: stops with the validator errors after the repair rounds (an error item with Continue On Fail)', async () => {
    const error = await run(modelParameters({ options: { maxRepairs: 1 } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('The generated workflow for item 0 does not validate (1 error(s) after 2 round(s))');
    // One line per error and one for what to do: n8n's error view renders the description as HTML, where newlines run together.
    expect((error as NodeOperationError).description).toBe(
      'UNKNOWN_NODE_TYPE [Slack]: node type "n8n-nodes-base.slackNotify" does not exist<br>Set On Invalid Result to Pass Through to output it anyway.',
    );
    expect((error as NodeOperationError).context.itemIndex).toBe(0);
    expect(fake.chat.requests).toHaveLength(2);

    // The error item (Continue On Fail) is data, not HTML: one line per error.
    const { output } = await run(modelParameters({ options: { maxRepairs: 0 } }), { continueOnFail: true });
    expect(output[0]).toEqual([
      {
        json: expect.objectContaining({
          error: expect.stringMatching(/does not validate/),
          description: 'UNKNOWN_NODE_TYPE [Slack]: node type "n8n-nodes-base.slackNotify" does not exist\nSet On Invalid Result to Pass Through to output it anyway.',
        }),
        pairedItem: { item: 0 },
      },
    ]);
  });

  it('Pass Through: outputs the workflow with valid: false and the errors, and does not create it in n8n', async () => {
    const n8n = await stubN8n(() => [200, { id: 'never' }]);
    try {
      const { output } = await run(modelParameters({ onInvalid: 'passThrough', createInN8n: true, options: { maxRepairs: 1 } }), {
        credentials: { ...fineTuning(), flowtuneN8nApi: { baseUrl: n8n.url, apiKey: 'n8n-key' } },
      });
      const [item] = output[0];
      expect(item.pairedItem).toEqual({ item: 0 });
      expect(item.json).toMatchObject({ valid: false, errors: [expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', node: 'Slack' })], baseline: false });
      expect(item.json.workflow).toMatchObject({ name: 'GitHub issues to Slack' });
      expect((item.json.trace as { rounds: unknown[] }).rounds).toHaveLength(2);
      expect(item.json).not.toHaveProperty('created');
      expect(n8n.received).toHaveLength(0);
    } finally {
      await n8n.close();
    }
  });
});

describe('Workflow Generator: Create in n8n', () => {
  it('creates the valid workflow with only name, nodes, connections and settings; outputs its id and editor URL', async () => {
    const n8n = await stubN8n((_req, body) => [200, { id: 'wf1', active: false, ...(body as object) }]);
    try {
      const { output, record } = await runNode(node, {
        credentials: { flowtuneN8nApi: { baseUrl: `${n8n.url}/api/v1/`, apiKey: 'n8n-key' } },
        parameters: { request: REQUEST, modelSource: 'retrieval', onInvalid: 'fail', createInN8n: true, options: { trainingData: trainingFile() } },
      });
      expect(output[0][0].json.created).toEqual({ id: 'wf1', name: 'Monitors GitHub issues and sends notifications to Slack', editorUrl: `${n8n.url}/workflow/wf1` });
      expect(output[0][0].pairedItem).toEqual({ item: 0 });
      expect(n8n.received).toHaveLength(1);
      expect(n8n.received[0]).toMatchObject({ method: 'POST', url: '/api/v1/workflows', key: 'n8n-key' });
      const body = n8n.received[0].body as IDataObject;
      expect(Object.keys(body).sort()).toEqual(['connections', 'name', 'nodes', 'settings']);
      expect((body.nodes as Array<{ type: string }>).map((n) => n.type)).toEqual(['n8n-nodes-base.githubTrigger', 'n8n-nodes-base.slack']);
      // Through n8n's request helper (proxy settings apply).
      expect(record.http.map((c) => c.options.url)).toEqual([`${n8n.url}/api/v1/workflows`]);
    } finally {
      await n8n.close();
    }
  });

  it('reports a refused n8n API key as a NodeApiError (401), or an error item with Continue On Fail', async () => {
    const n8n = await stubN8n(() => [401, { message: 'unauthorized' }]);
    try {
      const options = {
        credentials: { flowtuneN8nApi: { baseUrl: n8n.url, apiKey: 'wrong' } },
        parameters: { request: REQUEST, modelSource: 'retrieval', onInvalid: 'fail', createInN8n: true, options: { trainingData: trainingFile() } },
      };
      const error = await runNode(node, options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NodeApiError);
      expect(error).toMatchObject({
        httpCode: '401',
        message: 'n8n answered HTTP 401: the API key was refused',
        description: 'Check the API key of the "Flowtune n8n API" credential.',
        context: expect.objectContaining({ itemIndex: 0 }),
      });
      const { output } = await runNode(node, { ...options, continueOnFail: true });
      expect(output[0]).toEqual([{ json: expect.objectContaining({ error: 'n8n answered HTTP 401: the API key was refused', httpCode: '401' }), pairedItem: { item: 0 } }]);
    } finally {
      await n8n.close();
    }
  });

  it('passes n8n’s own message for other refusals and names an unreachable instance', async () => {
    const n8n = await stubN8n(() => [400, { message: "request/body/nodes/0 must have required property 'position'" }]);
    const parameters = { request: REQUEST, modelSource: 'retrieval', createInN8n: true, options: { trainingData: trainingFile() } };
    try {
      const error = await runNode(node, { credentials: { flowtuneN8nApi: { baseUrl: n8n.url, apiKey: 'k' } }, parameters }).catch((e: unknown) => e);
      expect(error).toMatchObject({ httpCode: '400', message: "n8n answered HTTP 400: request/body/nodes/0 must have required property 'position'" });
    } finally {
      await n8n.close();
    }
    const down = await runNode(node, { credentials: { flowtuneN8nApi: { baseUrl: 'http://127.0.0.1:9', apiKey: 'k' } }, parameters }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(NodeApiError);
    expect((down as Error).message).toMatch(/^Cannot reach n8n at http:\/\/127\.0\.0\.1:9/);
  });
});

describe('Workflow Generator in the n8n editor, versions 1 and 1.1', () => {
  const description = node.description;

  it('shows Create in n8n as a field, with a credential of its own that the node can create', () => {
    // n8n 2.8.4 took the yes/no field for the node's authentication choice (hidden, both credentials one "Credential to connect with").
    const asBefore = { ...description, credentials: [description.credentials![0], { name: 'flowtuneN8nApi', required: true, displayOptions: { show: { createInN8n: [true] } } }] };
    expect(mainAuthField(asBefore)?.name).toBe('createInN8n');
    expect(mainAuthField(description)).toBeNull();
    // With a `hide` rule only, "Create new credential" under it opened the Fine-Tuning API form.
    const hideOnly = { ...description, credentials: [description.credentials![0], { name: 'flowtuneN8nApi', required: true, displayOptions: { hide: { createInN8n: [false] } } }] };
    expect(offeredAsAuthChoice(hideOnly, 'flowtuneN8nApi')).toBe(true);
    expect(offeredAsAuthChoice(description, 'flowtuneN8nApi')).toBe(false);
    expect(offeredAsAuthChoice(description, 'flowtuneFineTuningApi')).toBe(false);
    // The `@version` show rule must name every version, or the credential would vanish in a new one.
    expect(description.credentials!.find((c) => c.name === 'flowtuneN8nApi')!.displayOptions!.show!['@version']).toEqual(description.version);
    for (const version of [1, 1.1]) expect(displayedParameters(node, {}, version).map((p) => p.name)).toContain('createInN8n');

    expect(displayedCredentials(node, {}, 1.1)).toEqual([]);
    expect(displayedCredentials(node, { createInN8n: true }, 1.1)).toEqual(['flowtuneN8nApi']);
    expect(displayedCredentials(node, { modelSource: 'model', createInN8n: true }, 1.1)).toEqual(['flowtuneFineTuningApi', 'flowtuneN8nApi']);
    expect(displayedCredentials(node, {}, 1)).toEqual(['flowtuneFineTuningApi']);
    expect(displayedCredentials(node, { createInN8n: true }, 1)).toEqual(['flowtuneFineTuningApi', 'flowtuneN8nApi']);
    expect(description.credentials!.find((c) => c.name === 'flowtuneN8nApi')!.displayName).toBe('Credential for Flowtune n8n API');
  });

  it('defaults to the labelled retrieval baseline in 1.1 and keeps the model in 1, as saved workflows expect', async () => {
    expect(description.version).toEqual([1, 1.1]);
    expect(description.defaultVersion).toBe(1.1);
    expect(editorNode(node, {}, 1.1).parameters.modelSource).toBe('retrieval');
    expect(editorNode(node, {}, 1).parameters.modelSource).toBe('model');
    const sources = displayedParameters(node, {}, 1.1).find((p) => p.name === 'modelSource')!;
    expect(sources.options!.find((o) => 'value' in o && o.value === 'retrieval')).toMatchObject({ name: 'Retrieval Baseline (Offline, No Model)', description: expect.stringMatching(/^A baseline/) });

    // A 1.1 node as added: no model source saved, no credential.
    const baseline = await runNode(node, { credentials: {}, parameters: { request: REQUEST, options: { trainingData: trainingFile() } } });
    expect(baseline.output[0][0].json).toMatchObject({ baseline: true, valid: true, label: expect.stringMatching(/baseline/i) });
    expect(fake.chat.requests).toHaveLength(0);

    // A version 1 node as saved before 1.1: no model source (it was the default) and the model as text.
    fake.chat.reply(JSON.stringify(GITHUB_TO_SLACK));
    const old = await run({ request: REQUEST, model: FT, options: {} }, { typeVersion: 1 });
    expect(old.output[0][0].json).toMatchObject({ baseline: false, valid: true, model: FT });
    expect(fake.chat.requests.map((r) => r.model)).toEqual([FT]);
  });

  it('picks the model from a list of the account’s models (By ID stays); the subtitle shows it', async () => {
    const [locator, text] = description.properties.filter((p) => p.name === 'model');
    expect(locator).toMatchObject({ type: 'resourceLocator', displayOptions: { show: { '@version': [{ _cnd: { gte: 1.1 } }], modelSource: ['model'] } } });
    expect(locator.modes!.map((m) => [m.name, m.typeOptions?.searchListMethod])).toEqual([
      ['list', 'searchModels'],
      ['id', undefined],
    ]);
    expect(text).toMatchObject({ type: 'string', displayOptions: { show: { '@version': [1] } } });

    const ctx = loadOptionsFunctions(node, { parameters: {}, credentials: fineTuning() });
    expect((await node.methods.listSearch.searchModels.call(ctx)).results.map((r) => r.value)).toEqual([FT]);

    fake.chat.reply(JSON.stringify(GITHUB_TO_SLACK), JSON.stringify(GITHUB_TO_SLACK));
    const { output } = await run((i) => modelParameters({ model: modelLocator(FT, i === 0 ? 'list' : 'id') }), { items: [{ json: {} }, { json: {} }] });
    expect(output[0].map((o) => o.json.model)).toEqual([FT, FT]);

    expect(subtitleOf(node, { modelSource: 'model', model: modelLocator(FT) }, 1.1)).toBe(FT);
    expect(subtitleOf(node, { model: FT }, 1)).toBe(FT);
    expect(subtitleOf(node, {}, 1.1)).toBe('retrieval baseline');
  });
});
