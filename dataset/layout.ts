/**
 * Graph analysis and auto-layout for workflows without positions (hydrated compact
 * targets). Pure and deterministic: the same nodes and connections always give the
 * same order and the same positions.
 *
 * - Main nodes are layered left to right along `main` connections from the nodes no
 *   `main` connection reaches (triggers): longest-path layering, back edges of loops
 *   (found by a depth-first search from those roots) ignored.
 * - Within a layer, a node follows the earliest (source position, output index, entry
 *   index) that reaches it, so the targets of one output sit top to bottom in the
 *   order of the connection entries (If: true branch above false branch).
 * - AI sub-nodes — nodes connected only through `ai_*` connections into another node
 *   (chat models, memories, tools, embeddings, …) — sit in a row below their parent,
 *   recursively (a vector-store tool's embeddings below the tool).
 * - Nodes with no `main` connection at all that are not triggers go in a last column.
 * - Each node is given the room n8n 2.x draws it in (canvas.ts: its size by kind, its label
 *   band, a trigger's bolt), so outlines never overlap; positions are multiples of 16 (n8n's
 *   canvas grid, which it snaps positions to on load).
 *
 * A maintained layered-layout library (@dagrejs/dagre, elkjs) was considered: dagre's
 * rankers float a source towards its successors (a second trigger would not stay in
 * the first column) and it has no rank constraints, and neither knows n8n's sub-node
 * rows, so the layering, sub-node placement and grid snapping would all be written
 * here anyway. This file is that small layered layout, with no dependency.
 */
import { readConnections, type GraphEdge, type GraphNode } from '../schemas/graph';
import { CANVAS_GRID, DEFAULT_NODE_SIZE, defaultFootprint, footprintExtent, type NodeFootprint } from './canvas';

/** n8n's canvas grid: every position is a multiple of it. */
export const GRID = CANVAS_GRID;
/** Space between the outlines (labels included) of two columns: a chain of default nodes steps 224, as n8n places them. */
export const COLUMN_GAP = 32;
/** Space between the outlines of two blocks of one column. */
export const ROW_GAP = 32;
/** Space from a node's outline down to its row of sub-nodes (n8n's own layout leaves 128). */
export const SUB_ROW_GAP = 128;
/** Space between the outlines of two sub-nodes of one row. */
export const SUB_GAP = 16;

/** A node as the layout needs it. */
export interface LayoutNode extends GraphNode {
  /** Starts executions (catalog `trigger`): stays in the first column even when nothing follows it. */
  trigger?: boolean;
  /** What the node takes on the canvas (canvas.ts `nodeFootprints`); a default node (or trigger) when absent. */
  footprint?: NodeFootprint;
}

export interface WorkflowGraph {
  /** Every connection between two nodes of the list, in canonical order. */
  edges: GraphEdge[];
  /** Sub-node → the node it is drawn below (undefined for main nodes). */
  parent: Array<number | undefined>;
  /** Sub-nodes of each node, in input order. */
  children: number[][];
  /** Layer (column) of each main node; undefined for sub-nodes and disconnected nodes. */
  layer: Array<number | undefined>;
  /** Main nodes per layer, top to bottom. */
  layers: number[][];
  /** Main nodes that are neither triggers nor joined to anything by `main` connections. */
  disconnected: number[];
  /**
   * Canonical order of all nodes: layer by layer, top to bottom, each main node followed
   * by its sub-nodes (depth first), then the disconnected nodes with theirs.
   */
  order: number[];
}

/** Sub-nodes and their parents: a node whose only connections are its own `ai_*` outputs into other nodes. */
function findParents(count: number, edges: GraphEdge[]): Array<number | undefined> {
  const hasMain = new Array<boolean>(count).fill(false);
  const firstAiTarget = new Array<number | undefined>(count).fill(undefined);
  for (const e of edges) {
    if (e.type === 'main') {
      hasMain[e.from] = true;
      hasMain[e.to] = true;
    } else if (e.from !== e.to && firstAiTarget[e.from] === undefined) {
      firstAiTarget[e.from] = e.to;
    }
  }
  const parent = firstAiTarget.map((target, i) => (hasMain[i] ? undefined : target));
  // A ring of sub-nodes has no anchor: its first member becomes a main node. Each node is
  // walked once (settled afterwards): linear even for chains of thousands of sub-nodes.
  const settled = new Array<boolean>(count).fill(false);
  for (let i = 0; i < count; i++) {
    const path: number[] = [];
    const onPath = new Set<number>();
    let current: number | undefined = i;
    while (current !== undefined && !settled[current] && !onPath.has(current)) {
      onPath.add(current);
      path.push(current);
      current = parent[current];
    }
    if (current !== undefined && onPath.has(current)) {
      let first = current;
      for (let n = parent[current]!; n !== current; n = parent[n]!) first = Math.min(first, n);
      parent[first] = undefined;
    }
    for (const n of path) settled[n] = true;
  }
  return parent;
}

export function analyzeGraph(nodes: LayoutNode[], connections: unknown): WorkflowGraph {
  const count = nodes.length;
  const edges = readConnections(nodes, connections);
  const parent = findParents(count, edges);
  const children = childrenOf(parent);
  const main = mainEdges(count, edges, parent);
  const { graphNodes, disconnected } = splitMainNodes(nodes, parent, main);
  const back = findBackEdges(nodes, graphNodes, main);
  const layer = longestPathLayers(count, graphNodes, main, back);
  const layers = orderLayers(count, graphNodes, layer, main, back);
  const order = canonicalOrder(layers, disconnected, children);
  return { edges, parent, children, layer, layers, disconnected, order };
}

/** `main` connections between main nodes, by node: what the columns are made of. */
interface MainEdges {
  out: GraphEdge[][];
  in: GraphEdge[][];
}

function childrenOf(parent: Array<number | undefined>): number[][] {
  const children: number[][] = parent.map(() => []);
  parent.forEach((p, i) => {
    if (p !== undefined) children[p].push(i);
  });
  return children;
}

function mainEdges(count: number, edges: GraphEdge[], parent: Array<number | undefined>): MainEdges {
  const isMain = (i: number) => parent[i] === undefined;
  const main: MainEdges = { out: Array.from({ length: count }, () => []), in: Array.from({ length: count }, () => []) };
  for (const e of edges) {
    if (e.type !== 'main' || !isMain(e.from) || !isMain(e.to)) continue;
    main.out[e.from].push(e);
    main.in[e.to].push(e);
  }
  return main;
}

/** Main nodes in the columns (wired by `main`, or triggers), and the disconnected rest. */
function splitMainNodes(nodes: LayoutNode[], parent: Array<number | undefined>, main: MainEdges): { graphNodes: number[]; disconnected: number[] } {
  const disconnected: number[] = [];
  const graphNodes: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (parent[i] !== undefined) continue;
    if (main.out[i].length > 0 || main.in[i].length > 0 || nodes[i].trigger) graphNodes.push(i);
    else disconnected.push(i);
  }
  return { graphNodes, disconnected };
}

/**
 * Back edges of loops, found depth first from the roots (in input order), then from
 * whatever a loop keeps unreachable (by name, so the result does not depend on order).
 */
function findBackEdges(nodes: LayoutNode[], graphNodes: number[], main: MainEdges): Set<GraphEdge> {
  const back = new Set<GraphEdge>();
  const state = new Array<0 | 1 | 2>(nodes.length).fill(0);
  const visit = (start: number) => {
    const stack: Array<{ node: number; next: number }> = [{ node: start, next: 0 }];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const out = main.out[top.node];
      if (top.next >= out.length) {
        state[top.node] = 2;
        stack.pop();
        continue;
      }
      const e = out[top.next++];
      if (state[e.to] === 1) back.add(e);
      else if (state[e.to] === 0) {
        state[e.to] = 1;
        stack.push({ node: e.to, next: 0 });
      }
    }
  };
  const roots = graphNodes.filter((i) => main.in[i].every((e) => e.from === i));
  for (const r of roots) if (state[r] === 0) visit(r);
  const rest = graphNodes.filter((i) => state[i] === 0).sort((a, b) => compareNames(nodes[a].name, nodes[b].name) || a - b);
  for (const r of rest) if (state[r] === 0) visit(r);
  return back;
}

/** Longest path over the forward edges (Kahn's order): each main node's column. */
function longestPathLayers(count: number, graphNodes: number[], main: MainEdges, back: Set<GraphEdge>): Array<number | undefined> {
  const layer = new Array<number | undefined>(count).fill(undefined);
  const pending = new Array<number>(count).fill(0);
  for (const i of graphNodes) pending[i] = main.in[i].filter((e) => !back.has(e)).length;
  const queue = graphNodes.filter((i) => pending[i] === 0);
  for (const i of queue) layer[i] = 0;
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q];
    for (const e of main.out[u]) {
      if (back.has(e)) continue;
      layer[e.to] = Math.max(layer[e.to] ?? 0, layer[u]! + 1);
      if (--pending[e.to] === 0) queue.push(e.to);
    }
  }
  return layer;
}

/** Order within layers: follow the earliest (source slot, output, entry) that reaches a node. */
function orderLayers(count: number, graphNodes: number[], layer: Array<number | undefined>, main: MainEdges, back: Set<GraphEdge>): number[][] {
  const depth = graphNodes.reduce((max, i) => Math.max(max, layer[i] ?? 0), -1);
  const layers: number[][] = Array.from({ length: depth + 1 }, () => []);
  for (const i of graphNodes) layers[layer[i] ?? 0].push(i);
  const slot = new Array<number>(count).fill(-1);
  let nextSlot = 0;
  layers.forEach((members, l) => {
    if (l > 0) {
      const key = new Map<number, [number, number, number]>();
      for (const v of members) {
        let best: [number, number, number] = [Infinity, Infinity, Infinity];
        for (const e of main.in[v]) {
          if (back.has(e) || slot[e.from] < 0) continue;
          const k: [number, number, number] = [slot[e.from], e.output, e.entry];
          if (compareTuples(k, best) < 0) best = k;
        }
        key.set(v, best);
      }
      members.sort((a, b) => compareTuples(key.get(a)!, key.get(b)!) || a - b);
    }
    for (const v of members) slot[v] = nextSlot++;
  });
  return layers;
}

/** Each node, then its sub-nodes depth first: iterative, as a chain of sub-nodes may be thousands deep. */
function canonicalOrder(layers: number[][], disconnected: number[], children: number[][]): number[] {
  const order: number[] = [];
  const emit = (root: number) => {
    const stack = [root];
    while (stack.length > 0) {
      const i = stack.pop()!;
      order.push(i);
      for (let k = children[i].length - 1; k >= 0; k--) stack.push(children[i][k]);
    }
  };
  for (const members of layers) for (const i of members) emit(i);
  for (const i of disconnected) emit(i);
  return order;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

const snap = (v: number): number => Math.round(v / GRID) * GRID + 0;
const floorToGrid = (v: number): number => Math.floor(v / GRID) * GRID + 0;
const ceilToGrid = (v: number): number => Math.ceil(v / GRID) * GRID + 0;

/** A node with its sub-nodes below it: the rectangle they all take, and where the node sits in it. */
interface Block {
  width: number;
  height: number;
  /** From the block's left edge to the node's position (on the grid). */
  nodeX: number;
  /** From the node's position to the left edge of its row of sub-nodes. */
  rowX: number;
}

/**
 * Canvas positions `[x, y]` (one per input node; the top-left corner of each body, as in
 * n8n) for a workflow laid out left to right: columns side by side, the blocks of one
 * column (a node and its sub-nodes) stacked, each block's outline — bodies, labels, a
 * trigger's bolt, from the nodes' footprints — apart from every other, so no two nodes
 * ever overlap. The main row of each column is centred on the middle of a default node
 * at y = 0; the first column's outline starts at x = 0.
 */
export function layoutWorkflow(nodes: LayoutNode[], connections: unknown, graph = analyzeGraph(nodes, connections)): Array<[number, number]> {
  const positions: Array<[number, number]> = nodes.map(() => [0, 0]);
  const footprints = nodes.map((n) => n.footprint ?? defaultFootprint(n.trigger));
  const canvas: Canvas = { children: graph.children, footprints, blockOf: blockMeasurer(graph.children, footprints), positions };
  const columns = graph.disconnected.length > 0 ? [...graph.layers, graph.disconnected] : graph.layers;
  let columnX = 0;
  for (const members of columns) {
    if (members.length === 0) continue;
    columnX += placeColumn(canvas, members, columnX) + COLUMN_GAP;
  }
  return positions;
}

/** What placing a column needs: the tree of sub-nodes, the nodes' footprints and blocks, and the positions it fills in. */
interface Canvas {
  children: number[][];
  footprints: NodeFootprint[];
  blockOf: (node: number) => Block;
  positions: Array<[number, number]>;
}

/**
 * The block of a node, measured once: blocks bottom up without recursion, as sub-node chains
 * may be thousands deep.
 */
function blockMeasurer(children: number[][], footprints: NodeFootprint[]): (root: number) => Block {
  const blocks = new Map<number, Block>();
  return (root: number): Block => {
    const pending: Array<{ node: number; expanded: boolean }> = [{ node: root, expanded: false }];
    while (pending.length > 0) {
      const top = pending[pending.length - 1];
      if (blocks.has(top.node)) {
        pending.pop();
        continue;
      }
      const kids = children[top.node];
      if (!top.expanded) {
        top.expanded = true;
        for (const k of kids) if (!blocks.has(k)) pending.push({ node: k, expanded: false });
        continue;
      }
      pending.pop();
      blocks.set(top.node, measureBlock(footprints[top.node], kids.map((k) => blocks.get(k)!)));
    }
    return blocks.get(root)!;
  };
}

/** A node's block from its footprint and its sub-nodes' blocks: its own outline, then its row of sub-nodes centred below it. */
function measureBlock(footprint: NodeFootprint, kids: Block[]): Block {
  // Relative to the node's position.
  const own = footprintExtent(footprint);
  let left = own.left;
  let right = own.right;
  let bottom = own.bottom;
  let rowX = 0;
  if (kids.length > 0) {
    let row = SUB_GAP * (kids.length - 1);
    let tallest = 0;
    for (const kid of kids) {
      row += kid.width;
      tallest = Math.max(tallest, kid.height);
    }
    rowX = snap(footprint.width / 2 - row / 2);
    left = Math.min(left, rowX);
    right = Math.max(right, rowX + row);
    bottom = ceilToGrid(own.bottom) + SUB_ROW_GAP + tallest;
  }
  const nodeX = -floorToGrid(left);
  return { width: ceilToGrid(right + nodeX), height: ceilToGrid(bottom), nodeX, rowX };
}

/**
 * Stacks the blocks of one column from `columnX`, their main row centred on the middle of a
 * default node at y = 0, and places them; returns the column's width.
 */
function placeColumn(canvas: Canvas, members: number[], columnX: number): number {
  const { blockOf, footprints } = canvas;
  const width = members.reduce((max, i) => Math.max(max, blockOf(i).width), 0);
  const tops: number[] = [];
  let y = 0;
  for (const i of members) {
    tops.push(y);
    y += blockOf(i).height + ROW_GAP;
  }
  // Main nodes are joined at their vertical middle: centre the column's first and last middles on a default node's.
  const middle = (k: number) => tops[k] + footprints[members[k]].height / 2;
  const shift = snap((middle(0) + middle(members.length - 1)) / 2 - DEFAULT_NODE_SIZE / 2);
  members.forEach((i, k) => placeBlock(canvas, i, columnX + snap((width - blockOf(i).width) / 2), tops[k] - shift));
  return width;
}

/** Positions a node at its place in a block whose left edge is `blockX`, then its sub-nodes in rows below it, top down without recursion. */
function placeBlock(canvas: Canvas, root: number, blockX: number, nodeY: number): void {
  const { children, footprints, blockOf, positions } = canvas;
  const pending: Array<[number, number, number]> = [[root, blockX, nodeY]];
  while (pending.length > 0) {
    const [i, x, y] = pending.pop()!;
    const block = blockOf(i);
    const nodeX = x + block.nodeX;
    positions[i] = [nodeX, y];
    const kids = children[i];
    if (kids.length === 0) continue;
    const rowY = y + ceilToGrid(footprintExtent(footprints[i]).bottom) + SUB_ROW_GAP;
    let kidX = nodeX + block.rowX;
    for (const k of kids) {
      pending.push([k, kidX, rowY]);
      kidX += blockOf(k).width + SUB_GAP;
    }
  }
}
