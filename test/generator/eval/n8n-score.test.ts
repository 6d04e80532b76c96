/**
 * n8n-style evaluation (generator/eval/checks.ts, graph-edit-distance.ts, n8n-score.ts):
 * each programmatic check on workflows that pass and fail it, n8n's weighting, and the
 * graph edit distance against hand-computed costs.
 */
import { hydrateWorkflow, type CompactWorkflow } from '../../../dataset/compact';
import {
  categoryWeights,
  CHECK_CATEGORIES,
  checkInput,
  overallScore,
  runChecks,
  scoreOf,
  type CheckCategory,
  type CheckResults,
} from '../../../generator/eval/checks';
import {
  buildGedGraph,
  graphEditDistance,
  normaliseExpression,
  parameterDifference,
  solveAssignment,
  type GedGraph,
  type GedNode,
} from '../../../generator/eval/graph-edit-distance';
import { normaliseGraph, scoreExample, summarise, type EvalFile } from '../../../generator/eval/metrics';
import { compareEvals, parseEvalFile, renderEvalMarkdown } from '../../../generator/eval/report';
import type { GenerationResult } from '../../../generator/types';
import { scoreLikeN8n, summariseN8n } from '../../../generator/eval/n8n-score';
import { loadCatalog } from '../../../schemas/catalog/load';

const catalog = loadCatalog();
const B = 'n8n-nodes-base.';
const LC = '@n8n/n8n-nodes-langchain.';

const full = (compact: CompactWorkflow) => hydrateWorkflow(compact, { catalog });
const checks = (workflow: unknown): CheckResults => runChecks(workflow, normaliseGraph(workflow), catalog);
const names = (results: CheckResults, category: CheckCategory) => results[category].violations.map((v) => v.name).sort();

/** Chat trigger → Agent with a model, memory-free, and an HTTP tool that reads $fromAI. A clean AI workflow. */
function agentWorkflow(edit: (w: CompactWorkflow) => void = () => undefined): CompactWorkflow {
  const w: CompactWorkflow = {
    nodes: [
      { name: 'Chat', type: `${LC}chatTrigger` },
      {
        name: 'Agent',
        type: `${LC}agent`,
        parameters: { promptType: 'define', text: '={{ $json.chatInput }}', options: { systemMessage: 'You answer questions about the weather.' } },
      },
      { name: 'Model', type: `${LC}lmChatOpenAi`, parameters: { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' } } },
      {
        name: 'Weather',
        type: `${LC}toolHttpRequest`,
        parameters: { toolDescription: 'Weather for a city', url: "={{ 'https://wttr.in/' + $fromAI('city') }}" },
      },
    ],
    connections: {
      Chat: { main: [['Agent']] },
      Model: { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 0 }]] },
      Weather: { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
    },
  };
  edit(w);
  return w;
}

function node(w: CompactWorkflow, name: string) {
  const found = w.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found;
}

describe('n8n programmatic checks', () => {
  it('a clean AI workflow passes every check', () => {
    const results = checks(full(agentWorkflow()));
    for (const c of CHECK_CATEGORIES) expect({ c, violations: results[c].violations }).toEqual({ c, violations: [] });
    expect(overallScore(results, null)).toBeCloseTo(1);
  });

  it('connections: unknown type, missing model, unsupported input, unconnected sub-node', () => {
    const unknown = checks(full(agentWorkflow((w) => w.nodes.push({ name: 'Odd', type: `${B}doesNotExist` }))));
    expect(names(unknown, 'connections')).toEqual(['node-type-not-found']);

    const noModel = agentWorkflow((w) => {
      w.nodes = w.nodes.filter((n) => n.name !== 'Model');
      delete w.connections.Model;
    });
    expect(names(checks(full(noModel)), 'connections')).toEqual(['node-missing-required-input']);

    const slackIntoModelInput = agentWorkflow((w) => {
      w.nodes.push({ name: 'Slack', type: `${B}slack` });
      w.connections.Slack = { ai_languageModel: [[{ node: 'Agent', type: 'ai_languageModel', index: 0 }]] };
    });
    expect(names(checks(full(slackIntoModelInput)), 'connections')).toContain('node-unsupported-connection-input');

    const looseModel = agentWorkflow((w) => w.nodes.push({ name: 'Spare model', type: `${LC}lmChatOpenAi` }));
    const loose = checks(full(looseModel));
    expect(names(loose, 'connections')).toEqual(['sub-node-not-connected']);
    expect(loose.connections.violations[0]).toMatchObject({ severity: 'critical', points: 50, node: 'Spare model' });
    expect(loose.connections.score).toBe(0.5);
  });

  it('connections: a Merge node with one input', () => {
    const merge = (both: boolean): CompactWorkflow => ({
      nodes: [
        { name: 'Start', type: `${B}manualTrigger` },
        { name: 'A', type: `${B}noOp` },
        { name: 'B', type: `${B}noOp` },
        { name: 'Merge', type: `${B}merge` },
      ],
      connections: {
        Start: { main: [['A', 'B']] },
        A: { main: [['Merge']] },
        ...(both ? { B: { main: [[{ node: 'Merge', type: 'main', index: 1 }]] } } : {}),
      },
    });
    expect(checks(full(merge(true))).connections.violations).toEqual([]);
    const one = checks(full(merge(false)));
    expect(names(one, 'connections')).toEqual(['node-merge-incorrect-num-inputs', 'node-merge-missing-input', 'node-merge-single-input']);
    expect(one.connections.score).toBeCloseTo(0.5); // 20 + 10 + 20 points
  });

  it('nodes and trigger: an empty workflow, and one without a trigger', () => {
    const empty = checks({ nodes: [], connections: {} });
    expect(names(empty, 'nodes')).toEqual(['workflow-has-no-nodes']);
    expect(names(empty, 'trigger')).toEqual(['workflow-has-no-nodes']);
    const noTrigger = checks(full({ nodes: [{ name: 'Set', type: `${B}set` }], connections: {} }));
    expect(names(noTrigger, 'trigger')).toEqual(['workflow-has-no-trigger']);
    expect(noTrigger.nodes.violations).toEqual([]);
    expect(checks(full(agentWorkflow())).trigger.violations).toEqual([]);
  });

  it('agent prompt: static prompt and missing system message; auto prompts are not judged', () => {
    const bare = agentWorkflow((w) => (node(w, 'Agent').parameters = { promptType: 'define', text: 'Answer the question' }));
    const results = checks(full(bare));
    expect(names(results, 'agentPrompt')).toEqual(['agent-no-system-prompt', 'agent-static-prompt']);
    expect(results.agentPrompt.score).toBeCloseTo(0.55);
    const auto = agentWorkflow((w) => (node(w, 'Agent').parameters = { promptType: 'auto', text: '={{ $json.chatInput }}' }));
    expect(checks(full(auto)).agentPrompt.violations).toEqual([]);
  });

  it('tools: a tool without parameters, and one without any expression; the calculator needs none', () => {
    const staticTool = agentWorkflow((w) => (node(w, 'Weather').parameters = { toolDescription: 'Weather', url: 'https://wttr.in/Berlin' }));
    expect(names(checks(full(staticTool)), 'tools')).toEqual(['tool-node-static-parameters']);
    const code = agentWorkflow((w) => {
      w.nodes.push({ name: 'Code tool', type: `${LC}toolCode` });
      w.connections['Code tool'] = { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] };
    });
    const input = checkInput(code, normaliseGraph(code), catalog);
    expect(input.nodes.find((n) => n.name === 'Code tool')?.parameters).toEqual({});
    expect(names(runChecks(code, normaliseGraph(code), catalog), 'tools')).toContain('tool-node-has-no-parameters');
    const calculator = agentWorkflow((w) => {
      w.nodes.push({ name: 'Calc', type: `${LC}toolCalculator` });
      w.connections.Calc = { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] };
    });
    expect(checks(full(calculator)).tools.violations).toEqual([]);
  });

  it('$fromAI: only tools may use it', () => {
    const misuse: CompactWorkflow = {
      nodes: [
        { name: 'Start', type: `${B}manualTrigger` },
        { name: 'Slack', type: `${B}slack`, parameters: { text: "={{ $fromAI('message') }}" } },
      ],
      connections: { Start: { main: [['Slack']] } },
    };
    expect(names(checks(full(misuse)), 'fromAi')).toEqual(['non-tool-node-uses-fromai']);
    expect(checks(full(agentWorkflow())).fromAi.violations).toEqual([]);
  });

  it('credentials: hardcoded secrets in HTTP headers and query, and secret-like Set fields', () => {
    const leaky: CompactWorkflow = {
      nodes: [
        { name: 'Start', type: `${B}manualTrigger` },
        {
          name: 'Call',
          type: `${B}httpRequest`,
          parameters: {
            url: 'https://api.example.com',
            sendHeaders: true,
            headerParameters: { parameters: [{ name: 'Authorization', value: 'Bearer abc123' }, { name: 'Accept', value: 'application/json' }] },
            sendQuery: true,
            queryParameters: { parameters: [{ name: 'api_key', value: 'abc' }, { name: 'token', value: '={{ $json.token }}' }] },
          },
        },
        { name: 'Keep', type: `${B}set`, parameters: { assignments: { assignments: [{ id: '1', name: 'password', value: 'x', type: 'string' }] } } },
      ],
      connections: { Start: { main: [['Call']] }, Call: { main: [['Keep']] } },
    };
    const results = checks(full(leaky));
    expect(names(results, 'credentials')).toEqual(['http-request-hardcoded-credentials', 'http-request-hardcoded-credentials', 'set-node-credential-field']);
    expect(results.credentials.score).toBeCloseTo(0.85);
    expect(checks(full(agentWorkflow())).credentials.violations).toEqual([]);
  });

  it('webhook response: responseNode without a Respond to Webhook node, and the reverse', () => {
    const hook = (mode: string, responder: boolean): CompactWorkflow => ({
      nodes: [
        { name: 'Hook', type: `${B}webhook`, parameters: { path: 'in', responseMode: mode } },
        { name: 'Reply', type: responder ? `${B}respondToWebhook` : `${B}noOp` },
      ],
      connections: { Hook: { main: [['Reply']] } },
    });
    expect(names(checks(full(hook('responseNode', false))), 'nodeUsage')).toEqual(['webhook-response-mode-missing-respond-node']);
    expect(names(checks(full(hook('onReceived', true))), 'nodeUsage')).toEqual(['webhook-response-mode-mismatch']);
    expect(checks(full(hook('responseNode', true))).nodeUsage.violations).toEqual([]);
  });

  it('parameters: an option outside its list; a required parameter left empty', () => {
    const bad: CompactWorkflow = {
      nodes: [
        { name: 'Start', type: `${B}manualTrigger` },
        { name: 'Slack', type: `${B}slack`, parameters: { resource: 'spaceship' } },
        { name: 'Call', type: `${B}httpRequest`, parameters: { url: '' } },
      ],
      connections: { Start: { main: [['Slack', 'Call']] } },
    };
    const results = checks(full(bad));
    expect(names(results, 'parameters')).toEqual(['node-invalid-options-value', 'node-missing-required-parameter']);
    expect(results.parameters.score).toBe(0);
  });

  it('nothing generated scores 0 everywhere', () => {
    const results = runChecks(null, normaliseGraph(null), catalog);
    for (const c of CHECK_CATEGORIES) expect(results[c].score).toBe(0);
    expect(overallScore(results, 0)).toBe(0);
  });
});

describe("n8n's weighting", () => {
  it('tiers 3 / 2 / 1 normalised over the categories present', () => {
    const without = categoryWeights([...CHECK_CATEGORIES]);
    // high: connections, trigger, parameters; medium: agentPrompt, tools; low: the other four.
    expect(without.connections).toBeCloseTo(3 / 17);
    expect(without.tools).toBeCloseTo(2 / 17);
    expect(without.credentials).toBeCloseTo(1 / 17);
    const withSimilarity = categoryWeights([...CHECK_CATEGORIES, 'similarity']);
    expect(withSimilarity.similarity).toBeCloseTo(2 / 19);
    expect(Object.values(withSimilarity).reduce((a, b) => a + (b ?? 0), 0)).toBeCloseTo(1);
  });

  it('overall score: a failed trigger check and similarity 0.5', () => {
    const perfect = () => ({ score: 1, violations: [] });
    const results = Object.fromEntries(CHECK_CATEGORIES.map((c) => [c, perfect()])) as unknown as CheckResults;
    results.trigger = { score: 0.5, violations: [{ name: 'workflow-has-no-trigger', severity: 'critical', points: 50, message: '' }] };
    expect(overallScore(results, null)).toBeCloseTo(1 - (3 / 17) * 0.5);
    expect(overallScore(results, 0.5)).toBeCloseTo(1 - (3 / 19) * 0.5 - (2 / 19) * 0.5);
    expect(scoreOf([...results.trigger.violations, ...results.trigger.violations, ...results.trigger.violations])).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// Graph edit distance

const gnode = (name: string, type: string, parameters: Record<string, unknown> = {}): GedNode => ({
  name,
  type,
  trigger: /trigger|webhook/i.test(type + name),
  parameters,
});
const graph = (nodes: GedNode[], edges: Array<[number, number, string?]> = []): GedGraph => ({
  nodes,
  edges: edges.map(([from, to, t]) => ({ from, to, connectionType: t ?? 'main' })),
});

describe('graph edit distance with n8n costs', () => {
  const chain = () =>
    graph([gnode('Start', `${B}manualTrigger`), gnode('Fetch', `${B}httpRequest`, { url: 'https://a' }), gnode('Post', `${B}slack`)], [
      [0, 1],
      [1, 2],
    ]);

  it('identity: distance 0, similarity 1, exact', () => {
    const r = graphEditDistance(chain(), chain());
    expect(r).toMatchObject({ cost: 0, similarity: 1, exact: true, method: 'exact' });
    expect(r.maxCost).toBe(10 * 6 + 5 * 4);
    expect(graphEditDistance(graph([]), graph([]))).toMatchObject({ cost: 0, similarity: 1 });
  });

  it('one substitution by a different type costs 15; by a similar type 5', () => {
    const other = chain();
    other.nodes[2] = gnode('Post', `${B}discord`);
    const r = graphEditDistance(chain(), other);
    expect(r.cost).toBe(15);
    expect(r.similarity).toBeCloseTo(1 - 15 / 80);
    const similar = chain();
    similar.nodes[1] = gnode('Fetch', `${LC}toolHttpRequest`);
    expect(graphEditDistance(chain(), similar).cost).toBe(5);
  });

  it('one missing edge costs 1 (networkx unit edge costs); a changed connection type 1', () => {
    const cut = chain();
    cut.edges.pop();
    expect(graphEditDistance(chain(), cut).cost).toBe(1);
    expect(graphEditDistance(cut, chain()).cost).toBe(1);
    const retyped = chain();
    retyped.edges[1].connectionType = 'ai_tool';
    expect(graphEditDistance(chain(), retyped).cost).toBe(1);
  });

  it('a missing node costs its insertion and its edge; a trigger 25', () => {
    const short = graph(chain().nodes.slice(0, 2), [[0, 1]]);
    expect(graphEditDistance(short, chain()).cost).toBe(10 + 1);
    const noTrigger = graph(chain().nodes.slice(1), [[0, 1]]);
    expect(graphEditDistance(noTrigger, chain()).cost).toBe(25 + 1);
  });

  it('same type: 1 + 0.5 × parameter difference, + 7.5 when the names differ', () => {
    const renamed = chain();
    renamed.nodes[2] = gnode('Tell Slack', `${B}slack`);
    expect(graphEditDistance(chain(), renamed).cost).toBe(8.5);
    const reparam = chain();
    reparam.nodes[1] = gnode('Fetch', `${B}httpRequest`, { url: 'https://b', method: 'POST' });
    expect(graphEditDistance(chain(), reparam).cost).toBe(1 + 0.5 * 2);
  });

  it('a different trigger costs 50 either way (substitution, or deletion + insertion at 25 each)', () => {
    const webhook = chain();
    webhook.nodes[0] = gnode('Hook', `${B}webhook`);
    expect(graphEditDistance(chain(), webhook).cost).toBe(50);
  });

  it('is symmetric', () => {
    const a = chain();
    const b = graph([gnode('Hook', `${B}webhook`), gnode('Call', `${B}httpRequest`, { url: 'https://x', method: 'POST' }), gnode('A', `${B}set`), gnode('B', `${B}slack`)], [
      [0, 1],
      [1, 2],
      [2, 3],
      [1, 3, 'main'],
    ]);
    const ab = graphEditDistance(a, b);
    const ba = graphEditDistance(b, a);
    expect(ab.exact && ba.exact).toBe(true);
    expect(ab.cost).toBeCloseTo(ba.cost);
    expect(ab.similarity).toBeCloseTo(ba.similarity);
  });

  it('the bipartite approximation is an upper bound of the exact distance', () => {
    const a = chain();
    const b = graph([gnode('Start', `${B}manualTrigger`), gnode('X', `${B}set`), gnode('Y', `${B}httpRequest`), gnode('Z', `${B}slack`)], [
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    const exact = graphEditDistance(a, b);
    const approx = graphEditDistance(a, b, { exactMaxNodes: 0 });
    expect(exact.exact).toBe(true);
    expect(approx).toMatchObject({ exact: false, method: 'bipartite' });
    expect(approx.cost).toBeGreaterThanOrEqual(exact.cost);
    // By hand: Start→Start 0; Fetch→Y 1 + 0.5 × 1 (url on one side) + 7.5 (name); Post→Z 1 + 7.5;
    // insert X 10; edges: Start→Fetch has no image (delete 1), Fetch→Post ↦ Y→Z (0), Start→X and X→Y inserted (2).
    expect(exact.cost).toBe(9 + 8.5 + 10 + 1 + 2);
  });

  it('returns for 250-node workflows (the assignment approximation)', () => {
    const big = (shift: number) =>
      graph(
        Array.from({ length: 250 }, (_, i) => gnode(`n${i}`, i === 0 ? `${B}manualTrigger` : [`${B}set`, `${B}if`, `${B}slack`, `${B}httpRequest`][(i + shift) % 4])),
        Array.from({ length: 249 }, (_, i): [number, number] => [i, i + 1]),
      );
    const r = graphEditDistance(big(0), big(1));
    expect(r.exact).toBe(false);
    expect(r.similarity).toBeGreaterThanOrEqual(0);
    expect(r.similarity).toBeLessThanOrEqual(1);
    expect(r.mapping).toHaveLength(250);
  });

  it('solves assignments exactly', () => {
    const m = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    expect([...solveAssignment(m, 3)]).toEqual([1, 0, 2]);
  });
});

describe('parameter difference', () => {
  it('normalises expressions as n8n does', () => {
    expect(normaliseExpression("={{ /* note */ $fromAI('city',  'the city', 'string') }}")).toBe("={{ $fromAI('city') }}");
    expect(parameterDifference({ text: '={{  $json.a }}' }, { text: '={{ $json.a }}' }, `${B}set`)).toBe(0);
  });

  it('tolerates temperatures within 0.1, weighs nested objects 0.3, lists by length and items', () => {
    const t = (temperature: number) => ({ options: { temperature } });
    expect(parameterDifference(t(0.7), t(0.75), `${LC}lmChatOpenAi`)).toBe(0);
    expect(parameterDifference(t(0.7), t(0.9), `${LC}lmChatOpenAi`)).toBeCloseTo(2 * 0.3);
    expect(parameterDifference({ a: { b: 1, c: 2 } }, { a: { b: 1, c: 3 } }, `${B}set`)).toBeCloseTo(0.3);
    expect(parameterDifference({ l: [1, 2, 3] }, { l: [1] }, `${B}set`)).toBe(1);
    expect(parameterDifference({ l: [{ a: 1 }, 2] }, { l: [{ a: 2 }, 3] }, `${B}set`)).toBe(1.5);
    expect(parameterDifference({ only: 1 }, {}, `${B}set`)).toBe(1);
  });

  it("ignores cosmetic keys and the Agent's system message", () => {
    const g = buildGedGraph(
      { nodes: [{ name: 'A', type: `${LC}agent`, parameters: { options: { systemMessage: 'x' }, notes: 'y', text: 'z' } }], connections: {} },
      normaliseGraph({ nodes: [{ name: 'A', type: `${LC}agent` }], connections: {} }),
    );
    expect(g.nodes[0].parameters).toEqual({ text: 'z' });
  });
});

describe('scoreLikeN8n', () => {
  it('scores a workflow against itself: similarity 1, checks as the workflow earns', () => {
    const w = agentWorkflow();
    const fw = full(w);
    const s = scoreLikeN8n({ workflow: fw, graph: normaliseGraph(fw), reference: w, referenceGraph: normaliseGraph(w), catalog });
    expect(s.similarity).toBe(1);
    expect(s.ged).toMatchObject({ cost: 0, exact: true });
    expect(s.overall).toBeCloseTo(1);
    const means = summariseN8n([s, undefined]);
    expect(means).toMatchObject({ count: 1, overall: s.overall, similarity: 1, gedExact: 1 });
    expect(summariseN8n([undefined])).toBeUndefined();
  });

  it('nothing generated: overall 0, similarity 0', () => {
    const w = agentWorkflow();
    const s = scoreLikeN8n({ workflow: null, graph: normaliseGraph(null), reference: w, referenceGraph: normaliseGraph(w), catalog });
    expect(s.overall).toBe(0);
    expect(s.similarity).toBe(0);
  });
});

describe('reports with n8n-style scores', () => {
  const file = (withN8n: boolean): EvalFile => {
    const w = agentWorkflow();
    const fw = full(w);
    const generated: GenerationResult = {
      request: 'Chat about the weather',
      workflow: fw,
      valid: true,
      errors: [],
      warnings: [],
      rawText: '{}',
      trace: { model: 'm', baseline: false, rounds: [], firstTryValid: true, totalMs: 5, promptTokens: 1, completionTokens: 1 },
    };
    const broken = agentWorkflow((x) => (node(x, 'Agent').parameters = { promptType: 'define', text: 'static' }));
    const examples = [
      { ...scoreExample({ generated, reference: w, catalog }), request: 'Chat about the weather' },
      { ...scoreExample({ generated: { ...generated, workflow: full(broken) }, reference: w, catalog }), request: 'Chat again' },
    ];
    if (!withN8n) for (const e of examples) delete e.n8n;
    const summary = summarise(examples, { model: 'm', baseline: false, data: 'd', startedAt: 'now', systemPromptVersion: '1' });
    return { version: 1, summary, examples };
  };

  it('shows the n8n rows and the most frequent violations, and reads them back', () => {
    const f = file(true);
    const md = renderEvalMarkdown(f);
    expect(md).toMatch(/\| n8n eval: overall score \| 0\.\d{3} \|/);
    // The second example's Agent differs from the reference's in its text (the system message is ignored): 1 + 0.5 × 1.
    expect(f.examples[1].n8n?.ged.cost).toBe(1.5);
    expect(f.examples[1].n8n?.similarity).toBeCloseTo(1 - 1.5 / f.examples[1].n8n!.ged.maxCost);
    expect(md).toContain(`| n8n eval: GED similarity | ${f.summary.n8n!.similarity.toFixed(3)} |`);
    expect(md).toMatch(/\| n8n check: agent prompt \| 0\.775 \|/);
    expect(md).toContain('| agent-no-system-prompt | major | agent prompt | 1 |');
    const back = parseEvalFile(JSON.stringify(f), 'eval.json');
    expect(back.summary.n8n).toEqual(f.summary.n8n);
    const bad = JSON.parse(JSON.stringify(f));
    bad.examples[0].n8n.checks.tools.score = 'high';
    expect(() => parseEvalFile(JSON.stringify(bad), 'eval.json')).toThrow('eval.json: examples[0].n8n.checks.tools.score must be a number');
  });

  it('older eval files without them still read, show n/a and a caveat in comparisons', () => {
    const old = file(false);
    expect(old.summary.n8n).toBeUndefined();
    expect(parseEvalFile(JSON.stringify(old), 'old.json').summary.n8n).toBeUndefined();
    expect(renderEvalMarkdown(old)).toContain('| n8n eval: overall score | n/a |');
    const cmp = compareEvals(old, file(true));
    expect(cmp).toContain('n8n-style evaluation scores exist in only one run');
    expect(cmp).toMatch(/\| n8n eval: GED similarity \| n\/a \| 0\.\d{3} \| n\/a \|/);
  });
});
