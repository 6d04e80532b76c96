/**
 * Constrained decoding per server kind (generator/constrained/): the OpenAI strict-mode schema
 * inside every documented limit (judged by the fake's own strict-mode checker), the strict form's
 * round trip over the real templates, the compact schema vLLM and llama.cpp get, server-kind
 * detection, and the request bodies each server kind receives end to end.
 */
import Ajv from 'ajv';
import { compactWorkflow, type CompactWorkflow } from '../../dataset/compact';
import { afterRefusal, decodingPlan } from '../../generator/constrained/decoding';
import { catalogNodeTypes, chunkEnum, OPENAI_STRICT_LIMITS, openAiStrictSchema, strictSchemaBudget, workflowResponseSchema } from '../../generator/constrained/schemas';
import { probeServerKind, serverKindFromUrl, vllmHasStructuredOutputs } from '../../generator/constrained/server-kind';
import { fromStrictWorkflow, MAX_OUTPUT_INDEX, toStrictWorkflow } from '../../generator/constrained/strict-form';
import { ChatCompletionsModel } from '../../generator/models';
import { generateWorkflow } from '../../generator/pipeline';
import { NodeCatalog } from '../../schemas/catalog/catalog';
import { loadCatalog, readStockCatalog } from '../../schemas/catalog/load';
import type { Catalog, CatalogNodeType } from '../../schemas/catalog/types';
import { startFakeOpenAI, type FakeOpenAI, type FakeOpenAIOptions } from '../fake-openai/server';
import { strictSchemaIssues, STRICT_LIMITS } from '../fake-openai/strict-schema';
import { GITHUB_TO_SLACK, SCHEDULE_TO_HTTP } from '../helpers/generator-fixtures';
import { silentServer } from '../helpers/silent-server';
import { loadTemplates, stockOnly } from '../helpers/templates';

const catalog = loadCatalog();
const ajv = new Ajv({ strict: false, allErrors: false });

/** The stock catalog plus a community package of `count` node types. */
function withCommunityNodes(count: number): NodeCatalog {
  const nodes: CatalogNodeType[] = Array.from({ length: count }, (_, i) => ({
    type: `n8n-nodes-community-tools.communityService${i}`,
    displayName: `Community Service ${i}`,
    package: 'n8n-nodes-community-tools',
    versions: [1],
    defaultVersion: 1,
    trigger: false,
    group: ['transform'],
    variants: [{ versions: [1], inputs: { types: ['main'] }, outputs: { types: ['main'] }, credentials: [], properties: [] }],
  }));
  const community: Catalog = { formatVersion: 1, sources: [{ package: 'n8n-nodes-community-tools', version: '1.0.0', nodeTypes: count }], nodes };
  return NodeCatalog.from([readStockCatalog(), community]);
}

/** The sub-schema of a node's `type` in the strict schema. */
const nodeTypeSchema = (schema: Record<string, unknown>) =>
  (((schema.properties as Record<string, { items: { properties: Record<string, unknown> } }>).nodes.items.properties.type) as Record<string, unknown>);

describe("the fake's OpenAI strict-mode checker (the judge of the schema tests)", () => {
  const object = (properties: Record<string, unknown>) => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });
  const values = (n: number, length: number) => Array.from({ length: n }, (_, i) => `${i}`.padStart(length, 'x'));

  it('takes a closed schema inside the limits', () => {
    expect(strictSchemaIssues(object({ a: { type: 'string' }, b: { type: ['number', 'null'] }, c: { anyOf: [{ type: 'string', enum: ['x'] }, { type: 'integer' }] } }))).toEqual([]);
  });

  it.each([
    ['a free-form object', object({ parameters: { type: 'object' } }), /'additionalProperties' is required to be supplied and to be false/],
    ['an optional property', { type: 'object', properties: { a: { type: 'string' } }, required: [], additionalProperties: false }, /Missing 'a'/],
    ['a root anyOf', { anyOf: [object({})] }, /root schema must be of type 'object'/],
    ['an unsupported keyword', object({ a: { type: 'string', default: 'x' } }), /'default' is not permitted/],
    ['1,001 enum values', object({ a: { type: 'string', enum: values(600, 3) }, b: { type: 'string', enum: values(401, 3) } }), /1001 enum values exceed the limit of 1000/],
    ['an enum of 251 values totalling 15,060 characters', object({ a: { type: 'string', enum: values(251, 60) } }), /exceeding the limit of 15000 for enums of more than 250 values/],
    ['11 levels of nesting', Array.from({ length: 10 }).reduce<Record<string, unknown>>((inner) => object({ a: inner }), object({})), /11 levels of nesting exceeds limit of 10/],
    ['5,001 properties', object(Object.fromEntries(values(5001, 4).map((k) => [k, { type: 'string' }]))), /5001 object properties exceed the limit of 5000/],
    ['120,001 characters of enum values', object(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`e${i}`, { type: 'string', enum: values(200, 120) }]))), /characters of property names.*exceed the limit of 120000/],
  ])('refuses %s', (_label, schema, message) => {
    expect(strictSchemaIssues(schema).map((i) => i.message).join('\n')).toMatch(message);
  });

  it("refuses the compact schema with strict: true (why --constrained could not be strict before): free-form objects and the 24,000-character enum", () => {
    const messages = strictSchemaIssues(workflowResponseSchema(catalog)).map((i) => i.message);
    expect(messages.some((m) => /additionalProperties/.test(m))).toBe(true);
    expect(messages.some((m) => /for enums of more than 250 values/.test(m))).toBe(true);
  });
});

describe('openAiStrictSchema', () => {
  it('stays inside every documented strict-mode limit for the real catalog, every node type still an enum value', () => {
    const { schema, nodeType, reason } = openAiStrictSchema(catalog);
    expect(strictSchemaIssues(schema)).toEqual([]);
    expect(nodeType).toBe('enum');
    expect(reason).toBeUndefined();
    const types = catalogNodeTypes(catalog);
    const pieces = (nodeTypeSchema(schema).anyOf as Array<{ enum: string[] }>).map((p) => p.enum);
    expect(pieces.flat()).toEqual(types);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(STRICT_LIMITS.largeEnum);
      expect(piece.join('').length).toBeLessThanOrEqual(STRICT_LIMITS.largeEnumChars);
    }
    const budget = strictSchemaBudget(schema);
    expect(budget.enumValues).toBeLessThanOrEqual(STRICT_LIMITS.enumValues);
    expect(budget.chars).toBeLessThanOrEqual(STRICT_LIMITS.totalChars);
    // The figures the issue quotes: ~800 types, over 15,000 characters in one enum.
    expect(types.length).toBeGreaterThan(STRICT_LIMITS.largeEnum);
    expect(types.join('').length).toBeGreaterThan(STRICT_LIMITS.largeEnumChars);
    const validate = ajv.compile(nodeTypeSchema(schema));
    expect(types.every((t) => validate(t))).toBe(true);
    expect(validate('n8n-nodes-base.slackNotify')).toBe(false);
  });

  it('past the enum budget (the catalog plus 400 community nodes), falls back to a package enum and a free name, legal still, with the reason', () => {
    const big = withCommunityNodes(400);
    const { schema, nodeType, reason } = openAiStrictSchema(big);
    expect(strictSchemaIssues(schema)).toEqual([]);
    expect(nodeType).toBe('package-enum');
    expect(reason).toMatch(/^the catalog's \d+ node types would make \d+ enum values \(limit 1000\): node type split into an enum of the catalog's 3 packages and a free name$/);
    const node = (schema.properties as { nodes: { items: Record<string, unknown> } }).nodes.items;
    const validate = ajv.compile(node);
    const answer = { name: 'Tool', package: 'n8n-nodes-community-tools', type: 'communityService7', typeVersion: null, parameters: [], credentials: [], settings: [] };
    expect(validate(answer)).toBe(true);
    expect(validate({ ...answer, package: 'made-up-package' })).toBe(false);
    const read = fromStrictWorkflow({ name: null, nodes: [answer, { ...answer, name: 'Slack', package: 'n8n-nodes-base', type: 'n8n-nodes-base.slack' }], connections: [], settings: [] });
    expect((read as { workflow: CompactWorkflow }).workflow.nodes).toEqual([
      { name: 'Tool', type: 'n8n-nodes-community-tools.communityService7' },
      { name: 'Slack', type: 'n8n-nodes-base.slack' },
    ]);
  });

  it('a catalog whose types fit under 1,000 enum values in all keeps the enum (split into pieces of ≤ 250)', () => {
    const { schema, nodeType } = openAiStrictSchema(withCommunityNodes(150));
    expect(nodeType).toBe('enum');
    expect(strictSchemaIssues(schema)).toEqual([]);
  });

  it('chunks an enum by count and by characters', () => {
    expect(chunkEnum(['a', 'b', 'c', 'd', 'e'], 2, 100)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(chunkEnum(['aaa', 'bbb', 'ccc'], 10, 6)).toEqual([['aaa', 'bbb'], ['ccc']]);
    expect(OPENAI_STRICT_LIMITS).toEqual({
      maxObjectProperties: STRICT_LIMITS.objectProperties,
      maxNesting: STRICT_LIMITS.nesting,
      maxEnumValues: STRICT_LIMITS.enumValues,
      largeEnumValues: STRICT_LIMITS.largeEnum,
      maxLargeEnumChars: STRICT_LIMITS.largeEnumChars,
      maxTotalChars: STRICT_LIMITS.totalChars,
    });
  });
});

describe('the strict form over the real templates', () => {
  let compacts: CompactWorkflow[];
  /** n8n's own wiring: every connection entry has its list's type (the others are invalid wiring). */
  const ownTyped = (w: CompactWorkflow) =>
    Object.values(w.connections).every((byType) => Object.entries(byType).every(([type, outputs]) => outputs.every((o) => o.every((e) => typeof e === 'string' || e.type === type))));

  // Constrained decoding offers the node types of n8n's node panel: templates with hidden (deprecated) types such as
  // n8n-nodes-base.function cannot be written under it, by design; nor can one template's typeVersion "3.4" (a string).
  const offered = (w: CompactWorkflow) => w.nodes.every((n) => catalog.get(n.type)?.entry.hidden !== true && (n.typeVersion === undefined || typeof n.typeVersion === 'number'));
  beforeAll(async () => {
    const all = stockOnly(await loadTemplates(), catalog).map(({ workflow }) => compactWorkflow(workflow, { catalog }));
    compacts = all.filter(offered);
    expect(compacts.length).toBeGreaterThan(0.85 * all.length);
  });
  const firstError = (validate: { errors?: Array<{ instancePath: string; message?: string }> | null }) => `${validate.errors?.[0]?.instancePath} ${validate.errors?.[0]?.message}`;

  it('compact → strict form (conforming to the strict schema) → back gives the compact workflow again', () => {
    const strictSchema = ajv.compile(openAiStrictSchema(catalog).schema);
    const typed = compacts.filter(ownTyped);
    expect(compacts.length - typed.length).toBeLessThanOrEqual(5);
    expect(typed.length).toBeGreaterThan(1700);
    const refused: string[] = [];
    for (const compact of typed) {
      const strict = toStrictWorkflow(compact);
      if (!strictSchema(strict)) refused.push(`${compact.name}: ${firstError(strictSchema)}`);
      // Through JSON text, as a model's answer comes.
      expect(fromStrictWorkflow(JSON.parse(JSON.stringify(strict)))).toEqual({ ok: true, workflow: compact });
    }
    expect(refused).toEqual([]);
  });

  it('the compact schema (vLLM, llama.cpp, json_schema) accepts every compact template', () => {
    const validate = ajv.compile(workflowResponseSchema(catalog));
    const accepts = (c: CompactWorkflow): boolean => validate(c);
    const refused = compacts.filter((c) => !accepts(c)).map((c) => (accepts(c), `${c.name}: ${firstError(validate)}`));
    expect(refused).toEqual([]);
  });

  it("the compact schema avoids what llama.cpp's JSON-Schema→GBNF converter skips or breaks on", () => {
    const skipped = ['pattern', 'patternProperties', 'uniqueItems', 'contains', 'minContains', '$anchor', 'not', 'if', 'then', 'else', 'dependentSchemas', 'prefixItems', '$ref', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      const schema = node as Record<string, unknown>;
      for (const keyword of skipped) expect([at, keyword in schema]).toEqual([at, false]);
      // llama.cpp cannot mix properties with anyOf / oneOf in one type.
      expect([at, 'properties' in schema && ('anyOf' in schema || 'oneOf' in schema)]).toEqual([at, false]);
      // Objects are closed by default there (and in xgrammar): an open object must say so.
      if (schema.type === 'object' && !('properties' in schema)) expect([at, schema.additionalProperties !== undefined]).toEqual([at, true]);
      for (const [key, value] of Object.entries(schema)) if (key !== 'enum' && key !== 'required') walk(value, `${at}/${key}`);
    };
    walk(workflowResponseSchema(catalog), '');
  });
});

describe('fromStrictWorkflow', () => {
  const strict = (over: Record<string, unknown> = {}) => ({
    name: null,
    nodes: [{ name: 'Set', type: 'n8n-nodes-base.set', typeVersion: null, parameters: [], credentials: [], settings: [] }],
    connections: [],
    settings: [],
    ...over,
  });

  it('reads a value that is not JSON text as the string itself; a __proto__ name stays a plain key', () => {
    const result = fromStrictWorkflow(
      strict({ nodes: [{ name: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: [{ name: 'mode', json: 'raw' }, { name: '__proto__', json: '{"polluted": true}' }], credentials: [], settings: [{ name: 'onError', json: '"continueRegularOutput"' }, { name: 'parameters', json: '{}' }] }] }),
    );
    expect(result.ok).toBe(true);
    const node = (result as { workflow: CompactWorkflow }).workflow.nodes[0];
    expect(node.parameters?.mode).toBe('raw');
    expect(Object.getOwnPropertyNames(node.parameters)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(node).toMatchObject({ typeVersion: 3.4, onError: 'continueRegularOutput' });
    expect(node.parameters).toEqual(expect.objectContaining({ mode: 'raw' }));
  });

  it('fills outputs before a connected one with empty outputs and writes entries into other inputs in full', () => {
    const result = fromStrictWorkflow(
      strict({ connections: [{ from: 'If', type: 'main', output: 1, to: 'B', input: 0 }, { from: 'Model', type: 'ai_languageModel', output: 0, to: 'Agent', input: 1 }] }),
    );
    expect((result as { workflow: CompactWorkflow }).workflow.connections).toEqual({
      If: { main: [[], ['B']] },
      Model: { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 1 }]] },
    });
  });

  it('refuses an output index no node has, with a JSON Pointer; a compact answer is not the strict form', () => {
    expect(fromStrictWorkflow(strict({ connections: [{ from: 'A', type: 'main', output: 1e9, to: 'B', input: 0 }] }))).toEqual({
      ok: false,
      path: '/connections/0/output',
      message: `1000000000 is not an output index (0 to ${MAX_OUTPUT_INDEX})`,
    });
    expect(fromStrictWorkflow(GITHUB_TO_SLACK)).toMatchObject({ ok: false, path: '' });
  });
});

describe('server kind', () => {
  it('reads OpenAI and Azure OpenAI from the host', () => {
    expect(serverKindFromUrl('https://api.openai.com/v1')?.kind).toBe('openai');
    expect(serverKindFromUrl('https://acme.openai.azure.com/openai/v1')?.kind).toBe('azure');
    expect(serverKindFromUrl('https://acme-resource.cognitiveservices.azure.com/openai/v1')?.kind).toBe('azure');
    expect(serverKindFromUrl('http://localhost:8000/v1')).toBeUndefined();
    expect(serverKindFromUrl('not a url')).toBeUndefined();
  });

  it.each([
    [{ serverKind: 'vllm', serverVersion: '0.11.2' }, { kind: 'vllm', version: '0.11.2', how: 'GET /version' }],
    [{ serverKind: 'llamacpp' }, { kind: 'llamacpp', how: 'GET /props' }],
    [{ serverKind: 'ollama', serverVersion: '0.12.6' }, { kind: 'ollama', version: '0.12.6', how: 'GET /api/version' }],
    [{ serverKind: 'openai' }, { kind: 'unknown', how: 'the probes did not name a known server' }],
  ] as Array<[FakeOpenAIOptions, object]>)('probes %j', async (options, identity) => {
    const fake = await startFakeOpenAI(options);
    try {
      expect(await probeServerKind(fake.baseURL, { headers: { Authorization: 'Bearer sk-test' } })).toEqual(identity);
    } finally {
      await fake.close();
    }
  });

  it('a server that never answers (or is not there) is unknown once the probe timeout is over, never an error', async () => {
    const silent = await silentServer();
    try {
      const started = performance.now();
      expect(await probeServerKind(`${silent.url}/v1`, { timeoutMs: 200 })).toEqual({ kind: 'unknown', how: 'no answer to the probes within 200 ms' });
      expect(performance.now() - started).toBeLessThan(5000);
      expect(silent.received.map((r) => r.url).sort()).toEqual(['/api/version', '/props', '/v1/models', '/version']);
    } finally {
      await silent.close();
    }
    expect((await probeServerKind('http://127.0.0.1:9/v1', { timeoutMs: 500 })).kind).toBe('unknown');
  });

  it('knows which vLLM versions have structured_outputs', () => {
    expect(['0.12.0', '0.13.1rc2', '1.0.0', 'dev'].map(vllmHasStructuredOutputs)).toEqual([true, true, true, true]);
    expect(['0.11.2', '0.9.2.dev5+g123', 'v0.6.6'].map(vllmHasStructuredOutputs)).toEqual([false, false, false]);
  });

  it('falls back step by step when a server refuses a field, naming its words', () => {
    const vllm = decodingPlan({ kind: 'vllm', how: 'test' }, catalog);
    expect(Object.keys(vllm.request)).toEqual(['structured_outputs']);
    const guided = afterRefusal(vllm, 'Unrecognized request argument supplied: structured_outputs');
    expect(Object.keys(guided.request)).toEqual(['guided_json']);
    expect(guided.reason).toMatch(/refused structured_outputs \(Unrecognized request argument supplied: structured_outputs\): vLLM \(test\): guided_json/);
    expect(afterRefusal(guided, 'no')).toMatchObject({ mode: 'none', request: {}, reason: expect.stringMatching(/refused guided_json \(no\): unconstrained/) });
  });
});

describe('constrained generation per server kind, end to end against the fake', () => {
  let fake: FakeOpenAI;
  afterEach(() => fake.close());

  const compactAnswer = compactWorkflow(SCHEDULE_TO_HTTP, { catalog });
  const run = async (options: FakeOpenAIOptions, reply: unknown, endpoint: Partial<ConstructorParameters<typeof ChatCompletionsModel>[0]> = {}) => {
    fake = await startFakeOpenAI({ chatModels: ['m'], ...options });
    fake.chat.reply(JSON.stringify(reply));
    const model = new ChatCompletionsModel({ baseURL: fake.baseURL, apiKey: 'sk-test', model: 'm', ...endpoint }, catalog);
    const result = await generateWorkflow('Call my health check every hour', { model, catalog, constrained: true, maxRepairs: 0 });
    expect(fake.chat.violations).toEqual([]);
    return { result, body: fake.chat.requests[0] as Record<string, unknown> };
  };

  it('OpenAI: strict json_schema of the strict form, accepted by the strict checker; the strict answer becomes the compact workflow', async () => {
    const { result, body } = await run({ serverKind: 'openai' }, toStrictWorkflow(compactAnswer), { serverKind: 'openai' });
    expect(result.valid).toBe(true);
    expect(result.trace.rounds[0].decoding).toEqual({ mode: 'openai-strict', reason: 'OpenAI (server kind given): strict json_schema of the strict form' });
    expect(body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'n8n_workflow', strict: true } });
    expect(JSON.parse(result.rawText)).toEqual(compactAnswer);
    expect(result.workflow!.nodes.map((n) => n.type)).toEqual(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.httpRequest']);
  });

  it('OpenAI refuses an illegal strict schema with a 400 in its error shape; flowtune then goes on unconstrained, saying why', async () => {
    fake = await startFakeOpenAI({ chatModels: ['m'] });
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'n8n_workflow', schema: workflowResponseSchema(catalog), strict: true } } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { message: "Invalid schema for response_format 'n8n_workflow': In context=(), 'required' is required to be supplied and to be an array including every key in properties. Missing 'name'.", type: 'invalid_request_error', param: 'response_format', code: null },
    });

    fake.faults.add({ method: 'POST', path: '/v1/chat/completions', status: 400, body: { error: { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", type: 'invalid_request_error', param: 'response_format', code: null } } });
    fake.chat.reply(JSON.stringify(compactAnswer));
    const model = new ChatCompletionsModel({ baseURL: fake.baseURL, apiKey: 'sk-test', model: 'm', serverKind: 'azure' }, catalog);
    const result = await generateWorkflow('Call my health check every hour', { model, catalog, constrained: true, maxRepairs: 0 });
    expect(result.valid).toBe(true);
    expect(result.trace.rounds[0].decoding).toEqual({ mode: 'none', reason: expect.stringMatching(/^the server refused response_format \(400 Invalid parameter: 'response_format' of type 'json_schema' is not supported/) });
    expect(fake.chat.requests.at(-1)?.response_format).toBeUndefined();
    expect(model.schemaRefused).toBe(true);
  });

  it('vLLM ≥ 0.12 (found by GET /version): structured_outputs.json with the compact schema, node types as an enum', async () => {
    const { result, body } = await run({ serverKind: 'vllm', serverVersion: '0.12.0' }, compactAnswer);
    expect(result.valid).toBe(true);
    expect(result.trace.rounds[0].decoding).toEqual({ mode: 'vllm', reason: 'vLLM 0.12.0 (GET /version): structured_outputs' });
    expect(body.structured_outputs).toEqual({ json: workflowResponseSchema(catalog) });
    expect(body).not.toHaveProperty('response_format');
    expect(body).not.toHaveProperty('guided_json');
  });

  it('vLLM < 0.12: guided_json', async () => {
    const { result, body } = await run({ serverKind: 'vllm', serverVersion: '0.11.2' }, compactAnswer);
    expect(result.trace.rounds[0].decoding?.mode).toBe('vllm');
    expect(body.guided_json).toEqual(workflowResponseSchema(catalog));
    expect(body).not.toHaveProperty('structured_outputs');
  });

  it('llama.cpp (found by GET /props): top-level json_schema', async () => {
    const { result, body } = await run({ serverKind: 'llamacpp' }, compactAnswer);
    expect(result.valid).toBe(true);
    expect(result.trace.rounds[0].decoding).toEqual({ mode: 'llamacpp', reason: 'llama.cpp (GET /props): json_schema (GBNF grammar)' });
    expect(body.json_schema).toEqual(workflowResponseSchema(catalog));
    expect(body).not.toHaveProperty('response_format');
  });

  it('Ollama and unknown servers: response_format json_schema, not strict', async () => {
    const ollama = await run({ serverKind: 'ollama' }, compactAnswer);
    expect(ollama.result.trace.rounds[0].decoding?.mode).toBe('json-schema');
    expect(ollama.result.trace.rounds[0].decoding?.reason).toMatch(/^Ollama 0\.12\.6 \(GET \/api\/version\)/);
    expect(ollama.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'n8n_workflow', schema: workflowResponseSchema(catalog), strict: false } });
    await fake.close();
    const unknown = await run({ serverKind: 'openai' }, compactAnswer);
    expect(unknown.result.trace.rounds[0].decoding?.reason).toMatch(/^unknown server \(the probes did not name a known server\)/);
  });

  it('a server that refuses every field of the kind it was said to be: structured_outputs, then guided_json, then unconstrained', async () => {
    const { result } = await run({ serverKind: 'openai' }, compactAnswer, { serverKind: 'vllm' });
    expect(result.valid).toBe(true);
    expect(fake.chat.requests.map((r) => Object.keys(r).filter((k) => ['structured_outputs', 'guided_json', 'response_format'].includes(k)))).toEqual([['structured_outputs'], ['guided_json'], []]);
    expect(result.trace.rounds[0].decoding).toEqual({
      mode: 'none',
      reason: expect.stringMatching(/refused guided_json \(400 Unrecognized request argument supplied: guided_json\): unconstrained$/),
    });
  });

  it('not asked for: nothing sent, no probe, no decoding in the trace', async () => {
    fake = await startFakeOpenAI({ chatModels: ['m'] });
    fake.chat.reply(JSON.stringify(compactAnswer));
    const model = new ChatCompletionsModel({ baseURL: fake.baseURL, apiKey: 'sk-test', model: 'm' }, catalog);
    const result = await generateWorkflow('Call my health check every hour', { model, catalog, maxRepairs: 0 });
    expect(result.trace.rounds[0]).not.toHaveProperty('decoding');
    expect(fake.chat.requests[0]).not.toHaveProperty('response_format');
    expect(fake.requestsTo('/v1/models')).toEqual([]);
  });

  it('the fake holds a constrained reply to its schema: a scripted reply that does not conform is a 400 and a recorded violation', async () => {
    fake = await startFakeOpenAI({ chatModels: ['m'], serverKind: 'llamacpp' });
    fake.chat.reply(JSON.stringify({ nodes: [{ name: 'X', type: 'n8n-nodes-base.slackNotify' }], connections: {} }));
    const response = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }], json_schema: workflowResponseSchema(catalog) }),
    });
    expect(response.status).toBe(400);
    expect(fake.chat.violations).toEqual(['fake-openai: the scripted reply does not conform to the json_schema schema: /nodes/0/type must be equal to one of the allowed values']);
  });
});
