/**
 * A workflow as a graph: the one reader of n8n's `connections` object
 * (`{ [source name]: { [connection type]: outputs[] } }`, each output a list of entries
 * `{node, type, index}`), the node and edge types every module shares, and the sticky note
 * (a node on the canvas that is no part of the graph).
 *
 * Reading is tolerant: a level of the wrong shape (a source that is not an object, a
 * type that is not a list, an output that is not a list) is skipped, never an error —
 * the validator says what is wrong with it (`validator/connections.ts`).
 */
import { isObject } from './json-value';

/** n8n's sticky note: drawn on the canvas, never connected, never run. */
export const STICKY_NOTE_TYPE = 'n8n-nodes-base.stickyNote';

export const isStickyNote = (node: { type?: unknown }): boolean => node.type === STICKY_NOTE_TYPE;

/** A workflow as read (export, template, cleaned record, compact target): every field may be anything. */
export interface WorkflowInput {
  name?: unknown;
  nodes?: unknown;
  connections?: unknown;
  settings?: unknown;
}

/** A node as the graph knows it: connections reach nodes by name. */
export interface GraphNode {
  name: string;
}

/** One connection between two nodes of a list. */
export interface GraphEdge {
  /** Index of the source node. */
  from: number;
  /** Index of the target node. */
  to: number;
  /** Connection type of the source's output list (`main`, `ai_languageModel`, …). */
  type: string;
  /** Index of the source's output (position in the output list). */
  output: number;
  /** Position of the entry in its output's list. */
  entry: number;
  /** The target's input index (`index` of the entry, as written; 0 when it is not a number). */
  input: number;
}

/** `main` first, then the other connection types alphabetically: independent of key order. */
export function compareConnectionTypes(a: string, b: string): number {
  if (a === b) return 0;
  if (a === 'main') return -1;
  if (b === 'main') return 1;
  return a < b ? -1 : 1;
}

/** Called for every element of every output list, as written (`target` may be anything). */
export type ConnectionVisitor = (source: string, type: string, output: number, entry: number, target: unknown) => void;

/**
 * Every entry of `connections`, skipping the levels of the wrong shape. In key order; with
 * `compareSources`, sources in that order and their types in `compareConnectionTypes` order
 * (so that what is read does not depend on the key order of the JSON).
 */
export function forEachConnection(connections: unknown, visit: ConnectionVisitor, compareSources?: (a: string, b: string) => number): void {
  if (!isObject(connections)) return;
  const sources = Object.keys(connections);
  if (compareSources) sources.sort(compareSources);
  for (const source of sources) {
    const byType = connections[source];
    if (!isObject(byType)) continue;
    const types = Object.keys(byType);
    if (compareSources) types.sort(compareConnectionTypes);
    for (const type of types) {
      const outputs = byType[type];
      if (!Array.isArray(outputs)) continue;
      for (let output = 0; output < outputs.length; output++) {
        const targets: unknown = outputs[output];
        if (!Array.isArray(targets)) continue;
        for (let entry = 0; entry < targets.length; entry++) visit(source, type, output, entry, targets[entry]);
      }
    }
  }
}

export interface ReadConnectionsOptions {
  /** Read a bare name as an entry into input 0 (the compact form: `{"A": {"main": [["B"]]}}`). */
  compactEntries?: boolean;
}

/**
 * The connections between nodes of the list, as typed edges: sources in node order, their
 * types `main` first then alphabetically, outputs and entries as written. As in n8n, the last
 * node of a name is the one reached; entries without a node name of the list are left out.
 */
export function readConnections(nodes: readonly GraphNode[], connections: unknown, options: ReadConnectionsOptions = {}): GraphEdge[] {
  const byName = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) byName.set(nodes[i].name, i);
  const edges: GraphEdge[] = [];
  const compactEntries = options.compactEntries === true;
  // Names no node has sort last; their entries are skipped anyway.
  const rank = (name: string) => byName.get(name) ?? Infinity;
  forEachConnection(
    connections,
    (source, type, output, entry, target) => {
      const from = byName.get(source);
      if (from === undefined) return;
      let name: unknown;
      let index: unknown;
      if (isObject(target)) {
        name = target.node;
        index = target.index;
      } else if (compactEntries && typeof target === 'string') name = target;
      if (typeof name !== 'string') return;
      const to = byName.get(name);
      if (to !== undefined) edges.push({ from, to, type, output, entry, input: typeof index === 'number' ? index : 0 });
    },
    (a, b) => {
      const ra = rank(a);
      const rb = rank(b);
      return ra === rb ? 0 : ra < rb ? -1 : 1;
    },
  );
  return edges;
}
