/**
 * The package in n8n's editor, as a user meets it: packed, installed with `npm install <tgz>` into the n8n
 * user folder's nodes folder, and used through headless Chromium. One n8n and one browser for the suite;
 * the steps run in order (sign in first). Screenshots of each step: test-artifacts/browser/editor/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { AI_SECTION_PATHS, NODE_PANEL_SEARCHES } from '../helpers/node-panel';
import { n8nApi } from '../n8n/harness';
import { startEditorSession, type EditorSession } from './editor';

jest.setTimeout(300_000);

const PACKAGE = 'n8n-nodes-flowtune';
const EXAMPLES_DIR = path.join(__dirname, '..', '..', 'examples');
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();

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
