/**
 * Fine-Tuned Chat Model inside a real n8n, installed the way users install community packages:
 * the packed package `npm install`ed into `<n8n user folder>/.n8n/nodes` (production
 * dependencies only, so LangChain is not there: n8n must provide it), n8n started on that user
 * folder, and workflows where n8n's AI Agent and Basic LLM Chain use the sub-node as their chat
 * model, against the fake OpenAI-compatible server running as a separate process. Workflows are
 * created through the public API and run through their webhook (n8n 2.8.4 has no public
 * "execute" endpoint); results are read back through the public API.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Module from 'node:module';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { createProvider } from '../../trainer/providers';
import { n8nInstallState } from '../../scripts/n8n-version';
import { n8nApi, startN8n, type N8nApi, type RunningN8n } from './harness';

jest.setTimeout(300_000);

const root = path.join(__dirname, '..', '..');
const TYPE = 'n8n-nodes-flowtune.fineTunedChatModel';

/** The fake server as its own process (`npm run fake-openai`); resolves with its base URL. */
async function startFakeProcess(): Promise<{ baseURL: string; process: ChildProcess }> {
  const compiled = spawnSync('npx', ['tsc', '-p', 'tsconfig.fake-openai.json'], { cwd: root, encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`compiling the fake server failed: ${compiled.stdout}${compiled.stderr}`);
  const child = spawn(process.execPath, [path.join(root, '.fake-openai', 'test', 'fake-openai', 'main.js'), '--port', '0', '--auto-advance', '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
  });
  return { baseURL: (JSON.parse(firstLine) as { baseURL: string }).baseURL, process: child };
}

/** `npm pack` of the built package, then a plain `npm install` of it in `<userFolder>/.n8n/nodes`, as the README says. */
function installIntoUserFolder(userFolder: string): string {
  const nodesDir = path.join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', userFolder], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true }));
  execFileSync('npm', ['install', path.join(userFolder, tarball), '--no-audit', '--no-fund', '--prefer-offline', '--loglevel', 'error'], { cwd: nodesDir, encoding: 'utf8', stdio: 'pipe' });
  return path.join(nodesDir, 'node_modules', 'n8n-nodes-flowtune');
}

describe('Fine-Tuned Chat Model as the chat model of n8n’s AI Agent and Basic LLM Chain', () => {
  let n8n: RunningN8n | undefined;
  let api: N8nApi;
  let fake: { baseURL: string; process: ChildProcess } | undefined;
  let userFolder = '';
  let packageDir = '';
  let fineTunedModel = '';
  let credential: { id: string; name: string };

  beforeAll(async () => {
    fake = await startFakeProcess();
    // A fine-tuned model on the fake provider, made the way users make one.
    const { provider } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL, env: {} });
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}` }, { role: 'assistant', content: `Answer ${i}` }] }));
    const file = await provider.uploadFile(Buffer.from(`${lines.join('\n')}\n`), 'train.jsonl');
    const job = await provider.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: file.id, suffix: 'agent', method: { type: 'supervised' } });
    for (let i = 0; i < 20 && !fineTunedModel; i++) fineTunedModel = (await provider.getJob(job.id)).fineTunedModel ?? '';
    expect(fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:.*:agent:/);

    userFolder = mkdtempSync(path.join(tmpdir(), 'flowtune-n8n-home-'));
    packageDir = installIntoUserFolder(userFolder);
    n8n = await startN8n({ env: { N8N_USER_FOLDER: userFolder } });
    api = n8nApi(n8n);
    credential = await api.post<{ id: string; name: string }>('/credentials', {
      name: 'Fake provider',
      type: 'flowtuneFineTuningApi',
      data: { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL, organization: '', allowedHttpRequestDomains: 'all' },
    });
  });

  afterAll(async () => {
    await n8n?.stop();
    fake?.process.kill('SIGTERM');
    if (userFolder && process.env.FLOWTUNE_N8N_KEEP !== '1') rmSync(userFolder, { recursive: true, force: true });
  });

  const running = () => {
    if (!n8n) throw new Error('n8n did not start (see beforeAll)');
    return n8n;
  };

  it('is installed without LangChain: the package does not resolve @langchain/openai itself; with n8n’s NODE_PATH it gets n8n’s copy', () => {
    // What `require('@langchain/openai')` from the package resolves to, in a plain Node process.
    const resolveFromPackage = (nodePath?: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.NODE_PATH;
      if (nodePath) env.NODE_PATH = nodePath;
      return spawnSync(process.execPath, ['-e', "process.stdout.write(require.resolve('@langchain/openai'))"], { cwd: packageDir, env, encoding: 'utf8' });
    };
    const alone = resolveFromPackage();
    expect(alone.status).not.toBe(0);
    expect(alone.stderr).toMatch(/Cannot find module '@langchain\/openai'/);
    // n8n's node loader sets NODE_PATH to its own module paths at startup (load-nodes-and-credentials.js).
    const n8nDir = n8nInstallState().dir;
    const loaderDir = path.join(n8nDir, 'node_modules', 'n8n', 'dist');
    const nodePath = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(loaderDir).join(path.delimiter);
    const inN8n = resolveFromPackage(nodePath);
    expect(inN8n.status).toBe(0);
    expect(inN8n.stdout.startsWith(path.join(n8nDir, 'node_modules', '@langchain', 'openai'))).toBe(true);
  });

  it('loads as a community package, offered as a chat model (ai_languageModel output)', async () => {
    const nodes = await api.rest<Array<{ name: string; outputs: unknown; codex?: { subcategories?: Record<string, string[]>; alias?: string[] } }>>('/types/nodes.json');
    const node = nodes.find((n) => n.name === TYPE);
    expect(node).toBeDefined();
    expect(node!.outputs).toEqual(['ai_languageModel']);
    expect(node!.codex?.subcategories).toEqual({ AI: ['Language Models', 'Root Nodes'], 'Language Models': ['Chat Models (Recommended)'] });
    expect(running().log()).not.toMatch(/Error loading|failed to load|fineTunedChatModel.*error/i);
  });

  it('lists the fine-tuned model in its searchable Model list', async () => {
    const result = await api.rest<{ data: { results: Array<{ value: string }> } }>('/rest/dynamic-node-parameters/resource-locator-results', {
      method: 'POST',
      body: {
        nodeTypeAndVersion: { name: TYPE, version: 1 },
        path: 'parameters.model',
        methodName: 'searchModels',
        filter: 'agent',
        currentNodeParameters: { model: { __rl: true, mode: 'list', value: '' } },
        credentials: { flowtuneFineTuningApi: credential },
      },
    });
    expect(result.data.results.map((r) => r.value)).toEqual([fineTunedModel]);
  });

  /** Webhook → root node ← Fine-Tuned Chat Model; created, activated and called; the execution read back. */
  async function runRoot(name: string, root: { type: string; typeVersion: number; parameters: Record<string, unknown> }, question: string, use = credential, slug = name, modelParameters: Record<string, unknown> = {}) {
    const pathName = `chat-model-${slug.toLowerCase().replace(/\W+/g, '-')}`;
    const workflow = {
      name: `e2e: ${name} with Fine-Tuned Chat Model`,
      nodes: [
        { name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `flowtune-${pathName}`, parameters: { httpMethod: 'POST', path: pathName, responseMode: 'lastNode', options: {} } },
        { name, ...root, position: [250, 0] },
        {
          name: 'Fine-Tuned Chat Model',
          type: TYPE,
          typeVersion: 1,
          position: [250, 200],
          parameters: { model: { __rl: true, mode: 'list', value: fineTunedModel, cachedResultName: fineTunedModel }, options: { temperature: 0.2, maxTokens: 200 }, ...modelParameters },
          credentials: { flowtuneFineTuningApi: use },
        },
      ],
      connections: {
        Webhook: { main: [[{ node: name, type: 'main', index: 0 }]] },
        'Fine-Tuned Chat Model': { ai_languageModel: [[{ node: name, type: 'ai_languageModel', index: 0 }]] },
      },
      settings: { executionOrder: 'v1' },
    };
    const created = await api.post<{ id: string }>('/workflows', workflow);
    await api.post(`/workflows/${created.id}/activate`, {});
    const response = await fetch(`${running().url}/webhook/${pathName}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
    const text = await response.text();
    const list = await api.get<{ data: Array<{ id: string }> }>(`/executions?workflowId=${created.id}`);
    const execution = await api.get<{ status: string; data: { resultData: { error?: { message?: string; node?: { name?: string } }; runData: Record<string, Array<{ data?: Record<string, unknown[][]>; error?: { message?: string; description?: string } }>> } } }>(`/executions/${list.data[0].id}?includeData=true`);
    return { status: response.status, text, execution };
  }

  /** What the sub-node answered, as its run in the execution shows it (n8n's editor shows the same). */
  function modelAnswer(execution: Awaited<ReturnType<typeof runRoot>>['execution']): string {
    const runs = execution.data.resultData.runData['Fine-Tuned Chat Model'];
    expect(runs).toHaveLength(1);
    const out = runs[0].data?.ai_languageModel?.[0]?.[0] as { json: { response: { generations: Array<Array<{ text: string }>> } } };
    return out.json.response.generations[0][0].text;
  }

  it('drives n8n’s AI Agent: the agent answers with the fine-tuned model’s answer', async () => {
    const run = await runRoot('AI Agent', { type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, parameters: { promptType: 'define', text: '={{ $json.body.question }}', options: {} } }, 'What is flowtune?');
    expect(run.status).toBe(200);
    expect(run.execution.status).toBe('success');
    const answer = modelAnswer(run.execution);
    // The fake server's reply names the model it was asked for.
    expect(answer).toMatch(new RegExp(`^Fake reply \\d+ from ${fineTunedModel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.$`));
    expect(JSON.parse(run.text)).toEqual({ output: answer });
  });

  it('drives n8n’s Basic LLM Chain the same way', async () => {
    const run = await runRoot('Basic LLM Chain', { type: '@n8n/n8n-nodes-langchain.chainLlm', typeVersion: 1.9, parameters: { promptType: 'define', text: '={{ $json.body.question }}' } }, 'Say hello');
    expect(run.status).toBe(200);
    expect(run.execution.status).toBe('success');
    const answer = modelAnswer(run.execution);
    expect(answer).toMatch(/^Fake reply \d+ from ft:gpt-4o-mini-2024-07-18:/);
    expect(JSON.parse(run.text)).toEqual({ text: answer });
  });

  it('fails the agent with the sub-node’s own error when the provider refuses the key', async () => {
    const wrong = await api.post<{ id: string; name: string }>('/credentials', {
      name: 'Fake provider, wrong key',
      type: 'flowtuneFineTuningApi',
      data: { provider: 'openai', apiKey: 'sk-wrong', baseUrl: fake!.baseURL, organization: '', allowedHttpRequestDomains: 'all' },
    });
    const run = await runRoot('AI Agent', { type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, parameters: { promptType: 'define', text: '={{ $json.body.question }}', options: {} } }, 'Hi', wrong, 'agent-wrong-key');
    expect(run.execution.status).toBe('error');
    const [modelRun] = run.execution.data.resultData.runData['Fine-Tuned Chat Model'];
    expect(modelRun.error?.message).toMatch(/^OpenAI answered HTTP 401: Incorrect API key provided/);
    expect(modelRun.error?.description).toBe('Check the API key of the "Flowtune Fine-Tuning API" credential.');
    expect(run.execution.data.resultData.error?.message).toMatch(/HTTP 401|Incorrect API key/);
  });

  it('gives up after its Timeout (and Max Retries) when the server never answers, saying so', async () => {
    // A server that accepts connections and never answers.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const local = await api.post<{ id: string; name: string }>('/credentials', {
        name: 'Silent local server',
        type: 'flowtuneFineTuningApi',
        data: { provider: 'compatible', apiKey: '', baseUrl: `http://127.0.0.1:${port}/v1`, allowedHttpRequestDomains: 'all' },
      });
      const agent = { type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, parameters: { promptType: 'define', text: '={{ $json.body.question }}', options: {} } };
      const run = await runRoot('AI Agent', agent, 'Hi', local, 'agent-timeout', { model: { __rl: true, mode: 'id', value: 'llama3.1:8b' }, options: { timeout: 500, maxRetries: 1 } });
      expect(run.execution.status).toBe('error');
      const [modelRun] = run.execution.data.resultData.runData['Fine-Tuned Chat Model'];
      expect(modelRun.error?.message).toBe('The OpenAI-compatible server did not answer within 500 ms');
      expect(sockets).toHaveLength(2); // the first try and one retry
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
