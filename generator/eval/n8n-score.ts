/**
 * One example scored the way n8n's AI Workflow Builder evaluation scores it: its
 * programmatic checks (checks.ts), its GED similarity to the reference
 * (graph-edit-distance.ts) and the weighted overall score; and the means over a run.
 *
 * The checks judge the generated workflow in canonical full form (compacted, then
 * hydrated — what the pipeline returns), so a compact and a full form of one workflow
 * score alike. Parameters enter the similarity in compact form on both sides (parameters
 * at their defaults dropped), so a hydrated generated workflow and a compact reference are
 * compared on equal terms — n8n compares two workflows in the same full form. Pure
 * functions: no I/O, never throw.
 */
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { isObject } from '../../schemas/json-value';
import { unwrapWorkflow } from '../../schemas/validator/unwrap';
import { compactWorkflow, hydrateWorkflow } from '../../dataset/compact';
import { CHECK_CATEGORIES, overallScore, runChecks, type CheckCategory, type Severity } from './checks';
import { buildGedGraph, graphEditDistance, N8N_STANDARD_COSTS } from './graph-edit-distance';
import type { NormalisedGraph } from './metrics';

export interface N8nViolation {
  name: string;
  severity: Severity;
  node?: string;
}

export interface N8nScore {
  /** n8n's weighted overall score in [0, 1] (similarity included). */
  overall: number;
  /** 1 − GED / max cost, in [0, 1]. */
  similarity: number;
  ged: {
    cost: number;
    maxCost: number;
    /** The distance is proven minimal (false: the assignment-based upper bound). */
    exact: boolean;
  };
  checks: Record<CheckCategory, { score: number; violations: N8nViolation[] }>;
}

export interface N8nMeans {
  /** Examples with an n8n-style score. */
  count: number;
  overall: number;
  similarity: number;
  /** Share of examples whose GED is exact. */
  gedExact: number;
  checks: Record<CheckCategory, number>;
}

/** The workflow in compact form, or hydrated from it (as it is when that cannot be done). */
function canonicalForm(workflow: unknown, catalog: NodeCatalog, form: 'compact' | 'full'): unknown {
  try {
    const input = typeof workflow === 'string' ? JSON.parse(workflow) : workflow;
    const { workflow: unwrapped } = unwrapWorkflow(input);
    if (!isObject(unwrapped)) return unwrapped;
    const compact = compactWorkflow(unwrapped, { catalog });
    return form === 'compact' ? compact : hydrateWorkflow(compact, { catalog });
  } catch {
    return workflow;
  }
}

export interface N8nScoreInput {
  /** The generated workflow; null when nothing was generated. */
  workflow: unknown;
  /** Its graph as `normaliseGraph` read it. */
  graph: NormalisedGraph;
  reference: unknown;
  referenceGraph: NormalisedGraph;
  catalog: NodeCatalog;
}

export function scoreLikeN8n(input: N8nScoreInput): N8nScore {
  const { catalog } = input;
  const nothing = input.workflow === null || input.workflow === undefined;
  const results = runChecks(nothing ? null : canonicalForm(input.workflow, catalog, 'full'), input.graph, catalog);
  const generated = nothing ? null : buildGedGraph(canonicalForm(input.workflow, catalog, 'compact'), input.graph);
  const reference = buildGedGraph(canonicalForm(input.reference, catalog, 'compact'), input.referenceGraph);
  // Nothing generated: similarity 0, as for every check.
  const ged = generated
    ? graphEditDistance(generated, reference)
    : { cost: 0, maxCost: 0, similarity: 0, exact: true };
  const checks = {} as N8nScore['checks'];
  for (const c of CHECK_CATEGORIES) {
    checks[c] = {
      score: results[c].score,
      violations: results[c].violations.map((v) => (v.node !== undefined ? { name: v.name, severity: v.severity, node: v.node } : { name: v.name, severity: v.severity })),
    };
  }
  return {
    overall: overallScore(results, ged.similarity),
    similarity: ged.similarity,
    ged: { cost: ged.cost, maxCost: ged.maxCost, exact: ged.exact },
    checks,
  };
}

const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** Means over the examples that have an n8n-style score; undefined when none has. */
export function summariseN8n(scores: Array<N8nScore | undefined>): N8nMeans | undefined {
  const present = scores.filter((s): s is N8nScore => s !== undefined);
  if (present.length === 0) return undefined;
  const checks = {} as Record<CheckCategory, number>;
  for (const c of CHECK_CATEGORIES) checks[c] = mean(present.map((s) => s.checks[c].score));
  return {
    count: present.length,
    overall: mean(present.map((s) => s.overall)),
    similarity: mean(present.map((s) => s.similarity)),
    gedExact: mean(present.map((s) => (s.ged.exact ? 1 : 0))),
    checks,
  };
}

/** The cost model's name, for reports. */
export const N8N_COST_MODEL_NAME = N8N_STANDARD_COSTS.name;
