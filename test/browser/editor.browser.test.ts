/**
 * The package in n8n's editor, as a user meets it: packed, installed with `npm install <tgz>` into the n8n
 * user folder's nodes folder, and used through headless Chromium. One n8n and one browser for the suite;
 * the steps run in order (sign in first). Screenshots of each step: test-artifacts/browser/editor/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { NodeHelpers, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { cleanWorkflow } from '../../dataset/clean';
import { compactWorkflow } from '../../dataset/compact';
import { loadCatalog } from '../../schemas/catalog/load';
import { validateWorkflow } from '../../schemas/validator';
import { createProvider } from '../../trainer/providers';
import { chatLine } from '../helpers/generator-fixtures';
import { AI_SECTION_PATHS, NODE_PANEL_SEARCHES } from '../helpers/node-panel';
import { loadTemplates, stockOnly } from '../helpers/templates';
import { n8nApi } from '../n8n/harness';
import { startEditorSession, type Box, type EditorSession } from './editor';

jest.setTimeout(300_000);

const PACKAGE = 'n8n-nodes-flowtune';
const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();
const ROOT = path.join(__dirname, '..', '..');

let session: EditorSession;

beforeAll(async () => {
  session = await startEditorSession('editor');
});

afterAll(async () => {
  await session?.stop();
});

it('registers the nodes under the package name, as a user install does (not CUSTOM.*)', async () => {
  const types = await n8nApi(session.n8n).rest<Array<{ name: string }>>('/types/nodes.json');
  const ours = types.map((t) => t.name).filter((n) => n.startsWith(`${PACKAGE}.`) || n.startsWith('CUSTOM.'));
  expect(ours).toEqual(expect.arrayContaining([`${PACKAGE}.fineTune`, `${PACKAGE}.fineTunedChat`, `${PACKAGE}.workflowGenerator`]));
  expect(ours.filter((n) => n.startsWith('CUSTOM.'))).toEqual([]);
});

it('signs in through the sign-in page', async () => {
  const { editor } = session;
  await editor.login();
  await editor.screenshot('signed-in');
  expect(new URL(editor.page.url()).pathname).not.toMatch(/^\/signin/);
});

describe('node panel of a new workflow', () => {
  beforeAll(async () => {
    const { editor } = session;
    await editor.newWorkflow();
    // A new workflow's panel asks for a trigger first; our nodes are steps after one, as users add them.
    await editor.openNodePanel();
    await editor.screenshot('panel-triggers');
    await editor.addNodeFromPanel('Trigger manually');
    await editor.openNodePanel();
    await editor.screenshot('panel-what-happens-next');
  });

  const terms = [...new Set(NODE_PANEL_SEARCHES.map((s) => s.term))];
  it.each(terms)('search "%s" lists the right nodes', async (term) => {
    const { editor } = session;
    const listed = await editor.searchNodes(term);
    await editor.screenshot(`search-${term}`);
    const expected = NODE_PANEL_SEARCHES.filter((s) => s.term === term).map((s) => s.finds);
    expect(listed).toEqual(expect.arrayContaining(expected));
  });

  it.each(AI_SECTION_PATHS.map((p) => [p.path.join(' → '), p] as const))('the AI section lists our nodes under %s', async (_label, { path: steps, lists }) => {
    const { editor } = session;
    await editor.clearSearch();
    for (const step of steps) {
      await editor.openPanelEntry(step);
      await editor.screenshot(`browse-${step}`);
    }
    expect(await editor.panelTitle()).toBe(steps[steps.length - 1]);
    expect(await editor.listedNodes()).toEqual(expect.arrayContaining([...lists]));
    await editor.closeNodePanel();
  });
});

describe.each(EXAMPLES)('example %s', (file) => {
  const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as { nodes: Array<{ name: string; type: string }> };
  const drawn = workflow.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote');
  let id: string | undefined;

  it('imports through "Import from File" with every node known and drawn with its icon, and saves', async () => {
    const { editor } = session;
    await editor.newWorkflow();
    await editor.importWorkflow(path.join(EXAMPLES_DIR, file));
    await editor.screenshot(`import-${file.replace(/\.json$/, '')}`);
    const nodes = await editor.canvasNodeIcons();
    expect(nodes.map((n) => n.name).sort()).toEqual(drawn.map((n) => n.name).sort());
    expect(nodes.filter((n) => n.notInstalled || !n.icon)).toEqual([]);
    for (const node of nodes.filter((n) => n.type.startsWith(`${PACKAGE}.`))) expect(node.icon).toContain(`/icons/${PACKAGE}/`);
    id = await editor.saveWorkflow();
  });

  it('opens again from its saved copy, drawn the same', async () => {
    const { editor, n8n } = session;
    expect(id).toBeDefined();
    const saved = await n8nApi(n8n).get<{ nodes: Array<{ type: string }> }>(`/workflows/${id}`);
    expect(saved.nodes.map((n) => n.type).sort()).toEqual(workflow.nodes.map((n) => n.type).sort());
    await editor.openWorkflow(id!);
    await editor.screenshot(`open-${file.replace(/\.json$/, '')}`);
    const nodes = await editor.canvasNodeIcons();
    expect(nodes).toHaveLength(drawn.length);
    expect(nodes.filter((n) => n.notInstalled || !n.icon)).toEqual([]);
  });
});

// ---------------------------------------------------------------- every form of every node

/** One form a user can open: a node of ours at one version, with one resource and operation selected. */
interface Form {
  name: string;
  type: string;
  typeVersion: number;
  parameters: Record<string, string>;
}

/** The descriptions of the built package's nodes (`n8n.nodes` of package.json: what n8n loads). */
function builtDescriptions(): INodeTypeDescription[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
  return pkg.n8n.nodes.map((file) => {
    const exported = require(path.join(ROOT, file)) as Record<string, new () => INodeType>;
    return new exported[path.basename(file, '.node.js')]().description;
  });
}

/** Each version × resource × operation the node offers, with the options n8n shows for that version. */
function formsOf(description: INodeTypeDescription): Form[] {
  const versions = Array.isArray(description.version) ? description.version : [description.version];
  const shown = (name: string, values: Record<string, string>, typeVersion: number) =>
    description.properties.find((p) => p.name === name && NodeHelpers.displayParameter(values, p, { typeVersion }, description));
  const values = (property: ReturnType<typeof shown>) => (property?.options ?? []).map((o) => String((o as { value: unknown }).value));
  return versions.flatMap((typeVersion) => {
    const resources = values(shown('resource', {}, typeVersion));
    return (resources.length ? resources : ['']).flatMap((resource) => {
      const parameters: Record<string, string> = resource ? { resource } : {};
      const operations = values(shown('operation', parameters, typeVersion));
      return (operations.length ? operations : ['']).map((operation) => ({
        name: [description.displayName, `v${typeVersion}`, resource, operation].filter(Boolean).join(' '),
        type: `${PACKAGE}.${description.name}`,
        typeVersion,
        parameters: operation ? { ...parameters, operation } : parameters,
      }));
    });
  });
}

const FORMS = builtDescriptions().flatMap(formsOf);

describe('every form of our nodes opens without error', () => {
  let errorsBefore = 0;

  beforeAll(async () => {
    const { editor, n8n } = session;
    // One workflow with a node per form, on a grid, opened on the canvas like any saved workflow.
    const created = await n8nApi(n8n).post<{ id: string }>('/workflows', {
      name: 'browser: every form',
      nodes: FORMS.map((form, i) => ({ ...form, position: [(i % 6) * 320, Math.floor(i / 6) * 320] })),
      connections: {},
      settings: { executionOrder: 'v1' },
    });
    await editor.openWorkflow(created.id);
    await editor.screenshot('forms-canvas');
  });

  it('covers each node of the package', () => {
    expect(new Set(FORMS.map((f) => f.type)).size).toBe(builtDescriptions().length);
  });

  it.each(FORMS.map((f) => [f.name, f] as const))('%s', async (_name, form) => {
    const { editor } = session;
    errorsBefore = editor.pageErrors.length;
    await editor.openNodeSettings(form.name);
    await editor.screenshot(`form-${form.name}`);
    expect(await editor.parameterItems().count()).toBeGreaterThan(0);
    // The form shows the resource and operation the node has (not an empty or fallback form).
    for (const name of Object.keys(form.parameters)) await expect(editor.parameterInput(name).isVisible()).resolves.toBe(true);
    expect(await editor.ndv().innerText()).not.toMatch(/could not load|error loading|not installed|unknown node/i);
    expect(await editor.errorToasts()).toEqual([]);
    expect(editor.pageErrors.slice(errorsBefore)).toEqual([]);
    // Required fields and credentials left empty are flagged, as on any new node; a flag on a filled field is a broken form.
    expect((await editor.flaggedFields()).filter((field) => field.value !== '')).toEqual([]);
    await editor.closeNodeSettings();
  });

  afterEach(async () => {
    // A failed step leaves its settings open over the canvas; close them so that the next form can open.
    if (await session.editor.ndv().isVisible()) await session.editor.closeNodeSettings();
  });
});

// ---------------------------------------------------------------- Workflow Generator: "Create in n8n"

/**
 * A training file of one real template (n8n.io, stock nodes only) with AI sub-nodes and several steps, so
 * that the retrieval baseline answers a workflow whose layout has something to get wrong.
 */
async function layoutTrainingFile(): Promise<{ file: string; request: string; nodes: number }> {
  const catalog = loadCatalog();
  for (const t of stockOnly(await loadTemplates(), catalog)) {
    const cleaned = cleanWorkflow(t.workflow, t.record.name).workflow;
    const types = cleaned.nodes.map((n) => String(n.type));
    if (cleaned.nodes.length < 7 || cleaned.nodes.length > 14 || !types.includes('@n8n/n8n-nodes-langchain.agent')) continue;
    if (!validateWorkflow(cleaned, { catalog }).valid) continue;
    const request = t.record.name;
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'flowtune-browser-training-')), 'train.jsonl');
    writeFileSync(file, `${chatLine(request, compactWorkflow(cleaned, { catalog }))}\n`);
    return { file, request, nodes: cleaned.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').length };
  }
  throw new Error('no template with an AI Agent and 7–14 nodes validates');
}

/** Pairs of boxes of different nodes that share area (touching edges do not count). */
function overlaps(boxes: Array<{ node: string; what: string; box: Box }>): string[] {
  const found: string[] = [];
  const inside = (a: Box, b: Box) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.node !== b.node && inside(a.box, b.box)) found.push(`${a.node} (${a.what}) × ${b.node} (${b.what})`);
    }
  }
  return found;
}

describe('Workflow Generator: "Create in n8n" and the workflow it creates', () => {
  const N8N_CREDENTIAL = 'Flowtune n8n API';
  let workflowId = '';
  let training: Awaited<ReturnType<typeof layoutTrainingFile>>;

  beforeAll(async () => {
    training = await layoutTrainingFile();
    const created = await n8nApi(session.n8n).post<{ id: string }>('/workflows', {
      name: 'browser: generate and create in n8n',
      nodes: [
        { name: 'When clicking ‘Execute workflow’', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        { name: 'Workflow Generator', type: `${PACKAGE}.workflowGenerator`, typeVersion: 1.1, position: [240, 0], parameters: { request: training.request, options: { trainingData: training.file } } },
      ],
      connections: { 'When clicking ‘Execute workflow’': { main: [[{ node: 'Workflow Generator', type: 'main', index: 0 }]] } },
      settings: { executionOrder: 'v1' },
    });
    workflowId = created.id;
  });

  it('shows "Create in n8n"; switched on, it asks for a Flowtune n8n API credential', async () => {
    const { editor } = session;
    await editor.openWorkflow(workflowId);
    await editor.openNodeSettings('Workflow Generator');
    const field = editor.parameterItem('createInN8n');
    await field.waitFor();
    expect(await field.innerText()).toMatch(/Create in n8n/i);
    const select = editor.credentialSelect(`Credential for ${N8N_CREDENTIAL}`);
    expect(await select.count()).toBe(0);
    await editor.screenshot('generator-create-in-n8n-off');
    await editor.switchOn('createInN8n');
    await select.waitFor();
    await editor.screenshot('generator-create-in-n8n-on');
  });

  it('creates the Flowtune n8n API credential from that selector, and saves it with the workflow', async () => {
    const { editor, n8n } = session;
    const api = n8nApi(n8n);
    const dialog = await editor.createCredentialFrom(`Credential for ${N8N_CREDENTIAL}`);
    // The n8n API credential's own form: not the node's other credential (Fine-Tuning API: Provider, …).
    await expect(dialog.innerText()).resolves.toContain(N8N_CREDENTIAL);
    await expect(editor.credentialFieldLabels(dialog)).resolves.toEqual(expect.arrayContaining(['Base URL', 'API Key']));
    await expect(editor.credentialFieldLabels(dialog)).resolves.not.toContain('Provider');
    await editor.fillCredentialField(dialog, 'Base URL', n8n.url);
    await editor.fillCredentialField(dialog, 'API Key', n8n.apiKey);
    await editor.screenshot('generator-credential-form');
    await editor.saveCredential(dialog);
    const select = editor.credentialSelect(`Credential for ${N8N_CREDENTIAL}`);
    const name = await select.getByRole('combobox').inputValue();
    expect(name).toMatch(/^Flowtune n8n/); // n8n names a new credential after its type: 'Flowtune n8n account'
    await editor.screenshot('generator-credential-selected');
    await editor.closeNodeSettings();
    await editor.saveWorkflow();
    const saved = await api.get<{ nodes: Array<{ name: string; parameters: Record<string, unknown>; credentials?: Record<string, { id: string; name: string }> }> }>(`/workflows/${workflowId}`);
    const generator = saved.nodes.find((n) => n.name === 'Workflow Generator')!;
    expect(generator.parameters.createInN8n).toBe(true);
    expect(generator.credentials?.flowtuneN8nApi).toEqual({ id: expect.any(String), name });
  });

  it('run from the editor, creates a workflow that opens with every node drawn, with its icon, and no two overlapping', async () => {
    const { editor, n8n } = session;
    const api = n8nApi(n8n);
    await editor.openWorkflow(workflowId);
    await editor.executeWorkflow('Workflow Generator');
    await editor.screenshot('generator-executed');
    const list = await api.get<{ data: Array<{ id: string }> }>(`/executions?workflowId=${workflowId}`);
    const execution = await api.get<{ status: string; data: { resultData: { runData: Record<string, Array<{ data: { main: Array<Array<{ json: { baseline: boolean; created?: { id: string } } }>> } }>> } } }>(
      `/executions/${list.data[0].id}?includeData=true`,
    );
    expect(execution.status).toBe('success');
    const out = execution.data.resultData.runData['Workflow Generator'][0].data.main[0][0].json;
    expect(out.baseline).toBe(true);
    expect(out.created?.id).toEqual(expect.any(String));

    await editor.openWorkflow(out.created!.id);
    await editor.screenshot('generator-created-workflow');
    const icons = await editor.canvasNodeIcons();
    expect(icons).toHaveLength(training.nodes);
    expect(icons.filter((n) => n.notInstalled || !n.icon)).toEqual([]);
    const boxes = await editor.canvasNodeBoxes();
    expect(boxes.every((b) => b.body.width > 0 && b.body.height > 0)).toBe(true);
    // Every node's name was measured (the check below is not vacuous).
    expect(boxes.filter((b) => !b.label || b.label.width === 0).map((b) => b.name)).toEqual([]);
    // Each node's body and, below it, its name: none may cover another's.
    expect(overlaps(boxes.flatMap((b) => [{ node: b.name, what: 'body', box: b.body }, ...(b.label ? [{ node: b.name, what: 'label', box: b.label }] : [])]))).toEqual([]);
  });
});

// ---------------------------------------------------------------- AI Agent ← Fine-Tuned Chat Model, in n8n's chat

/** The fake OpenAI-compatible server as its own process (`npm run fake-openai`), as n8n meets a real provider. */
async function startFakeProcess(): Promise<{ baseURL: string; process: ChildProcess }> {
  const compiled = spawnSync('npx', ['tsc', '-p', 'tsconfig.fake-openai.json'], { cwd: ROOT, encoding: 'utf8' });
  if (compiled.status !== 0) throw new Error(`compiling the fake server failed: ${compiled.stdout}${compiled.stderr}`);
  const child = spawn(process.execPath, [path.join(ROOT, '.fake-openai', 'test', 'fake-openai', 'main.js'), '--port', '0', '--auto-advance', '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake server exited with ${code}`)));
  });
  return { baseURL: (JSON.parse(firstLine) as { baseURL: string }).baseURL, process: child };
}

describe('AI Agent with the Fine-Tuned Chat Model answers in n8n’s chat', () => {
  let fake: { baseURL: string; process: ChildProcess } | undefined;
  let fineTunedModel = '';
  let workflowId = '';
  let withoutModelId = '';

  beforeAll(async () => {
    fake = await startFakeProcess();
    // A fine-tuned model on the fake provider, made the way users make one.
    const { provider } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL, env: {} });
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}` }, { role: 'assistant', content: `Answer ${i}` }] }));
    const file = await provider.uploadFile(Buffer.from(`${lines.join('\n')}\n`), 'train.jsonl');
    const job = await provider.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: file.id, suffix: 'browser', method: { type: 'supervised' } });
    for (let i = 0; i < 20 && !fineTunedModel; i++) fineTunedModel = (await provider.getJob(job.id)).fineTunedModel ?? '';
    expect(fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:.*:browser:/);

    const api = n8nApi(session.n8n);
    const credential = await api.post<{ id: string; name: string }>('/credentials', {
      name: 'Fake provider',
      type: 'flowtuneFineTuningApi',
      data: { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL, organization: '', allowedHttpRequestDomains: 'all' },
    });
    const created = await api.post<{ id: string }>('/workflows', {
      name: 'browser: chat with the fine-tuned model',
      nodes: [
        { name: 'When chat message received', type: '@n8n/n8n-nodes-langchain.chatTrigger', typeVersion: 1.4, position: [0, 0], webhookId: 'flowtune-browser-chat', parameters: { options: {} } },
        { name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, position: [240, 0], parameters: { options: {} } },
        {
          name: 'Fine-Tuned Chat Model',
          type: `${PACKAGE}.fineTunedChatModel`,
          typeVersion: 1,
          position: [240, 240],
          parameters: { model: { __rl: true, mode: 'list', value: fineTunedModel, cachedResultName: fineTunedModel }, options: {} },
          credentials: { flowtuneFineTuningApi: { id: credential.id, name: credential.name } },
        },
      ],
      connections: {
        'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
        'Fine-Tuned Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
      },
      settings: { executionOrder: 'v1' },
    });
    workflowId = created.id;
    const withoutModel = await api.post<{ id: string }>('/workflows', {
      name: 'browser: agent without a chat model',
      nodes: [
        { name: 'When chat message received', type: '@n8n/n8n-nodes-langchain.chatTrigger', typeVersion: 1.4, position: [0, 0], webhookId: 'flowtune-browser-chat-empty', parameters: { options: {} } },
        { name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3.1, position: [240, 0], parameters: { options: {} } },
      ],
      connections: { 'When chat message received': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] } },
      settings: { executionOrder: 'v1' },
    });
    withoutModelId = withoutModel.id;
  });

  afterAll(() => {
    fake?.process.kill('SIGTERM');
  });

  // The node panel's search lists it too (NODE_PANEL_SEARCHES, "chat model"); the slot is where users pick a model.
  it('is offered by the AI Agent’s Chat Model slot', async () => {
    const { editor } = session;
    await editor.openWorkflow(withoutModelId);
    await editor.openSlotPanel('AI Agent', 'ai_languageModel');
    expect(await editor.listedNodes()).toContain('Fine-Tuned Chat Model');
    await editor.nodeItem('Fine-Tuned Chat Model').scrollIntoViewIfNeeded(); // the list is longer than the panel
    await editor.screenshot('agent-chat-model-slot');
    await editor.closeNodePanel();
  });

  it('answers a chat message with the fine-tuned model’s reply', async () => {
    const { editor } = session;
    await editor.openWorkflow(workflowId);
    const chat = await editor.openChat();
    const answer = await editor.sendChatMessage(chat, 'What is flowtune?');
    await editor.screenshot('chat-answer');
    // The fake server's reply names the model it was asked for.
    expect(answer).toContain(`from ${fineTunedModel}.`);
    expect(answer).toMatch(/^Fake reply \d+ from /);
  });
});
