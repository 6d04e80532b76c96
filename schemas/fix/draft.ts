/**
 * The mutable copy a repair works on, and the reads every fixer shares: nodes by name,
 * catalog ports, JSON Pointers, the connection lists, node references in expressions.
 * Only fixWorkflow creates one (from a deep copy): fixers never touch the caller's value.
 */
import { distance } from 'fastest-levenshtein';
import type { NodeCatalog, NodeTypeInfo } from '../catalog/catalog';
import type { CatalogPorts } from '../catalog/types';
import { forEachConnection } from '../graph';
import { isObject, type JsonObject } from '../json-value';
import type { ValidationIssue } from '../validator';
import { forEachReference } from '../validator/runtime';
import { suggestNames } from '../validator/suggest';

/** RFC 6901 pointer → segments ('' → []). */
export function parsePointer(path: string): string[] {
  if (path === '') return [];
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function toPointer(segments: Array<string | number>): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Segments compared for "later first" order: numbers as numbers, so removing entry 3 never moves entry 1. */
export function comparePathsDescending(a: string, b: string): number {
  const sa = parsePointer(a);
  const sb = parsePointer(b);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    if (sa[i] === sb[i]) continue;
    const na = /^\d+$/.test(sa[i]) ? Number(sa[i]) : NaN;
    const nb = /^\d+$/.test(sb[i]) ? Number(sb[i]) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb)) return nb - na;
    return sa[i] < sb[i] ? 1 : -1;
  }
  return sb.length - sa.length;
}

export type Side = 'inputs' | 'outputs';

/** One connection entry, where it sits in `connections`. */
export interface Link {
  source: string;
  type: string;
  output: number;
  entry: number;
  target: JsonObject;
}

export class Draft {
  constructor(
    /** The unwrapped workflow being repaired (a deep copy). */
    readonly workflow: JsonObject,
    readonly catalog: NodeCatalog,
    /** Errors of the validation this pass started from (fixers read the whole picture, e.g. orphaned names). */
    readonly errors: ValidationIssue[],
  ) {}

  get nodes(): JsonObject[] {
    return Array.isArray(this.workflow.nodes) ? (this.workflow.nodes.filter(isObject) as JsonObject[]) : [];
  }

  nodeAt(index: number): JsonObject | undefined {
    const nodes = this.workflow.nodes;
    if (!Array.isArray(nodes)) return undefined;
    const node: unknown = nodes[index];
    return isObject(node) ? node : undefined;
  }

  /** Node index from a path `/nodes/<i>/…`. */
  nodeIndexOf(segments: string[]): number | undefined {
    return segments[0] === 'nodes' && /^\d+$/.test(segments[1] ?? '') ? Number(segments[1]) : undefined;
  }

  names(): Set<string> {
    const names = new Set<string>();
    for (const n of this.nodes) if (typeof n.name === 'string') names.add(n.name);
    return names;
  }

  /** As in n8n: the last node of a name is the one connections reach. */
  nodeNamed(name: string): JsonObject | undefined {
    let found: JsonObject | undefined;
    for (const n of this.nodes) if (n.name === name) found = n;
    return found;
  }

  info(node: JsonObject | undefined): NodeTypeInfo | undefined {
    return node && typeof node.type === 'string' ? this.catalog.get(node.type) : undefined;
  }

  /** The node's ports at its version (its default version when that one does not exist). */
  ports(node: JsonObject | undefined, side: Side, type = node?.type): CatalogPorts | undefined {
    const info = typeof type === 'string' ? this.catalog.get(type) : undefined;
    if (!info) return undefined;
    const version = typeof node?.typeVersion === 'number' && info.hasVersion(node.typeVersion) ? node.typeVersion : info.entry.defaultVersion;
    return (info.variantFor(version) ?? info.variants[info.variants.length - 1])?.[side];
  }

  /** Can this node (as `type`) carry `connectionType` on that side? undefined when nobody knows. */
  carries(node: JsonObject | undefined, side: Side, connectionType: string, type = node?.type): boolean | undefined {
    const p = this.ports(node, side, type);
    if (!p) return undefined;
    if (p.dynamic) return !p.possible || p.possible.length === 0 ? undefined : p.possible.includes(connectionType);
    return p.types.includes(connectionType);
  }

  /** Connection types the node's side can carry, as far as the catalog knows. */
  portTypes(node: JsonObject | undefined, side: Side, type = node?.type): string[] | undefined {
    const p = this.ports(node, side, type);
    if (!p) return undefined;
    if (p.dynamic) return p.possible && p.possible.length > 0 ? p.possible : undefined;
    return [...new Set(p.types)];
  }

  get connections(): JsonObject | undefined {
    return isObject(this.workflow.connections) ? this.workflow.connections : undefined;
  }

  links(): Link[] {
    const out: Link[] = [];
    forEachConnection(this.connections, (source, type, output, entry, target) => {
      if (isObject(target)) out.push({ source, type, output, entry, target });
    });
    return out;
  }

  /** The target list at `connections[source][type][output]`, created (padded with []) when missing. */
  targetList(source: string, type: string, output: number): unknown[] {
    if (!isObject(this.workflow.connections)) this.workflow.connections = {};
    const connections = this.workflow.connections as JsonObject;
    if (!isObject(connections[source])) connections[source] = {};
    const byType = connections[source] as JsonObject;
    if (!Array.isArray(byType[type])) byType[type] = [];
    const outputs = byType[type] as unknown[];
    while (outputs.length <= output) outputs.push([]);
    if (!Array.isArray(outputs[output])) outputs[output] = [];
    return outputs[output] as unknown[];
  }

  /** Remove one entry; then drop what it leaves empty at the end (trailing empty outputs, empty types, empty sources). */
  removeLink(source: string, type: string, output: number, entry: number): void {
    const byType = this.connections?.[source];
    if (!isObject(byType)) return;
    const outputs = byType[type];
    if (!Array.isArray(outputs) || !Array.isArray(outputs[output])) return;
    (outputs[output] as unknown[]).splice(entry, 1);
    this.tidy(source, type);
  }

  /** Add a link unless the same one is there already. */
  addLink(source: string, type: string, output: number, target: JsonObject): void {
    const list = this.targetList(source, type, output);
    const same = list.some((t) => isObject(t) && t.node === target.node && (t.index ?? 0) === (target.index ?? 0) && (t.type ?? type) === (target.type ?? type));
    if (!same) list.push(target);
  }

  /** Trailing empty output lists, empty types and sources left by a removal. */
  tidy(source: string, type: string): void {
    const connections = this.connections;
    const byType = connections?.[source];
    if (!connections || !isObject(byType)) return;
    const outputs = byType[type];
    if (Array.isArray(outputs)) {
      while (outputs.length > 0 && Array.isArray(outputs[outputs.length - 1]) && (outputs[outputs.length - 1] as unknown[]).length === 0) outputs.pop();
      if (outputs.length === 0) delete byType[type];
    }
    if (Object.keys(byType).length === 0) delete connections[source];
  }

  /** How connections and expressions use a name: as a source (type and output), as a target (type), in expressions. */
  usesOf(names: Set<string>): Map<string, NameUse> {
    const uses = new Map<string, NameUse>();
    const entry = (name: string) => {
      let e = uses.get(name);
      if (!e) uses.set(name, (e = { asSource: [], asTarget: [], inExpressions: 0 }));
      return e;
    };
    for (const link of this.links()) {
      if (names.has(link.source)) entry(link.source).asSource.push({ type: link.type, output: link.output });
      if (typeof link.target.node === 'string' && names.has(link.target.node)) entry(link.target.node).asTarget.push(typeof link.target.type === 'string' ? link.target.type : link.type);
    }
    for (const node of this.nodes) {
      walkExpressions(node.parameters, (text) => {
        forEachReference(text, (literal) => {
          if (literal !== undefined && names.has(literal)) entry(literal).inExpressions++;
        });
      });
    }
    return uses;
  }

  /** Names that connections or expressions use but no node has: what a renamed node left behind. */
  orphanNames(): Map<string, NameUse> {
    const names = this.names();
    const used = new Set<string>();
    for (const link of this.links()) {
      if (!names.has(link.source)) used.add(link.source);
      if (typeof link.target.node === 'string' && !names.has(link.target.node)) used.add(link.target.node);
    }
    for (const node of this.nodes) {
      walkExpressions(node.parameters, (text) => forEachReference(text, (literal) => literal !== undefined && !names.has(literal) && used.add(literal)));
    }
    return this.usesOf(used);
  }

  /** How well `node` fits a use of its name: negative when some use is impossible (a type it cannot carry, an output it lacks). */
  useFit(node: JsonObject, use: NameUse): number {
    let score = 0;
    const outputs = this.ports(node, 'outputs');
    for (const { type, output } of use.asSource) {
      const carried = this.carries(node, 'outputs', type);
      let count = outputs && !outputs.dynamic ? outputs.types.filter((t) => t === type).length : Infinity;
      if (type === 'main' && node.onError === 'continueErrorOutput') count++;
      score += carried === false || output >= count ? -10 : 1;
    }
    for (const type of use.asTarget) score += this.carries(node, 'inputs', type) === false ? -10 : 1;
    return score;
  }
}

export interface NameUse {
  asSource: Array<{ type: string; output: number }>;
  asTarget: string[];
  inExpressions: number;
}

/** Every expression string (`=…{{…`) below `value`, with a setter to replace it. */
export function walkExpressions(value: unknown, visit: (text: string, replace: (next: string) => void) => void, depth = 0): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, v] of entries) {
    if (typeof v === 'string') {
      if (v.charCodeAt(0) === 61 && v.includes('{{')) visit(v, (next) => ((value as Record<string | number, unknown>)[key] = next));
    } else walkExpressions(v, visit, depth + 1);
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function quoteFor(name: string, quote: string): string {
  return `${quote}${name.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`)}${quote}`;
}

function unquote(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/**
 * `text` with every literal reference to node `from` (`$('from')`, `$("from")`, `$items("from")`,
 * `$node["from"]`, `$node.from`) naming `to` instead. Other text is left byte for byte.
 */
export function renameReferences(text: string, from: string, to: string): string {
  const quoted = /(\$\(\s*|\$items\s*\(\s*|\$node\s*\[\s*)(["'`])((?:\\.|(?!\2)[^\\])*)\2/g;
  let out = text.replace(quoted, (match, head: string, quote: string, body: string, offset: number) => {
    if (offset > 0 && /[A-Za-z0-9_$]/.test(text[offset - 1])) return match;
    return unquote(body) === from ? `${head}${quoteFor(to, quote)}` : match;
  });
  if (IDENTIFIER.test(from)) {
    out = out.replace(/\$node\.([A-Za-z_$][A-Za-z0-9_$]*)/g, (match, name: string) => (name !== from ? match : IDENTIFIER.test(to) ? `$node.${to}` : `$node[${quoteFor(to, '"')}]`));
  }
  return out;
}

/** Lower case, letters and digits only: "Google Sheets", "google_sheets" and "googleSheets" agree. */
export function looseKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * The names nearest `literal` by edit distance (the suggestion list's budget); among equals,
 * those ending in the same number ("Set Tex3" is "Set Text3", not "Set Text").
 */
export function nearestNames(literal: string, names: Iterable<string>): string[] {
  const scored = suggestNames(literal, names, 5).map((n) => ({ n, d: distance(literal.toLowerCase(), n.toLowerCase()) }));
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((s) => s.d));
  const nearest = scored.filter((s) => s.d === best).map((s) => s.n);
  const digits = /\d+$/.exec(literal)?.[0];
  const sameNumber = nearest.filter((n) => (/\d+$/.exec(n)?.[0] ?? '') === (digits ?? ''));
  return sameNumber.length > 0 ? sameNumber : nearest;
}
