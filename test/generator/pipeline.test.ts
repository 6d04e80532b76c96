/**
 * The generator: JSON extraction from messy answers, the repair loop against the fake
 * OpenAI-compatible server, the retrieval baseline, catalog hints, import into n8n's
 * public API (stubbed here; the real n8n is the e2e suite), and the CLI commands.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { extractJson } from '../../generator/extract';
import { ChatCompletionsModel, ModelTimeoutError, workflowResponseSchema } from '../../generator/models';
import { generateWorkflow, toFullWorkflow } from '../../generator/pipeline';
import { buildMessages, catalogHints } from '../../generator/prompt';
import { OfflineModel } from '../../generator/offline/model';
import { nameForRequest, readTrainingExamples, RetrievalIndex } from '../../generator/retrieval';
import type { WorkflowModel } from '../../generator/types';
import { N8N_API_TIMEOUT_MS, N8nApiClient } from '../../n8n-api/client';
import { loadCatalog } from '../../schemas/catalog/load';
import { validateWorkflow } from '../../schemas/validator';
import { CONFIGURATION_NODE_SIZE, LABEL_HEIGHT } from '../../dataset/canvas';
import { SUB_ROW_GAP } from '../../dataset/layout';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { chatLine, GITHUB_TO_SLACK, SCHEDULE_TO_HTTP, trainingFile } from '../helpers/generator-fixtures';
import { expectOnCanvas } from '../helpers/canvas';
import { silentServer } from '../helpers/silent-server';
import { stubN8n } from '../helpers/stub-n8n';

const catalog = loadCatalog();
const tmp = () => mkdtempSync(path.join(tmpdir(), 'flowtune-generator-'));

describe('extractJson', () => {
  it.each([
    ['a bare object', '{"nodes": []}', false],
    ['a fenced block with prose around it', 'Here is your workflow:\n```json\n{"nodes": [], "connections": {}}\n```\nEnjoy!', false],
    ['prose and braces only', 'Sure! {"nodes": [], "connections": {}} Let me know.', false],
    ['trailing commas and single quotes', "```\n{'nodes': [], 'connections': {},}\n```", true],
    ['an answer cut off mid-object', '```json\n{"nodes": [{"name": "A", "type": "n8n-nodes-base.noOp"}], "connections": {', true],
  ])('reads %s', (_label, text, repaired) => {
    const result = extractJson(text);
    expect(result).toMatchObject({ ok: true, jsonRepaired: repaired });
    expect((result as { value: { nodes: unknown[] } }).value.nodes).toBeInstanceOf(Array);
  });

  it('reads the whole workflow when a parameter holds a code fence (the block closes at a line that starts with ```)', () => {
    const prompt = 'Return only this JSON:\n```json\n{"a": 1}\n```';
    const workflow = { nodes: [{ name: 'Agent', type: '@n8n/n8n-nodes-langchain.agent', parameters: { text: prompt } }], connections: {} };
    // A trailing comma as well, so neither candidate parses as it is and both go through jsonrepair.
    const text = `Here is the workflow:\n\`\`\`json\n${JSON.stringify(workflow).replace(/}$/, ',}')}\n\`\`\`\nLet me know.`;
    const result = extractJson(text);
    expect(result).toMatchObject({ ok: true, jsonRepaired: true, value: workflow });
  });

  it('prefers the candidate that holds a nodes list over a fragment that also parses', () => {
    const text = 'An example of the input:\n```json\n{"customer": "A"}\n```\nAnd the workflow:\n```json\n{"nodes": [], "connections": {}}\n```';
    expect(extractJson(text)).toMatchObject({ ok: true, value: { nodes: [], connections: {} } });
  });

  it('reports an answer without JSON as data', () => {
    expect(extractJson('I cannot help with that.')).toEqual({ ok: false, error: 'the answer holds no JSON object' });
  });
});

describe('pipeline', () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI({ chatModels: ['ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc'] });
  });
  afterEach(() => fake.close());
  const model = () => new ChatCompletionsModel({ baseURL: fake.baseURL, apiKey: 'sk-test', model: 'ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc' }, catalog);

  it('sends validator errors back to the model and returns the repaired, hydrated workflow with a trace', async () => {
    const hallucinated = { ...GITHUB_TO_SLACK, nodes: [GITHUB_TO_SLACK.nodes[0], { ...GITHUB_TO_SLACK.nodes[1], type: 'n8n-nodes-base.slackNotify' }] };
    fake.chat.reply(`Here you go:\n\`\`\`json\n${JSON.stringify(hallucinated)}\n\`\`\``, JSON.stringify(GITHUB_TO_SLACK));
    // Without deterministic repair (which would fix slackNotify itself): the repair round is what is tested here.
    const result = await generateWorkflow('Create a workflow that monitors GitHub issues and sends notifications to Slack', { model: model(), catalog, fix: false });
    expect(result.valid).toBe(true);
    expect(result.trace.rounds.map((r) => [r.kind, r.errors.map((e) => e.code)])).toEqual([
      ['generate', ['UNKNOWN_NODE_TYPE']],
      ['repair', []],
    ]);
    expect(result.trace.outcome).toBe('repaired');
    expect(result.trace.firstTryValid).toBe(false);
    expect(result.trace.promptTokens).toBeGreaterThan(0);
    // The second request carried the first answer and the validator's findings.
    const repair = fake.chat.requests[1].messages;
    expect(repair.at(-1)?.content).toMatch(/UNKNOWN_NODE_TYPE \(node "Slack"\).*slackNotify/s);
    expect(repair[0]).toMatchObject({ role: 'system', content: expect.stringContaining('n8n workflow engineer') });
    // Hydrated: ids, positions, versions, credential placeholders; valid in its own right.
    const wf = expectOnCanvas(result.workflow!, catalog);
    expect(wf.nodes.every((n) => typeof n.id === 'string' && n.position.length === 2 && typeof n.typeVersion === 'number')).toBe(true);
    expect(wf.nodes[1].credentials).toHaveProperty('slackApi');
    expect(validateWorkflow(wf, { catalog }).valid).toBe(true);
  });

  it.each([
    ['a typeVersion that does not exist', { ...SCHEDULE_TO_HTTP, nodes: [SCHEDULE_TO_HTTP.nodes[0], { ...SCHEDULE_TO_HTTP.nodes[1], typeVersion: 9 }] }, 'UNKNOWN_TYPE_VERSION', /has no typeVersion 9/],
    ['wiring to a node that does not exist', { ...SCHEDULE_TO_HTTP, connections: { 'Schedule Trigger': { main: [['HTTP Request', 'Send Email']] } } }, 'CONNECTION_UNKNOWN_NODE', /Send Email/],
    ['an output index the node does not have', { ...SCHEDULE_TO_HTTP, connections: { 'Schedule Trigger': { main: [[], ['HTTP Request']] } } }, 'CONNECTION_BAD_OUTPUT_INDEX', /output index 1/],
  ])('repairs %s', async (_label, broken, code, feedback) => {
    fake.chat.reply(JSON.stringify(broken), JSON.stringify(SCHEDULE_TO_HTTP));
    const result = await generateWorkflow('Call my health check every hour', { model: model(), catalog, fix: false });
    expect(result.valid).toBe(true);
    expect(result.trace.rounds.map((r) => r.errors.map((e) => e.code))).toEqual([[code], []]);
    expect(fake.chat.requests[1].messages.at(-1)?.content).toMatch(feedback);
    expect(expectOnCanvas(result.workflow!, catalog).nodes.map((n) => n.typeVersion)).toEqual(
      SCHEDULE_TO_HTTP.nodes.map((n) => catalog.get(n.type)!.entry.defaultVersion),
    );
  });

  it('repairs deterministically first: a fixable answer needs no repair round, and the trace says what was fixed', async () => {
    const hallucinated = {
      ...GITHUB_TO_SLACK,
      nodes: [GITHUB_TO_SLACK.nodes[0], { ...GITHUB_TO_SLACK.nodes[1], type: 'n8n-nodes-base.slackNotify', parameters: { ...GITHUB_TO_SLACK.nodes[1].parameters, bogus: 1 } }],
      connections: { 'GitHub Trigger': { main: [['Slack', 'Send Email']] } },
    };
    fake.chat.reply(JSON.stringify(hallucinated));
    const result = await generateWorkflow('Create a workflow that monitors GitHub issues and sends notifications to Slack', { model: model(), catalog });
    expect(result.valid).toBe(true);
    expect(fake.chat.requests).toHaveLength(1);
    expect(result.trace).toMatchObject({ firstTryValid: false, outcome: 'fixed' });
    const [round] = result.trace.rounds;
    expect(round.errors).toEqual([]);
    expect(round.fixes!.map((f) => [f.code, f.kind, f.applied])).toEqual([
      ['UNKNOWN_NODE_TYPE', 'node-type', true],
      ['CONNECTION_UNKNOWN_NODE', 'connection-remove', true],
      // The answer named no version: the one hydration gave the unknown type does not have "select".
      ['UNKNOWN_PARAMETER', 'type-version', true],
      ['UNKNOWN_PARAMETER', 'parameter-drop', true],
    ]);
    expect(expectOnCanvas(result.workflow!, catalog).nodes.map((n) => n.type)).toEqual(['n8n-nodes-base.githubTrigger', 'n8n-nodes-base.slack']);

    // What deterministic repair cannot fix (or only below the threshold) still goes to the model, errors after fixing.
    fake.chat.reply(JSON.stringify({ ...GITHUB_TO_SLACK, nodes: [GITHUB_TO_SLACK.nodes[0], { ...GITHUB_TO_SLACK.nodes[1], type: 'n8n-nodes-base.qqzzxxww' }] }), JSON.stringify(GITHUB_TO_SLACK));
    const repaired = await generateWorkflow('Notify Slack about GitHub issues', { model: model(), catalog, fixMinConfidence: 'high' });
    expect(repaired.trace.outcome).toBe('repaired');
    expect(repaired.trace.rounds.map((r) => r.kind)).toEqual(['generate', 'repair']);
  });

  it('stops after --max-repairs and reports the last errors; an answer without JSON is a round too', async () => {
    fake.chat.respondWith(() => 'I would use the Slack node.');
    const result = await generateWorkflow('Post to Slack', { model: model(), catalog, maxRepairs: 1 });
    expect(result).toMatchObject({ valid: false, workflow: null });
    expect(result.trace.rounds).toHaveLength(2);
    expect(result.trace.rounds.every((r) => !r.parsed)).toBe(true);
    expect(fake.chat.requests[1].messages.at(-1)?.content).toMatch(/could not be read as JSON/);
  });

  it('constrains node types through response_format json_schema when asked', async () => {
    fake.chat.reply(JSON.stringify(SCHEDULE_TO_HTTP));
    await generateWorkflow('Ping a URL every hour', { model: model(), catalog, constrained: true });
    const format = fake.chat.requests[0].response_format as { type: string; json_schema: { schema: { properties: { nodes: { items: { properties: { type: { enum: string[] } } } } } } } };
    expect(format.type).toBe('json_schema');
    const types = format.json_schema.schema.properties.nodes.items.properties.type.enum;
    expect(types).toContain('n8n-nodes-base.slack');
    expect(types).not.toContain('n8n-nodes-base.chatGpt');
    expect(workflowResponseSchema(catalog)).toEqual(format.json_schema.schema);
  });

  it('adds few-shot examples and catalog hints to the prompt', () => {
    const index = new RetrievalIndex(readTrainingExamples(trainingFile()));
    const messages = buildMessages('Tell Slack when a GitHub issue is opened', { fewShot: { index, k: 1 }, hints: { catalog, k: 5 } });
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1].content).toBe('Notify a Slack channel about new GitHub issues');
    expect(messages[3].content).toMatch(/Node types that may fit: .*n8n-nodes-base\.(slack|github)/);
    expect(catalogHints('send an email with Gmail', catalog, 5)).toContain('n8n-nodes-base.gmail');
    expect(catalogHints('summarise the text with an OpenAI chat model', catalog, 8)).toEqual(expect.arrayContaining([expect.stringMatching(/openAi/i)]));
  });

  it('turns full exports (credential maps, full connections) into the same importable shape', () => {
    const full = toFullWorkflow(
      {
        name: 'x',
        nodes: [
          { id: 'a', name: 'Schedule Trigger', type: 'n8n-nodes-base.scheduleTrigger', typeVersion: 1.2, position: [0, 0], parameters: {} },
          { id: 'b', name: 'Slack', type: 'n8n-nodes-base.slack', typeVersion: 2.3, position: [200, 0], parameters: {}, credentials: { slackApi: { id: '1', name: 'mine' } } },
        ],
        connections: { 'Schedule Trigger': { main: [[{ node: 'Slack', type: 'main', index: 0 }]] } },
      },
      catalog,
    )!;
    expectOnCanvas(full, catalog);
    expect(full.nodes[1].credentials).toEqual({ slackApi: expect.objectContaining({ name: expect.any(String) }) });
    expect(full.connections).toEqual({ 'Schedule Trigger': { main: [[{ node: 'Slack', type: 'main', index: 0 }]] } });
  });
});

describe('offline baseline', () => {
  it('answers with the training workflow that covers the request, renamed, and says it is a baseline', async () => {
    const model = new OfflineModel(new RetrievalIndex(readTrainingExamples(trainingFile())), catalog);
    expect(model).toMatchObject({ id: 'retrieval', baseline: true });
    const result = await generateWorkflow('Create a workflow that monitors GitHub issues and sends notifications to Slack', { model, catalog });
    expect(result.valid).toBe(true);
    expect(result.trace).toMatchObject({ baseline: true, model: 'retrieval' });
    expect(expectOnCanvas(result.workflow!, catalog).name).toBe('Monitors GitHub issues and sends notifications to Slack');
    expect(result.workflow!.nodes.map((n) => n.type)).toEqual(['n8n-nodes-base.githubTrigger', 'n8n-nodes-base.slack']);
    const hourly = await generateWorkflow('every hour call my health check URL', { model, catalog });
    expect(expectOnCanvas(hourly.workflow!, catalog).nodes[0].type).toBe('n8n-nodes-base.scheduleTrigger');
  });

  it('names a request-derived workflow and reports bad training files with their line', () => {
    expect(nameForRequest('Please create a workflow that backs up Notion pages to Google Drive. Daily.')).toBe('Backs up Notion pages to Google Drive');
    const bad = path.join(tmp(), 'bad.jsonl');
    writeFileSync(bad, '{"messages": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "{}"}]}\n{"messages": []}\n');
    expect(() => readTrainingExamples(bad)).toThrow(`${bad}:2: needs a user and an assistant message`);
  });
});


describe('import into n8n', () => {
  it('sends only name, nodes, connections and allowed settings; returns id and editor URL', async () => {
    const n8n = await stubN8n((_req, body) => [200, { id: 'wf1', ...(body as object) }]);
    try {
      const created = await new N8nApiClient(`${n8n.url}/`, 'key-1').createWorkflow({ ...GITHUB_TO_SLACK, active: true, id: 'x', tags: [], pinData: {}, settings: { executionOrder: 'v1', bogus: 1 } } as never);
      expect(created).toEqual({ id: 'wf1', name: 'GitHub issues to Slack', editorUrl: `${n8n.url}/workflow/wf1` });
      expect(n8n.received[0]).toMatchObject({ method: 'POST', url: '/api/v1/workflows', key: 'key-1' });
      expect(Object.keys(n8n.received[0].body as object).sort()).toEqual(['connections', 'name', 'nodes', 'settings']);
      expect((n8n.received[0].body as { settings: unknown }).settings).toEqual({ executionOrder: 'v1' });
    } finally {
      await n8n.close();
    }
  });

  it('explains 401, 400 (with n8n’s message) and an unreachable host', async () => {
    const n8n = await stubN8n((req) => (req.headers['x-n8n-api-key'] === 'good' ? [400, { message: 'request/body/nodes/0 must have required property \'position\'' }] : [401, { message: 'unauthorized' }]));
    try {
      await expect(new N8nApiClient(n8n.url, 'bad').createWorkflow({ nodes: [] })).rejects.toThrow(/n8n refused the API key \(HTTP 401\)/);
      await expect(new N8nApiClient(n8n.url, 'good').createWorkflow({ nodes: [] })).rejects.toThrow(/HTTP 400: request\/body\/nodes\/0 must have required property 'position'/);
    } finally {
      await n8n.close();
    }
    await expect(new N8nApiClient('http://127.0.0.1:9', 'k').createWorkflow({ nodes: [] })).rejects.toThrow(/cannot reach n8n at http:\/\/127\.0\.0\.1:9/);
  });

  it('never creates an empty workflow in place of a wrapper it was handed (library callers too)', async () => {
    const n8n = await stubN8n(() => [200, { id: 'wf1', name: 'x' }]);
    try {
      const record = { name: 'Template', description: 'd', workflow: { nodes: [{ name: 'A' }], connections: {} } };
      await expect(new N8nApiClient(n8n.url, 'k').createWorkflow(record as never)).rejects.toThrow('not a workflow: it has no "nodes" list');
      expect(n8n.received).toHaveLength(0);
    } finally {
      await n8n.close();
    }
  });
});

describe('flowtune generate / import', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readStdin: () => '', color: false, env: {} } satisfies CliIO };
  }

  it('generates offline with the labelled baseline, writes the file, imports it', async () => {
    const n8n = await stubN8n((_req, body) => [200, { id: 'wf9', ...(body as object) }]);
    try {
      const out = path.join(tmp(), 'wf.json');
      const run = io();
      const code = await runCli(['generate', 'Notify', 'Slack', 'about', 'GitHub', 'issues', '--data', trainingFile(), '--out', out, '--import', '--n8n-url', n8n.url, '--n8n-api-key', 'k'], run.io);
      expect(code).toBe(0);
      expect(run.err.join('')).toMatch(/model: +retrieval \(baseline: the training workflow that best covers .* adapted to it — not a language model\)/);
      expect(run.err.join('')).toMatch(new RegExp(`imported: +workflow wf9 — ${n8n.url}/workflow/wf9`));
      const written = JSON.parse(readFileSync(out, 'utf8'));
      expect(validateWorkflow(written, { catalog }).valid).toBe(true);
      expectOnCanvas(written, catalog);

      const imported = io();
      expect(await runCli(['import', out, '--n8n-url', n8n.url, '--n8n-api-key', 'k', '--json'], imported.io)).toBe(0);
      expect(JSON.parse(imported.out.join(''))).toMatchObject({ id: 'wf9' });
    } finally {
      await n8n.close();
    }
  });

  it('refuses to import an invalid workflow and explains missing settings', async () => {
    const file = path.join(tmp(), 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'x', nodes: [{ name: 'A', type: 'n8n-nodes-base.chatGpt', typeVersion: 1, position: [0, 0], parameters: {} }], connections: {} }));
    const run = io();
    expect(await runCli(['import', file, '--n8n-url', 'http://127.0.0.1:9', '--n8n-api-key', 'k'], run.io)).toBe(1);
    expect(run.err.join('')).toMatch(/not importing .*1 validation error.*UNKNOWN_NODE_TYPE/s);
    const noKey = io();
    expect(await runCli(['generate', 'x', '--data', trainingFile(), '--import', '--n8n-url', 'http://127.0.0.1:9'], noKey.io)).toBe(2);
    expect(noKey.err.join('')).toMatch(/no n8n API key: pass --n8n-api-key or set N8N_API_KEY/);
    const noOpenAiKey = io();
    expect(await runCli(['generate', 'x', '--model', 'gpt-4.1-mini'], noOpenAiKey.io)).toBe(2);
    expect(noOpenAiKey.err.join('')).toMatch(/set OPENAI_API_KEY or pass --api-key/);
  });
});

describe('flowtune eval', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readStdin: () => '', color: false, env: {} } satisfies CliIO };
  }
  it('scores a model against the references, checks acceptance in n8n, writes eval.json and eval.md, and compares runs', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'train.jsonl'), readFileSync(trainingFile(), 'utf8'));
    writeFileSync(path.join(dir, 'validation.jsonl'), `${chatLine('Ping my service every hour', SCHEDULE_TO_HTTP)}\n${chatLine('Tell #dev on Slack about GitHub issues', GITHUB_TO_SLACK)}\n`);
    const fake = await startFakeOpenAI({ chatModels: ['my-model'] });
    // The "fine-tuned" model answers the first request right, the second with a hallucinated node.
    fake.chat.respondWith((req) =>
      String(req.messages.at(-1)?.content).includes('every hour') ? JSON.stringify(SCHEDULE_TO_HTTP) : JSON.stringify({ nodes: [{ name: 'Bot', type: 'n8n-nodes-base.slackBot' }], connections: {} }),
    );
    const created: string[] = [];
    const n8n = await stubN8n((req, body) => {
      if (req.method === 'DELETE') return [200, {}];
      created.push((body as { name: string }).name);
      return [200, { id: `wf${created.length}` }];
    });
    try {
      const model = io();
      expect(await runCli(['eval', '--data', path.join(dir, 'validation.jsonl'), '--model', 'my-model', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--max-repairs', '0', '--no-fix', '--n8n-url', n8n.url, '--n8n-api-key', 'k', '--out', path.join(dir, 'model')], model.io)).toBe(0);
      const evalFile = JSON.parse(readFileSync(path.join(dir, 'model', 'eval.json'), 'utf8'));
      expect(evalFile.summary).toMatchObject({ model: 'my-model', baseline: false, count: 2, rates: { parsed: 1, validFirstTry: 0.5, fixedDeterministically: 0, fixedByRepairRound: 0, neverValid: 0.5, n8nAccepted: 1, n8nChecked: 2 } });
      expect(evalFile.examples[0]).toMatchObject({ nodeTypeF1: 1, typedEdgeF1: 1, graphSimilarity: 1, triggerMatch: true });
      expect(evalFile.examples[1]).toMatchObject({ hallucinatedNodeTypes: 1, hallucinatedNodeTypeList: ['n8n-nodes-base.slackBot'] });
      expect(n8n.received.filter((r) => r.method === 'DELETE')).toHaveLength(2);
      expect(readFileSync(path.join(dir, 'model', 'eval.md'), 'utf8')).toMatch(/# Evaluation: my-model/);

      // With deterministic repair (the default) the hallucinated slackBot is fixed without a model round.
      const fixing = io();
      expect(await runCli(['eval', '--data', path.join(dir, 'validation.jsonl'), '--model', 'my-model', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--max-repairs', '0', '--out', path.join(dir, 'fixing')], fixing.io)).toBe(0);
      const fixed = JSON.parse(readFileSync(path.join(dir, 'fixing', 'eval.json'), 'utf8'));
      expect(fixed.summary.rates).toMatchObject({ validFirstTry: 0.5, fixedDeterministically: 0.5, fixedByRepairRound: 0, neverValid: 0, validAfterRepair: 1 });
      expect(readFileSync(path.join(dir, 'fixing', 'eval.md'), 'utf8')).toMatch(/\| … fixed deterministically \(no model round\) \| 50\.0% \|/);

      const baseline = io();
      expect(await runCli(['eval', '--data', path.join(dir, 'validation.jsonl'), '--out', path.join(dir, 'baseline')], baseline.io)).toBe(0);
      expect(baseline.out.join('')).toMatch(/Baseline, not a language model: the training workflow that best covers the request, adapted to it/);
      const base = JSON.parse(readFileSync(path.join(dir, 'baseline', 'eval.json'), 'utf8'));
      // Retrieval reads train.jsonl beside the data: both requests find their own workflow there.
      expect(base.summary.means.nodeTypeF1).toBe(1);

      const compared = io();
      expect(await runCli(['eval', '--compare', path.join(dir, 'baseline', 'eval.json'), path.join(dir, 'model', 'eval.json')], compared.io)).toBe(0);
      expect(compared.out.join('')).toMatch(/retrieval.*my-model/s);
      const broken = path.join(dir, 'broken.json');
      writeFileSync(broken, '{"version": 1}');
      const bad = io();
      expect(await runCli(['eval', '--compare', broken, path.join(dir, 'model', 'eval.json')], bad.io)).toBe(2);
      expect(bad.err.join('')).toContain(broken);
    } finally {
      await n8n.close();
      await fake.close();
    }
  });
});

describe('constrained decoding fallback', () => {
  it('asks again without response_format when the server does not support it', async () => {
    const fake = await startFakeOpenAI({ chatModels: ['local'] });
    try {
      fake.faults.add({ method: 'POST', path: '/v1/chat/completions', status: 400, body: { error: { message: "Unrecognized request argument supplied: response_format", type: 'invalid_request_error', param: 'response_format', code: null } } });
      fake.chat.reply(JSON.stringify(SCHEDULE_TO_HTTP));
      const model = new ChatCompletionsModel({ baseURL: fake.baseURL, apiKey: 'sk-test', model: 'local' }, catalog);
      const result = await generateWorkflow('Ping a URL every hour', { model, catalog, constrained: true });
      expect(result.valid).toBe(true);
      expect(model.schemaRefused).toBe(true);
      expectOnCanvas(result.workflow!, catalog);
      expect(fake.chat.requests.at(-1)?.response_format).toBeUndefined();
    } finally {
      await fake.close();
    }
  });
});

/** Issue 11: hostile answers and files, servers that never answer, import sending what it validated. */
const cliIO = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readStdin: () => '', color: false, env: {} } satisfies CliIO };
};
const answering = (text: string): WorkflowModel => ({ id: 'fixed', baseline: false, complete: async () => ({ text, latencyMs: 0 }) });
/** 300,000 nodes: 30 times the node limit. */
const hugeWorkflowText = () =>
  JSON.stringify({ name: 'huge', nodes: Array.from({ length: 300_000 }, (_, i) => ({ name: `N${i}`, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} })), connections: {} });
/** A node parameter nested 10,000 levels deep. */
const deepWorkflowText = () =>
  `{"name": "deep", "nodes": [{"name": "Set", "type": "n8n-nodes-base.set", "parameters": {"x": ${'['.repeat(10_000)}${']'.repeat(10_000)}}}], "connections": {}}`;

describe('hostile model answers are rejections, never crashes', () => {
  it.each([
    ['300,000 nodes', hugeWorkflowText, /300000 nodes, more than the limit of 10000/],
    ['nesting 10,000 levels deep', deepWorkflowText, /nested deeper than 128 levels/],
    ['a cut-off answer nesting 10,000 levels deep', () => `\`\`\`json\n${'{"a":'.repeat(10_000)}`, /nested deeper than 128 levels/],
  ])('%s: LIMIT_EXCEEDED, no repair round', async (_label, text, message) => {
    const model = answering(text());
    const complete = jest.spyOn(model, 'complete');
    const result = await generateWorkflow('anything', { model, catalog, maxRepairs: 2 });
    expect(result.valid).toBe(false);
    expect(result.workflow).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: expect.stringMatching(message) })]);
    // Sending such an answer back would only ask for more of it.
    expect(complete).toHaveBeenCalledTimes(1);
  });

  it('flowtune generate: a 300,000-node and a 10,000-deep answer exit 1 with LIMIT_EXCEEDED', async () => {
    const fake = await startFakeOpenAI({ chatModels: ['m'] });
    try {
      for (const text of [hugeWorkflowText(), deepWorkflowText()]) {
        fake.chat.reply(text);
        const run = cliIO();
        expect(await runCli(['generate', 'x', '--model', 'm', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--max-repairs', '0'], run.io)).toBe(1);
        expect(run.err.join('')).toMatch(/LIMIT_EXCEEDED: the (answer|JSON in the answer) is too large/);
        expect(run.err.join('')).not.toMatch(/RangeError|call stack/);
      }
    } finally {
      await fake.close();
    }
  });

  it('hydrates a chain of 10,000 AI sub-nodes (layout without recursion)', () => {
    const nodes = [{ name: 'S0', type: '@n8n/n8n-nodes-langchain.toolCode', parameters: {} }];
    const connections: Record<string, unknown> = {};
    for (let i = 1; i < 10_000; i++) {
      nodes.push({ name: `S${i}`, type: '@n8n/n8n-nodes-langchain.toolCode', parameters: {} });
      connections[`S${i}`] = { ai_tool: [[{ node: `S${i - 1}`, type: 'ai_tool', index: 0 }]] };
    }
    const full = toFullWorkflow({ nodes, connections }, catalog)!;
    expect(full.nodes).toHaveLength(10_000);
    // Each sub-node (80 high, its label band below) sits a sub-row gap below the one before.
    expect(full.nodes[9_999].position[1] - full.nodes[0].position[1]).toBe(9_999 * (CONFIGURATION_NODE_SIZE + LABEL_HEIGHT + SUB_ROW_GAP));
    expectOnCanvas(full, catalog);
  });
});

describe('flowtune import sends exactly the workflow it validated', () => {
  const full = () => toFullWorkflow(SCHEDULE_TO_HTTP, catalog)!;

  it.each([[[]], [['--no-validate']]])('a template record {name, description, workflow}: the unwrapped nodes, named after the record %j', async (extra) => {
    const { name: _drop, ...unnamed } = full();
    const record = { name: 'Hourly ping (template)', description: 'Pings a URL', workflow: unnamed };
    const file = path.join(tmp(), 'record.json');
    writeFileSync(file, JSON.stringify(record));
    const n8n = await stubN8n((_req, body) => [200, { id: 'wf1', ...(body as object) }]);
    try {
      const run = cliIO();
      expect(await runCli(['import', file, '--n8n-url', n8n.url, '--n8n-api-key', 'k', ...extra], run.io)).toBe(0);
      expect(n8n.received).toHaveLength(1);
      const body = n8n.received[0].body as { name: string; nodes: Array<{ name: string }> };
      expect(body.name).toBe('Hourly ping (template)');
      expect(body.nodes).toEqual(unnamed.nodes);
      expect(body.nodes.length).toBeGreaterThan(0);
    } finally {
      await n8n.close();
    }
  });

  it('a workflow of its own name keeps it; JSON that holds no workflow is not sent, even with --no-validate', async () => {
    const dir = tmp();
    const named = path.join(dir, 'named.json');
    writeFileSync(named, JSON.stringify({ name: 'Record', workflow: full() }));
    const empty = path.join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ name: 'Record', description: 'no workflow here' }));
    const n8n = await stubN8n((_req, body) => [200, { id: 'wf1', ...(body as object) }]);
    try {
      expect(await runCli(['import', named, '--n8n-url', n8n.url, '--n8n-api-key', 'k'], cliIO().io)).toBe(0);
      expect((n8n.received[0].body as { name: string }).name).toBe('Hourly ping');
      const run = cliIO();
      expect(await runCli(['import', empty, '--n8n-url', n8n.url, '--n8n-api-key', 'k', '--no-validate'], run.io)).toBe(1);
      expect(run.err.join('')).toMatch(/not importing .*empty\.json: not a workflow.*SCHEMA/s);
      expect(n8n.received).toHaveLength(1);
    } finally {
      await n8n.close();
    }
  });

  it.each([['300,000 nodes', hugeWorkflowText], ['nesting 10,000 levels deep', deepWorkflowText]])('a file of %s: exit 1, LIMIT_EXCEEDED, nothing sent (with --no-validate too)', async (_label, text) => {
    const file = path.join(tmp(), 'hostile.json');
    writeFileSync(file, text());
    const n8n = await stubN8n(() => [200, { id: 'wf1' }]);
    try {
      for (const extra of [[], ['--no-validate']]) {
        const run = cliIO();
        expect(await runCli(['import', file, '--n8n-url', n8n.url, '--n8n-api-key', 'k', ...extra], run.io)).toBe(1);
        expect(run.err.join('')).toMatch(/not importing .*LIMIT_EXCEEDED: too large to import/s);
      }
      expect(n8n.received).toHaveLength(0);
    } finally {
      await n8n.close();
    }
  });
});

describe('timeouts name the server that did not answer', () => {
  it('generate --timeout 1 against a model server that never answers: exit 2, naming its base URL', async () => {
    const server = await silentServer();
    try {
      const run = cliIO();
      expect(await runCli(['generate', 'x', '--model', 'm', '--base-url', `${server.url}/v1`, '--api-key', 'k', '--timeout', '1'], run.io)).toBe(2);
      expect(run.err.join('')).toContain(`the model call failed: the model server at ${server.url}/v1 did not answer within 1 s`);
      expect(server.received.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('import --timeout 1 against an n8n that never answers: exit 2, naming it', async () => {
    const server = await silentServer();
    const file = path.join(tmp(), 'wf.json');
    writeFileSync(file, JSON.stringify(toFullWorkflow(SCHEDULE_TO_HTTP, catalog)));
    try {
      const run = cliIO();
      expect(await runCli(['import', file, '--n8n-url', server.url, '--n8n-api-key', 'k', '--timeout', '1'], run.io)).toBe(2);
      expect(run.err.join('')).toContain(`n8n at ${server.url} did not answer POST /workflows within 1 s`);
    } finally {
      await server.close();
    }
  });

  it('eval --timeout 1: a silent model server or n8n stops the run, naming it', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'train.jsonl'), readFileSync(trainingFile(), 'utf8'));
    writeFileSync(path.join(dir, 'validation.jsonl'), `${chatLine('Ping my service every hour', SCHEDULE_TO_HTTP)}\n`);
    const server = await silentServer();
    try {
      const model = cliIO();
      expect(await runCli(['eval', '--data', path.join(dir, 'validation.jsonl'), '--model', 'm', '--base-url', `${server.url}/v1`, '--api-key', 'k', '--timeout', '1', '--out', path.join(dir, 'a')], model.io)).toBe(2);
      expect(model.err.join('')).toContain(`the model server at ${server.url}/v1 did not answer within 1 s`);
      const n8n = cliIO();
      expect(await runCli(['eval', '--data', path.join(dir, 'validation.jsonl'), '--n8n-url', server.url, '--n8n-api-key', 'k', '--timeout', '1', '--out', path.join(dir, 'b')], n8n.io)).toBe(2);
      expect(n8n.err.join('')).toContain(`n8n at ${server.url} did not answer POST /workflows within 1 s`);
    } finally {
      await server.close();
    }
  });

  it('bounds the whole model call, SDK retries included; the n8n client has a timeout by default', async () => {
    const fake = await startFakeOpenAI({ chatModels: ['m'] });
    try {
      fake.faults.add({ path: '/v1/chat/completions', hang: true, times: Infinity });
      const model = new ChatCompletionsModel({ baseURL: fake.baseURL, apiKey: 'sk-test', model: 'm', timeoutMs: 300 }, catalog);
      const failure = await model.complete([{ role: 'user', content: 'x' }], { request: 'x' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ModelTimeoutError);
      expect(failure).toMatchObject({ baseURL: fake.baseURL, timeoutMs: 300 });
    } finally {
      await fake.close();
    }
    expect(new N8nApiClient('http://127.0.0.1:9', 'k').timeoutMs).toBe(N8N_API_TIMEOUT_MS);
  });

  it('--timeout takes seconds from 1 to 86,400', async () => {
    const run = cliIO();
    expect(await runCli(['generate', 'x', '--data', trainingFile(), '--timeout', '0'], run.io)).toBe(2);
    expect(run.err.join('')).toMatch(/--timeout must be a number from 1 to 86400 \(got "0"\)/);
  });
});
