/**
 * A compact workflow's connections as a flat list of edges that can be edited (a node taken
 * out with its neighbours joined, a node put in another's place) and written back in the
 * compact form. Reading goes through schemas/graph.ts `readConnections`, the one connection reader.
 */
import type { CompactConnections, ConnectionEntry } from '../../dataset/compact';
import { compareConnectionTypes, readConnections } from '../../schemas/graph';

export interface Edge {
  from: string;
  /** Connection type of the source's output list (`main`, `ai_languageModel`, …). */
  type: string;
  output: number;
  to: string;
  input: number;
}

/** The edges of `connections` between the named nodes (compact entries — bare names — included). */
export function edgesOf(names: readonly string[], connections: unknown): Edge[] {
  const nodes = names.map((name) => ({ name }));
  return readConnections(nodes, connections, { compactEntries: true }).map((e) => ({ from: names[e.from], type: e.type, output: e.output, to: names[e.to], input: e.input }));
}

/** Edges → compact connections (an entry into input 0 with its list's type is the bare name). */
export function connectionsOf(edges: readonly Edge[], order: readonly string[]): CompactConnections {
  const rank = new Map(order.map((name, i) => [name, i]));
  const out: CompactConnections = {};
  const sorted = [...edges].sort(
    (a, b) => (rank.get(a.from) ?? 0) - (rank.get(b.from) ?? 0) || compareConnectionTypes(a.type, b.type) || a.output - b.output,
  );
  for (const e of sorted) {
    const byType = (out[e.from] ??= {});
    const outputs = (byType[e.type] ??= []);
    while (outputs.length <= e.output) outputs.push([]);
    const entry: string | ConnectionEntry = e.input === 0 ? e.to : { node: e.to, type: e.type, index: e.input };
    const key = (x: string | ConnectionEntry) => (typeof x === 'string' ? `${x}#0` : `${x.node}#${x.index}`);
    if (!outputs[e.output].some((x) => key(x) === key(entry))) outputs[e.output].push(entry);
  }
  return out;
}

/**
 * Take `name` out: each node that fed it (by `main`) now feeds what it fed, on the same
 * output and input, so a chain A → X → B becomes A → B. Edges of other types go with it.
 */
export function removeAndRewire(edges: readonly Edge[], name: string): Edge[] {
  const incoming = edges.filter((e) => e.to === name && e.type === 'main' && e.from !== name);
  const outgoing = edges.filter((e) => e.from === name && e.type === 'main' && e.to !== name);
  const kept = edges.filter((e) => e.from !== name && e.to !== name);
  const seen = new Set(kept.map(edgeKey));
  for (const i of incoming) {
    for (const o of outgoing) {
      const joined: Edge = { from: i.from, type: 'main', output: i.output, to: o.to, input: o.input };
      if (joined.from === joined.to || seen.has(edgeKey(joined))) continue;
      seen.add(edgeKey(joined));
      kept.push(joined);
    }
  }
  return kept;
}

export const edgeKey = (e: Edge): string => `${e.from}\u0000${e.type}\u0000${e.output}\u0000${e.to}\u0000${e.input}`;

/** Every edge of `from` now leaves or enters `to` instead (a node put in another's place). */
export function renameInEdges(edges: readonly Edge[], from: string, to: string): Edge[] {
  return edges.map((e) => ({ ...e, from: e.from === from ? to : e.from, to: e.to === from ? to : e.to }));
}

/** Names of the nodes joined (by any edge, either way) to one of `roots`. */
export function connectedTo(roots: Iterable<string>, edges: readonly Edge[]): Set<string> {
  const neighbours = new Map<string, string[]>();
  for (const e of edges) {
    (neighbours.get(e.from) ?? neighbours.set(e.from, []).get(e.from)!).push(e.to);
    (neighbours.get(e.to) ?? neighbours.set(e.to, []).get(e.to)!).push(e.from);
  }
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const m of neighbours.get(n) ?? []) if (!seen.has(m)) stack.push(m);
  }
  return seen;
}

/** Names reachable from `start` along `main` edges (start included). */
export function downstream(start: string, edges: readonly Edge[]): Set<string> {
  const seen = new Set<string>();
  const stack = [start];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const e of edges) if (e.type === 'main' && e.from === n && !seen.has(e.to)) stack.push(e.to);
  }
  return seen;
}
