/**
 * What the catalog says about services: which node types act on an outside app or
 * service (Slack, GitHub, OpenAI…), which service a type belongs to, the role a type
 * plays in a workflow, and the words that name a service. Pure, computed once per catalog.
 */
import type { NodeCatalog } from '../../schemas/catalog/catalog';

/** Credentials that say how to authenticate, not with whom: nodes holding only these are generic. */
const GENERIC_CREDENTIALS = new Set([
  'httpSslAuth',
  'httpBasicAuth',
  'httpDigestAuth',
  'httpHeaderAuth',
  'httpQueryAuth',
  'httpBearerAuth',
  'httpCustomAuth',
  'httpMultipleHeadersAuth',
  'oAuth1Api',
  'oAuth2Api',
  'jwtAuth',
  'mcpOAuth2Api',
]);

/** Types that carry credentials for an optional feature but are the workflow's glue (the agent's SQL memory options). */
const GLUE_WITH_CREDENTIALS = new Set(['@n8n/n8n-nodes-langchain.agent', '@n8n/n8n-nodes-langchain.agentTool']);

/** Nodes for a public API that needs no key: still an outside service a request names ("Hacker News"). */
const KEYLESS_SERVICES = new Set(['n8n-nodes-base.hackerNews', 'n8n-nodes-base.coinGecko', 'n8n-nodes-base.openThesaurus', 'n8n-nodes-base.quickChart']);

export type NodeRole = 'trigger' | 'model' | 'embeddings' | 'vectorStore' | 'memory' | 'tool' | 'main';

export const shortName = (type: string): string => type.slice(type.lastIndexOf('.') + 1);

/** Lower-cased letters and digits only: "Google Sheets", "googleSheets" and "google-sheets" meet. */
export const squash = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** A phrase key: squashed, a trailing plural "s" dropped ("google sheet" and "Google Sheets" meet). */
export const phraseKey = (text: string): string => {
  const s = squash(text);
  return s.length > 4 && s.endsWith('s') ? s.slice(0, -1) : s;
};

const ROLE_PREFIXES: Array<[RegExp, NodeRole]> = [
  [/^lmChat/, 'model'],
  [/^lm[A-Z]/, 'model'],
  [/^embeddings/, 'embeddings'],
  [/^vectorStore/, 'vectorStore'],
  [/^memory/, 'memory'],
];

/**
 * The service a type acts on, from its name: `slack`, `slackTrigger` and `slackTool` → `slack`;
 * `lmChatOpenAi`, `embeddingsOpenAi` and `openAi` → `openai`; `vectorStoreSupabase` → `supabase`.
 */
export function serviceKeyOf(type: string): string {
  let name = shortName(type)
    .replace(/^(lmChat|lm(?=[A-Z])|embeddings|vectorStore|memory|tool(?=[A-Z]))/, '')
    .replace(/(HitlTool|Tool|Trigger)$/, '')
    .replace(/(Insert|Load)$/, '');
  if (/^memory/.test(shortName(type))) name = name.replace(/Chat$/, '');
  return squash(name);
}

export function roleOf(type: string, catalog: NodeCatalog): NodeRole {
  const info = catalog.get(type);
  if (info?.entry.trigger) return 'trigger';
  const short = shortName(type);
  for (const [pattern, role] of ROLE_PREFIXES) if (pattern.test(short)) return role;
  if (/Tool$/.test(short) || /^tool[A-Z]/.test(short)) return 'tool';
  return 'main';
}

/** Schedule / webhook / form / chat / app: two triggers of one kind start a workflow alike. */
export function triggerFamily(type: string): string {
  if (/scheduleTrigger|\.cron$|\.interval$/.test(type)) return 'schedule';
  if (/\.webhook$/.test(type)) return 'webhook';
  if (/formTrigger$/.test(type)) return 'form';
  if (/chatTrigger$/.test(type)) return 'chat';
  if (/manualTrigger$/.test(type)) return 'manual';
  return type;
}

export interface ServiceInfo {
  key: string;
  /** Display name to name new nodes and explain the intent ("Google Sheets"). */
  label: string;
  types: string[];
  /** Phrase keys (see `phraseKey`) that name it, from display names, type names and credential names. */
  phrases: string[];
}

export interface ServiceCatalog {
  /** Service of a type, undefined for glue (Set, If, Code, HTTP Request, Webhook, AI Agent…). */
  serviceOf(type: string): string | undefined;
  services: Map<string, ServiceInfo>;
}

/** "OpenAI Chat Model" → "OpenAI", "Github Trigger" → "Github", "Email Trigger (IMAP)" → "Email". */
function plainLabel(displayName: string): string {
  return displayName
    .replace(/\(.*?\)/g, ' ')
    .replace(/\b(Trigger|Tool|Chat Model|Chat Memory|Memory|Vector Store|Embeddings|Model|Node|n8n)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** "slackOAuth2Api" → "slack", "googleSheetsTriggerOAuth2Api" → "googleSheets". */
function credentialStem(name: string): string {
  return name.replace(/(Trigger)?(OAuth2|OAuth|Token|Bot|Webhook|Cloud|Self|Hosted|App)*(Api|Auth)?$/g, '').replace(/(OAuth2|OAuth|Trigger)$/, '');
}

const serviceCatalogs = new WeakMap<NodeCatalog, ServiceCatalog>();

export function serviceCatalog(catalog: NodeCatalog): ServiceCatalog {
  const cached = serviceCatalogs.get(catalog);
  if (cached) return cached;
  const byType = new Map<string, string>();
  const services = new Map<string, ServiceInfo>();
  const credentialUsers = new Map<string, Set<string>>();
  const credentialsOf = (type: string): string[] => {
    const info = catalog.get(type);
    const base = info?.entry.toolOf ? catalog.get(info.entry.toolOf) : info;
    return [...new Set((base?.variants ?? []).flatMap((v) => v.credentials))];
  };
  for (const info of catalog.types()) {
    const type = info.entry.type;
    if (GLUE_WITH_CREDENTIALS.has(type) || GLUE_WITH_CREDENTIALS.has(info.entry.toolOf ?? '')) continue;
    const credentials = credentialsOf(type).filter((c) => !GENERIC_CREDENTIALS.has(c));
    if (credentials.length === 0 && !KEYLESS_SERVICES.has(info.entry.toolOf ?? type)) continue;
    const key = serviceKeyOf(type);
    if (key === '') continue;
    byType.set(type, key);
    for (const c of credentials) (credentialUsers.get(c) ?? credentialUsers.set(c, new Set()).get(c)!).add(key);
    const service = services.get(key) ?? services.set(key, { key, label: '', types: [], phrases: [] }).get(key)!;
    service.types.push(type);
    const label = plainLabel(info.entry.displayName);
    // The shortest label of the plain (non-tool, non-trigger) type names the service.
    if (label !== '' && (service.label === '' || (!info.entry.trigger && !info.entry.toolOf && label.length < service.label.length))) service.label = label;
    // "Microsoft Outlook" is also just "Outlook", "Google Calendar" "calendar" (the training pairs prune the misleading ones).
    const unbranded = label.replace(/^(Microsoft|Google|AWS|Amazon|Azure)\s+/, '');
    for (const phrase of [label, unbranded, key]) if (phraseKey(phrase).length >= 3) service.phrases.push(phraseKey(phrase));
  }
  // A credential shared by one service only names it too ("gmailOAuth2" → "gmail").
  for (const [credential, keys] of credentialUsers) {
    if (keys.size !== 1) continue;
    const stem = phraseKey(credentialStem(credential));
    if (stem.length >= 3) services.get([...keys][0])!.phrases.push(stem);
  }
  for (const service of services.values()) {
    service.phrases = [...new Set(service.phrases)];
    service.types.sort();
  }
  const result: ServiceCatalog = { serviceOf: (type) => byType.get(type), services };
  serviceCatalogs.set(catalog, result);
  return result;
}

export interface Operation {
  resource?: string;
  operation: string;
}

/** Every resource / operation pair a type offers at its default version (what an MCP server of it exposes, one tool each). */
export function operationsOf(type: string, catalog: NodeCatalog): Operation[] {
  const info = catalog.get(type);
  const properties = info?.propertiesAt(info.entry.defaultVersion)?.list ?? [];
  const resources = properties.find((p) => p.name === 'resource')?.options?.filter((o): o is string => typeof o === 'string') ?? [];
  const out: Operation[] = [];
  const seen = new Set<string>();
  for (const property of properties) {
    if (property.name !== 'operation') continue;
    const shownFor = property.show?.resource;
    const forResources = Array.isArray(shownFor) ? shownFor.filter((r): r is string => typeof r === 'string') : resources.length > 0 ? resources : [undefined];
    for (const resource of forResources) {
      for (const operation of property.options ?? []) {
        if (typeof operation !== 'string') continue;
        const key = `${resource ?? ''}/${operation}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...(resource !== undefined ? { resource } : {}), operation });
      }
    }
  }
  return out;
}
