/**
 * Evaluation metrics (generator/eval/metrics.ts) and reports (generator/eval/report.ts):
 * hand-built compact and full workflows with real node types.
 */
import { hydrateWorkflow, type CompactWorkflow, type FullWorkflow } from '../../../dataset/compact';
import {
  graphSimilarity,
  multisetPRF,
  normaliseGraph,
  percentile,
  scoreExample,
  summarise,
  typedEdgeKey,
  type EvalFile,
  type EvalMeta,
  type ExampleScore,
} from '../../../generator/eval/metrics';
import { BASELINE_LINE, compareEvals, parseEvalFile, renderEvalMarkdown } from '../../../generator/eval/report';
import type { GenerationResult } from '../../../generator/types';
import { loadCatalog } from '../../../schemas/catalog/load';
import { expectOnCanvas } from '../../helpers/canvas';

const catalog = loadCatalog();

const B = 'n8n-nodes-base.';
const LC = '@n8n/n8n-nodes-langchain.';

/** Schedule → HTTP → IF → (true) Agent (+ OpenAI model) → Slack, (false) → Slack. Six nodes, six edges. */
function referenceCompact(): CompactWorkflow {
  return {
    name: 'Daily check',
    nodes: [
      { name: 'Every day', type: `${B}scheduleTrigger` },
      { name: 'Fetch', type: `${B}httpRequest`, parameters: { url: 'https://example.com/status' } },
      { name: 'Check', type: `${B}if` },
      { name: 'Agent', type: `${LC}agent` },
      { name: 'Model', type: `${LC}lmChatOpenAi` },
      { name: 'Notify', type: `${B}slack` },
    ],
    connections: {
      'Every day': { main: [['Fetch']] },
      Fetch: { main: [['Check']] },
      // Both entry forms: a bare name and the `{node, type, index}` object.
      Check: { main: [['Agent'], [{ node: 'Notify', type: 'main', index: 0 }]] },
      Model: { ai_languageModel: [['Agent']] },
      Agent: { main: [['Notify']] },
    },
  };
}

/** The same workflow by hand in n8n's full form, other names, ids, positions, plus a sticky note. */
function referenceFull(): Record<string, unknown> {
  const n = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
    id: `id-${name}`,
    name,
    type,
    typeVersion: 1,
    position: [Math.round(Math.random() * 1000), 0],
    parameters: {},
    ...extra,
  });
  const to = (node: string, type = 'main', index = 0) => ({ node, type, index });
  return {
    name: 'Other name',
    nodes: [
      n('Note', `${B}stickyNote`, { parameters: { content: 'hello' } }),
      n('Slack', `${B}slack`),
      n('LLM', `${LC}lmChatOpenAi`),
      n('AI Agent', `${LC}agent`),
      n('If', `${B}if`),
      n('HTTP Request', `${B}httpRequest`),
      n('Schedule Trigger', `${B}scheduleTrigger`),
    ],
    connections: {
      'Schedule Trigger': { main: [[to('HTTP Request')]] },
      'HTTP Request': { main: [[to('If')]] },
      If: { main: [[to('AI Agent')], [to('Slack')]] },
      LLM: { ai_languageModel: [[to('AI Agent', 'ai_languageModel')]] },
      'AI Agent': { main: [[to('Slack')]] },
      // A connection from a sticky note is not part of the graph.
      Note: { main: [[to('Slack')]] },
    },
    settings: { executionOrder: 'v1' },
  };
}

function generation(workflow: unknown, options: Partial<GenerationResult> & { firstTryValid?: boolean; repairs?: number; totalMs?: number } = {}): GenerationResult {
  const repairs = options.repairs ?? 0;
  const rounds = Array.from({ length: repairs + 1 }, (_, i) => ({
    round: i,
    kind: i === 0 ? ('generate' as const) : ('repair' as const),
    parsed: workflow !== null,
    jsonRepaired: false,
    errors: [],
    latencyMs: 10,
  }));
  return {
    request: options.request ?? 'Check a status page every day and tell Slack',
    workflow: workflow as FullWorkflow | null,
    valid: options.valid ?? true,
    errors: [],
    warnings: [],
    rawText: '{}',
    trace: {
      model: 'test-model',
      baseline: false,
      rounds,
      firstTryValid: options.firstTryValid ?? true,
      totalMs: options.totalMs ?? 1234,
      promptTokens: 900,
      completionTokens: 300,
    },
  };
}

const hydrated = (compact: CompactWorkflow) => expectOnCanvas(hydrateWorkflow(compact, { catalog }), catalog);

function withNodes(compact: CompactWorkflow, edit: (nodes: CompactWorkflow['nodes']) => CompactWorkflow['nodes']): CompactWorkflow {
  return { ...compact, nodes: edit(compact.nodes.map((n) => ({ ...n }))) };
}

describe('normaliseGraph', () => {
  it('reads compact connections in both entry forms', () => {
    const g = normaliseGraph(referenceCompact());
    expect(g.nodes).toHaveLength(6);
    expect(g.edges).toHaveLength(6);
    expect(g.edges).toContainEqual({
      from: 'Check',
      fromType: `${B}if`,
      output: 1,
      connectionType: 'main',
      to: 'Notify',
      toType: `${B}slack`,
      input: 0,
    });
    expect(g.edges.map(typedEdgeKey)).toContain(`${LC}lmChatOpenAi#0-ai_languageModel->${LC}agent#0`);
  });

  it('reads the full form, JSON text and wrappers alike, without sticky notes', () => {
    const keys = (w: unknown) => normaliseGraph(w).edges.map(typedEdgeKey).sort();
    const full = referenceFull();
    const g = normaliseGraph(full);
    expect(g.nodes.map((n) => n.type)).not.toContain(`${B}stickyNote`);
    expect(g.nodes).toHaveLength(6);
    expect(keys(full)).toEqual(keys(referenceCompact()));
    expect(keys(JSON.stringify(full))).toEqual(keys(full));
    expect(keys({ name: 'template', workflow: full })).toEqual(keys(full));
  });

  it('keeps input indexes and drops dangling edges', () => {
    const g = normaliseGraph({
      nodes: [
        { name: 'A', type: `${B}manualTrigger` },
        { name: 'M', type: `${B}merge` },
      ],
      connections: { A: { main: [['M', { node: 'M', type: 'main', index: 1 }, 'Ghost']] }, Ghost: { main: [['M']] } },
    });
    expect(g.edges.map(typedEdgeKey)).toEqual([`${B}manualTrigger#0-main->${B}merge#0`, `${B}manualTrigger#0-main->${B}merge#1`]);
  });

  it('turns garbage into an empty graph, never throws', () => {
    const cyclic: Record<string, unknown> = { nodes: [] };
    cyclic.connections = cyclic;
    const hostile = {
      get nodes(): unknown {
        throw new Error('boom');
      },
    };
    for (const garbage of [null, undefined, 42, 'not json', '{"nodes":5}', [], { nodes: 'x' }, hostile]) {
      expect(normaliseGraph(garbage)).toEqual({ nodes: [], edges: [] });
    }
    expect(() => normaliseGraph(cyclic)).not.toThrow();
    const odd = normaliseGraph({
      nodes: [null, 1, { type: 3 }, { name: 'A', type: `${B}set` }, { name: 5, type: `${B}if` }],
      connections: { A: 5, B: { main: 'x' }, C: null },
    });
    expect(odd.nodes).toEqual([
      { name: 'A', type: `${B}set` },
      { name: '', type: `${B}if` },
    ]);
    expect(odd.edges).toEqual([]);
    // Names are data, not object keys of the metrics: `__proto__` is a node like any other.
    const proto = normaliseGraph(
      '{"nodes":[{"name":"__proto__","type":"n8n-nodes-base.manualTrigger"},{"name":"constructor","type":"n8n-nodes-base.set"}],' +
        '"connections":{"__proto__":{"main":[["constructor"]]}}}',
    );
    expect(proto.edges.map(typedEdgeKey)).toEqual([`${B}manualTrigger#0-main->${B}set#0`]);
  });
});

describe('multiset metrics', () => {
  it('precision/recall over multisets, with the empty-side conventions', () => {
    expect(multisetPRF([], [])).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(multisetPRF([], ['a'])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(multisetPRF(['a'], [])).toEqual({ precision: 0, recall: 0, f1: 0 });
    // Multiset: two `a` generated, one in the reference.
    const prf = multisetPRF(['a', 'a', 'b'], ['a', 'b']);
    expect(prf.precision).toBeCloseTo(2 / 3);
    expect(prf.recall).toBe(1);
    expect(prf.f1).toBeCloseTo(0.8);
  });

  it('graph similarity counts a substituted node and edge once each', () => {
    const ref = normaliseGraph({
      nodes: [
        { name: 'T', type: `${B}manualTrigger` },
        { name: 'S', type: `${B}set` },
        { name: 'X', type: `${B}slack` },
      ],
      connections: { T: { main: [['S']] }, S: { main: [['X']] } },
    });
    const gen = normaliseGraph({
      nodes: [
        { name: 'T', type: `${B}manualTrigger` },
        { name: 'S', type: `${B}set` },
        { name: 'H', type: `${B}httpRequest` },
      ],
      connections: { T: { main: [['S']] }, S: { main: [['H']] } },
    });
    // 1 node relabel + 1 edge relabel over 3 nodes + 2 edges.
    expect(graphSimilarity(gen, ref)).toBeCloseTo(1 - 2 / 5);
    expect(graphSimilarity(ref, gen)).toBeCloseTo(1 - 2 / 5);
    expect(graphSimilarity(normaliseGraph(null), normaliseGraph(null))).toBe(1);
    expect(graphSimilarity(normaliseGraph(null), ref)).toBe(0);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([400, 100, 300, 200], 50)).toBe(200);
    expect(percentile([400, 100, 300, 200], 90)).toBe(400);
    expect(percentile([7], 90)).toBe(7);
  });
});

describe('scoreExample', () => {
  it('scores an identical workflow 1 everywhere', () => {
    const score = scoreExample({ generated: generation(hydrated(referenceCompact())), reference: referenceCompact(), catalog, n8nAccepted: true });
    expect(score).toMatchObject({
      parsed: true,
      validFirstTry: true,
      validAfterRepair: true,
      repairRounds: 0,
      hallucinatedNodeTypes: 0,
      hallucinatedNodeTypeList: [],
      nodeTypePrecision: 1,
      nodeTypeRecall: 1,
      nodeTypeF1: 1,
      triggerMatch: true,
      triggerKindMatch: true,
      generatedTriggerKind: 'schedule',
      referenceTriggerKind: 'schedule',
      typedEdgeF1: 1,
      graphSimilarity: 1,
      nodes: { generated: 6, reference: 6 },
      edges: { generated: 6, reference: 6 },
      tokens: { prompt: 900, completion: 300 },
      latencyMs: 1234,
      n8nAccepted: true,
    });
  });

  it('ignores names, ids, positions and sticky notes: the hand-built full form scores 1', () => {
    const score = scoreExample({ generated: generation(referenceFull()), reference: referenceCompact(), catalog });
    expect(score.nodeTypeF1).toBe(1);
    expect(score.typedEdgeF1).toBe(1);
    expect(score.graphSimilarity).toBe(1);
    expect(score.n8nAccepted).toBeNull();
  });

  it('counts a hallucinated node type and lowers precision', () => {
    const gen = withNodes(referenceCompact(), (nodes) => nodes.map((n) => (n.name === 'Notify' ? { ...n, type: `${B}slackMessenger` } : n)));
    const score = scoreExample({ generated: generation(hydrated(gen), { valid: false, firstTryValid: false, repairs: 2 }), reference: referenceCompact(), catalog });
    expect(score.hallucinatedNodeTypes).toBe(1);
    expect(score.hallucinatedNodeTypeList).toEqual([`${B}slackMessenger`]);
    expect(score.nodeTypePrecision).toBeCloseTo(5 / 6);
    expect(score.nodeTypeRecall).toBeCloseTo(5 / 6);
    expect(score.nodeTypeF1).toBeLessThan(1);
    // Two edges end at the renamed type.
    expect(score.typedEdgeF1).toBeCloseTo(4 / 6);
    expect(score.graphSimilarity).toBeCloseTo(1 - (1 + 2) / 12);
    expect(score.validFirstTry).toBe(false);
    expect(score.validAfterRepair).toBe(false);
    expect(score.repairRounds).toBe(2);
    expect(score.triggerMatch).toBe(true);
  });

  it('counts each hallucinated type once, however many nodes use it', () => {
    const gen: CompactWorkflow = {
      nodes: [
        { name: 'T', type: `${B}manualTrigger` },
        { name: 'A', type: `${B}fooBar` },
        { name: 'B', type: `${B}fooBar` },
        { name: 'C', type: 'made.up' },
      ],
      connections: {},
    };
    const score = scoreExample({ generated: generation(gen), reference: referenceCompact(), catalog });
    expect(score.hallucinatedNodeTypes).toBe(2);
    expect(score.hallucinatedNodeTypeList).toEqual(['made.up', `${B}fooBar`]);
    expect(score.nodeTypePrecision).toBe(0);
  });

  it('notices a different trigger, and a different type of the same kind', () => {
    const webhook = withNodes(referenceCompact(), (nodes) => nodes.map((n) => (n.name === 'Every day' ? { ...n, type: `${B}webhook` } : n)));
    const score = scoreExample({ generated: generation(hydrated(webhook)), reference: referenceCompact(), catalog });
    expect(score.triggerMatch).toBe(false);
    expect(score.triggerKindMatch).toBe(false);
    expect(score.generatedTriggerKind).toBe('webhook');
    expect(score.referenceTriggerKind).toBe('schedule');
    expect(score.nodeTypeF1).toBeCloseTo(5 / 6);

    const cron = withNodes(referenceCompact(), (nodes) => nodes.map((n) => (n.name === 'Every day' ? { ...n, type: `${B}cron` } : n)));
    const sameKind = scoreExample({ generated: generation(hydrated(cron)), reference: referenceCompact(), catalog });
    expect(sameKind.triggerMatch).toBe(false);
    expect(sameKind.triggerKindMatch).toBe(true);

    const manual = scoreExample({
      generated: generation({ nodes: [{ name: 'Go', type: `${B}manualTrigger` }], connections: {} }),
      reference: { nodes: [{ name: 'Start', type: `${B}manualTrigger` }, { name: 'Set', type: `${B}set` }], connections: { Start: { main: [['Set']] } } },
      catalog,
    });
    expect(manual.triggerMatch).toBe(true);
    expect(manual.triggerKindMatch).toBe(true);
    expect(manual.nodeTypeRecall).toBe(0.5);
    expect(manual.typedEdgeF1).toBe(0);
  });

  it('a missing edge lowers typed-edge F1 and graph similarity', () => {
    const compact = referenceCompact();
    const { Agent: _dropped, ...rest } = compact.connections;
    const gen: CompactWorkflow = { ...compact, connections: rest };
    const score = scoreExample({ generated: generation(hydrated(gen)), reference: compact, catalog });
    expect(score.nodeTypeF1).toBe(1);
    expect(score.typedEdgeF1).toBeLessThan(1);
    expect(score.typedEdgeF1).toBeCloseTo((2 * 1 * (5 / 6)) / (1 + 5 / 6));
    expect(score.graphSimilarity).toBeLessThan(1);
    expect(score.graphSimilarity).toBeCloseTo(1 - 1 / 12);
  });

  it('a compact workflow and its hydrated full form score identically, on either side', () => {
    const compact = referenceCompact();
    const variant = withNodes(compact, (nodes) => [...nodes.filter((n) => n.name !== 'Check'), { name: 'Extra', type: `${B}set` }]);
    const full = hydrated(compact);
    const variantFull = hydrated(variant);
    const s = (generated: unknown, reference: unknown) => scoreExample({ generated: generation(generated), reference, catalog });

    expect(s(variantFull, compact)).toEqual(s(variantFull, full));
    expect(s(variant, compact)).toEqual(s(variantFull, full));
    expect(s(variant, JSON.stringify(compact))).toEqual(s(variantFull, full));
    const score = s(variant, compact);
    expect(score.graphSimilarity).toBeGreaterThan(0);
    expect(score.graphSimilarity).toBeLessThan(1);
  });

  it('never throws on garbage, and scores it as nothing', () => {
    const garbage: unknown[] = [null, undefined, 0, 'nope', '{', [], { nodes: null }, { nodes: [{ type: 7 }], connections: 'x' }];
    for (const g of garbage) {
      for (const r of garbage) {
        expect(() => scoreExample({ generated: generation(g, { valid: false, firstTryValid: false }), reference: r, catalog })).not.toThrow();
      }
      const score = scoreExample({ generated: generation(g, { valid: false, firstTryValid: false }), reference: referenceCompact(), catalog });
      expect(score.nodeTypeF1).toBe(0);
      expect(score.typedEdgeF1).toBe(0);
      expect(score.graphSimilarity).toBe(0);
      expect(score.triggerMatch).toBe(false);
      const reverse = scoreExample({ generated: generation(referenceCompact()), reference: g, catalog });
      expect(reverse.nodeTypePrecision).toBe(0);
      expect(reverse.graphSimilarity).toBe(0);
    }
    expect(scoreExample({ generated: generation(null), reference: null, catalog }).parsed).toBe(false);
    // A broken generation result (no trace) still gets a score.
    const broken = scoreExample({ generated: { workflow: null } as unknown as GenerationResult, reference: referenceCompact(), catalog });
    expect(broken).toMatchObject({ parsed: false, validFirstTry: false, repairRounds: 0, latencyMs: 0, tokens: { prompt: 0, completion: 0 } });
    expect(() => scoreExample({ generated: null as unknown as GenerationResult, reference: undefined, catalog })).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------
// Summary and reports

const META: EvalMeta = {
  model: 'ft:qwen-7b-flowtune',
  baseline: false,
  data: 'out/dataset/validation.jsonl',
  limit: 4,
  startedAt: '2025-01-01T00:00:00.000Z',
  systemPromptVersion: 'v3',
};

function fourScores(): ExampleScore[] {
  const ref = referenceCompact();
  const webhook = withNodes(ref, (nodes) => nodes.map((n) => (n.name === 'Every day' ? { ...n, type: `${B}webhook` } : n)));
  const hallucinated = withNodes(ref, (nodes) => nodes.map((n) => (n.name === 'Notify' ? { ...n, type: `${B}slackz` } : n)));
  return [
    scoreExample({ generated: generation(hydrated(ref), { totalMs: 400 }), reference: ref, catalog, n8nAccepted: true }),
    scoreExample({ generated: generation(hydrated(webhook), { totalMs: 100, repairs: 1, firstTryValid: false }), reference: ref, catalog, n8nAccepted: false }),
    scoreExample({ generated: generation(hydrated(hallucinated), { totalMs: 300, valid: false, firstTryValid: false, repairs: 2 }), reference: ref, catalog }),
    scoreExample({ generated: generation(null, { totalMs: 200, valid: false, firstTryValid: false, repairs: 2 }), reference: ref, catalog }),
  ];
}

function evalFile(meta: Partial<EvalMeta> = {}, requests: string[] = []): EvalFile {
  const scores = fourScores();
  const summary = summarise(scores, { ...META, ...meta });
  return {
    version: 1,
    summary,
    examples: scores.map((s, i) => ({ ...s, request: requests[i] ?? `request number ${i + 1}`, ref: `validation.jsonl:${i + 1}` })),
  };
}

describe('summarise', () => {
  it('computes rates, means and latency percentiles', () => {
    const summary = summarise(fourScores(), META);
    expect(summary).toMatchObject({ model: META.model, baseline: false, data: META.data, limit: 4, count: 4, systemPromptVersion: 'v3' });
    expect(summary.n8nUrl).toBeUndefined();
    expect(summary.rates.parsed).toBe(0.75);
    expect(summary.rates.validFirstTry).toBe(0.25);
    expect(summary.rates.validAfterRepair).toBe(0.5);
    // Over the two examples n8n checked, not all four.
    expect(summary.rates.n8nChecked).toBe(2);
    expect(summary.rates.n8nAccepted).toBe(0.5);
    expect(summary.means.hallucinatedNodeTypes).toBe(0.25);
    expect(summary.means.triggerMatch).toBe(0.5);
    expect(summary.means.triggerKindMatch).toBe(0.5);
    expect(summary.means.nodeTypeF1).toBeCloseTo((1 + 5 / 6 + 5 / 6 + 0) / 4);
    expect(summary.means.repairRounds).toBe(1.25);
    expect(summary.means.promptTokens).toBe(900);
    expect(summary.means.completionTokens).toBe(300);
    expect(summary.means.latencyMs).toBe(250);
    expect(summary.latencyMs).toEqual({ p50: 200, p90: 400 });
    expect(summary.means.graphSimilarity).toBeGreaterThan(0);
    expect(summary.means.graphSimilarity).toBeLessThan(1);
  });

  it('reports no n8n acceptance rate when nothing was checked, and copes with no examples', () => {
    const scores = fourScores().map((s) => ({ ...s, n8nAccepted: null }));
    expect(summarise(scores, META).rates.n8nAccepted).toBeNull();
    const empty = summarise([], { ...META, n8nUrl: 'http://localhost:5678' });
    expect(empty.count).toBe(0);
    expect(empty.rates.parsed).toBe(0);
    expect(empty.latencyMs).toEqual({ p50: 0, p90: 0 });
    expect(empty.n8nUrl).toBe('http://localhost:5678');
  });
});

describe('renderEvalMarkdown', () => {
  it('names the model, labels the baseline and shows the metrics table', () => {
    const md = renderEvalMarkdown(evalFile({ model: 'retrieval', baseline: true }));
    expect(md).toContain('# Evaluation: retrieval');
    expect(md).toContain('Baseline, not a language model: the training workflow that best covers the request, adapted to it (offline generator)');
    expect(md).toContain(BASELINE_LINE);
    expect(md).toContain('| Metric | Value |');
    expect(md).toMatch(/\| Valid after repair \| 50\.0% \|/);
    expect(md).toMatch(/\| n8n acceptance \(of checked\) \| 50\.0% \|/);
    expect(md).toMatch(/\| Latency p90 \| 400 ms \|/);
  });

  it('has no baseline line for a model, and says when n8n was not checked', () => {
    const file = evalFile();
    file.summary.rates.n8nAccepted = null;
    const md = renderEvalMarkdown(file);
    expect(md).not.toContain('Baseline:');
    expect(md).toContain('# Evaluation: ft:qwen-7b-flowtune');
    expect(md).toMatch(/\| n8n acceptance \(of checked\) \| n\/a \|/);
  });

  it('lists the worst examples first, at most ten, requests truncated to one table cell', () => {
    const long = `Send | a very long request\nover lines ${'x'.repeat(300)}`;
    const file = evalFile({}, ['a', 'b', 'c', long]);
    const section = renderEvalMarkdown(file).split('## Worst examples')[1];
    const rows = section.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    // The unparsed example (similarity 0) first.
    expect(rows[0]).toMatch(/^\| 4 \| 0\.000 \| no JSON \|/);
    expect(rows[0]).toContain('Send \\| a very long request over lines');
    expect(rows[0]).toContain('…');
    expect(rows[0]).not.toContain('x'.repeat(200));
    expect(rows[rows.length - 1]).toMatch(/^\| 1 \| 1\.000 \| yes \|/);

    const many: EvalFile = { ...file, examples: Array.from({ length: 15 }, (_, i) => ({ ...file.examples[0], graphSimilarity: i / 15, request: `r${i}` })) };
    const manyRows = renderEvalMarkdown(many).split('## Worst examples')[1].split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(manyRows).toHaveLength(10);
    expect(manyRows[0]).toContain('| r0 |');
  });
});

describe('compareEvals', () => {
  it('shows both models, signed deltas and which way they go', () => {
    const a = evalFile({ model: 'retrieval', baseline: true });
    const b = evalFile({ model: 'ft:qwen-7b-flowtune' });
    b.summary.rates.validAfterRepair = 0.75;
    b.summary.means.graphSimilarity = a.summary.means.graphSimilarity - 0.1;
    b.summary.latencyMs.p90 = 300;
    const md = compareEvals(a, b);
    expect(md).toContain('retrieval (baseline)');
    expect(md).toContain('ft:qwen-7b-flowtune');
    expect(md).toContain('| Metric | A: retrieval | B: ft:qwen-7b-flowtune | Δ (B − A) |');
    expect(md).toMatch(/\| Valid after repair \| 50\.0% \| 75\.0% \| \+25\.0 pp ▲ better \|/);
    expect(md).toMatch(/\| Graph similarity \| [0-9.]+ \| [0-9.]+ \| -0\.100 ▼ worse \|/);
    // Lower latency is better.
    expect(md).toMatch(/\| Latency p90 \| 400 ms \| 300 ms \| -100 ms ▲ better \|/);
    expect(md).toMatch(/\| Node-type F1 \| [0-9.]+ \| [0-9.]+ \| ±0 \|/);
    expect(md).toContain(BASELINE_LINE);
    // Same data, limit and prompt: no fairness note.
    expect(md).not.toContain('may be unfair');
  });

  it('warns when the runs used different data, limits or system prompts', () => {
    const a = evalFile();
    const b = evalFile({ model: 'other', data: 'other/validation.jsonl', limit: 50, systemPromptVersion: 'v4' });
    const md = compareEvals(a, b);
    expect(md).toContain('may be unfair');
    expect(md).toContain('different data');
    expect(md).toContain('different limits (4 vs 50)');
    expect(md).toContain('different system prompt versions (v3 vs v4)');
  });
});

describe('parseEvalFile', () => {
  it('round-trips what an eval run writes', () => {
    const file = evalFile();
    expect(parseEvalFile(JSON.stringify(file, null, 2), 'runs/a/eval.json')).toEqual(file);
  });

  it('names the file and what is wrong', () => {
    const file = evalFile();
    const bad = (mutate: (f: Record<string, any>) => void) => {
      const copy = JSON.parse(JSON.stringify(file));
      mutate(copy);
      return () => parseEvalFile(JSON.stringify(copy), 'runs/b/eval.json');
    };
    expect(() => parseEvalFile('{"version": 1,', 'runs/b/eval.json')).toThrow(/^runs\/b\/eval\.json: is not valid JSON/);
    expect(() => parseEvalFile('[]', 'x.json')).toThrow('x.json: (top level) must be an object, got an array');
    expect(bad((f) => (f.version = 2))).toThrow('runs/b/eval.json: version must be 1');
    expect(bad((f) => delete f.summary)).toThrow('runs/b/eval.json: summary must be an object, got undefined');
    expect(bad((f) => (f.summary.rates.validFirstTry = '50%'))).toThrow('runs/b/eval.json: summary.rates.validFirstTry must be a number, got string "50%"');
    expect(bad((f) => delete f.summary.model)).toThrow('runs/b/eval.json: summary.model must be a string');
    expect(bad((f) => (f.examples = {}))).toThrow('runs/b/eval.json: examples must be an array');
    expect(bad((f) => delete f.examples[2].request)).toThrow('runs/b/eval.json: examples[2].request must be a string');
    expect(bad((f) => (f.examples[1].n8nAccepted = 'yes'))).toThrow('examples[1].n8nAccepted must be true, false or null');
    // null acceptance rate is fine.
    expect(bad((f) => (f.summary.rates.n8nAccepted = null))).not.toThrow();
  });
});
