/**
 * Size limits for workflow JSON from outside (files, JSONL lines, model answers, n8n
 * servers), checked before anything walks it recursively: a hostile or broken input is
 * a rejection with a reason, never a stack overflow or a hung worker.
 *
 * The limits sit far above real workflows: the 2,352 n8n.io templates and ~1,100 public
 * exports nest at most 16 levels, hold at most 246 nodes and 311 kB of JSON text.
 */
import { isObject } from './json-value';

export interface JsonLimits {
  /** Nesting levels of objects and arrays (the value itself is level 1). */
  maxDepth: number;
  /** Nodes of one workflow. */
  maxNodes: number;
  /** UTF-16 code units of one workflow's JSON text. */
  maxTextLength: number;
}

export const WORKFLOW_LIMITS: JsonLimits = { maxDepth: 128, maxNodes: 10_000, maxTextLength: 64 * 1024 * 1024 };

export interface LimitViolation {
  limit: keyof JsonLimits;
  /** Why, for people: "nested deeper than 128 levels". */
  message: string;
  /** JSON Pointer of the first place past the limit (depth), or of the counted list. */
  path?: string;
}

/**
 * The deepest nesting of JSON text, read without parsing (brackets outside strings);
 * stops counting once past `stopAbove`. Text that is not JSON gets a best-effort count.
 */
export function jsonTextDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** What is wrong with JSON text before it is parsed (length, depth), or undefined. */
export function checkJsonTextLimits(text: string, limits: JsonLimits = WORKFLOW_LIMITS): LimitViolation | undefined {
  if (text.length > limits.maxTextLength) {
    return { limit: 'maxTextLength', message: `${text.length} characters of JSON, more than the limit of ${limits.maxTextLength}` };
  }
  if (jsonTextDepth(text, limits.maxDepth) > limits.maxDepth) {
    return { limit: 'maxDepth', message: `nested deeper than ${limits.maxDepth} levels` };
  }
  return undefined;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * What is wrong with a parsed value (depth; node count when it is a workflow with a
 * `nodes` list), or undefined. Iterative: safe on any depth.
 */
export function checkJsonLimits(value: unknown, limits: JsonLimits = WORKFLOW_LIMITS): LimitViolation | undefined {
  if (isObject(value) && Array.isArray(value.nodes) && value.nodes.length > limits.maxNodes) {
    return { limit: 'maxNodes', message: `${value.nodes.length} nodes, more than the limit of ${limits.maxNodes}`, path: '/nodes' };
  }
  if (value === null || typeof value !== 'object') return undefined;
  // Fast pass without allocations (recursion is bounded by maxDepth); the paths are
  // traced only when some value is too deep.
  if (!deeperThan(value, 1, limits.maxDepth)) return undefined;
  const stack: Array<{ value: object; depth: number; parent: number; key: string }> = [{ value, depth: 1, parent: -1, key: '' }];
  // Parents are kept only to name the place of a violation.
  const trail: Array<{ parent: number; key: string }> = [];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const here = trail.push({ parent: item.parent, key: item.key }) - 1;
    if (item.depth > limits.maxDepth) {
      const keys: string[] = [];
      for (let at = here; at > 0; at = trail[at].parent) keys.push(escapePointer(trail[at].key));
      return { limit: 'maxDepth', message: `nested deeper than ${limits.maxDepth} levels`, path: keys.length > 0 ? `/${keys.reverse().join('/')}` : '' };
    }
    const depth = item.depth + 1;
    if (Array.isArray(item.value)) {
      for (let i = 0; i < item.value.length; i++) {
        const v: unknown = (item.value as unknown[])[i];
        if (v !== null && typeof v === 'object') stack.push({ value: v, depth, parent: here, key: String(i) });
      }
    } else {
      const object = item.value as Record<string, unknown>;
      for (const k in object) {
        const v = object[k];
        if (v !== null && typeof v === 'object') stack.push({ value: v, depth, parent: here, key: k });
      }
    }
  }
  return undefined;
}

/**
 * Does `value` (at `depth`) hold an object or array deeper than `max`? Recurses at most max + 1 levels.
 * Own enumerable values only (what every check reads); Object.values is the fastest walk in V8.
 */
export function deeperThan(value: object, depth: number, max: number): boolean {
  if (depth > max) return true;
  const list: unknown[] = Array.isArray(value) ? value : Object.values(value);
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (v !== null && typeof v === 'object' && deeperThan(v, depth + 1, max)) return true;
  }
  return false;
}
