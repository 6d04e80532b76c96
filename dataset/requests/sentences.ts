/**
 * A description, sentence by sentence, each with the section it sits in and, when it is not
 * about what the workflow does, the rule that says what it is instead: audience ("Perfect for
 * busy marketers…"), author ("I built this…"), prerequisite ("A Facebook Developer account…"),
 * setup ("Open "Edit Fields" → Replace sheet_id…"), advert ("use code X for 39% off"),
 * version note, a chat assistant's leftovers ("Here is your refined template description…")
 * or a marketing hook ("Tired of…?"). Sections count too: nothing under "Setup",
 * "Requirements" or "Who is this for" becomes a request. Pure functions over text.
 */
import { decodeHtmlEntities } from './entities';

export const STRIP_RULES = ['audience', 'author', 'prerequisite', 'setup', 'advert', 'versionNote', 'assistantLeftover', 'marketing'] as const;
export type StripRule = (typeof STRIP_RULES)[number];

/** Where a sentence sits: before any heading, under a "what it does" heading, under an off-topic one, or under another. */
export type Section = 'intro' | 'does' | 'other' | StripRule;

export interface Sentence {
  text: string;
  section: Section;
  /** Was it a list item (its own line, often without a final period)? */
  listItem: boolean;
}

/** Headings by what follows them (tested on a heading without its emoji, markdown and final colon). */
const HEADINGS: Array<[Section, RegExp]> = [
  ['does', /^(what (this|the|it|our) ?(n8n )?(workflow|template|automation|agent|flow|system|bot)? ?(does|do)|what it does|how (it|this) works|how does (it|this( workflow)?) work|overview|description|summary|purpose|about( this)?( workflow| template)?|introduction|the workflow|workflow (overview|steps|logic|summary|description)|key features|features|main features|core features|what you get|how it works \/ what it does)\b/i],
  ['audience', /^(who('s| is| it's| it’s|’s)? ?(this|it) (is )?for|who (is )?this (workflow |template )?is for|who this (workflow |template )?is for|who should use|for whom|target (audience|users)|ideal (for|users)|perfect for|great for|use cases?|who benefits|who it'?s for|who’s it for)\b/i],
  ['prerequisite', /^(requirements?|prerequisites?|what you('ll| will)? need|you('ll| will) need|before you (start|begin)|dependencies|required (credentials|accounts|services|tools)|credentials( needed| required)?|technical requirements|setup requirements|tools used|nodes used|services used|integrations( used)?|apis used|tech stack|stack|compatibility|n8n instance)\b/i],
  ['setup', /^(set ?up|setup|quick ?setup|how to (set|use|install|configure|customi[sz]e|get started|run|deploy|import)|installation|install|configuration|configure|customi[sz]\w*|getting started|get started|steps|step[- ]by[- ]step|usage|instructions|troubleshooting|common issues|tips|best practices|notes?|important( notes?)?|good to know|next steps|testing|test|deployment|parameters|configuration options|activate|import|required (setup|configuration)|environment variables|example (input|output|request|payload)|expected output|sample output|output|error handling)\b/i],
  ['advert', /^(need help|support|contact|connect with (me|us)|about (me|the author|us|the creator)|join|follow|resources|links?|more templates|other templates|disclaimer|credits|license|watch|video|tutorial|author|created by|made by|questions|feedback|hire|work with me|let'?s connect)\b/i],
  ['versionNote', /^(changelog|change log|what'?s new|updates?|version|release notes|v\d|recent changes)\b/i],
  ['marketing', /^(benefits|key benefits|why (use|this|choose|it matters)|results|impact|value|business value|roi|advantages)\b/i],
];

/** A line that is only a heading: markdown `#`, or short, without a sentence's end, matching a known heading or ending in ":"/"?". */
function headingOf(line: string, markdownHeading: boolean): Section | undefined {
  const label = line.replace(/^[^\p{L}\p{N}]+/u, '').replace(/[\s:?!.]+$/u, '').trim();
  if (label === '') return undefined;
  const known = HEADINGS.find(([, pattern]) => pattern.test(label))?.[0];
  if (known) return label.length <= 70 ? known : undefined;
  if (markdownHeading || (label.length <= 60 && /[:?]\s*$/.test(line))) return 'other';
  return undefined;
}

/** Lines that open with a heading then go on ("Description: This workflow…", "Who is this for? Marketers…"). */
const INLINE_HEADING = /^([^\n:?]{3,45}?)(?::|\?)\s+(\S.*)$/;

/** The description as lines of plain text: code, images, links' targets, tags and emphasis gone. */
// A generator: sentences are read until a workflow's requests are complete, so most of a long description is never cleaned.
export function* plainLines(text: string): Generator<{ line: string; markdownHeading: boolean; listItem: boolean }> {
  const decoded = decodeHtmlEntities(decodeHtmlEntities(text)).replace(/\r\n?/g, '\n').replace(/```[\s\S]*?```/g, '\n');
  for (const raw of decoded.split('\n')) {
    const markdownHeading = /^[ \t]{0,3}#{1,6}\s/.test(raw) || /^\s*(\*\*|__)[^*_]+(\*\*|__)\s*:?\s*$/.test(raw);
    const listItem = /^\s*([-*+•▪►✅✔☑→]|\d+[.)])\s+/u.test(raw);
    const line = raw
      // HTML tags only: redaction placeholders such as <EMAIL_1> are text.
      .replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*(\s[^>]*)?\/?>/g, ' ')
      .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/\(?\s*https?:\/\/\S+/g, '')
      .replace(/\bwww\.\S+/g, '')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/^[ \t]{0,3}#{1,6}[ \t]*/, '')
      .replace(/(\*\*|__)(.*?)\1/g, '$2')
      .replace(/(^|\s)[*_]([^*_\n]+)[*_](?=\s|$|[.,;:!?])/g, '$1$2')
      .replace(/\*{1,3}|\+\+/g, '')
      .replace(/^[ \t]*(>[ \t]?)+/, '')
      .replace(/^[ \t]*([-*+•▪►✅✔☑→]|\d+[.)])[ \t]+/u, '')
      .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{20E3}]/gu, ' ')
      .replace(/[ \t\u00a0]+/g, ' ')
      .trim();
    if (line !== '') yield { line, markdownHeading, listItem };
  }
}

/** Abbreviations after which a period does not end a sentence. */
const ABBREVIATION = /(?:\b(?:e\.g|i\.e|etc|vs|approx|incl|min|max|no|nr|mr|mrs|ms|dr|st|jr|sr|inc|ltd|co|fig|vol|ca|cf|al)|\b[A-Z])\.$/i;

/** One line → sentences (". " followed by a capital, a digit or a quote; not after an abbreviation). */
export function splitSentences(line: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  const boundary = /[.!?]["”’)]?\s+(?=["“(]?[\p{Lu}\p{N}])/gu;
  for (let m = boundary.exec(line); m !== null; m = boundary.exec(line)) {
    const end = m.index + m[0].trimEnd().length;
    if (ABBREVIATION.test(line.slice(start, m.index + 1))) continue;
    sentences.push(line.slice(start, end).trim());
    start = m.index + m[0].length;
  }
  const rest = line.slice(start).trim();
  if (rest !== '') sentences.push(rest);
  return sentences;
}

/** Every sentence of a description, in order, with its section. `limit` bounds the characters read. */
export function* describedSentences(description: string, limit = 8000): Generator<Sentence> {
  let section: Section = 'intro';
  for (const { line, markdownHeading, listItem } of plainLines(description.slice(0, limit))) {
    const heading = listItem ? undefined : headingOf(line, markdownHeading);
    if (heading !== undefined) {
      section = heading;
      continue;
    }
    let content = line;
    const inline = INLINE_HEADING.exec(line);
    const inlineSection = inline ? HEADINGS.find(([, pattern]) => pattern.test(inline[1].replace(/^[^\p{L}\p{N}]+/u, '')))?.[0] : undefined;
    if (inline && inlineSection) {
      section = inlineSection;
      content = inline[2];
    }
    for (const text of splitSentences(content)) yield { text, section, listItem };
  }
}

/** Double-quoted spans (example prompts such as "Remind me at 5") do not speak for the author. */
const QUOTED = /"[^"]*"|“[^”]*”/g;

/** Imperatives of setting a workflow up… */
const SETUP_VERB = /^(?:to (?:set ?up|get started|use (?:it|this)|install|configure|customi[sz]e|run (?:it|this)|test|deploy|start)|set ?up|setup|install|configure|connect|link|add|enter|insert|replace|paste|copy|open|click|go to|navigate|select|choose|pick|update|edit|change|adjust|customi[sz]e|modify|tweak|swap|activate|deactivate|enable|disable|turn (?:on|off)|test|try|make sure|ensure|verify|double[- ]check|don(?:'|’)?t forget|remember|note|tip|important|optional(?:ly)?|duplicate|clone|fill(?: in| out)?|provide|obtain|sign (?:up|in)|log ?in|define|specify|rename|point|authori[sz]e|authenticate|grant|register|step \d+|once (?:done|set ?up|configured|everything))\b/i;
/** …recognised by what they act on: credentials, nodes, ids, settings ("your account", "the Slack node"). */
const SETUP_OBJECT = /\b(?:your|the|this|that|each|every|a|an|its|all|any|these|those|[\w-]+(?:'|’)s)\s+(?:[\w"“”'’.-]+\s+){0,3}?(credentials?|api[ -]?keys?|access tokens?|tokens?|secrets?|passwords?|oauth2?|node|nodes|the workflow|this workflow|this template|the template|workflow settings|n8n|sheet[ _]?id|spreadsheet[ _]?id|document[ _]?id|database[ _]?id|chat[ _]?id|folder[ _]?id|ids?|placeholders?|variables?|fields?|parameters?|urls?|webhook|endpoint|account|accounts|environment|\.env|config|configuration|settings|values?|columns?|tabs?|your own|editor|canvas|button|menu|instance|path|permissions?|scopes?|dropdown|toggle|headers?|expression|prompt|system message|schedule|interval|cron|timezone|project|app|bot ?father|developer (?:console|portal)|dashboard|console|workspace)\b/i;
/** Verbs that also say what a workflow does ("Create a weekly report…") are setup only with what only setup touches. */
const SETUP_VERB_WEAK = /^(?:create|import|generate|get|grab|run|execute|save|store|upload|publish|share|set|map|place|put|keep|attach|deploy|host|schedule|trigger|send|start|finally|then|next|first)\b/i;
const SETUP_OBJECT_STRONG = /\b(?:your|the|this|that|each|every|a|an|its|all|any|[\w-]+(?:'|’)s)\s+(?:[\w"“”'’.-]+\s+){0,3}?(credentials?|api[ -]?keys?|access tokens?|secrets?|passwords?|oauth2?|(?:the|this|each|every|that) [\w ]{0,30}node|nodes|the workflow|this workflow|this template|the template|workflow settings|(?:sheet|spreadsheet|document|database|chat|folder|base|table|channel|calendar|page)[ _]?ids?|placeholders?|environment variables?|\.env|your own|instance|bot ?father|developer (?:console|portal)|credential)\b/i;

/** Sentences about handling the template file rather than about the workflow's work. */
const TEMPLATE_ITSELF = /\bimport (?:it|this|the (?:json|workflow|template|file))\b|\bjson file\b|\b(?:import|paste|add|load|upload|copy)\b[^.]{0,40}\b(?:into|in|to) (?:your|a new|the) n8n\b|\b(?:copy|duplicate|clone|make a copy of) (?:the|this|my) (?:sheet|template|workflow|spreadsheet|doc)\b/i;

/** [rule, pattern] tested in order on one sentence (quoted spans removed for `author`). */
const SENTENCE_RULES: Array<[StripRule, RegExp]> = [
  [
    'assistantLeftover',
    /^(?:here(?:'|’)?s|here is|here are|below is|below are)\b.{0,80}\b(?:description|template|version|revised|refined|improved|rewritten|polished|draft|instructions|overview|summary|breakdown|guide|write-?up)\b|\b(?:refined|improved|rewritten|polished|revised|enhanced|updated) (?:template |workflow )?(?:description|version|text|write-?up)\b|\blet me know if\b|\bhope (?:this|it) helps\b|\bas an ai(?: language model)?\b|\bi(?:'|’)ve (?:rewritten|refined|revised|updated|polished)\b|^(?:sure|certainly|absolutely|of course|great question)\s*[,!.:]/i,
  ],
  [
    'advert',
    /\b(?:use (?:the )?(?:code|coupon)|discount code|promo ?codes? for|\d+\s?% off|\(affiliate[^)]*\)|my (?:affiliate|referral|partner) links?|via (?:my|this|our) (?:affiliate|referral|partner) link|sponsored by|buy me a coffee|patreon|gumroad|skool|hire me|book a (?:call|consultation|meeting|demo)|(?:my|our) consulting|free consultation|paid (?:workflows?|templates?|version|members)|premium (?:version|templates?|workflows?)|my (?:other )?(?:templates|workflows|courses?|channel|newsletter|website|profile|community|agency)|check out (?:my|our)|follow (?:me|us)|subscribe|join (?:the|my|our) (?:community|group|channel|newsletter|discord|server)|need help|contact (?:me|us)|reach out to (?:me|us)|get in touch|dm me|email me|watch (?:the|this|my|our) (?:full )?(?:[\w-]+ )?(?:video|tutorial|walkthrough|demo|guide)|(?:my|our) youtube (?:video|tutorial|channel)|video (?:tutorial|walkthrough|guide) (?:here|below|on)|free trial|sign up (?:here|using|via|with|for free)|get started (?:here|free|for free)|live q&a|community (?:members|access))\b|^(?:website|web|email|e-mail|mail|linkedin|twitter|x|youtube|discord|whatsapp|telegram|facebook(?: group)?|instagram|github|portfolio|contact|phone|tel|mobile|developer portfolio|support)\s*:/i,
  ],
  [
    'versionNote',
    /\b(?:version \d|v\d+(?:\.\d+)+\b|released (?:version|v\d)|last updated|updated? (?:on|in) (?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|changelog|change log|what(?:'|’)s new|new in (?:this )?version|now (?:supports|uses|works with|includes|has|comes with)|previous version|new version|older version|deprecated|no longer (?:works|supported|needed)|(?:^|\s)\[\d{4}\]|\((?:updated?|new)\b[^)]*\))/i,
  ],
  [
    'audience',
    /\bwho (?:is|'s|’s) (?:this|it) for\b|\b(?:this|the) (?:n8n )?(?:template|workflow|automation) is (?:for|aimed at|built for)\b|\b(?:is|are|it(?:'|’)s|was)\s+(?:ideal|perfect|great|useful|designed|built|made|tailored|suited|aimed|intended|meant|helpful|valuable)\s+(?:for|at)\b|^(?:ideal|perfect|great|useful|designed|built|made|tailored|suited|aimed|intended|meant|helpful|valuable)\s+(?:for|at)\b|\b(?:anyone|everyone|someone|those|people|users|individuals) (?:who|that|looking|wanting|needing|interested|seeking|managing|running|working|struggling|trying)\b|\b(?:teams|businesses|companies|agencies|marketers|founders|creators|professionals|developers|freelancers|organi[sz]ations|owners|managers|recruiters|entrepreneurs|startups|consultants|educators|researchers|homemakers|students|analysts|sellers|retailers|shops|stores|brands|coaches|writers|bloggers|influencers) (?:who|that|looking|wanting|needing|seeking|trying)\b|\btarget audience\b|\bwhether you(?:'|’)?re\b|\bif you(?:'|’)?re (?:a|an)\b|^(?:(?:busy|small|solo|content|marketing|sales|e-?commerce|hr|it|support|customer|growth|social media|real estate|local|independent|remote|non-technical|technical)\s+)*(?:homemakers|creators|marketers|founders|teams|agencies|freelancers|recruiters|developers|businesses|startups|entrepreneurs|educators|researchers|consultants|professionals|managers|owners|analysts|sellers|retailers|bloggers|influencers|coaches|writers)\b/i,
  ],
  [
    'prerequisite',
    /\b(?:[Rr]equires?|required|^[Pp]rerequisites?\b|[Yy]ou(?:'|’)ll need|[Yy]ou will need|[Yy]ou need|[Yy]ou must have|[Mm]ake sure you have|[Bb]asic (?:understanding|knowledge|familiarity)|(?:understanding|knowledge|familiarity) (?:of|with) n8n|(?:a|your|on a) self-hosted (?:n8n|instance)|(?:only )?(?:on|for) self-hosted|community nodes? (?:installed|required|must)|n8n (?:version )?v?\d+\.\d|(?:account|API key|api key|API token|access token|credentials?|subscription|license) (?:is |are )?(?:required|needed|necessary))\b|^(?:An?|Your|Valid|Active|Working|A valid|An active)\s+(?:[\w.&-]+\s+){0,4}(?:account|API key|key|token|credentials?|subscription|instance|workspace|app|project|bot token|access|license|plan)\b(?!\s+(?:that|which|is|are|gets?|will)\b)/,
  ],
  ['marketing', /^(?:tired of|stop wasting|say goodbye|imagine|ever wanted|ever wished|ever wondered|struggling|wish you|do you|are you|did you|want to|looking for|what if|why (?:spend|waste)|no more|never miss)\b|\?\s*$/i],
];

/** First person outside quotes: the author speaking ("I prepared…", "We've released…", "our team"). */
const FIRST_PERSON = /(?:^|[^\p{L}’'.-])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|[Ww]e|[Ww]e've|[Ww]e’ve|[Ww]e're|[Ww]e’re|[Ww]e'll|[Ww]e’ll|[Oo]ur|[Mm]y|[Mm]e|[Uu]s)(?=[\s,!?;:)]|\.(?!\p{L})|$)/u;
const GREETING = /\b(?:hi|hello|hey)\b\s*(?:there|everyone|all|folks)?[,!]|\bmy name is\b|\b(?:created|built|made|developed|designed|written|crafted|brought to you) by\b|\bthanks? (?:you )?for\b|\bhappy (?:automating|building)\b/i;

/** The rule a sentence falls under, or undefined when it may say what the workflow does. */
export function classifySentence(text: string): StripRule | undefined {
  const unquoted = text.replace(QUOTED, '""');
  if (/(?:→|->|=>|›|»)/.test(text) && SETUP_VERB.test(text)) return 'setup';
  if (SETUP_VERB.test(text) && SETUP_OBJECT.test(unquoted)) return 'setup';
  if (SETUP_VERB_WEAK.test(text) && SETUP_OBJECT_STRONG.test(unquoted)) return 'setup';
  if (TEMPLATE_ITSELF.test(unquoted)) return 'setup';
  for (const [rule, pattern] of SENTENCE_RULES) {
    if (pattern.test(rule === 'marketing' ? text : unquoted)) return rule;
  }
  // "US" the country and "I/O" are not the author.
  if (FIRST_PERSON.test(unquoted.replace(/\bUS\b|\bI\/O\b/g, '')) || GREETING.test(unquoted)) return 'author';
  return undefined;
}

/** The rule that keeps a whole section out of requests (`does`, `intro` and unknown sections have none). */
export function sectionRule(section: Section): StripRule | undefined {
  return (STRIP_RULES as readonly string[]).includes(section) ? (section as StripRule) : undefined;
}
