/**
 * Generated workflows look right on n8n's canvas: node footprints at n8n 2.x sizes, the
 * overlap check, and the layout over the shapes that broke it (wide AI roots, fan-outs,
 * loops, sub-nodes of sub-nodes, several triggers, disconnected nodes, 100+ nodes) and over
 * random graphs (fast-check). The templates are checked in compact.test.ts.
 */
import fc from 'fast-check';
import {
  CANVAS_GRID,
  CONFIGURATION_NODE_SIZE,
  DEFAULT_NODE_SIZE,
  findCanvasOverlaps,
  footprintRects,
  LABEL_HEIGHT,
  nodeFootprints,
  TRIGGER_BOLT_WIDTH,
  type NodeFootprint,
  type Rect,
} from '../../dataset/canvas';
import { hydrateWorkflow, type CompactWorkflow, type FullWorkflow } from '../../dataset/compact';
import { layoutWorkflow, type LayoutNode } from '../../dataset/layout';
import { loadCatalog } from '../../schemas/catalog/load';
import { expectOnCanvas } from '../helpers/canvas';

const catalog = loadCatalog();
const LC = '@n8n/n8n-nodes-langchain.';
const BASE = 'n8n-nodes-base.';

type Entry = { node: string; type: string; index: number };
const to = (node: string, type = 'main', index = 0): Entry => ({ node, type, index });

/** Connections in n8n's full form from `source → [type, output, target, input index]` lists. */
function wire(links: Array<[string, string, number, string, number?]>): Record<string, Record<string, Entry[][]>> {
  const out: Record<string, Record<string, Entry[][]>> = {};
  for (const [source, type, output, target, index] of links) {
    const byType = (out[source] ??= {});
    const outputs = (byType[type] ??= []);
    while (outputs.length <= output) outputs.push([]);
    outputs[output].push(to(target, type, index ?? 0));
  }
  return out;
}

const footprint = (type: string, connections: unknown = {}, extra: { disabled?: boolean; typeVersion?: number } = {}): NodeFootprint =>
  nodeFootprints([{ name: 'N', type, ...extra }], connections, catalog)[0];

const hydrate = (nodes: Array<{ name: string; type: string; disabled?: boolean }>, connections: unknown): FullWorkflow =>
  expectOnCanvas(hydrateWorkflow({ nodes, connections } as CompactWorkflow, { catalog }), catalog);

const at = (wf: FullWorkflow, name: string) => wf.nodes.find((n) => n.name === name)!.position;

describe('node footprints: n8n 2.x sizes from the catalog ports', () => {
  const band = (width: number, top: number, height = LABEL_HEIGHT): Rect => ({ x: -width / 2, y: top, width: 2 * width, height });

  it('default nodes are 96 × 96 with their label below, twice as wide; triggers have their bolt on the left', () => {
    expect(footprint(`${BASE}set`)).toEqual({ width: 96, height: 96, label: band(96, 96), leftMargin: 0 });
    expect(footprint(`${BASE}scheduleTrigger`)).toEqual({ width: 96, height: 96, label: band(96, 96), leftMargin: TRIGGER_BOLT_WIDTH });
    expect(footprint(`${BASE}set`, {}, { disabled: true }).label).toEqual(band(96, 96, LABEL_HEIGHT + 16));
  });

  it('grows 32 per main input or output beyond two (declared, or used when computed)', () => {
    expect(footprint(`${BASE}if`).height).toBe(96);
    expect(footprint(`${BASE}compareDatasets`)).toMatchObject({ height: 160, label: band(96, 160) });
    const sixWays = wire([0, 1, 2, 3, 4, 5].map((o): [string, string, number, string] => ['N', 'main', o, `T${o}`]));
    expect(footprint(`${BASE}switch`, sixWays).height).toBe(96 + 4 * 32);
  });

  it('AI sub-nodes (non-main outputs) are 80 × 80 circles with their label below', () => {
    expect(footprint(`${LC}lmChatOpenAi`, wire([['N', 'ai_languageModel', 0, 'Agent']]))).toEqual({
      width: CONFIGURATION_NODE_SIZE,
      height: CONFIGURATION_NODE_SIZE,
      label: band(80, 80),
      leftMargin: 0,
    });
  });

  it('AI roots (non-main inputs) are wide, 48 more per port beyond four, with their label inside', () => {
    const agent = wire([
      ['Model', 'ai_languageModel', 0, 'N'],
      ['Memory', 'ai_memory', 0, 'N'],
      ['Tool', 'ai_tool', 0, 'N'],
    ]);
    expect(footprint(`${LC}agent`, agent)).toEqual({ width: 224, height: 96, leftMargin: 0 });
    const withFallbackAndParser = wire([
      ['Model', 'ai_languageModel', 0, 'N'],
      ['Fallback', 'ai_languageModel', 0, 'N', 1],
      ['Memory', 'ai_memory', 0, 'N'],
      ['Tool', 'ai_tool', 0, 'N'],
      ['Parser', 'ai_outputParser', 0, 'N'],
    ]);
    expect(footprint(`${LC}agent`, withFallbackAndParser).width).toBe(224 + 48);
  });

  it('a node that is both (a vector-store tool) is 16 wider and 80 high; computed ports follow the connections', () => {
    expect(footprint(`${LC}toolVectorStore`)).toEqual({ width: 240, height: 80, leftMargin: 0 });
    const store = `${LC}vectorStoreInMemory`;
    expect(footprint(store, wire([['E', 'ai_embedding', 0, 'N'], ['N', 'main', 0, 'Next']]))).toEqual({ width: 224, height: 96, leftMargin: 0 });
    expect(footprint(store, wire([['E', 'ai_embedding', 0, 'N'], ['N', 'ai_tool', 0, 'Agent']]))).toEqual({ width: 240, height: 80, leftMargin: 0 });
  });

  it('covers every shape a node can take when its connections do not settle it', () => {
    // A chat trigger has a memory input only when it loads previous sessions from one.
    const chat = footprint(`${LC}chatTrigger`);
    expect(chat).toEqual({ width: 224, height: 96, label: band(96, 96), leftMargin: TRIGGER_BOLT_WIDTH });
    expect(footprint('community.unknown')).toEqual(footprint(`${BASE}set`));
    expect(footprint('community.unknown', wire([['M', 'ai_languageModel', 0, 'N']]))).toEqual({ width: 224, height: 96, leftMargin: 0 });
  });
});

describe('findCanvasOverlaps', () => {
  const set = (name: string, position: [number, number], extra: object = {}) => ({ name, type: `${BASE}set`, position, ...extra });

  it('finds bodies and labels that cover each other; touching outlines do not count', () => {
    expect(findCanvasOverlaps({ nodes: [set('A', [0, 0]), set('B', [48, 16])] }, catalog)).toEqual([{ nodes: ['A', 'B'], parts: ['body', 'body'] }]);
    expect(findCanvasOverlaps({ nodes: [set('A', [0, 0]), set('B', [0, 128])] }, catalog)).toEqual([{ nodes: ['A', 'B'], parts: ['label', 'body'] }]);
    expect(findCanvasOverlaps({ nodes: [set('B', [176, 0]), set('A', [0, 0])] }, catalog)).toEqual([{ nodes: ['B', 'A'], parts: ['label', 'label'] }]);
    // Label bands end 48 right of a body: two default nodes 192 apart just touch.
    expect(findCanvasOverlaps({ nodes: [set('A', [0, 0]), set('B', [192, 0]), set('C', [0, 176])] }, catalog)).toEqual([]);
  });

  it('leaves out sticky notes and nodes without a position; sizes come from the connections', () => {
    const sticky = { name: 'Note', type: `${BASE}stickyNote`, position: [0, 0] };
    expect(findCanvasOverlaps({ nodes: [set('A', [0, 0]), sticky, { name: 'B', type: `${BASE}set` }] }, catalog)).toEqual([]);
    // An agent 224 wide reaches a node 200 to its right; a default node would not.
    const nodes = [{ name: 'Agent', type: `${LC}agent`, position: [0, 0] }, set('Next', [200, 0])];
    expect(findCanvasOverlaps({ nodes, connections: {} }, catalog)).toEqual([{ nodes: ['Agent', 'Next'], parts: ['body', 'body'] }]);
    expect(findCanvasOverlaps({ nodes: [set('A', [0, 0]), set('Next', [200, 0])] }, catalog)).toEqual([]);
  });
});

describe('layout: no overlaps in the shapes that broke it', () => {
  it('a wide AI root with many sub-nodes: its sub-nodes below it, the next node right of them all', () => {
    const tools = Array.from({ length: 8 }, (_, i) => `Tool ${i}`);
    const wf = hydrate(
      [
        { name: 'Chat', type: `${LC}chatTrigger` },
        { name: 'Agent', type: `${LC}agent` },
        { name: 'Model', type: `${LC}lmChatOpenAi` },
        { name: 'Memory', type: `${LC}memoryBufferWindow` },
        { name: 'Parser', type: `${LC}outputParserStructured` },
        ...tools.map((name) => ({ name, type: `${LC}toolCode` })),
        { name: 'Reply', type: `${BASE}slack` },
      ],
      wire([
        ['Chat', 'main', 0, 'Agent'],
        ['Agent', 'main', 0, 'Reply'],
        ['Model', 'ai_languageModel', 0, 'Agent'],
        ['Memory', 'ai_memory', 0, 'Agent'],
        ['Parser', 'ai_outputParser', 0, 'Agent'],
        ...tools.map((t): [string, string, number, string] => [t, 'ai_tool', 0, 'Agent']),
      ]),
    );
    const agent = at(wf, 'Agent');
    const subs = ['Model', 'Memory', 'Parser', ...tools].map((n) => at(wf, n));
    for (const [, y] of subs) expect(y).toBeGreaterThanOrEqual(agent[1] + DEFAULT_NODE_SIZE + 128);
    expect(at(wf, 'Reply')[0]).toBeGreaterThan(Math.max(...subs.map(([x]) => x)) + CONFIGURATION_NODE_SIZE);
    expect(at(wf, 'Reply')[1]).toBe(agent[1]);
  });

  it('branches fan out top to bottom in output order, in one column', () => {
    const targets = Array.from({ length: 6 }, (_, i) => `Case ${i}`);
    const wf = hydrate(
      [{ name: 'Hook', type: `${BASE}webhook` }, { name: 'Route', type: `${BASE}switch` }, ...targets.map((name) => ({ name, type: `${BASE}set` })), { name: 'Check', type: `${BASE}if` }, { name: 'Yes', type: `${BASE}noOp` }, { name: 'Also yes', type: `${BASE}noOp` }, { name: 'No', type: `${BASE}noOp` }],
      wire([
        ['Hook', 'main', 0, 'Route'],
        ...targets.map((t, i): [string, string, number, string] => ['Route', 'main', i, t]),
        ['Case 0', 'main', 0, 'Check'],
        ['Check', 'main', 0, 'Yes'],
        ['Check', 'main', 0, 'Also yes'],
        ['Check', 'main', 1, 'No'],
      ]),
    );
    const ys = targets.map((t) => at(wf, t)[1]);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    expect(new Set(targets.map((t) => at(wf, t)[0])).size).toBe(1);
    expect(['Yes', 'Also yes', 'No'].map((t) => at(wf, t)[1])).toEqual([...['Yes', 'Also yes', 'No'].map((t) => at(wf, t)[1])].sort((a, b) => a - b));
  });

  it('loops, sub-nodes of sub-nodes, several triggers and disconnected nodes', () => {
    const wf = hydrate(
      [
        { name: 'Manual', type: `${BASE}manualTrigger` },
        { name: 'Every hour', type: `${BASE}scheduleTrigger` },
        { name: 'Loop', type: `${BASE}splitInBatches` },
        { name: 'Work', type: `${BASE}httpRequest` },
        { name: 'Retry?', type: `${BASE}if` },
        { name: 'Agent', type: `${LC}agent` },
        { name: 'Model', type: `${LC}lmChatOpenAi` },
        { name: 'Knowledge', type: `${LC}toolVectorStore` },
        { name: 'Store', type: `${LC}vectorStoreInMemory` },
        { name: 'Embeddings', type: `${LC}embeddingsOpenAi` },
        { name: 'Tool model', type: `${LC}lmChatOpenAi` },
        { name: 'Orphan', type: `${BASE}set` },
        { name: 'Lost model', type: `${LC}lmChatOpenAi` },
      ],
      wire([
        ['Manual', 'main', 0, 'Loop'],
        ['Every hour', 'main', 0, 'Agent'],
        ['Loop', 'main', 1, 'Work'],
        ['Work', 'main', 0, 'Retry?'],
        ['Retry?', 'main', 0, 'Loop'],
        ['Retry?', 'main', 1, 'Loop'],
        ['Loop', 'main', 0, 'Agent'],
        ['Model', 'ai_languageModel', 0, 'Agent'],
        ['Knowledge', 'ai_tool', 0, 'Agent'],
        ['Store', 'ai_vectorStore', 0, 'Knowledge'],
        ['Tool model', 'ai_languageModel', 0, 'Knowledge'],
        ['Embeddings', 'ai_embedding', 0, 'Store'],
      ]),
    );
    expect(at(wf, 'Manual')[0]).toBe(at(wf, 'Every hour')[0]);
    expect(at(wf, 'Knowledge')[1]).toBeGreaterThan(at(wf, 'Agent')[1]);
    expect(at(wf, 'Store')[1]).toBeGreaterThan(at(wf, 'Knowledge')[1]);
    expect(at(wf, 'Embeddings')[1]).toBeGreaterThan(at(wf, 'Store')[1]);
    const rightmost = Math.max(...wf.nodes.filter((n) => !['Orphan', 'Lost model'].includes(n.name)).map((n) => n.position[0]));
    expect(at(wf, 'Orphan')[0]).toBeGreaterThan(rightmost);
  });

  it('150 nodes: a long chain with branches and agents', () => {
    const nodes: Array<{ name: string; type: string }> = [{ name: 'Start', type: `${BASE}manualTrigger` }];
    const links: Array<[string, string, number, string]> = [];
    let previous = 'Start';
    for (let i = 0; nodes.length < 150; i++) {
      const name = `Step ${i}`;
      if (i % 10 === 5) {
        nodes.push({ name, type: `${BASE}if` }, { name: `${name} else`, type: `${BASE}set` });
        links.push([previous, 'main', 0, name], [name, 'main', 1, `${name} else`]);
      } else if (i % 25 === 12) {
        nodes.push({ name, type: `${LC}agent` }, { name: `${name} model`, type: `${LC}lmChatOpenAi` }, { name: `${name} tool`, type: `${LC}toolHttpRequest` });
        links.push([previous, 'main', 0, name], [`${name} model`, 'ai_languageModel', 0, name], [`${name} tool`, 'ai_tool', 0, name]);
      } else {
        nodes.push({ name, type: `${BASE}set` });
        links.push([previous, 'main', 0, name]);
      }
      previous = name;
    }
    const wf = hydrate(nodes, wire(links));
    expect(wf.nodes).toHaveLength(nodes.length);
  });

  it('a 10,000-node main chain: laid out and checked without recursion', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ name: `N${i}`, type: `${BASE}noOp` }));
    const wf = hydrate(nodes, wire(nodes.slice(1).map((n, i): [string, string, number, string] => [`N${i}`, 'main', 0, n.name])));
    // A chain of default nodes steps 224, as n8n places a node after another.
    expect(wf.nodes[9_999].position[0] - wf.nodes[0].position[0]).toBe(9_999 * 224);
  });
});

describe('property: random graphs never overlap', () => {
  const TYPES = [
    `${BASE}manualTrigger`,
    `${BASE}webhook`,
    `${BASE}set`,
    `${BASE}if`,
    `${BASE}switch`,
    `${BASE}compareDatasets`,
    `${LC}agent`,
    `${LC}chainLlm`,
    `${LC}chatTrigger`,
    `${LC}lmChatOpenAi`,
    `${LC}memoryBufferWindow`,
    `${LC}toolCode`,
    `${LC}toolVectorStore`,
    `${LC}vectorStoreInMemory`,
    `${LC}embeddingsOpenAi`,
    `${LC}outputParserStructured`,
    `${BASE}slackTool`,
    'community.unknownTrigger',
    'community.unknown',
  ];
  const CONNECTION_TYPES = ['main', 'main', 'main', 'ai_languageModel', 'ai_tool', 'ai_memory', 'ai_embedding', 'ai_vectorStore', 'ai_outputParser', 'ai_document'];

  const randomWorkflow = fc.integer({ min: 1, max: 40 }).chain((count) =>
    fc.record({
      nodes: fc.array(fc.record({ type: fc.constantFrom(...TYPES), disabled: fc.boolean() }), { minLength: count, maxLength: count }),
      links: fc.array(
        fc.record({
          from: fc.nat(count - 1),
          to: fc.nat(count - 1),
          type: fc.constantFrom(...CONNECTION_TYPES),
          output: fc.nat(6),
          index: fc.nat(2),
        }),
        { maxLength: count * 2 },
      ),
    }),
  );

  it('hydrated workflows: no overlaps, on the grid, deterministic', () => {
    fc.assert(
      fc.property(randomWorkflow, ({ nodes, links }) => {
        const named = nodes.map((n, i) => ({ name: `N${i}`, ...n }));
        const connections = wire(links.map((l): [string, string, number, string, number] => [`N${l.from}`, l.type, l.output, `N${l.to}`, l.index]));
        const wf = hydrate(named, connections);
        expect(JSON.stringify(hydrateWorkflow({ nodes: named, connections } as unknown as CompactWorkflow, { catalog }))).toBe(JSON.stringify(wf));
      }),
      { numRuns: 300, seed: 12_5 },
    );
  });

  it('the layout keeps any footprints apart, however odd their sizes', () => {
    const randomFootprint: fc.Arbitrary<NodeFootprint> = fc
      .record({
        width: fc.integer({ min: 1, max: 400 }),
        height: fc.integer({ min: 1, max: 300 }),
        label: fc.option(fc.record({ x: fc.integer({ min: -200, max: 50 }), y: fc.integer({ min: 0, max: 300 }), width: fc.integer({ min: 1, max: 500 }), height: fc.integer({ min: 1, max: 120 }) }), { nil: undefined }),
        leftMargin: fc.integer({ min: 0, max: 80 }),
      })
      .map(({ label, ...rest }) => (label ? { ...rest, label } : rest));
    const graph = fc.integer({ min: 1, max: 30 }).chain((count) =>
      fc.record({
        footprints: fc.array(randomFootprint, { minLength: count, maxLength: count }),
        triggers: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
        links: fc.array(fc.record({ from: fc.nat(count - 1), to: fc.nat(count - 1), type: fc.constantFrom(...CONNECTION_TYPES), output: fc.nat(3) }), { maxLength: count * 2 }),
      }),
    );
    fc.assert(
      fc.property(graph, ({ footprints, triggers, links }) => {
        const nodes: LayoutNode[] = footprints.map((footprint, i) => ({ name: `N${i}`, trigger: triggers[i], footprint }));
        const positions = layoutWorkflow(nodes, wire(links.map((l): [string, string, number, string] => [`N${l.from}`, l.type, l.output, `N${l.to}`])));
        for (const p of positions) for (const v of p) expect(Math.abs(v % CANVAS_GRID)).toBe(0);
        const rects = positions.map((p, i) => footprintRects(p, footprints[i]));
        const overlapping: string[] = [];
        for (let i = 0; i < rects.length; i++) {
          for (let j = i + 1; j < rects.length; j++) {
            const meet = rects[i].some((a) => rects[j].some((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));
            if (meet) overlapping.push(`N${i}/N${j}`);
          }
        }
        expect(overlapping).toEqual([]);
      }),
      { numRuns: 300, seed: 12_5 },
    );
  });
});
