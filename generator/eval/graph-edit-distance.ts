/**
 * Workflow similarity as n8n's AI Workflow Builder evaluation computes it: a graph edit
 * distance (GED) under n8n's published cost model, normalised by the cost of deleting one
 * workflow and inserting the other. Reimplemented from the documented behaviour of
 * n8n's Python comparer (reference only, Sustainable Use License; nothing copied):
 *   n8n-io/n8n packages/@n8n/ai-workflow-builder.ee/evaluations/programmatic/python/src/
 *     configs/presets/standard.yaml (costs, similarity groups, ignore rules) @7e9c1bb
 *     graph_builder.py (what a node and an edge are, trigger detection)     @113d482
 *     cost_functions.py (node substitution / insertion / deletion costs)    @1463117
 *     similarity.py (GED call, normalisation)                              @9a9afff
 *
 * The cost model (`N8N_STANDARD_COSTS`, preset "standard"):
 * - Nodes: sticky notes ignored. A node is a trigger when its type or name contains
 *   "trigger", or its type contains webhook / cron (n8n's heuristic, Respond to Webhook
 *   included).
 * - Substitution: trigger-ness differs, or both triggers of different types → 50;
 *   same type → 0 when parameters and names are equal, else 1 + 0.5 × parameter
 *   difference + 7.5 when the names differ (15 × 0.5; smart quotes normalised);
 *   types in one similarity group (agents, chat models, tools, HTTP) → 5; else 15.
 * - Insertion / deletion: 10, a trigger 25 (50 / 2).
 * - Parameter difference: over the union of keys (position, id, notes, notesInFlow,
 *   color and the Agent's options.systemMessage ignored at any depth; objects left
 *   empty by that dropped): a key on one side only 1; expressions compared after
 *   removing comments, collapsing whitespace and keeping only $fromAI's first argument;
 *   options.temperature within 0.1 else 2, options.maxTokens within 100 else 1; nested
 *   objects 0.3 × their difference; lists of unequal length 0.5 per missing item, else
 *   0.5 per unequal object item and 1 per unequal other item; other values 1 if unequal.
 * - Edges: one per ordered node pair (n8n builds a networkx DiGraph: parallel
 *   connections between the same two nodes collapse, the last one read wins), labelled
 *   with their connection type. n8n's preset lists edge costs 5 / 5 / 3, but its GED
 *   call passes only an `edge_match` (equal connection type), so networkx's unit costs
 *   apply: insertion 1, deletion 1, substitution 0 when the types match, else 1.
 *   `N8N_STANDARD_COSTS.edges` holds those applied costs; the preset's 5 / 5 enter only
 *   the normaliser, as in n8n.
 * - Similarity = clamp(1 − GED / max, 0, 1) with max = 10 × (|N1| + |N2|) + 5 × (|E1| + |E2|)
 *   (n8n's `_calculate_max_cost`: flat node costs, triggers not weighted). Two empty
 *   workflows score 1.
 *
 * n8n runs networkx's exact `optimize_edit_paths` under a 30 s process timeout (a
 * timeout scores 0). Here: an exact depth-first branch-and-bound over node mappings
 * when both graphs have at most `EXACT_MAX_NODES` nodes, bounded by a budget of
 * `EXACT_MAX_EXPANSIONS` search states (deterministic, no clocks); it starts from the
 * bipartite upper bound below and proves it optimal or improves on it. Larger graphs,
 * or a search that runs out of budget, get the assignment-based approximation of
 * Riesen & Bunke (2009): a square (|N1| + |N2|) cost matrix of node costs plus half the
 * cost of pairing their incident edges, solved exactly with the Hungarian algorithm,
 * whose node mapping is then costed exactly — an upper bound on the true GED, so the
 * similarity is a lower bound. `exact` says which one a result is.
 *
 * Pure functions: no I/O, never throw on malformed workflows.
 */
import { isDeepStrictEqual } from 'node:util';
import { isObject } from '../../schemas/json-value';
import { unwrapWorkflow } from '../../schemas/validator/unwrap';
import { STICKY_NOTE_TYPE } from '../../schemas/graph';
import type { NormalisedGraph } from './metrics';

type Params = Record<string, unknown>;

export interface NumericTolerance {
  /** Parameter path, dots between levels (`options.temperature`). */
  parameter: string;
  tolerance: number;
  costIfExceeded: number;
}

export interface GedCostModel {
  name: string;
  nodes: {
    insertion: number;
    deletion: number;
    substitution: { sameType: number; similarType: number; differentType: number; triggerMismatch: number };
  };
  /** Edge costs the distance applies (see the file header). */
  edges: { insertion: number; deletion: number; mismatch: number };
  /** Edge costs of the normaliser (n8n's preset values). */
  maxCostEdges: { insertion: number; deletion: number };
  parameters: { mismatchWeight: number; nestedWeight: number };
  similarityGroups: string[][];
  ignoredNodeTypes: string[];
  /** Parameter names ignored at any depth. */
  ignoredParameters: string[];
  /** Parameter paths ignored per node type. */
  ignoredTypeParameters: Record<string, string[]>;
  numericTolerances: NumericTolerance[];
}

/** n8n's "standard" preset (the default of its evaluation CLI). */
export const N8N_STANDARD_COSTS: GedCostModel = {
  name: 'n8n standard',
  nodes: {
    insertion: 10,
    deletion: 10,
    substitution: { sameType: 1, similarType: 5, differentType: 15, triggerMismatch: 50 },
  },
  edges: { insertion: 1, deletion: 1, mismatch: 1 },
  maxCostEdges: { insertion: 5, deletion: 5 },
  parameters: { mismatchWeight: 0.5, nestedWeight: 0.3 },
  similarityGroups: [
    ['n8n-nodes-base.webhook', 'n8n-nodes-base.manualTrigger', 'n8n-nodes-base.scheduleTrigger'],
    ['n8n-nodes-langchain.agent', '@n8n/n8n-nodes-langchain.agent', 'n8n-nodes-langchain.basicAgent'],
    [
      '@n8n/n8n-nodes-langchain.lmChatOpenAi',
      '@n8n/n8n-nodes-langchain.lmChatAnthropic',
      '@n8n/n8n-nodes-langchain.lmChatOllama',
      '@n8n/n8n-nodes-langchain.lmChatMistralCloud',
      '@n8n/n8n-nodes-langchain.lmChatAws',
    ],
    [
      '@n8n/n8n-nodes-langchain.toolHttpRequest',
      '@n8n/n8n-nodes-langchain.toolCalculator',
      '@n8n/n8n-nodes-langchain.toolCode',
      '@n8n/n8n-nodes-langchain.toolWorkflow',
    ],
    ['n8n-nodes-base.httpRequest', '@n8n/n8n-nodes-langchain.toolHttpRequest'],
  ],
  ignoredNodeTypes: [STICKY_NOTE_TYPE],
  ignoredParameters: ['position', 'id', 'notes', 'notesInFlow', 'color'],
  ignoredTypeParameters: { '@n8n/n8n-nodes-langchain.agent': ['options.systemMessage'] },
  numericTolerances: [
    { parameter: 'options.temperature', tolerance: 0.1, costIfExceeded: 2 },
    { parameter: 'options.maxTokens', tolerance: 100, costIfExceeded: 1 },
  ],
};

/** Both graphs at most this many nodes: the exact search is tried. */
export const EXACT_MAX_NODES = 12;
/** Search states the exact search may visit before it settles for its best mapping so far. */
export const EXACT_MAX_EXPANSIONS = 20_000;

// ---------------------------------------------------------------------------------------
// The comparison graph

export interface GedNode {
  name: string;
  type: string;
  trigger: boolean;
  /** Parameters with the ignored keys removed. */
  parameters: Params;
}

export interface GedGraph {
  nodes: GedNode[];
  /** One edge per ordered pair: `from`/`to` are node indexes. */
  edges: Array<{ from: number; to: number; connectionType: string }>;
}

/** n8n's trigger heuristic (graph_builder.py `_is_trigger_node`). */
export function isTriggerLike(type: string, name: string): boolean {
  const t = type.toLowerCase();
  if (t.includes('trigger') || name.toLowerCase().includes('trigger')) return true;
  return ['webhook', 'cron'].some((k) => t.includes(k));
}

function isIgnoredParameter(model: GedCostModel, type: string, path: string): boolean {
  const last = path.slice(path.lastIndexOf('.') + 1);
  if (model.ignoredParameters.includes(last)) return true;
  return (model.ignoredTypeParameters[type] ?? []).includes(path);
}

function filterParameters(params: Params, type: string, model: GedCostModel, prefix = ''): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(params)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isIgnoredParameter(model, type, path)) continue;
    if (isObject(value)) {
      const nested = filterParameters(value, type, model, path);
      // As n8n does: an object with nothing left is dropped.
      if (Object.keys(nested).length > 0) out[key] = nested;
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The graph n8n's comparer builds from a workflow (compact or full, JSON text or wrapped):
 * nodes and edges as `normaliseGraph` read them (`graph`), node parameters from the
 * workflow's nodes. With several nodes of one name, edges attach to the first.
 */
export function buildGedGraph(workflow: unknown, graph: NormalisedGraph, model: GedCostModel = N8N_STANDARD_COSTS): GedGraph {
  const paramsByName = new Map<string, Params>();
  try {
    let input = workflow;
    if (typeof input === 'string') input = JSON.parse(input);
    const { workflow: unwrapped } = unwrapWorkflow(input);
    if (isObject(unwrapped) && Array.isArray(unwrapped.nodes)) {
      for (const node of unwrapped.nodes as unknown[]) {
        if (isObject(node) && typeof node.name === 'string' && !paramsByName.has(node.name)) {
          paramsByName.set(node.name, isObject(node.parameters) ? node.parameters : {});
        }
      }
    }
  } catch {
    // unreadable: normaliseGraph gave an empty graph already
  }
  const kept = graph.nodes.filter((n) => !model.ignoredNodeTypes.includes(n.type));
  const nodes: GedNode[] = kept.map((n) => ({
    name: n.name,
    type: n.type,
    trigger: isTriggerLike(n.type, n.name),
    parameters: filterParameters(paramsByName.get(n.name) ?? {}, n.type, model),
  }));
  const indexOf = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (!indexOf.has(n.name)) indexOf.set(n.name, i);
  });
  const byPair = new Map<string, { from: number; to: number; connectionType: string }>();
  for (const e of graph.edges) {
    const from = indexOf.get(e.from);
    const to = indexOf.get(e.to);
    if (from === undefined || to === undefined) continue;
    byPair.set(`${from},${to}`, { from, to, connectionType: e.connectionType });
  }
  return { nodes, edges: [...byPair.values()] };
}

// ---------------------------------------------------------------------------------------
// Node costs

/** An expression as n8n compares it: comments out, whitespace collapsed, $fromAI(first argument). */
export function normaliseExpression(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  let text = value.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ');
  text = text.replace(/\$fromAI\(([^)]*?)\)/g, (_m, args: string) => `$fromAI(${args.trim().split(',')[0].trim()})`);
  return text.trim();
}

function toleranceFor(model: GedCostModel, path: string): NumericTolerance | undefined {
  return model.numericTolerances.find((t) => t.parameter === path);
}

function listDifference(a: unknown[], b: unknown[]): number {
  if (a.length !== b.length) return Math.abs(a.length - b.length) * 0.5;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    if (isObject(a[i]) && isObject(b[i])) diff += isDeepStrictEqual(a[i], b[i]) ? 0 : 0.5;
    else if (!isDeepStrictEqual(a[i], b[i])) diff += 1;
  }
  return diff;
}

/** n8n's parameter difference of two nodes of one type (0 = equal). */
export function parameterDifference(a: Params, b: Params, type: string, model: GedCostModel = N8N_STANDARD_COSTS, prefix = ''): number {
  let diff = 0;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isIgnoredParameter(model, type, path)) continue;
    if (!Object.prototype.hasOwnProperty.call(a, key) || !Object.prototype.hasOwnProperty.call(b, key)) {
      diff += 1;
      continue;
    }
    const va = normaliseExpression(a[key]);
    const vb = normaliseExpression(b[key]);
    const tolerance = toleranceFor(model, path);
    if (tolerance) {
      const na = Number(va);
      const nb = Number(vb);
      const numeric = va !== null && vb !== null && va !== '' && vb !== '' && Number.isFinite(na) && Number.isFinite(nb);
      diff += numeric && Math.abs(na - nb) <= tolerance.tolerance ? 0 : tolerance.costIfExceeded;
    } else if (isObject(va) && isObject(vb)) {
      diff += parameterDifference(va, vb, type, model, path) * model.parameters.nestedWeight;
    } else if (Array.isArray(va) && Array.isArray(vb)) {
      diff += listDifference(va, vb);
    } else if (!isDeepStrictEqual(va, vb)) {
      diff += 1;
    }
  }
  return diff;
}

const normaliseQuotes = (name: string) => name.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');

export function nodeSubstitutionCost(a: GedNode, b: GedNode, model: GedCostModel = N8N_STANDARD_COSTS): number {
  const costs = model.nodes.substitution;
  if (a.trigger !== b.trigger || (a.trigger && a.type !== b.type)) return costs.triggerMismatch;
  if (a.type === b.type) {
    const params = parameterDifference(a.parameters, b.parameters, a.type, model);
    const namePenalty = normaliseQuotes(a.name) === normaliseQuotes(b.name) ? 0 : costs.differentType * 0.5;
    if (params === 0 && namePenalty === 0) return 0;
    return costs.sameType + params * model.parameters.mismatchWeight + namePenalty;
  }
  if (model.similarityGroups.some((g) => g.includes(a.type) && g.includes(b.type))) return costs.similarType;
  return costs.differentType;
}

export const nodeDeletionCost = (n: GedNode, model: GedCostModel = N8N_STANDARD_COSTS): number =>
  n.trigger ? model.nodes.substitution.triggerMismatch / 2 : model.nodes.deletion;
export const nodeInsertionCost = (n: GedNode, model: GedCostModel = N8N_STANDARD_COSTS): number =>
  n.trigger ? model.nodes.substitution.triggerMismatch / 2 : model.nodes.insertion;

// ---------------------------------------------------------------------------------------
// Graph edit distance

export interface GedResult {
  /** Cost of the best edit path found (the exact GED when `exact`). */
  cost: number;
  /** n8n's normaliser: deleting every node and edge of one graph and inserting the other's. */
  maxCost: number;
  /** clamp(1 − cost / maxCost, 0, 1); 1 for two empty graphs. */
  similarity: number;
  /** The cost is proven minimal (false: the assignment-based upper bound). */
  exact: boolean;
  /** `exact` search, or `bipartite` (too large, or the search ran out of budget). */
  method: 'exact' | 'bipartite';
  /** For each node of the first graph, the index of its partner in the second (-1: deleted). */
  mapping: number[];
}

/** Dense adjacency: connection-type id + 1 per ordered pair (0: no edge). */
interface Adjacency {
  n: number;
  cell: Int32Array;
}

function adjacency(graph: GedGraph, typeIds: Map<string, number>): Adjacency {
  const n = graph.nodes.length;
  const cell = new Int32Array(n * n);
  for (const e of graph.edges) {
    if (!typeIds.has(e.connectionType)) typeIds.set(e.connectionType, typeIds.size + 1);
    cell[e.from * n + e.to] = typeIds.get(e.connectionType)!;
  }
  return { n, cell };
}

/** Cost of the edges between a mapped pair (p1→q1 in G1, p2→q2 in G2; -1: no partner). */
function pairEdgeCost(a: Adjacency, b: Adjacency, p1: number, q1: number, p2: number, q2: number, model: GedCostModel): number {
  const t1 = a.cell[p1 * a.n + q1];
  const t2 = p2 >= 0 && q2 >= 0 ? b.cell[p2 * b.n + q2] : 0;
  if (t1 !== 0 && t2 !== 0) return t1 === t2 ? 0 : model.edges.mismatch;
  if (t1 !== 0) return model.edges.deletion;
  if (t2 !== 0) return model.edges.insertion;
  return 0;
}

/** Exact cost of a complete node mapping. */
function mappingCost(g1: GedGraph, g2: GedGraph, a: Adjacency, b: Adjacency, nodeCost: (i: number, j: number) => number, mapping: number[], model: GedCostModel): number {
  let cost = 0;
  const used = new Uint8Array(g2.nodes.length);
  mapping.forEach((j, i) => {
    cost += nodeCost(i, j);
    if (j >= 0) used[j] = 1;
  });
  g2.nodes.forEach((n, j) => {
    if (!used[j]) cost += nodeInsertionCost(n, model);
  });
  for (const e of g1.edges) {
    const p = mapping[e.from];
    const q = mapping[e.to];
    cost += pairEdgeCost(a, b, e.from, e.to, p, q, model);
  }
  const image = new Int32Array(g2.nodes.length).fill(-1);
  mapping.forEach((j, i) => {
    if (j >= 0) image[j] = i;
  });
  for (const e of g2.edges) {
    const p = image[e.from];
    const q = image[e.to];
    // Edges whose both ends are mapped were costed from G1's side unless G1 has none there.
    if (p >= 0 && q >= 0 && a.cell[p * a.n + q] !== 0) continue;
    cost += model.edges.insertion;
  }
  return cost;
}

/** Minimum-cost perfect assignment of a square matrix (Hungarian algorithm, O(n³)); row → column. */
export function solveAssignment(cost: Float64Array, n: number): Int32Array {
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // column → row (1-based), 0 = free
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const usedCol = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(INF);
    usedCol.fill(0);
    do {
      usedCol[j0] = 1;
      const i0 = p[j0];
      let delta = INF;
      let j1 = 0;
      const row = (i0 - 1) * n;
      for (let j = 1; j <= n; j++) {
        if (usedCol[j]) continue;
        const cur = cost[row + j - 1] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (usedCol[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const assignment = new Int32Array(n);
  for (let j = 1; j <= n; j++) if (p[j] > 0) assignment[p[j] - 1] = j - 1;
  return assignment;
}

/** Incident edges of a node by direction and connection type, for the local edge estimate. */
function incidentTypes(graph: GedGraph, typeIds: Map<string, number>): Array<{ out: Map<number, number>; in: Map<number, number>; outN: number; inN: number }> {
  const out = graph.nodes.map(() => ({ out: new Map<number, number>(), in: new Map<number, number>(), outN: 0, inN: 0 }));
  for (const e of graph.edges) {
    const t = typeIds.get(e.connectionType)!;
    out[e.from].out.set(t, (out[e.from].out.get(t) ?? 0) + 1);
    out[e.from].outN++;
    out[e.to].in.set(t, (out[e.to].in.get(t) ?? 0) + 1);
    out[e.to].inN++;
  }
  return out;
}

function sideCost(x: Map<number, number>, xn: number, y: Map<number, number>, yn: number, model: GedCostModel): number {
  let same = 0;
  for (const [t, c] of x) same += Math.min(c, y.get(t) ?? 0);
  const paired = Math.min(xn, yn);
  return (paired - same) * model.edges.mismatch + Math.max(0, xn - yn) * model.edges.deletion + Math.max(0, yn - xn) * model.edges.insertion;
}

/** Riesen & Bunke's bipartite mapping (see the file header). */
function bipartiteMapping(g1: GedGraph, g2: GedGraph, typeIds: Map<string, number>, nodeCost: (i: number, j: number) => number, model: GedCostModel): number[] {
  const n1 = g1.nodes.length;
  const n2 = g2.nodes.length;
  const n = n1 + n2;
  if (n === 0) return [];
  const BIG = 1e12;
  const inc1 = incidentTypes(g1, typeIds);
  const inc2 = incidentTypes(g2, typeIds);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let c: number;
      if (i < n1 && j < n2) {
        const a = inc1[i];
        const b = inc2[j];
        c = nodeCost(i, j) + (sideCost(a.out, a.outN, b.out, b.outN, model) + sideCost(a.in, a.inN, b.in, b.inN, model)) / 2;
      } else if (i < n1) {
        c = j - n2 === i ? nodeCost(i, -1) + ((inc1[i].outN + inc1[i].inN) * model.edges.deletion) / 2 : BIG;
      } else if (j < n2) {
        c = i - n1 === j ? nodeInsertionCost(g2.nodes[j], model) + ((inc2[j].outN + inc2[j].inN) * model.edges.insertion) / 2 : BIG;
      } else {
        c = 0;
      }
      m[i * n + j] = c;
    }
  }
  const assignment = solveAssignment(m, n);
  const mapping: number[] = [];
  for (let i = 0; i < n1; i++) mapping.push(assignment[i] < n2 ? assignment[i] : -1);
  return mapping;
}

/**
 * What the exact search reads and the partial mapping it extends. Built once per search:
 * the steps below read and write its typed arrays in place, so a search state allocates
 * nothing (but the copy of a mapping that beats the best).
 */
interface SearchState {
  n1: number;
  n2: number;
  a: Adjacency;
  b: Adjacency;
  model: GedCostModel;
  /** Substitution cost of G1 node i → G2 node j at i * n2 + j. */
  substitution: Float64Array;
  deletion: Float64Array;
  insertion: Float64Array;
  minInsertion: number;
  minDeletion: number;
  /** Cheapest edge operation: the edge bound's unit (0 turns the bound off). */
  minEdge: number;
  /** G1's nodes in the order they are mapped (depth → node). */
  order: Int32Array;
  /** Edge ends and connection-type ids (adjacency cells) per edge of each graph. */
  from1: Int32Array;
  to1: Int32Array;
  type1: Int32Array;
  from2: Int32Array;
  to2: Int32Array;
  type2: Int32Array;
  /** G2 edges touching node j: incident[incidentStart[j] .. incidentStart[j + 1]). */
  incidentStart: Int32Array;
  incident: Int32Array;
  /** Scratch of the edge bound (edges left per type id) and of the completion (edges counted). */
  left1: Int32Array;
  left2: Int32Array;
  counted: Uint8Array;
  /** Ranked choices of each depth: (n2 + 1) slots per depth, G2 node or -1 and its increment. */
  choiceTarget: Int32Array;
  choiceCost: Float64Array;
  /** The partial mapping: G1 node → G2 node or -1; G2 node → G1 node or -1. */
  mapping: number[];
  mapped: Uint8Array;
  usedBy: Int32Array;
  best: number;
  bestMapping: number[];
  expansions: number;
  maxExpansions: number;
  complete: boolean;
}

const SEARCH_EPS = 1e-9;

/** Most connected G1 node first (ties by index): its edges are costed earliest. */
function searchOrder(g1: GedGraph): Int32Array {
  const degree = g1.nodes.map(() => 0);
  for (const e of g1.edges) {
    degree[e.from]++;
    degree[e.to]++;
  }
  return Int32Array.from(g1.nodes.map((_, i) => i).sort((x, y) => degree[y] - degree[x] || x - y));
}

/** Edges of G2 by node, a self-loop once: what completing a mapping inserts for unmatched G2 nodes. */
function incidentEdges(g2: GedGraph): { incidentStart: Int32Array; incident: Int32Array } {
  const incidentStart = new Int32Array(g2.nodes.length + 1);
  for (const e of g2.edges) {
    incidentStart[e.from + 1]++;
    if (e.to !== e.from) incidentStart[e.to + 1]++;
  }
  for (let j = 0; j < g2.nodes.length; j++) incidentStart[j + 1] += incidentStart[j];
  const incident = new Int32Array(incidentStart[g2.nodes.length]);
  const next = incidentStart.slice(0, g2.nodes.length);
  g2.edges.forEach((e, k) => {
    incident[next[e.from]++] = k;
    if (e.to !== e.from) incident[next[e.to]++] = k;
  });
  return { incidentStart, incident };
}

/** The search's tables, its scratch arrays and the empty mapping, `start` as the best so far. */
function searchState(
  g1: GedGraph,
  g2: GedGraph,
  a: Adjacency,
  b: Adjacency,
  nodeCost: (i: number, j: number) => number,
  start: { cost: number; mapping: number[] },
  model: GedCostModel,
  maxExpansions: number,
): SearchState {
  const n1 = g1.nodes.length;
  const n2 = g2.nodes.length;
  const substitution = new Float64Array(n1 * n2);
  for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) substitution[i * n2 + j] = nodeCost(i, j);
  const deletion = Float64Array.from(g1.nodes, (_, i) => nodeCost(i, -1));
  const insertion = Float64Array.from(g2.nodes, (n) => nodeInsertionCost(n, model));
  const type1 = Int32Array.from(g1.edges, (e) => a.cell[e.from * a.n + e.to]);
  const type2 = Int32Array.from(g2.edges, (e) => b.cell[e.from * b.n + e.to]);
  const typeCount = Math.max(0, ...type1, ...type2) + 1;
  return {
    n1,
    n2,
    a,
    b,
    model,
    substitution,
    deletion,
    insertion,
    minInsertion: n2 > 0 ? Math.min(...insertion) : 0,
    minDeletion: n1 > 0 ? Math.min(...deletion) : 0,
    minEdge: Math.min(model.edges.insertion, model.edges.deletion, model.edges.mismatch),
    order: searchOrder(g1),
    from1: Int32Array.from(g1.edges, (e) => e.from),
    to1: Int32Array.from(g1.edges, (e) => e.to),
    type1,
    from2: Int32Array.from(g2.edges, (e) => e.from),
    to2: Int32Array.from(g2.edges, (e) => e.to),
    type2,
    ...incidentEdges(g2),
    left1: new Int32Array(typeCount),
    left2: new Int32Array(typeCount),
    counted: new Uint8Array(g2.edges.length),
    choiceTarget: new Int32Array(n1 * (n2 + 1)),
    choiceCost: new Float64Array(n1 * (n2 + 1)),
    mapping: new Array<number>(n1).fill(-1),
    mapped: new Uint8Array(n1),
    usedBy: new Int32Array(n2).fill(-1),
    best: start.cost,
    bestMapping: start.mapping.slice(),
    expansions: 0,
    maxExpansions,
    complete: true,
  };
}

/**
 * Node part of the lower bound: the larger of (each unmapped G1 node's cheapest choice +
 * the insertions the surplus of free G2 nodes needs) and the same from G2's side.
 */
function nodesLowerBound(s: SearchState, depth: number): number {
  const { n1, n2, substitution, usedBy, order } = s;
  const left = n1 - depth;
  let free = 0;
  for (let j = 0; j < n2; j++) if (usedBy[j] < 0) free++;
  let rows = 0;
  for (let d = depth; d < n1; d++) {
    const i = order[d];
    let m = s.deletion[i];
    for (let j = 0; j < n2; j++) if (usedBy[j] < 0 && substitution[i * n2 + j] < m) m = substitution[i * n2 + j];
    rows += m;
  }
  rows += Math.max(0, free - left) * s.minInsertion;
  let cols = 0;
  for (let j = 0; j < n2; j++) {
    if (usedBy[j] >= 0) continue;
    let m = s.insertion[j];
    for (let d = depth; d < n1; d++) if (substitution[order[d] * n2 + j] < m) m = substitution[order[d] * n2 + j];
    cols += m;
  }
  cols += Math.max(0, left - free) * s.minDeletion;
  return Math.max(rows, cols);
}

/**
 * Edge part of the lower bound. G1 edges touching an unmapped node can only pair with G2
 * edges touching a free node: each costs at least `minEdge`, but for pairs of one type.
 */
function edgesLowerBound(s: SearchState): number {
  if (s.minEdge <= 0) return 0;
  const { left1, left2, mapped, usedBy } = s;
  left1.fill(0);
  left2.fill(0);
  let r1 = 0;
  let r2 = 0;
  for (let k = 0; k < s.type1.length; k++) {
    if (mapped[s.from1[k]] && mapped[s.to1[k]]) continue;
    r1++;
    left1[s.type1[k]]++;
  }
  for (let k = 0; k < s.type2.length; k++) {
    if (usedBy[s.from2[k]] >= 0 && usedBy[s.to2[k]] >= 0) continue;
    r2++;
    left2[s.type2[k]]++;
  }
  let same = 0;
  for (let t = 0; t < left1.length; t++) same += Math.min(left1[t], left2[t]);
  return (Math.max(r1, r2) - same) * s.minEdge;
}

/** Edge cost of mapping i → j against the nodes mapped before it (and i's self-loop). */
function edgeIncrement(s: SearchState, depth: number, i: number, j: number): number {
  const { a, b, model } = s;
  let cost = pairEdgeCost(a, b, i, i, j, j, model);
  for (let d = 0; d < depth; d++) {
    const p = s.order[d];
    const q = s.mapping[p];
    cost += pairEdgeCost(a, b, p, i, q, j, model) + pairEdgeCost(a, b, i, p, j, q, model);
  }
  return cost;
}

/** Cost of finishing a full mapping of G1: insert the free G2 nodes and their edges. */
function completionCost(s: SearchState): number {
  const { counted, incident, incidentStart } = s;
  counted.fill(0);
  let cost = 0;
  for (let j = 0; j < s.n2; j++) {
    if (s.usedBy[j] >= 0) continue;
    cost += s.insertion[j];
    for (let x = incidentStart[j]; x < incidentStart[j + 1]; x++) {
      const k = incident[x];
      if (counted[k]) continue;
      counted[k] = 1;
      cost += s.model.edges.insertion;
    }
  }
  return cost;
}

/**
 * The choices for G1 node i at `depth` (each free G2 node, then deletion) with their cost
 * increments, cheapest first (ties: lower G2 index, deletion first), into the depth's
 * slots of `choiceTarget` / `choiceCost`. Returns how many there are.
 */
function rankChoices(s: SearchState, depth: number, i: number): number {
  const base = depth * (s.n2 + 1);
  let count = 0;
  for (let j = 0; j < s.n2; j++) {
    if (s.usedBy[j] < 0) insertChoice(s, base, count++, j, s.substitution[i * s.n2 + j] + edgeIncrement(s, depth, i, j));
  }
  insertChoice(s, base, count++, -1, s.deletion[i] + edgeIncrement(s, depth, i, -1));
  return count;
}

/** Insertion step of `rankChoices`: slots base .. base + count - 1 are sorted already. */
function insertChoice(s: SearchState, base: number, count: number, j: number, inc: number): void {
  const { choiceTarget, choiceCost } = s;
  let k = base + count;
  while (k > base && (choiceCost[k - 1] > inc || (choiceCost[k - 1] === inc && choiceTarget[k - 1] > j))) {
    choiceTarget[k] = choiceTarget[k - 1];
    choiceCost[k] = choiceCost[k - 1];
    k--;
  }
  choiceTarget[k] = j;
  choiceCost[k] = inc;
}

/**
 * One search state: a full mapping is costed and kept when it beats the best; otherwise
 * the next G1 node tries its ranked choices, descending where the lower bound still
 * undercuts the best. Stops the whole search once the budget is spent.
 */
function branch(s: SearchState, depth: number, costSoFar: number): void {
  if (!s.complete) return;
  if (++s.expansions > s.maxExpansions) {
    s.complete = false;
    return;
  }
  if (depth === s.n1) {
    const total = costSoFar + completionCost(s);
    if (total < s.best - SEARCH_EPS) {
      s.best = total;
      s.bestMapping = s.mapping.slice();
    }
    return;
  }
  const i = s.order[depth];
  const count = rankChoices(s, depth, i);
  const base = depth * (s.n2 + 1);
  for (let c = base; c < base + count; c++) {
    const j = s.choiceTarget[c];
    const inc = s.choiceCost[c];
    s.mapping[i] = j;
    s.mapped[i] = 1;
    if (j >= 0) s.usedBy[j] = i;
    const bound = nodesLowerBound(s, depth + 1) + edgesLowerBound(s);
    if (costSoFar + inc + bound < s.best - SEARCH_EPS) branch(s, depth + 1, costSoFar + inc);
    if (j >= 0) s.usedBy[j] = -1;
    s.mapped[i] = 0;
    s.mapping[i] = -1;
    if (!s.complete) return;
  }
}

/**
 * Depth-first branch-and-bound over the mappings of G1's nodes (to a G2 node or deleted),
 * most connected first, cheapest choice first, from the `start` upper bound. Lower bound
 * of a partial mapping: its cost so far, plus for the nodes left the larger of (each G1
 * node's cheapest choice + the insertions the surplus of G2 nodes needs) and the same
 * from G2's side, plus for the edges left max(|E1 left|, |E2 left|) − Σ_type min(E1 left,
 * E2 left) times the cheapest edge cost.
 */
function exactSearch(...input: Parameters<typeof searchState>): { cost: number; mapping: number[]; complete: boolean } {
  const s = searchState(...input);
  branch(s, 0, 0);
  return { cost: s.best, mapping: s.bestMapping, complete: s.complete };
}

export interface GedOptions {
  model?: GedCostModel;
  /** Both graphs at most this many nodes: try the exact search (default EXACT_MAX_NODES). */
  exactMaxNodes?: number;
  /** Search-state budget of the exact search (default EXACT_MAX_EXPANSIONS). */
  maxExpansions?: number;
}

/** n8n's normaliser (similarity.py `_calculate_max_cost`). */
export function maxEditCost(g1: GedGraph, g2: GedGraph, model: GedCostModel = N8N_STANDARD_COSTS): number {
  return (
    g1.nodes.length * model.nodes.deletion +
    g1.edges.length * model.maxCostEdges.deletion +
    g2.nodes.length * model.nodes.insertion +
    g2.edges.length * model.maxCostEdges.insertion
  );
}

/** Edit distance from `g1` (generated) to `g2` (reference) and n8n's similarity. */
export function graphEditDistance(g1: GedGraph, g2: GedGraph, options: GedOptions = {}): GedResult {
  const model = options.model ?? N8N_STANDARD_COSTS;
  const maxCost = maxEditCost(g1, g2, model);
  if (g1.nodes.length === 0 && g2.nodes.length === 0) {
    return { cost: 0, maxCost, similarity: 1, exact: true, method: 'exact', mapping: [] };
  }
  const typeIds = new Map<string, number>();
  const a = adjacency(g1, typeIds);
  const b = adjacency(g2, typeIds);
  const nodeCost = (i: number, j: number): number =>
    j < 0 ? nodeDeletionCost(g1.nodes[i], model) : nodeSubstitutionCost(g1.nodes[i], g2.nodes[j], model);

  const approx = bipartiteMapping(g1, g2, typeIds, nodeCost, model);
  let cost = mappingCost(g1, g2, a, b, nodeCost, approx, model);
  let mapping = approx;
  let exact = false;
  const bound = options.exactMaxNodes ?? EXACT_MAX_NODES;
  if (Math.max(g1.nodes.length, g2.nodes.length) <= bound) {
    const found = exactSearch(g1, g2, a, b, nodeCost, { cost, mapping }, model, options.maxExpansions ?? EXACT_MAX_EXPANSIONS);
    cost = found.cost;
    mapping = found.mapping;
    exact = found.complete;
  }
  const similarity = maxCost === 0 ? (cost === 0 ? 1 : 0) : Math.min(1, Math.max(0, 1 - cost / maxCost));
  return { cost, maxCost, similarity, exact, method: exact ? 'exact' : 'bipartite', mapping };
}
