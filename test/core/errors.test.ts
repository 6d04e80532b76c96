/**
 * The one error model (core/errors.ts): every module's errors are FlowtuneErrors carrying their
 * data; the nodes map that data to n8n errors in one toNodeError and output one item shape when
 * they continue on fail.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeApiError, NodeOperationError, type INode, type INodeType } from 'n8n-workflow';
import { UsageError } from '../../cli/errors';
import { InputError } from '../../cli/inputs';
import { bodyMessage, ERROR_KINDS, FlowtuneError, isConnectionFailure, kindOfStatus, serviceMessageOf, SERVICE_ERROR_KINDS } from '../../core/errors';
import { FileLockedError } from '../../core/file-lock';
import { EmptyDatasetError } from '../../dataset/build';
import { parsePriceTable, PriceTableError } from '../../dataset/cost';
import { RequestsNotConfirmedError } from '../../dataset/model-requests';
import { RequestCallError, RequestsEndpointError } from '../../dataset/model-requests/client';
import { parseSourceSpec, SourceSpecError } from '../../dataset/sources';
import { TemplatesDbError } from '../../dataset/sources/templates-db';
import { FolderLockedError, OutputWriteError } from '../../dataset/writer';
import { ModelTimeoutError } from '../../generator/models';
import { readTrainingExamples, TrainingDataError } from '../../generator/retrieval';
import * as lib from '../../index';
import { N8nApiClient, N8nApiError, workflowBody } from '../../n8n-api/client';
import { FineTune } from '../../nodes/FineTune/FineTune.node';
import { FineTunedChat } from '../../nodes/FineTunedChat/FineTunedChat.node';
import { continueOnFailItem, plainDescription, providerCallError, toNodeError, type NodeError } from '../../nodes/shared/errors';
import { WorkflowGenerator } from '../../nodes/WorkflowGenerator/WorkflowGenerator.node';
import { CatalogSourceError } from '../../schemas/catalog/fetch';
import { CatalogFileError, readCatalogFile } from '../../schemas/catalog/load';
import { parsePolicy, PolicyError } from '../../schemas/validator/policy';
import { BundleError } from '../../trainer/bundles/context';
import { TrainerError, UnsupportedSettingsError } from '../../trainer/errors';
import { describeProviderError } from '../../trainer/provider-errors';
import { createProvider } from '../../trainer/providers';
import { runNode, type NodeRunOptions } from '../helpers/n8n-context';

const NODE: INode = { id: '1', name: 'Flowtune', type: 'n8n-nodes-flowtune.fineTune', typeVersion: 1, position: [0, 0], parameters: {} };

/** What an SDK throws for an HTTP error answer: the status, the body's error, a message prefixed with the status. */
const sdkError = (status: number, message: string) => Object.assign(new Error(`${status} ${message}`), { status, error: { message, code: null } });

/** What fetch throws when nothing answers. */
const fetchFailure = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('the hierarchy: every module error is a FlowtuneError with its name, kind and data', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowtune-errors-'));
  const badJsonl = path.join(dir, 'train.jsonl');
  writeFileSync(badJsonl, '{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}\n{not json\n');

  const cases: Array<[string, unknown, string, Record<string, unknown>]> = [
    ['TrainerError', thrown(() => createProvider({ provider: 'nebius', env: {} })), 'missing_key', { provider: 'nebius', setting: 'apiKey' }],
    ['TrainerError', thrown(() => createProvider({ provider: 'azure', apiKey: 'k', env: {} })), 'bad_request', { provider: 'azure', setting: 'baseURL' }],
    ['TrainerError', thrown(() => createProvider({ provider: 'nope', env: {} })), 'bad_request', { setting: 'provider' }],
    ['UnsupportedSettingsError', new UnsupportedSettingsError('together', 'dpo', ['beta'], [], 'no beta'), 'unsupported', { provider: 'together' }],
    ['TrainingDataError', thrown(() => readTrainingExamples(badJsonl)), 'invalid_input', { file: badJsonl, line: 2 }],
    ['PolicyError', thrown(() => parsePolicy([], 'policy.json')), 'invalid_input', {}],
    ['PriceTableError', thrown(() => parsePriceTable({ m: -1 }, 'prices.json')), 'invalid_input', {}],
    ['SourceSpecError', thrown(() => parseSourceSpec('ftp:x')), 'invalid_input', { setting: 'source' }],
    ['CatalogFileError', thrown(() => readCatalogFile(path.join(dir, 'missing.json'))), 'invalid_input', { file: path.join(dir, 'missing.json') }],
    ['N8nApiError', thrown(() => workflowBody({})), 'invalid_input', { provider: 'n8n', field: 'nodes' }],
    ['UsageError', new UsageError('--limit must be a whole number'), 'usage', {}],
    ['InputError', new InputError('cannot read x'), 'invalid_input', {}],
    ['FileLockedError', new FileLockedError('/tmp/x.lock', undefined, 1000), 'locked', { file: '/tmp/x.lock' }],
    ['FolderLockedError', new FolderLockedError('/tmp/out', 42), 'locked', { file: path.join('/tmp/out', '.flowtune-build.lock') }],
    ['OutputWriteError', new OutputWriteError('/tmp/out/train.jsonl', new Error('ENOSPC')), 'io', { file: '/tmp/out/train.jsonl' }],
    ['ModelTimeoutError', new ModelTimeoutError('http://localhost:8000/v1', 1000), 'timeout', { baseURL: 'http://localhost:8000/v1' }],
    ['RequestCallError', new RequestCallError('x: 500 boom', 500), 'server', { status: 500 }],
    ['RequestCallError', new RequestCallError('x: Connection error.'), 'unreachable', {}],
    ['RequestsEndpointError', new RequestsEndpointError('x answered 401', 401), 'invalid_key', { status: 401 }],
    ['RequestsNotConfirmedError', new RequestsNotConfirmedError({ model: 'gpt-4o-mini', calls: 3 } as never), 'not_confirmed', {}],
    ['CatalogSourceError', new CatalogSourceError('npm pack x failed'), 'io', {}],
    ['TemplatesDbError', new TemplatesDbError('cannot download'), 'io', {}],
    ['BundleError', new BundleError('unknown tool'), 'invalid_input', {}],
  ];

  it.each(cases)('%s', (name, error, kind, data) => {
    expect(error).toBeInstanceOf(FlowtuneError);
    expect(error).toBeInstanceOf(Error);
    const e = error as FlowtuneError;
    expect(e.name).toBe(name);
    expect(e.kind).toBe(kind);
    expect(ERROR_KINDS).toContain(e.kind);
    expect(e.data).toMatchObject({ kind, ...data });
  });

  it('EmptyDatasetError names the folder left as it was', () => {
    const report = { rejected: { duplicate: 2 }, rejections: [{ reason: 'duplicate', ref: 'a.json' }], counts: { read: 2 }, sources: ['dir:x'] };
    const error = new EmptyDatasetError(report as never, '/tmp/out');
    expect(error).toBeInstanceOf(FlowtuneError);
    expect(error.name).toBe('EmptyDatasetError');
    expect(error.data).toEqual({ kind: 'empty_dataset', file: '/tmp/out' });
    expect(error.message).toMatch(/^no example accepted, nothing written \(\/tmp\/out is left as it was\): read 2 record\(s\) from dir:x; rejected: duplicate 2 \(first: a\.json\)$/);
  });

  it('the data holds only what is known, and messages stay as they were', () => {
    const error = new TrainerError('rate_limited', 'openai is rate limiting requests (429)', 429);
    expect(error.data).toEqual({ kind: 'rate_limited', status: 429 });
    expect(Object.keys(error)).not.toContain('file');
    expect(error.message).toBe('openai is rate limiting requests (429)');
  });

  it('the library exports the base error and the kinds', () => {
    expect(lib.FlowtuneError).toBe(FlowtuneError);
    expect(lib.ERROR_KINDS).toEqual(ERROR_KINDS);
    expect(lib.SERVICE_ERROR_KINDS).toEqual(SERVICE_ERROR_KINDS);
    expect(new lib.N8nApiError('x')).toBeInstanceOf(lib.FlowtuneError);
  });
});

describe('what third-party errors say', () => {
  it('the service message, without the SDK status prefix', () => {
    expect(serviceMessageOf(sdkError(401, 'Incorrect API key provided'))).toBe('Incorrect API key provided');
    expect(serviceMessageOf(new Error('429 Too many requests'))).toBe('Too many requests');
    expect(serviceMessageOf({ status: 400 })).toBe('unknown error');
    expect(serviceMessageOf(new TrainerError('server', 'openai failed (500): boom', 500, { serviceMessage: 'boom' }))).toBe('boom');
  });

  it('error bodies of OpenAI, Nebius and n8n', () => {
    expect(bodyMessage({ error: { message: 'a' } })).toBe('a');
    expect(bodyMessage({ detail: 'b' })).toBe('b');
    expect(bodyMessage({ message: 'c' })).toBe('c');
    expect(bodyMessage({ detail: [{ loc: ['x'] }] })).toBe('[{"loc":["x"]}]');
    expect(bodyMessage('  ')).toBeUndefined();
  });

  it('connection failures, from the name, message or cause (never for an answer with a status)', () => {
    expect(isConnectionFailure(fetchFailure())).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' }))).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('x'), { cause: { message: 'getaddrinfo ENOTFOUND nowhere' } }))).toBe(true);
    expect(isConnectionFailure(sdkError(502, 'socket hang up'))).toBe(false);
    expect(isConnectionFailure(new Error('bad JSON'))).toBe(false);
    expect(isConnectionFailure(new TrainerError('unreachable', 'cannot reach openai'))).toBe(true);
    expect(isConnectionFailure(new TrainerError('bad_request', 'connection string is wrong'))).toBe(false);
  });

  it('kinds of HTTP statuses', () => {
    expect([401, 403, 404, 429, 402, 500, 503, 400, 422].map(kindOfStatus)).toEqual(['invalid_key', 'invalid_key', 'not_found', 'rate_limited', 'quota', 'server', 'server', 'bad_request', 'bad_request']);
  });

  it('the trainer classifies a provider failure once, keeping the provider and its words', () => {
    const error = describeProviderError(sdkError(401, 'Incorrect API key provided'), 'openai', { baseURL: 'https://api.openai.com/v1' });
    expect(error.data).toEqual({ kind: 'invalid_key', status: 401, provider: 'openai', baseURL: 'https://api.openai.com/v1', serviceMessage: 'Incorrect API key provided' });
    expect(describeProviderError(fetchFailure(), 'together').kind).toBe('unreachable');
  });
});

describe('n8n API failures carry n8n own message and where it was', () => {
  const client = (fetchImpl: typeof fetch) => new N8nApiClient('http://n8n.test', 'k', fetchImpl);
  const answer = (status: number, body: unknown) => (async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

  it('an error answer: status, kind, n8n message', async () => {
    const error = (await client(answer(400, { message: 'request/body must have required property settings' })).getWorkflow('1').catch((e: unknown) => e)) as N8nApiError;
    expect(error.message).toBe('n8n answered GET /workflows/1 with HTTP 400: request/body must have required property settings');
    expect(error.data).toEqual({ kind: 'bad_request', status: 400, provider: 'n8n', baseURL: 'http://n8n.test', serviceMessage: 'request/body must have required property settings' });
  });

  it('a refused key and an unreachable host', async () => {
    const refused = (await client(answer(401, {})).getWorkflow('1').catch((e: unknown) => e)) as N8nApiError;
    expect(refused.data).toMatchObject({ kind: 'invalid_key', status: 401, setting: 'apiKey' });
    const down = (await client((async () => Promise.reject(fetchFailure())) as unknown as typeof fetch).getWorkflow('1').catch((e: unknown) => e)) as N8nApiError;
    expect(down.data).toMatchObject({ kind: 'unreachable', baseURL: 'http://n8n.test', serviceMessage: 'connect ECONNREFUSED 127.0.0.1:9' });
  });
});

describe('toNodeError: the data of each kind to NodeApiError or NodeOperationError', () => {
  it.each(SERVICE_ERROR_KINDS.map((kind) => [kind]))('%s: NodeApiError with a status, else NodeOperationError unless unreachable', (kind) => {
    const answered = toNodeError(NODE, new TrainerError(kind, `${kind} happened`, 500), { itemIndex: 2 });
    expect(answered).toBeInstanceOf(NodeApiError);
    expect(answered.message).toBe(`${kind} happened`);
    expect((answered as NodeApiError).httpCode).toBe('500');
    expect(answered.context.itemIndex).toBe(2);

    const local = toNodeError(NODE, new TrainerError(kind, `${kind} happened`), { itemIndex: 1 });
    expect(local).toBeInstanceOf(kind === 'unreachable' ? NodeApiError : NodeOperationError);
    expect(local.message).toBe(`${kind} happened`);
    expect(local.context.itemIndex).toBe(1);
  });

  it.each(ERROR_KINDS.filter((kind) => !(SERVICE_ERROR_KINDS as readonly string[]).includes(kind)).map((kind) => [kind]))('%s: NodeOperationError with the message', (kind) => {
    const error = toNodeError(NODE, new FlowtuneError(`${kind} happened`, { kind, file: 'x.json' }), { itemIndex: 0 });
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe(`${kind} happened`);
    expect(error.context.itemIndex).toBe(0);
  });

  it('a provider failure in node words keeps its description (Fine-Tune)', () => {
    const who = { name: 'openai' as const, label: 'OpenAI', baseURL: 'https://api.openai.com/v1' };
    const error = toNodeError(NODE, providerCallError(sdkError(401, 'Incorrect API key provided'), who), { itemIndex: 0, service: 'OpenAI' });
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toBe('OpenAI refused the API key (401): check the API key of the Flowtune Fine-Tuning API credential');
    expect(error.description).toBe('Incorrect API key provided.');
    expect((error as NodeApiError).httpCode).toBe('401');

    const down = toNodeError(NODE, providerCallError(fetchFailure(), who));
    expect(down).toBeInstanceOf(NodeApiError);
    expect(down.message).toBe('Cannot reach OpenAI at https://api.openai.com/v1');
    expect(down.description).toBe('fetch failed. Check the network and the Base URL of the Flowtune Fine-Tuning API credential.');
  });

  it('with the service named: "<service> answered HTTP n: <its words>" and a hint, from the data', () => {
    const context = { itemIndex: 0, service: 'n8n', credential: 'Flowtune n8n API' };
    const answered = toNodeError(NODE, new N8nApiError('n8n answered POST /workflows with HTTP 400: bad settings', { kind: 'bad_request', status: 400, serviceMessage: 'bad settings' }), context);
    expect(answered).toBeInstanceOf(NodeApiError);
    expect(answered.message).toBe('n8n answered HTTP 400: bad settings');

    const refused = toNodeError(NODE, new N8nApiError('n8n refused the API key (HTTP 401): set --n8n-api-key', { kind: 'invalid_key', status: 401 }), context);
    expect(refused.message).toBe('n8n answered HTTP 401: the API key was refused');
    expect(refused.description).toBe('Check the API key of the "Flowtune n8n API" credential.');

    const down = toNodeError(NODE, new N8nApiError('cannot reach n8n at http://n8n.test: fetch failed', { kind: 'unreachable', baseURL: 'http://n8n.test', serviceMessage: 'fetch failed' }), context);
    expect(down).toBeInstanceOf(NodeApiError);
    expect(down.message).toBe('Cannot reach n8n at http://n8n.test: fetch failed');

    const raw = toNodeError(NODE, fetchFailure(), { ...context, service: 'the OpenAI-compatible server', credential: 'Flowtune Fine-Tuning API' });
    expect(raw).toBeInstanceOf(NodeApiError);
    // n8n puts its own words in place of a message naming ECONNREFUSED: ours stays among the messages, the description says who.
    expect((raw as NodeApiError).messages).toContain('Cannot reach the OpenAI-compatible server: fetch failed (connect ECONNREFUSED 127.0.0.1:9)');
    expect(raw.description).toBe('Check that the OpenAI-compatible server is reachable from n8n and the Base URL of the "Flowtune Fine-Tuning API" credential.');

    const sdk = toNodeError(NODE, sdkError(404, 'The model `x` does not exist'), { ...context, service: 'OpenAI', credential: 'Flowtune Fine-Tuning API', model: 'x' });
    expect(sdk.message).toBe('OpenAI answered HTTP 404: The model `x` does not exist');
    expect(sdk.description).toBe('Check the model id "x": the model list shows the models this credential can use.');

    const timeout = toNodeError(NODE, new ModelTimeoutError('http://m.test/v1', 1000), context);
    expect(timeout).toBeInstanceOf(NodeOperationError);
    expect(timeout.message).toBe('the model server at http://m.test/v1 did not answer within 1 s');
  });

  it('node errors pass through, given the item index; anything else is a NodeOperationError', () => {
    const own = new NodeOperationError(NODE, 'Job ID is empty');
    expect(toNodeError(NODE, own, { itemIndex: 3 })).toBe(own);
    expect(own.context.itemIndex).toBe(3);
    const plain = toNodeError(NODE, new RangeError('out of range'), { itemIndex: 0 });
    expect(plain).toBeInstanceOf(NodeOperationError);
    expect(plain.message).toBe('out of range');
    expect(toNodeError(NODE, 'a string').message).toBe('a string');
  });
});

describe('continue on fail: every node outputs the same item for a failed item', () => {
  let server: Server;
  let baseUrl: string;
  beforeAll(async () => {
    // Every request is refused: 401 with OpenAI's error body.
    server = createServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const credentials = (apiKey: string) => ({ flowtuneFineTuningApi: { provider: 'openai', apiKey, baseUrl } });

  const nodes: Array<[string, () => INodeType, NodeRunOptions['parameters']]> = [
    ['Fine-Tune', () => new FineTune(), { resource: 'job', operation: 'get', jobId: 'ftjob-1' }],
    ['Fine-Tuned Chat', () => new FineTunedChat(), { model: 'ft:gpt-4o-mini:x', promptType: 'single', prompt: 'Hi' }],
    ['Workflow Generator', () => new WorkflowGenerator(), { request: 'Post new Typeform responses to Slack', modelSource: 'model', model: 'ft:gpt-4o-mini:x', options: { serverKind: 'openai' } }],
  ];

  const failureOf = async (node: INodeType, options: NodeRunOptions): Promise<NodeError> => {
    const error = await runNode(node, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) throw new Error(`expected a node error, got ${String(error)}`);
    return error;
  };

  it.each(nodes)('%s: a refused key is { error, description, httpCode } paired to its item', async (_name, make, parameters) => {
    const items = [{ json: {} }, { json: {} }];
    const error = await failureOf(make(), { parameters, items, credentials: credentials('sk-wrong') });
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('401');
    const { output } = await runNode(make(), { parameters, items, credentials: credentials('sk-wrong'), continueOnFail: true });
    expect(output[0]).toEqual([0, 1].map((item) => ({ json: { error: error.message, description: plainDescription(error.description!), httpCode: '401' }, pairedItem: { item } })));
    expect(output[0]).toEqual([0, 1].map((item) => continueOnFailItem(error, { item })));
  });

  it.each(nodes.slice(0, 2))('%s: a credential without a key is said the same way by every node', async (_name, make, parameters) => {
    const error = await failureOf(make(), { parameters, items: [{ json: {} }], credentials: { flowtuneFineTuningApi: { provider: 'together', apiKey: '' } } });
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toBe('The "Flowtune Fine-Tuning API" credential has no API key for Together AI');
    expect(error.context.itemIndex).toBe(0);
    const { output } = await runNode(make(), { parameters, items: [{ json: {} }], credentials: { flowtuneFineTuningApi: { provider: 'together', apiKey: '' } }, continueOnFail: true });
    expect(output[0]).toEqual([{ json: { error: error.message, description: 'Add the API key to the credential (local servers accept any value).' }, pairedItem: { item: 0 } }]);
  });
});
