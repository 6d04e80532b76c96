/**
 * displayOptions evaluation with n8n's semantics: `show` keys must all match, any
 * matching `hide` key hides, `/key` reads the node's top-level parameters, a bare key
 * reads the current level, `@version` / `@tool` are properties of the node itself,
 * and an expression in a controlling parameter shows the field (its value is unknown).
 * Never throws: conditions on values of the wrong type simply do not match.
 */
import { isDeepStrictEqual } from 'node:util';
import type { CatalogProperty, DisplayRule } from './types';
import { hasOwn } from '../json-value';

export interface DisplayContext {
  version: number;
  tool: boolean;
  /** The node's top-level parameters (defaults filled in). */
  root: Record<string, unknown>;
  /**
   * Value n8n would use for a top-level parameter the node does not set (its default,
   * when displayed). Consulted only for the top level, only when a rule reads it.
   */
  defaultOf?: (name: string) => unknown;
  /** The parameters at the level of the property being judged (== root at the top level). */
  level: Record<string, unknown>;
}

/** One `key: [conditions]` entry of a rule, with its key parsed once. */
interface CompiledCondition {
  source: 'version' | 'tool' | 'unknown' | 'root' | 'level';
  path: string[];
  conditions: unknown[];
}

interface CompiledRules {
  show: CompiledCondition[];
  hide: CompiledCondition[];
}

// Display rules are evaluated millions of times over a corpus: parse each rule once.
const compiled = new WeakMap<object, CompiledRules>();

function compileRule(rule: DisplayRule | undefined): CompiledCondition[] {
  if (!rule) return [];
  return Object.keys(rule).map((key): CompiledCondition => {
    const conditions = rule[key];
    if (key === '@version') return { source: 'version', path: [], conditions };
    if (key === '@tool') return { source: 'tool', path: [], conditions };
    if (key.startsWith('@')) return { source: 'unknown', path: [], conditions };
    if (key.startsWith('/')) return { source: 'root', path: key.slice(1).split('.'), conditions };
    return { source: 'level', path: key.split('.'), conditions };
  });
}

function rulesOf(prop: Pick<CatalogProperty, 'show' | 'hide'>): CompiledRules {
  let rules = compiled.get(prop);
  if (!rules) {
    rules = { show: compileRule(prop.show), hide: compileRule(prop.hide) };
    compiled.set(prop, rules);
  }
  return rules;
}

function readRoot(ctx: DisplayContext, path: string[]): unknown {
  const [first] = path;
  const root: unknown = ctx.root;
  const top = root !== null && typeof root === 'object' && hasOwn(root, first) ? (root as Record<string, unknown>)[first] : ctx.defaultOf?.(first);
  return path.length === 1 ? top : readPath(top, path.slice(1));
}

function readPath(source: unknown, path: string[]): unknown {
  let current = source;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The value a condition looks at, as n8n reads it (resource locators by their value). */
function conditionValue(condition: CompiledCondition, ctx: DisplayContext): unknown {
  let value: unknown;
  switch (condition.source) {
    case 'version':
      return ctx.version || 0;
    case 'tool':
      return ctx.tool;
    case 'unknown':
      return undefined;
    case 'root':
      value = readRoot(ctx, condition.path);
      break;
    default:
      value = ctx.level === ctx.root ? readRoot(ctx, condition.path) : readPath(ctx.level, condition.path);
  }
  if (value !== null && typeof value === 'object' && (value as { __rl?: unknown }).__rl) {
    value = (value as { value?: unknown }).value;
  }
  return value;
}

function passesOperator(op: string, target: unknown, v: unknown): boolean {
  // Relational operators on objects would call their (possibly hostile) toString.
  const comparable = (x: unknown) => x === null || typeof x !== 'object';
  if ((op === 'gte' || op === 'lte' || op === 'gt' || op === 'lt') && !(comparable(v) && comparable(target))) return false;
  switch (op) {
    case 'eq':
      return isDeepStrictEqual(v, target);
    case 'not':
      return !isDeepStrictEqual(v, target);
    case 'gte':
      return (v as number) >= (target as number);
    case 'lte':
      return (v as number) <= (target as number);
    case 'gt':
      return (v as number) > (target as number);
    case 'lt':
      return (v as number) < (target as number);
    case 'between': {
      const range = target as { from?: unknown; to?: unknown } | null;
      if (!range || typeof range !== 'object' || !comparable(v) || !comparable(range.from) || !comparable(range.to)) return false;
      return (v as number) >= (range.from as number) && (v as number) <= (range.to as number);
    }
    case 'includes':
      return typeof v === 'string' && typeof target === 'string' && v.includes(target);
    case 'startsWith':
      return typeof v === 'string' && typeof target === 'string' && v.startsWith(target);
    case 'endsWith':
      return typeof v === 'string' && typeof target === 'string' && v.endsWith(target);
    case 'regex':
      try {
        return typeof target === 'string' && new RegExp(target).test(String(v));
      } catch {
        return false;
      }
    case 'exists':
      return v !== null && v !== undefined && v !== '';
    default:
      return false;
  }
}

/** Does one condition entry accept `values` (the looked-at value as a list)? */
function entryMatches(condition: unknown, values: unknown[]): boolean {
  if (condition !== null && typeof condition === 'object' && hasOwn(condition, '_cnd')) {
    const cnd = (condition as { _cnd: Record<string, unknown> })._cnd;
    const op = cnd && typeof cnd === 'object' ? Object.keys(cnd)[0] : undefined;
    if (!op) return false;
    if (values.length === 0) return op === 'not';
    return values.every((v) => passesOperator(op, cnd[op], v));
  }
  return values.includes(condition);
}

function matchesConditions(conditions: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  for (const condition of conditions) if (entryMatches(condition, values)) return true;
  return false;
}

/** An n8n expression (`=…`): its value is only known at run time. */
export const isExpression = (v: unknown): boolean => typeof v === 'string' && v.startsWith('=');

function hides(conditions: CompiledCondition[], ctx: DisplayContext, nodeKeysOnly: boolean): boolean {
  for (const condition of conditions) {
    if (nodeKeysOnly && condition.source !== 'version' && condition.source !== 'tool') continue;
    const value = conditionValue(condition, ctx);
    // An empty list never hides.
    if (Array.isArray(value) && value.length === 0) continue;
    if (matchesConditions(condition.conditions, value)) return true;
  }
  return false;
}

/** Is the property displayed for these parameter values? */
export function isDisplayed(prop: Pick<CatalogProperty, 'show' | 'hide'>, ctx: DisplayContext): boolean {
  if (!prop.show && !prop.hide) return true;
  const rules = rulesOf(prop);
  for (const condition of rules.show) {
    const value = conditionValue(condition, ctx);
    if (isExpression(value) || (Array.isArray(value) && value.some(isExpression))) return true;
    if (!matchesConditions(condition.conditions, value)) return false;
  }
  return !hides(rules.hide, ctx, false);
}

/**
 * Does the property exist at all for this version / tool-ness? Only the conditions on
 * the node itself count; conditions on other parameters decide visibility, not existence.
 */
export function existsForNode(prop: Pick<CatalogProperty, 'show' | 'hide'>, version: number, tool: boolean): boolean {
  if (!prop.show && !prop.hide) return true;
  const ctx: DisplayContext = { version, tool, root: {}, level: {} };
  const rules = rulesOf(prop);
  for (const condition of rules.show) {
    if (condition.source !== 'version' && condition.source !== 'tool') continue;
    if (!matchesConditions(condition.conditions, conditionValue(condition, ctx))) return false;
  }
  return !hides(rules.hide, ctx, true);
}

/** Parameters a set of properties' rules read: the only inputs their display depends on. */
interface SubsetMemo {
  controllers: CompiledCondition[];
  /**
   * Answers by the values display depends on, one Map level per value (version, tool-ness, then each
   * controller's value): looking a combination up builds no key string.
   */
  answers: Map<unknown, unknown>;
  size: number;
}

const subsetMemos = new WeakMap<CatalogProperty[], SubsetMemo>();
const MAX_MEMOISED_COMBINATIONS = 512;

function memoFor(props: CatalogProperty[]): SubsetMemo {
  let memo = subsetMemos.get(props);
  if (!memo) {
    const seen = new Set<string>();
    const controllers: CompiledCondition[] = [];
    for (const prop of props) {
      const rules = rulesOf(prop);
      for (const condition of [...rules.show, ...rules.hide]) {
        if (condition.source !== 'root' && condition.source !== 'level') continue;
        const id = `${condition.source}:${condition.path.join('.')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        controllers.push(condition);
      }
    }
    memo = { controllers, answers: new Map(), size: 0 };
    subsetMemos.set(props, memo);
  }
  return memo;
}

/** A controller value that can key the memo; expressions and structured values are evaluated directly, never memoised. */
const NOT_MEMOISABLE = Symbol('not memoisable');

function memoKeyOf(condition: CompiledCondition, ctx: DisplayContext): unknown {
  const v = conditionValue(condition, ctx);
  if (typeof v === 'string') return v.charCodeAt(0) === 61 /* = */ ? NOT_MEMOISABLE : v;
  // Map keys compare by SameValueZero: 1 and '1', null and undefined stay apart.
  return v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean' ? v : NOT_MEMOISABLE;
}

/**
 * The properties of `props` displayed for these values. Workflows of one node type
 * mostly share a few resource / operation combinations, so answers are memoised per
 * combination of the values the rules read.
 */
export function displayedSubset(props: CatalogProperty[], ctx: DisplayContext): CatalogProperty[] {
  if (props.length === 0) return props;
  const memo = memoFor(props);
  const { controllers } = memo;
  const version = ctx.version;
  const tool = ctx.tool;
  // Look up without allocating; remember where the walk stopped to insert a miss.
  let level = memo.answers.get(version) as Map<unknown, unknown> | undefined;
  level = level?.get(tool) as Map<unknown, unknown> | undefined;
  let i = 0;
  for (; level !== undefined && i < controllers.length; i++) {
    const key = memoKeyOf(controllers[i], ctx);
    if (key === NOT_MEMOISABLE) return props.filter((prop) => isDisplayed(prop, ctx));
    level = level.get(key) as Map<unknown, unknown> | undefined;
  }
  if (level !== undefined) return level as unknown as CatalogProperty[];
  const displayed = props.filter((prop) => isDisplayed(prop, ctx));
  if (memo.size < MAX_MEMOISED_COMBINATIONS) insertAnswer(memo, ctx, displayed);
  return displayed;
}

function insertAnswer(memo: SubsetMemo, ctx: DisplayContext, displayed: CatalogProperty[]): void {
  const keys: unknown[] = [ctx.version, ctx.tool];
  for (const condition of memo.controllers) {
    const key = memoKeyOf(condition, ctx);
    if (key === NOT_MEMOISABLE) return;
    keys.push(key);
  }
  let level = memo.answers;
  for (let i = 0; i < keys.length - 1; i++) {
    let next = level.get(keys[i]) as Map<unknown, unknown> | undefined;
    if (!next) level.set(keys[i], (next = new Map()));
    level = next;
  }
  level.set(keys[keys.length - 1], displayed);
  memo.size++;
}

