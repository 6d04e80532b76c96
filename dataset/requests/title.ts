/**
 * A template title as a request. Titles are the closest thing in the data to what a user
 * types ("Send Gmail attachments to Google Drive"), once the shop-window dressing is off:
 * emoji, brand tags ("| n8n template"), versions ("v4"), years ("[2025]"), authors, "(Part 3)".
 * Verb-led titles stay as they are; noun phrases get a verb ("AI Email Triage Agent" →
 * "Build an AI email triage agent"). Title Case becomes sentence case for the words that
 * are lowercase in prose; names (Gmail, Google Sheets, GPT-4o) keep their capitals.
 */
import { decodeHtmlEntities } from './entities';
import { baseOfThirdPerson, isBaseVerb } from './verbs';

/** What a title lost, counted by the report under `title:<rule>`. */
export type TitleRule = 'emoji' | 'brandTag' | 'version' | 'year' | 'author' | 'label';

/**
 * Words of titles that prose writes in lowercase: taken from the n8n.io templates (a word
 * capitalised inside titles, written in lowercase at least 1.5 times as often as
 * capitalised mid-sentence in the descriptions), names removed.
 */
const COMMON_WORDS = new Set(
  `
access accounts action activity ad affiliate agents alert alerts analysis analytics analyze animated answers
appointment approval approvals apps archive articles attachments audio audit authentication auto automate
automation autopilot avatar avatars backend backup backups base best binary blog blogs book booking bookings
bot brand brief briefing browser build bulk business call calls campaign campaigns candidate captions capture
cards carousel categories categorization certificate change changes channel chat chatbot check chunking
cinematic classification clean cleanup client codes cold commands comment comments company competitor
complete compliance comprehensive connection contact contacts content context control conversational
conversations convert converter copy cover create creation creator credential crypto cryptocurrency custom
customer customers daily dashboard data database deal delete deliver delivery demo description descriptions
design details detection digest digests digital discovery distribution document documentation documents
domain domains draft drafts dual dynamic easy economic editing effects email emails embeddings employee
engagement engine enhanced enrich enrichment error estate evaluation event events exchange expense expenses
export extract extraction feed feedback feeds file files filtering finance financial find flow folder follow
food forecasts form formatting forms free funding game generate generated generation get group groups hands
headlines health high human ideal ideas image images inbox indicators info information input insights
intelligence interactive interface interview inventory invoice invoices issues job jobs keys keyword keywords
knowledge labeling labels language latest lead leads learn legal letters listing listings lists local log
logging lookup loop manage management market marketing matching media meeting memory mentions message
messages messaging metadata metric migration mini minutes model models monitor monitoring multi multilingual
multiple music natural new news newsletter newsletters node nodes notes notification notifications notify
onboarding online optimization optimize order orders organization organize output outreach page pages parsing
part payment performance person personal personalized phone photo photos pipeline platforms podcast podcasts
post posting posts price prices process processing product products professional profile profiles project
promo prompt prompts proposal proposals prospect prospects public publish publishing qualification query
question questions ranking rankings rate readability real receipt recommendation recommendations records
recovery relevance reminder reminders replies reply report reporting reports request requests research
responder response responses restaurant results resume resumes review reviews risk route routing run sales
save schedule scheduled scheduling score scoring scrape scraping screening screenshots scripts search secure
security seller send sentiment server service services share simulation smart social sound sources specific
startup stats status stock storage store stores strategy structure structured submissions suite summaries
summarization summarize summary support sync system table tables tags tailored task tasks team teams tech
technical technology template templates test text ticket tickets time tools top topics track tracking trading
transcription transcripts translation trend trends triage tutorial update updates upload uploads uptime usage
user validation vector vendor verification version video videos viral virtual visual voice weather web
webhook webhooks website websites weekly welcome workflow workflows workspace
a an and as at by for into of or the to via with using from in on your my new daily weekly agent assistant tool
generator tracker analyzer analyser manager scraper summarizer finder extractor bot chatbot
`
    .trim()
    .split(/\s+/),
);

/** Words after which a capitalised word is part of a name ("Google Docs", "Microsoft Teams", "Bright Data"). */
const NAME_PREFIXES = new Set(['google', 'microsoft', 'ms', 'amazon', 'aws', 'azure', 'apple', 'meta', 'bright', 'home', 'hacker', 'product', 'hugging', 'mailer', 'active', 'zoho', 'open', 'help', 'customer']);

const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u{FE0F}\u{FE0E}\u{200D}\u{20E3}]/gu;

/** [rule, pattern, replacement] in order; each match is one thing the title lost. */
const TITLE_RULES: Array<[TitleRule, RegExp, string]> = [
  ['emoji', EMOJI, ' '],
  ['year', /\s*[([]\s*(?:updated?\s+)?(?:19|20)\d{2}\s*[)\]]/gi, ''],
  ['year', /\s+(?:in\s+|for\s+)?(?:19|20)\d{2}\s*$/g, ''],
  ['version', /\s*[([]\s*v(?:ersion)?\s?\d+(?:\.\d+)*\s*[)\]]/gi, ''],
  ['version', /\s+v\d+(?:\.\d+)*(?=\s*(?:[-–—:|]|$))/gi, ''],
  ['brandTag', /\s*[([]\s*n8n(?:\.io)?(?:\s+(?:template|workflow))?\s*[)\]]/gi, ''],
  ['brandTag', /\s*[|–—-]\s*(?:an?\s+)?(?:n8n(?:\.io)?\s*)?(?:free\s+)?(?:template|workflow template|automation template)s?\s*$/gi, ''],
  ['brandTag', /\s*[|–—-]\s*n8n(?:\.io)?(?:\s+(?:template|workflow|automation))?\s*$/gi, ''],
  ['brandTag', /\s+(?:in|with|using|on|via|&|and|\+)\s+n8n(?:\.io)?\s*$/gi, ''],
  ['brandTag', /^\s*n8n(?:\.io)?\s*[:|–—-]\s*/gi, ''],
  ['author', /\s*\(\s*by\s+[^)]+\)/gi, ''],
  ['author', /\s*[|–—-]\s*(?:made |created |built )?by\s+.+$/gi, ''],
  ['author', /\s+by\s+@[\w.-]+/gi, ''],
  ['author', /\s+by\s+[A-Z][a-z]+\s+[A-Z][a-z]+\s*\([\w.@-]+\)\s*$/g, ''],
  // "Automate email filtering. 100% free & effective, works 7/24": the ask ends at the first sentence.
  ['label', /(?<=\p{Ll}{2}|\))[.!]\s+\S.*$/gu, ''],
  [
    'label',
    /\s*[([]\s*[^()[\]]*?\b(?:production[- ]ready|part \d+\w*|workaround|needed|required|template|free|no[- ]code|low[- ]code|beta|new|demo|step[- ]by[- ]step(?: video)?|tutorial|video|wip|copy)\b[^()[\]]*?[)\]]/gi,
    '',
  ],
];

/** "Airtop Tool MCP Server all 20 operations" (the emoji between them gone) → "… with all 20 operations". */
const OPERATIONS_TAIL = /\s+(all\s+)?(\d+)\s+operations\s*$/i;

/** Separators between a title's parts: "Promo Seeker: Auto-find promo codes…", "Content Farming - Blog automation…". */
const SEGMENT = /\s+[|–—]\s+|\s+-\s+|:\s+/;

export interface CleanTitle {
  text: string;
  rules: TitleRule[];
}

export function cleanTitle(name: string): CleanTitle {
  const rules: TitleRule[] = [];
  let text = decodeHtmlEntities(decodeHtmlEntities(name)).replace(/[\u00a0\s]+/g, ' ');
  for (const [rule, pattern, replacement] of TITLE_RULES) {
    text = text.replace(pattern, () => {
      if (!rules.includes(rule)) rules.push(rule);
      return replacement;
    });
  }
  text = text
    .replace(OPERATIONS_TAIL, (_, all: string | undefined, n: string) => ` with ${all ? 'all ' : ''}${n} operations`)
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?)])/g, '$1')
    .replace(/\(\s+/g, '(')
    .replace(/^[\s\-–—:|,.+&]+|[\s\-–—:|,+&]+$/g, '')
    .trim();
  return { text, rules };
}

const AUXILIARY = /^(is|are|was|were|will|can|could|should|would|has|have|had|does|do|gets?|becomes?|'s|’s)$/i;

/** "Creating" → "create", "Running" → "run", "Building" → "build" (when the base is a listed verb). */
function baseOfGerund(word: string): string | undefined {
  const m = /^(\w+?)ing$/i.exec(word);
  if (!m) return undefined;
  const stem = m[1].toLowerCase();
  for (const base of [stem, `${stem}e`, stem.replace(/(.)\1$/, '$1')]) if (isBaseVerb(base)) return base;
  return undefined;
}

/** The verb a title opens with, in its base form ("Send", "Auto-generate", "Monitors" → "monitor"). */
function leadingVerb(words: string[]): string | undefined {
  // "Automatically Send…", "Bulk Delete…": the verb after the adverb leads.
  if (words.length > 1 && /^(automatically|instantly|easily|quickly|smartly|bulk|auto)$/i.test(words[0]) && isBaseVerb(words[1])) return words[0];
  const [first, second] = words;
  if (/^back$/i.test(first ?? '') && /^up$/i.test(second ?? '')) return 'backup';
  if (!first || (second !== undefined && AUXILIARY.test(second))) return undefined;
  if (isBaseVerb(first)) return first;
  return baseOfThirdPerson(first) ?? baseOfGerund(first);
}

const isVerbLed = (segment: string) => leadingVerb(segment.split(' ')) !== undefined || /^(automated|automatic|auto)\s/i.test(segment);

/** a or an, by how the word is said: "an AI agent", "an SEO audit", "a RAG chatbot", "a unified inbox". */
export function article(word: string): 'a' | 'an' {
  if (/^[A-Z0-9]{2,}\b/.test(word) || /^[A-Z][A-Z0-9]/.test(word)) {
    if (/^(RAG|NASA|SaaS|JSON|GIF|JIRA|UTM|URL|UI|UX|USB|YAML|CRUD)\b/.test(word)) return 'a';
    return /^[AEFHILMNORSX8]/.test(word) ? 'an' : 'a';
  }
  const lower = word.toLowerCase();
  if (/^(uni|use|usa|user|utili|euro|one\b|once)/.test(lower)) return 'a';
  if (/^(hour|honest|honou?r)/.test(lower)) return 'an';
  return /^[aeiou8]/.test(lower) ? 'an' : 'a';
}

/**
 * How a text writes its words mid-sentence: lowercase word → true when written in lowercase
 * at least as often as capitalised ("firmographic data" vs "Explorium"). A template's own
 * description tells which title words are names.
 */
export function proseCasing(text: string | undefined): Map<string, boolean> {
  const counts = new Map<string, number>();
  if (text) {
    for (const m of text.slice(0, MAX_CASING_READ).matchAll(/(?<=[\p{Ll},;] )([\p{L}][\p{Ll}'’]+)(?![\p{L}\p{N}-])/gu)) {
      const word = m[1];
      const lower = word.toLowerCase();
      counts.set(lower, (counts.get(lower) ?? 0) + (word === lower ? 1 : -1));
    }
  }
  return new Map([...counts].map(([word, n]): [string, boolean] => [word, n >= 0]));
}

/** Casing is read from the start of a description: as much as the sentence rules read, and then some. */
const MAX_CASING_READ = 16_000;

/** Title Case → sentence case for prose words; names and acronyms keep their capitals; the first word stays as is. */
export function sentenceCase(text: string, casing: Map<string, boolean> = new Map()): string {
  let previous = '';
  let first = true;
  return text.replace(/[\p{L}\p{N}][\p{L}\p{N}'’.]*/gu, (word) => {
    const prev = previous;
    previous = word.toLowerCase();
    if (first) {
      first = false;
      return word;
    }
    if (!/^\p{Lu}[\p{Ll}'’]+$/u.test(word) || NAME_PREFIXES.has(prev)) return word;
    const lower = word.toLowerCase();
    if (isBaseVerb(lower) || baseOfThirdPerson(lower) !== undefined || /\p{Ll}ly$/u.test(lower)) return lower;
    return casing.get(lower) ?? COMMON_WORDS.has(lower) ? lower : word;
  });
}

const NOUN_STOP = /^(with|using|via|for|to|from|in|on|\+|into|by|of|across|powered|through|that|which|–|—|-)$/i;
/** Heads that name an activity or a mass: "Set up lead generation…", not "Build a lead generation". */
const ACTIVITY_HEAD = /(tion|sion|ing|ment|sis|very|ysis|ance|ence|ics|ity|ness|sync|backup|support|research|automation|intelligence|outreach|analytics|data|content|feedback|marketing|insight)$/i;

/** A noun-phrase title made an ask: "AI Email Triage Agent" → "Build an AI email triage agent". */
/** The head noun of a noun phrase: its last word before "with", "for", "(", … */
function nounHead(phrase: string): string {
  const words = phrase.split(' ');
  const stop = words.findIndex((w, i) => i > 0 && (NOUN_STOP.test(w) || w.startsWith('(')));
  return (stop > 0 ? words[stop - 1] : words.at(-1)!).replace(/[^\p{L}\p{N}-]/gu, '');
}

function askForNounPhrase(phrase: string, casing: Map<string, boolean>): string {
  const head = nounHead(phrase);
  const body = sentenceCase(`x ${phrase}`, casing).slice(2);
  const opening = body.split(' ')[0];
  const lowered = /^\p{Lu}[\p{Ll}'’]+$/u.test(opening) && (casing.get(opening.toLowerCase()) ?? (COMMON_WORDS.has(opening.toLowerCase()) || /^(smart|simple|personal|intelligent)$/i.test(opening)))
    ? `${opening.toLowerCase()}${body.slice(opening.length)}`
    : body;
  if (ACTIVITY_HEAD.test(head) && !/automation$/i.test(head)) return `Automate ${lowered}`;
  if (/[^s]s$/i.test(head) && !/^[A-Z0-9]+s$/.test(head) && !/(ss|us|is|os)$/i.test(head)) return `Create ${lowered}`;
  return `Build ${article(lowered)} ${lowered}`;
}

/**
 * The request a title makes, or undefined when nothing of it is left. `casing` is the description's
 * (`proseCasing`), read once per workflow by the caller; without it, only common words go lower-case.
 */
export function titleRequest(name: string | undefined, casing: Map<string, boolean> = new Map()): CleanTitle | undefined {
  if (name === undefined) return undefined;
  const { text, rules } = cleanTitle(name);
  // Nothing left, a default name, or no title at all ("The title is very good, clearly conveying the template's purpose").
  if (!/\p{L}{2,}/u.test(text) || /^(untitled|my)?\s*workflow(\s*\d+)?$/i.test(text) || /\bthe title\b|\btemplate(?:'|’)s purpose\b/i.test(text)) return undefined;
  let title = text;
  const segments = text.split(SEGMENT);
  if (segments.length > 1 && !isVerbLed(segments[0])) {
    // "Promo Seeker: Auto-find promo codes…": the verb-led part is the ask, the name before it is a label.
    const verbLed = segments.find((s, i) => i > 0 && isVerbLed(s));
    const rest = segments.slice(1).join(' – ');
    if (verbLed) {
      title = verbLed;
      rules.push('label');
    } else if (segments[0].split(' ').length <= 3 && rest.length >= segments[0].length) {
      // "Content Farming - Blog automation for WordPress…": a short name, then what it is.
      title = rest;
      rules.push('label');
    }
  }
  title = title.replace(/^how to\s+/i, '');
  const words = title.split(' ');
  const automated = /^(automated|automatic|auto)\s+(.+)$/i.exec(title);
  let ask: string;
  // "Automated Event Discovery" asks to automate an activity; "Automated Testimonial Extractor Agent" is a thing to build.
  const automatedHead = automated ? nounHead(automated[2]) : '';
  if (automated && !isBaseVerb(words[1] ?? '') && ACTIVITY_HEAD.test(automatedHead) && !/automation$/i.test(automatedHead)) ask = `Automate ${sentenceCase(`x ${automated[2]}`, casing).slice(2)}`;
  else {
    const verb = leadingVerb(words);
    if (verb !== undefined) {
      const opening = verb.toLowerCase() === 'backup' ? 'Back up' : `${verb[0].toUpperCase()}${verb.slice(1).toLowerCase()}`;
      const skipped = verb === 'backup' && /^back$/i.test(words[0]) ? `${words[0]} ${words[1]}`.length : words[0].length;
      // "Automatically Send" keeps its adverb; sentenceCase then lowercases the verb after it.
      ask = `${opening}${sentenceCase(title, casing).slice(skipped)}`;
    } else ask = askForNounPhrase(title, casing);
  }
  return { text: ask.replace(/\s+/g, ' ').trim(), rules };
}


