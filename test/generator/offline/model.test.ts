/**
 * The offline generator (generator/offline/): reading a request's intent, picking the
 * training workflow that covers it, adapting it (rewired graph, no dangling connection, no
 * unrequested service), and the everyday requests a new user tries first — over an index
 * built from the real n8n.io templates.
 */
import { cleanWorkflow } from '../../../dataset/clean';
import { compactWorkflow, hydrateWorkflow, type CompactWorkflow } from '../../../dataset/compact';
import { adaptWorkflow, askedEvent, askedOperation, composeWorkflow } from '../../../generator/offline/adapt';
import { allWords } from '../../../generator/offline/words';
import { connectedTo, connectionsOf, downstream, edgesOf, removeAndRewire } from '../../../generator/offline/graph';
import { readIntent, servicesNamedIn } from '../../../generator/offline/intent';
import { buildOfflineIndex, type OfflineIndex } from '../../../generator/offline/learn';
import { generateOffline } from '../../../generator/offline/model';
import { CONSENSUS, consensusPicks, rankWorkflows } from '../../../generator/offline/pick';
import { roleOf, serviceKeyOf } from '../../../generator/offline/services';
import type { TrainingExample } from '../../../generator/retrieval';
import { loadCatalog } from '../../../schemas/catalog/load';
import { validateWorkflow } from '../../../schemas/validator';
import { loadTemplates, stockOnly } from '../../helpers/templates';

const catalog = loadCatalog();
let examples: TrainingExample[];
let index: OfflineIndex;

beforeAll(async () => {
  // Training pairs as the dataset build makes them: valid stock templates, compact targets, description as request.
  examples = [];
  for (const { record, workflow } of stockOnly(await loadTemplates(), catalog)) {
    const cleaned = cleanWorkflow(workflow, record.name).workflow;
    if (cleaned.nodes.length < 2 || !validateWorkflow(cleaned, { catalog }).valid) continue;
    examples.push({ request: record.description.slice(0, 600) || record.name, target: JSON.stringify({ ...compactWorkflow(cleaned, { catalog }), name: record.name }), line: examples.length + 1 });
  }
  index = buildOfflineIndex(examples, catalog);
}, 120_000);

/** Every connection joins two nodes of the workflow, and every node is joined to a trigger. */
function expectWired(workflow: CompactWorkflow): void {
  const names = workflow.nodes.map((n) => n.name);
  expect(new Set(names).size).toBe(names.length);
  for (const [source, byType] of Object.entries(workflow.connections)) {
    expect(names).toContain(source);
    for (const outputs of Object.values(byType)) for (const targets of outputs) for (const t of targets) expect(names).toContain(typeof t === 'string' ? t : t.node);
  }
  const triggers = workflow.nodes.filter((n) => catalog.get(n.type)?.entry.trigger).map((n) => n.name);
  expect(triggers.length).toBeGreaterThan(0);
  const reached = connectedTo(triggers, edgesOf(names, workflow.connections));
  expect(names.filter((n) => !reached.has(n))).toEqual([]);
}

describe('services', () => {
  it('groups a service’s nodes under one key and knows their roles', () => {
    expect(['n8n-nodes-base.slack', 'n8n-nodes-base.slackTrigger', 'n8n-nodes-base.slackTool'].map(serviceKeyOf)).toEqual(['slack', 'slack', 'slack']);
    expect(['@n8n/n8n-nodes-langchain.lmChatOpenAi', '@n8n/n8n-nodes-langchain.embeddingsOpenAi', '@n8n/n8n-nodes-langchain.openAi'].map(serviceKeyOf)).toEqual(['openai', 'openai', 'openai']);
    expect(serviceKeyOf('@n8n/n8n-nodes-langchain.memoryPostgresChat')).toBe('postgres');
    expect(roleOf('@n8n/n8n-nodes-langchain.lmChatOpenAi', catalog)).toBe('model');
    expect(roleOf('n8n-nodes-base.githubTrigger', catalog)).toBe('trigger');
    expect(roleOf('n8n-nodes-base.gmailTool', catalog)).toBe('tool');
    expect(index.services.serviceOf('n8n-nodes-base.set')).toBeUndefined();
    expect(index.services.serviceOf('n8n-nodes-base.httpRequest')).toBeUndefined();
    expect(index.services.serviceOf('@n8n/n8n-nodes-langchain.agent')).toBeUndefined();
  });
});

describe('reading a request', () => {
  it.each([
    ['Every morning fetch weather from an API and post to Slack', 'n8n-nodes-base.scheduleTrigger', ['slack']],
    ['Daily at 9 send me a summary of my Google Calendar by Gmail', 'n8n-nodes-base.scheduleTrigger', ['googlecalendar', 'gmail']],
    ['Send a Slack message when a new row is added to Google Sheets', 'n8n-nodes-base.googleSheetsTrigger', ['slack', 'googlesheets']],
    ['Create a workflow that monitors GitHub issues and sends notifications to Slack', 'n8n-nodes-base.githubTrigger', ['github', 'slack']],
    ['Telegram chatbot that answers with OpenAI', 'n8n-nodes-base.telegramTrigger', ['telegram', 'openai']],
    // "email" names the email service the training pairs use most.
    ['When I receive an email, save it to Notion', 'n8n-nodes-base.gmailTrigger', ['gmail', 'notion']],
    ['Send a daily digest of new Hacker News posts to my email', 'n8n-nodes-base.scheduleTrigger', ['hackernews', 'gmail']],
    // New items of a feed: the RSS Feed Trigger polls it.
    ['Post new RSS feed items to Discord', 'n8n-nodes-base.rssFeedReadTrigger', ['discord']],
    // Dropbox has no trigger node: its new files are looked for on a schedule.
    ['Upload new Dropbox files to Google Drive', 'n8n-nodes-base.scheduleTrigger', ['dropbox', 'googledrive']],
    ['Receive a webhook and store the payload in Airtable', 'n8n-nodes-base.webhook', ['airtable']],
    ['A contact form whose answers go to HubSpot', 'n8n-nodes-base.formTrigger', ['hubspot']],
    ['A chatbot that answers questions about our products', '@n8n/n8n-nodes-langchain.chatTrigger', []],
    ['Post new Typeform responses to a Slack channel', 'n8n-nodes-base.typeformTrigger', ['typeform', 'slack']],
    // Messenger's messages reach n8n through a webhook; Redis Chat Memory does not make Redis a chat app; an MCP used as a client is no server.
    ['Facebook Messenger customer service chatbot', 'n8n-nodes-base.webhook', ['facebook']],
    ['Chat support with OpenAI and Redis sessions', '@n8n/n8n-nodes-langchain.chatTrigger', ['openai', 'redis']],
    ['Get blockchain insights from chat using GPT-4 and Nansen MCP', '@n8n/n8n-nodes-langchain.chatTrigger', ['openai']],
    ['Expose Todoist as an MCP server', '@n8n/n8n-nodes-langchain.mcpTrigger', ['todoist']],
    // "Translate" opens Title Case titles, which says nothing about whether it names Google Translate.
    ['Translate new Notion pages to French with DeepL', 'n8n-nodes-base.notionTrigger', ['notion', 'deepl']],
  ])('%s', (request, trigger, services) => {
    const intent = readIntent(request, index);
    expect(intent.trigger?.type).toBe(trigger);
    expect(intent.services.filter((s) => s.named).map((s) => s.key)).toEqual(services);
  });

  it('reads the AI pattern: agent with memory, RAG, none', () => {
    expect(readIntent('Telegram chatbot that answers with OpenAI', index).ai).toMatchObject({ llm: true, agent: true, memory: true });
    expect(readIntent('Chat with our PDF documents using a Pinecone vector store', index).ai).toMatchObject({ agent: true, rag: true });
    expect(readIntent('Copy new Airtable records to Google Sheets', index).ai).toEqual({ llm: false, agent: false, memory: false, rag: false });
  });

  it('does not take a common word for a service the training pairs never use with it', () => {
    // "line" is LINE in the catalog, but not in the requests that say it.
    expect(index.phrases.has('line')).toBe(false);
    expect(readIntent('Add a line to the report every day', index).services.filter((s) => s.named)).toEqual([]);
  });
});

describe('picking', () => {
  it('prefers the workflow with the named services and the asked trigger', () => {
    const intent = readIntent('Send Gmail attachments to Google Drive', index);
    const [best] = rankWorkflows(intent, index, 1);
    expect([...best.profile.services.keys()]).toEqual(expect.arrayContaining(['gmail', 'googledrive']));
    expect(best.profile.triggers).toContain('n8n-nodes-base.gmailTrigger');
  });
});

describe('consensus', () => {
  it('picks among the best-covering workflows the one most like the others, deterministically', () => {
    const intent = readIntent('Send Gmail attachments to Google Drive', index);
    const candidates = rankWorkflows(intent, index, CONSENSUS.candidates);
    const picks = consensusPicks(intent, index, 3);
    expect(picks).toHaveLength(3);
    for (const p of picks) expect(candidates.map((c) => c.profile.id)).toContain(p.profile.id);
    expect(consensusPicks(intent, index, 3).map((p) => p.profile.id)).toEqual(picks.map((p) => p.profile.id));
    expect([...picks[0].profile.services.keys()]).toEqual(expect.arrayContaining(['gmail', 'googledrive']));
  });
});

describe('adapting', () => {
  const workflow: CompactWorkflow = {
    name: 'Rotate AWS keys',
    nodes: [
      { name: 'Start', type: 'n8n-nodes-base.manualTrigger' },
      { name: 'Prepare', type: 'n8n-nodes-base.set', parameters: { assignments: { assignments: [{ id: 'a', name: 'user', type: 'string', value: "={{ $('Disable Access Keys').item.json.user }}" }] } } },
      { name: 'Disable Access Keys', type: 'n8n-nodes-base.httpRequest', parameters: { method: 'POST', url: 'https://iam.amazonaws.com/' } },
      { name: 'Check', type: 'n8n-nodes-base.if' },
      { name: 'Airtable', type: 'n8n-nodes-base.airtable', credentials: ['airtableTokenApi'] },
      { name: 'Slack', type: 'n8n-nodes-base.slack', parameters: { select: 'channel', channelId: { __rl: true, mode: 'name', value: '#ops' }, text: "={{ $node[\"Disable Access Keys\"].json.report }}" }, credentials: ['slackApi'] },
    ],
    connections: {
      Start: { main: [['Disable Access Keys']] },
      'Disable Access Keys': { main: [['Prepare']] },
      Prepare: { main: [['Check']] },
      Check: { main: [['Airtable'], ['Slack']] },
      Airtable: { main: [['Slack']] },
    },
  };
  const profile = () => {
    const names = workflow.nodes.map((n) => n.name);
    return { ...buildOfflineIndex([{ request: 'x', target: JSON.stringify(workflow), line: 1 }], catalog).profiles[0], edges: edgesOf(names, workflow.connections) };
  };

  it('reads the event a trigger is asked to listen to, with its verb, and guesses none it cannot read', () => {
    expect(askedEvent('n8n-nodes-base.shopifyTrigger', 'Add new Shopify customers to Mailchimp', index)).toEqual({ name: 'topic', value: 'customers/create' });
    expect(askedEvent('n8n-nodes-base.shopifyTrigger', 'When a Shopify order is updated', index)).toEqual({ name: 'topic', value: 'orders/updated' });
    expect(askedEvent('n8n-nodes-base.stripeTrigger', 'Text me when a Stripe charge fails', index)).toEqual({ name: 'events', value: ['charge.failed'] });
    expect(askedEvent('n8n-nodes-base.jiraTrigger', 'Create a Trello card for every new Jira issue', index)).toEqual({ name: 'events', value: ['jira:issue_created'] });
    expect(askedEvent('n8n-nodes-base.calendlyTrigger', 'Create a Google Calendar event when a Calendly booking is made', index)).toBeUndefined();
    expect(askedEvent('n8n-nodes-base.slack', 'new Slack channel', index)).toBeUndefined();
  });

  it('reads the operation a request asks of a resource, and only next to it', () => {
    const operations = [
      { resource: 'invoice', operation: 'create' },
      { resource: 'invoice', operation: 'get' },
      { resource: 'message', operation: 'send' },
    ];
    expect(askedOperation(allWords('Receive a webhook with an order and create an invoice in QuickBooks'), operations)).toEqual({ resource: 'invoice', operation: 'create' });
    expect(askedOperation(allWords('Send the new message to the team'), operations)).toEqual({ resource: 'message', operation: 'send' });
    // "Send Gmail attachments …": the verb's object is no resource of the type.
    expect(askedOperation(allWords('Send Gmail attachments to Google Drive'), operations)).toBeUndefined();
  });

  it('sets a named service’s node to the operation the request asks of its resource', () => {
    const invoices: CompactWorkflow = {
      name: 'QuickBooks invoices',
      nodes: [
        { name: 'Webhook', type: 'n8n-nodes-base.webhook', parameters: { path: 'orders', httpMethod: 'POST' } },
        { name: 'Get an invoice', type: 'n8n-nodes-base.quickbooks', parameters: { resource: 'invoice', operation: 'get', invoiceId: '={{ $json.id }}' }, credentials: ['quickBooksOAuth2Api'] },
      ],
      connections: { Webhook: { main: [['Get an invoice']] } },
    };
    const quickbooks = buildOfflineIndex([{ request: 'x', target: JSON.stringify(invoices), line: 1 }], catalog);
    const intent = readIntent('Receive a webhook with an order and create an invoice in QuickBooks', quickbooks);
    const { workflow: adapted, changes } = adaptWorkflow(quickbooks.profiles[0], intent, quickbooks);
    const node = adapted.nodes.find((n) => n.type === 'n8n-nodes-base.quickbooks')!;
    expect(node.parameters).toMatchObject({ resource: 'invoice', operation: 'create' });
    expect(node.credentials).toEqual(['quickBooksOAuth2Api']);
    expect(edgesOf(adapted.nodes.map((n) => n.name), adapted.connections)).toEqual([expect.objectContaining({ from: 'Webhook', to: node.name })]);
    expect(changes.join('\n')).toMatch(/invoice: create, as asked/);
  });

  it('takes out unrequested services and foreign API calls, rewires around them, swaps the trigger, rewrites references', () => {
    const intent = readIntent('Every morning post a report to Slack', index);
    const { workflow: adapted, changes } = adaptWorkflow(profile(), intent, index);
    expect(adapted.nodes.map((n) => n.type)).toEqual(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.set', 'n8n-nodes-base.if', 'n8n-nodes-base.slack']);
    expectWired(adapted);
    // Start → (AWS call) → Prepare and Check → (Airtable) → Slack: each neighbour joined to the next.
    const trigger = adapted.nodes[0].name;
    expect(adapted.connections).toEqual({ [trigger]: { main: [['Prepare']] }, Prepare: { main: [['Check']] }, Check: { main: [['Slack'], ['Slack']] } });
    expect(JSON.stringify(adapted.nodes)).not.toMatch(/Disable Access Keys|amazonaws/);
    expect(adapted.nodes[1].parameters).toMatchObject({ assignments: { assignments: [{ value: '={{ $input.item.json.user }}' }] } });
    expect(adapted.nodes[3].parameters?.text).toBe('={{ $json.report }}');
    expect(changes.join('\n')).toMatch(/calls iam\.amazonaws\.com/);
    expect(validateWorkflow(hydrateWorkflow(adapted, { catalog }), { catalog }).errors).toEqual([]);
  });

  it('puts a missing named service in the place of an unrequested one, and adds the others after the last step', () => {
    const intent = readIntent('When a GitHub issue is opened, log it to Notion and tell Discord', index);
    const { workflow: adapted } = adaptWorkflow(profile(), intent, index);
    const types = adapted.nodes.map((n) => n.type);
    expect(types[0]).toBe('n8n-nodes-base.githubTrigger');
    expect(types).toEqual(expect.arrayContaining(['n8n-nodes-base.notion', 'n8n-nodes-base.discord']));
    expect(types).not.toContain('n8n-nodes-base.airtable');
    expect(types).not.toContain('n8n-nodes-base.slack');
    expectWired(adapted);
  });

  it('puts a named service in the place of every node of the unrequested one, each in another form where it can', () => {
    const server: CompactWorkflow = {
      name: 'Asana server',
      nodes: [
        { name: 'MCP Server Trigger', type: '@n8n/n8n-nodes-langchain.mcpTrigger', parameters: { path: 'asana' } },
        { name: 'Create task', type: 'n8n-nodes-base.asanaTool', parameters: { operation: 'create' }, credentials: ['asanaApi'] },
        { name: 'Get task', type: 'n8n-nodes-base.asanaTool', parameters: { operation: 'get' }, credentials: ['asanaApi'] },
        { name: 'Delete task', type: 'n8n-nodes-base.asanaTool', parameters: { operation: 'delete' }, credentials: ['asanaApi'] },
      ],
      connections: Object.fromEntries(['Create task', 'Get task', 'Delete task'].map((n) => [n, { ai_tool: [['MCP Server Trigger']] }])),
    };
    const serverProfile = buildOfflineIndex([{ request: 'x', target: JSON.stringify(server), line: 1 }], catalog).profiles[0];
    // Not "MCP server" in the words: the stand-ins keep the workflow's shape, no operation list.
    const { workflow: adapted } = adaptWorkflow(serverProfile, readIntent('Let an MCP client manage Todoist tasks', index), index);
    const tools = adapted.nodes.filter((n) => n.type === 'n8n-nodes-base.todoistTool');
    expect(tools).toHaveLength(3);
    expect(adapted.nodes.map((n) => n.type)).not.toContain('n8n-nodes-base.asanaTool');
    expect(new Set(tools.map((t) => JSON.stringify(t.parameters))).size).toBeGreaterThan(1);
    expect(Object.keys(adapted.connections).sort()).toEqual(tools.map((t) => t.name).sort());
  });

  it('gives an MCP server of a named service one tool for each operation the catalog lists', () => {
    const { workflow: adapted } = adaptWorkflow(profile(), readIntent('Dropbox Tool MCP Server', index), index);
    const tools = adapted.nodes.filter((n) => n.type === 'n8n-nodes-base.dropboxTool');
    const forms = tools.map((t) => `${String(t.parameters?.resource)}/${String(t.parameters?.operation)}`);
    expect(adapted.nodes[0].type).toBe('@n8n/n8n-nodes-langchain.mcpTrigger');
    expect(tools.length).toBeGreaterThan(5);
    expect(new Set(forms).size).toBe(tools.length);
    for (const t of tools) expect(adapted.connections[t.name]).toEqual({ ai_tool: [[adapted.nodes[0].name]] });
  });

  it('composes trigger → agent with model and memory → reply when nothing fits', () => {
    const { workflow: composed } = composeWorkflow(readIntent('Telegram chatbot that answers with OpenAI', index), index);
    expect(composed.nodes.map((n) => n.type)).toEqual([
      'n8n-nodes-base.telegramTrigger',
      '@n8n/n8n-nodes-langchain.agent',
      '@n8n/n8n-nodes-langchain.lmChatOpenAi',
      '@n8n/n8n-nodes-langchain.memoryBufferWindow',
      'n8n-nodes-base.telegram',
    ]);
    expectWired(composed);
  });

  it('joins what fed a node to what it fed when the node goes', () => {
    const edges = edgesOf(['A', 'X', 'B', 'C'], { A: { main: [['X']] }, X: { main: [['B', 'C']] } });
    const joined = removeAndRewire(edges, 'X');
    expect(connectionsOf(joined, ['A', 'B', 'C'])).toEqual({ A: { main: [['B', 'C']] } });
  });
});

describe('everyday requests', () => {
  const named = (request: string) =>
    readIntent(request, index)
      .services.filter((s) => s.named)
      .map((s) => s.key);

  it.each([
    ['Create a workflow that monitors GitHub issues and sends notifications to Slack', 'n8n-nodes-base.githubTrigger', ['n8n-nodes-base.slack']],
    ['Every morning fetch weather from an API and post to Slack', 'n8n-nodes-base.scheduleTrigger', ['n8n-nodes-base.httpRequest', 'n8n-nodes-base.slack']],
    ['Telegram chatbot that answers with OpenAI', 'n8n-nodes-base.telegramTrigger', ['@n8n/n8n-nodes-langchain.agent', '@n8n/n8n-nodes-langchain.lmChatOpenAi', 'n8n-nodes-base.telegram']],
    ['Send Gmail attachments to Google Drive', 'n8n-nodes-base.gmailTrigger', ['n8n-nodes-base.googleDrive']],
    ['Post new Typeform responses to a Slack channel', 'n8n-nodes-base.typeformTrigger', ['n8n-nodes-base.slack']],
  ])('%s', (request, trigger, types) => {
    const generation = generateOffline(request, index, examples);
    expect(generation.valid).toBe(true);
    const nodeTypes = generation.workflow.nodes.map((n) => n.type);
    expect(nodeTypes.filter((t) => catalog.get(t)?.entry.trigger)).toEqual([trigger]);
    expect(nodeTypes).toEqual(expect.arrayContaining(types));
    // No action on a service the request did not name.
    const services = new Set(named(request));
    expect(nodeTypes.filter((t) => index.services.serviceOf(t) && !services.has(index.services.serviceOf(t)!))).toEqual([]);
    expectWired(generation.workflow);
  });

  it('puts a named service things come from right after the start, and one they go to at the end', () => {
    const generation = generateOffline('Send a daily digest of new Hacker News posts to my email', index, examples);
    const edges = edgesOf(generation.workflow.nodes.map((n) => n.name), generation.workflow.connections);
    const typeOf = new Map(generation.workflow.nodes.map((n) => [n.name, n.type]));
    const start = generation.workflow.nodes.find((n) => catalog.get(n.type)?.entry.trigger)!;
    expect(start.type).toBe('n8n-nodes-base.scheduleTrigger');
    expect(edges.filter((e) => e.from === start.name).map((e) => typeOf.get(e.to))).toEqual(['n8n-nodes-base.hackerNews']);
    const gmail = generation.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.gmail')!;
    expect(edges.filter((e) => e.from === gmail.name && e.type === 'main')).toEqual([]);
    expect([...connectedTo([start.name], edges)]).toContain(gmail.name);
  });

  it('thinks with no model when the request asks for none and says how it starts and which services it uses', () => {
    for (const request of ['Save new Typeform responses to Google Sheets', 'Post new RSS feed items to Discord']) {
      const generation = generateOffline(request, index, examples);
      expect(generation.valid).toBe(true);
      expect(generation.workflow.nodes.filter((n) => ['model', 'embeddings'].includes(roleOf(n.type, catalog)) || n.type === '@n8n/n8n-nodes-langchain.agent')).toEqual([]);
    }
  });

  it('reads from the service things come from, even when the training pairs only ever write to it', () => {
    const generation = generateOffline('Upload new Dropbox files to Google Drive', index, examples);
    const edges = edgesOf(generation.workflow.nodes.map((n) => n.name), generation.workflow.connections);
    const dropbox = generation.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.dropbox')!;
    const drive = generation.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.googleDrive')!;
    expect(['list', 'download', 'search']).toContain(dropbox.parameters?.operation);
    expect(downstream(dropbox.name, edges)).toContain(drive.name);
    expect(downstream(drive.name, edges)).not.toContain(dropbox.name);
  });

  /** The types along the main chain from the trigger, in order (a single chain). */
  const chainOf = (workflow: CompactWorkflow): string[] => {
    const edges = edgesOf(workflow.nodes.map((n) => n.name), workflow.connections).filter((e) => e.type === 'main');
    const typeOf = new Map(workflow.nodes.map((n) => [n.name, n.type]));
    let at = workflow.nodes.find((n) => catalog.get(n.type)?.entry.trigger)?.name;
    const chain: string[] = [];
    while (at !== undefined && !chain.includes(typeOf.get(at)!)) {
      chain.push(typeOf.get(at)!);
      at = edges.find((e) => e.from === at)?.to;
    }
    return chain;
  };

  it('composes when the pick’s glue worked on a service nobody asked for (listening to the asked event), and reads first what is summarised', () => {
    const shopify = generateOffline('Add new Shopify customers to Mailchimp', index, examples);
    expect(shopify.valid).toBe(true);
    expect(chainOf(shopify.workflow)).toEqual(['n8n-nodes-base.shopifyTrigger', 'n8n-nodes-base.mailchimp']);
    expect(shopify.workflow.nodes[0].parameters?.topic).toBe('customers/create');
    const calendar = composeWorkflow(readIntent('Every Friday email me a summary of my Google Calendar events for next week', index), index);
    expect(validateWorkflow(hydrateWorkflow(calendar.workflow, { catalog }), { catalog }).valid).toBe(true);
    expect(chainOf(calendar.workflow)).toEqual(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.googleCalendar', '@n8n/n8n-nodes-langchain.chainLlm', 'n8n-nodes-base.gmail']);
    expect(calendar.workflow.nodes.find((n) => n.type === 'n8n-nodes-base.googleCalendar')?.parameters?.operation).toBe('getAll');
    expect(calendar.workflow.nodes[0].parameters?.rule).toEqual({ interval: [{ field: 'weeks', triggerAtDay: [5], triggerAtHour: 9 }] });
    // The request is the chain's instruction, not another workflow's prompt.
    expect(calendar.workflow.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chainLlm')?.parameters).toEqual({
      promptType: 'define',
      text: '=Every Friday email me a summary of my Google Calendar events for next week\n\n{{ JSON.stringify($json) }}',
    });
  });

  it('looks on a schedule at the service of the when-clause, and a tweet names X', () => {
    const generation = generateOffline('Post a tweet when a new YouTube video is published', index, examples);
    expect(generation.intent.trigger).toMatchObject({ type: 'n8n-nodes-base.scheduleTrigger', polls: 'youtube' });
    expect(chainOf(generation.workflow)).toEqual(['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.youTube', 'n8n-nodes-base.twitter']);
  });

  it('starts on a webhook when the request says webhook, whatever the data is', () => {
    expect(readIntent('Webhook that receives form data and stores it in MySQL', index).trigger?.type).toBe('n8n-nodes-base.webhook');
    expect(readIntent('When someone fills out my website form, add them to Mailchimp', index).trigger?.type).toBe('n8n-nodes-base.formTrigger');
  });

  it('gives a composed agent the services it is asked about as tools, and no kept node a name of a service nobody asked for', () => {
    const request = 'AI agent that answers questions about my Postgres database in chat';
    const composed = composeWorkflow(readIntent(request, index), index).workflow;
    const edges = edgesOf(composed.nodes.map((n) => n.name), composed.connections);
    const tool = composed.nodes.find((n) => n.type === 'n8n-nodes-base.postgresTool')!;
    expect(edges).toContainEqual(expect.objectContaining({ from: tool.name, type: 'ai_tool' }));
    const generation = generateOffline(request, index, examples);
    const services = new Set(readIntent(request, index).services.map((s) => s.key));
    const present = new Set(generation.workflow.nodes.map((n) => index.services.serviceOf(n.type)));
    for (const node of generation.workflow.nodes) {
      expect(servicesNamedIn(node.name, index).filter((key) => !services.has(key) && !present.has(key))).toEqual([]);
    }
  });

  it('answers the README example with what it asks: GitHub issues start it, Slack is told, nothing is left to fill in but the placeholders', () => {
    const generation = generateOffline('Create a workflow that monitors GitHub issues and sends notifications to Slack', index, examples);
    const [trigger, ...rest] = generation.workflow.nodes;
    expect(trigger.type).toBe('n8n-nodes-base.githubTrigger');
    expect(trigger.parameters?.events).toEqual(expect.arrayContaining(['issues']));
    // Not a GitHub file backup with its trigger swapped: no action on GitHub at all.
    expect(rest.map((n) => n.type)).not.toContain('n8n-nodes-base.github');
    const result = validateWorkflow(hydrateWorkflow(generation.workflow, { catalog }), { catalog });
    expect(result.valid).toBe(true);
    expect(result.warnings.filter((w) => w.code === 'MISSING_REQUIRED_PARAMETER')).toEqual([]);
  });
});
