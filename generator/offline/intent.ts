/**
 * What a request asks for, read without a language model: the services it names (catalog
 * phrases the training pairs confirm, plus words the training pairs tie to a service), the
 * trigger it wants ("every morning" → Schedule Trigger, "when a new row is added to Google
 * Sheets" → Google Sheets Trigger, "Telegram chatbot" → Telegram Trigger, …) and its AI
 * pattern (agent with model, memory and tools; RAG with a vector store and embeddings).
 */
import type { OfflineIndex } from './learn';
import { allWords, contentWords, phrasesOf } from './words';

export interface WantedService {
  key: string;
  label: string;
  /** 1 when named; the training association's strength when only implied by a word. */
  weight: number;
  /** Named in the request (a catalog phrase), not only implied by a word. */
  named: boolean;
  /** Word position of its first mention. */
  at: number;
}

export interface WantedTrigger {
  type: string;
  /** What in the request asked for it. */
  reason: string;
  /** The service whose new items a schedule looks for ("new Dropbox files": Dropbox has no trigger). */
  polls?: string;
}

export interface Intent {
  request: string;
  /** In order of first mention. */
  services: WantedService[];
  trigger?: WantedTrigger;
  ai: { llm: boolean; agent: boolean; memory: boolean; rag: boolean };
  /** Node types the request's words go with in the training pairs, with strength (glue included). */
  types: Map<string, number>;
}

/** Words users say instead of a service's name: a model for its provider, a tweet for X (Twitter). */
const SERVICE_WORDS: Record<string, string> = {
  chatgpt: 'openai',
  gpt: 'openai',
  gpt4: 'openai',
  gpt4o: 'openai',
  dalle: 'openai',
  whisper: 'openai',
  claude: 'anthropic',
  gemini: 'googlegemini',
  tweet: 'twitter',
  tweets: 'twitter',
  retweet: 'twitter',
};

/** A word implies a service (not named) from this association strength on. */
const IMPLIED_SERVICE = 0.6;

export const TRIGGER = {
  schedule: 'n8n-nodes-base.scheduleTrigger',
  webhook: 'n8n-nodes-base.webhook',
  form: 'n8n-nodes-base.formTrigger',
  chat: '@n8n/n8n-nodes-langchain.chatTrigger',
  manual: 'n8n-nodes-base.manualTrigger',
  imap: 'n8n-nodes-base.emailReadImap',
  mcp: '@n8n/n8n-nodes-langchain.mcpTrigger',
  feed: 'n8n-nodes-base.rssFeedReadTrigger',
} as const;

const SCHEDULE =
  /\b(every|each)\s+(\d+\s*)?(day|morning|evening|night|hour|minute|min|week|month|year|weekday|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b|\b(daily|weekly|hourly|monthly|nightly|weekdays)\b|\bon a schedule\b|\bschedul(e|ed|es)\b|\bcron\b|\bperiodic(ally)?\b|\bat \d{1,2}(:\d\d)?\s*(am|pm)\b|\bevery\s+\d+/i;
const WEBHOOK = /\bwebhooks?\b|\bapi endpoint\b|\bhttp (post|endpoint)\b|\bincoming (http )?requests?\b/i;
const FORM = /\bforms?\b/i;
const CHAT = /\bchat\s?bots?\b|\bchat\b|\bconversational\b|\bbots?\b|\bchatting\b/i;
const EMAIL_IN =
  /\b(receive[sd]?|new|incoming|inbound|unread|arriving|get)\s+(an?\s+)?e-?mails?\b|\be-?mails?\s+(arrive|arrives|received|comes? in)\b|\binbox\b|\bwhen (i|we|you) (get|receive) (an? )?e-?mail\b/i;
const EVENT = /\b(when(ever)?|new|monitor(s|ing)?|watch(es|ing)?|each time|every time|incoming|receives?|received|submitted|submissions?|added|created|updated|changed|uploaded|arrives?|listens?|responses?|replies)\b/i;
const MCP = /\bmcp\b/i;
/** New items of a feed ("new RSS feed items", "when my blog's feed has a new post"): the RSS Feed Trigger polls it. */
const FEED_IN = /\b(new|latest|incoming|each|every)\s+(\w+\s+){0,2}(rss|atom)\b|\b(rss|atom)(\s+feed)?\s+(items?|posts?|entries|articles?)\b.*\b(to|into|on|in)\b|\bfeeds?\s+(has|gets|publishes)\s+(a\s+)?new\b/i;
const EMAIL = /\be-?mails?\b|\binbox\b|\bnewsletters?\b/i;
/** Services that send or receive email. */
const EMAIL_SERVICES = ['gmail', 'microsoftoutlook', 'emailsend', 'emailreadimap'];
/** MCP used as a client ("insights … using GPT-4 and Nansen MCP"): tools an agent calls, not a server the workflow is. */
const MCP_CLIENT = /\b(using|with|via|through|and|from)\s+([\w.-]+\s+)?mcp\b(?!\s*(server|trigger))/i;
const MANUAL = /\bmanual(ly)?\b|\bon demand\b|\bclick(ing)?\b/i;

const AGENT = /\bagents?\b|\bassistants?\b|\bchat\s?bots?\b|\bbots?\b|\btools?\b|\bmcp\b/i;
const LLM = /\bai\b|\bllms?\b|\bgpt|\bopen\s?ai\b|\bclaude\b|\bgemini\b|\banthropic\b|\bsummar|\bclassif|\banswer|\brepl(y|ies)|\bgenerat|\btranslat|\bwrite\b|\bdraft|\banaly[sz]/i;
const MEMORY = /\bmemory\b|\bremember|\bconversation|\bcontext\b|\bchat\s?bots?\b/i;
const RAG = /\brag\b|\bretrieval\b|\bknowledge\s?base\b|\bvector\b|\bembeddings?\b|\bsemantic search\b|\b(chat|talk|questions?|ask)\b.*\b(documents?|docs|pdfs?|files)\b|\b(documents?|docs|pdfs?)\b.*\b(chat|questions?|ask)\b/i;

/** Messaging apps whose chats start on their own trigger (a bot there listens on it). */
const MESSAGING_APPS = ['telegram', 'whatsapp', 'slack', 'discord', 'line', 'mattermost', 'twilio'];
/** Apps whose messages reach n8n only through a webhook (Meta's Messenger platform): a bot there starts on one. */
const WEBHOOK_MESSAGING_APPS = ['facebook', 'facebookgraphapi', 'instagram'];

/** Words of an event on a service, when they stand next to it. */
const SERVICE_EVENT = /^(new|monitor(s|ing)?|watch(es|ing)?|incoming|receives?|received|submitted|submissions?|added|created|updated|changed|uploaded|arrives?)$/;
/** Words that put another thing between an event and a service ("contacts from uploaded files"). */
const APART = new Set(['from', 'to', 'with', 'and', 'for', 'via', 'using']);

/** An event word at most three words before the service's first word, or after it, with nothing setting them apart. */
function eventNear(words: readonly string[], at: number): boolean {
  for (let d = 1; d <= 3; d++) {
    const before = words.slice(at - d, at);
    if (at - d >= 0 && SERVICE_EVENT.test(words[at - d]) && !before.slice(1).some((w) => APART.has(w))) return true;
    const after = words.slice(at + 1, at + d + 1);
    if (at + d < words.length && SERVICE_EVENT.test(words[at + d]) && !after.some((w) => APART.has(w))) return true;
  }
  return false;
}

const usage = (key: string, index: OfflineIndex): number => (index.services.services.get(key)?.types ?? []).reduce((n, t) => n + (index.typeCounts.get(t) ?? 0), 0);

/** Services named in the words: the longest phrase wins where phrases overlap. */
function namedServices(words: string[], index: OfflineIndex): WantedService[] {
  const taken = new Array<boolean>(words.length).fill(false);
  const found = new Map<string, WantedService>();
  const matches = phrasesOf(words)
    .map((p) => ({ ...p, keys: index.phrases.get(p.key) ?? (p.length === 1 && SERVICE_WORDS[p.key] ? [SERVICE_WORDS[p.key]] : []) }))
    .filter((p) => p.keys.length > 0)
    .sort((a, b) => b.length - a.length || a.at - b.at);
  for (const m of matches) {
    if (taken.slice(m.at, m.at + m.length).some(Boolean)) continue;
    for (let i = m.at; i < m.at + m.length; i++) taken[i] = true;
    // A phrase several services answer to ("openai": OpenAI and Azure OpenAI) names the one it spells, else the most used.
    const key = [...m.keys].sort((a, b) => Number(b === m.key) - Number(a === m.key) || usage(b, index) - usage(a, index) || (a < b ? -1 : 1))[0];
    const service = index.services.services.get(key);
    if (service && !found.has(key)) found.set(key, { key, label: service.label, weight: 1, named: true, at: m.at });
  }
  return [...found.values()];
}

/** The keys of the services a text names ("QuickBooks AI Agent Orchestrator" → quickbooks). */
export const servicesNamedIn = (text: string, index: OfflineIndex): string[] => namedServices(allWords(text), index).map((s) => s.key);

/** The trigger type of a service most used in the training pairs (Gmail → Gmail Trigger). */
export function triggerTypeOf(service: string, index: OfflineIndex): string | undefined {
  const types = index.services.services.get(service)?.types.filter((t) => index.catalog.get(t)?.entry.trigger) ?? [];
  return types.sort((a, b) => (index.typeCounts.get(b) ?? 0) - (index.typeCounts.get(a) ?? 0) || (a < b ? -1 : 1))[0];
}

/** Named before the request's "to", with a named service after it ("Gmail attachments to Google Drive"): where things come from. */
export function namedBeforeTo(service: { at: number }, words: readonly string[], services: readonly WantedService[]): boolean {
  const to = words.indexOf('to');
  return to > 0 && service.at < to && services.some((s) => s.named && s.at > to);
}

/** Where the request's when-clause starts (-1 when it has none). */
const whenAt = (words: readonly string[]): number => words.findIndex((w) => w === 'when' || w === 'whenever' || w === 'once' || w === 'after');

function wantedTrigger(request: string, words: string[], services: WantedService[], index: OfflineIndex): WantedTrigger | undefined {
  const named = services.filter((s) => s.named);
  const withTrigger = named.map((s) => ({ service: s, type: triggerTypeOf(s.key, index) })).filter((x): x is { service: WantedService; type: string } => x.type !== undefined);
  const mcp = MCP.exec(request);
  if (mcp && !MCP_CLIENT.test(request)) return { type: TRIGGER.mcp, reason: `"${mcp[0]}" (a server of tools)` };
  const schedule = SCHEDULE.exec(request);
  if (schedule) return { type: TRIGGER.schedule, reason: `"${schedule[0]}"` };
  const chat = CHAT.exec(request);
  if (chat) {
    // A chatbot on a messaging app listens on that app (its trigger, not a type like Redis Chat Memory, says so).
    const app = withTrigger.find((x) => /message|chat|bot/i.test(x.type) || MESSAGING_APPS.includes(x.service.key));
    if (app) return { type: app.type, reason: `"${chat[0]}" on ${app.service.label}` };
    const hooked = named.find((s) => WEBHOOK_MESSAGING_APPS.includes(s.key));
    if (hooked) return { type: TRIGGER.webhook, reason: `"${chat[0]}" on ${hooked.label} (its messages arrive through a webhook)` };
    return { type: TRIGGER.chat, reason: `"${chat[0]}"` };
  }
  // "A webhook that receives form data" is a webhook.
  const webhook = WEBHOOK.exec(request);
  if (webhook) return { type: TRIGGER.webhook, reason: `"${webhook[0]}"` };
  const form = FORM.exec(request);
  if (form) {
    const app = withTrigger.find((x) => /form/.test(x.service.key));
    return app ? { type: app.type, reason: `${app.service.label} form` } : { type: TRIGGER.form, reason: `"${form[0]}"` };
  }
  const email = EMAIL_IN.exec(request);
  if (email) {
    const app = withTrigger.find((x) => /gmail|outlook|imap|email/.test(x.service.key));
    if (app) return { type: app.type, reason: `"${email[0]}" in ${app.service.label}` };
    const gmail = triggerTypeOf('gmail', index);
    return gmail ? { type: gmail, reason: `"${email[0]}"` } : { type: TRIGGER.imap, reason: `"${email[0]}"` };
  }
  const feed = FEED_IN.exec(request);
  if (feed && index.catalog.has(TRIGGER.feed)) return { type: TRIGGER.feed, reason: `"${feed[0]}"` };
  const event = EVENT.exec(request);
  const when = whenAt(words);
  if (event && withTrigger.length > 0) {
    // "…, when a new row is added to Google Sheets": the service of the when-clause starts it.
    const inClause = when >= 0 ? withTrigger.filter((x) => x.service.at > when) : [];
    // Else the event must be the service's own: "new WooCommerce orders", "monitors GitHub issues", "Notion page updated"
    // ("Store Responses in Google Sheets", "Monitor prices with … and Google Sheets" start some other way).
    const near = withTrigger.filter((x) => eventNear(words, x.service.at));
    const pick = (inClause.length > 0 ? inClause : near).sort((a, b) => a.service.at - b.service.at)[0];
    if (pick) return { type: pick.type, reason: `"${event[0]}" in ${pick.service.label}` };
  }
  // "New Dropbox files": an event on a service with no trigger node is found by looking on a schedule.
  // (the one in the when-clause first: "Post a tweet when a new YouTube video is published" looks at YouTube)
  const polled = event
    ? named.filter((s) => triggerTypeOf(s.key, index) === undefined && eventNear(words, s.at)).sort((a, b) => Number(when >= 0 && b.at > when) - Number(when >= 0 && a.at > when))[0]
    : undefined;
  if (event && polled) return { type: TRIGGER.schedule, reason: `"${event[0]}" in ${polled.label}, which has no trigger: checked on a schedule`, polls: polled.key };
  // "Gmail attachments to Google Drive": the service things come from starts the workflow.
  const source = withTrigger.filter((x) => namedBeforeTo(x.service, words, services)).sort((a, b) => a.service.at - b.service.at)[0];
  if (source) return { type: source.type, reason: `from ${source.service.label} to ${named.find((s) => s.at > words.indexOf('to'))!.label}` };
  const manual = MANUAL.exec(request);
  if (manual) return { type: TRIGGER.manual, reason: `"${manual[0]}"` };
  return undefined;
}

export function readIntent(request: string, index: OfflineIndex): Intent {
  const words = allWords(request);
  const services = namedServices(words, index);
  const types = new Map<string, number>();
  const content = contentWords(request);
  content.forEach((word) => {
    for (const { type, p } of index.associations.get(word) ?? []) types.set(type, Math.max(types.get(type) ?? 0, p));
  });
  // Words the training pairs tie to a service imply it ("spreadsheet" → Google Sheets).
  const implied = new Map<string, number>();
  for (const [type, p] of types) {
    const key = index.services.serviceOf(type);
    if (!key || p < IMPLIED_SERVICE || services.some((s) => s.key === key)) continue;
    implied.set(key, Math.max(implied.get(key) ?? 0, p));
  }
  // "… to my email": email names the email service the training pairs use most, unless one is named.
  const email = EMAIL.exec(request);
  const emailServices = EMAIL_SERVICES.filter((key) => index.services.services.has(key));
  if (email && !services.some((s) => emailServices.includes(s.key))) {
    const key = [...emailServices].sort((a, b) => usage(b, index) - usage(a, index) || (a < b ? -1 : 1))[0];
    const at = words.findIndex((w) => EMAIL.test(w));
    if (key) services.push({ key, label: index.services.services.get(key)!.label, weight: 1, named: true, at: at < 0 ? words.length : at });
    implied.delete(key);
  }
  for (const [key, p] of implied) {
    const service = index.services.services.get(key)!;
    const at = words.findIndex((w) => (index.associations.get(w) ?? []).some((a) => index.services.serviceOf(a.type) === key));
    services.push({ key, label: service.label, weight: p, named: false, at: at < 0 ? words.length : at });
  }
  services.sort((a, b) => a.at - b.at);
  const trigger = wantedTrigger(request, words, services, index);
  const rag = RAG.test(request);
  const agent = AGENT.test(request) || rag;
  const llm = agent || LLM.test(request) || services.some((s) => s.named && index.services.services.get(s.key)?.types.some((t) => /lmChat/.test(t)));
  return { request, services, ...(trigger ? { trigger } : {}), ai: { llm, agent, memory: MEMORY.test(request) && agent, rag }, types };
}
