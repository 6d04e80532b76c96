/**
 * Reports of evaluation runs: one run as markdown, two runs side by side, and the
 * checked reader of `eval.json` files. Pure functions (no I/O).
 */
import { isObject } from '../../schemas/json-value';
import { CHECK_CATEGORIES, type CheckCategory } from './checks';
import type { EvalFile, EvalSummary } from './metrics';

export const BASELINE_LINE = 'Baseline, not a language model: the training workflow that best covers the request, adapted to it (offline generator)';

type Format = 'percent' | 'ratio' | 'count' | 'tokens' | 'ms';

interface MetricRow {
  label: string;
  format: Format;
  /** Does a larger value mean a better run? (null: neither) */
  higherIsBetter: boolean | null;
  value(summary: EvalSummary): number | null;
}

/** n8n's check categories as the reports name them. */
const CHECK_LABELS: Record<CheckCategory, string> = {
  connections: 'connections',
  nodes: 'nodes',
  trigger: 'trigger',
  agentPrompt: 'agent prompt',
  tools: 'tools',
  fromAi: '$fromAI',
  credentials: 'credentials',
  nodeUsage: 'webhook response',
  parameters: 'parameters',
};

/** The metrics both reports show, in order (n8n-style rows are n/a in eval files written before them). */
const METRICS: MetricRow[] = [
  { label: 'Examples', format: 'count', higherIsBetter: null, value: (s) => s.count },
  { label: 'JSON parse rate', format: 'percent', higherIsBetter: true, value: (s) => s.rates.parsed },
  { label: 'Valid first try', format: 'percent', higherIsBetter: true, value: (s) => s.rates.validFirstTry },
  { label: 'Valid after repair', format: 'percent', higherIsBetter: true, value: (s) => s.rates.validAfterRepair },
  { label: '… fixed deterministically (no model round)', format: 'percent', higherIsBetter: null, value: (s) => s.rates.fixedDeterministically ?? null },
  { label: '… fixed by a repair round', format: 'percent', higherIsBetter: null, value: (s) => s.rates.fixedByRepairRound ?? null },
  { label: 'Never valid', format: 'percent', higherIsBetter: false, value: (s) => s.rates.neverValid ?? null },
  { label: 'n8n acceptance (of checked)', format: 'percent', higherIsBetter: true, value: (s) => s.rates.n8nAccepted },
  { label: 'Repair rounds (mean)', format: 'ratio', higherIsBetter: false, value: (s) => s.means.repairRounds },
  { label: 'Hallucinated node types / workflow', format: 'ratio', higherIsBetter: false, value: (s) => s.means.hallucinatedNodeTypes },
  { label: 'Node-type precision', format: 'ratio', higherIsBetter: true, value: (s) => s.means.nodeTypePrecision },
  { label: 'Node-type recall', format: 'ratio', higherIsBetter: true, value: (s) => s.means.nodeTypeRecall },
  { label: 'Node-type F1', format: 'ratio', higherIsBetter: true, value: (s) => s.means.nodeTypeF1 },
  { label: 'Trigger-type match', format: 'percent', higherIsBetter: true, value: (s) => s.means.triggerMatch },
  { label: 'Trigger-kind match', format: 'percent', higherIsBetter: true, value: (s) => s.means.triggerKindMatch },
  { label: 'Typed-edge F1', format: 'ratio', higherIsBetter: true, value: (s) => s.means.typedEdgeF1 },
  { label: 'Graph similarity', format: 'ratio', higherIsBetter: true, value: (s) => s.means.graphSimilarity },
  { label: 'n8n eval: overall score', format: 'ratio', higherIsBetter: true, value: (s) => s.n8n?.overall ?? null },
  { label: 'n8n eval: GED similarity', format: 'ratio', higherIsBetter: true, value: (s) => s.n8n?.similarity ?? null },
  { label: 'n8n eval: GED exact', format: 'percent', higherIsBetter: null, value: (s) => s.n8n?.gedExact ?? null },
  ...CHECK_CATEGORIES.map(
    (c): MetricRow => ({ label: `n8n check: ${CHECK_LABELS[c]}`, format: 'ratio', higherIsBetter: true, value: (s) => s.n8n?.checks[c] ?? null }),
  ),
  { label: 'Prompt tokens (mean)', format: 'tokens', higherIsBetter: false, value: (s) => s.means.promptTokens },
  { label: 'Completion tokens (mean)', format: 'tokens', higherIsBetter: false, value: (s) => s.means.completionTokens },
  { label: 'Latency mean', format: 'ms', higherIsBetter: false, value: (s) => s.means.latencyMs },
  { label: 'Latency p50', format: 'ms', higherIsBetter: false, value: (s) => s.latencyMs.p50 },
  { label: 'Latency p90', format: 'ms', higherIsBetter: false, value: (s) => s.latencyMs.p90 },
];

function formatValue(value: number | null, format: Format): string {
  if (value === null) return 'n/a';
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'ratio':
      return value.toFixed(3);
    case 'count':
      return String(Math.round(value));
    case 'tokens':
      return value.toFixed(0);
    case 'ms':
      return `${Math.round(value)} ms`;
  }
}

function formatDelta(delta: number, format: Format): string {
  const sign = delta > 0 ? '+' : delta < 0 ? '-' : '±';
  const abs = Math.abs(delta);
  switch (format) {
    case 'percent':
      return `${sign}${(abs * 100).toFixed(1)} pp`;
    case 'ratio':
      return `${sign}${abs.toFixed(3)}`;
    case 'count':
      return `${sign}${Math.round(abs)}`;
    case 'tokens':
      return `${sign}${abs.toFixed(0)}`;
    case 'ms':
      return `${sign}${Math.round(abs)} ms`;
  }
}

/** Text safe inside one markdown table cell: one line, pipes escaped, at most `max` characters. */
export function cell(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
  return cut.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

function metaLines(summary: EvalSummary): string[] {
  const lines = [
    `- Data: \`${summary.data}\`${summary.limit !== undefined ? ` (limit ${summary.limit})` : ''}`,
    `- Examples: ${summary.count}`,
    `- System prompt version: ${summary.systemPromptVersion}`,
    `- Started: ${summary.startedAt}`,
  ];
  lines.push(summary.n8nUrl ? `- n8n import check: ${summary.n8nUrl} (${summary.rates.n8nChecked} checked)` : '- n8n import check: not run');
  if (summary.n8n) {
    lines.push(
      `- n8n eval rows: the programmatic checks and graph-edit-distance similarity of n8n's AI Workflow Builder evaluation (standard preset costs; GED exact for ${(summary.n8n.gedExact * 100).toFixed(0)}% of examples, an assignment-based upper bound for the rest) — generator/README.md`,
    );
  }
  return lines;
}

const WORST_EXAMPLES = 10;

export function renderEvalMarkdown(file: EvalFile): string {
  const s = file.summary;
  const out: string[] = [`# Evaluation: ${s.model}`, ''];
  if (s.baseline) out.push(`> **${BASELINE_LINE}**`, '');
  out.push(...metaLines(s), '');
  out.push('## Metrics', '', '| Metric | Value |', '| --- | ---: |');
  for (const m of METRICS) out.push(`| ${m.label} | ${formatValue(m.value(s), m.format)} |`);
  out.push('');

  out.push(...violationLines(file));

  const worst = file.examples
    .map((example, index) => ({ example, index }))
    .sort((a, b) => a.example.graphSimilarity - b.example.graphSimilarity || a.index - b.index)
    .slice(0, WORST_EXAMPLES);
  out.push(`## Worst examples (lowest graph similarity, up to ${WORST_EXAMPLES})`, '');
  if (worst.length === 0) {
    out.push('No examples.', '');
  } else {
    out.push('| # | Similarity | Valid | Node-type F1 | Edge F1 | Request | Ref |', '| ---: | ---: | :---: | ---: | ---: | --- | --- |');
    for (const { example: e, index } of worst) {
      const valid = !e.parsed ? 'no JSON' : e.validAfterRepair ? 'yes' : 'no';
      out.push(
        `| ${index + 1} | ${e.graphSimilarity.toFixed(3)} | ${valid} | ${e.nodeTypeF1.toFixed(3)} | ${e.typedEdgeF1.toFixed(3)} | ${cell(e.request)} | ${e.ref ? cell(e.ref, 60) : ''} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}

const TOP_VIOLATIONS = 12;

/** The n8n-style violations most examples have: name, severity, category, examples with it. */
function violationLines(file: EvalFile): string[] {
  const counts = new Map<string, { category: CheckCategory; severity: string; examples: number }>();
  for (const e of file.examples) {
    if (!e.n8n) continue;
    const seen = new Set<string>();
    for (const c of CHECK_CATEGORIES) {
      for (const v of e.n8n.checks[c].violations) {
        const key = `${c}\u0000${v.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const entry = counts.get(key) ?? { category: c, severity: v.severity, examples: 0 };
        entry.examples++;
        counts.set(key, entry);
      }
    }
  }
  if (!file.summary.n8n) return [];
  const rows = [...counts.entries()].sort((a, b) => b[1].examples - a[1].examples || a[0].localeCompare(b[0])).slice(0, TOP_VIOLATIONS);
  const out = [`## n8n evaluation checks: most frequent violations (up to ${TOP_VIOLATIONS})`, ''];
  if (rows.length === 0) return [...out, 'None.', ''];
  out.push('| Violation | Severity | Check | Examples |', '| --- | --- | --- | ---: |');
  for (const [key, r] of rows) out.push(`| ${cell(key.split('\u0000')[1], 60)} | ${r.severity} | ${CHECK_LABELS[r.category]} | ${r.examples} |`);
  out.push('');
  return out;
}

/** Why comparing two runs may be unfair (different data, limits, prompts, sizes); empty when they match. */
export function comparisonCaveats(a: EvalSummary, b: EvalSummary): string[] {
  const caveats: string[] = [];
  if (a.data !== b.data) caveats.push(`different data (\`${a.data}\` vs \`${b.data}\`)`);
  if (a.limit !== b.limit) caveats.push(`different limits (${a.limit ?? 'none'} vs ${b.limit ?? 'none'})`);
  if (a.systemPromptVersion !== b.systemPromptVersion) {
    caveats.push(`different system prompt versions (${a.systemPromptVersion} vs ${b.systemPromptVersion})`);
  }
  if (a.count !== b.count) caveats.push(`different numbers of examples (${a.count} vs ${b.count})`);
  if ((a.rates.n8nAccepted === null) !== (b.rates.n8nAccepted === null)) caveats.push('n8n acceptance was checked in only one run');
  if ((a.n8n === undefined) !== (b.n8n === undefined)) caveats.push('n8n-style evaluation scores exist in only one run');
  return caveats;
}

export function compareEvals(a: EvalFile, b: EvalFile): string {
  const sa = a.summary;
  const sb = b.summary;
  const label = (s: EvalSummary) => `${s.model}${s.baseline ? ' (baseline)' : ''}`;
  const out: string[] = [`# Comparison: ${label(sa)} (A) vs ${label(sb)} (B)`, ''];
  for (const [name, s] of [
    ['A', sa],
    ['B', sb],
  ] as const) {
    if (s.baseline) out.push(`> ${name}: ${BASELINE_LINE}`, '');
  }
  const caveats = comparisonCaveats(sa, sb);
  if (caveats.length > 0) {
    out.push(`> **Note: the comparison may be unfair** — the runs used ${caveats.join('; ')}.`, '');
  }
  out.push(
    `| Metric | A: ${cell(sa.model, 60)} | B: ${cell(sb.model, 60)} | Δ (B − A) |`,
    '| --- | ---: | ---: | --- |',
  );
  for (const m of METRICS) {
    const va = m.value(sa);
    const vb = m.value(sb);
    let delta = 'n/a';
    if (va !== null && vb !== null) {
      const d = vb - va;
      // Judged on the shown precision, so "+0.000 ▲ better" never appears.
      if (formatValue(Math.abs(d), m.format) === formatValue(0, m.format)) delta = '±0';
      else if (m.higherIsBetter === null) delta = formatDelta(d, m.format);
      else delta = `${formatDelta(d, m.format)} ${d > 0 === m.higherIsBetter ? '▲ better' : '▼ worse'}`;
    }
    out.push(`| ${m.label} | ${formatValue(va, m.format)} | ${formatValue(vb, m.format)} | ${delta} |`);
  }
  out.push('', 'Arrows: ▲ B is better than A on this metric, ▼ B is worse (lower is better for hallucinations, repairs, tokens and latency).', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------
// Reading eval.json

class Shape {
  constructor(private readonly source: string) {}

  fail(path: string, what: string): never {
    throw new Error(`${this.source}: ${path ? `${path} ` : ''}${what}`);
  }

  describe(value: unknown): string {
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'an array';
    return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (!isObject(value)) this.fail(path, `must be an object, got ${this.describe(value)}`);
    return value;
  }

  number(o: Record<string, unknown>, key: string, path: string, nullable = false): void {
    const v = o[key];
    if (nullable && v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`${path}.${key}`, `must be a number${nullable ? ' or null' : ''}, got ${this.describe(v)}`);
  }

  string(o: Record<string, unknown>, key: string, path: string, optional = false): void {
    const v = o[key];
    if (optional && v === undefined) return;
    if (typeof v !== 'string') this.fail(`${path}.${key}`, `must be a string, got ${this.describe(v)}`);
  }

  boolean(o: Record<string, unknown>, key: string, path: string, nullable = false): void {
    const v = o[key];
    if (nullable && v === null) return;
    if (typeof v !== 'boolean') this.fail(`${path}.${key}`, `must be ${nullable ? 'true, false or null' : 'a boolean'}, got ${this.describe(v)}`);
  }
}

const RATE_KEYS = ['parsed', 'validFirstTry', 'validAfterRepair', 'n8nChecked'] as const;
const MEAN_KEYS = [
  'hallucinatedNodeTypes',
  'nodeTypePrecision',
  'nodeTypeRecall',
  'nodeTypeF1',
  'triggerMatch',
  'triggerKindMatch',
  'typedEdgeF1',
  'graphSimilarity',
  'repairRounds',
  'promptTokens',
  'completionTokens',
  'latencyMs',
] as const;
const EXAMPLE_NUMBERS = [
  'repairRounds',
  'hallucinatedNodeTypes',
  'nodeTypePrecision',
  'nodeTypeRecall',
  'nodeTypeF1',
  'typedEdgeF1',
  'graphSimilarity',
  'latencyMs',
] as const;
const EXAMPLE_BOOLEANS = ['parsed', 'validFirstTry', 'validAfterRepair', 'triggerMatch', 'triggerKindMatch'] as const;

/** Parse and check an `eval.json` text; errors name `source` and what is wrong. */
export function parseEvalFile(text: string, source: string): EvalFile {
  const shape: Shape = new Shape(source);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    shape.fail('', `is not valid JSON (${(error as Error).message})`);
  }
  const root = shape.object(value, '(top level)');
  if (root.version !== 1) shape.fail('version', `must be 1 (an eval.json file), got ${shape.describe(root.version)}`);

  const summary = shape.object(root.summary, 'summary');
  for (const key of ['model', 'data', 'startedAt', 'systemPromptVersion']) shape.string(summary, key, 'summary');
  shape.string(summary, 'n8nUrl', 'summary', true);
  shape.boolean(summary, 'baseline', 'summary');
  shape.number(summary, 'count', 'summary');
  if (summary.limit !== undefined) shape.number(summary, 'limit', 'summary');
  const rates = shape.object(summary.rates, 'summary.rates');
  for (const key of RATE_KEYS) shape.number(rates, key, 'summary.rates');
  shape.number(rates, 'n8nAccepted', 'summary.rates', true);
  const means = shape.object(summary.means, 'summary.means');
  for (const key of MEAN_KEYS) shape.number(means, key, 'summary.means');
  const latency = shape.object(summary.latencyMs, 'summary.latencyMs');
  for (const key of ['p50', 'p90']) shape.number(latency, key, 'summary.latencyMs');
  if (summary.n8n !== undefined) {
    const n8n = shape.object(summary.n8n, 'summary.n8n');
    for (const key of ['count', 'overall', 'similarity', 'gedExact']) shape.number(n8n, key, 'summary.n8n');
    const checks = shape.object(n8n.checks, 'summary.n8n.checks');
    for (const c of CHECK_CATEGORIES) shape.number(checks, c, 'summary.n8n.checks');
  }

  if (!Array.isArray(root.examples)) shape.fail('examples', `must be an array, got ${shape.describe(root.examples)}`);
  root.examples.forEach((item: unknown, i: number) => {
    const path = `examples[${i}]`;
    const example = shape.object(item, path);
    shape.string(example, 'request', path);
    shape.string(example, 'ref', path, true);
    for (const key of EXAMPLE_NUMBERS) shape.number(example, key, path);
    for (const key of EXAMPLE_BOOLEANS) shape.boolean(example, key, path);
    shape.boolean(example, 'n8nAccepted', path, true);
    if (example.n8n !== undefined) {
      const n8n = shape.object(example.n8n, `${path}.n8n`);
      for (const key of ['overall', 'similarity']) shape.number(n8n, key, `${path}.n8n`);
      const ged = shape.object(n8n.ged, `${path}.n8n.ged`);
      for (const key of ['cost', 'maxCost']) shape.number(ged, key, `${path}.n8n.ged`);
      shape.boolean(ged, 'exact', `${path}.n8n.ged`);
      const checks = shape.object(n8n.checks, `${path}.n8n.checks`);
      for (const c of CHECK_CATEGORIES) {
        const check = shape.object(checks[c], `${path}.n8n.checks.${c}`);
        shape.number(check, 'score', `${path}.n8n.checks.${c}`);
        if (!Array.isArray(check.violations)) shape.fail(`${path}.n8n.checks.${c}.violations`, `must be an array, got ${shape.describe(check.violations)}`);
        check.violations.forEach((v: unknown, k: number) => {
          const vp = `${path}.n8n.checks.${c}.violations[${k}]`;
          const violation = shape.object(v, vp);
          shape.string(violation, 'name', vp);
          shape.string(violation, 'severity', vp);
          shape.string(violation, 'node', vp, true);
        });
      }
    }
  });
  return root as unknown as EvalFile;
}
