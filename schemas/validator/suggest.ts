/** "Did you mean" for node types and parameter names. */
import { distance } from 'fastest-levenshtein';
import type { NodeCatalog } from '../catalog/catalog';

/**
 * Names language models and old exports use for nodes that exist under another name
 * (removed legacy nodes included). Keys are lower-case short names.
 */
const NODE_ALIASES = new Map<string, string[]>(Object.entries({
  function: ['n8n-nodes-base.code'],
  functionitem: ['n8n-nodes-base.code'],
  cron: ['n8n-nodes-base.scheduleTrigger'],
  interval: ['n8n-nodes-base.scheduleTrigger'],
  start: ['n8n-nodes-base.manualTrigger'],
  chatgpt: ['@n8n/n8n-nodes-langchain.openAi', '@n8n/n8n-nodes-langchain.lmChatOpenAi'],
  gpt: ['@n8n/n8n-nodes-langchain.openAi', '@n8n/n8n-nodes-langchain.lmChatOpenAi'],
  claude: ['@n8n/n8n-nodes-langchain.anthropic', '@n8n/n8n-nodes-langchain.lmChatAnthropic'],
  gemini: ['@n8n/n8n-nodes-langchain.googleGemini', '@n8n/n8n-nodes-langchain.lmChatGoogleGemini'],
  llm: ['@n8n/n8n-nodes-langchain.chainLlm'],
  aiagent: ['@n8n/n8n-nodes-langchain.agent'],
  http: ['n8n-nodes-base.httpRequest'],
  webhooktrigger: ['n8n-nodes-base.webhook'],
  schedule: ['n8n-nodes-base.scheduleTrigger'],
}));

/** Types a name models and old exports use stands for (lower-case short name; empty when none). */
export function nodeAliases(short: string): string[] {
  return NODE_ALIASES.get(short.toLowerCase()) ?? [];
}

const MAX_NAME_LENGTH = 200;

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function rankByDistance(input: string, names: Iterable<string>, limit: number): string[] {
  const needle = input.toLowerCase();
  const budget = Math.max(2, Math.floor(needle.length / 3));
  const scored: Array<{ name: string; score: number; prefix: number }> = [];
  for (const name of names) {
    const candidate = name.toLowerCase();
    const prefix = commonPrefixLength(needle, candidate);
    let score = distance(needle, candidate);
    // "googleSheet" → googleSheets, "slackNode" → slack, "channelName" → channelId:
    // containment or a long shared stem is a strong hint even past the edit budget.
    const related =
      (candidate.length >= 4 && (needle.includes(candidate) || candidate.includes(needle))) || prefix >= Math.max(5, Math.ceil(needle.length / 2));
    if (score > budget && related) score = budget;
    if (score <= budget) scored.push({ name, score, prefix });
  }
  return scored
    .sort((a, b) => a.score - b.score || b.prefix - a.prefix || a.name.length - b.name.length || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map(({ name }) => name);
}

const typeSuggestions = new WeakMap<NodeCatalog, Map<string, string[]>>();

/** Memoised per catalog: corpora repeat the same unknown types thousands of times. */
export function suggestNodeTypes(type: string, catalog: NodeCatalog, limit = 3): string[] {
  let memo = typeSuggestions.get(catalog);
  if (!memo) typeSuggestions.set(catalog, (memo = new Map()));
  const key = `${limit}\0${type}`;
  let found = memo.get(key);
  if (!found) {
    found = computeNodeTypeSuggestions(type, catalog, limit);
    if (memo.size < 10_000) memo.set(key, found);
  }
  return [...found];
}

function computeNodeTypeSuggestions(type: string, catalog: NodeCatalog, limit: number): string[] {
  if (type.length > MAX_NAME_LENGTH) return [];
  const short = type.slice(type.lastIndexOf('.') + 1).toLowerCase();
  const found: string[] = [];
  const add = (t: string) => {
    if (t !== type && catalog.has(t) && !found.includes(t)) found.push(t);
  };
  (catalog.byShortName.get(short) ?? []).forEach(add);
  (NODE_ALIASES.get(short) ?? []).forEach(add);
  for (const shortName of rankByDistance(short, catalog.byShortName.keys(), limit)) {
    (catalog.byShortName.get(shortName) ?? []).forEach(add);
  }
  return found.slice(0, limit);
}

export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  if (name.length > MAX_NAME_LENGTH) return [];
  return rankByDistance(name, candidates, limit);
}

export function didYouMean(options: string[]): string | undefined {
  if (options.length === 0) return undefined;
  return `did you mean ${options.map((o) => `"${o}"`).join(' or ')}?`;
}
