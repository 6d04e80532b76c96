/**
 * A picked training workflow made to fit the request:
 * - the trigger the request asks for takes the place of the workflow's own;
 * - service nodes the request never mentions come out (an HTTP Request to a service's own
 *   API counts as that service), their neighbours joined so nothing dangles; where a
 *   named service is missing, it takes the place of every node of one such service instead;
 * - an MCP server of a named service offers each of the service's operations as a tool;
 * - a named model provider (OpenAI, Anthropic, …) replaces the workflow's chat model;
 *   memory and vector stores of unnamed services become n8n's built-in ones;
 * - every named service still missing gets a node: a tool of the agent when the request
 *   wants an agent, else the next step after the last one;
 * - glue (Set, If, Code, Merge, generic HTTP, the agent…) stays; nodes cut off from every
 *   trigger go; expressions that named a renamed or removed node are rewritten.
 * Added nodes take the configuration the training pairs use most for their type, the one
 * whose option values share the most words with the request. Pure: the picked workflow is
 * not changed.
 */
import { hydrateWorkflow, type CompactNode, type CompactWorkflow } from '../../dataset/compact';
import { validateWorkflow } from '../../schemas/validator';
import { nameForRequest } from '../retrieval';
import { hostLabels, hostNamed, isHttpType, literalHost } from './http';
import { connectedTo, connectionsOf, downstream, removeAndRewire, renameInEdges, type Edge } from './graph';
import { namedBeforeTo, TRIGGER, triggerTypeOf, type Intent, type WantedService } from './intent';
import { AGENT_TYPE, configSignature, type OfflineIndex, type WorkflowProfile } from './learn';
import { operationsOf, phraseKey, roleOf, type NodeRole, type Operation } from './services';
import { allWords, contentWords } from './words';

export interface Adaptation {
  workflow: CompactWorkflow;
  /** What was changed, in words (`trigger: Schedule Trigger for "every morning"`, `removed: AWS IAM (not asked for)`). */
  changes: string[];
}

/** Built-in stand-ins for memory and vector stores of services nobody named. */
const BUILT_IN: Partial<Record<NodeRole, string>> = {
  memory: '@n8n/n8n-nodes-langchain.memoryBufferWindow',
  vectorStore: '@n8n/n8n-nodes-langchain.vectorStoreInMemory',
};

const HTTP_REQUEST = 'n8n-nodes-base.httpRequest';
const EXECUTE_WORKFLOW_TRIGGER = 'n8n-nodes-base.executeWorkflowTrigger';

/** An HTTP call to some service's own API that the request does not speak of ("iam.amazonaws.com" for a Slack request). */
function isForeignHttp(node: CompactNode, requestWords: Set<string>, wanted: Set<string>): boolean {
  return !hostNamed(hostLabels(node), requestWords, wanted);
}

/** Ports of a type at its version: how many main outputs, which input types. */
function portsOf(node: CompactNode, index: OfflineIndex): { outputs?: number; inputs?: string[] } {
  const info = index.catalog.get(node.type);
  const variant = info?.variantFor(node.typeVersion ?? info.entry.defaultVersion);
  if (!variant) return {};
  return {
    ...(variant.outputs.dynamic ? {} : { outputs: variant.outputs.types.filter((t) => t === 'main').length }),
    ...(variant.inputs.dynamic ? {} : { inputs: variant.inputs.types }),
  };
}

/** Keep only the edges a node's ports can take (a node put in another's place may have fewer outputs). */
function fitPorts(edges: Edge[], node: CompactNode, index: OfflineIndex): Edge[] {
  const { outputs, inputs } = portsOf(node, index);
  return edges.flatMap((e) => {
    if (e.from === node.name && e.type === 'main' && outputs !== undefined && e.output >= outputs) return [];
    if (e.to === node.name && inputs !== undefined) {
      if (!inputs.includes(e.type)) return [];
      const sameType = inputs.filter((t) => t === e.type).length;
      if (e.input >= sameType) return [{ ...e, input: 0 }];
    }
    return [e];
  });
}

/** "at 9", "9am", "every morning" → the hour; "every 15 minutes" → an interval. */
function scheduleRule(request: string): Record<string, unknown> | undefined {
  const minutes = /\bevery\s+(\d+)\s*(minutes?|mins?)\b/i.exec(request);
  if (minutes) return { interval: [{ field: 'minutes', minutesInterval: Number(minutes[1]) }] };
  const hours = /\bevery\s+(\d+)\s*hours?\b/i.exec(request);
  if (hours) return { interval: [{ field: 'hours', hoursInterval: Number(hours[1]) }] };
  if (/\bevery hour\b|\bhourly\b/i.test(request)) return { interval: [{ field: 'hours' }] };
  const at = /\b(?:at\s+)?(\d{1,2})(?::(\d\d))?\s*(am|pm)\b|\bat\s+(\d{1,2})(?::(\d\d))?\b/i.exec(request);
  let hour: number | undefined;
  let minute = 0;
  if (at) {
    hour = Number(at[1] ?? at[4]);
    minute = Number(at[2] ?? at[5] ?? 0);
    if (at[3]?.toLowerCase() === 'pm' && hour < 12) hour += 12;
    if (at[3]?.toLowerCase() === 'am' && hour === 12) hour = 0;
  } else if (/\bmorning\b/i.test(request)) hour = 8;
  else if (/\bevening\b/i.test(request)) hour = 18;
  else if (/\bnight(ly)?\b/i.test(request)) hour = 22;
  if (hour === undefined || hour > 23 || minute > 59) return undefined;
  const field = /\bweek(ly)?\b|\bmonday|\btuesday|\bwednesday|\bthursday|\bfriday|\bsaturday|\bsunday/i.test(request) ? 'weeks' : /\bmonth(ly)?\b/i.test(request) ? 'months' : 'days';
  return { interval: [{ field, triggerAtHour: hour, ...(minute ? { triggerAtMinute: minute } : {}) }] };
}

/**
 * Which named service, missing from the workflow, stands in for which service nobody named:
 * in order of mention and of first node, one for one, where the named one has a type in a
 * role the other's nodes play (a Twist tool for each Asana tool, Outlook for Gmail).
 */
function standInsFor(nodes: readonly CompactNode[], named: Intent['services'], present: ReadonlySet<string>, wanted: ReadonlySet<string>, index: OfflineIndex): Map<string, string> {
  const rolesOf = new Map<string, Set<NodeRole>>();
  for (const node of nodes) {
    const service = index.services.serviceOf(node.type);
    const role = roleOf(node.type, index.catalog);
    if (!service || wanted.has(service) || (role !== 'main' && role !== 'tool')) continue;
    (rolesOf.get(service) ?? rolesOf.set(service, new Set()).get(service)!).add(role);
  }
  const standIns = new Map<string, string>();
  const free = [...rolesOf.keys()];
  for (const s of named) {
    if (present.has(s.key)) continue;
    const at = free.findIndex((other) => [...rolesOf.get(other)!].some((role) => typeInRole(s.key, role, index) !== undefined));
    if (at < 0) continue;
    standIns.set(free[at], s.key);
    free.splice(at, 1);
  }
  return standIns;
}

/**
 * A new node of `type`: the training pairs' usual configuration closest to the request's words
 * (`like`: the node whose place it takes; `avoid`: forms, as `configSignature`, already used).
 */
const wholeness = new WeakMap<CompactNode, boolean>();

/** No required parameter left empty (a node n8n.io stripped asks the user for what it had). */
function isWhole(node: CompactNode, index: OfflineIndex): boolean {
  let whole = wholeness.get(node);
  if (whole === undefined) {
    const workflow = hydrateWorkflow({ nodes: [node], connections: {} }, { catalog: index.catalog });
    whole = !validateWorkflow(workflow, { catalog: index.catalog }).warnings.some((w) => w.code === 'MISSING_REQUIRED_PARAMETER');
    wholeness.set(node, whole);
  }
  return whole;
}

/** An empty value ("") where a setting is given: a channel left to pick, a locator with no value. */
const hasEmptyValue = (node: CompactNode): boolean => JSON.stringify(node.parameters ?? {}).includes('""');
const readsInput = (node: CompactNode): boolean => JSON.stringify(node.parameters ?? {}).includes('{{');

/** The smallest node of a usual configuration's form that is whole — with no empty value, then one that reads its input, first — else the configuration itself. */
function wholeConfig(config: CompactNode, index: OfflineIndex): CompactNode {
  const whole = (index.configChoices.get(config) ?? []).filter((node) => isWhole(node, index));
  const filled = whole.filter((node) => !hasEmptyValue(node));
  return filled.find(readsInput) ?? filled[0] ?? whole[0] ?? config;
}

/** Operations that read from a service rather than act on it, in the order a workflow usually wants them: all new items first. */
const READ_OPERATIONS: readonly unknown[] = ['getAll', 'getMany', 'list', 'download', 'search', 'get', 'read', 'fetch', 'query'];
const readsData = (node: CompactNode): boolean => READ_OPERATIONS.includes(node.parameters?.operation);

/** The reading operation (with its resource) a type offers, most wanted first. */
function readingOperation(type: string, index: OfflineIndex): Operation | undefined {
  const reads = operationsOf(type, index.catalog).filter((op) => READ_OPERATIONS.includes(op.operation));
  return reads.sort((a, b) => READ_OPERATIONS.indexOf(a.operation) - READ_OPERATIONS.indexOf(b.operation))[0];
}

/** Named before the request says where things go ("… Hacker News posts to my email"), or after "from". */
function isSourceOf(service: { at: number }, intent: Intent): boolean {
  const words = allWords(intent.request);
  const to = words.indexOf('to');
  const from = words.indexOf('from');
  return namedBeforeTo(service, words, intent.services) || (from >= 0 && service.at > from && (to < from || service.at < to));
}

/** The node with the required settings it lacks taken from a whole node of the same form (its own values win), or undefined. */
function filledNode(node: CompactNode, index: OfflineIndex): CompactNode | undefined {
  // Another workflow's URL would be a call to a service nobody asked for.
  if (isHttpType(node.type) || isWhole(node, index)) return undefined;
  const form = configSignature(node);
  const config = (index.configs.get(node.type) ?? []).find((c) => configSignature(c) === form);
  const whole = config && wholeConfig(config, index);
  if (!whole || !isWhole(whole, index)) return undefined;
  const filled: CompactNode = { ...node, parameters: { ...structuredClone(whole.parameters ?? {}), ...node.parameters } };
  return isWhole(filled, index) ? filled : undefined;
}

export interface NodeFit {
  /** The node it takes the place of (a vector store keeps its mode). */
  like?: CompactNode;
  /** Forms already in use, tried last. */
  avoid?: ReadonlySet<string>;
  /** Where things come from: a reading form (get, list, download) first. */
  reads?: boolean;
}

export function configuredNode(type: string, name: string, intent: Intent, index: OfflineIndex, fit: NodeFit = {}): CompactNode {
  const { like, avoid } = fit;
  const words = new Set(contentWords(intent.request));
  const candidates = index.configs.get(type) ?? [];
  let best: CompactNode | undefined;
  let bestScore = -Infinity;
  candidates.forEach((candidate, rank) => {
    const p = candidate.parameters ?? {};
    const values = ['resource', 'operation', 'mode', 'event', 'events', 'updates', 'triggerOn'].map((k) => JSON.stringify(p[k] ?? '')).join(' ');
    // Whole option values only: "sendAndWait" is not what "send a message" asks for.
    const overlap = contentWords(values).filter((w) => words.has(w)).length;
    // The place it takes: a vector store keeps the mode (insert / retrieve) of the one it replaces.
    const sameMode = like?.parameters?.mode !== undefined && like.parameters.mode === p.mode ? 3 : 0;
    const repeated = avoid?.has(configSignature(candidate)) ? 5 : 0;
    const reading = fit.reads && readsData(candidate) ? 4 : 0;
    const score = overlap * 2 + sameMode + reading - rank * 0.3 - repeated;
    if (score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  });
  best = best && wholeConfig(best, index);
  if (fit.reads && !(best && readsData(best))) {
    // The training pairs only ever write to it: the catalog's reading operation, settings left to fill in.
    const read = readingOperation(type, index);
    if (read) best = { name, type, ...(best?.typeVersion !== undefined ? { typeVersion: best.typeVersion } : {}), parameters: { ...read } };
  }
  const node: CompactNode = {
    name,
    type,
    ...(best?.typeVersion !== undefined ? { typeVersion: best.typeVersion } : {}),
    ...(best?.parameters ? { parameters: structuredClone(best.parameters) } : {}),
    ...(best?.credentials ? { credentials: [...best.credentials] } : {}),
  };
  if (type === TRIGGER.schedule) {
    const rule = scheduleRule(intent.request);
    if (rule) node.parameters = { ...node.parameters, rule };
  }
  return node;
}

/** Rewrite node references in expressions: renamed nodes get their new name, unknown ones become the input. */
function rewriteReferences(value: unknown, renamed: ReadonlyMap<string, string>, known: ReadonlySet<string>): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    const quote = (name: string, q: string) => `${q}${q === '"' ? name.replace(/"/g, '\\"') : name.replace(/'/g, "\\'")}${q}`;
    const target = (raw: string) => {
      const name = raw.replace(/\\(['"])/g, '$1');
      return renamed.get(name) ?? (known.has(name) ? name : undefined);
    };
    return value
      .replace(/\$\(\s*(['"])((?:\\.|(?!\1).)*)\1\s*\)/g, (whole, q: string, raw: string) => {
        const name = target(raw);
        return name === undefined ? '$input' : `$(${quote(name, q)})`;
      })
      .replace(/\$node\s*\[\s*(['"])((?:\\.|(?!\1).)*)\1\s*\](\.json)?/g, (whole, q: string, raw: string, json?: string) => {
        const name = target(raw);
        if (name === undefined) return json ? '$json' : '$input.item';
        return `$node[${quote(name, q)}]${json ?? ''}`;
      });
  }
  if (Array.isArray(value)) return value.map((v) => rewriteReferences(v, renamed, known));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteReferences(v, renamed, known)]));
  }
  return value;
}

class Draft {
  nodes: CompactNode[];
  edges: Edge[];
  readonly renamed = new Map<string, string>();
  readonly changes: string[] = [];

  constructor(profile: WorkflowProfile) {
    this.nodes = structuredClone(profile.workflow.nodes);
    this.edges = profile.edges.map((e) => ({ ...e }));
  }

  has(name: string): boolean {
    return this.nodes.some((n) => n.name === name);
  }

  uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.has(name); i++) name = `${base} ${i}`;
    return name;
  }

  /** `next` takes `old`'s place: same position in the list, same connections (as far as its ports go). */
  replace(old: CompactNode, next: CompactNode, index: OfflineIndex): void {
    this.nodes[this.nodes.indexOf(old)] = next;
    this.edges = fitPorts(renameInEdges(this.edges, old.name, next.name), next, index);
    if (old.name !== next.name) this.renamed.set(old.name, next.name);
  }

  remove(node: CompactNode): void {
    this.nodes = this.nodes.filter((n) => n !== node);
    this.edges = removeAndRewire(this.edges, node.name);
  }

  add(node: CompactNode, edges: Edge[]): void {
    this.nodes.push(node);
    this.edges.push(...edges);
  }
}

const nodeLabel = (type: string, index: OfflineIndex): string => index.catalog.get(type)?.entry.displayName ?? type.slice(type.lastIndexOf('.') + 1);

/** The most used type of a service in a role (Slack's main node is `slack`, OpenAI's model `lmChatOpenAi`). */
function typeInRole(service: string, role: NodeRole, index: OfflineIndex): string | undefined {
  const types = index.services.services.get(service)?.types.filter((t) => roleOf(t, index.catalog) === role && !index.catalog.get(t)?.entry.hidden) ?? [];
  // Tool variants: the `…Tool` type n8n derives, not a `…HitlTool`.
  const usable = role === 'tool' ? types.filter((t) => !/HitlTool$/.test(t)) : types.filter((t) => !/(Insert|Load)$/.test(t));
  return usable.sort((a, b) => (index.typeCounts.get(b) ?? 0) - (index.typeCounts.get(a) ?? 0) || a.length - b.length || (a < b ? -1 : 1))[0];
}

/** What every step of the adaptation reads: the draft it changes and what the request asks for. */
interface AdaptStep {
  draft: Draft;
  intent: Intent;
  index: OfflineIndex;
  /** Every service the request names or implies. */
  wanted: Set<string>;
  named: WantedService[];
  requestWords: Set<string>;
}

export function adaptWorkflow(profile: WorkflowProfile, intent: Intent, index: OfflineIndex): Adaptation {
  const step: AdaptStep = {
    draft: new Draft(profile),
    intent,
    index,
    wanted: new Set(intent.services.map((s) => s.key)),
    named: intent.services.filter((s) => s.named),
    requestWords: new Set(contentWords(intent.request)),
  };
  startAsAsked(step);
  replaceUnrequestedServices(step);
  doAskedOperations(step);
  addMissingServices(step);
  offerServerTools(step);
  addFetchStep(step);
  dropUnreached(step);
  fillStrippedNodes(step);
  const { draft } = step;
  const known = new Set(draft.nodes.map((n) => n.name));
  const nodes = draft.nodes.map((n) => (n.parameters ? { ...n, parameters: rewriteReferences(n.parameters, draft.renamed, known) as Record<string, unknown> } : n));
  const order = nodes.map((n) => n.name);
  return {
    workflow: { name: nameForRequest(intent.request), nodes, connections: connectionsOf(draft.edges, order), ...(profile.workflow.settings ? { settings: profile.workflow.settings } : {}) },
    changes: draft.changes,
  };
}

const isTriggerNode = (node: CompactNode, index: OfflineIndex): boolean => index.catalog.get(node.type)?.entry.trigger === true;
const presentServices = (draft: Draft, index: OfflineIndex): Set<string> =>
  new Set(draft.nodes.map((n) => index.services.serviceOf(n.type)).filter((s): s is string => s !== undefined));

/** Put `next` between the start and what it fed. */
function insertAfterStart(draft: Draft, start: CompactNode, next: CompactNode): void {
  const after = draft.edges.filter((e) => e.from === start.name && e.type === 'main');
  draft.edges = draft.edges.filter((e) => !after.includes(e));
  draft.add(next, [{ from: start.name, type: 'main', output: 0, to: next.name, input: 0 }, ...after.map((e) => ({ ...e, from: next.name, output: 0 }))]);
  draft.changes.push(`added: ${next.name} after "${start.name}"`);
}

/** 1. The trigger the request asks for, in place of the workflow's main trigger; its other starts go. */
function startAsAsked({ draft, intent, index, wanted, named }: AdaptStep): void {
  const { catalog } = index;
  const serviceOf = (node: CompactNode) => index.services.serviceOf(node.type);
  const triggers = draft.nodes.filter((n) => isTriggerNode(n, index));
  const main = [...triggers].sort((a, b) => downstream(b.name, draft.edges).size - downstream(a.name, draft.edges).size)[0];
  let wantedTrigger = intent.trigger?.type;
  if (!wantedTrigger && main && serviceOf(main) && !wanted.has(serviceOf(main)!)) {
    // Its trigger belongs to a service nobody named: the first named service that has one, else a manual start.
    wantedTrigger = named.map((s) => triggerTypeOf(s.key, index)).find((t) => t !== undefined) ?? TRIGGER.manual;
  }
  if (wantedTrigger && catalog.has(wantedTrigger) && !triggers.some((t) => t.type === wantedTrigger)) {
    const next = configuredNode(wantedTrigger, draft.uniqueName(nodeLabel(wantedTrigger, index)), intent, index);
    if (main) draft.replace(main, next, index);
    else draft.add(next, []);
    draft.changes.push(`trigger: ${next.name}${intent.trigger ? ` for ${intent.trigger.reason}` : ''}${main ? ` instead of "${main.name}"` : ''}`);
  }
  if (!intent.trigger) return;
  // Asked for one way to start: the workflow's other starts go (a sub-workflow entry stays: other workflows call it;
  // so does a generic start that loads a vector store — the other half of a RAG workflow the request asks for).
  const loadsStore = (n: CompactNode) => intent.ai.rag && !serviceOf(n) && [...downstream(n.name, draft.edges)].some((name) => roleOf(draft.nodes.find((m) => m.name === name)?.type ?? '', catalog) === 'vectorStore');
  for (const other of draft.nodes.filter((n) => isTriggerNode(n, index) && n.type !== wantedTrigger && n.type !== EXECUTE_WORKFLOW_TRIGGER && !loadsStore(n))) {
    draft.remove(other);
    draft.changes.push(`removed: "${other.name}" (started the workflow another way)`);
  }
}

/**
 * 2. Service nodes nobody asked for: a missing named service takes their place (every node of the service it
 *    stands in for, so the workflow keeps its shape), else out. Models, memories and vector stores are how an AI
 *    works, not actions: a named provider (or the built-in one) replaces them.
 */
function replaceUnrequestedServices({ draft, intent, index, wanted, named, requestWords }: AdaptStep): void {
  const { catalog } = index;
  const serviceOf = (node: CompactNode) => index.services.serviceOf(node.type);
  const namedProvider = (role: NodeRole) => named.map((s) => typeInRole(s.key, role, index)).find((t) => t !== undefined);
  const standIns = standInsFor(draft.nodes, named, presentServices(draft, index), wanted, index);
  const used = new Map<string, Set<string>>();
  for (const node of [...draft.nodes]) {
    const service = serviceOf(node);
    const role = roleOf(node.type, catalog);
    const foreignHttp = isForeignHttp(node, requestWords, wanted);
    if (!foreignHttp && (!service || wanted.has(service))) continue;
    if (role === 'model' || role === 'embeddings') {
      // How the AI thinks, not an action: a named provider replaces it, else it stays.
      const provider = namedProvider(role);
      if (provider && provider !== node.type) {
        const next = configuredNode(provider, draft.uniqueName(nodeLabel(provider, index)), intent, index, { like: node });
        draft.replace(node, next, index);
        draft.changes.push(`model: ${next.name} instead of "${node.name}"`);
      }
      continue;
    }
    if (role === 'memory' || role === 'vectorStore') {
      const provider = namedProvider(role) ?? BUILT_IN[role];
      if (provider && provider !== node.type && catalog.has(provider)) {
        const next = configuredNode(provider, draft.uniqueName(nodeLabel(provider, index)), intent, index, { like: node });
        draft.replace(node, next, index);
        draft.changes.push(`${role}: ${next.name} instead of "${node.name}"`);
      }
      continue;
    }
    if (role === 'trigger') {
      draft.remove(node);
      draft.changes.push(`removed: "${node.name}" (${service ?? 'an HTTP call'} was not asked for)`);
      continue;
    }
    const standIn = service ? standIns.get(service) : undefined;
    const type = standIn && (role === 'main' || role === 'tool') ? typeInRole(standIn, role, index) : undefined;
    if (type) {
      // Each stand-in of a type in another form (operation) where the training pairs know several.
      const forms = used.get(type) ?? used.set(type, new Set()).get(type)!;
      const next = configuredNode(type, draft.uniqueName(nodeLabel(type, index)), intent, index, { avoid: forms });
      forms.add(configSignature(next));
      draft.replace(node, next, index);
      draft.changes.push(`${next.name} instead of "${node.name}"`);
      continue;
    }
    draft.remove(node);
    draft.changes.push(`removed: "${node.name}" (${foreignHttp ? `calls ${literalHost(node)}` : serviceOf(node)}, not asked for)`);
  }
}

/** Words that may stand between an operation and its resource ("create an invoice", "update the new row"). */
const ARTICLES = new Set(['a', 'an', 'the', 'new', 'each', 'every']);

/** The operation a request asks of one of a type's resources ("create an invoice" → invoice/create), if it names one. */
export function askedOperation(words: readonly string[], operations: readonly Operation[]): Operation | undefined {
  for (let i = 0; i < words.length; i++) {
    const verbs = operations.filter((op) => op.operation.toLowerCase() === words[i]);
    if (verbs.length === 0) continue;
    let j = i + 1;
    while (j < words.length && ARTICLES.has(words[j])) j++;
    if (j >= words.length) continue;
    const object = phraseKey(words[j]);
    const asked = verbs.find((op) => op.resource !== undefined && phraseKey(op.resource) === object);
    if (asked) return asked;
  }
  return undefined;
}

/** The resource and operation a node is set to, its type's defaults where the compact form left them out. */
function formOf(node: CompactNode, index: OfflineIndex): { resource?: string; operation?: string } {
  const info = index.catalog.get(node.type);
  const properties = info?.propertiesAt(node.typeVersion ?? info.entry.defaultVersion)?.list ?? [];
  const given = node.parameters ?? {};
  const resource = typeof given.resource === 'string' ? given.resource : (properties.find((p) => p.name === 'resource')?.default as string | undefined);
  const operationProperty = properties.find((p) => p.name === 'operation' && (resource === undefined || !Array.isArray(p.show?.resource) || p.show.resource.includes(resource)));
  const operation = typeof given.operation === 'string' ? given.operation : (operationProperty?.default as string | undefined);
  return { ...(resource !== undefined ? { resource } : {}), ...(operation !== undefined ? { operation } : {}) };
}

/**
 * A named service asked to do one thing to one of its resources ("… and create an invoice in QuickBooks") whose
 * nodes here do something else with it (the pick got an invoice): the one on that resource (else the last) is set
 * to the asked operation, from the usual configuration of that form when there is one.
 */
function doAskedOperations({ draft, intent, index, named }: AdaptStep): void {
  const words = allWords(intent.request);
  for (const service of named) {
    const nodes = draft.nodes.filter((n) => index.services.serviceOf(n.type) === service.key && roleOf(n.type, index.catalog) === 'main');
    if (nodes.length === 0) continue;
    const asked = askedOperation(words, operationsOf(nodes[nodes.length - 1].type, index.catalog));
    if (!asked) continue;
    const forms = nodes.map((n) => formOf(n, index));
    if (forms.some((f) => f.operation === asked.operation && f.resource === asked.resource)) continue;
    const node = nodes[forms.findIndex((f) => f.resource === asked.resource)] ?? nodes[nodes.length - 1];
    const usual = (index.configs.get(node.type) ?? []).find((c) => {
      const form = formOf(c, index);
      return form.operation === asked.operation && form.resource === asked.resource;
    });
    const name = draft.uniqueName(nodeLabel(node.type, index));
    const next: CompactNode = usual
      ? { ...wholeConfig(usual, index), name }
      : { name, type: node.type, ...(node.typeVersion !== undefined ? { typeVersion: node.typeVersion } : {}), parameters: { ...asked } };
    if (node.credentials && !next.credentials) next.credentials = [...node.credentials];
    draft.replace(node, next, index);
    draft.changes.push(`${next.name} (${asked.resource}: ${asked.operation}, as asked) instead of "${node.name}"`);
  }
}

/** 3. Named services still missing: the agent's model, a tool of the agent (or of the MCP server), or a step — right after the start for a source, else after the last step. */
function addMissingServices({ draft, intent, index, named }: AdaptStep): void {
  const { catalog } = index;
  const toolUser = draft.nodes.find((n) => n.type === TRIGGER.mcp) ?? (intent.ai.agent ? draft.nodes.find((n) => n.type === AGENT_TYPE) : undefined);
  for (const service of named) {
    if (presentServices(draft, index).has(service.key)) continue;
    const model = typeInRole(service.key, 'model', index);
    if (model) {
      const root = draft.nodes.find((n) => portsOf(n, index).inputs?.includes('ai_languageModel'));
      if (root && !draft.edges.some((e) => e.to === root.name && e.type === 'ai_languageModel')) {
        const next = configuredNode(model, draft.uniqueName(nodeLabel(model, index)), intent, index);
        draft.add(next, [{ from: next.name, type: 'ai_languageModel', output: 0, to: root.name, input: 0 }]);
        draft.changes.push(`added: ${next.name} for ${service.label}`);
        continue;
      }
    }
    const tool = typeInRole(service.key, 'tool', index);
    if (toolUser && tool && catalog.has(tool)) {
      const next = configuredNode(tool, draft.uniqueName(nodeLabel(tool, index)), intent, index);
      draft.add(next, [{ from: next.name, type: 'ai_tool', output: 0, to: toolUser.name, input: 0 }]);
      draft.changes.push(`added: ${next.name} as a tool of "${toolUser.name}"`);
      continue;
    }
    // A chat model alone is no step of the main chain: it has no main input.
    const type = typeInRole(service.key, 'main', index);
    if (!type) continue;
    const start = draft.nodes.find((n) => isTriggerNode(n, index));
    const source = isSourceOf(service, intent);
    const next = configuredNode(type, draft.uniqueName(nodeLabel(type, index)), intent, index, { reads: source });
    // Where things come from ("new Hacker News posts to my email", a node that reads) feeds the workflow: right after the start.
    if (start && portsOf(start, index).outputs !== 0 && (source || readsData(next))) {
      insertAfterStart(draft, start, next);
      continue;
    }
    const reach = start ? downstream(start.name, draft.edges) : new Set<string>();
    const sinks = draft.nodes.filter((n) => reach.has(n.name) && !draft.edges.some((e) => e.from === n.name && e.type === 'main'));
    const after = sinks[sinks.length - 1] ?? start;
    draft.add(next, after ? [{ from: after.name, type: 'main', output: 0, to: next.name, input: 0 }] : []);
    draft.changes.push(`added: ${next.name}${after ? ` after "${after.name}"` : ''}`);
  }
}

/** An MCP server of a named service offers each of its operations as a tool. */
function offerServerTools({ draft, intent, index, named }: AdaptStep): void {
  const server = draft.nodes.find((n) => n.type === TRIGGER.mcp);
  if (!server || !MCP_SERVER.test(intent.request)) return;
  for (const service of named) {
    const tool = typeInRole(service.key, 'tool', index);
    const operations = tool ? operationsOf(tool, index.catalog) : [];
    if (!tool || operations.length <= 1 || typeInRole(service.key, 'model', index)) continue;
    const old = draft.nodes.filter((n) => n.type === tool);
    for (const node of old) draft.remove(node);
    const label = nodeLabel(tool, index);
    for (const op of operations.slice(0, MAX_SERVER_TOOLS)) {
      const form = (index.configs.get(tool) ?? []).find((c) => c.parameters?.operation === op.operation && (op.resource === undefined || c.parameters?.resource === op.resource));
      const base = configuredNode(tool, draft.uniqueName(`${label} ${[op.resource, op.operation].filter(Boolean).join(' ')}`), intent, index);
      const next: CompactNode = form ? { ...base, parameters: structuredClone(form.parameters), ...(form.typeVersion !== undefined ? { typeVersion: form.typeVersion } : {}) } : { ...base, parameters: { ...op } };
      draft.add(next, [{ from: next.name, type: 'ai_tool', output: 0, to: server.name, input: 0 }]);
    }
    draft.changes.push(`${label}: one tool for each of its ${Math.min(operations.length, MAX_SERVER_TOOLS)} operations on "${server.name}"`);
  }
}

/** An API or a page to fetch, and no HTTP Request left: one right after the start (not after a trigger without main outputs, such as an MCP server's: its tools are its steps). */
function addFetchStep({ draft, intent, index }: AdaptStep): void {
  const start = draft.nodes.find((n) => isTriggerNode(n, index));
  if (!start || portsOf(start, index).outputs === 0 || !FETCH.test(intent.request) || draft.nodes.some((n) => n.type === HTTP_REQUEST)) return;
  insertAfterStart(draft, start, configuredNode(HTTP_REQUEST, draft.uniqueName(nodeLabel(HTTP_REQUEST, index)), intent, index));
}

/** 4. Nothing cut off from the triggers. */
function dropUnreached({ draft, index }: AdaptStep): void {
  const starts = draft.nodes.filter((n) => isTriggerNode(n, index)).map((n) => n.name);
  if (starts.length === 0) return;
  const reached = connectedTo(starts, draft.edges);
  const cut = draft.nodes.filter((n) => !reached.has(n.name));
  if (cut.length === 0) return;
  draft.nodes = draft.nodes.filter((n) => reached.has(n.name));
  draft.edges = draft.edges.filter((e) => reached.has(e.from) && reached.has(e.to));
  draft.changes.push(`removed ${cut.length} node(s) left without a connection`);
}

/** 5. A node n8n.io stripped of required settings gets them from the whole configuration of its form. */
function fillStrippedNodes({ draft, index }: AdaptStep): void {
  draft.nodes = draft.nodes.map((node) => {
    const filled = filledNode(node, index);
    if (filled) draft.changes.push(`filled: "${node.name}" from the usual configuration of ${nodeLabel(node.type, index)}`);
    return filled ?? node;
  });
}

/** A chatbot on an app answers on that app: its trigger's service also gets a node. */
const REPLY = /\b(answers?|repl(y|ies)|respond|responds|chat\s?bots?|bots?)\b/i;

/** "Dropbox MCP server", "Dropbox Tool MCP Server": a server of a service's tools. */
const MCP_SERVER = /\bmcp\s+servers?\b/i;
/** More tools than this on one server help no agent choose. */
const MAX_SERVER_TOOLS = 40;

const FETCH = /\b(fetch|api|http|scrape|scraping|crawl|download|endpoint|url|website|web page)\b/i;

/**
 * When no training workflow covers the request's services and trigger by itself: the smallest
 * workflow that does what was said — its trigger, an HTTP Request where it speaks of an API or
 * a page, an AI agent with its model (and memory) where it wants one, then each named service
 * in the order named.
 */
export function composeWorkflow(intent: Intent, index: OfflineIndex): Adaptation {
  const { catalog } = index;
  const nodes: CompactNode[] = [];
  const edges: Edge[] = [];
  const changes: string[] = [];
  const names = new Set<string>();
  const add = (type: string, fit: NodeFit = {}): CompactNode => {
    let name = nodeLabel(type, index);
    for (let i = 2; names.has(name); i++) name = `${nodeLabel(type, index)} ${i}`;
    names.add(name);
    const node = configuredNode(type, name, intent, index, fit);
    nodes.push(node);
    return node;
  };
  const named = intent.services.filter((s) => s.named);
  const triggerType = intent.trigger?.type ?? named.map((s) => triggerTypeOf(s.key, index)).find((t) => t !== undefined) ?? TRIGGER.manual;
  let last = add(triggerType);
  changes.push(`composed: ${last.name}${intent.trigger ? ` for ${intent.trigger.reason}` : ''}`);
  const chain = (node: CompactNode) => {
    edges.push({ from: last.name, type: 'main', output: 0, to: node.name, input: 0 });
    last = node;
  };
  if (FETCH.test(intent.request)) chain(add(HTTP_REQUEST));
  const provider = named.map((s) => typeInRole(s.key, 'model', index)).find((t) => t !== undefined);
  if (intent.ai.agent) {
    const agent = add(AGENT_TYPE);
    chain(agent);
    const model = add(provider ?? '@n8n/n8n-nodes-langchain.lmChatOpenAi');
    edges.push({ from: model.name, type: 'ai_languageModel', output: 0, to: agent.name, input: 0 });
    if (intent.ai.memory) edges.push({ from: add(BUILT_IN.memory!).name, type: 'ai_memory', output: 0, to: agent.name, input: 0 });
  }
  const triggerService = index.services.serviceOf(triggerType);
  for (const service of named) {
    const type = typeInRole(service.key, 'main', index);
    // The trigger's own service is already there; a model provider is the agent's model.
    if (!type || (service.key === triggerService && !REPLY.test(intent.request)) || (intent.ai.agent && provider && typeInRole(service.key, 'model', index) === provider)) continue;
    if (!catalog.has(type)) continue;
    chain(add(type, { reads: isSourceOf(service, intent) }));
  }
  changes.push(`composed: ${nodes.map((n) => n.name).join(' → ')}`);
  return { workflow: { name: nameForRequest(intent.request), nodes, connections: connectionsOf(edges, nodes.map((n) => n.name)) }, changes };
}
