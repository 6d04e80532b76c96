/**
 * Fault injection into valid workflows, shared by the validator's mutation tests
 * (test/schemas/validator/mutations.test.ts: is each fault caught with its code?) and the repair benchmark
 * (scripts/bench-fix.ts: is each fault repaired, and restored to the original?).
 * Everything is copy on write (templates can stay deep-frozen) and deterministic: picks
 * come from a hash of a seed, never Math.random.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { CatalogPorts, CatalogProperty } from '../schemas/catalog/types';
import { isStickyNote } from '../schemas/graph';
import { hasOwn, isObject } from '../schemas/json-value';

export type Json = Record<string, unknown>;
export type Workflow = { nodes: Json[]; connections: Record<string, Json>; [key: string]: unknown };

export const INVENTED_TYPE = 'n8n-nodes-base.chatGpt';
export const INVENTED_VERSION = 99;
export const INVENTED_PARAMETER = '__flowtune_unknown_parameter__';
export const INVALID_OPTION = '__flowtune_invalid__';
export const MISSING_NODE = '__flowtune_missing_node__';

export const isExpression = (v: unknown) => typeof v === 'string' && v.startsWith('=');
/** A JSON Pointer (RFC 6901), written here independently of the validator's own helper. */
export const pointer = (...segments: Array<string | number>) => segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** How many targets `from` already has at `type` output `outputIndex`. */
export function targetCount(wf: Workflow, from: string, type: string, outputIndex: number): number {
  const outputs = isObject(wf.connections[from]) ? wf.connections[from][type] : undefined;
  const targets = Array.isArray(outputs) ? outputs[outputIndex] : undefined;
  return Array.isArray(targets) ? targets.length : 0;
}

/**
 * Connections as n8n reads them, to compare two workflows' wiring: null outputs are empty, trailing empty
 * outputs, empty types and sources without links mean nothing; an entry's type and index default to its
 * list's type and 0. Written independently of schemas/graph.ts (what it checks).
 */
export function normaliseConnections(connections: unknown): Json {
  const out: Json = {};
  if (!isObject(connections)) return out;
  for (const [source, byType] of Object.entries(connections)) {
    if (!isObject(byType)) continue;
    const types: Json = {};
    for (const [type, outputs] of Object.entries(byType)) {
      if (!Array.isArray(outputs)) continue;
      const lists = outputs.map((targets) => (Array.isArray(targets) ? targets.map((t) => (isObject(t) ? { node: t.node, type: t.type ?? type, index: t.index ?? 0 } : t)) : []));
      while (lists.length > 0 && lists[lists.length - 1].length === 0) lists.pop();
      if (lists.length > 0) types[type] = lists;
    }
    if (Object.keys(types).length > 0) out[source] = types;
  }
  return out;
}

/** Deep-freeze once: injectors copy on write, and any stray write (an injector's or the code under test's) throws. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Json)[key]);
  }
  return value;
}

/** A copy of `wf` whose node `i` is replaced by `patch(node)`; everything else is shared. */
export function withNode(wf: Workflow, i: number, patch: (n: Json) => Json): Workflow {
  return { ...wf, nodes: wf.nodes.map((n, k) => (k === i ? patch(n) : n)) };
}

export function withParameter(wf: Workflow, i: number, key: string, value: unknown): Workflow {
  return withNode(wf, i, (n) => ({ ...n, parameters: { ...(n.parameters as Json), [key]: value } }));
}

/** A copy of `wf` with one more connection `from → to` of `type` at output `outputIndex` (outputs padded with []). */
export function withConnection(wf: Workflow, from: string, type: string, outputIndex: number, to: string): Workflow {
  const byType = isObject(wf.connections[from]) ? wf.connections[from] : {};
  const outputs = Array.isArray(byType[type]) ? [...(byType[type] as unknown[])] : [];
  while (outputs.length <= outputIndex) outputs.push([]);
  const targets = Array.isArray(outputs[outputIndex]) ? (outputs[outputIndex] as unknown[]) : [];
  outputs[outputIndex] = [...targets, { node: to, type, index: 0 }];
  return { ...wf, connections: { ...wf.connections, [from]: { ...byType, [type]: outputs } } };
}

/** A copy of `wf` without connection entry `connections[from][type][output][entry]` (emptied lists dropped at the end). */
export function withoutConnection(wf: Workflow, from: string, type: string, output: number, entry: number): Workflow {
  const byType = { ...wf.connections[from] };
  const outputs = (byType[type] as unknown[][]).map((targets, o) => (o === output ? targets.filter((_, e) => e !== entry) : targets));
  while (outputs.length > 0 && outputs[outputs.length - 1].length === 0) outputs.pop();
  if (outputs.length > 0) byType[type] = outputs;
  else delete byType[type];
  const connections = { ...wf.connections };
  if (Object.keys(byType).length > 0) connections[from] = byType;
  else delete connections[from];
  return { ...wf, connections };
}

/** Deterministic pick spread over the templates (so different node types get hit), no Math.random. */
export function pick<T>(items: T[], seed: number, salt: number): T {
  let h = (seed * 2654435761 + salt * 40503) >>> 0;
  h = (h ^ (h >>> 15)) >>> 0;
  h = Math.imul(h, 2246822519) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return items[h % items.length];
}

/**
 * The deterministic pick, plus every candidate whose signature (node type, version, parameter…)
 * no earlier template offered: each distinct property in the corpus gets mutated at least once.
 */
export function pickPlusNew<T>(items: T[], seed: number, salt: number, seen: Set<string>, signature: (item: T) => string): T[] {
  if (items.length === 0) return [];
  const chosen = pick(items, seed, salt);
  seen.add(signature(chosen));
  const out = [chosen];
  for (const item of items) {
    const sig = signature(item);
    if (seen.has(sig)) continue;
    seen.add(sig);
    out.push(item);
  }
  return out;
}

export const typeOf = (n: Json) => `${String(n.type)}@${String(n.typeVersion)}`;

/** Catalog reads of one node, for choosing where a fault can go. */
export class NodeFacts {
  constructor(readonly catalog: NodeCatalog) {}

  info(n: Json) {
    return typeof n.type === 'string' ? this.catalog.get(n.type) : undefined;
  }

  propertyIndex(n: Json) {
    const i = this.info(n);
    return i && typeof n.typeVersion === 'number' ? i.propertiesAt(n.typeVersion) : undefined;
  }

  ports(n: Json, side: 'inputs' | 'outputs'): CatalogPorts | undefined {
    const i = this.info(n);
    return i && typeof n.typeVersion === 'number' ? i.variantFor(n.typeVersion)?.[side] : undefined;
  }

  /** Keys of `node.parameters` holding a literal of a property whose every definition is a static options list. */
  staticOptionKeys(n: Json): string[] {
    const index = this.propertyIndex(n);
    if (!index || !isObject(n.parameters)) return [];
    const params = n.parameters;
    return Object.keys(params).filter((key) => {
      const value = params[key];
      const literal = (typeof value === 'string' && !isExpression(value)) || typeof value === 'number' || typeof value === 'boolean';
      const defs = index.byName.get(key);
      return (
        literal &&
        defs !== undefined &&
        defs.length > 0 &&
        defs.every(
          (d) =>
            d.type === 'options' &&
            !d.dynamicOptions &&
            !d.opaque &&
            Array.isArray(d.options) &&
            d.options.length > 0 &&
            !d.options.includes(INVALID_OPTION) &&
            !(d.legacyOptions ?? []).includes(INVALID_OPTION),
        )
      );
    });
  }

  /** Keys of `node.parameters` holding a resource locator with a literal mode, where every definition is a locator with known modes. */
  locatorModeKeys(n: Json): string[] {
    const index = this.propertyIndex(n);
    if (!index || !isObject(n.parameters)) return [];
    const params = n.parameters;
    return Object.keys(params).filter((key) => {
      const value = params[key];
      const defs = index.byName.get(key);
      return (
        isObject(value) &&
        typeof value.mode === 'string' &&
        value.mode !== '' &&
        !isExpression(value.mode) &&
        defs !== undefined &&
        defs.length > 0 &&
        defs.every((d) => d.type === 'resourceLocator' && !d.opaque && Array.isArray(d.modes) && d.modes.length > 0 && !d.modes.includes(INVALID_OPTION))
      );
    });
  }

  /** Keys of `node.parameters` holding an object whose every definition is a single-valued collection (keys inside are checked). */
  collectionKeys(n: Json): string[] {
    const index = this.propertyIndex(n);
    if (!index || !isObject(n.parameters)) return [];
    const params = n.parameters;
    return Object.keys(params).filter((key) => {
      const defs = index.byName.get(key);
      return (
        isObject(params[key]) &&
        defs !== undefined &&
        defs.length > 0 &&
        defs.every((d) => d.type === 'collection' && !d.opaque && !d.multipleValues && !(d.children ?? []).some((c) => c.name === INVENTED_PARAMETER))
      );
    });
  }

  mainOutputCount(n: Json): number | undefined {
    const p = this.ports(n, 'outputs');
    if (!p || p.dynamic) return undefined;
    const count = p.types.filter((t) => t === 'main').length;
    return n.onError === 'continueErrorOutput' ? count + 1 : count;
  }

  triggerIndexes(wf: Workflow): number[] {
    return wf.nodes.flatMap((n, i) => (this.info(n)?.entry.trigger ? [i] : []));
  }
}

export function canCarry(p: CatalogPorts | undefined, type: string): boolean | undefined {
  if (!p) return undefined;
  if (p.dynamic) return !p.possible || p.possible.length === 0 || p.possible.includes(type);
  return p.types.includes(type);
}

/** Indexes of the nodes that have a name and are not sticky notes. */
export function namedNodes(wf: Workflow): number[] {
  return wf.nodes.flatMap((n, i) => (!isStickyNote(n) && typeof n.name === 'string' ? [i] : []));
}

/**
 * Is `prop` plainly displayed for these parameters? Judged independently of the validator:
 * only plain show/hide value lists on top-level parameters that are present as literals
 * count; anything else (paths, `_cnd` operators, expressions, defaults) is "not sure".
 */
export function plainlyDisplayed(prop: CatalogProperty, params: Json): boolean {
  for (const [rule, show] of [
    [prop.show, true],
    [prop.hide, false],
  ] as const) {
    if (!rule) continue;
    for (const [key, conditions] of Object.entries(rule)) {
      // @version / @tool decide existence, already applied by propertiesAt().
      if (key.startsWith('@')) continue;
      if (key.startsWith('/') || key.includes('.') || !hasOwn(params, key)) return false;
      const value = params[key];
      if (value === null || typeof value === 'object' || isExpression(value)) return false;
      if (conditions.some((c) => c !== null && typeof c === 'object')) return false;
      if (conditions.includes(value) !== show) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------
// The repair benchmark's fault set: one fault of each kind a model makes, where it applies.

export const FAULT_KINDS = [
  'node-type',
  'type-version',
  'unknown-parameter',
  'option-value',
  'dangling-connection',
  'node-id-connection',
  'connection-type',
  'duplicate-name',
  'output-index',
  'expression-reference',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  variant: string;
  /** The faulty workflow (shares unchanged parts with the original). */
  workflow: Workflow;
  what: string;
}

type Injection = Omit<Fault, 'kind'>;
type Injector = (wf: Workflow, seed: number, facts: NodeFacts) => Injection[];

const PACKAGES = ['n8n-nodes-base', '@n8n/n8n-nodes-langchain'];

/** One of the candidate injections, picked by seed: one fault per kind and template. */
function oneOf(candidates: Array<() => Injection | undefined>, seed: number, salt: number): Injection[] {
  const order = candidates.map((_, i) => i);
  const start = order.length > 0 ? pick(order, seed, salt) : 0;
  for (let k = 0; k < candidates.length; k++) {
    const made = candidates[(start + k) % candidates.length]();
    if (made) return [made];
  }
  return [];
}

const quotedReference = /\$\(\s*(['"])((?:\\.|(?!\1)[^\\])+)\1\s*\)/;

const INJECTORS: Record<FaultKind, Injector> = {
  'node-type': (wf, seed, facts) => {
    const nodes = namedNodes(wf).filter((i) => facts.info(wf.nodes[i]) && !facts.info(wf.nodes[i])!.entry.toolOf);
    if (nodes.length === 0) return [];
    const i = pick(nodes, seed, 101);
    const type = String(wf.nodes[i].type);
    const dot = type.lastIndexOf('.');
    const pkg = type.slice(0, dot);
    const short = type.slice(dot + 1);
    const info = facts.info(wf.nodes[i])!;
    const make = (variant: string, next: string) => (facts.catalog.has(next) || next === type ? undefined : { variant, workflow: withNode(wf, i, (n) => ({ ...n, type: next })), what: `nodes[${i}].type ${type} → ${next}` });
    return oneOf(
      [
        () => make('letter case', `${pkg}.${short.toLowerCase()}`),
        () => make('package', `${PACKAGES.find((p) => p !== pkg) ?? PACKAGES[0]}.${short}`),
        () => make('display name', `${pkg}.${info.entry.displayName}`),
        () => make('no package', short),
      ],
      seed,
      102,
    );
  },
  'type-version': (wf, seed, facts) => {
    const nodes = namedNodes(wf).filter((i) => facts.info(wf.nodes[i]) && typeof wf.nodes[i].typeVersion === 'number');
    if (nodes.length === 0) return [];
    const i = pick(nodes, seed, 103);
    const v = wf.nodes[i].typeVersion as number;
    const versions = facts.info(wf.nodes[i])!.entry.versions;
    const between = Math.round((v + 0.05) * 100) / 100;
    return oneOf(
      [
        () => ({ variant: 'above every version', workflow: withNode(wf, i, (n) => ({ ...n, typeVersion: INVENTED_VERSION })), what: `nodes[${i}].typeVersion ${v} → ${INVENTED_VERSION}` }),
        () =>
          versions.some((x) => x > v && x <= between)
            ? undefined
            : { variant: 'between versions', workflow: withNode(wf, i, (n) => ({ ...n, typeVersion: between })), what: `nodes[${i}].typeVersion ${v} → ${between}` },
      ],
      seed,
      104,
    );
  },
  'unknown-parameter': (wf, seed, facts) => {
    const top = namedNodes(wf).filter((i) => facts.propertyIndex(wf.nodes[i]) && isObject(wf.nodes[i].parameters));
    const nested = namedNodes(wf).flatMap((i) =>
      facts.collectionKeys(wf.nodes[i]).flatMap((key) => {
        const params = wf.nodes[i].parameters as Json;
        const index = facts.propertyIndex(wf.nodes[i])!;
        // A child that is no top-level parameter of its own, so the move is a fault.
        return Object.keys(params[key] as Json)
          .filter((child) => !index.byName.has(child) && !hasOwn(params, child))
          .map((child) => ({ i, key, child }));
      }),
    );
    return oneOf(
      [
        () => {
          if (top.length === 0) return undefined;
          const i = pick(top, seed, 105);
          return { variant: 'invented', workflow: withParameter(wf, i, INVENTED_PARAMETER, 'x'), what: `nodes[${i}].parameters.${INVENTED_PARAMETER} added` };
        },
        () => {
          if (nested.length === 0) return undefined;
          const { i, key, child } = pick(nested, seed, 106);
          const params = wf.nodes[i].parameters as Json;
          const { [child]: moved, ...rest } = params[key] as Json;
          return {
            variant: 'out of its collection',
            workflow: withNode(wf, i, (n) => ({ ...n, parameters: { ...params, [key]: rest, [child]: moved } })),
            what: `nodes[${i}].parameters.${key}.${child} moved to the top level`,
          };
        },
      ],
      seed,
      107,
    );
  },
  'option-value': (wf, seed, facts) => {
    const options = namedNodes(wf).flatMap((i) => facts.staticOptionKeys(wf.nodes[i]).map((key) => ({ i, key })));
    if (options.length === 0) return [];
    const { i, key } = pick(options, seed, 108);
    const before = (wf.nodes[i].parameters as Json)[key];
    const defs = facts.propertyIndex(wf.nodes[i])!.byName.get(key)!;
    const all = defs.flatMap((d) => d.options ?? []);
    const recased = typeof before === 'string' ? (before === before.toUpperCase() ? before.toLowerCase() : before.toUpperCase()) : undefined;
    return oneOf(
      [
        () => ({ variant: 'invented', workflow: withParameter(wf, i, key, INVALID_OPTION), what: `nodes[${i}].parameters.${key} ${JSON.stringify(before)} → "${INVALID_OPTION}"` }),
        () =>
          recased === undefined || recased === before || all.includes(recased) || all.filter((o) => typeof o === 'string' && o.toLowerCase() === recased.toLowerCase()).length !== 1
            ? undefined
            : { variant: 'letter case', workflow: withParameter(wf, i, key, recased), what: `nodes[${i}].parameters.${key} ${JSON.stringify(before)} → ${JSON.stringify(recased)}` },
      ],
      seed,
      109,
    );
  },
  'dangling-connection': (wf, seed, facts) => {
    const named = namedNodes(wf);
    if (named.length === 0) return [];
    const sources = named.filter((i) => (facts.mainOutputCount(wf.nodes[i]) ?? 0) >= 1);
    const accepting = named.filter((i) => canCarry(facts.ports(wf.nodes[i], 'inputs'), 'main') === true);
    return oneOf(
      [
        () => {
          if (sources.length === 0) return undefined;
          const from = wf.nodes[pick(sources, seed, 110)].name as string;
          return { variant: 'to a missing node', workflow: withConnection(wf, from, 'main', 0, MISSING_NODE), what: `"${from}" → missing "${MISSING_NODE}"` };
        },
        () => {
          if (accepting.length === 0) return undefined;
          const to = wf.nodes[pick(accepting, seed, 111)].name as string;
          return { variant: 'from a missing node', workflow: withConnection(wf, MISSING_NODE, 'main', 0, to), what: `missing "${MISSING_NODE}" → "${to}"` };
        },
      ],
      seed,
      112,
    );
  },
  'node-id-connection': (wf, seed) => {
    // Ids that name one node each (exports carry empty and copied ids too).
    const idCount = new Map<unknown, number>();
    for (const n of wf.nodes) idCount.set(n.id, (idCount.get(n.id) ?? 0) + 1);
    const ids = new Map(wf.nodes.filter((n) => typeof n.id === 'string' && n.id !== '' && idCount.get(n.id) === 1 && typeof n.name === 'string').map((n) => [n.name as string, n.id as string]));
    const names = new Set(wf.nodes.map((n) => n.name));
    const sources = Object.keys(wf.connections).filter((s) => ids.has(s) && !names.has(ids.get(s)) && !hasOwn(wf.connections, ids.get(s)!));
    const links = sources.flatMap((s) =>
      Object.entries(wf.connections[s]).flatMap(([type, outputs]) =>
        Array.isArray(outputs)
          ? outputs.flatMap((targets, o) => (Array.isArray(targets) ? targets.flatMap((t, e) => (isObject(t) && ids.has(t.node as string) ? [{ s, type, o, e, to: t.node as string }] : [])) : []))
          : [],
      ),
    );
    return oneOf(
      [
        () => {
          if (sources.length === 0) return undefined;
          const s = pick(sources, seed, 113);
          const { [s]: moved, ...rest } = wf.connections;
          return { variant: 'source key', workflow: { ...wf, connections: { ...rest, [ids.get(s)!]: moved } }, what: `connections["${s}"] keyed by its id ${ids.get(s)}` };
        },
        () => {
          if (links.length === 0) return undefined;
          const { s, type, o, e, to } = pick(links, seed, 114);
          const outputs = (wf.connections[s][type] as Json[][]).map((targets, k) => (k === o ? targets.map((t, m) => (m === e ? { ...t, node: ids.get(to) } : t)) : targets));
          return { variant: 'target', workflow: { ...wf, connections: { ...wf.connections, [s]: { ...wf.connections[s], [type]: outputs } } }, what: `"${s}" → "${to}" written with its id` };
        },
      ],
      seed,
      115,
    );
  },
  'connection-type': (wf, seed, facts) => {
    const byName = new Map(wf.nodes.map((n) => [n.name, n]));
    const aiLinks = Object.entries(wf.connections).flatMap(([s, byType]) =>
      Object.entries(byType).flatMap(([type, outputs]) =>
        type.startsWith('ai_') && Array.isArray(outputs) && outputs.length === 1 && Array.isArray(outputs[0]) && outputs[0].length === 1 && isObject(outputs[0][0])
          ? [{ s, type, to: (outputs[0][0] as Json).node as string }]
          : [],
      ),
    );
    const tools = namedNodes(wf).filter((i) => {
      const entry = facts.info(wf.nodes[i])?.entry;
      return entry?.toolOf !== undefined && !entry.hitl && facts.catalog.has(entry.toolOf);
    });
    return oneOf(
      [
        () => {
          const fits = aiLinks.filter(({ s, type, to }) => byName.has(to) && !hasOwn(wf.connections[to] ?? {}, type) && s !== to);
          if (fits.length === 0) return undefined;
          const { s, type, to } = pick(fits, seed, 116);
          const without = withoutConnection(wf, s, type, 0, 0);
          return { variant: 'reversed', workflow: withConnection(without, to, type, 0, s), what: `${type} "${s}" → "${to}" written as "${to}" → "${s}"` };
        },
        () => {
          const fits = aiLinks.filter(({ s }) => !hasOwn(wf.connections[s], 'main'));
          if (fits.length === 0) return undefined;
          const { s, type, to } = pick(fits, seed, 117);
          const without = withoutConnection(wf, s, type, 0, 0);
          return { variant: 'filed under main', workflow: withConnection(without, s, 'main', 0, to), what: `${type} "${s}" → "${to}" filed under main` };
        },
        () => {
          if (tools.length === 0) return undefined;
          const i = pick(tools, seed, 118);
          const base = facts.info(wf.nodes[i])!.entry.toolOf!;
          return { variant: 'tool variant', workflow: withNode(wf, i, (n) => ({ ...n, type: base })), what: `nodes[${i}].type ${String(wf.nodes[i].type)} → ${base} (still wired as a tool)` };
        },
      ],
      seed,
      119,
    );
  },
  'duplicate-name': (wf, seed) => {
    const named = namedNodes(wf);
    if (named.length < 2) return [];
    const i = pick(named, seed, 120);
    const j = pick(
      named.filter((k) => k !== i),
      seed,
      121,
    );
    const name = wf.nodes[i].name;
    return [{ variant: 'renamed to another node’s name', workflow: withNode(wf, j, (n) => ({ ...n, name })), what: `nodes[${j}] "${String(wf.nodes[j].name)}" renamed to "${String(name)}"` }];
  },
  'output-index': (wf, seed, facts) => {
    const byName = new Map(wf.nodes.map((n) => [n.name, n]));
    const sources = Object.keys(wf.connections).filter((s) => {
      const node = byName.get(s);
      const main = wf.connections[s]?.main;
      return node && node.onError !== 'continueErrorOutput' && facts.mainOutputCount(node) === 1 && Array.isArray(main) && main.length === 1 && Array.isArray(main[0]) && main[0].length === 1;
    });
    if (sources.length === 0) return [];
    const s = pick(sources, seed, 122);
    const main = wf.connections[s].main as unknown[][];
    return [{ variant: 'output 1 of a one-output node', workflow: { ...wf, connections: { ...wf.connections, [s]: { ...wf.connections[s], main: [[], main[0]] } } }, what: `"${s}" main output 0 → 1` }];
  },
  'expression-reference': (wf, seed) => {
    const names = new Set(wf.nodes.map((n) => n.name));
    const found: Array<{ i: number; key: string; name: string; quote: string }> = [];
    wf.nodes.forEach((n, i) => {
      if (!isObject(n.parameters)) return;
      for (const [key, value] of Object.entries(n.parameters)) {
        if (typeof value !== 'string' || !value.startsWith('=')) continue;
        const m = quotedReference.exec(value);
        if (m && names.has(m[2]) && !m[2].includes('\\') && m[2].length >= 4) found.push({ i, key, name: m[2], quote: m[1] });
      }
    });
    if (found.length === 0) return [];
    const { i, key, name, quote } = pick(found, seed, 123);
    const typo = name.slice(0, -2) + name.slice(-1);
    if (names.has(typo)) return [];
    const params = wf.nodes[i].parameters as Json;
    const text = params[key] as string;
    const next = text.split(`${quote}${name}${quote}`).join(`${quote}${typo}${quote}`);
    return [{ variant: 'typo in the name', workflow: withParameter(wf, i, key, next), what: `nodes[${i}].parameters.${key}: $('${name}') → $('${typo}')` }];
  },
};

/** At most one fault of each kind for one workflow (those that do not apply are left out). */
export function injectFaults(wf: Workflow, seed: number, catalog: NodeCatalog, kinds: readonly FaultKind[] = FAULT_KINDS): Fault[] {
  const facts = new NodeFacts(catalog);
  return kinds.flatMap((kind) => INJECTORS[kind](wf, seed, facts).map((f) => ({ kind, ...f })));
}
