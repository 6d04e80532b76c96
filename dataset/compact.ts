/**
 * The target representation of the dataset builder.
 *
 * `compactWorkflow` turns a (cleaned) workflow into deterministic minimal JSON — what a
 * model learns to write: no ids, positions, webhookIds, notes or credential values;
 * parameters equal to the default n8n would use dropped; typeVersion dropped when it
 * is the type's default version; stable key and node order.
 *
 * `hydrateWorkflow` is its inverse: an importable workflow with deterministic ids and
 * webhookIds (and assignment / condition ids), typeVersions, the defaults of the parameters display rules read, an
 * auto-layout, placeholder credentials and `executionOrder: 'v1'`.
 *
 * Both are pure (no I/O), never mutate their input and share no objects with it.
 *
 * Decisions:
 * - Top-level parameters are dropped when they deep-equal the default of the first
 *   definition of their name that is displayed for the node's values (n8n fills
 *   defaults in property order, judging display with the values so far — the
 *   validator's `defaultResolver`). A drop is kept only if the same default is still
 *   resolved once the other dropped parameters are gone, so nothing changes meaning.
 *   Nested values (inside collections, fixedCollections, …) are kept as they are, but for
 *   what n8n generates or fills in the same way every time (next point).
 * - Values of filter, assignment-collection, resource-locator, resource-mapper and json
 *   parameters, wherever the catalog puts them: assignment and condition ids, the locator
 *   marker, display caches and default mode, the editor's filter / assignment / column
 *   defaults and JSON layout are left out (a key n8n always writes but the value lacks:
 *   `null`); hydrate writes them back, ids as UUIDs named by workflow, node and path.
 *   dataset/README.md lists each with why n8n does or does not need it.
 * - Hydrate re-adds the defaults of the parameters display rules read (resource,
 *   operation, mode, authentication, …) — the ones that say which branch of a node's
 *   form is in use — and not every optional parameter; n8n fills the others in when it
 *   loads the workflow, to exactly the values compact dropped.
 * - Key order: nodes `name, type, typeVersion, parameters, credentials`, then settings;
 *   parameters in catalog property order (unknown keys after, sorted), nested objects
 *   with sorted keys (arrays keep their order).
 * - Node order: canonical, from the graph (layout.ts `analyzeGraph`): column by column
 *   from the triggers, each node followed by its AI sub-nodes, disconnected nodes last.
 * - Connections: sources in node order, `main` first then other types alphabetically,
 *   empty outputs trimmed at the end and kept (as `[]`) in the middle, entries in their
 *   given order; in the compact form an entry into input 0 with its list's connection
 *   type is just the target's name (`{"A": {"main": [["B"]]}}`), any other entry stays
 *   `{node, type, index}`. Hydrate writes every entry in n8n's full form.
 * - Node settings kept only when they change behaviour: `disabled: true`, `onError`
 *   other than `stopWorkflow` (legacy `continueOnFail: true` becomes
 *   `onError: 'continueRegularOutput'`), `retryOnFail: true` with `maxTries` /
 *   `waitBetweenTries` when not n8n's 3 / 1000, `alwaysOutputData: true`,
 *   `executeOnce: true`.
 * - Workflow settings: only `timezone`, `executionTimeout` (not -1), `executionOrder`
 *   (not 'v1') and `callerPolicy` (not 'workflowsFromSameOwner'); instance-bound,
 *   bookkeeping and unknown settings are dropped (n8n's public API rejects settings
 *   keys its schema does not list). Hydrate writes `executionOrder: 'v1'` plus those.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { NodeCatalog, NodeTypeInfo, PropertyIndex } from '../schemas/catalog/catalog';
import { isDisplayed, type DisplayContext } from '../schemas/catalog/display';
import type { CatalogProperty } from '../schemas/catalog/types';
import { defaultResolver } from '../schemas/validator/parameters';
import { nodeFootprints } from './canvas';
import { analyzeGraph, layoutWorkflow, type LayoutNode } from './layout';
import { isObject, hasOwn } from '../schemas/json-value';
import { forEachConnection, isStickyNote, type WorkflowInput } from '../schemas/graph';
import { indentJson, minifyJson } from '../util/json-layout';

type Params = Record<string, unknown>;

export interface ConnectionEntry {
  node: string;
  type: string;
  index: number;
}

/** `{ [source]: { [connectionType]: outputs[] } }`, each output a list of entries. */
export type Connections = Record<string, Record<string, ConnectionEntry[][]>>;

/**
 * Compact connections: an entry that enters input 0 with the connection type of its
 * list is just the target's name (`{"A": {"main": [["B"]]}}`) — a fifth of a compact
 * workflow's tokens are connections, and almost all entries are of that kind.
 */
export type CompactConnections = Record<string, Record<string, Array<Array<string | ConnectionEntry>>>>;

function shortenConnections(connections: Connections): CompactConnections {
  const out: CompactConnections = {};
  for (const [source, byType] of Object.entries(connections)) {
    out[source] = {};
    for (const [type, outputs] of Object.entries(byType)) {
      out[source][type] = outputs.map((targets) => targets.map((t) => (t.type === type && t.index === 0 ? t.node : t)));
    }
  }
  return out;
}

/**
 * Resource-locator keys that only cache what the editor displayed; n8n fetches them
 * again. Dropped wherever parameters are copied into canonical form.
 */
const LOCATOR_CACHE_KEYS = new Set(['cachedResultName', 'cachedResultUrl']);

/** Node settings that change behaviour (kept by compact, copied by hydrate). */
export interface NodeSettings {
  disabled?: true;
  onError?: string;
  retryOnFail?: true;
  maxTries?: number;
  waitBetweenTries?: number;
  alwaysOutputData?: true;
  executeOnce?: true;
}

/** The node settings a compact node may carry, in the order compact writes them. */
export const NODE_SETTING_KEYS = ['disabled', 'onError', 'retryOnFail', 'maxTries', 'waitBetweenTries', 'alwaysOutputData', 'executeOnce'] as const satisfies ReadonlyArray<keyof NodeSettings>;

export interface CompactNode extends NodeSettings {
  name: string;
  type: string;
  /** Absent when it is the catalog's default version of the type. */
  typeVersion?: number;
  /** Absent when every parameter is at its default. */
  parameters?: Params;
  /** Credential type names, sorted. */
  credentials?: string[];
}

export interface CompactWorkflow {
  name?: string;
  nodes: CompactNode[];
  connections: CompactConnections;
  /** Only settings that change behaviour and are not n8n's defaults. */
  settings?: Params;
}

export interface NodeCredentialRef {
  id: string;
  name: string;
}

export interface FullNode extends NodeSettings {
  id: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  parameters: Params;
  credentials?: Record<string, NodeCredentialRef>;
  webhookId?: string;
}

/** What n8n's public API (`POST /api/v1/workflows`) and the editor's import take. */
export interface FullWorkflow {
  name: string;
  nodes: FullNode[];
  connections: Connections;
  settings: Params;
}

export interface CompactOptions {
  catalog: NodeCatalog;
}

export interface HydrateOptions {
  catalog: NodeCatalog;
  /**
   * The credential object hydrate writes for a credential type. Default: `{ id: '',
   * name: '<type> placeholder' }` — an empty id makes n8n look the credential up by
   * name and type on import and otherwise leaves it for the user to pick.
   */
  credential?: (type: string, node: CompactNode) => NodeCredentialRef;
}

/** Name of hydrated workflows whose compact form has none (n8n's name for a new workflow). */
export const DEFAULT_WORKFLOW_NAME = 'My workflow';

const DEFAULT_MAX_TRIES = 3;
const DEFAULT_WAIT_BETWEEN_TRIES = 1000;

/**
 * Workflow settings a target keeps — behaviour, portable, and accepted by n8n's public
 * API, whose settings schema rejects keys it does not list (`binaryMode`,
 * `timeSavedMode`, …) — with the n8n defaults they are dropped at. Everything else is
 * bound to one instance (errorWorkflow, callerIds, availableInMCP) or bookkeeping
 * (saveData…, saveManualExecutions, saveExecutionProgress, timeSaved…): dropped.
 */
const KEPT_SETTINGS: Record<string, unknown> = {
  executionOrder: 'v1',
  timezone: undefined,
  executionTimeout: -1,
  callerPolicy: 'workflowsFromSameOwner',
};

/** The workflow settings a compact workflow may carry. */
export const WORKFLOW_SETTING_KEYS: readonly string[] = Object.keys(KEPT_SETTINGS);

/** A copy of a JSON value with object keys sorted (arrays keep their order). */
export function canonicalJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalJson);
  if (!isObject(value)) return value;
  const out: Params = {};
  const locator = value.__rl === true;
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (v !== undefined && !(locator && LOCATOR_CACHE_KEYS.has(key))) out[key] = canonicalJson(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Parameters

interface ParamContext {
  index: PropertyIndex;
  version: number;
  tool: boolean;
}

function paramContext(info: NodeTypeInfo | undefined, version: unknown): ParamContext | undefined {
  if (!info || typeof version !== 'number') return undefined;
  const index = info.propertiesAt(version);
  return index ? { index, version, tool: info.isTool } : undefined;
}

/**
 * The value n8n uses for top-level parameter `name` when the node does not set it,
 * given the node's other values `root`: the default of its first displayed definition
 * (for parameters display rules read, exactly the validator's resolution).
 */
function defaultFor(name: string, root: Params, pc: ParamContext, resolve: (name: string) => unknown): unknown {
  if (pc.index.controllingByName.has(name)) return resolve(name);
  const defs = pc.index.byName.get(name);
  if (!defs) return undefined;
  const ctx: DisplayContext = { version: pc.version, tool: pc.tool, root, level: root, defaultOf: resolve };
  return defs.find((d) => isDisplayed(d, ctx))?.default;
}

/** A default as compact writes its value (a locator without its marker and default mode, JSON text minified). */
function compactDefault(name: string, d: unknown, pc: ParamContext): unknown {
  const named = d === undefined ? undefined : valuePlan(pc.index)?.names.get(name);
  if (!named) return d;
  const marked = named.kinds.has('resourceLocator') && isObject(d) && !hasOwn(d, '__rl') ? { __rl: true, ...d } : d;
  return stripValue(named, marked, name);
}

function isAtDefault(name: string, value: unknown, root: Params, pc: ParamContext, resolve: (name: string) => unknown): boolean {
  const d = compactDefault(name, defaultFor(name, root, pc, resolve), pc);
  // Most defaults are strings, numbers or booleans: compare those without the deep walk.
  return d !== undefined && (value === d || (typeof d === 'object' && d !== null && typeof value === 'object' && isDeepStrictEqual(value, d)));
}

function without(params: Params, dropped: Set<string>): Params {
  const out: Params = {};
  for (const key of Object.keys(params)) if (!dropped.has(key)) out[key] = params[key];
  return out;
}

/**
 * Names of the top-level parameters compact drops (their value is the default n8n would
 * use). Display is judged on the parameters as given (`params`: locators still marked),
 * values are compared as compact writes them (`written`).
 */
function droppableParameters(params: Params, written: Params, pc: ParamContext): Set<string> {
  const resolveFull = defaultResolver(params, pc.index, pc.version, pc.tool);
  const dropped = new Set(Object.keys(written).filter((k) => isAtDefault(k, written[k], params, pc, resolveFull)));
  // If display rules read none of the dropped parameters, every default resolves the same
  // without them: nothing to check (the common case).
  let steering = false;
  for (const key of dropped) if (pc.index.ruleNames.has(key)) steering = true;
  if (!steering) return dropped;
  // A drop must survive the other drops: the default resolved without them must be the
  // same value. When some do not, keep the first of them (in property order: n8n fills
  // defaults in that order, earlier parameters steer later ones) and check again.
  for (;;) {
    const view = without(params, dropped);
    const resolve = defaultResolver(view, pc.index, pc.version, pc.tool);
    const failing = [...dropped].filter((key) => !isAtDefault(key, written[key], view, pc, resolve));
    if (failing.length === 0) return dropped;
    const ranks = ranksOf(pc.index);
    const rank = (key: string) => ranks.get(key) ?? -1;
    dropped.delete(failing.reduce((first, key) => (rank(key) < rank(first) ? key : first)));
  }
}

/** Keys in catalog property order, unknown keys after (sorted); values with sorted nested keys. */
const propertyRanks = new WeakMap<PropertyIndex, Map<string, number>>();

/** Position of each property name in the catalog's order, computed once per type and version. */
function ranksOf(index: PropertyIndex | undefined): Map<string, number> {
  if (!index) return new Map();
  let rank = propertyRanks.get(index);
  if (!rank) {
    rank = new Map();
    for (let i = 0; i < index.list.length; i++) if (!rank.has(index.list[i].name)) rank.set(index.list[i].name, i);
    propertyRanks.set(index, rank);
  }
  return rank;
}

function orderParameters(params: Params, index: PropertyIndex | undefined, dropped?: Set<string>): Params {
  const rank = ranksOf(index);
  const keys = Object.keys(params).sort((a, b) => {
    const ra = rank.get(a);
    const rb = rank.get(b);
    if (ra !== undefined && rb !== undefined) return ra - rb;
    if (ra !== undefined) return -1;
    if (rb !== undefined) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: Params = {};
  for (const key of keys) if (params[key] !== undefined && !dropped?.has(key)) out[key] = canonicalJson(params[key]);
  return out;
}

function compactParameters(params: unknown, pc: ParamContext | undefined): Params {
  if (!isObject(params)) return {};
  if (!pc) return orderParameters(params, undefined);
  const plan = valuePlan(pc.index);
  const stripped = plan ? (rewriteLevel(params, plan, stripValue, '') as Params) : params;
  return orderParameters(stripped, pc.index, droppableParameters(params, stripped, pc));
}

/**
 * A few option lists default to a value they do not offer (Slack `select: ''`, "pick
 * one"): n8n leaves those empty for the user; writing them out would be an invalid option.
 */
function acceptsOwnDefault(defs: CatalogProperty[], value: unknown): boolean {
  const def = defs.find((d) => isDeepStrictEqual(d.default, value)) ?? defs[0];
  if ((def.type !== 'options' && def.type !== 'multiOptions') || def.dynamicOptions || !def.options || def.options.length === 0) return true;
  const offered = [...def.options, ...(def.legacyOptions ?? [])];
  const values = def.type === 'multiOptions' && Array.isArray(value) ? value : [value];
  return values.every((v) => offered.some((o) => isDeepStrictEqual(o, v)));
}

/**
 * Compact parameters plus the defaults of the parameters display rules read, and what
 * compact left out of the values n8n generates (ids, locator markers, column defaults);
 * `idSeed` makes the recreated ids depend on the workflow, the node and the value's path.
 */
function hydrateParameters(params: Params, pc: ParamContext | undefined, idSeed: string): Params {
  if (!pc) return orderParameters(params, undefined);
  // First what compact left out (display rules read locators by their marker), then the defaults.
  const plan = valuePlan(pc.index);
  const restored = plan ? rewriteLevel(params, plan, restoreValue(idSeed), '') : params;
  const resolve = defaultResolver(restored, pc.index, pc.version, pc.tool);
  const out: Params = { ...restored };
  for (const name of pc.index.controllingByName.keys()) {
    if (hasOwn(restored, name)) continue;
    const value = resolve(name);
    if (value !== undefined && acceptsOwnDefault(pc.index.controllingByName.get(name)!, value)) out[name] = value;
  }
  return orderParameters(out, pc.index);
}

// ---------------------------------------------------------------------------------------
// Values n8n generates or fills in inside parameters

/**
 * Parameter types whose values carry what n8n generates or fills in, not what a user
 * chose: a random id per assignment (Set) and per condition (If, Filter, Switch rules),
 * the filter's and the resource locator's editor defaults, the columns a resource mapper
 * fetched from the service (each with the same flags), and the layout of JSON text.
 * Compact leaves those out; hydrate writes them back (see the README's table).
 */
const REWRITTEN_TYPES = new Set(['assignmentCollection', 'filter', 'resourceLocator', 'resourceMapper']);

/** The parameter names of one level that lead to such values. */
interface LevelPlan {
  names: Map<string, NamePlan>;
}

interface NamePlan {
  /** Which of REWRITTEN_TYPES the name's definitions have. */
  kinds: Set<string>;
  /** Every definition of the name is a `json` parameter: its value is JSON text n8n parses. */
  json?: true;
  /** The mode of the resource locator's default, when every locator definition of the name has the same. */
  locatorMode?: string;
  /** The union of the children of its `collection` definitions. */
  children?: LevelPlan;
  /** The union of the groups of its `fixedCollection` definitions. */
  groups?: Map<string, LevelPlan>;
}

const valuePlans = new WeakMap<PropertyIndex, LevelPlan | null>();

/**
 * Where a node type's parameters can hold such values: the union over every definition
 * of a name, never display-dependent, so compact and hydrate (which see different
 * parameters: compact drops defaults) find the same values.
 */
function valuePlan(index: PropertyIndex): LevelPlan | undefined {
  let plan = valuePlans.get(index);
  if (plan === undefined) {
    plan = planLevel(index.list);
    valuePlans.set(index, plan);
  }
  return plan ?? undefined;
}

function locatorModeOf(defs: CatalogProperty[]): string | undefined {
  const modes = new Set(defs.filter((d) => d.type === 'resourceLocator').map((d) => (isObject(d.default) ? d.default.mode : undefined)));
  const [mode] = modes;
  return modes.size === 1 && typeof mode === 'string' && mode !== '' ? mode : undefined;
}

function planLevel(props: CatalogProperty[]): LevelPlan | null {
  const byName = new Map<string, CatalogProperty[]>();
  for (const p of props) if (!p.opaque) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const names = new Map<string, NamePlan>();
  for (const [name, defs] of byName) {
    const kinds = new Set(defs.map((d) => d.type).filter((t) => REWRITTEN_TYPES.has(t)));
    const json = defs.every((d) => d.type === 'json');
    const locatorMode = kinds.has('resourceLocator') ? locatorModeOf(defs) : undefined;
    const children = planLevel(defs.flatMap((d) => (d.type === 'collection' ? (d.children ?? []) : [])));
    const groupProps = new Map<string, CatalogProperty[]>();
    for (const d of defs) {
      if (d.type !== 'fixedCollection') continue;
      for (const g of d.groups ?? []) groupProps.set(g.name, [...(groupProps.get(g.name) ?? []), ...g.children]);
    }
    const groups = new Map<string, LevelPlan>();
    for (const [group, groupChildren] of groupProps) {
      const plan = planLevel(groupChildren);
      if (plan) groups.set(group, plan);
    }
    if (kinds.size === 0 && !json && !children && groups.size === 0) continue;
    names.set(name, {
      kinds,
      ...(json ? { json: true as const } : {}),
      ...(locatorMode !== undefined ? { locatorMode } : {}),
      ...(children ? { children } : {}),
      ...(groups.size > 0 ? { groups } : {}),
    });
  }
  return names.size > 0 ? { names } : null;
}

/** Rewrites one value of a name; returns the value itself when nothing changes. */
type ValueRewrite = (named: NamePlan, value: unknown, path: string) => unknown;

/** `values` with every value the plan leads to rewritten; copies only along changed paths. */
function rewriteLevel(values: Params, plan: LevelPlan, rewrite: ValueRewrite, path: string): Params {
  let out: Params | undefined;
  for (const [name, named] of plan.names) {
    if (!hasOwn(values, name)) continue;
    const value = values[name];
    const next = rewriteNamed(value, named, rewrite, path === '' ? name : `${path}.${name}`);
    if (next !== value) (out ??= { ...values })[name] = next;
  }
  return out ?? values;
}

function rewriteNamed(value: unknown, named: NamePlan, rewrite: ValueRewrite, path: string): unknown {
  let v = named.kinds.size > 0 || named.json ? rewrite(named, value, path) : value;
  const { children, groups } = named;
  if (children) v = mapEntries(v, path, (entry, at) => rewriteLevel(entry, children, rewrite, at));
  if (groups && isObject(v)) {
    let out: Params | undefined;
    for (const [group, plan] of groups) {
      if (!hasOwn(v, group)) continue;
      const entries = v[group];
      const next = mapEntries(entries, `${path}.${group}`, (entry, at) => rewriteLevel(entry, plan, rewrite, at));
      if (next !== entries) (out ??= { ...v })[group] = next;
    }
    v = out ?? v;
  }
  return v;
}

/** `f` applied to an object, or to each object of a list (its path gets `[i]`). */
function mapEntries(value: unknown, path: string, f: (entry: Params, path: string) => Params): unknown {
  if (isObject(value)) return f(value, path);
  if (!Array.isArray(value)) return value;
  let out: unknown[] | undefined;
  value.forEach((entry, i) => {
    if (!isObject(entry)) return;
    const next = f(entry, `${path}[${i}]`);
    if (next !== entry) (out ??= [...value])[i] = next;
  });
  return out ?? value;
}

/**
 * Keys that n8n (its editor, or the service a resource mapper asks) writes with the same
 * value almost every time. Compact leaves a key out when it has that value and writes
 * `null` when the object lacks the key; hydrate does the reverse. Lossless both ways.
 */
type StandardKeys = Record<string, unknown>;

function compactStandard(value: Params, standard: StandardKeys): Params {
  const out: Params = {};
  for (const key of Object.keys(value)) if (!(hasOwn(standard, key) && isDeepStrictEqual(value[key], standard[key]))) out[key] = value[key];
  for (const key of Object.keys(standard)) if (!hasOwn(value, key)) out[key] = null;
  return out;
}

function hydrateStandard(value: Params, standard: StandardKeys): Params {
  const out: Params = {};
  for (const key of Object.keys(standard)) if (!hasOwn(value, key)) out[key] = standard[key];
  for (const key of Object.keys(value)) if (!(value[key] === null && hasOwn(standard, key))) out[key] = value[key];
  return out;
}

/** A new condition in n8n's editor compares strings for equality (its DEFAULT_OPERATOR_VALUE, without the label key). */
const CONDITION_STANDARD: StandardKeys = { operator: { type: 'string', operation: 'equals' } };
/** A single-value operator (exists, is empty, is true, …) has no second value: the editor leaves it empty. */
const SINGLE_VALUE_CONDITION_STANDARD: StandardKeys = { rightValue: '' };
/** A new assignment in n8n's editor is a string. */
const ASSIGNMENT_STANDARD: StandardKeys = { type: 'string' };
/** The editor's filter: combinator `and` first; its DEFAULT_FILTER_OPTIONS but `version`, which depends on the node. */
const FILTER_STANDARD: StandardKeys = { combinator: 'and' };
const FILTER_OPTIONS_STANDARD: StandardKeys = { caseSensitive: true, leftValue: '', typeValidation: 'strict' };
/** What n8n's resource mappers answer for an ordinary column besides its id (`displayName` is the id). */
const COLUMN_STANDARD: StandardKeys = { required: false, defaultMatch: false, display: true, canBeUsedToMatch: true, type: 'string' };
/** Column flags n8n reads only for truth (the editor's mapper, the nodes): absent is false, nothing to write back. */
const COLUMN_FALSE_FLAGS = new Set(['removed', 'readOnly']);
/** A resource mapper's value: no column to match on, no type conversion (n8n reads both switches only for truth). */
const MAPPER_STANDARD: StandardKeys = { matchingColumns: [], attemptToConvertTypes: false, convertFieldsToString: false };

const ID_KEY = new Set(['id']);
/** The operator's i18n key the editor copies into a condition; the editor labels operators by `type:operation`. */
const OPERATOR_LABEL_KEY = new Set(['name']);
const LOCATOR_GENERATED_KEYS = new Set(['__rl', ...LOCATOR_CACHE_KEYS]);

function omitKeys(value: Params, keys: ReadonlySet<string>): Params {
  const out: Params = {};
  for (const key of Object.keys(value)) if (!keys.has(key)) out[key] = value[key];
  return out;
}

const mapObjects = (list: unknown[], f: (entry: Params) => Params): unknown[] => list.map((entry) => (isObject(entry) ? f(entry) : entry));

const isSingleValue = (condition: Params) => isObject(condition.operator) && condition.operator.singleValue === true;

function compactCondition(condition: Params): Params {
  let out = omitKeys(condition, ID_KEY);
  if (isObject(out.operator)) out.operator = omitKeys(out.operator, OPERATOR_LABEL_KEY);
  if (isSingleValue(out)) out = compactStandard(out, SINGLE_VALUE_CONDITION_STANDARD);
  return compactStandard(out, CONDITION_STANDARD);
}

function hydrateCondition(condition: Params): Params {
  const out = hydrateStandard(condition, CONDITION_STANDARD);
  return isSingleValue(out) ? hydrateStandard(out, SINGLE_VALUE_CONDITION_STANDARD) : out;
}

function compactColumn(column: Params): Params {
  if (typeof column.id !== 'string') return column;
  const out: Params = {};
  for (const key of Object.keys(column)) {
    const v = column[key];
    if (!(key === 'displayName' ? v === column.id : COLUMN_FALSE_FLAGS.has(key) && v === false)) out[key] = v;
  }
  if (!hasOwn(column, 'displayName')) out.displayName = null;
  return compactStandard(out, COLUMN_STANDARD);
}

function hydrateColumn(column: Params): Params {
  if (typeof column.id !== 'string') return column;
  return hydrateStandard(column, { displayName: column.id, ...COLUMN_STANDARD });
}

/** JSON text of a `json` parameter (not an expression), minified; anything else as it is. */
function compactJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || value.startsWith('=')) return value;
  const minified = minifyJson(value);
  return minified === undefined || minified === value ? value : minified;
}

function hydrateJsonText(value: unknown): unknown {
  if (typeof value !== 'string' || value.startsWith('=')) return value;
  const minified = minifyJson(value);
  return minified === undefined ? value : indentJson(minified);
}

/** Compact: leave out generated ids, locator markers, layout and what n8n writes the same every time. */
const stripValue: ValueRewrite = (named, value) => {
  if (named.json) return compactJsonText(value);
  if (!isObject(value)) return value;
  const { kinds } = named;
  // A locator without its marker (older exports) is read as one: hydrate writes the marker.
  if (kinds.has('resourceLocator') && (value.__rl === true || !hasOwn(value, '__rl')) && hasOwn(value, 'mode') && hasOwn(value, 'value')) {
    const out = omitKeys(value, LOCATOR_GENERATED_KEYS);
    if (named.locatorMode !== undefined && out.mode === named.locatorMode) delete out.mode;
    return out;
  }
  if (kinds.has('assignmentCollection') && Array.isArray(value.assignments)) {
    return { ...value, assignments: mapObjects(value.assignments, (a) => compactStandard(omitKeys(a, ID_KEY), ASSIGNMENT_STANDARD)) };
  }
  if (kinds.has('filter') && Array.isArray(value.conditions)) {
    const out = compactStandard({ ...value, conditions: mapObjects(value.conditions, compactCondition) }, FILTER_STANDARD);
    if (isObject(value.options)) out.options = compactStandard(value.options, FILTER_OPTIONS_STANDARD);
    return out;
  }
  if (kinds.has('resourceMapper') && Array.isArray(value.schema)) {
    return compactStandard({ ...value, schema: mapObjects(value.schema, compactColumn) }, MAPPER_STANDARD);
  }
  return value;
};

/**
 * `list` with an id on every object: its own when it has a distinct non-empty one, else a
 * UUID named by `seed` and the position, so hydrating the same workflow gives the same ids.
 */
function withIds(list: unknown[], seed: string): unknown[] {
  const seen = new Set<string>();
  return list.map((entry, i) => {
    if (!isObject(entry)) return entry;
    if (typeof entry.id === 'string' && entry.id !== '' && !seen.has(entry.id)) {
      seen.add(entry.id);
      return entry;
    }
    const id = deterministicUuid(`${seed}[${i}]`);
    seen.add(id);
    return { ...entry, id };
  });
}

/** Hydrate: what stripValue left out; ids named by `seed` (workflow and node) and the value's path. */
function restoreValue(seed: string): ValueRewrite {
  return (named, value, path) => {
    if (named.json) return hydrateJsonText(value);
    if (!isObject(value)) return value;
    const { kinds } = named;
    if (kinds.has('resourceLocator') && !hasOwn(value, '__rl') && hasOwn(value, 'value') && (hasOwn(value, 'mode') || named.locatorMode !== undefined)) {
      return { __rl: true, ...(hasOwn(value, 'mode') ? {} : { mode: named.locatorMode }), ...value };
    }
    if (kinds.has('assignmentCollection') && Array.isArray(value.assignments)) {
      const assignments = mapObjects(value.assignments, (a) => hydrateStandard(a, ASSIGNMENT_STANDARD));
      return { ...value, assignments: withIds(assignments, `${seed}\u0000${path}.assignments`) };
    }
    if (kinds.has('filter') && Array.isArray(value.conditions)) {
      const conditions = withIds(mapObjects(value.conditions, hydrateCondition), `${seed}\u0000${path}.conditions`);
      const out = hydrateStandard({ ...value, conditions }, FILTER_STANDARD);
      if (isObject(value.options)) out.options = hydrateStandard(value.options, FILTER_OPTIONS_STANDARD);
      return out;
    }
    if (kinds.has('resourceMapper') && Array.isArray(value.schema)) {
      return hydrateStandard({ ...value, schema: mapObjects(value.schema, hydrateColumn) }, MAPPER_STANDARD);
    }
    return value;
  };
}

// ---------------------------------------------------------------------------------------
// Nodes, connections, settings

function compactSettingsOf(node: Params): NodeSettings {
  const out: NodeSettings = {};
  if (node.disabled === true) out.disabled = true;
  if (typeof node.onError === 'string') {
    if (node.onError !== 'stopWorkflow') out.onError = node.onError;
  } else if (node.continueOnFail === true) {
    // n8n reads the legacy flag only when onError is not set.
    out.onError = 'continueRegularOutput';
  }
  if (node.retryOnFail === true) {
    out.retryOnFail = true;
    if (typeof node.maxTries === 'number' && node.maxTries !== DEFAULT_MAX_TRIES) out.maxTries = node.maxTries;
    if (typeof node.waitBetweenTries === 'number' && node.waitBetweenTries !== DEFAULT_WAIT_BETWEEN_TRIES) {
      out.waitBetweenTries = node.waitBetweenTries;
    }
  }
  if (node.alwaysOutputData === true) out.alwaysOutputData = true;
  if (node.executeOnce === true) out.executeOnce = true;
  return out;
}

function copySettings(from: NodeSettings, to: NodeSettings): void {
  if (from.disabled === true) to.disabled = true;
  if (typeof from.onError === 'string') to.onError = from.onError;
  if (from.retryOnFail === true) {
    to.retryOnFail = true;
    if (typeof from.maxTries === 'number') to.maxTries = from.maxTries;
    if (typeof from.waitBetweenTries === 'number') to.waitBetweenTries = from.waitBetweenTries;
  }
  if (from.alwaysOutputData === true) to.alwaysOutputData = true;
  if (from.executeOnce === true) to.executeOnce = true;
}

function isTrigger(type: string, catalog: NodeCatalog): boolean {
  const info = catalog.get(type);
  return info ? info.entry.trigger : /trigger$/i.test(type);
}

/** Connections in canonical form, sources in `order` (unknown sources after, by name). */
function canonicalConnections(connections: unknown, order: string[]): Connections {
  const rank = new Map(order.map((name, i) => [name, i]));
  const bySource = (a: string, b: string) => {
    const ra = rank.get(a) ?? Infinity;
    const rb = rank.get(b) ?? Infinity;
    if (ra !== rb) return ra < rb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  // Lists are made on the first entry that names a node: sources, types and outputs without one
  // (trailing ones) are left out, outputs before it are padded with [].
  const lists = new Map<string, Map<string, ConnectionEntry[][]>>();
  forEachConnection(
    connections,
    (source, type, output, _entry, target) => {
      const t = typeof target === 'string' ? { node: target, type, index: 0 } : target;
      if (!isObject(t) || typeof t.node !== 'string') return;
      let byType = lists.get(source);
      if (!byType) lists.set(source, (byType = new Map()));
      let outputs = byType.get(type);
      if (!outputs) byType.set(type, (outputs = []));
      while (outputs.length <= output) outputs.push([]);
      outputs[output].push({ node: t.node, type: typeof t.type === 'string' ? t.type : type, index: typeof t.index === 'number' ? t.index : 0 });
    },
    bySource,
  );
  const out: Connections = {};
  for (const [source, byType] of lists) {
    const types: Record<string, ConnectionEntry[][]> = {};
    for (const [type, outputs] of byType) types[type] = outputs;
    out[source] = types;
  }
  return out;
}

function compactWorkflowSettings(settings: unknown): Params | undefined {
  if (!isObject(settings)) return undefined;
  const out: Params = {};
  for (const key of Object.keys(settings).sort()) {
    const value = settings[key];
    if (!hasOwn(KEPT_SETTINGS, key) || value === undefined || value === null || isDeepStrictEqual(value, KEPT_SETTINGS[key])) continue;
    out[key] = canonicalJson(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function compactWorkflow(workflow: WorkflowInput, options: CompactOptions): CompactWorkflow {
  const { catalog } = options;
  const source = (Array.isArray(workflow.nodes) ? workflow.nodes : []).filter(
    (n): n is Params => isObject(n) && !isStickyNote(n),
  );
  const nodes = source.map((node): CompactNode => {
    const type = typeof node.type === 'string' ? node.type : '';
    const info = catalog.get(type);
    const out: CompactNode = { name: typeof node.name === 'string' ? node.name : '', type };
    if (node.typeVersion !== undefined && !(info && node.typeVersion === info.entry.defaultVersion)) {
      out.typeVersion = node.typeVersion as number;
    }
    const parameters = compactParameters(node.parameters, paramContext(info, node.typeVersion ?? info?.entry.defaultVersion));
    if (Object.keys(parameters).length > 0) out.parameters = parameters;
    if (isObject(node.credentials)) {
      const types = Object.keys(node.credentials).sort();
      if (types.length > 0) out.credentials = types;
    }
    copySettings(compactSettingsOf(node), out);
    return out;
  });

  const graphNodes: LayoutNode[] = nodes.map((n) => ({ name: n.name, trigger: isTrigger(n.type, catalog) }));
  const { order } = analyzeGraph(graphNodes, workflow.connections);
  const ordered = order.map((i) => nodes[i]);

  const result: CompactWorkflow = {} as CompactWorkflow;
  // n8n's name for a new workflow is a default like any other: hydrate restores it.
  if (typeof workflow.name === 'string' && workflow.name !== '' && workflow.name !== DEFAULT_WORKFLOW_NAME) result.name = workflow.name;
  result.nodes = ordered;
  result.connections = shortenConnections(
    canonicalConnections(
      workflow.connections,
      ordered.map((n) => n.name),
    ),
  );
  const settings = compactWorkflowSettings(workflow.settings);
  if (settings) result.settings = settings;
  return result;
}

// ---------------------------------------------------------------------------------------
// Hydration

/** RFC 4122 name-based (SHA-1, version 5) UUID in flowtune's namespace: same name, same id. */
const FLOWTUNE_NAMESPACE = Buffer.from('5c0f1b0e4d2a4e7fa3a96f3c0b8e2d71', 'hex');

export function deterministicUuid(name: string): string {
  const hash = createHash('sha1').update(FLOWTUNE_NAMESPACE).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Does the node's description declare webhooks (so the editor would give it a webhookId)? */
function hasWebhooks(info: NodeTypeInfo | undefined, version: number, catalog: NodeCatalog): boolean {
  if (!info) return false;
  if (info.variantFor(version)?.webhook) return true;
  // `<name>Tool` variants are derived at load time from their base type's description.
  const base = info.entry.toolOf ? catalog.get(info.entry.toolOf) : undefined;
  return base?.variantFor(version)?.webhook === true;
}

const placeholderCredential = (type: string): NodeCredentialRef => ({ id: '', name: `${type} placeholder` });

export function hydrateWorkflow(compact: CompactWorkflow, options: HydrateOptions): FullWorkflow {
  const { catalog } = options;
  const credential = options.credential ?? placeholderCredential;
  const named = typeof compact.name === 'string' && compact.name !== '' && compact.name !== DEFAULT_WORKFLOW_NAME;
  const name = named ? (compact.name as string) : DEFAULT_WORKFLOW_NAME;
  const idSeed = named ? name : '';
  const source = Array.isArray(compact.nodes) ? compact.nodes.filter(isObject) : [];
  const connections = canonicalConnections(
    compact.connections,
    source.map((n) => n.name),
  );
  const canvasNodes = source.map((n) => ({
    name: n.name,
    type: n.type,
    ...(typeof n.typeVersion === 'number' ? { typeVersion: n.typeVersion } : {}),
    disabled: n.disabled === true,
    trigger: isTrigger(n.type, catalog),
  }));
  const footprints = nodeFootprints(canvasNodes, connections, catalog);
  const positions = layoutWorkflow(
    canvasNodes.map((n, i) => ({ name: n.name, trigger: n.trigger, footprint: footprints[i] })),
    connections,
  );

  const nodes = source.map((node, i): FullNode => {
    const info = catalog.get(node.type);
    const typeVersion = typeof node.typeVersion === 'number' ? node.typeVersion : (info?.entry.defaultVersion ?? 1);
    const out: FullNode = {
      id: deterministicUuid(`${idSeed}\u0000node\u0000${node.name}`),
      name: node.name,
      type: node.type,
      typeVersion,
      position: positions[i],
      parameters: hydrateParameters(
        isObject(node.parameters) ? node.parameters : {},
        paramContext(info, typeVersion),
        `${idSeed}\u0000parameter\u0000${node.name}`,
      ),
    };
    if (Array.isArray(node.credentials) && node.credentials.length > 0) {
      const refs: Record<string, NodeCredentialRef> = {};
      for (const type of [...node.credentials].sort()) refs[type] = { ...credential(type, node) };
      out.credentials = refs;
    }
    if (hasWebhooks(info, typeVersion, catalog)) out.webhookId = deterministicUuid(`${idSeed}\u0000webhook\u0000${node.name}`);
    copySettings(node, out);
    return out;
  });

  const settings: Params = { executionOrder: 'v1', ...compactWorkflowSettings(compact.settings) };
  return { name, nodes, connections, settings };
}
