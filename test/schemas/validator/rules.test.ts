/**
 * Runnable rules (issue 13): workflows n8n loads but that fail when they run. Each rule
 * on generated workflows, with the cases that must pass and the ones that must not;
 * what cannot be known statically is a warning.
 */
import { loadCatalog } from '../../../schemas/catalog/load';
import { validateWorkflow, type ValidationResult } from '../../../schemas/validator';
import { baseWorkflow, link, node } from '../../helpers/workflows';

const catalog = loadCatalog();
const validate = (value: unknown) => validateWorkflow(value, { catalog });
const codes = (r: ValidationResult) => r.errors.map((e) => e.code);
const warningCodes = (r: ValidationResult) => r.warnings.map((e) => e.code);

const LC = '@n8n/n8n-nodes-langchain';
const agent = (params: Record<string, unknown> = { options: {} }) => node('Agent', `${LC}.agent`, 3.1, params);
const model = (name = 'Model') => node(name, `${LC}.lmChatOpenAi`, 1.3, { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} });
const intoAgent = (from: string, type = 'ai_languageModel', index = 0) => ({ [from]: { [type]: [[link('Agent', type, index)]] } });

describe('MISSING_REQUIRED_INPUT / TOO_MANY_CONNECTIONS (inputs from the catalog)', () => {
  it('an agent needs its chat model', () => {
    expect(codes(validate(baseWorkflow([agent()], { Set: { main: [[link('Agent')]] } })))).toEqual(['MISSING_REQUIRED_INPUT']);
    const ok = baseWorkflow([agent(), model()], { Set: { main: [[link('Agent')]] }, ...intoAgent('Model') });
    expect(validate(ok)).toMatchObject({ valid: true, warnings: [] });
  });

  it('the fallback model is required only when needsFallback is on; unknown when set by an expression', () => {
    const wf = (needsFallback: unknown) =>
      baseWorkflow([agent({ needsFallback, options: {} }), model()], { Set: { main: [[link('Agent')]] }, ...intoAgent('Model') });
    const missing = validate(wf(true));
    expect(codes(missing)).toEqual(['MISSING_REQUIRED_INPUT']);
    expect(missing.errors[0]).toMatchObject({ node: 'Agent', path: '/nodes/2', message: expect.stringContaining('input 2') });
    expect(validate(wf(false)).valid).toBe(true);
    const dynamic = validate(wf('={{ $json.fallback }}'));
    expect(dynamic.valid).toBe(true);
    expect(warningCodes(dynamic)).toEqual(['MISSING_REQUIRED_INPUT']);
  });

  it('a vector store needs embeddings, whatever its mode', () => {
    const store = node('Store', `${LC}.vectorStoreInMemory`, 1.3, { mode: 'retrieve-as-tool', toolDescription: 'docs', memoryKey: { __rl: true, mode: 'list', value: 'k' } });
    const wf = baseWorkflow([agent(), model(), store], { Set: { main: [[link('Agent')]] }, ...intoAgent('Model'), ...intoAgent('Store', 'ai_tool') });
    expect(validate(wf).errors).toEqual([expect.objectContaining({ code: 'MISSING_REQUIRED_INPUT', node: 'Store', message: expect.stringContaining('ai_embedding') })]);
    const embeddings = node('Embeddings', `${LC}.embeddingsOpenAi`, 1.2, { options: {} });
    const fixed = { ...wf, nodes: [...wf.nodes, embeddings], connections: { ...wf.connections, Embeddings: { ai_embedding: [[link('Store', 'ai_embedding')]] } } };
    expect(codes(validate(fixed))).toEqual([]);
  });

  it('at most maxConnections sub-nodes on one input', () => {
    const wf = baseWorkflow([agent(), model('A'), model('B')], { Set: { main: [[link('Agent')]] }, ...intoAgent('A'), ...intoAgent('B') });
    expect(validate(wf).errors).toEqual([expect.objectContaining({ code: 'TOO_MANY_CONNECTIONS', node: 'Agent' })]);
  });

  it('a disabled node is not run: nothing to report', () => {
    const wf = baseWorkflow([{ ...agent(), disabled: true }], { Set: { main: [[link('Agent')]] } });
    expect(validate(wf).valid).toBe(true);
  });
});

describe('CONNECTION_BAD_INPUT_INDEX (Merge inputs vs numberInputs)', () => {
  const merge = (params: Record<string, unknown>) => node('Merge', 'merge', 3.2, params);
  const three = (params: Record<string, unknown>) =>
    baseWorkflow([merge(params), node('A', 'noOp', 1), node('B', 'noOp', 1)], {
      Set: { main: [[link('Merge', 'main', 0), link('A'), link('B')]] },
      A: { main: [[link('Merge', 'main', 1)]] },
      B: { main: [[link('Merge', 'main', 2)]] },
    });

  it('a third input needs numberInputs ≥ 3', () => {
    const r = validate(three({ mode: 'append' }));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'CONNECTION_BAD_INPUT_INDEX', node: 'Merge', message: expect.stringContaining('2 "main" input(s)') })]);
    expect(validate(three({ mode: 'append', numberInputs: 3 })).valid).toBe(true);
  });

  it('numberInputs from an expression, or no parameters at all (stripped exports): not an error', () => {
    const dynamic = validate(three({ mode: 'append', numberInputs: '={{ 3 }}' }));
    expect(dynamic.valid).toBe(true);
    expect(warningCodes(dynamic)).toEqual(['CONNECTION_BAD_INPUT_INDEX']);
    expect(validate(three({})).valid).toBe(true);
  });
});

describe('EXPRESSION_UNKNOWN_NODE', () => {
  const setWith = (value: string) => baseWorkflow([node('Use', 'set', 3.4, { mode: 'raw', jsonOutput: value, options: {} })], { Set: { main: [[link('Use')]] } });

  it.each([
    `={{ $('Fetch Rows').item.json.id }}`,
    `={{ $("Fetch Rows").first().json }}`,
    `={{ $node["Fetch Rows"].json.id }}`,
    `={{ $node.FetchRows.json.id }}`,
    `={{ $items("Fetch Rows")[0].json }}`,
    `=text {{ 1 }} and {{ $('Fetch Rows').all().length }}`,
  ])('reports %s', (value) => {
    const r = validate(setWith(value));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'EXPRESSION_UNKNOWN_NODE', node: 'Use', path: '/nodes/2/parameters/jsonOutput' })]);
  });

  it.each([`={{ $('Set').item.json.id }}`, `={{ $node["Start"].json }}`, `={{ $node.Set.json }}`, `$('Nope') is plain text`, `={{ $json.x }}`])('accepts %s', (value) => {
    expect(validate(setWith(value)).valid).toBe(true);
  });

  it('a name computed at run time is a warning', () => {
    for (const value of ['={{ $($json.node).item.json }}', '={{ $(`${$json.n}`).item.json }}']) {
      const r = validate(setWith(value));
      expect(r.valid).toBe(true);
      expect(warningCodes(r)).toEqual(['EXPRESSION_UNKNOWN_NODE']);
    }
  });
});

describe('EXPRESSION_SYNTAX', () => {
  const setWith = (value: string) => baseWorkflow([node('Use', 'set', 3.4, { mode: 'raw', jsonOutput: value, options: {} })], { Set: { main: [[link('Use')]] } });

  it.each([`={{ $json.a( }}`, `={{ $('It's').item }}`, `={{ [1, 2 }}`, `={{ $json.x.replace('{{name}}', 'a') }}`])('reports %s', (value) => {
    expect(codes(validate(setWith(value)))).toEqual(['EXPRESSION_SYNTAX']);
  });

  it.each([
    `={{ $json.a.map(x => ({ b: x })) }}`,
    '={{ `a ${ $json.b } c` }}',
    `={{ "}" + ')' }}`,
    `={{ $json.a.replace(/[(]/g, '') }}`,
    `=plain }} text`,
  ])('accepts %s', (value) => {
    expect(validate(setWith(value)).valid).toBe(true);
  });

  it('an unclosed {{ is a warning: n8n runs the rest of the text as code', () => {
    const r = validate(setWith('={{ $json.a '));
    expect(r.valid).toBe(true);
    expect(warningCodes(r)).toEqual(['EXPRESSION_SYNTAX']);
  });
});

describe('FROM_AI_OUTSIDE_TOOL', () => {
  it('reports $fromAI in a node that does not run as a tool', () => {
    const wf = baseWorkflow([node('Use', 'set', 3.4, { mode: 'raw', jsonOutput: `={{ $fromAI('x') }}`, options: {} })], { Set: { main: [[link('Use')]] } });
    expect(validate(wf).errors).toEqual([expect.objectContaining({ code: 'FROM_AI_OUTSIDE_TOOL', node: 'Use' })]);
  });

  it('accepts it in a tool', () => {
    const tool = node('Slack Tool', 'n8n-nodes-base.slackTool', 2.3, { resource: 'message', operation: 'post', select: 'channel', text: `={{ $fromAI('text', 'what to say', 'string') }}` });
    const wf = baseWorkflow([agent(), model(), tool], { Set: { main: [[link('Agent')]] }, ...intoAgent('Model'), ...intoAgent('Slack Tool', 'ai_tool') });
    expect(codes(validate(wf))).toEqual([]);
  });
});

describe('WEBHOOK_RESPONSE_MISMATCH', () => {
  const flow = (responseMode: unknown, withResponder: boolean) => {
    const hook = node('Hook', 'webhook', 2.1, { path: 'p', ...(responseMode === undefined ? {} : { responseMode }), options: {} }, { webhookId: 'a1b2' });
    const respond = node('Respond', 'respondToWebhook', 1.5, { options: {} });
    return {
      nodes: [hook, node('Set', 'set', 3.4, { options: {} }), ...(withResponder ? [respond] : [])],
      connections: { Hook: { main: [[link('Set')]] }, ...(withResponder ? { Set: { main: [[link('Respond')]] } } : {}) },
    };
  };

  it('"Using Respond to Webhook node" needs one after the webhook', () => {
    expect(validate(flow('responseNode', false)).errors).toEqual([expect.objectContaining({ code: 'WEBHOOK_RESPONSE_MISMATCH', node: 'Hook', path: '/nodes/0/parameters/responseMode' })]);
    expect(validate(flow('responseNode', true)).valid).toBe(true);
  });

  it('a Respond to Webhook node after a webhook that responds otherwise', () => {
    expect(codes(validate(flow(undefined, true)))).toEqual(['WEBHOOK_RESPONSE_MISMATCH']);
    expect(codes(validate(flow('lastNode', true)))).toEqual(['WEBHOOK_RESPONSE_MISMATCH']);
    expect(validate(flow('streaming', true)).valid).toBe(true);
    expect(validate(flow('lastNode', false)).valid).toBe(true);
  });

  it('a response mode from an expression is not judged', () => {
    expect(validate(flow('={{ "responseNode" }}', false)).valid).toBe(true);
  });
});
