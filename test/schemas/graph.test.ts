/** schemas/graph.ts: the one reader of n8n's `connections`, over the real templates and over malformed input. */
import { compareConnectionTypes, forEachConnection, isStickyNote, readConnections, STICKY_NOTE_TYPE, type GraphNode } from '../../schemas/graph';
import { loadTemplates, type ParsedTemplate } from '../helpers/templates';

type Json = Record<string, unknown>;

const names = (...list: string[]): GraphNode[] => list.map((name) => ({ name }));

describe('readConnections over the n8n.io templates', () => {
  let templates: ParsedTemplate[];
  beforeAll(async () => {
    templates = await loadTemplates();
  });

  it('reads every entry between two nodes once, pointing back at where it is written, in canonical order', () => {
    let edgesRead = 0;
    const problems: string[] = [];
    for (const { record, workflow } of templates) {
      const nodes = workflow.nodes.filter((n) => typeof n.name === 'string') as Array<Json & GraphNode>;
      const last = new Map(nodes.map((n, i) => [n.name, i]));
      const edges = readConnections(nodes, workflow.connections);

      // Counted here by a walk of its own: entries whose source and target are nodes of the list.
      let expected = 0;
      const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
      const object = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
      for (const [source, byType] of Object.entries(object(workflow.connections))) {
        if (!last.has(source)) continue;
        for (const outputs of Object.values(object(byType))) {
          for (const targets of list(outputs)) for (const t of list(targets)) if (last.has(object(t).node as string)) expected++;
        }
      }
      expect(edges).toHaveLength(expected);
      edgesRead += edges.length;

      edges.forEach((e, k) => {
        const written = ((workflow.connections[nodes[e.from].name] as Json)[e.type] as Json[][])[e.output][e.entry];
        if (written.node !== nodes[e.to].name || e.to !== last.get(nodes[e.to].name)) problems.push(`${record.id}: edge ${k} reaches the wrong node`);
        if (e.input !== (typeof written.index === 'number' ? written.index : 0)) problems.push(`${record.id}: edge ${k} input ${e.input}`);
        const previous = edges[k - 1];
        // Sources in node order, then `main` first and the other types alphabetically, then outputs and entries as written.
        if (previous && (previous.from - e.from || compareConnectionTypes(previous.type, e.type) || previous.output - e.output || previous.entry - e.entry) >= 0) {
          problems.push(`${record.id}: edge ${k} out of order`);
        }
      });
    }
    expect(problems).toEqual([]);
    expect(edgesRead).toBeGreaterThan(20_000);
  });

  it('does not depend on the key order of the JSON', () => {
    for (const { workflow } of templates.slice(0, 300)) {
      const nodes = workflow.nodes.filter((n) => typeof n.name === 'string') as Array<Json & GraphNode>;
      const reversed = Object.fromEntries(
        Object.entries(workflow.connections)
          .reverse()
          .map(([source, byType]) => [source, Object.fromEntries(Object.entries(byType as Json).reverse())]),
      );
      expect(readConnections(nodes, reversed)).toEqual(readConnections(nodes, workflow.connections));
    }
  });

  it('visits every element of every output list with forEachConnection', () => {
    for (const { workflow } of templates.slice(0, 300)) {
      let written = 0;
      for (const byType of Object.values(workflow.connections)) {
        if (byType === null || typeof byType !== 'object' || Array.isArray(byType)) continue;
        for (const outputs of Object.values(byType as Json)) {
          if (Array.isArray(outputs)) for (const targets of outputs) written += Array.isArray(targets) ? targets.length : 0;
        }
      }
      let visited = 0;
      forEachConnection(workflow.connections, () => visited++);
      expect(visited).toBe(written);
    }
  });
});

describe('readConnections on malformed input', () => {
  it('reads nothing from a value that is not a connections object', () => {
    for (const value of [undefined, null, 'A', 3, [], [['B']]]) expect(readConnections(names('A', 'B'), value)).toEqual([]);
  });

  it('skips each level of the wrong shape and keeps the rest', () => {
    const connections = {
      A: {
        main: [null, 'B', [null, 7, 'B', { node: 5 }, {}, { node: 'Nobody' }, { node: 'B', index: 2 }], [{ node: 'C', index: 'x' }]],
        ai_tool: { 0: [{ node: 'B' }] },
      },
      B: [[{ node: 'C' }]],
      C: 'A',
      Nobody: { main: [[{ node: 'A' }]] },
    };
    expect(readConnections(names('A', 'B', 'C'), connections)).toEqual([
      { from: 0, to: 1, type: 'main', output: 2, entry: 6, input: 2 },
      { from: 0, to: 2, type: 'main', output: 3, entry: 0, input: 0 },
    ]);
  });

  it('keeps an input index as written when it is a number', () => {
    const edges = readConnections(names('A', 'B'), { A: { main: [[{ node: 'B', index: -1 }, { node: 'B', index: 1.5 }]] } });
    expect(edges.map((e) => e.input)).toEqual([-1, 1.5]);
  });

  it('reads bare names only as compact entries', () => {
    const connections = { A: { main: [['B', { node: 'B', type: 'main', index: 1 }]] } };
    expect(readConnections(names('A', 'B'), connections).map((e) => e.entry)).toEqual([1]);
    expect(readConnections(names('A', 'B'), connections, { compactEntries: true })).toEqual([
      { from: 0, to: 1, type: 'main', output: 0, entry: 0, input: 0 },
      { from: 0, to: 1, type: 'main', output: 0, entry: 1, input: 1 },
    ]);
  });

  it('reaches the last node of a name, as n8n does', () => {
    const edges = readConnections(names('A', 'B', 'A'), { A: { main: [['B']] }, B: { main: [['A']] } }, { compactEntries: true });
    expect(edges.map((e) => [e.from, e.to])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  it('reads own "__proto__" and "constructor" keys as names', () => {
    const connections = JSON.parse('{"__proto__": {"main": [[{"node": "constructor"}]]}}');
    expect(readConnections(names('constructor', '__proto__'), connections)).toEqual([{ from: 1, to: 0, type: 'main', output: 0, entry: 0, input: 0 }]);
  });
});

describe('forEachConnection', () => {
  it('visits in key order, or sources by the comparison and types main first', () => {
    const connections = { B: { ai_tool: [['A']], main: [['A']] }, A: { main: [['B']] } };
    const seen = (compare?: (a: string, b: string) => number) => {
      const out: string[] = [];
      forEachConnection(connections, (source, type, output, entry, target) => out.push(`${source}.${type}.${output}.${entry}→${String(target)}`), compare);
      return out;
    };
    expect(seen()).toEqual(['B.ai_tool.0.0→A', 'B.main.0.0→A', 'A.main.0.0→B']);
    expect(seen((a, b) => (a < b ? -1 : 1))).toEqual(['A.main.0.0→B', 'B.main.0.0→A', 'B.ai_tool.0.0→A']);
  });
});

describe('sticky notes', () => {
  it('is the one type no connection reaches', () => {
    expect(STICKY_NOTE_TYPE).toBe('n8n-nodes-base.stickyNote');
    expect(isStickyNote({ type: 'n8n-nodes-base.stickyNote' })).toBe(true);
    expect(isStickyNote({ type: 'n8n-nodes-base.set' })).toBe(false);
    expect(isStickyNote({})).toBe(false);
  });
});
