/** schemas/validator/rules: the registry the validator loops over, and the order of the issues it gives. */
import { loadCatalog } from '../../../schemas/catalog/load';
import { DOCUMENT_CODES, ISSUE_CODES, validateWorkflow } from '../../../schemas/validator';
import { RULES } from '../../../schemas/validator/rules';
import { baseWorkflow, link, node } from '../../helpers/workflows';

const catalog = loadCatalog();

describe('RULES', () => {
  it('every issue code has exactly one owner: a rule, or the reading step', () => {
    const owners = new Map<string, string[]>();
    for (const code of DOCUMENT_CODES) owners.set(code, ['(document)']);
    for (const rule of RULES) for (const code of rule.codes) owners.set(code, [...(owners.get(code) ?? []), rule.id]);
    expect([...owners.keys()].sort()).toEqual([...ISSUE_CODES].sort());
    expect([...owners].filter(([, by]) => by.length !== 1)).toEqual([]);
  });

  it('rule ids are unique kebab-case names', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
});

describe('issue order', () => {
  it('node rules run node by node: each node’s issues together, in node order; then the workflow rules', () => {
    const wf = baseWorkflow(
      [
        node('Shell', 'executeCommand', 99, { command: 'ls' }),
        node('Set', 'set', 3.4, { mode: 'manual', nope: 1 }),
        node('Ghost', 'noSuchNode', 1),
      ],
      { Set: { main: [[link('Missing')]] } },
    );
    const r = validateWorkflow(wf, { catalog });
    expect(r.errors.map((e) => [e.code, e.node])).toEqual([
      ['POLICY_DENIED_NODE', 'Shell'],
      ['UNKNOWN_TYPE_VERSION', 'Shell'],
      ['DUPLICATE_NODE_NAME', 'Set'],
      ['UNKNOWN_PARAMETER', 'Set'],
      ['UNKNOWN_NODE_TYPE', 'Ghost'],
      ['CONNECTION_UNKNOWN_NODE', 'Set'],
    ]);
  });
});

describe('CONNECTION_BAD_INPUT_INDEX on a sub-node input is read from the connection type, not from the message', () => {
  const LC = '@n8n/n8n-nodes-langchain';
  const wf = (agentName: string) => ({
    name: 'test',
    nodes: [
      node('Start', 'manualTrigger', 1),
      node(agentName, `${LC}.agent`, 3.1, { options: {} }),
      node('Model', `${LC}.lmChatOpenAi`, 1.3, { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} }),
      node('Extra', `${LC}.lmChatOpenAi`, 1.3, { model: { __rl: true, mode: 'list', value: 'gpt-4o-mini' }, options: {} }),
    ],
    connections: {
      Start: { main: [[link(agentName)]] },
      Model: { ai_languageModel: [[link(agentName, 'ai_languageModel', 0)]] },
      Extra: { ai_languageModel: [[link(agentName, 'ai_languageModel', 5)]] },
    },
  });

  it.each(['Agent', 'main'])('an extra model on an input the agent lacks is ignored by n8n: a warning (agent named %s)', (name) => {
    const r = validateWorkflow(wf(name), { catalog });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'CONNECTION_BAD_INPUT_INDEX', node: name, message: expect.stringContaining('(n8n ignores that connection)') })]);
  });
});
