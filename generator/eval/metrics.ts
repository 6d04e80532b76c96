/**
 * Evaluation metrics for generated n8n workflows: one score per example (generated
 * workflow against the reference workflow of a validation example) and a summary over
 * a run. Pure functions: no I/O, never throw on malformed workflows.
 *
 * Every structural metric first reduces both workflows to a typed graph with
 * `normaliseGraph`, which reads the compact form (`{"A": {"main": [["B"]]}}`, entries a
 * bare target name or `{node, type, index}`) and n8n's full form alike, so a compact
 * reference and a hydrated generated workflow are compared on equal terms. Ids, names,
 * positions, parameters, credentials and sticky notes never enter a structural metric.
 *
 * Definitions (G = generated, R = reference):
 * - Node types are compared as MULTISETS (two Slack nodes are two items):
 *   tp = Σ_t min(G_t, R_t); precision = tp / |G|; recall = tp / |R|;
 *   F1 = 2PR / (P + R) (0 when P + R = 0).
 *   Both empty → P = R = F1 = 1. Exactly one side empty → P = R = F1 = 0.
 * - Typed edges: the multiset of `fromType#output-connectionType->toType#input`
 *   (output = index of the source's output list, connectionType = the key of that list,
 *   input = the entry's input index); F1 as above.
 * - Graph similarity: 1 − GED / max(|N_G| + |E_G|, |N_R| + |E_R|), clamped to [0, 1], where
 *   GED is an edit distance with unit costs under the node mapping that pairs nodes of
 *   the same type (optimal by type counts: m = Σ_t min(G_t, R_t) matched pairs):
 *     node cost = max(|N_G|, |N_R|) − m   (each node of the larger side without a
 *                 same-type partner: relabelled onto a leftover node, or inserted/deleted)
 *     edge cost = max(|E_G|, |E_R|) − |E_G ∩ E_R|   (typed-edge multisets; a missing edge
 *                 and an extra edge pair up as one relabel, the rest are insertions/deletions)
 *   Identical graphs (up to names, ids, positions) score 1. Edges are compared by the
 *   types of their endpoints, not by the mapped node instances, so with several nodes of
 *   one type this is an approximation of the true GED (which is NP-hard), not a bound.
 */
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { isObject } from '../../schemas/json-value';
import { unwrapWorkflow } from '../../schemas/validator/unwrap';
import { forEachConnection, isStickyNote, type GraphNode } from '../../schemas/graph';
import { triggerKind } from '../../dataset/split';
import type { Workflow } from '../../dataset/types';
import type { GenerationResult } from '../types';
import { scoreLikeN8n, summariseN8n, type N8nMeans, type N8nScore } from './n8n-score';

// ---------------------------------------------------------------------------------------
// Normalised graph

/** A node of the normalised graph: its name and type. */
export interface TypedNode extends GraphNode {
  type: string;
}

/** An edge of the normalised graph, between named nodes, with their types. */
export interface TypedEdge {
  from: string;
  fromType: string;
  /** Index of the source's output (position in the output list). */
  output: number;
  /** The connection type the source's output list is filed under (`main`, `ai_languageModel`, …). */
  connectionType: string;
  to: string;
  toType: string;
  /** Input index of the target. */
  input: number;
}

export interface NormalisedGraph {
  nodes: TypedNode[];
  edges: TypedEdge[];
}

const emptyGraph = (): NormalisedGraph => ({ nodes: [], edges: [] });

/**
 * A workflow (compact or full, possibly JSON text or wrapped in `{workflow: …}`) as nodes
 * (name and type; sticky notes and nodes without a string type left out) and edges
 * between them. Edges whose source or target is not a node of the graph (dangling, or a
 * sticky note) are left out. With duplicate node names the first node of a name wins.
 * Never throws: anything unreadable gives an empty graph.
 */
export function normaliseGraph(workflow: unknown): NormalisedGraph {
  try {
    return readGraph(workflow);
  } catch {
    return emptyGraph();
  }
}

function readGraph(value: unknown): NormalisedGraph {
  let input = value;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      return emptyGraph();
    }
  }
  const { workflow } = unwrapWorkflow(input);
  if (!isObject(workflow) || !Array.isArray(workflow.nodes)) return emptyGraph();

  const nodes: TypedNode[] = [];
  const typeOf = new Map<string, string>();
  for (const node of workflow.nodes as unknown[]) {
    if (!isObject(node) || typeof node.type !== 'string' || node.type === '' || isStickyNote(node)) continue;
    const name = typeof node.name === 'string' ? node.name : '';
    nodes.push({ name, type: node.type });
    if (typeof node.name === 'string' && !typeOf.has(name)) typeOf.set(name, node.type);
  }

  const edges: TypedEdge[] = [];
  forEachConnection(workflow.connections, (from, connectionType, output, _entry, entry) => {
    const fromType = typeOf.get(from);
    if (fromType === undefined) return;
    const target = typeof entry === 'string' ? { node: entry, index: 0 } : isObject(entry) ? entry : undefined;
    if (!target || typeof target.node !== 'string') return;
    const toType = typeOf.get(target.node);
    if (toType === undefined) return;
    const index = target.index;
    const input = typeof index === 'number' && Number.isInteger(index) && index >= 0 ? index : 0;
    edges.push({ from, fromType, output, connectionType, to: target.node, toType, input });
  });
  return { nodes, edges };
}

/** The key typed-edge metrics compare: `fromType#output-connectionType->toType#input`. */
export function typedEdgeKey(edge: TypedEdge): string {
  return `${edge.fromType}#${edge.output}-${edge.connectionType}->${edge.toType}#${edge.input}`;
}

// ---------------------------------------------------------------------------------------
// Multiset helpers

function counts(items: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return map;
}

/** Size of the multiset intersection Σ min(a_x, b_x). */
function overlap(a: string[], b: string[]): number {
  const cb = counts(b);
  let n = 0;
  for (const [item, count] of counts(a)) n += Math.min(count, cb.get(item) ?? 0);
  return n;
}

export interface PRF {
  precision: number;
  recall: number;
  f1: number;
}

/** Multiset precision / recall / F1 of `generated` against `reference` (see the file header for empty sides). */
export function multisetPRF(generated: string[], reference: string[]): PRF {
  if (generated.length === 0 && reference.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (generated.length === 0 || reference.length === 0) return { precision: 0, recall: 0, f1: 0 };
  const tp = overlap(generated, reference);
  const precision = tp / generated.length;
  const recall = tp / reference.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

/** 1 − normalised graph edit distance (definition in the file header). */
export function graphSimilarity(a: NormalisedGraph, b: NormalisedGraph): number {
  const size = Math.max(a.nodes.length + a.edges.length, b.nodes.length + b.edges.length);
  if (size === 0) return 1;
  const matchedNodes = overlap(
    a.nodes.map((n) => n.type),
    b.nodes.map((n) => n.type),
  );
  const matchedEdges = overlap(a.edges.map(typedEdgeKey), b.edges.map(typedEdgeKey));
  const nodeCost = Math.max(a.nodes.length, b.nodes.length) - matchedNodes;
  const edgeCost = Math.max(a.edges.length, b.edges.length) - matchedEdges;
  return Math.min(1, Math.max(0, 1 - (nodeCost + edgeCost) / size));
}

// ---------------------------------------------------------------------------------------
// Triggers

/** Is this a trigger type? The catalog says; types it does not know count when named `…Trigger`. */
function isTriggerType(type: string, catalog: NodeCatalog): boolean {
  const info = catalog.get(type);
  return info ? info.entry.trigger : /trigger$/i.test(type);
}

function triggerTypes(graph: NormalisedGraph, catalog: NodeCatalog): string[] {
  return [...new Set(graph.nodes.map((n) => n.type).filter((t) => isTriggerType(t, catalog)))].sort();
}

function kindOf(graph: NormalisedGraph, catalog: NodeCatalog): string {
  const workflow: Workflow = {
    nodes: graph.nodes.map((n) => ({ name: n.name, type: n.type, typeVersion: 1, parameters: {} })),
    connections: {},
  };
  return triggerKind(workflow, catalog);
}

// ---------------------------------------------------------------------------------------
// Per-example score

export interface ExampleScore {
  /** JSON could be extracted from the model's answer (a workflow came back). */
  parsed: boolean;
  validFirstTry: boolean;
  validAfterRepair: boolean;
  /** Repair rounds the generation used (model calls after the first). */
  repairRounds: number;
  /** Distinct node types of the generated workflow that the catalog does not know. */
  hallucinatedNodeTypes: number;
  hallucinatedNodeTypeList: string[];
  /** Over node types as multisets. */
  nodeTypePrecision: number;
  nodeTypeRecall: number;
  nodeTypeF1: number;
  /** The sets of trigger node types are equal. */
  triggerMatch: boolean;
  /** `triggerKind` (webhook, schedule, manual, …) is the same. */
  triggerKindMatch: boolean;
  generatedTriggerKind: string;
  referenceTriggerKind: string;
  /** F1 over typed edges as multisets. */
  typedEdgeF1: number;
  /** 1 − normalised graph edit distance, in [0, 1]. */
  graphSimilarity: number;
  nodes: { generated: number; reference: number };
  edges: { generated: number; reference: number };
  tokens: { prompt: number; completion: number };
  latencyMs: number;
  /** n8n accepted the workflow on import; null when not checked. */
  n8nAccepted: boolean | null;
  /** Scored as n8n's AI Workflow Builder evaluation does (n8n-score.ts); absent in eval files written before it. */
  n8n?: N8nScore;
}

export interface ScoreInput {
  generated: GenerationResult;
  /** The reference workflow: compact or full, object or JSON text. */
  reference: unknown;
  catalog: NodeCatalog;
  n8nAccepted?: boolean | null;
}

const finite = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function scoreExample(input: ScoreInput): ExampleScore {
  const { catalog } = input;
  // The generation result is trusted for its shape, but read defensively: a score is
  // computed for every example, whatever a broken run left behind.
  const generated: Partial<GenerationResult> = isObject(input.generated) ? input.generated : {};
  const trace: Partial<GenerationResult['trace']> = isObject(generated.trace) ? generated.trace : {};
  const rounds = Array.isArray(trace.rounds) ? trace.rounds : [];

  const workflow = generated.workflow;
  const parsed = isObject(workflow);
  const g = parsed ? normaliseGraph(workflow) : emptyGraph();
  const r = normaliseGraph(input.reference);

  const gTypes = g.nodes.map((n) => n.type);
  const rTypes = r.nodes.map((n) => n.type);
  const hallucinated = [...new Set(gTypes.filter((t) => !catalog.has(t)))].sort();
  const types = multisetPRF(gTypes, rTypes);
  const edges = multisetPRF(g.edges.map(typedEdgeKey), r.edges.map(typedEdgeKey));
  const gTriggers = triggerTypes(g, catalog);
  const rTriggers = triggerTypes(r, catalog);
  const generatedTriggerKind = kindOf(g, catalog);
  const referenceTriggerKind = kindOf(r, catalog);

  return {
    parsed,
    validFirstTry: trace.firstTryValid === true,
    validAfterRepair: generated.valid === true,
    repairRounds: rounds.filter((round) => isObject(round) && round.kind === 'repair').length,
    hallucinatedNodeTypes: hallucinated.length,
    hallucinatedNodeTypeList: hallucinated,
    nodeTypePrecision: types.precision,
    nodeTypeRecall: types.recall,
    nodeTypeF1: types.f1,
    triggerMatch: gTriggers.length === rTriggers.length && gTriggers.every((t, i) => t === rTriggers[i]),
    triggerKindMatch: generatedTriggerKind === referenceTriggerKind,
    generatedTriggerKind,
    referenceTriggerKind,
    typedEdgeF1: edges.f1,
    graphSimilarity: graphSimilarity(g, r),
    nodes: { generated: g.nodes.length, reference: r.nodes.length },
    edges: { generated: g.edges.length, reference: r.edges.length },
    tokens: { prompt: finite(trace.promptTokens), completion: finite(trace.completionTokens) },
    latencyMs: finite(trace.totalMs),
    n8nAccepted: typeof input.n8nAccepted === 'boolean' ? input.n8nAccepted : null,
    n8n: scoreLikeN8n({ workflow: parsed ? workflow : null, graph: g, reference: input.reference, referenceGraph: r, catalog }),
  };
}

// ---------------------------------------------------------------------------------------
// Summary of a run

export interface EvalMeta {
  model: string;
  baseline: boolean;
  /** The data the run was scored on (a validation.jsonl path or dataset name). */
  data: string;
  limit?: number;
  n8nUrl?: string;
  startedAt: string;
  systemPromptVersion: string;
}

export interface EvalSummary extends EvalMeta {
  /** Examples scored. */
  count: number;
  /** Shares in [0, 1] of all examples (0 when there are none). */
  rates: {
    parsed: number;
    validFirstTry: number;
    validAfterRepair: number;
    /** How the valid ones got there, beside validFirstTry: by deterministic repair alone, after repair rounds; and never valid. */
    fixedDeterministically?: number;
    fixedByRepairRound?: number;
    neverValid?: number;
    /** Share accepted among the examples n8n checked; null when none was checked. */
    n8nAccepted: number | null;
    n8nChecked: number;
  };
  /** Arithmetic means over all examples (0 when there are none). */
  means: {
    hallucinatedNodeTypes: number;
    nodeTypePrecision: number;
    nodeTypeRecall: number;
    nodeTypeF1: number;
    /** Trigger-type match rate. */
    triggerMatch: number;
    triggerKindMatch: number;
    typedEdgeF1: number;
    graphSimilarity: number;
    repairRounds: number;
    promptTokens: number;
    completionTokens: number;
    latencyMs: number;
  };
  /** Nearest-rank percentiles of latency (0 when there are no examples). */
  latencyMs: { p50: number; p90: number };
  /** Means of the n8n-style scores (absent when no example has one). */
  n8n?: N8nMeans;
}

/** Everything `eval.json` holds. */
export interface EvalFile {
  version: 1;
  summary: EvalSummary;
  examples: Array<ExampleScore & { request: string; ref?: string }>;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values ≤ it. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const share = (flags: boolean[]): number => mean(flags.map((f) => (f ? 1 : 0)));

export function summarise(scores: ExampleScore[], meta: EvalMeta): EvalSummary {
  const checked = scores.filter((s) => s.n8nAccepted !== null);
  const latencies = scores.map((s) => s.latencyMs);
  const summary: EvalSummary = {
    model: meta.model,
    baseline: meta.baseline,
    data: meta.data,
    startedAt: meta.startedAt,
    systemPromptVersion: meta.systemPromptVersion,
    count: scores.length,
    rates: {
      parsed: share(scores.map((s) => s.parsed)),
      validFirstTry: share(scores.map((s) => s.validFirstTry)),
      validAfterRepair: share(scores.map((s) => s.validAfterRepair)),
      fixedDeterministically: share(scores.map((s) => !s.validFirstTry && s.validAfterRepair && s.repairRounds === 0)),
      fixedByRepairRound: share(scores.map((s) => !s.validFirstTry && s.validAfterRepair && s.repairRounds > 0)),
      neverValid: share(scores.map((s) => !s.validAfterRepair)),
      n8nAccepted: checked.length === 0 ? null : share(checked.map((s) => s.n8nAccepted === true)),
      n8nChecked: checked.length,
    },
    means: {
      hallucinatedNodeTypes: mean(scores.map((s) => s.hallucinatedNodeTypes)),
      nodeTypePrecision: mean(scores.map((s) => s.nodeTypePrecision)),
      nodeTypeRecall: mean(scores.map((s) => s.nodeTypeRecall)),
      nodeTypeF1: mean(scores.map((s) => s.nodeTypeF1)),
      triggerMatch: share(scores.map((s) => s.triggerMatch)),
      triggerKindMatch: share(scores.map((s) => s.triggerKindMatch)),
      typedEdgeF1: mean(scores.map((s) => s.typedEdgeF1)),
      graphSimilarity: mean(scores.map((s) => s.graphSimilarity)),
      repairRounds: mean(scores.map((s) => s.repairRounds)),
      promptTokens: mean(scores.map((s) => s.tokens.prompt)),
      completionTokens: mean(scores.map((s) => s.tokens.completion)),
      latencyMs: mean(latencies),
    },
    latencyMs: { p50: percentile(latencies, 50), p90: percentile(latencies, 90) },
  };
  if (meta.limit !== undefined) summary.limit = meta.limit;
  if (meta.n8nUrl !== undefined) summary.n8nUrl = meta.n8nUrl;
  const n8n = summariseN8n(scores.map((s) => s.n8n));
  if (n8n) summary.n8n = n8n;
  return summary;
}
