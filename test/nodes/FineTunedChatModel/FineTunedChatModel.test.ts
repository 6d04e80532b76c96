/**
 * The Fine-Tuned Chat Model sub-node, through n8n's supply-data interface against the fake
 * OpenAI-compatible server: the chat model it supplies is what n8n's AI Agent and chains accept
 * (a LangChain chat model with tool calling), and invoked it sends the chosen model, temperature,
 * max tokens and JSON mode through n8n's request helper, honours timeout and retries, records its
 * runs for the editor, and fails with NodeApiError / NodeOperationError. The agent itself runs in
 * test/n8n/chat-model.e2e.test.ts.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NodeApiError, NodeOperationError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';
import type { ChatOpenAI } from '@langchain/openai';
import { FineTunedChat } from '../../../nodes/FineTunedChat/FineTunedChat.node';
import { FineTunedChatModel } from '../../../nodes/FineTunedChatModel/FineTunedChatModel.node';
import { LANGCHAIN_MISSING, LANGCHAIN_OPENAI, loadLangChainOpenAI } from '../../../nodes/FineTunedChatModel/shared/langchain';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { subtitleOf } from '../../helpers/editor';
import { supplyDataFunctions, type NodeRunOptions, type SupplyDataRecord } from '../../helpers/n8n-context';

const FT = 'ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc123';
const node = new FineTunedChatModel();
let fake: FakeOpenAI;

beforeEach(async () => {
  fake = await startFakeOpenAI({ chatModels: ['gpt-4o-mini', FT] });
});
afterEach(() => fake.close());

const credentials = (extra: IDataObject = {}) => ({ flowtuneFineTuningApi: { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL, ...extra } });
const model = (value: string, mode = 'list') => ({ __rl: true, mode, value });

const weatherTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };

/** supplyData as an AI root node calls it; the chat model and what the sub-node recorded. */
async function supply(parameters: IDataObject, options: Partial<NodeRunOptions> = {}) {
  const record: SupplyDataRecord = { http: [], sleeps: [], inputs: [], outputs: [] };
  const ctx = supplyDataFunctions(node, { credentials: credentials(), parameters, ...options }, record);
  const supplied = await node.supplyData.call(ctx, 0);
  return { chatModel: supplied.response as ChatOpenAI, record };
}

describe('Fine-Tuned Chat Model: the node', () => {
  it('is an AI sub-node with one Model output (ai_languageModel) and no inputs', () => {
    expect(node.description.inputs).toEqual([]);
    expect(node.description.outputs).toEqual(['ai_languageModel']);
    expect(node.description.outputNames).toEqual(['Model']);
    expect(node.description.credentials).toEqual([{ name: 'flowtuneFineTuningApi', required: true }]);
  });

  it('shares the Model field, its searchable list and the common options with Fine-Tuned Chat', () => {
    const chat = new FineTunedChat();
    const property = (n: { description: { properties: Array<{ name: string; options?: unknown[] }> } }, name: string) => n.description.properties.find((p) => p.name === name)!;
    expect(property(node, 'model')).toBe(property(chat, 'model'));
    expect(node.methods.listSearch.searchModels).toBe(chat.methods.listSearch.searchModels);
    const optionNames = (property(node, 'options').options as Array<{ name: string }>).map((o) => o.name);
    expect(optionNames).toEqual(['maxRetries', 'maxTokens', 'responseFormat', 'temperature', 'timeout']);
    for (const shared of ['maxTokens', 'temperature', 'timeout']) {
      const mine = (property(node, 'options').options as Array<{ name: string }>).find((o) => o.name === shared);
      expect(mine).toBe((property(chat, 'options').options as Array<{ name: string }>).find((o) => o.name === shared));
    }
  });

  it('is found as a chat model in n8n’s node panel (codex) and is listed in package.json', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const codex = require('../../../nodes/FineTunedChatModel/FineTunedChatModel.node.json') as { node: string; categories: string[]; subcategories: Record<string, string[]>; alias: string[] };
    expect(codex.node).toBe('n8n-nodes-flowtune.fineTunedChatModel');
    expect(codex.categories).toEqual(['AI']);
    expect(codex.subcategories).toEqual({ AI: ['Language Models', 'Root Nodes'], 'Language Models': ['Chat Models (Recommended)'] });
    expect(codex.alias).toEqual(expect.arrayContaining(['chat model', 'fine-tune', 'flowtune']));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const manifest = require('../../../package.json') as { n8n: { nodes: string[] } };
    expect(manifest.n8n.nodes).toContain('dist/nodes/FineTunedChatModel/FineTunedChatModel.node.js');
  });
});

describe('Fine-Tuned Chat Model: the chat model it supplies', () => {
  it('is what n8n’s AI Agent accepts: a LangChain chat model that can bind tools', async () => {
    const { chatModel } = await supply({ model: model(FT) });
    // n8n's agents check exactly this (lc_namespace has "chat_models", and bindTools exists).
    expect(chatModel.lc_namespace).toContain('chat_models');
    expect(typeof chatModel.bindTools).toBe('function');
    expect(fake.requests).toHaveLength(0); // nothing is sent until the root node calls it
  });

  it('sends the chosen model, temperature, max tokens and JSON mode through n8n’s request helper, and answers', async () => {
    fake.chat.reply('{"answer": 42}');
    const { chatModel, record } = await supply({ model: model(FT), options: { temperature: 0.3, maxTokens: 77, responseFormat: 'json_object' } });
    const answer = await chatModel.invoke([
      ['system', 'Answer in JSON.'],
      ['human', 'What is the answer?'],
    ]);
    expect(answer.content).toBe('{"answer": 42}');
    expect(fake.chat.requests).toHaveLength(1);
    expect(fake.chat.requests[0]).toMatchObject({
      model: FT,
      temperature: 0.3,
      max_tokens: 77,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'Answer in JSON.' },
        { role: 'user', content: 'What is the answer?' },
      ],
    });
    const [request] = fake.requestsTo('/v1/chat/completions', 'POST');
    expect(request.headers.authorization).toBe('Bearer sk-test');
    expect(record.http.map((c) => [c.options.method, c.options.url])).toEqual([['POST', `${fake.baseURL}/chat/completions`]]);
  });

  it('sends no temperature, max tokens or response format unless they are set', async () => {
    const { chatModel } = await supply({ model: model(FT, 'id') });
    await chatModel.invoke('Hi');
    const sent = fake.chat.requests[0];
    expect(sent.model).toBe(FT);
    expect(sent).not.toHaveProperty('max_tokens');
    expect(sent).not.toHaveProperty('response_format');
    expect(sent).not.toHaveProperty('temperature');
  });

  it('records each call as a run of the sub-node: the prompt in, the answer and token usage out', async () => {
    fake.chat.reply('Hello from the fine-tuned model');
    const { chatModel, record } = await supply({ model: model(FT), options: { temperature: 0 } });
    await chatModel.invoke('Say hello');
    expect(record.inputs).toHaveLength(1);
    expect(record.inputs[0].type).toBe('ai_languageModel');
    const input = record.inputs[0].data[0][0].json as { messages: string[]; options: IDataObject };
    expect(input.messages[0]).toContain('Say hello');
    expect(input.options).toMatchObject({ model: FT, temperature: 0, maxRetries: 2 });
    expect(JSON.stringify(input)).not.toContain('sk-test');
    expect(record.outputs).toHaveLength(1);
    const output = (record.outputs[0].data as INodeExecutionData[][])[0][0].json as { response: { generations: Array<Array<{ text: string }>> }; tokenUsage: IDataObject };
    expect(record.outputs[0].index).toBe(0);
    expect(output.response.generations[0][0].text).toBe('Hello from the fine-tuned model');
    expect(output.tokenUsage).toMatchObject({ totalTokens: expect.any(Number) });
  });

  it('sends the tools an agent binds, through the same endpoint and settings', async () => {
    const { chatModel, record } = await supply({ model: model(FT), options: { maxTokens: 33 } });
    const withTools = chatModel.bindTools([weatherTool]);
    const answer = await withTools.invoke('Weather in Paris?');
    expect(typeof answer.content).toBe('string');
    expect((fake.chat.requests[0].tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(['get_weather']);
    expect(fake.chat.requests[0]).toMatchObject({ model: FT, max_tokens: 33 });
    expect(record.http).toHaveLength(1);
    expect(record.outputs).toHaveLength(1);
  });

  it('talks to Azure with its api-key header instead of a bearer token', async () => {
    const { chatModel } = await supply({ model: model(FT) }, { credentials: credentials({ provider: 'azure', baseUrl: fake.url }) });
    await chatModel.invoke('Hi');
    const [request] = fake.requestsTo('/v1/chat/completions');
    expect(request.path).toBe('/openai/v1/chat/completions');
    expect(request.headers['api-key']).toBe('sk-test');
    expect(request.headers.authorization).toBeUndefined();
  });

  it('answers an OpenAI-compatible server (vLLM, Ollama) without an API key', async () => {
    fake.settings.apiKeys.push('not-needed');
    const { chatModel } = await supply({ model: model('gpt-4o-mini', 'id') }, { credentials: credentials({ provider: 'compatible', apiKey: '' }) });
    expect((await chatModel.invoke('Hi')).content).toMatch(/^Fake reply/);
  });
});

describe('Fine-Tuned Chat Model: failures, timeout and retries', () => {
  it('turns a refused key into a NodeApiError naming the credential, without retrying, and shows it on the sub-node', async () => {
    const { chatModel, record } = await supply({ model: model(FT) }, { credentials: credentials({ apiKey: 'sk-wrong' }) });
    const error = await chatModel.invoke('Hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).message).toMatch(/^OpenAI answered HTTP 401: Incorrect API key provided/);
    expect((error as NodeApiError).description).toBe('Check the API key of the "Flowtune Fine-Tuning API" credential.');
    expect((error as NodeApiError).httpCode).toBe('401');
    expect(fake.requestsTo('/v1/chat/completions')).toHaveLength(1);
    expect(record.outputs.map((o) => o.data)).toEqual([error]);
  });

  it('fails the same way once an agent has bound its tools (LangChain copies the model then)', async () => {
    const { chatModel, record } = await supply({ model: model(FT) }, { credentials: credentials({ apiKey: 'sk-wrong' }) });
    const error = await chatModel.bindTools([weatherTool]).invoke('Hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).message).toMatch(/^OpenAI answered HTTP 401: Incorrect API key provided/);
    expect(record.outputs.map((o) => o.data)).toEqual([error]);
  });

  it('names an unknown model and where to find the right one', async () => {
    const { chatModel } = await supply({ model: model('ft:gone', 'id') });
    const error = await chatModel.invoke('Hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).message).toMatch(/^OpenAI answered HTTP 404: The model `ft:gone` does not exist/);
    expect((error as NodeApiError).description).toMatch(/Check the model id "ft:gone"/);
  });

  it('retries a server error as many times as Max Retries says, then answers', async () => {
    fake.faults.add({ path: '/v1/chat/completions', status: 500, times: 2 });
    fake.chat.reply('Third time lucky');
    const { chatModel } = await supply({ model: model(FT), options: { maxRetries: 2 } });
    expect((await chatModel.invoke('Hi')).content).toBe('Third time lucky');
    expect(fake.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('gives up after Max Retries with a NodeApiError that says what failed', async () => {
    fake.faults.add({ path: '/v1/chat/completions', status: 503, times: Infinity });
    const { chatModel } = await supply({ model: model(FT), options: { maxRetries: 1 } });
    const error = await chatModel.invoke('Hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('503');
    expect((error as NodeApiError).message).toMatch(/^OpenAI answered HTTP 503/);
    expect(fake.requestsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('stops waiting after the Timeout, tries again per Max Retries, then says the model did not answer in time', async () => {
    fake.faults.add({ path: '/v1/chat/completions', hang: true, times: Infinity });
    const { chatModel } = await supply({ model: model(FT), options: { timeout: 200, maxRetries: 1 } });
    const error = await chatModel.invoke('Hi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe('OpenAI did not answer within 200 ms');
    expect((error as NodeOperationError).description).toBe('Raise the Timeout option, or ask for fewer tokens.');
    expect(fake.requestsTo('/v1/chat/completions')).toHaveLength(2);
  });

  it('names an unreachable server and what to check', async () => {
    const url = fake.baseURL;
    await fake.close();
    const { chatModel } = await supply({ model: model('llama3.1:8b', 'id'), options: { maxRetries: 0 } }, { credentials: { flowtuneFineTuningApi: { provider: 'compatible', apiKey: '', baseUrl: url } } });
    const error = await chatModel.invoke('Hi').catch((e: unknown) => e);
    fake = await startFakeOpenAI(); // for afterEach
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).description).toBe('Check that the OpenAI-compatible server is reachable from n8n and the Base URL of the "Flowtune Fine-Tuning API" credential.');
  });

  it('refuses an empty model or a credential without a key before sending anything', async () => {
    const noModel = await supply({ model: model('') }).catch((e: unknown) => e);
    expect(noModel).toBeInstanceOf(NodeOperationError);
    expect((noModel as Error).message).toBe('Choose a model');
    const noKey = await supply({ model: model(FT) }, { credentials: credentials({ apiKey: '' }) }).catch((e: unknown) => e);
    expect(noKey).toBeInstanceOf(NodeOperationError);
    expect((noKey as Error).message).toBe('The "Flowtune Fine-Tuning API" credential has no API key for OpenAI');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('Fine-Tuned Chat Model: LangChain comes from n8n', () => {
  const nodeInfo = new FineTunedChatModel().description;
  const n8nNode = { id: 'x', name: nodeInfo.displayName, type: 'n8n-nodes-flowtune.fineTunedChatModel', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
  const missing = (id: string) => Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });

  it('falls back to the copy beside n8n’s AI nodes when it is not resolvable the ordinary way', () => {
    const n8nDir = mkdtempSync(path.join(tmpdir(), 'flowtune-n8n-'));
    const aiNodes = path.join(n8nDir, 'node_modules', '@n8n', 'n8n-nodes-langchain');
    const openai = path.join(aiNodes, 'node_modules', '@langchain', 'openai');
    mkdirSync(openai, { recursive: true });
    writeFileSync(path.join(aiNodes, 'index.js'), '');
    writeFileSync(path.join(openai, 'package.json'), JSON.stringify({ name: LANGCHAIN_OPENAI, main: 'index.js' }));
    writeFileSync(path.join(openai, 'index.js'), 'exports.ChatOpenAI = "n8n’s copy";');
    const resolver = Object.assign(
      (id: string) => {
        throw missing(id);
      },
      { resolve: () => path.join(aiNodes, 'index.js') },
    );
    expect(loadLangChainOpenAI(n8nNode, 0, resolver).ChatOpenAI).toBe('n8n’s copy');
  });

  it('says so when this n8n has no LangChain at all', () => {
    const resolver = Object.assign(
      (id: string) => {
        throw missing(id);
      },
      {
        resolve: (id: string) => {
          throw missing(id);
        },
      },
    );
    const error = (() => {
      try {
        return loadLangChainOpenAI(n8nNode, 0, resolver);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toBe(LANGCHAIN_MISSING);
    expect((error as NodeOperationError).description).toMatch(/AI nodes/);
  });
});

describe('Fine-Tuned Chat Model on the canvas', () => {
  it('shows the chosen model under the node, from the list or by ID', () => {
    const ft = 'ft:gpt-4o-mini-2024-07-18:acme:flows:abc123';
    expect(subtitleOf(node, { model: { __rl: true, mode: 'list', value: ft, cachedResultName: ft } }, 1)).toBe(ft);
    expect(subtitleOf(node, { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' } }, 1)).toBe('gpt-4o-mini');
  });
});
