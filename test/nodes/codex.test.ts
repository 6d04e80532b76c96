/**
 * The codex files (nodes/X/X.node.json) decide where n8n's node panel shows a node. These checks mirror the
 * panel's rules (n8n 2.8.4 editor) so a codex mistake fails here in a second; the real editor is checked by
 * the browser suite (test/browser, `npm run test:browser`) with the same search table.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { INodeType } from 'n8n-workflow';
import { N8N_AI_SUBCATEGORIES, NODE_PANEL_SEARCHES, panelSearchMatches } from '../helpers/node-panel';

const root = path.join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; n8n: { nodes: string[] } };

interface Codex {
  node: string;
  categories?: string[];
  subcategories?: Record<string, string[]>;
  alias?: string[];
}

/** Every node the package registers (package.json n8n.nodes), with its description and codex from the sources. */
const nodes = manifest.n8n.nodes.map((built) => {
  const source = path.join(root, built.replace(/^dist\//, '').replace(/\.js$/, ''));
  const className = path.basename(source, '.node');
  const NodeClass = (require(`${source}.ts`) as Record<string, new () => INodeType>)[className];
  const codex = JSON.parse(readFileSync(`${source}.json`, 'utf8')) as Codex;
  return { description: new NodeClass().description, codex };
});

describe.each(nodes.map((n) => [n.description.displayName, n] as const))('codex of %s', (_name, { description, codex }) => {
  it('names the node as n8n registers it', () => {
    expect(codex.node).toBe(`${manifest.name}.${description.name}`);
  });

  it('is an AI root node in one of the AI section\'s subcategories', () => {
    expect(codex.categories).toContain('AI');
    const ai = codex.subcategories?.AI ?? [];
    // Outside the AI section the panel's search drops AI nodes without "Root Nodes" (they count as sub-nodes).
    expect(ai).toContain('Root Nodes');
    // The first entry is the section a node is grouped under; it must be one the AI section lists.
    expect(N8N_AI_SUBCATEGORIES).toContain(ai[0]);
  });
});

describe('natural searches in the node panel', () => {
  const byName = new Map(nodes.map((n) => [n.description.displayName, n]));
  it.each(NODE_PANEL_SEARCHES.map((s) => [s.term, s.finds] as const))('"%s" finds %s', (term, finds) => {
    const node = byName.get(finds);
    if (!node) throw new Error(`no node "${finds}" in package.json n8n.nodes (known: ${[...byName.keys()].join(', ')})`);
    expect(panelSearchMatches(term, [node.description.displayName, ...(node.codex.alias ?? [])])).toBe(true);
  });

  it('matches as the panel does: every character in order, case-insensitive', () => {
    expect(panelSearchMatches('fine-tune', ['Fine-Tune'])).toBe(true);
    expect(panelSearchMatches('fine tune', ['Fine-Tune'])).toBe(false); // the space is a character to match
    expect(panelSearchMatches('wf gen', ['Workflow Generator'])).toBe(true);
    expect(panelSearchMatches('flowtune', ['Fine-Tuned Chat'])).toBe(false);
  });
});
