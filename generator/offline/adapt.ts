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
 *   trigger go; expressions that named a renamed or removed node are rewritten;
 * - a kept node named after a service nobody asked for is called what it is.
 * How many replaced or removed steps fed glue is reported (`unaskedActions`): the caller composes instead
 * when that glue was made for a service nobody asked for.
 * Added nodes take the configuration the training pairs use most for their type, the one
 * whose option values share the most words with the request. Pure: the picked workflow is
 * not changed.
 */
import { hydrateWorkflow, type CompactNode, type CompactWorkflow } from '../../dataset/compact';
import { validateWorkflow } from '../../schemas/validator';
import { nameForRequest } from '../retrieval';
import { hostLabels, hostNamed, isHttpType, literalHost } from './http';
import { connectedTo, connectionsOf, downstream, removeAndRewire, renameInEdges, type Edge } from './graph';
import { namedBeforeTo, servicesNamedIn, TRIGGER, triggerTypeOf, type Intent, type WantedService } from './intent';
import { AGENT_TYPE, configSignature, EVENT_KEYS, OPTION_KEYS, type OfflineIndex, type WorkflowProfile } from './learn';
import { operationsOf, phraseKey, roleOf, type NodeRole, type Operation } from './services';
import { allWords, contentWords } from './words';

export interface Adaptation {
  workflow: CompactWorkflow;
  /** What was changed, in words (`trigger: Schedule Trigger for "every morning"`, `removed: AWS IAM (not asked for)`). */
  changes: string[];
  /** Steps acting on services nobody asked for (their triggers, actions and foreign HTTP calls) whose output glue works on, replaced or removed: that glue was made for them. */
  unaskedActions: number;
}

/** Built-in stand-ins for memory and vector stores of services nobody named. */
const BUILT_IN: Partial<Record<NodeRole, string>> = {
  memory: '@n8n/n8n-nodes-langchain.memoryBufferWindow',
  vectorStore: '@n8n/n8n-nodes-langchain.vectorStoreInMemory',
};

const HTTP_REQUEST = 'n8n-nodes-base.httpRequest';
const LLM_CHAIN_TYPE = '@n8n/n8n-nodes-langchain.chainLlm';
/** The chat model a composed agent or chain thinks with when the request names no provider. */
const OPENAI_CHAT_MODEL = '@n8n/n8n-nodes-langchain.lmChatOpenAi';
const EXECUTE_WORKFLOW_TRIGGER = 'n8n-nodes-base.executeWorkflowTrigger';

/** An HTTP call to some service's own API that the request does not speak of ("iam.amazonaws.com" for a Slack request). */
function isForeignHttp(node: CompactNode, requestWords: Set<string>, wanted: Set<string>, index: OfflineIndex): boolean {
  if (!isHttpType(node.type)) return false;
  // No literal URL (an expression, or stripped): its name says whose API it calls ("Gitlab: Get projects").
  if (literalHost(node) === undefined) return servicesNamedIn(node.name, index).some((key) => !wanted.has(key) && !GENERIC_EMAIL.has(key));
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

/** Day numbers as n8n's Schedule Trigger counts them (Sunday 0). */
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** "at 9", "9am", "every morning" → the hour; "every Friday" → that day of the week; "every 15 minutes" → an interval. */
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
  // "Every Friday": weekly on that day (at 9 unless an hour is said).
  const days = WEEKDAYS.map((day, n) => (new RegExp(`\\b${day}s?\\b`, 'i').test(request) ? n : -1)).filter((n) => n >= 0);
  if (days.length > 0) hour ??= 9;
  if (hour === undefined || hour > 23 || minute > 59) return undefined;
  const field = days.length > 0 || /\bweek(ly)?\b/i.test(request) ? 'weeks' : /\bmonth(ly)?\b/i.test(request) ? 'months' : 'days';
  return { interval: [{ field, ...(days.length > 0 ? { triggerAtDay: days } : {}), triggerAtHour: hour, ...(minute ? { triggerAtMinute: minute } : {}) }] };
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

/** Words just before a service that make it what is read ("a summary of my Google Calendar events"). */
const OF = new Set(['of', 'my', 'the', 'our', 'all']);

/** The service a schedule looks at for new items, one named before the request says where things go ("… Hacker News posts to my email"), after "from", or what a summary or list is "of". */
function isSourceOf(service: { key: string; at: number }, intent: Intent): boolean {
  if (intent.trigger?.polls === service.key) return true;
  const words = allWords(intent.request);
  const to = words.indexOf('to');
  const from = words.indexOf('from');
  const before = words.slice(Math.max(0, service.at - 3), service.at);
  const of = before.includes('of') && before.slice(before.indexOf('of') + 1).every((w) => OF.has(w));
  return namedBeforeTo(service, words, intent.services) || (from >= 0 && service.at > from && (to < from || service.at < to)) || of;
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

/** Event verbs: what a request says → the stems an event value spells them with. */
const EVENT_VERBS: ReadonlyArray<[RegExp, readonly string[]]> = [
  [/^(new|add|added|create|created|opened|submitted|booked|made|received|arrives?)$/, ['creat', 'add', 'new', 'open', 'submit']],
  [/^(updated?|changed?|edited|modified)$/, ['updat', 'chang', 'edit']],
  [/^(deleted?|removed?|cancell?ed|canceled)$/, ['delet', 'remov', 'cancel']],
  [/^(fails?|failed|failing)$/, ['fail']],
];
const stem = (word: string): string => word.toLowerCase().replace(/(ing|ed|es|e|s|d)$/, (end, _x, at: number) => (at >= 3 ? '' : end));

/**
 * The event a trigger left without one is asked to listen to ("new Shopify customers" → customers/create): the option
 * of its event setting that names what the request names, with its verb — as the setting holds it (a list for a multi-option).
 */
export function askedEvent(type: string, request: string, index: OfflineIndex): { name: string; value: string | string[] } | undefined {
  const info = index.catalog.get(type);
  if (!info?.entry.trigger) return undefined;
  const words = allWords(request);
  const stems = new Set(words.map(stem));
  const verbStems = EVENT_VERBS.filter(([said]) => words.some((w) => said.test(w))).flatMap(([, spelt]) => spelt);
  const allVerbStems = new Set(EVENT_VERBS.flatMap(([, spelt]) => spelt));
  let best: { name: string; value: string | string[]; score: number } | undefined;
  for (const property of info.propertiesAt(info.entry.defaultVersion)?.list ?? []) {
    if (!EVENT_KEYS.includes(property.name) || (property.type !== 'options' && property.type !== 'multiOptions')) continue;
    for (const option of property.options ?? []) {
      if (typeof option !== 'string') continue;
      const parts = (option.match(/[a-z]+/gi) ?? []).map(stem);
      const nouns = parts.filter((p) => !allVerbStems.has(p) && stems.has(p)).length;
      if (nouns === 0) continue;
      const score = nouns * 2 + (parts.some((p) => verbStems.includes(p)) ? 1 : 0) - parts.length * 0.1;
      if (!best || score > best.score) best = { name: property.name, value: property.type === 'multiOptions' ? [option] : option, score };
    }
    if (best) break;
  }
  return best && { name: best.name, value: best.value };
}

const isEmptySetting = (value: unknown): boolean => value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

export function configuredNode(type: string, name: string, intent: Intent, index: OfflineIndex, fit: NodeFit = {}): CompactNode {
  const { like, avoid } = fit;
  const words = new Set(contentWords(intent.request));
  const candidates = index.configs.get(type) ?? [];
  let best: CompactNode | undefined;
  let bestScore = -Infinity;
  candidates.forEach((candidate, rank) => {
    const p = candidate.parameters ?? {};
    const values = OPTION_KEYS.map((k) => JSON.stringify(p[k] ?? '')).join(' ');
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
  const event = askedEvent(type, intent.request, index);
  if (event && isEmptySetting(node.parameters?.[event.name])) node.parameters = { ...node.parameters, [event.name]: event.value };
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
  unaskedActions = 0;

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
  renameForeignNames(step);
  const { draft } = step;
  const known = new Set(draft.nodes.map((n) => n.name));
  const nodes = draft.nodes.map((n) => (n.parameters ? { ...n, parameters: rewriteReferences(n.parameters, draft.renamed, known) as Record<string, unknown> } : n));
  const order = nodes.map((n) => n.name);
  return {
    workflow: { name: nameForRequest(intent.request), nodes, connections: connectionsOf(draft.edges, order), ...(profile.workflow.settings ? { settings: profile.workflow.settings } : {}) },
    changes: draft.changes,
    unaskedActions: draft.unaskedActions,
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
    const foreignHttp = isForeignHttp(node, requestWords, wanted, index);
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
    if (role !== 'tool' && feedsGlue(node, draft, index)) draft.unaskedActions++;
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

/** Does glue (a Set, Code, If… — no service's node) work on this node's output? Then it was made for what this node gave; a last step or an agent's tool leaves no such trace. */
function feedsGlue(node: CompactNode, draft: Draft, index: OfflineIndex): boolean {
  return draft.edges.some((e) => {
    if (e.from !== node.name || e.type !== 'main') return false;
    const next = draft.nodes.find((n) => n.name === e.to);
    return next !== undefined && index.services.serviceOf(next.type) === undefined && !isHttpType(next.type);
  });
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

/** n8n's own email nodes: "Send email" names no vendor. */
const GENERIC_EMAIL = new Set(['emailsend', 'emailreadimap']);

/** 6. A kept node whose name speaks of a service nobody asked for ("QuickBooks AI Agent Orchestrator" in a Postgres request) is called what it is. */
function renameForeignNames({ draft, index, wanted }: AdaptStep): void {
  // A service still in the workflow (the agent's GPT-4o) is rightly named; so is what the type's own name says ("Microsoft Excel (OneDrive)").
  const present = presentServices(draft, index);
  const speaksOf = (key: string) => !wanted.has(key) && !present.has(key) && !GENERIC_EMAIL.has(key);
  for (const node of [...draft.nodes]) {
    const own = new Set(servicesNamedIn(nodeLabel(node.type, index), index));
    if (!servicesNamedIn(node.name, index).some((key) => speaksOf(key) && !own.has(key))) continue;
    const next = { ...node, name: draft.uniqueName(nodeLabel(node.type, index)) };
    draft.replace(node, next, index);
    draft.changes.push(`renamed: "${node.name}" to "${next.name}" (it named a service nobody asked for)`);
  }
}

/** A chatbot on an app answers on that app: its trigger's service also gets a node. */
const REPLY = /\b(answers?|repl(y|ies)|respond|responds|chat\s?bots?|bots?)\b/i;

/** "Dropbox MCP server", "Dropbox Tool MCP Server": a server of a service's tools. */
const MCP_SERVER = /\bmcp\s+servers?\b/i;
/** More tools than this on one server help no agent choose. */
const MAX_SERVER_TOOLS = 40;

/** An API or a page to fetch ("my website form" is a form). */
const FETCH = /\b(fetch|api|http|scrape|scraping|crawl|download|endpoint|url|website(?!\s+forms?\b)|web page)\b/i;

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
  /** `node` between `next` and what fed it. */
  const insertBefore = (next: CompactNode, node: CompactNode) => {
    for (const e of edges) if (e.to === next.name && e.type === 'main') e.to = node.name;
    edges.push({ from: node.name, type: 'main', output: 0, to: next.name, input: 0 });
  };
  if (FETCH.test(intent.request)) chain(add(HTTP_REQUEST));
  const provider = named.map((s) => typeInRole(s.key, 'model', index)).find((t) => t !== undefined);
  let agent: CompactNode | undefined;
  if (intent.ai.agent) {
    agent = add(AGENT_TYPE);
    chain(agent);
    const model = add(provider ?? OPENAI_CHAT_MODEL);
    edges.push({ from: model.name, type: 'ai_languageModel', output: 0, to: agent.name, input: 0 });
    if (intent.ai.memory) edges.push({ from: add(BUILT_IN.memory!).name, type: 'ai_memory', output: 0, to: agent.name, input: 0 });
  }
  const triggerService = index.services.serviceOf(triggerType);
  const words = allWords(intent.request);
  const to = words.indexOf('to');
  const steps = named
    .filter((service) => {
      // The trigger's own service is already there (a bot answers on it); a model provider is the agent's model.
      if (service.key === triggerService && !REPLY.test(intent.request)) return false;
      return !(provider && typeInRole(service.key, 'model', index) === provider && (intent.ai.agent || typeInRole(service.key, 'main', index) === undefined));
    })
    .map((service) => ({ service, source: isSourceOf(service, intent) }))
    // Where things come from is read first, then what is done with them, in the order named.
    .sort((a, b) => Number(b.source) - Number(a.source));
  // Asked to think (summarise, classify, write) with no agent: a provider named for it does (the OpenAI node), else a Basic LLM Chain with a model — after what it reads, before where its answer goes.
  const thinker = agent ? undefined : steps.find((s) => typeInRole(s.service.key, 'model', index) !== undefined && typeInRole(s.service.key, 'main', index) !== undefined);
  let thought = !intent.ai.llm || agent !== undefined || thinker !== undefined;
  const think = () => {
    if (thought) return;
    thought = true;
    const chainLlm = add(LLM_CHAIN_TYPE);
    // Another workflow's prompt (and its output parser) is no answer here: the request is the instruction, the input what it reads.
    chainLlm.parameters = { promptType: 'define', text: `=${intent.request.replace(/{{/g, '{ {')}\n\n{{ JSON.stringify($json) }}` };
    chain(chainLlm);
    edges.push({ from: add(provider ?? OPENAI_CHAT_MODEL).name, type: 'ai_languageModel', output: 0, to: chainLlm.name, input: 0 });
  };
  for (const { service, source } of steps) {
    if (!source) think();
    const tool = typeInRole(service.key, 'tool', index);
    // An agent works with the services it is asked about through tools; a source feeds it, a destination ("… to Slack") gets its answer.
    if (agent && tool && catalog.has(tool) && !source && !(to >= 0 && service.at > to) && service.key !== triggerService) {
      edges.push({ from: add(tool).name, type: 'ai_tool', output: 0, to: agent.name, input: 0 });
      continue;
    }
    const type = typeInRole(service.key, 'main', index);
    if (!type || !catalog.has(type)) continue;
    const node = add(type, { reads: source });
    if (agent && source) {
      // Read before the agent thinks about it.
      insertBefore(agent, node);
      continue;
    }
    chain(node);
  }
  think();
  // Settings copied from other workflows name their nodes: those that are not here read the input.
  const known = new Set(nodes.map((n) => n.name));
  for (const node of nodes) if (node.parameters) node.parameters = rewriteReferences(node.parameters, new Map(), known) as Record<string, unknown>;
  changes.push(`composed: ${nodes.map((n) => n.name).join(' → ')}`);
  return { workflow: { name: nameForRequest(intent.request), nodes, connections: connectionsOf(edges, nodes.map((n) => n.name)) }, changes, unaskedActions: 0 };
}
