/**
 * What a user types into n8n's node panel to find this package's nodes, and the node (display name) each
 * search must list. Checked in a real editor by test/browser/editor.browser.test.ts and, against the codex
 * files, by test/codex.test.ts. A new node adds its searches here: one line each.
 */
export const NODE_PANEL_SEARCHES: ReadonlyArray<{ term: string; finds: string }> = [
  { term: 'flowtune', finds: 'Fine-Tune' },
  { term: 'flowtune', finds: 'Fine-Tuned Chat' },
  { term: 'flowtune', finds: 'Workflow Generator' },
  { term: 'fine-tune', finds: 'Fine-Tune' },
  { term: 'Fine-Tune', finds: 'Fine-Tune' },
  { term: 'fine tune', finds: 'Fine-Tune' },
  { term: 'tune', finds: 'Fine-Tune' },
  { term: 'training', finds: 'Fine-Tune' },
  { term: 'training data', finds: 'Fine-Tune' },
  { term: 'fine tune', finds: 'Fine-Tuned Chat' },
  { term: 'chat model', finds: 'Fine-Tuned Chat' },
  { term: 'chat model', finds: 'Fine-Tuned Chat Model' },
  { term: 'flowtune', finds: 'Fine-Tuned Chat Model' },
  { term: 'workflow generator', finds: 'Workflow Generator' },
  { term: 'generate workflow', finds: 'Workflow Generator' },
];

/**
 * The entries of n8n's AI section (AI → Other AI Nodes → <subcategory>) that list nodes by their codex
 * `subcategories.AI`, as in n8n 2.8.4's node panel. `Agents` and `Chains` are listed on the AI page itself.
 */
export const N8N_AI_SUBCATEGORIES = [
  'Agents',
  'Chains',
  'Document Loaders',
  'Language Models',
  'Memory',
  'Output Parsers',
  'Retrievers',
  'Text Splitters',
  'Tools',
  'Embeddings',
  'Vector Stores',
  'Miscellaneous',
] as const;

/**
 * Where each node is listed in the AI section: the path of panel entries a user clicks from the
 * "What happens next?" panel.
 */
export const AI_SECTION_PATHS: ReadonlyArray<{ path: readonly string[]; lists: readonly string[] }> = [
  { path: ['AI', 'Other AI Nodes', 'Miscellaneous'], lists: ['Fine-Tune', 'Fine-Tuned Chat', 'Workflow Generator'] },
];

/**
 * n8n's node panel matches a search against a node's display name and each codex alias: a hit when every
 * character of the term appears in that text in order (case-insensitive); the score only orders the hits.
 */
export function panelSearchMatches(term: string, texts: readonly string[]): boolean {
  const pattern = term.toLowerCase();
  return texts.some((text) => {
    const target = text.toLowerCase();
    let i = 0;
    for (const ch of target) if (ch === pattern[i]) i++;
    return pattern.length > 0 && i === pattern.length;
  });
}
