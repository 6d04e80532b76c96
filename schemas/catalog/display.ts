/**
 * displayOptions evaluation with n8n's semantics: `show` keys must all match, any
 * matching `hide` key hides, `/key` reads the node's top-level parameters, a bare key
 * reads the current level, `@version` / `@tool` are properties of the node itself,
 * and an expression in a controlling parameter shows the field (its value is unknown).
 * Never throws: conditions on values of the wrong type simply do not match.
 */
import type { CatalogProperty, DisplayRule } from './types';

export interface DisplayContext {
  version: number;
  tool: boolean;
  /** The node's top-level parameters (defaults filled in). */
  root: Record<string, unknown>;
  /** The parameters at the level of the property being judged (== root at the top level). */
  level: Record<string, unknown>;
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

function readPath(source: unknown, path: string): unknown {
  let current = source;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || !hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function conditionValues(key: string, ctx: DisplayContext): unknown[] {
  let value: unknown;
  if (key === '@version') value = ctx.version || 0;
  else if (key === '@tool') value = ctx.tool;
  else if (key.startsWith('@')) value = undefined;
  else if (key.startsWith('/')) value = readPath(ctx.root, key.slice(1));
  else value = readPath(ctx.level, key);
  if (value !== null && typeof value === 'object' && (value as { __rl?: unknown }).__rl) {
    value = (value as { value?: unknown }).value;
  }
  return Array.isArray(value) ? value : [value];
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function passesOperator(op: string, target: unknown, v: unknown): boolean {
  switch (op) {
    case 'eq':
      return deepEqual(v, target);
    case 'not':
      return !deepEqual(v, target);
    case 'gte':
      return (v as number) >= (target as number);
    case 'lte':
      return (v as number) <= (target as number);
    case 'gt':
      return (v as number) > (target as number);
    case 'lt':
      return (v as number) < (target as number);
    case 'between': {
      const range = target as { from?: number; to?: number } | null;
      return !!range && (v as number) >= (range.from as number) && (v as number) <= (range.to as number);
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

function matchesConditions(conditions: unknown[], values: unknown[]): boolean {
  return conditions.some((condition) => {
    if (condition !== null && typeof condition === 'object' && hasOwn(condition, '_cnd')) {
      const cnd = (condition as { _cnd: Record<string, unknown> })._cnd;
      const op = cnd && typeof cnd === 'object' ? Object.keys(cnd)[0] : undefined;
      if (!op) return false;
      if (values.length === 0) return op === 'not';
      return values.every((v) => passesOperator(op, cnd[op], v));
    }
    return values.includes(condition);
  });
}

const isExpression = (v: unknown): boolean => typeof v === 'string' && v.startsWith('=');

function ruleHides(hide: DisplayRule | undefined, ctx: DisplayContext, keys?: (k: string) => boolean): boolean {
  if (!hide) return false;
  for (const key of Object.keys(hide)) {
    if (keys && !keys(key)) continue;
    const values = conditionValues(key, ctx);
    if (values.length > 0 && matchesConditions(hide[key], values)) return true;
  }
  return false;
}

/** Is the property displayed for these parameter values? */
export function isDisplayed(prop: Pick<CatalogProperty, 'show' | 'hide'>, ctx: DisplayContext): boolean {
  if (prop.show) {
    for (const key of Object.keys(prop.show)) {
      const values = conditionValues(key, ctx);
      if (values.some(isExpression)) return true;
      if (!matchesConditions(prop.show[key], values)) return false;
    }
  }
  return !ruleHides(prop.hide, ctx);
}

const isNodeKey = (key: string) => key === '@version' || key === '@tool';

/**
 * Does the property exist at all for this version / tool-ness? Only the conditions on
 * the node itself count; conditions on other parameters decide visibility, not existence.
 */
export function existsForNode(prop: Pick<CatalogProperty, 'show' | 'hide'>, version: number, tool: boolean): boolean {
  const ctx: DisplayContext = { version, tool, root: {}, level: {} };
  if (prop.show) {
    for (const key of Object.keys(prop.show)) {
      if (isNodeKey(key) && !matchesConditions(prop.show[key], conditionValues(key, ctx))) return false;
    }
  }
  return !ruleHides(prop.hide, ctx, isNodeKey);
}
