/**
 * What the offline generator knows, built once from the training pairs and the catalog:
 * - a profile of every training workflow (node types, services, triggers, AI pattern);
 * - which words name a service: catalog phrases, kept only where the training pairs do
 *   not contradict them ("line" names the LINE node in the catalog, but requests that say
 *   "line" almost never use it);
 * - which request words go with which node types in the training pairs (“spreadsheet” →
 *   Google Sheets, “scrape” → HTTP Request + HTML);
 * - the usual configuration of every node type (for nodes the generator adds);
 * - a BM25 index over the training workflows' titles and requests.
 */
import MiniSearch from 'minisearch';
import type { CompactNode, CompactWorkflow } from '../../dataset/compact';
import { isStickyNote } from '../../schemas/graph';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { isObject } from '../../schemas/json-value';
import type { TrainingExample } from '../retrieval';
import { typedEdgeKey } from '../eval/metrics';
import { edgesOf, type Edge } from './graph';
import { hostLabels } from './http';
import { phraseKey, roleOf, serviceCatalog, triggerFamily, type NodeRole, type ServiceCatalog } from './services';
import { contentWords, allWords, phrasesOf, STOPWORDS } from './words';

export interface WorkflowProfile {
  /** Index of the training example. */
  id: number;
  workflow: CompactWorkflow;
  edges: Edge[];
  /** Node types as a multiset. */
  types: string[];
  typeSet: Set<string>;
  /** Service → its nodes in this workflow. */
  services: Map<string, number>;
  /** Services whose nodes here are all chat models or embeddings (how an AI thinks, not an action). */
  modelServices: Set<string>;
  triggers: string[];
  /** Host labels of each HTTP node that calls a service's own API (see http.ts). */
  httpHosts: string[][];
  /** `triggerFamily` of each trigger. */
  triggerFamilies: Set<string>;
  roles: Set<NodeRole>;
  agent: boolean;
  /** Edges by the types they join (`typedEdgeKey`): how alike two workflows are wired. */
  edgeTypes: string[];
  /** `types` and `edgeTypes` counted. */
  typeCounts: Map<string, number>;
  edgeTypeCounts: Map<string, number>;
  /** The distinct trigger types, sorted and joined: how it starts. */
  triggerSet: string;
}

export interface TypeAssociation {
  type: string;
  /** Share of the training requests with the word whose workflow has the type. */
  p: number;
}

export interface OfflineIndex {
  catalog: NodeCatalog;
  services: ServiceCatalog;
  profiles: WorkflowProfile[];
  /** Phrase key → services it names. */
  phrases: Map<string, string[]>;
  /** Word → node types it goes with in the training pairs (strongest first). */
  associations: Map<string, TypeAssociation[]>;
  /** Type → usual configurations, most frequent first. */
  configs: Map<string, CompactNode[]>;
  /**
   * A usual configuration → the smallest self-contained nodes of its form, smallest first: n8n.io strips
   * parameters from many templates, so the smallest is often missing a required value and a larger one is whole.
   */
  configChoices: Map<CompactNode, CompactNode[]>;
  /** How many training workflows use each type. */
  typeCounts: Map<string, number>;
  /** Type → positions (in `profiles`) of the workflows that use it. */
  profilesWithType: Map<string, number[]>;
  search: MiniSearch<{ id: number; title: string; request: string }>;
}

export const AGENT_TYPE = '@n8n/n8n-nodes-langchain.agent';

/** Settings of the learning: kept here, tuned on a dev slice of the training side (never on the eval requests). */
const MIN_WORD_REQUESTS = 4;
const MIN_PAIR_REQUESTS = 3;
const MIN_ASSOCIATION = 0.35;
const MIN_LIFT = 3;
/** A catalog phrase seen in this many training requests… */
const PHRASE_EVIDENCE = 5;
/** …is kept only if at least this share of them use the service. */
const PHRASE_PRECISION = 0.2;

function parseTarget(text: string): CompactWorkflow | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (!isObject(value) || !Array.isArray(value.nodes)) return undefined;
    const nodes = value.nodes.filter((n): n is Record<string, unknown> => isObject(n) && typeof n.name === 'string' && typeof n.type === 'string' && !isStickyNote(n));
    return {
      ...(typeof value.name === 'string' ? { name: value.name } : {}),
      nodes: nodes as unknown as CompactNode[],
      connections: isObject(value.connections) ? (value.connections as CompactWorkflow['connections']) : {},
      ...(isObject(value.settings) ? { settings: value.settings } : {}),
    };
  } catch {
    return undefined;
  }
}

/** How many of a form's smallest nodes are kept to choose a whole one from. */
const CONFIG_CHOICES = 6;

/** Keep the `CONFIG_CHOICES` smallest distinct parameter sets, smallest first (first seen wins a tie). */
function keepSmallest(list: Array<{ node: CompactNode; size: number; json: string }>, item: { node: CompactNode; size: number; json: string }): void {
  if (list.length === CONFIG_CHOICES && item.size >= list[list.length - 1].size) return;
  if (list.some((kept) => kept.size === item.size && kept.json === item.json)) return;
  let at = list.length;
  while (at > 0 && list[at - 1].size > item.size) at--;
  list.splice(at, 0, item);
  if (list.length > CONFIG_CHOICES) list.pop();
}

/** A title capitalises most words: its casing says nothing about which are names. */
const TITLE_CASE = 0.6;

/**
 * The words whose casing tells a name from a word: none of a Title Case text ("Translate
 * Notion Pages with DeepL"), and in a sentence not its first word.
 */
function casedWords(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/[.!?:;|\n]+/)) {
    const words = sentence.match(/[A-Za-z0-9]+/g) ?? [];
    const long = words.filter((w) => w.length >= 4 && /^[A-Za-z]/.test(w));
    if (long.length > 0 && long.filter((w) => /^[A-Z]/.test(w)).length / long.length >= TITLE_CASE) continue;
    out.push(...words.slice(1));
  }
  return out;
}

function countsOf(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Does a parameter value refer to another node by name (`$('X')`, `$node["X"]`)? Such a configuration only fits its own workflow. */
export const refersToNodes = (value: unknown): boolean => /\$\(\s*['"]|\$node\s*\[/.test(JSON.stringify(value ?? {}));

/** The settings that say which events a trigger listens to (Shopify's says it with `topic`). */
export const EVENT_KEYS: readonly string[] = ['event', 'events', 'updates', 'triggerOn', 'topic'];
/** The settings that say which of a node's forms is in use. */
export const OPTION_KEYS: readonly string[] = ['resource', 'operation', 'mode', ...EVENT_KEYS];

/** resource / operation / event values: which of a node's forms is in use. */
export function configSignature(node: CompactNode): string {
  const p = node.parameters ?? {};
  const pick = OPTION_KEYS.map((k) => (k in p ? `${k}=${JSON.stringify(p[k])}` : '')).filter(Boolean);
  return `${node.typeVersion ?? ''}|${pick.join('&')}`;
}

export function buildOfflineIndex(examples: readonly TrainingExample[], catalog: NodeCatalog): OfflineIndex {
  const services = serviceCatalog(catalog);
  const profiles: WorkflowProfile[] = [];
  const texts: string[] = [];
  examples.forEach((example, id) => {
    const workflow = parseTarget(example.target);
    if (!workflow) return;
    profiles.push(profileOf(workflow, id, services, catalog));
    texts.push(`${workflow.name ?? ''}. ${example.request}`);
  });
  const counts = countRequestWords(profiles, texts, services);
  return {
    catalog,
    services,
    profiles,
    phrases: confirmedPhrases(counts),
    associations: wordAssociations(counts, profiles.length),
    ...usualConfigurations(profiles),
    typeCounts: counts.typeDocs,
    profilesWithType: profilesByType(profiles),
    search: titleSearch(profiles, examples),
  };
}

/** What a training workflow is made of: node types, services, triggers, AI pattern, typed edges. */
function profileOf(workflow: CompactWorkflow, id: number, services: ServiceCatalog, catalog: NodeCatalog): WorkflowProfile {
  const types = workflow.nodes.map((n) => n.type);
  const serviceCounts = new Map<string, number>();
  for (const t of types) {
    const s = services.serviceOf(t);
    if (s) serviceCounts.set(s, (serviceCounts.get(s) ?? 0) + 1);
  }
  const modelServices = new Set([...serviceCounts.keys()].filter((s) => types.every((t) => services.serviceOf(t) !== s || ['model', 'embeddings'].includes(roleOf(t, catalog)))));
  const edges = edgesOf(
    workflow.nodes.map((n) => n.name),
    workflow.connections,
  );
  const typeOf = new Map(workflow.nodes.map((n) => [n.name, n.type]));
  const triggers = types.filter((t) => catalog.get(t)?.entry.trigger);
  const edgeTypes = edges.map((e) => typedEdgeKey({ from: e.from, fromType: typeOf.get(e.from)!, output: e.output, connectionType: e.type, to: e.to, toType: typeOf.get(e.to)!, input: e.input }));
  return {
    id,
    edgeTypes,
    typeCounts: countsOf(types),
    edgeTypeCounts: countsOf(edgeTypes),
    triggerSet: [...new Set(triggers)].sort().join(' '),
    modelServices,
    httpHosts: workflow.nodes.map(hostLabels).filter((labels) => labels.length > 0),
    workflow,
    edges,
    types,
    typeSet: new Set(types),
    services: serviceCounts,
    triggers,
    triggerFamilies: new Set(triggers.map(triggerFamily)),
    roles: new Set(types.map((t) => roleOf(t, catalog))),
    agent: types.includes(AGENT_TYPE),
  };
}

/** Word ↔ node type counts over the training requests (titles included), and how catalog phrases are used and written. */
interface RequestWordCounts {
  wordDocs: Map<string, number>;
  typeDocs: Map<string, number>;
  pairDocs: Map<string, Map<string, number>>;
  /** Catalog phrase → the services it names. */
  catalogPhrases: Map<string, string[]>;
  phraseDocs: Map<string, number>;
  /** Requests with the phrase whose workflow uses a service it names. */
  phraseHits: Map<string, number>;
  phraseCase: Map<string, { lower: number; all: number }>;
}

function countRequestWords(profiles: readonly WorkflowProfile[], texts: readonly string[], services: ServiceCatalog): RequestWordCounts {
  const counts: RequestWordCounts = { wordDocs: new Map(), typeDocs: new Map(), pairDocs: new Map(), catalogPhrases: new Map(), phraseDocs: new Map(), phraseHits: new Map(), phraseCase: new Map() };
  const { wordDocs, typeDocs, pairDocs, catalogPhrases, phraseDocs, phraseHits, phraseCase } = counts;
  for (const service of services.services.values()) {
    for (const phrase of service.phrases) (catalogPhrases.get(phrase) ?? catalogPhrases.set(phrase, []).get(phrase)!).push(service.key);
  }
  profiles.forEach((profile, i) => {
    const words = new Set(contentWords(texts[i]));
    for (const t of profile.typeSet) typeDocs.set(t, (typeDocs.get(t) ?? 0) + 1);
    for (const w of words) {
      wordDocs.set(w, (wordDocs.get(w) ?? 0) + 1);
      const row = pairDocs.get(w) ?? pairDocs.set(w, new Map()).get(w)!;
      for (const t of profile.typeSet) row.set(t, (row.get(t) ?? 0) + 1);
    }
    // How a one-word phrase is written: brands are capitalised ("Box"), words are not ("a text box").
    for (const token of casedWords(texts[i])) {
      const key = phraseKey(token);
      if (!catalogPhrases.has(key)) continue;
      const count = phraseCase.get(key) ?? phraseCase.set(key, { lower: 0, all: 0 }).get(key)!;
      count.all++;
      if (token === token.toLowerCase()) count.lower++;
    }
    const seen = new Set<string>();
    for (const { key } of phrasesOf(allWords(texts[i]))) {
      if (!catalogPhrases.has(key) || seen.has(key)) continue;
      seen.add(key);
      phraseDocs.set(key, (phraseDocs.get(key) ?? 0) + 1);
      if (catalogPhrases.get(key)!.some((s) => profile.services.has(s))) phraseHits.set(key, (phraseHits.get(key) ?? 0) + 1);
    }
  });
  return counts;
}

/** Word → the node types its requests' workflows have far more often than others do. */
function wordAssociations({ wordDocs, pairDocs, typeDocs }: RequestWordCounts, workflows: number): Map<string, TypeAssociation[]> {
  const n = Math.max(1, workflows);
  const associations = new Map<string, TypeAssociation[]>();
  for (const [word, docs] of wordDocs) {
    if (docs < MIN_WORD_REQUESTS) continue;
    const list: TypeAssociation[] = [];
    for (const [type, both] of pairDocs.get(word)!) {
      if (both < MIN_PAIR_REQUESTS) continue;
      const p = both / docs;
      if (p >= MIN_ASSOCIATION && p / ((typeDocs.get(type) ?? 1) / n) >= MIN_LIFT) list.push({ type, p });
    }
    if (list.length > 0) associations.set(word, list.sort((a, b) => b.p - a.p || (a.type < b.type ? -1 : 1)));
  }
  return associations;
}

/** Catalog phrases the training pairs do not contradict. */
function confirmedPhrases({ catalogPhrases, phraseDocs, phraseCase, phraseHits }: RequestWordCounts): Map<string, string[]> {
  const phrases = new Map<string, string[]>();
  for (const [phrase, keys] of catalogPhrases) {
    const docs = phraseDocs.get(phrase) ?? 0;
    const written = phraseCase.get(phrase);
    const asWord = written !== undefined && written.lower >= written.all / 2;
    // Dropped: a word most requests write in lower case ("a new line") whose requests rarely use the service ("LINE").
    if (asWord && docs >= PHRASE_EVIDENCE && (phraseHits.get(phrase) ?? 0) / docs < PHRASE_PRECISION) continue;
    phrases.set(phrase, [...new Set(keys)]);
  }
  return phrases;
}

/** Usual configurations: grouped by the form in use, the smallest self-contained ones of each group. */
function usualConfigurations(profiles: readonly WorkflowProfile[]): Pick<OfflineIndex, 'configs' | 'configChoices'> {
  const groups = new Map<string, Map<string, { count: number; smallest: Array<{ node: CompactNode; size: number; json: string }> }>>();
  for (const profile of profiles) {
    for (const node of profile.workflow.nodes) {
      const byForm = groups.get(node.type) ?? groups.set(node.type, new Map()).get(node.type)!;
      const form = configSignature(node);
      const self = !refersToNodes(node.parameters);
      const json = JSON.stringify(node.parameters ?? {});
      const size = json.length + (self ? 0 : 100_000);
      const group = byForm.get(form) ?? byForm.set(form, { count: 0, smallest: [] }).get(form)!;
      group.count++;
      keepSmallest(group.smallest, { node, size, json });
    }
  }
  const configs = new Map<string, CompactNode[]>();
  const configChoices = new Map<CompactNode, CompactNode[]>();
  for (const [type, byForm] of groups) {
    const ranked = [...byForm.values()].sort((a, b) => b.count - a.count || a.smallest[0].size - b.smallest[0].size).slice(0, 12);
    configs.set(
      type,
      ranked.map((g) => g.smallest[0].node),
    );
    for (const g of ranked) configChoices.set(g.smallest[0].node, g.smallest.map((x) => x.node));
  }
  return { configs, configChoices };
}

/** BM25 over the training titles and requests; stopwords out of index and queries (they match every request and only cost time). */
function titleSearch(profiles: readonly WorkflowProfile[], examples: readonly TrainingExample[]): OfflineIndex['search'] {
  const search = new MiniSearch<{ id: number; title: string; request: string }>({
    fields: ['title', 'request'],
    idField: 'id',
    processTerm: (term) => {
      const word = term.toLowerCase();
      return STOPWORDS.has(word) ? null : word;
    },
    searchOptions: { boost: { title: 2 } },
  });
  search.addAll(profiles.map((p, i) => ({ id: i, title: p.workflow.name ?? '', request: examples[p.id].request })));
  return search;
}

function profilesByType(profiles: readonly WorkflowProfile[]): Map<string, number[]> {
  const profilesWithType = new Map<string, number[]>();
  profiles.forEach((profile, i) => {
    for (const t of profile.typeSet) (profilesWithType.get(t) ?? profilesWithType.set(t, []).get(t)!).push(i);
  });
  return profilesWithType;
}
