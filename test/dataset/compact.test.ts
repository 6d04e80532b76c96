/**
 * The dataset target representation: compactWorkflow / hydrateWorkflow and the
 * auto-layout. The property test runs over every stock-catalog n8n.io template the
 * validator accepts.
 */
import {
  compactWorkflow,
  deterministicUuid,
  hydrateWorkflow,
  type CompactNode,
  type CompactWorkflow,
  type FullNode,
  type FullWorkflow,
} from '../../dataset/compact';
import { defaultFootprint, findCanvasOverlaps, footprintRects } from '../../dataset/canvas';
import { analyzeGraph, GRID, layoutWorkflow, type LayoutNode } from '../../dataset/layout';
import { NodeCatalog } from '../../schemas/catalog/catalog';
import { isDisplayed, type DisplayContext } from '../../schemas/catalog/display';
import { loadCatalog } from '../../schemas/catalog/load';
import type { Catalog } from '../../schemas/catalog/types';
import { DEFAULT_DENIED_NODE_TYPES, validateWorkflow } from '../../schemas/validator';
import { defaultResolver } from '../../schemas/validator/parameters';
import rejected from '../fixtures/rejected-templates.json';
import { loadTemplates, stockOnly } from '../helpers/templates';
import { normaliseConnections } from '../../scripts/faults';
import { isObject } from '../../schemas/json-value';
import { STICKY_NOTE_TYPE } from '../../schemas/graph';

const catalog = loadCatalog();
const reviewed = rejected.templates as Record<string, unknown>;

type Json = Record<string, unknown>;
type Workflow = { name?: string; nodes: Json[]; connections: Json; [key: string]: unknown };

/** What the dataset's cleaning step leaves: no sticky notes, credential types only, no pinData / meta. */
function clean(workflow: Workflow): Workflow {
  const out: Workflow = { ...workflow, nodes: [] };
  delete out.pinData;
  delete out.meta;
  for (const node of workflow.nodes) {
    if (node.type === STICKY_NOTE_TYPE) continue;
    const copy: Json = { ...node };
    if (isObject(node.credentials)) copy.credentials = Object.fromEntries(Object.keys(node.credentials).map((t) => [t, {}]));
    out.nodes.push(copy);
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The value n8n uses for an unset top-level parameter: the default of its first displayed definition. */
function effectiveDefault(params: Json, name: string, type: string, version: number): unknown {
  const info = catalog.get(type)!;
  const index = info.propertiesAt(version)!;
  const resolve = defaultResolver(params, index, version, info.isTool);
  if (index.controllingByName.has(name)) return resolve(name);
  const ctx: DisplayContext = { version, tool: info.isTool, root: params, level: params, defaultOf: resolve };
  const def = index.byName.get(name)?.find((d) => isDisplayed(d, ctx));
  // n8n fills a resource locator with its default marked as a locator.
  return def?.type === 'resourceLocator' && isObject(def.default) ? { __rl: true, ...def.default } : def?.default;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Runnable rules whose verdict depends on parameter values (issue 13). */
const PARAMETER_DEPENDENT = new Set(['CONNECTION_BAD_INPUT_INDEX', 'WEBHOOK_RESPONSE_MISMATCH', 'MISSING_REQUIRED_INPUT', 'TOO_MANY_CONNECTIONS']);

describe('compact ⇄ hydrate over every valid stock n8n.io template', () => {
  let workflows: Array<{ id: number; raw: string; workflow: Workflow }>;

  beforeAll(async () => {
    const started = Date.now();
    workflows = stockOnly(await loadTemplates(), catalog)
      .filter(({ record, workflow }) => !reviewed[record.id] && validateWorkflow(workflow, { catalog }).valid)
      .map(({ record, workflow }) => ({ id: record.id, raw: record.workflowJson, workflow: deepFreeze(clean(workflow as Workflow)) }));
    process.stdout.write(`compact test: ${workflows.length} templates loaded and selected in ${Date.now() - started} ms\n`);
  });

  it('round-trips: hydrate(compact(w)) validates and keeps types, versions, names, parameters, settings and connections', () => {
    expect(workflows.length).toBeGreaterThan(1800);
    const failures: string[] = [];
    const fail = (id: number, what: string) => {
      if (failures.length < 20) failures.push(`${id}: ${what}`);
    };
    const started = Date.now();
    let nodes = 0;
    let keptParameters = 0;
    let droppedParameters = 0;
    let idEntries = 0;
    for (const { id, workflow: w } of workflows) {
      const c = deepFreeze(compactWorkflow(w, { catalog }));
      const h = hydrateWorkflow(c, { catalog });

      const result = validateWorkflow(h, { catalog, policy: { allowDenied: [...DEFAULT_DENIED_NODE_TYPES] } });
      // 590 n8n.io exports strip every parameter ({}): hydrate fills in defaults the template never had
      // (a Merge's 2 inputs, a Webhook's "Immediately"), which the runnable rules then judge. Not hydrate's doing.
      const stripped = new Set(w.nodes.filter((n) => Object.keys((n.parameters ?? {}) as Json).length === 0).map((n) => n.name));
      const errors = result.errors.filter((e) => !(PARAMETER_DEPENDENT.has(e.code) && stripped.has(e.node)));
      if (errors.length > 0) fail(id, `invalid after hydrate: ${JSON.stringify(errors.slice(0, 2))}`);

      const text = JSON.stringify(c);
      for (const n of c.nodes) {
        for (const k of ['id', 'position', 'webhookId', 'notes', 'notesInFlow', 'color']) if (k in n) fail(id, `compact node keeps ${k}`);
      }
      if ('id' in c || 'pinData' in c || 'meta' in c) fail(id, 'compact workflow keeps id / pinData / meta');

      // Assignment and filter-condition ids: none in the target; after hydrate one per entry, a UUID, unique in the workflow.
      for (const n of c.nodes) for (const entry of generatedIdEntries(n.parameters)) if ('id' in entry) fail(id, `"${n.name}": compact keeps an assignment/condition id`);
      const ids = new Set<string>();
      for (const n of h.nodes) {
        for (const entry of generatedIdEntries(n.parameters)) {
          idEntries++;
          if (typeof entry.id !== 'string' || !UUID.test(entry.id) || ids.has(entry.id)) fail(id, `"${n.name}": assignment/condition id ${String(entry.id)} missing, not a UUID or not unique`);
          ids.add(entry.id as string);
        }
      }

      const byName = new Map(h.nodes.map((n) => [n.name, n]));
      if (h.nodes.length !== w.nodes.length) fail(id, `node count ${h.nodes.length} ≠ ${w.nodes.length}`);
      for (const original of w.nodes) {
        nodes++;
        const hydrated = byName.get(original.name as string);
        if (!hydrated) {
          fail(id, `node "${String(original.name)}" lost`);
          continue;
        }
        if (hydrated.type !== original.type || hydrated.typeVersion !== original.typeVersion) {
          fail(id, `"${hydrated.name}": ${hydrated.type}@${hydrated.typeVersion} ≠ ${String(original.type)}@${String(original.typeVersion)}`);
        }
        if (!UUID.test(hydrated.id)) fail(id, `"${hydrated.name}": id ${hydrated.id}`);
        if (!hydrated.position.every((v) => Number.isInteger(v) && v % GRID === 0)) fail(id, `"${hydrated.name}": position ${hydrated.position}`);
        if (original.webhookId !== undefined && !UUID.test(hydrated.webhookId ?? '')) fail(id, `"${hydrated.name}": webhookId lost`);
        const params = (original.parameters ?? {}) as Json;
        for (const [key, value] of Object.entries(params)) {
          if (key in hydrated.parameters) {
            keptParameters++;
            const json = isJsonParameter(hydrated.type, hydrated.typeVersion, key);
            if (JSON.stringify(canonical(hydrated.parameters[key], json)) !== JSON.stringify(canonical(value, json))) fail(id, `"${hydrated.name}".${key} changed`);
          } else {
            // Absent: it must be exactly what n8n fills in for it.
            droppedParameters++;
            const d = effectiveDefault(hydrated.parameters, key, hydrated.type, hydrated.typeVersion);
            const json = isJsonParameter(hydrated.type, hydrated.typeVersion, key);
            if (JSON.stringify(canonical(d, json)) !== JSON.stringify(canonical(value, json))) fail(id, `"${hydrated.name}".${key} dropped but not at its default`);
          }
        }
        const credentials = Object.keys((original.credentials ?? {}) as Json).sort();
        if (JSON.stringify(Object.keys(hydrated.credentials ?? {})) !== JSON.stringify(credentials)) fail(id, `"${hydrated.name}": credentials`);
        if ((original.disabled === true) !== (hydrated.disabled === true)) fail(id, `"${hydrated.name}": disabled`);
        if (original.onError !== undefined && original.onError !== 'stopWorkflow' && hydrated.onError !== original.onError) fail(id, `"${hydrated.name}": onError`);
        for (const flag of ['retryOnFail', 'alwaysOutputData', 'executeOnce'] as const) {
          if ((original[flag] === true) !== (hydrated[flag] === true)) fail(id, `"${hydrated.name}": ${flag}`);
        }
      }
      for (const o of findCanvasOverlaps(h, catalog)) fail(id, `"${o.nodes[0]}" (${o.parts[0]}) and "${o.nodes[1]}" (${o.parts[1]}) overlap on the canvas`);
      if (JSON.stringify(canonical(h.connections)) !== JSON.stringify(canonical(normaliseConnections(w.connections)))) fail(id, 'connections differ');

      if (JSON.stringify(compactWorkflow(h, { catalog })) !== text) fail(id, 'compact(hydrate(c)) ≠ c');
      if (JSON.stringify(hydrateWorkflow(c, { catalog })) !== JSON.stringify(h)) fail(id, 'hydrate is not deterministic');
    }
    process.stdout.write(
      `compact test: ${workflows.length} templates, ${nodes} nodes, ${keptParameters} parameters kept, ${droppedParameters} dropped as defaults; ` +
        `compact + hydrate + validate + compact + hydrate in ${Date.now() - started} ms\n`,
    );
    expect(failures).toEqual([]);
    expect(idEntries).toBeGreaterThan(5000);
  });

  it('reports the size saving (characters of raw template JSON vs compact JSON)', () => {
    let raw = 0;
    let pretty = 0;
    let cleaned = 0;
    let compact = 0;
    let full = 0;
    for (const { raw: text, workflow } of workflows) {
      raw += text.length;
      const parsed = JSON.parse(text) as unknown;
      pretty += JSON.stringify(parsed, null, 2).length;
      cleaned += JSON.stringify(workflow).length;
      const c = compactWorkflow(workflow, { catalog });
      compact += JSON.stringify(c).length;
      full += JSON.stringify(hydrateWorkflow(c, { catalog })).length;
    }
    const pct = (n: number) => `${(100 * (1 - compact / n)).toFixed(1)}%`;
    process.stdout.write(
      `compact size over ${workflows.length} templates: raw ${raw} chars (pretty-printed ${pretty}), cleaned ${cleaned}, ` +
        `compact ${compact}, hydrated ${full}; compact is ${pct(raw)} smaller than raw, ${pct(pretty)} than pretty-printed, ${pct(cleaned)} than cleaned\n`,
    );
    expect(compact).toBeLessThan(cleaned);
  });
});

/**
 * A parameter value as n8n reads it, for comparing meaning: sorted keys (JSON key order
 * carries no meaning in parameters), without what compact leaves out on purpose and
 * hydrate makes anew — resource locators' `__rl` marker and display caches, the random
 * ids of assignments and filter conditions, the operator's label key, column flags that
 * are false (n8n reads them for truth) — and JSON text of `json` parameters as its value.
 */
function canonical(value: unknown, json = false): unknown {
  // JSON text of `json` parameters, and (nested, where this test does not know the definition) any JSON object or list text.
  if (typeof value === 'string' && !value.startsWith('=') && (json || /^\s*[[{]/.test(value))) {
    try {
      return { json: canonical(JSON.parse(value)) };
    } catch {
      return value;
    }
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (!isObject(value)) return value;
  const locator = '__rl' in value || ('mode' in value && 'value' in value);
  const filter = Array.isArray(value.conditions);
  const mapper = Array.isArray(value.schema) && 'mappingMode' in value;
  const out: Json = {};
  for (const k of Object.keys(value).sort()) {
    if (locator && (k === '__rl' || k === 'cachedResultName' || k === 'cachedResultUrl')) continue;
    let v = value[k];
    if (Array.isArray(v) && ((filter && k === 'conditions') || k === 'assignments')) {
      v = v.map((e) => (isObject(e) ? Object.fromEntries(Object.entries(e).filter(([ek]) => ek !== 'id')) : e));
      if (filter) v = (v as Json[]).map((e) => (isObject(e) && isObject(e.operator) ? { ...e, operator: { ...e.operator, name: undefined } } : e));
    }
    if (mapper && k === 'schema' && Array.isArray(v)) {
      v = v.map((c) => (isObject(c) ? Object.fromEntries(Object.entries(c).filter(([ck, cv]) => !((ck === 'removed' || ck === 'readOnly') && cv === false))) : c));
    }
    if (v !== undefined) out[k] = canonical(v);
  }
  return out;
}

/** Set assignments and filter conditions (If, Filter, Switch rules, …) anywhere in parameters: the entries n8n gives random ids. */
function generatedIdEntries(value: unknown, key = ''): Json[] {
  if (Array.isArray(value)) {
    const own = value.filter((e): e is Json => isObject(e) && ((key === 'assignments' && 'name' in e) || (key === 'conditions' && 'leftValue' in e)));
    return [...own, ...value.flatMap((e) => generatedIdEntries(e))];
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => generatedIdEntries(v, k));
}

/** Is every definition of top-level parameter `key` a `json` parameter (JSON text n8n parses)? */
function isJsonParameter(type: string, version: number, key: string): boolean {
  const defs = catalog.get(type)?.propertiesAt(version)?.byName.get(key);
  return defs !== undefined && defs.every((d) => d.type === 'json');
}

const main = (node: string, index = 0) => ({ node, type: 'main', index });

function slack(parameters: Json, extra: Json = {}): Workflow {
  return {
    name: 'Slack test',
    nodes: [
      { id: 'a', name: 'Manual', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { id: 'b', name: 'Slack', type: 'n8n-nodes-base.slack', typeVersion: 2.3, position: [200, 0], parameters, ...extra },
    ],
    connections: { Manual: { main: [[main('Slack')]] } },
  };
}

function slackNode(c: FullWorkflow): FullNode;
function slackNode(c: CompactWorkflow): CompactNode;
function slackNode(c: CompactWorkflow | FullWorkflow): CompactNode | FullNode {
  return (c.nodes as Array<CompactNode | FullNode>).find((n) => n.name === 'Slack')!;
}

describe('default dropping', () => {
  it('drops the operation that is the default for its resource (one definition of operation per resource)', () => {
    // resource 'message' is the default; its operation default is 'post'.
    const message = compactWorkflow(slack({ resource: 'message', operation: 'post', select: 'channel', text: 'hi' }), { catalog });
    expect(slackNode(message).parameters).toEqual({ select: 'channel', text: 'hi' });
    // For resource 'channel' the operation default is 'create', not 'post'.
    const channel = compactWorkflow(slack({ resource: 'channel', operation: 'create', channelId: 'general' }), { catalog });
    expect(slackNode(channel).parameters).toEqual({ resource: 'channel', channelId: 'general' });
    const archive = compactWorkflow(slack({ resource: 'channel', operation: 'archive' }), { catalog });
    expect(slackNode(archive).parameters).toEqual({ resource: 'channel', operation: 'archive' });
  });

  it('hydrate restores the defaults of the displayed definitions, in catalog order', () => {
    const channel = hydrateWorkflow(compactWorkflow(slack({ resource: 'channel', operation: 'create' }), { catalog }), { catalog });
    expect(slackNode(channel).parameters).toEqual({ authentication: 'accessToken', resource: 'channel', operation: 'create' });
    expect(Object.keys(slackNode(channel).parameters)).toEqual(['authentication', 'resource', 'operation']);
    const message = hydrateWorkflow(compactWorkflow(slack({ select: 'channel', text: 'hi' }), { catalog }), { catalog });
    expect(slackNode(message).parameters).toMatchObject({ resource: 'message', operation: 'post', select: 'channel', text: 'hi' });
  });

  it('judges each definition of a name by its own display rules (select per operation)', () => {
    // sendAndWait shows a `select` defaulting to 'user'; post shows one defaulting to '' ("pick one").
    const wait = compactWorkflow(slack({ operation: 'sendAndWait', select: 'user', user: 'U1' }), { catalog });
    expect(slackNode(wait).parameters).toEqual({ operation: 'sendAndWait', user: 'U1' });
    const post = compactWorkflow(slack({ operation: 'post', select: 'user', user: 'U1' }), { catalog });
    expect(slackNode(post).parameters).toEqual({ select: 'user', user: 'U1' });
    // A default that is not one of the options ('') is never written out by hydrate.
    const hydrated = hydrateWorkflow(compactWorkflow(slack({ text: 'x' }), { catalog }), { catalog });
    expect(slackNode(hydrated).parameters).not.toHaveProperty('select');
    expect(validateWorkflow(hydrated, { catalog }).errors).toEqual([]);
  });

  it('drops empty collections and other defaults; keeps nested values as they are', () => {
    const c = compactWorkflow(
      {
        nodes: [
          {
            name: 'HTTP',
            type: 'n8n-nodes-base.httpRequest',
            typeVersion: 4.2,
            position: [0, 0],
            parameters: { method: 'GET', url: 'https://x', sendHeaders: false, options: {} },
          },
          {
            name: 'HTTP2',
            type: 'n8n-nodes-base.httpRequest',
            typeVersion: 4.2,
            position: [0, 0],
            parameters: { url: 'https://y', options: { timeout: 10000, redirect: { redirect: {} } } },
          },
        ],
        connections: {},
      },
      { catalog },
    );
    expect(c.nodes.map((n) => n.parameters)).toEqual([{ url: 'https://x' }, { url: 'https://y', options: { redirect: { redirect: {} }, timeout: 10000 } }]);
  });

  it('keeps a drop only if the default survives the other drops (mutually dependent defaults)', () => {
    // a's default depends on b and b's on a: dropping both would leave nothing to resolve from.
    const synthetic: Catalog = {
      formatVersion: 1,
      sources: [{ package: 'test-nodes', version: '1.0.0', nodeTypes: 1 }],
      nodes: [
        {
          type: 'test-nodes.pair',
          displayName: 'Pair',
          package: 'test-nodes',
          versions: [1],
          defaultVersion: 1,
          trigger: false,
          group: [],
          variants: [
            {
              versions: [1],
              inputs: { types: ['main'] },
              outputs: { types: ['main'] },
              credentials: [],
              properties: [
                { name: 'a', type: 'options', options: ['p', 'q'], default: 'p', show: { b: ['x'] } },
                { name: 'a', type: 'options', options: ['p', 'q'], default: 'q', show: { b: ['y'] } },
                { name: 'b', type: 'options', options: ['x', 'y'], default: 'x', show: { a: ['p'] } },
                { name: 'b', type: 'options', options: ['x', 'y'], default: 'y', show: { a: ['q'] } },
              ],
            },
          ],
        },
      ],
    };
    const small = NodeCatalog.from([synthetic]);
    const w = { nodes: [{ name: 'P', type: 'test-nodes.pair', typeVersion: 1, position: [0, 0], parameters: { a: 'q', b: 'y' } }], connections: {} };
    const c = compactWorkflow(w, { catalog: small });
    expect(c.nodes[0].parameters).toEqual({ a: 'q' });
    const h = hydrateWorkflow(c, { catalog: small });
    expect(h.nodes[0].parameters).toEqual({ a: 'q', b: 'y' });
    expect(compactWorkflow(h, { catalog: small })).toEqual(c);
  });

  it('leaves parameters of unknown node types and versions alone', () => {
    const c = compactWorkflow(
      {
        nodes: [
          { name: 'X', type: 'n8n-nodes-community.thing', typeVersion: 1, position: [0, 0], parameters: { z: 1, a: '' } },
          { name: 'Y', type: 'n8n-nodes-base.slack', typeVersion: 99, position: [0, 0], parameters: { resource: 'message' } },
        ],
        connections: {},
      },
      { catalog },
    );
    expect(c.nodes).toEqual([
      { name: 'X', type: 'n8n-nodes-community.thing', typeVersion: 1, parameters: { a: '', z: 1 } },
      { name: 'Y', type: 'n8n-nodes-base.slack', typeVersion: 99, parameters: { resource: 'message' } },
    ]);
  });
});

describe('compact form', () => {
  it('drops typeVersion when it is the default version, and hydrate restores it', () => {
    const latest = catalog.get('n8n-nodes-base.slack')!.entry.defaultVersion;
    const w = slack({ text: 'x' });
    w.nodes[1].typeVersion = latest;
    const c = compactWorkflow(w, { catalog });
    expect(slackNode(c)).not.toHaveProperty('typeVersion');
    expect(c.nodes[0]).not.toHaveProperty('typeVersion'); // manualTrigger v1 is its default
    expect(slackNode(hydrateWorkflow(c, { catalog })).typeVersion).toBe(latest);
    expect(slackNode(compactWorkflow(slack({ text: 'x' }), { catalog })).typeVersion).toBe(2.3);
  });

  it('keeps credential types only, sorted; hydrate writes placeholders n8n resolves by name', () => {
    const w = slack({ text: 'x' }, { credentials: { slackOAuth2Api: { id: '7', name: 'Team' }, slackApi: { id: '3', name: 'Bot token' } } });
    const c = compactWorkflow(w, { catalog });
    expect(slackNode(c).credentials).toEqual(['slackApi', 'slackOAuth2Api']);
    expect(JSON.stringify(c)).not.toMatch(/Bot token|Team|"7"/);
    const h = hydrateWorkflow(c, { catalog });
    expect(slackNode(h).credentials).toEqual({
      slackApi: { id: '', name: 'slackApi placeholder' },
      slackOAuth2Api: { id: '', name: 'slackOAuth2Api placeholder' },
    });
    const own = hydrateWorkflow(c, { catalog, credential: (type) => ({ id: `id-${type}`, name: type }) });
    expect(slackNode(own).credentials!.slackApi).toEqual({ id: 'id-slackApi', name: 'slackApi' });
  });

  it('keeps node settings that change behaviour, drops the rest', () => {
    const w = slack(
      { text: 'x' },
      {
        notes: 'remember', notesInFlow: true, color: 3, webhookId: 'abc', disabled: false,
        retryOnFail: true, maxTries: 3, waitBetweenTries: 5000, alwaysOutputData: true, executeOnce: false, continueOnFail: true,
      },
    );
    const node = slackNode(compactWorkflow(w, { catalog }));
    expect(Object.keys(node)).toEqual(['name', 'type', 'typeVersion', 'parameters', 'onError', 'retryOnFail', 'waitBetweenTries', 'alwaysOutputData']);
    expect(node.onError).toBe('continueRegularOutput'); // legacy continueOnFail
    const stop = slackNode(compactWorkflow(slack({}, { onError: 'stopWorkflow', disabled: true, executeOnce: true }), { catalog }));
    expect(stop).toEqual({ name: 'Slack', type: 'n8n-nodes-base.slack', typeVersion: 2.3, disabled: true, executeOnce: true });
  });

  it('drops sticky notes, ids, positions, webhookIds and instance-bound settings', () => {
    const w = {
      ...slack({ text: 'x' }, { webhookId: '1a' }),
      id: 'wf1',
      active: true,
      pinData: { Slack: [{ json: {} }] },
      meta: { instanceId: 'x' },
      settings: {
        executionOrder: 'v1', errorWorkflow: 'abc', callerPolicy: 'workflowsFromSameOwner', saveManualExecutions: true,
        timezone: 'Europe/Berlin', binaryMode: 'separate', availableInMCP: false, executionTimeout: -1,
      },
    };
    w.nodes.push({ id: 's', name: 'Note', type: STICKY_NOTE_TYPE, typeVersion: 1, position: [0, 0], parameters: { content: 'hello' } });
    const c = compactWorkflow(w, { catalog });
    expect(Object.keys(c)).toEqual(['name', 'nodes', 'connections', 'settings']);
    expect(c.settings).toEqual({ timezone: 'Europe/Berlin' });
    expect(c.nodes.map((n) => n.name)).toEqual(['Manual', 'Slack']);
    expect(JSON.stringify(c)).not.toMatch(/"(id|position|webhookId)"/);
    expect(compactWorkflow({ ...w, settings: { executionOrder: 'v1' } }, { catalog })).not.toHaveProperty('settings');
    const h = hydrateWorkflow(c, { catalog });
    expect(h.settings).toEqual({ executionOrder: 'v1', timezone: 'Europe/Berlin' });
    expect(hydrateWorkflow({ ...c, settings: { executionOrder: 'v0', executionTimeout: 300, foo: 1 } }, { catalog }).settings).toEqual({
      executionOrder: 'v0',
      executionTimeout: 300,
    });
  });

  it('orders nodes from the triggers and canonicalises connections', () => {
    const w = {
      nodes: [
        { name: 'End', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} },
        { name: 'If', type: 'n8n-nodes-base.if', typeVersion: 2.2, position: [200, 0], parameters: {} },
        { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        { name: 'Lonely', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 500], parameters: {} },
      ],
      connections: {
        If: { main: [[], [main('End')], null, []] },
        Start: { main: [[{ index: 0, type: 'main', node: 'If' }]] },
        Lonely: { main: [[]] },
      },
    };
    const c = compactWorkflow(w, { catalog });
    expect(c.nodes.map((n) => n.name)).toEqual(['Start', 'If', 'End', 'Lonely']);
    expect(JSON.stringify(c.connections)).toBe('{"Start":{"main":[["If"]]},"If":{"main":[[],["End"]]}}');
    // The same workflow written in another order compacts to the same text.
    const shuffled = { nodes: [...w.nodes].reverse(), connections: Object.fromEntries(Object.entries(w.connections).reverse()) };
    expect(JSON.stringify(compactWorkflow(shuffled, { catalog }))).toBe(JSON.stringify(c));
  });

  it('never mutates its input and shares no objects with it', () => {
    const w = deepFreeze(slack({ text: 'x', otherOptions: { includeLinkToWorkflow: false } }, { credentials: { slackApi: { id: '1', name: 'n' } } }));
    const c = compactWorkflow(w, { catalog });
    (slackNode(c).parameters!.otherOptions as Json).changed = true;
    expect(w.nodes[1].parameters).toEqual({ text: 'x', otherOptions: { includeLinkToWorkflow: false } });
    const frozen = deepFreeze(compactWorkflow(w, { catalog }));
    const h = hydrateWorkflow(frozen, { catalog });
    (slackNode(h).parameters.otherOptions as Json).changed = true;
    expect(slackNode(frozen).parameters!.otherOptions).toEqual({ includeLinkToWorkflow: false });
  });
});

describe('hydrate', () => {
  it('derives ids and webhookIds from the workflow and node names (RFC 4122 v5 format)', () => {
    const c = compactWorkflow(slack({ text: 'x' }), { catalog });
    const h = hydrateWorkflow(c, { catalog });
    expect(h.nodes.map((n) => n.id)).toEqual([deterministicUuid('Slack test\u0000node\u0000Manual'), deterministicUuid('Slack test\u0000node\u0000Slack')]);
    for (const n of h.nodes) expect(n.id).toMatch(UUID);
    expect(new Set(h.nodes.map((n) => n.id)).size).toBe(2);
    // Slack v2 can send and wait for a reply (webhooks); the manual trigger has none.
    expect(slackNode(h).webhookId).toMatch(UUID);
    expect(h.nodes[0]).not.toHaveProperty('webhookId');
    const renamed = hydrateWorkflow({ ...c, name: 'Other' }, { catalog });
    expect(renamed.nodes[0].id).not.toBe(h.nodes[0].id);
    expect(JSON.stringify(hydrateWorkflow(c, { catalog }))).toBe(JSON.stringify(h));
  });

  it('gives webhookIds to webhook triggers and to tool variants of webhook nodes', () => {
    const h = hydrateWorkflow(
      {
        nodes: [
          { name: 'Hook', type: 'n8n-nodes-base.webhook', parameters: { path: 'p' } },
          { name: 'Form', type: 'n8n-nodes-base.formTrigger' },
          { name: 'Chat', type: '@n8n/n8n-nodes-langchain.chatTrigger' },
          { name: 'Mail tool', type: 'n8n-nodes-base.gmailTool' },
          { name: 'Code', type: 'n8n-nodes-base.code' },
          { name: 'Old Slack', type: 'n8n-nodes-base.slack', typeVersion: 1 },
        ],
        connections: {},
      },
      { catalog },
    );
    expect(h.nodes.map((n) => [n.name, n.webhookId !== undefined])).toEqual([
      ['Hook', true],
      ['Form', true],
      ['Chat', true],
      ['Mail tool', true],
      ['Code', false],
      ['Old Slack', false],
    ]);
    expect(h.name).toBe('My workflow');
    expect(validateWorkflow(h, { catalog }).errors).toEqual([]);
  });
});

describe('layout', () => {
  const agentWorkflow = (): { nodes: LayoutNode[]; connections: Json } => ({
    nodes: [
      { name: 'Model' },
      { name: 'Agent' },
      { name: 'Chat', trigger: true },
      { name: 'Memory' },
      { name: 'Vector tool' },
      { name: 'Embeddings' },
      { name: 'Store' },
      { name: 'Reply' },
      { name: 'Schedule', trigger: true },
      { name: 'Prepare' },
      { name: 'Orphan' },
    ],
    connections: {
      Chat: { main: [[main('Agent')]] },
      Schedule: { main: [[main('Prepare')]] },
      Prepare: { main: [[main('Reply')]] },
      Agent: { main: [[main('Reply')]] },
      Model: { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 0 }]] },
      Memory: { ai_memory: [[{ node: 'Agent', type: 'ai_memory', index: 0 }]] },
      'Vector tool': { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
      Store: { ai_vectorStore: [[{ node: 'Vector tool', type: 'ai_vectorStore', index: 0 }]] },
      Embeddings: { ai_embedding: [[{ node: 'Store', type: 'ai_embedding', index: 0 }]] },
    },
  });

  it('puts triggers in the first column, sub-nodes below their parent, disconnected nodes last, all on the grid', () => {
    const { nodes, connections } = agentWorkflow();
    const positions = layoutWorkflow(nodes, connections);
    const at = new Map(nodes.map((n, i) => [n.name, positions[i]]));
    const x = (name: string) => at.get(name)![0];
    const y = (name: string) => at.get(name)![1];
    for (const p of positions) for (const v of p) expect(Math.abs(v % GRID)).toBe(0);
    expect(x('Chat')).toBe(x('Schedule'));
    for (const other of ['Agent', 'Prepare', 'Reply', 'Orphan']) expect(x(other)).toBeGreaterThan(x('Chat'));
    expect(x('Reply')).toBeGreaterThan(x('Agent'));
    for (const sub of ['Model', 'Memory', 'Vector tool']) expect(y(sub)).toBeGreaterThan(y('Agent'));
    expect(y('Store')).toBeGreaterThan(y('Vector tool'));
    expect(y('Embeddings')).toBeGreaterThan(y('Store'));
    // Sub-nodes sit under their parent's column, left to right in input order.
    expect(x('Model')).toBeLessThan(x('Memory'));
    expect(x('Memory')).toBeLessThan(x('Vector tool'));
    expect(x('Vector tool')).toBeLessThan(x('Reply'));
    expect(x('Orphan')).toBeGreaterThan(Math.max(...positions.filter((_, i) => nodes[i].name !== 'Orphan').map((p) => p[0])));
    // No two default nodes (the footprint without a catalog) overlap, labels included.
    const rects = positions.map((p, i) => footprintRects(p, nodes[i].footprint ?? defaultFootprint(nodes[i].trigger)));
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const apart = rects[i].every((a) => rects[j].every((b) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y));
        expect({ pair: [nodes[i].name, nodes[j].name], apart }).toEqual({ pair: [nodes[i].name, nodes[j].name], apart: true });
      }
    }
  });

  it('orders the graph canonically: columns, then each node followed by its sub-nodes', () => {
    const { nodes, connections } = agentWorkflow();
    const graph = analyzeGraph(nodes, connections);
    expect(graph.order.map((i) => nodes[i].name)).toEqual([
      'Chat', 'Schedule', 'Agent', 'Model', 'Memory', 'Vector tool', 'Store', 'Embeddings', 'Prepare', 'Reply', 'Orphan',
    ]);
    expect(graph.disconnected.map((i) => nodes[i].name)).toEqual(['Orphan']);
  });

  it('is deterministic and does not depend on the key order of connections', () => {
    const { nodes, connections } = agentWorkflow();
    const first = layoutWorkflow(nodes, connections);
    expect(layoutWorkflow(nodes, connections)).toEqual(first);
    expect(layoutWorkflow(nodes, Object.fromEntries(Object.entries(connections).reverse()))).toEqual(first);
  });

  it('anchors a ring of sub-nodes on one of them', () => {
    const nodes: LayoutNode[] = [{ name: 'A' }, { name: 'B' }];
    const connections = {
      A: { ai_tool: [[{ node: 'B', type: 'ai_tool', index: 0 }]] },
      B: { ai_tool: [[{ node: 'A', type: 'ai_tool', index: 0 }]] },
    };
    const graph = analyzeGraph(nodes, connections);
    expect(graph.parent).toEqual([undefined, 0]);
    expect(graph.order).toEqual([0, 1]);
    const [a, b] = layoutWorkflow(nodes, connections, graph);
    expect(b[1]).toBeGreaterThan(a[1]);
  });

  it('places branches top to bottom in output order and ignores loop back edges', () => {
    const nodes: LayoutNode[] = [{ name: 'T', trigger: true }, { name: 'Loop' }, { name: 'If' }, { name: 'True' }, { name: 'False' }, { name: 'Done' }];
    const connections = {
      T: { main: [[main('Loop')]] },
      Loop: { main: [[main('Done')], [main('If')]] },
      If: { main: [[main('True')], [main('False')]] },
      True: { main: [[main('Loop')]] },
      False: { main: [[main('Loop')]] },
    };
    const graph = analyzeGraph(nodes, connections);
    expect(graph.layers.map((l) => l.map((i) => nodes[i].name))).toEqual([['T'], ['Loop'], ['Done', 'If'], ['True', 'False']]);
    const positions = layoutWorkflow(nodes, connections, graph);
    expect(positions[3][1]).toBeLessThan(positions[4][1]);
    expect(positions[3][0]).toBe(positions[4][0]);
    // The first column's outline starts at x = 0: the trigger's bolt and label band are left of its body.
    expect(positions[0]).toEqual([64, 0]);
  });
});

describe('values n8n generates or fills in', () => {
  const manual = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
  const one = (node: Json, name = 'Noise test'): Workflow => ({ name, nodes: [manual, { position: [200, 0], ...node }], connections: { Start: { main: [[main(node.name as string)]] } } });
  function nodeOf(w: FullWorkflow, name: string): FullNode;
  function nodeOf(w: CompactWorkflow, name: string): CompactNode;
  function nodeOf(w: CompactWorkflow | FullWorkflow, name: string): CompactNode | FullNode {
    return (w.nodes as Array<CompactNode | FullNode>).find((n) => n.name === name)!;
  }

  it('Set: drops assignment ids and the default string type; hydrate writes ids named by workflow, node and path', () => {
    const w = one({
      name: 'Fields',
      type: 'n8n-nodes-base.set',
      typeVersion: 3.4,
      parameters: {
        assignments: {
          assignments: [
            { id: '0543fdb7-4a22-4530-bdb7-ae7064732fae', name: 'a', type: 'string', value: '={{ $json.x }}' },
            { id: 'bead5646-a689-4deb-8f4b-b22aa97b51ca', name: 'n', type: 'number', value: 3 },
            { id: '1', name: 'untyped', value: 'x' },
          ],
        },
      },
    });
    const c = compactWorkflow(w, { catalog });
    expect(nodeOf(c, 'Fields').parameters).toEqual({
      assignments: { assignments: [{ name: 'a', value: '={{ $json.x }}' }, { name: 'n', type: 'number', value: 3 }, { name: 'untyped', type: null, value: 'x' }] },
    });
    const h = hydrateWorkflow(c, { catalog });
    const assignments = (nodeOf(h, 'Fields').parameters.assignments as { assignments: Json[] }).assignments;
    expect(assignments.map(({ id, ...rest }) => rest)).toEqual([
      { name: 'a', type: 'string', value: '={{ $json.x }}' },
      { name: 'n', type: 'number', value: 3 },
      { name: 'untyped', value: 'x' },
    ]);
    expect(assignments.map((a) => a.id)).toEqual([0, 1, 2].map((i) => deterministicUuid(`Noise test\u0000parameter\u0000Fields\u0000assignments.assignments[${i}]`)));
    expect(new Set(assignments.map((a) => a.id)).size).toBe(3);
    expect(validateWorkflow(h, { catalog }).errors).toEqual([]);
    expect(compactWorkflow(h, { catalog })).toEqual(c);
    expect(JSON.stringify(hydrateWorkflow(c, { catalog }))).toBe(JSON.stringify(h));
    const renamed = hydrateWorkflow({ ...c, name: 'Other' }, { catalog });
    expect((nodeOf(renamed, 'Fields').parameters.assignments as { assignments: Json[] }).assignments[0].id).not.toBe(assignments[0].id);
  });

  it('If: drops condition ids, operator labels and the editor defaults of a filter; hydrate restores them', () => {
    const options = { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 };
    const w = one({
      name: 'Check',
      type: 'n8n-nodes-base.if',
      typeVersion: 2.2,
      parameters: {
        conditions: {
          combinator: 'and',
          options,
          conditions: [
            { id: 'd5d38c01-3a88-4767-b488-d9c04145bb8f', leftValue: '={{ $json.output }}', operator: { name: 'filter.operator.equals', operation: 'equals', type: 'string' }, rightValue: 'yes' },
            { id: '8136ea21-d798-41fd-81ed-5c0e7fda73c5', leftValue: '={{ $json.ok }}', operator: { operation: 'true', singleValue: true, type: 'boolean' }, rightValue: '' },
            { id: 'x', leftValue: '={{ $json.n }}', operator: { operation: 'gt', type: 'number' }, rightValue: 2 },
          ],
        },
      },
    });
    const c = compactWorkflow(w, { catalog });
    expect(nodeOf(c, 'Check').parameters).toEqual({
      conditions: {
        conditions: [
          { leftValue: '={{ $json.output }}', rightValue: 'yes' },
          { leftValue: '={{ $json.ok }}', operator: { operation: 'true', singleValue: true, type: 'boolean' } },
          { leftValue: '={{ $json.n }}', operator: { operation: 'gt', type: 'number' }, rightValue: 2 },
        ],
        options: { version: 2 },
      },
    });
    const h = hydrateWorkflow(c, { catalog });
    const value = nodeOf(h, 'Check').parameters.conditions as { conditions: Json[] } & Json;
    expect({ ...value, conditions: value.conditions.map(({ id, ...rest }) => rest) }).toEqual({
      combinator: 'and',
      options,
      conditions: [
        { leftValue: '={{ $json.output }}', operator: { operation: 'equals', type: 'string' }, rightValue: 'yes' },
        { leftValue: '={{ $json.ok }}', operator: { operation: 'true', singleValue: true, type: 'boolean' }, rightValue: '' },
        { leftValue: '={{ $json.n }}', operator: { operation: 'gt', type: 'number' }, rightValue: 2 },
      ],
    });
    for (const condition of value.conditions) expect(condition.id).toMatch(UUID);
    expect(validateWorkflow(h, { catalog }).errors).toEqual([]);
    expect(compactWorkflow(h, { catalog })).toEqual(c);
    // A key the editor always writes but this filter lacks stays absent: null says so in the target.
    const bare = compactWorkflow(one({ name: 'Check', type: 'n8n-nodes-base.if', typeVersion: 2.2, parameters: { conditions: { conditions: [], options: { version: 2 } } } }), { catalog });
    expect(nodeOf(bare, 'Check').parameters).toEqual({ conditions: { combinator: null, conditions: [], options: { caseSensitive: null, leftValue: null, typeValidation: null, version: 2 } } });
    expect(nodeOf(hydrateWorkflow(bare, { catalog }), 'Check').parameters.conditions).toEqual({ conditions: [], options: { version: 2 } });
  });

  it('Switch: conditions inside rules get ids by their path, distinct across rules', () => {
    const rule = (value: string) => ({
      conditions: { combinator: 'and', options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 }, conditions: [{ id: 'same', leftValue: '={{ $json.k }}', operator: { operation: 'equals', type: 'string' }, rightValue: value }] },
    });
    const c = compactWorkflow(one({ name: 'Route', type: 'n8n-nodes-base.switch', typeVersion: 3.2, parameters: { rules: { values: [rule('a'), rule('b')] } } }), { catalog });
    expect(JSON.stringify(c)).not.toContain('"id"');
    const rules = (nodeOf(hydrateWorkflow(c, { catalog }), 'Route').parameters.rules as { values: Array<{ conditions: { conditions: Json[] } }> }).values;
    expect(rules.map((r) => r.conditions.conditions[0].id)).toEqual(
      [0, 1].map((i) => deterministicUuid(`Noise test\u0000parameter\u0000Route\u0000rules.values[${i}].conditions.conditions[0]`)),
    );
  });

  it('resource locators: no marker, display caches or default mode in the target; hydrate marks them again', () => {
    const w = one({
      name: 'Sheet',
      type: 'n8n-nodes-base.googleSheets',
      typeVersion: 4.5,
      parameters: {
        operation: 'append',
        documentId: { __rl: true, mode: 'list', value: '1hG2NMi', cachedResultName: 'Leads', cachedResultUrl: 'https://docs.google.com/x' },
        sheetName: { __rl: true, mode: 'id', value: 'gid=0' },
        columns: {
          mappingMode: 'defineBelow',
          value: { Name: '={{ $json.name }}' },
          matchingColumns: [],
          schema: [
            { id: 'Name', displayName: 'Name', required: false, defaultMatch: false, display: true, type: 'string', canBeUsedToMatch: true, removed: false },
            { id: 'Notes', displayName: 'Notes', required: false, defaultMatch: false, display: true, type: 'string', canBeUsedToMatch: true, removed: true },
            { id: 'row_number', displayName: 'row_number', required: false, defaultMatch: false, display: true, type: 'number', readOnly: true },
          ],
          attemptToConvertTypes: false,
          convertFieldsToString: false,
        },
      },
    });
    const c = compactWorkflow(w, { catalog });
    expect(nodeOf(c, 'Sheet').parameters).toEqual({
      operation: 'append',
      documentId: { value: '1hG2NMi' },
      sheetName: { mode: 'id', value: 'gid=0' },
      columns: {
        mappingMode: 'defineBelow',
        value: { Name: '={{ $json.name }}' },
        schema: [{ id: 'Name' }, { id: 'Notes', removed: true }, { id: 'row_number', type: 'number', readOnly: true, canBeUsedToMatch: null }],
      },
    });
    const h = hydrateWorkflow(c, { catalog });
    const params = nodeOf(h, 'Sheet').parameters;
    expect(params.documentId).toEqual({ __rl: true, mode: 'list', value: '1hG2NMi' });
    expect(params.sheetName).toEqual({ __rl: true, mode: 'id', value: 'gid=0' });
    const columns = (w.nodes[1].parameters as Json).columns as Json;
    expect(params.columns).toEqual({ ...columns, schema: [{ ...(columns.schema as Json[])[0], removed: undefined }, (columns.schema as Json[])[1], (columns.schema as Json[])[2]].map((col) => JSON.parse(JSON.stringify(col)) as Json) });
    expect(validateWorkflow(h, { catalog }).errors).toEqual([]);
    expect(compactWorkflow(h, { catalog })).toEqual(c);
  });

  it('JSON text of json parameters: minified in the target (number literals and strings as written), laid out by hydrate', () => {
    const body = '{\n    "id": 12345678901234567890,\n    "text": "two  spaces\\n",\n    "list": [ 1, 2 ],\n    "empty": {}\n}';
    const w = one({
      name: 'Call',
      type: 'n8n-nodes-base.httpRequest',
      typeVersion: 4.2,
      parameters: { method: 'POST', url: 'https://example.com', sendBody: true, specifyBody: 'json', jsonBody: body },
    });
    const c = compactWorkflow(w, { catalog });
    expect(nodeOf(c, 'Call').parameters!.jsonBody).toBe('{"id":12345678901234567890,"text":"two  spaces\\n","list":[1,2],"empty":{}}');
    const h = hydrateWorkflow(c, { catalog });
    expect(nodeOf(h, 'Call').parameters.jsonBody).toBe('{\n  "id": 12345678901234567890,\n  "text": "two  spaces\\n",\n  "list": [\n    1,\n    2\n  ],\n  "empty": {}\n}');
    expect(compactWorkflow(h, { catalog })).toEqual(c);
    // Expressions and text that is not JSON stay as written; so does JSON in a string parameter (code, a raw body).
    for (const jsonBody of ['={{ JSON.stringify($json) }}', '{ "a": {{ $json.a }} }']) {
      expect(nodeOf(compactWorkflow(one({ ...w.nodes[1], parameters: { ...(w.nodes[1].parameters as Json), jsonBody } }), { catalog }), 'Call').parameters!.jsonBody).toBe(jsonBody);
    }
    const code = compactWorkflow(one({ name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: '{ "a": 1 }' } }), { catalog });
    expect(nodeOf(code, 'Code').parameters!.jsCode).toBe('{ "a": 1 }');
  });
});
