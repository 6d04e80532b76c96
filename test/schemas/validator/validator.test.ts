import { loadCatalog } from '../../../schemas/catalog/load';
import { DEFAULT_DENIED_NODE_TYPES, DEFAULT_MAX_ISSUES, ISSUE_CODES, mergePolicy, parsePolicy, validateWorkflow, type ValidationResult } from '../../../schemas/validator';
import { baseWorkflow, link, node } from '../../helpers/workflows';

const catalog = loadCatalog();
const validate = (value: unknown, policy = {}) => validateWorkflow(value, { catalog, policy });
const codes = (r: ValidationResult) => r.errors.map((e) => e.code);
const warningCodes = (r: ValidationResult) => r.warnings.map((e) => e.code);

describe('validateWorkflow', () => {
  it('accepts a minimal valid workflow', () => {
    const r = validate(baseWorkflow());
    expect(r).toMatchObject({ valid: true, errors: [], warnings: [] });
    expect(r.stats).toEqual({ nodes: 2, connections: 1, triggers: 1, nodeTypes: 2, unknownNodeTypes: 0 });
  });

  it('exposes exactly the documented issue codes', () => {
    expect(ISSUE_CODES).toEqual([
      'INVALID_JSON', 'SCHEMA', 'LIMIT_EXCEEDED', 'UNKNOWN_NODE_TYPE', 'UNKNOWN_TYPE_VERSION', 'UNKNOWN_PARAMETER', 'INVALID_OPTION_VALUE',
      'MISSING_REQUIRED_PARAMETER', 'DUPLICATE_NODE_NAME', 'CONNECTION_UNKNOWN_NODE', 'CONNECTION_BAD_OUTPUT_INDEX',
      'CONNECTION_BAD_TYPE', 'NO_TRIGGER', 'POLICY_DENIED_NODE',
      'MISSING_REQUIRED_INPUT', 'TOO_MANY_CONNECTIONS', 'CONNECTION_BAD_INPUT_INDEX', 'EXPRESSION_UNKNOWN_NODE', 'EXPRESSION_SYNTAX',
      'FROM_AI_OUTSIDE_TOOL', 'WEBHOOK_RESPONSE_MISMATCH',
    ]);
  });

  it('reports INVALID_JSON for text that is not JSON', () => {
    const r = validate('{"nodes": [}');
    expect(codes(r)).toEqual(['INVALID_JSON']);
  });

  it('parses JSON text and unwraps template records and the n8n.io API shape', () => {
    const wf = baseWorkflow();
    expect(validate(JSON.stringify(wf)).valid).toBe(true);
    expect(validate({ name: 'record', description: 'd', workflow: wf }).valid).toBe(true);
    expect(validate({ workflow: { name: 'api', workflow: { nodes: wf.nodes, connections: wf.connections } } }).valid).toBe(true);
  });

  it('reports SCHEMA with a JSON pointer and the node name', () => {
    const wf = baseWorkflow();
    (wf.nodes[1] as Record<string, unknown>).position = 'left';
    const r = validate(wf);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'SCHEMA', path: '/nodes/1/position', node: 'Set' })]);
    expect(codes(validate({ nodes: 'x', connections: {} }))).toEqual(['SCHEMA']);
    expect(codes(validate([]))).toEqual(['SCHEMA']);
    expect(codes(validate(null))).toEqual(['SCHEMA']);
  });

  it('reports UNKNOWN_NODE_TYPE with suggestions', () => {
    const r = validate(baseWorkflow([node('GPT', 'n8n-nodes-base.chatGpt', 1)]));
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_NODE_TYPE', node: 'GPT', path: '/nodes/2/type', suggestion: expect.stringContaining('@n8n/n8n-nodes-langchain.openAi') }),
    ]);
    const wrongPackage = validate(baseWorkflow([node('Agent', 'n8n-nodes-base.agent', 1.7)]));
    expect(wrongPackage.errors[0].suggestion).toContain('"@n8n/n8n-nodes-langchain.agent"');
  });

  it('treats unknown community types as errors unless allowed', () => {
    const wf = baseWorkflow([node('Evolution', 'n8n-nodes-evolution-api.evolutionApi', 1)]);
    expect(codes(validate(wf))).toEqual(['UNKNOWN_NODE_TYPE']);
    const allowed = validate(wf, { allowUnknownCommunity: true });
    expect(allowed.valid).toBe(true);
    expect(warningCodes(allowed)).toEqual(['UNKNOWN_NODE_TYPE']);
    // n8n's own packages never get that leniency.
    expect(codes(validate(baseWorkflow([node('X', 'n8n-nodes-base.nope', 1)]), { allowUnknownCommunity: true }))).toEqual(['UNKNOWN_NODE_TYPE']);
  });

  it('reports UNKNOWN_TYPE_VERSION listing the versions', () => {
    const wf = baseWorkflow();
    wf.nodes[1].typeVersion = 9;
    const [issue] = validate(wf).errors;
    expect(issue).toMatchObject({ code: 'UNKNOWN_TYPE_VERSION', node: 'Set', path: '/nodes/1/typeVersion' });
    expect(issue.message).toContain('3.4');
  });

  it('reports UNKNOWN_PARAMETER for keys that are not properties at that version', () => {
    const r = validate(baseWorkflow([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', requestMethod: 'GET' })]));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PARAMETER', node: 'HTTP', path: '/nodes/2/parameters/requestMethod' })]);
    // requestMethod is right for version 1.
    expect(validate(baseWorkflow([node('HTTP', 'httpRequest', 1, { url: 'https://x', requestMethod: 'GET' })])).valid).toBe(true);
  });

  it('checks keys inside collections and fixedCollections', () => {
    const r = validate(baseWorkflow([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', options: { timeoutMs: 5 } })]));
    expect(r.errors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PARAMETER', path: '/nodes/2/parameters/options/timeoutMs', suggestion: expect.stringContaining('timeout') })]);
  });

  it('reports INVALID_OPTION_VALUE for literals outside static options, never for expressions', () => {
    const bad = validate(baseWorkflow([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', method: 'FETCH' })]));
    expect(bad.errors).toEqual([expect.objectContaining({ code: 'INVALID_OPTION_VALUE', path: '/nodes/2/parameters/method' })]);
    expect(validate(baseWorkflow([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', method: '={{ $json.method }}' })])).valid).toBe(true);
  });

  it('judges the option list that is displayed for the other parameters', () => {
    const slack = (operation: string) => node('Slack', 'slack', 2.3, { resource: 'channel', operation, channelId: { __rl: true, mode: 'id', value: 'C1' } });
    expect(validate(baseWorkflow([slack('archive')])).valid).toBe(true);
    // "post" is a message operation, not a channel one.
    expect(codes(validate(baseWorkflow([slack('post')])))).toEqual(['INVALID_OPTION_VALUE']);
  });

  it('reports MISSING_REQUIRED_PARAMETER as a warning, an error when strict', () => {
    const wf = baseWorkflow([node('HTTP', 'httpRequest', 4.2, {})]);
    const lenient = validate(wf);
    expect(lenient.valid).toBe(true);
    expect(lenient.warnings).toEqual([expect.objectContaining({ code: 'MISSING_REQUIRED_PARAMETER', node: 'HTTP', path: '/nodes/2/parameters/url' })]);
    expect(codes(validate(wf, { strict: true }))).toEqual(['MISSING_REQUIRED_PARAMETER']);
    expect(validate(baseWorkflow([node('HTTP', 'httpRequest', 4.2, { url: '={{ $json.url }}' })])).warnings).toEqual([]);
  });

  it('reports DUPLICATE_NODE_NAME (a warning between sticky notes)', () => {
    const wf = baseWorkflow([node('Set', 'set', 3.4, {})]);
    expect(codes(validate(wf))).toEqual(['DUPLICATE_NODE_NAME']);
    const notes = baseWorkflow([node('Note', 'stickyNote', 1, { content: 'a' }), node('Note', 'stickyNote', 1, { content: 'b' })]);
    const r = validate(notes);
    expect(r.valid).toBe(true);
    expect(warningCodes(r)).toEqual(['DUPLICATE_NODE_NAME']);
  });

  it('reports CONNECTION_UNKNOWN_NODE for both ends', () => {
    const wf = baseWorkflow([], { Ghost: { main: [[link('Set')]] }, Set: { main: [[link('Nowhere')]] } });
    const r = validate(wf);
    expect(r.errors.map((e) => [e.code, e.path])).toEqual([
      ['CONNECTION_UNKNOWN_NODE', '/connections/Ghost'],
      ['CONNECTION_UNKNOWN_NODE', '/connections/Set/main/0/0/node'],
    ]);
  });

  it('reports CONNECTION_BAD_OUTPUT_INDEX, counting the error output', () => {
    const wf = baseWorkflow([node('Next', 'noOp', 1)], { Set: { main: [[], [link('Next')]] } });
    expect(codes(validate(wf))).toEqual(['CONNECTION_BAD_OUTPUT_INDEX']);
    (wf.nodes[1] as Record<string, unknown>).onError = 'continueErrorOutput';
    expect(validate(wf).valid).toBe(true);
    // If has two outputs.
    const ifWf = baseWorkflow([node('If', 'if', 2.2, { conditions: {}, options: {} }), node('A', 'noOp', 1), node('B', 'noOp', 1)], {
      Set: { main: [[link('If')]] },
      If: { main: [[link('A')], [link('B')]] },
    });
    expect(validate(ifWf).valid).toBe(true);
  });

  it('reports CONNECTION_BAD_TYPE for types the source cannot emit or the target cannot accept', () => {
    const model = node('Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, { model: 'gpt-4o-mini', options: {} });
    const agent = node('Agent', '@n8n/n8n-nodes-langchain.agent', 1.7, { options: {} });
    const good = baseWorkflow([model, agent], { Set: { main: [[link('Agent')]] }, Model: { ai_languageModel: [[link('Agent', 'ai_languageModel')]] } });
    expect(validate(good).valid).toBe(true);
    const intoSlack = baseWorkflow([model, node('Slack', 'slack', 2.3, {})], { Model: { ai_languageModel: [[link('Slack', 'ai_languageModel')]] } });
    expect(validate(intoSlack).errors).toEqual([expect.objectContaining({ code: 'CONNECTION_BAD_TYPE', node: 'Slack' })]);
    const outOfSet = baseWorkflow([agent], { Set: { ai_languageModel: [[link('Agent', 'ai_languageModel')]] } });
    expect(validate(outOfSet).errors).toEqual([expect.objectContaining({ code: 'CONNECTION_BAD_TYPE', node: 'Set' })]);
  });

  it('knows the runtime Tool variants', () => {
    const tool = node('Slack Tool', 'n8n-nodes-base.slackTool', 2.3, { resource: 'message', operation: 'post', select: 'channel', text: 'hi' });
    const agent = node('Agent', '@n8n/n8n-nodes-langchain.agent', 1.7, { options: {} });
    const model = node('Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, { model: 'gpt-4o-mini', options: {} });
    const wf = baseWorkflow([tool, agent, model], {
      Set: { main: [[link('Agent')]] },
      'Slack Tool': { ai_tool: [[link('Agent', 'ai_tool')]] },
      Model: { ai_languageModel: [[link('Agent', 'ai_languageModel')]] },
    });
    expect(codes(validate(wf))).toEqual([]);
    // A tool has no main input.
    const wired = baseWorkflow([tool], { Set: { main: [[link('Slack Tool')]] } });
    expect(codes(validate(wired))).toEqual(['CONNECTION_BAD_TYPE']);
  });

  it('warns NO_TRIGGER when nothing starts the workflow', () => {
    const wf = { nodes: [node('Set', 'set', 3.4, {})], connections: {} };
    const r = validate(wf);
    expect(r.valid).toBe(true);
    expect(warningCodes(r)).toEqual(['NO_TRIGGER']);
  });

  it('reports POLICY_DENIED_NODE from deny and allow lists', () => {
    const shell = baseWorkflow([node('Shell', 'executeCommand', 1, { command: 'ls' })], { Set: { main: [[link('Shell')]] } });
    expect(codes(validate(shell))).toEqual(['POLICY_DENIED_NODE']);
    // deny adds to the default list; allowDenied lifts a default entry (issue 11).
    expect(codes(validate(shell, { deny: [] }))).toEqual(['POLICY_DENIED_NODE']);
    expect(codes(validate(shell, { deny: ['n8n-nodes-base.httpRequest'] }))).toEqual(['POLICY_DENIED_NODE']);
    expect(validate(shell, { allowDenied: ['n8n-nodes-base.executeCommand'] }).valid).toBe(true);
    expect(codes(validate(shell, { allowDenied: ['n8n-nodes-base.ssh'] }))).toEqual(['POLICY_DENIED_NODE']);
    // The runtime Tool variant of a denied type is denied too.
    const agent = node('Agent', '@n8n/n8n-nodes-langchain.agent', 1.7, { options: {} });
    const shellTool = node('Shell Tool', 'n8n-nodes-base.executeCommandTool', 1, { command: 'ls' });
    const viaAgent = baseWorkflow([agent, shellTool], { Set: { main: [[link('Agent')]] }, 'Shell Tool': { ai_tool: [[link('Agent', 'ai_tool')]] } });
    expect(validate(viaAgent).errors).toContainEqual(expect.objectContaining({ code: 'POLICY_DENIED_NODE', node: 'Shell Tool' }));
    expect(validate(viaAgent).errors.filter((e) => e.code === 'POLICY_DENIED_NODE')).toHaveLength(1);
    const allowOnly = validate(baseWorkflow(), { allow: ['n8n-nodes-base.manualTrigger'] });
    expect(allowOnly.errors).toEqual([expect.objectContaining({ code: 'POLICY_DENIED_NODE', node: 'Set' })]);
  });

  it('merges every policy one way: deny adds, allowDenied lifts, merging twice changes nothing', () => {
    const merged = mergePolicy({ deny: ['n8n-nodes-base.httpRequest'], allowDenied: ['n8n-nodes-base.ssh'] });
    expect(merged.deny).toEqual(['n8n-nodes-base.executeCommand', 'n8n-nodes-base.httpRequest']);
    expect(mergePolicy(merged)).toEqual(merged);
    expect(mergePolicy().deny).toEqual([...DEFAULT_DENIED_NODE_TYPES]);
    expect(parsePolicy({ deny: ['n8n-nodes-base.httpRequest'] }).deny).toEqual([...DEFAULT_DENIED_NODE_TYPES, 'n8n-nodes-base.httpRequest']);
    expect(parsePolicy({ allowDenied: ['n8n-nodes-base.ssh'] })).toEqual(mergePolicy({ allowDenied: ['n8n-nodes-base.ssh'] }));
  });

  it('does not mutate its input', () => {
    const wf = baseWorkflow([node('HTTP', 'httpRequest', 4.2, {})]);
    const before = JSON.stringify(wf);
    validate(wf);
    expect(JSON.stringify(wf)).toBe(before);
  });
});

describe('bounded results (maxIssues)', () => {
  const manyUnknown = (n: number) => {
    const parameters: Record<string, unknown> = { mode: 'manual' };
    for (let i = 0; i < n; i++) parameters[`bogus${i}`] = i;
    const wf = baseWorkflow();
    wf.nodes[1].parameters = parameters;
    return wf;
  };

  it('keeps at most DEFAULT_MAX_ISSUES issues and counts the rest', () => {
    const r = validate(manyUnknown(500));
    expect(r.valid).toBe(false);
    expect(r.errors).toHaveLength(DEFAULT_MAX_ISSUES);
    expect(r.truncated).toEqual({ errors: 500 - DEFAULT_MAX_ISSUES, warnings: 0 });
    expect(r.errors.every((e) => e.code === 'UNKNOWN_PARAMETER' && e.message.length > 0)).toBe(true);
  });

  it('takes maxIssues from the options, and has no truncated key when nothing was left out', () => {
    const r = validateWorkflow(manyUnknown(10), { catalog, maxIssues: 3 });
    expect(r.errors).toHaveLength(3);
    expect(r.truncated).toEqual({ errors: 7, warnings: 0 });
    expect(validate(manyUnknown(10)).truncated).toBeUndefined();
    expect('truncated' in validate(baseWorkflow())).toBe(false);
  });

  it('counts warnings past the cap too, and stays invalid when only left-out issues are errors', () => {
    const wf = manyUnknown(2);
    const r = validateWorkflow({ ...wf, nodes: wf.nodes.slice(1), connections: {} }, { catalog, maxIssues: 1 });
    expect(r.valid).toBe(false);
    expect(r.errors.length + r.warnings.length).toBe(1);
    expect((r.truncated?.errors ?? 0) + (r.truncated?.warnings ?? 0)).toBe(2);
  });

  it('300,000 unknown parameters: a small result, found fast', () => {
    const text = JSON.stringify(manyUnknown(300_000));
    const t0 = Date.now();
    const r = validate(text);
    const ms = Date.now() - t0;
    expect(r.truncated).toEqual({ errors: 300_000 - DEFAULT_MAX_ISSUES, warnings: 0 });
    expect(JSON.stringify(r).length).toBeLessThan(50_000);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('bounded results: errors first', () => {
  it('an error found after the list is full of warnings displaces one (the workflow says why it is invalid)', () => {
    const wf = baseWorkflow([node('HTTP', 'httpRequest', 4.2, {}), node('HTTP2', 'httpRequest', 4.2, {}), node('Bad', 'n8n-nodes-base.nope', 1)]);
    const r = validateWorkflow(wf, { catalog, maxIssues: 2 });
    expect(codes(r)).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(r.warnings).toHaveLength(1);
    expect(r.truncated?.warnings).toBeGreaterThan(0);
  });
});
