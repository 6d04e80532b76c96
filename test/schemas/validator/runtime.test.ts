/**
 * The node types n8n 2.x generates at startup (`<name>Tool` for usableAsTool nodes,
 * `<name>HitlTool` for nodes with a send-and-wait operation), checked against
 * n8n-workflow's own predicates (a dev dependency: runtime code never imports it).
 */
import { isHitlToolType, isToolType, SEND_AND_WAIT_OPERATION as N8N_SEND_AND_WAIT } from 'n8n-workflow';
import { buildCatalog, hasSendAndWaitOperation, type PackageDescriptions, type RawNodeDescription, SEND_AND_WAIT_OPERATION } from '../../../schemas/catalog/build';
import { NodeCatalog } from '../../../schemas/catalog/catalog';
import { loadCatalog, readStockCatalog } from '../../../schemas/catalog/load';
import { validateWorkflow } from '../../../schemas/validator';
import { baseWorkflow, link, node } from '../../helpers/workflows';

const catalog = loadCatalog();
const stock = readStockCatalog();

describe('runtime node types agree with n8n-workflow', () => {
  it('uses n8n’s send-and-wait operation value', () => {
    expect(SEND_AND_WAIT_OPERATION).toBe(N8N_SEND_AND_WAIT);
  });

  it('isHitlToolType holds for exactly the HitlTool entries, isToolType for every runtime variant', () => {
    for (const info of catalog.types()) {
      const { type, hitl, toolOf } = info.entry;
      expect({ type, hitl: isHitlToolType(type) }).toEqual({ type, hitl: hitl === true });
      if (toolOf) {
        expect({ type, tool: isToolType(type) }).toEqual({ type, tool: true });
        // n8n tells the two kinds apart the same way.
        expect({ type, plainTool: isToolType(type, { includeHitl: false }) }).toEqual({ type, plainTool: !hitl });
        expect(type).toBe(`${toolOf}${hitl ? 'HitlTool' : 'Tool'}`);
      }
      // n8n's `@tool` display condition is `name.endsWith('Tool')`.
      expect({ type, isTool: info.isTool }).toEqual({ type, isTool: type.endsWith('Tool') });
    }
  });

  it('has a HitlTool for every node type with a send-and-wait operation, at exactly those versions', () => {
    const expected = stock.nodes
      .filter((n) => !n.toolOf && !n.type.endsWith('Tool') && n.variants.some(hasSendAndWaitOperation))
      .map((n) => `${n.type}HitlTool`)
      .sort();
    const hitl = stock.nodes.filter((n) => n.hitl).map((n) => n.type).sort();
    expect(hitl).toEqual(expected);
    // The channels n8n's docs list for human review of tool calls.
    expect(hitl).toEqual(
      ['@n8n/n8n-nodes-langchain.chat', ...['discord', 'emailSend', 'gmail', 'googleChat', 'microsoftOutlook', 'microsoftTeams', 'slack', 'telegram', 'whatsApp'].map((n) => `n8n-nodes-base.${n}`)]
        .map((t) => `${t}HitlTool`)
        .sort(),
    );
    const slack = catalog.get('n8n-nodes-base.slackHitlTool')!;
    expect(slack.entry.versions).toEqual(catalog.get('n8n-nodes-base.slack')!.entry.versions.filter((v) => v >= 2));
    const variant = slack.variantFor(2.3)!;
    expect(variant.inputs).toEqual({ types: ['ai_tool'] });
    expect(variant.outputs).toEqual({ types: ['ai_tool'] });
    expect(variant.webhook).toBe(true);
  });
});

describe('HitlTool workflows', () => {
  // Agent ← Slack HITL gate ← Slack tool: the gate asks a human before the tool runs.
  const gated = (gateParameters: Record<string, unknown>) => {
    const gate = node('Approve', 'n8n-nodes-base.slackHitlTool', 2.3, gateParameters, { webhookId: '0b6e3c4a-1d2f-4e5a-9b8c-7d6e5f4a3b2c' });
    const tool = node('Post', 'n8n-nodes-base.slackTool', 2.3, { resource: 'message', operation: 'post', select: 'channel', text: 'hi' });
    const model = node('Model', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 1.2, { options: {} });
    const agent = node('Agent', '@n8n/n8n-nodes-langchain.agent', 1.7, { options: {} });
    return baseWorkflow([gate, tool, model, agent], {
      Set: { main: [[link('Agent')]] },
      Post: { ai_tool: [[link('Approve', 'ai_tool')]] },
      Approve: { ai_tool: [[link('Agent', 'ai_tool')]] },
      Model: { ai_languageModel: [[link('Agent', 'ai_languageModel')]] },
    });
  };

  it('accepts a Slack HITL tool gating a tool of an agent', () => {
    const r = validateWorkflow(gated({ authentication: 'oAuth2', select: 'user', user: { __rl: true, mode: 'id', value: 'U1' }, message: '=Approve {{ $tool.name }}?', options: {} }), { catalog });
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('still checks its parameters and its wiring', () => {
    expect(validateWorkflow(gated({ bogus: 1 }), { catalog }).errors.map((e) => e.code)).toEqual(['UNKNOWN_PARAMETER']);
    const wrong = gated({});
    (wrong.connections as Record<string, unknown>).Set = { main: [[link('Approve')]] };
    expect(validateWorkflow(wrong, { catalog }).errors.map((e) => e.code)).toContain('CONNECTION_BAD_TYPE');
  });

  it('exists only at the versions that have a send-and-wait operation (Slack v1 has none)', () => {
    expect(catalog.get('n8n-nodes-base.slackHitlTool')!.hasVersion(1)).toBe(false);
  });
});

describe('buildCatalog and HitlTool types', () => {
  const description: RawNodeDescription = {
    name: 'pager',
    displayName: 'Pager',
    version: [1, 2],
    webhooks: [{ name: 'default', httpMethod: 'GET', path: '' }],
    properties: [
      { name: 'resource', type: 'options', default: 'message', options: [{ value: 'message' }] },
      { name: 'operation', type: 'options', default: 'send', options: [{ value: 'send' }, { value: 'sendAndWait' }], displayOptions: { show: { resource: ['message'] } } },
      { name: 'text', type: 'string', default: '', displayOptions: { show: { operation: ['send'] } } },
      { name: 'message', type: 'string', default: '', displayOptions: { show: { operation: ['sendAndWait'] } } },
    ],
  };
  const source: PackageDescriptions = { package: 'n8n-nodes-pager', version: '1.0.0', descriptions: [description] };

  it('adds <name>HitlTool for n8n ≥ 2.0 (the default), with the send-and-wait choice fixed', () => {
    const built = buildCatalog([source]);
    expect(built.nodes.map((n) => n.type)).toEqual(['n8n-nodes-pager.pager', 'n8n-nodes-pager.pagerHitlTool']);
    const info = new NodeCatalog(built).get('n8n-nodes-pager.pagerHitlTool')!;
    const props = info.propertiesAt(2)!;
    expect(props.byName.get('operation')![0]).toEqual({ name: 'operation', type: 'hidden', default: 'sendAndWait' });
    expect(props.byName.get('resource')![0]).toEqual({ name: 'resource', type: 'hidden', default: 'message' });
    const wf = { nodes: [node('Gate', 'n8n-nodes-pager.pagerHitlTool', 2, { message: 'ok?' })], connections: {} };
    expect(validateWorkflow(wf, { catalog: new NodeCatalog(built) }).errors).toEqual([]);
    // An older n8n, or a live instance that lists what it generated itself: no HitlTool added.
    expect(buildCatalog([source], { hitlTools: false }).nodes.map((n) => n.type)).toEqual(['n8n-nodes-pager.pager']);
    expect(buildCatalog([{ ...source, runtimeTypesIncluded: true }]).nodes.map((n) => n.type)).toEqual(['n8n-nodes-pager.pager']);
  });
});
