/**
 * Deterministic repair (fixWorkflow): each fix kind finds the smallest change that makes
 * the validator's error go away (and leaves alone what it cannot know), confidences gate
 * what is applied, and the function is pure: never throws, never mutates its input.
 * Whole-corpus figures are a benchmark (npm run bench:fix), not asserted here.
 */
import { fixWorkflow, type FixRecord, type FixResult } from '../../schemas/fix';
import { renameReferences } from '../../schemas/fix/draft';
import { loadCatalog } from '../../schemas/catalog/load';
import { validateWorkflow } from '../../schemas/validator';
import { deepFreeze, injectFaults, type Workflow } from '../../scripts/faults';
import { loadTemplates, stockOnly } from '../helpers/templates';
import { baseWorkflow, link, node, type TestNode } from '../helpers/workflows';

const catalog = loadCatalog();
const latest = (type: string) => catalog.get(type)!.entry.defaultVersion;

type Wf = { name?: string; nodes: TestNode[]; connections: Record<string, unknown> };

/** Fix a deep-frozen copy (a write to the input would throw) and check the result is what the validator says. */
function fix(workflow: unknown, minConfidence: 'high' | 'medium' | 'low' = 'medium'): FixResult & { wf: Wf } {
  const frozen = deepFreeze(structuredClone(workflow));
  const before = JSON.stringify(frozen);
  const result = fixWorkflow(frozen, { catalog, minConfidence });
  expect(JSON.stringify(frozen)).toBe(before);
  expect(validateWorkflow(result.workflow, { catalog, maxIssues: 1000 }).valid).toBe(result.validation.valid);
  return { ...result, wf: result.workflow as Wf };
}

const applied = (r: FixResult) => r.fixes.filter((f) => f.applied);
const summary = (fixes: FixRecord[]) => fixes.map((f) => [f.code, f.kind, f.confidence, f.before, f.after]);

/** Chat Trigger → AI Agent, with a chat model and a Gmail tool: a small valid AI workflow. */
function agentWorkflow(): Wf {
  return {
    name: 'agent',
    nodes: [
      node('When chat message received', '@n8n/n8n-nodes-langchain.chatTrigger', latest('@n8n/n8n-nodes-langchain.chatTrigger'), {}, { id: 'id-chat' }),
      node('AI Agent', '@n8n/n8n-nodes-langchain.agent', latest('@n8n/n8n-nodes-langchain.agent'), {}, { id: 'id-agent' }),
      node('OpenAI Chat Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', latest('@n8n/n8n-nodes-langchain.lmChatOpenAi'), {}, { id: 'id-model' }),
      node('Gmail', 'n8n-nodes-base.gmailTool', latest('n8n-nodes-base.gmailTool'), {}, { id: 'id-gmail' }),
    ],
    connections: {
      'When chat message received': { main: [[link('AI Agent')]] },
      'OpenAI Chat Model': { ai_languageModel: [[link('AI Agent', 'ai_languageModel')]] },
      Gmail: { ai_tool: [[link('AI Agent', 'ai_tool')]] },
    },
  };
}

const withNode = (wf: Wf, name: string, patch: Partial<TestNode>): Wf => ({ ...wf, nodes: wf.nodes.map((n) => (n.name === name ? { ...n, ...patch } : n)) });

describe('fixWorkflow: fix kinds', () => {
  it('starts from valid workflows, which come back as they are (same value, no fixes, one pass)', () => {
    for (const wf of [baseWorkflow(), agentWorkflow()]) {
      const r = fix(wf);
      expect(r.validation.valid).toBe(true);
      expect(r).toMatchObject({ changed: false, fixes: [], passes: 1 });
    }
    const wf = agentWorkflow();
    expect(fixWorkflow(wf, { catalog }).workflow).toBe(wf);
  });

  it.each([
    ['another letter case', 'n8n-nodes-base.Slack', 'n8n-nodes-base.slack', 'high'],
    ['the wrong package', '@n8n/n8n-nodes-langchain.slack', 'n8n-nodes-base.slack', 'high'],
    ['no package', 'slack', 'n8n-nodes-base.slack', 'high'],
    ['a display name', 'n8n-nodes-base.Google Sheets', 'n8n-nodes-base.googleSheets', 'high'],
    ['a HitlTool the catalog does not have → its Tool', 'n8n-nodes-base.airtableHitlTool', 'n8n-nodes-base.airtableTool', 'high'],
    ['a word added', 'n8n-nodes-base.setAdvanced', 'n8n-nodes-base.set', 'medium'],
    ['an alias', 'n8n-nodes-base.schedule', 'n8n-nodes-base.scheduleTrigger', 'medium'],
  ])('node type: %s', (_label, written, meant, confidence) => {
    const wf = baseWorkflow([{ ...node('X', 'noOp', 1), type: written }]);
    const r = fix(wf, 'low');
    expect(applied(r)[0]).toMatchObject({ code: 'UNKNOWN_NODE_TYPE', kind: 'node-type', node: 'X', path: '/nodes/2/type', before: written, after: meant, confidence, applied: true });
    expect(r.wf.nodes[2].type).toBe(meant);
  });

  it('node type: several candidates told apart by the wiring (chatGpt in a language-model slot)', () => {
    // chatGpt stands for OpenAI or the OpenAI chat model: wired as a language model, it is the chat model.
    const wf = withNode(agentWorkflow(), 'OpenAI Chat Model', { type: 'n8n-nodes-base.chatGpt' });
    const r = fix(wf, 'low');
    expect(r.wf.nodes[2].type).toBe('@n8n/n8n-nodes-langchain.lmChatOpenAi');
    expect(applied(r)[0]).toMatchObject({ confidence: 'low' });
    expect(r.validation.valid).toBe(true);
  });

  it('node type: nothing near → no fix, reported as the validator error', () => {
    const r = fix(baseWorkflow([node('X', 'n8n-nodes-base.qqzzxxww', 1)]), 'low');
    expect(r.fixes).toEqual([]);
    expect(r.changed).toBe(false);
    expect(r.validation.errors.map((e) => e.code)).toEqual(['UNKNOWN_NODE_TYPE']);
  });

  it('type version: above every version → the default one; between two → the nearest lower; an existing one is left alone', () => {
    const http = catalog.get('n8n-nodes-base.httpRequest')!.entry;
    const r = fix(baseWorkflow([node('HTTP', 'httpRequest', 99, { url: 'https://example.com' })], { Set: { main: [[link('HTTP')]] } }));
    expect(summary(applied(r))).toEqual([['UNKNOWN_TYPE_VERSION', 'type-version', 'high', 99, http.defaultVersion]]);
    const between = fix(baseWorkflow([node('HTTP', 'httpRequest', 4.15, { url: 'https://example.com' })], { Set: { main: [[link('HTTP')]] } }));
    expect(between.wf.nodes[2].typeVersion).toBe(4.1);
    expect(fix(baseWorkflow([node('HTTP', 'httpRequest', 4.1, { url: 'https://example.com' })])).fixes).toEqual([]);
  });

  it('unknown parameters: moved into the collection that has them, renamed when only the spelling differs, else dropped', () => {
    const v = latest('n8n-nodes-base.httpRequest');
    const r = fix(baseWorkflow([node('HTTP', 'httpRequest', v, { url: 'https://example.com', URL2: 1, timeout: 5000, options: {}, Method: 'POST', __bogus: true })], { Set: { main: [[link('HTTP')]] } }));
    expect(r.validation.valid).toBe(true);
    expect(r.wf.nodes[2].parameters).toEqual({ url: 'https://example.com', options: { timeout: 5000 }, method: 'POST' });
    expect(Object.fromEntries(applied(r).map((f) => [f.path, [f.kind, f.confidence]]))).toEqual({
      '/nodes/2/parameters/timeout': ['parameter-move', 'high'],
      '/nodes/2/parameters/Method': ['parameter-rename', 'high'],
      '/nodes/2/parameters/URL2': ['parameter-drop', 'high'],
      '/nodes/2/parameters/__bogus': ['parameter-drop', 'high'],
    });
  });

  it('options: another spelling → the option (high); an invented value → the default, low and only reported by default', () => {
    const v = latest('n8n-nodes-base.httpRequest');
    const spelled = fix(baseWorkflow([node('HTTP', 'httpRequest', v, { url: 'https://example.com', method: 'post' })], { Set: { main: [[link('HTTP')]] } }));
    expect(summary(applied(spelled))).toEqual([['INVALID_OPTION_VALUE', 'option-value', 'high', 'post', 'POST']]);
    const invented = baseWorkflow([node('HTTP', 'httpRequest', v, { url: 'https://example.com', method: 'FETCHALL' })], { Set: { main: [[link('HTTP')]] } });
    const byDefault = fix(invented);
    expect(byDefault).toMatchObject({ changed: false, validation: { valid: false } });
    expect(summary(byDefault.fixes)).toEqual([['INVALID_OPTION_VALUE', 'option-reset', 'low', 'FETCHALL', 'GET']]);
    expect(byDefault.fixes[0]).toMatchObject({ applied: false, description: expect.stringContaining('check it') });
    const all = fix(invented, 'low');
    expect(all.validation.valid).toBe(true);
    expect(all.wf.nodes[2].parameters.method).toBe('GET');
  });

  it('connections: node ids → names, a misspelt name → the node, dangling ones removed', () => {
    const wf = agentWorkflow();
    const broken = {
      ...wf,
      connections: {
        'id-chat': { main: [[link('ai agent')]] },
        'OpenAI Chat Model': { ai_languageModel: [[link('id-agent', 'ai_languageModel')]] },
        Gmail: { ai_tool: [[link('AI Agent', 'ai_tool'), link('Nowhere', 'ai_tool')]] },
        Ghost: { main: [[link('AI Agent')]] },
      },
    };
    const r = fix(broken);
    expect(r.validation.valid).toBe(true);
    expect(r.wf.connections).toEqual(wf.connections);
    expect(applied(r).map((f) => f.kind).sort()).toEqual(['connection-id-to-name', 'connection-id-to-name', 'connection-remove', 'connection-remove', 'connection-rename']);
  });

  it('connection types: a sub-node edge written backwards is reversed, one filed under main moved to its type, a tool wired as a plain node becomes its Tool', () => {
    const wf = agentWorkflow();
    const reversed = { ...wf, connections: { ...wf.connections, 'OpenAI Chat Model': undefined, 'AI Agent': { ai_languageModel: [[link('OpenAI Chat Model', 'ai_languageModel')]] } } };
    const r1 = fix(JSON.parse(JSON.stringify(reversed)));
    expect(r1.wf.connections).toEqual(wf.connections);
    expect(applied(r1).map((f) => [f.kind, f.confidence])).toEqual([['connection-reverse', 'high']]);

    const underMain = { ...wf, connections: { ...wf.connections, 'OpenAI Chat Model': { main: [[link('AI Agent')]] } } };
    const r2 = fix(underMain);
    expect(r2.wf.connections).toEqual(wf.connections);
    expect(applied(r2).map((f) => [f.kind, f.confidence])).toEqual([['connection-retype', 'high']]);

    const plainGmail = withNode(wf, 'Gmail', { type: 'n8n-nodes-base.gmail' });
    const r3 = fix(plainGmail);
    expect(r3.wf).toEqual(wf);
    expect(applied(r3).map((f) => [f.code, f.kind, f.before, f.after])).toEqual([['CONNECTION_BAD_TYPE', 'tool-variant', 'n8n-nodes-base.gmail', 'n8n-nodes-base.gmailTool']]);
  });

  it('connection types: nothing fits both ends → removal, low (reported by default)', () => {
    const wf = baseWorkflow([node('Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', latest('@n8n/n8n-nodes-langchain.lmChatOpenAi'))], { Model: { ai_languageModel: [[link('Set', 'ai_languageModel')]] } });
    const r = fix(wf);
    expect(r.fixes.map((f) => [f.kind, f.confidence, f.applied])).toEqual([['connection-remove', 'low', false]]);
    expect(fix(wf, 'low').validation.valid).toBe(true);
  });

  it('duplicate names: the node whose old name the connections still use takes it back; otherwise the earlier one is renamed', () => {
    const wf = agentWorkflow();
    // The model node renamed to the agent's name: its ai_languageModel connection still uses "OpenAI Chat Model".
    const dup = withNode(wf, 'OpenAI Chat Model', { name: 'AI Agent' });
    const r = fix(dup);
    expect(r.wf).toEqual(wf);
    expect(applied(r).map((f) => [f.kind, f.confidence, f.path, f.after])).toEqual([['node-rename', 'high', '/nodes/2/name', 'OpenAI Chat Model']]);

    const plain = baseWorkflow([node('Set', 'noOp', 1)], { Set: { main: [[link('Start')]] } });
    const r2 = fix({ ...plain, connections: { Start: { main: [[link('Set')]] } } });
    expect(r2.wf.nodes.map((n) => n.name)).toEqual(['Start', 'Set1', 'Set']);
    expect(r2.validation.valid).toBe(true);
  });

  it('output indexes: a link from an output the node lacks moves to the one it has; beside used outputs it is the error output', () => {
    const wf = baseWorkflow([node('HTTP', 'httpRequest', latest('n8n-nodes-base.httpRequest'), { url: 'https://example.com' })], { Set: { main: [[], [link('HTTP')]] } });
    const r = fix(wf);
    expect(r.wf.connections.Set).toEqual({ main: [[link('HTTP')]] });
    expect(applied(r).map((f) => [f.kind, f.confidence, f.before, f.after])).toEqual([['output-index', 'high', 1, 0]]);

    const errorOutput = baseWorkflow([node('HTTP', 'httpRequest', latest('n8n-nodes-base.httpRequest'), { url: 'https://example.com' }), node('Log', 'noOp', 1)], { Set: { main: [[link('HTTP')], [link('Log')]] } });
    const r2 = fix(errorOutput);
    expect(r2.wf.nodes[1].onError).toBe('continueErrorOutput');
    expect(r2.validation.valid).toBe(true);
  });

  it('input indexes: the parameter that gives a Merge the input a link uses', () => {
    const v = latest('n8n-nodes-base.merge');
    const wf = baseWorkflow([node('A', 'noOp', 1), node('B', 'noOp', 1), node('Merge', 'merge', v, { mode: 'append' })], {
      Set: { main: [[link('A'), link('B'), link('Merge', 'main', 0)]] },
      A: { main: [[link('Merge', 'main', 1)]] },
      B: { main: [[link('Merge', 'main', 2)]] },
    });
    expect(validateWorkflow(wf, { catalog }).errors.map((e) => e.code)).toEqual(['CONNECTION_BAD_INPUT_INDEX']);
    const r = fix(wf);
    expect(r.validation.valid).toBe(true);
    expect(applied(r).map((f) => [f.kind, f.after])).toEqual([['input-index', 3]]);
    expect(r.wf.nodes[4].parameters.numberInputs).toBe(3);
  });

  it("expression references: $('Name') of a renamed node → the node of that name (same trailing number first); no near name → left alone", () => {
    const wf = baseWorkflow([node('Set Text1', 'noOp', 1), node('Set Text', 'noOp', 1), node('Use', 'set', 3.4, { mode: 'raw', jsonOutput: "={{ $('Set Tex1').item.json }} {{ $node[\"set text\"].json }}" })], {
      Set: { main: [[link('Set Text1'), link('Set Text')]] },
      'Set Text1': { main: [[link('Use')]] },
    });
    const r = fix(wf);
    expect(r.wf.nodes[4].parameters.jsonOutput).toBe("={{ $('Set Text1').item.json }} {{ $node[\"Set Text\"].json }}");
    expect(applied(r).map((f) => [f.code, f.confidence])).toEqual([['EXPRESSION_UNKNOWN_NODE', 'medium']]);
    const far = baseWorkflow([node('Use', 'set', 3.4, { mode: 'raw', jsonOutput: "={{ $('Completely Different').item.json }}" })], { Set: { main: [[link('Use')]] } });
    expect(fix(far, 'low').fixes).toEqual([]);
  });

  it('renameReferences rewrites every form of reference and nothing else', () => {
    const text = `={{ $('A').item }} {{ $("A") }} {{ $items("A", 0) }} {{ $node["A"].json }} {{ $node.A.json }} {{ $('AB') }} {{ x$('A') }} 'A'`;
    expect(renameReferences(text, 'A', "It's")).toBe(`={{ $('It\\'s').item }} {{ $("It's") }} {{ $items("It's", 0) }} {{ $node["It's"].json }} {{ $node["It's"].json }} {{ $('AB') }} {{ x$('A') }} 'A'`);
  });

  it('webhook response: the responseMode that matches whether a Respond to Webhook node follows', () => {
    const webhook = node('Webhook', 'webhook', latest('n8n-nodes-base.webhook'), { path: 'x', responseMode: 'onReceived' });
    const respond = node('Respond', 'respondToWebhook', latest('n8n-nodes-base.respondToWebhook'), {});
    const r = fix({ name: 'w', nodes: [webhook, respond], connections: { Webhook: { main: [[link('Respond')]] } } });
    expect(r.validation.valid).toBe(true);
    expect(applied(r).map((f) => [f.code, f.after])).toEqual([['WEBHOOK_RESPONSE_MISMATCH', 'responseNode']]);
  });

  it('several faults at once, and a wrapped template record keeps its wrapper', () => {
    const wf = agentWorkflow();
    const broken = {
      ...withNode(withNode(wf, 'Gmail', { type: 'gmailTool', typeVersion: 99 }), 'AI Agent', { parameters: { __x: 1 } }),
      connections: { ...wf.connections, 'id-chat': { main: [[link('AI Agent')]] }, 'When chat message received': undefined },
    };
    const record = { id: 1, name: 'Template', description: 'd', workflow: JSON.parse(JSON.stringify(broken)) };
    const r = fix(record);
    expect(r.validation.valid).toBe(true);
    expect(r.passes).toBeGreaterThan(1);
    const out = r.workflow as typeof record;
    expect(out).toMatchObject({ id: 1, name: 'Template', description: 'd' });
    expect(out.workflow.nodes[3]).toMatchObject({ type: 'n8n-nodes-base.gmailTool', typeVersion: latest('n8n-nodes-base.gmailTool') });
    expect(out.workflow.connections).toEqual(wf.connections);
  });
});

describe('fixWorkflow: confidence threshold', () => {
  const wf = () => withNode(agentWorkflow(), 'OpenAI Chat Model', { type: 'n8n-nodes-base.setAdvanced' });

  it('applies fixes at or above minConfidence and reports the others, with applied: false', () => {
    const high = fix(baseWorkflow([node('X', 'n8n-nodes-base.setAdvanced', 3.4)], { Set: { main: [[link('X')]] } }), 'high');
    expect(high.fixes).toEqual([expect.objectContaining({ kind: 'node-type', confidence: 'medium', applied: false, before: 'n8n-nodes-base.setAdvanced', after: 'n8n-nodes-base.set' })]);
    expect(high.changed).toBe(false);
    expect(high.wf.nodes[2].type).toBe('n8n-nodes-base.setAdvanced');
    const medium = fix(baseWorkflow([node('X', 'n8n-nodes-base.setAdvanced', 3.4)], { Set: { main: [[link('X')]] } }), 'medium');
    expect(medium.fixes[0].applied).toBe(true);
    expect(medium.validation.valid).toBe(true);
    // A fix that cannot make it valid (a chat model is no Set node) still leaves the validator errors to read.
    expect(fix(wf(), 'low').validation.valid).toBe(false);
  });
});

describe('fixWorkflow: pure and total', () => {
  it('never throws on garbage, and gives garbage back untouched', () => {
    const garbage: unknown[] = [
      undefined,
      null,
      0,
      'not json',
      '{"nodes": [',
      [],
      {},
      { nodes: 'x' },
      { nodes: [null, 1, 'a', [], { name: 1, type: 2 }], connections: [] },
      { nodes: [{ name: 'A', type: 'slack', typeVersion: '2' }], connections: { A: { main: 'x' }, B: null } },
      { nodes: [{ name: 'A', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { assignments: { assignments: 'x' }, options: [1] } }], connections: { A: { main: [[{ node: 'A', index: -1 }], null, [1]] } } },
    ];
    for (const value of garbage) {
      const r = fixWorkflow(value, { catalog, minConfidence: 'low' });
      expect(r.validation).toBeDefined();
    }
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 200; i++) at = at.x = {};
    const r = fixWorkflow({ nodes: [{ name: 'A', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: deep }], connections: {} }, { catalog });
    expect(r.changed).toBe(false);
    expect(r.validation.errors[0].code).toBe('LIMIT_EXCEEDED');
  });

  it('fuzz: random damage to real templates never throws and never touches the input (and some of it gets repaired)', async () => {
    const templates = stockOnly(await loadTemplates(), catalog).slice(0, 120);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const damage = (value: unknown, depth = 0): unknown => {
      if (value === null || typeof value !== 'object' || depth > 6) return random() < 0.05 ? [undefined, null, 'x', 99, {}, []][Math.floor(random() * 6)] : value;
      if (Array.isArray(value)) return value.filter(() => random() > 0.05).map((v) => damage(v, depth + 1));
      return Object.fromEntries(Object.entries(value).filter(() => random() > 0.05).map(([k, v]) => [random() < 0.03 ? `${k}_` : k, damage(v, depth + 1)]));
    };
    let improved = 0;
    for (const { workflow } of templates) {
      const damaged = deepFreeze(damage(workflow));
      const before = JSON.stringify(damaged);
      const r = fixWorkflow(damaged, { catalog, minConfidence: 'low' });
      expect(JSON.stringify(damaged)).toBe(before);
      const errorsBefore = validateWorkflow(damaged, { catalog, maxIssues: 1000 }).errors.length;
      if (r.validation.errors.length < errorsBefore) improved++;
    }
    expect(improved).toBeGreaterThan(0);
  });

  it('repairs one injected fault of each kind in real templates (the bench fault set, a sample)', async () => {
    const templates = stockOnly(await loadTemplates(), catalog).filter(({ workflow }) => validateWorkflow(workflow, { catalog }).valid).slice(0, 40);
    const kinds = new Set<string>();
    for (const { record, workflow } of templates) {
      for (const fault of injectFaults(deepFreeze(workflow as Workflow), record.id, catalog)) {
        if (validateWorkflow(fault.workflow, { catalog }).valid) continue;
        kinds.add(fault.kind);
        const r = fixWorkflow(fault.workflow, { catalog, minConfidence: 'low' });
        expect([fault.kind, fault.what, r.fixes.length > 0]).toEqual([fault.kind, fault.what, true]);
      }
    }
    expect(kinds.size).toBeGreaterThanOrEqual(9);
  });
});

describe('flowtune fix', () => {
  const { mkdtempSync, readFileSync, writeFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
  const { tmpdir } = jest.requireActual<typeof import('node:os')>('node:os');
  const path = jest.requireActual<typeof import('node:path')>('node:path');
  const dir = () => mkdtempSync(path.join(tmpdir(), 'flowtune-fix-'));

  async function cli(args: string[], stdin = '') {
    const { runCli } = await import('../../cli/main');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), readStdin: () => stdin, color: false, env: {} });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  const broken = () => withNode(agentWorkflow(), 'Gmail', { type: 'gmailTool', typeVersion: 99 });
  const unfixable = () => baseWorkflow([{ ...node('X', 'noOp', 1), type: 'n8n-nodes-base.qqzzxxww' }]);

  it('prints the fixed workflow to stdout and the fixes to stderr; exit 0 when valid after fixing', async () => {
    const d = dir();
    const file = path.join(d, 'wf.json');
    writeFileSync(file, JSON.stringify(broken()));
    const r = await cli(['fix', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(agentWorkflow());
    expect(r.stderr).toMatch(/fixed +UNKNOWN_NODE_TYPE \[Gmail\] "gmailTool" → "n8n-nodes-base\.gmailTool"/);
    expect(r.stderr).toMatch(/1 workflow\(s\): 1 changed, 1 valid, 0 invalid; 2 fix\(es\) applied/);
    // The file itself is untouched without --write.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(broken());
  });

  it('--write fixes files in place (an array file element by element), --json reports; exit 1 when one stays invalid', async () => {
    const d = dir();
    const one = path.join(d, 'one.json');
    const many = path.join(d, 'many.json');
    writeFileSync(one, JSON.stringify(broken()));
    writeFileSync(many, JSON.stringify([agentWorkflow(), unfixable()]));
    const r = await cli(['fix', d, '--write', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.summary).toEqual({ files: 3, changed: 1, valid: 2, invalid: 1, applied: 2, reported: 0 });
    expect(report.written).toEqual([one]);
    expect(report.results.map((x: { file: string; valid: boolean; workflow?: unknown }) => [path.basename(x.file), x.valid, 'workflow' in x])).toEqual([
      ['many.json[0]', true, false],
      ['many.json[1]', false, false],
      ['one.json', true, false],
    ]);
    expect(JSON.parse(readFileSync(one, 'utf8'))).toEqual(agentWorkflow());
    // Unchanged files are not rewritten.
    expect(readFileSync(many, 'utf8')).toBe(JSON.stringify([agentWorkflow(), unfixable()]));
  });

  it('--out writes every file into a folder; --json alone carries the fixed workflows; --min-confidence gates fixes', async () => {
    const d = dir();
    const file = path.join(d, 'wf.json');
    writeFileSync(file, JSON.stringify(baseWorkflow([node('X', 'n8n-nodes-base.setAdvanced', 3.4)])));
    const out = path.join(d, 'out');
    expect((await cli(['fix', file, '--out', out])).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, 'wf.json'), 'utf8')).nodes[2].type).toBe('n8n-nodes-base.set');
    const strict = await cli(['fix', '-', '--json', '--min-confidence', 'high'], readFileSync(file, 'utf8'));
    expect(strict.code).toBe(1);
    const report = JSON.parse(strict.stdout);
    expect(report.results[0]).toMatchObject({ file: '-', valid: false, changed: false, fixes: [expect.objectContaining({ applied: false, confidence: 'medium' })] });
    expect(report.results[0].workflow.nodes[2].type).toBe('n8n-nodes-base.setAdvanced');
  });

  it('usage errors exit 2', async () => {
    const d = dir();
    const file = path.join(d, 'wf.json');
    writeFileSync(file, JSON.stringify(broken()));
    expect((await cli(['fix', file, '--min-confidence', 'certain'])).stderr).toMatch(/--min-confidence must be high, medium or low/);
    expect((await cli(['fix', '-', '--write'])).code).toBe(2);
    expect((await cli(['fix', file, file])).stderr).toMatch(/several workflows: give --write/);
    expect((await cli(['fix', path.join(d, 'missing.json')])).code).toBe(2);
  });

  it('README and --help agree', async () => {
    const help = (await cli(['fix', '--help'])).stdout;
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('## `flowtune fix`');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    // The usage line names exactly the command's flags.
    const usage = section.slice(section.indexOf('```bash'), section.indexOf('```', section.indexOf('```bash') + 3));
    const documented = new Set(usage.match(/--[a-z][a-z-]*/g) ?? []);
    const flags = (help.match(/--[a-z][a-z-]*/g) ?? []).filter((f) => f !== '--help');
    expect(flags.length).toBeGreaterThan(5);
    for (const flag of flags) expect([flag, documented.has(flag)]).toEqual([flag, true]);
    for (const flag of documented) expect([flag, flags.includes(flag)]).toEqual([flag, true]);
  });
});
