/**
 * A description's sentence as an ask. "This workflow monitors your inbox…" becomes
 * "Monitor my inbox…" or "Create a workflow that monitors my inbox…" (the frame picked by
 * a hash of the sentence, so the same data gives the same request); "This template is
 * designed to process PDFs…" becomes "Process PDFs…". A sentence whose verb is not a
 * listed one ("This workflow is a…", "Managing emails can be overwhelming") is not phrased:
 * no request reads "Create a workflow that is…".
 */
import { sha1 } from '../../util/hash';
import { sentenceCase } from './title';
import { baseOfThirdPerson, isBaseVerb, thirdPerson } from './verbs';

/** The thing a description talks about, with its determiner and up to four adjectives ("This no-code n8n workflow"). */
const SUBJECT =
  /^(?:this|the|our|my|an?)\s+(?:[\w-]+\s+){0,4}?(?:n8n\s+)?(?:workflow|template|automation|flow|agent|ai agent|bot|chatbot|assistant|system|tool|pipeline|solution|integration|setup|app|server|scenario|sequence|process)s?(?:\s+(?:template|automation|workflow))?\b\s*(?:\([^)]*\)\s*)?(?:,\s*[^,]{1,80},\s*)?/i;
const ADVERBS = /^(?:(?:automatically|seamlessly|simply|also|intelligently|efficiently|effortlessly|quickly|easily|fully|then|first|instantly|continuously|periodically|regularly|securely|reliably|dynamically|smartly)\s+)+/i;
const AUXILIARY = /^(?:is|are|was|were|will|can|could|should|would|has|have|had|does|do|gets?|becomes?|'s|’s|may|might|must)$/i;

const ENABLERS = /^(?:(?:is|was)\s+(?:designed|built|created|made|meant|intended|used|set up|configured|here|able)\s+to|(?:helps?|allows?|lets|enables?|empowers?)\s+(?:you|users|teams|businesses|companies|anyone|people|organi[sz]ations|marketers|[\w-]+ teams|[\w-]+ managers|[\w-]+ owners)\s+(?:to\s+)?|helps?\s+(?:to\s+)?|(?:can|will|should)\s+(?:automatically\s+)?|(?:is|provides|offers)\s+(?:a|an)\s+(?:[\w-]+\s+){0,3}?way\s+to|aims\s+to|is\s+used\s+to|makes\s+it\s+easy\s+to)\s*/i;

export interface VerbPhrase {
  /** The listed verb, base form ("monitor"). */
  verb: string;
  /** What follows the verb (" your Gmail inbox for…"). */
  rest: string;
  /** A condition that opened the sentence ("When a form is submitted, "). */
  condition?: string;
  /** Did the sentence already ask (base verbs throughout: only the imperative frame keeps it grammatical)? */
  imperative?: boolean;
}

/** The verb phrase a sentence says the workflow performs, if it says so in a recognisable way. */
export function verbPhrase(sentence: string): VerbPhrase | undefined {
  let text = sentence.replace(/^[^\p{L}\p{N}"“]+/u, '').trim();
  // "When a form is submitted, the workflow sends…" → keep the condition, phrase the main clause.
  const condition = /^((?:when|whenever|once|after|every (?:day|morning|hour|week|time)|each (?:day|morning|time))\b[^,]{3,120},\s*)(.*)$/i.exec(text);
  if (condition) {
    const main = verbPhrase(condition[2].replace(/^(?:the (?:n8n )?workflow|it|this (?:n8n )?workflow)\s+/i, ''));
    if (!main) return undefined;
    const opening = condition[1];
    return { ...main, condition: `${opening[0].toUpperCase()}${opening.slice(1)}` };
  }
  const subject = SUBJECT.exec(text) ?? /^it\s+/i.exec(text);
  if (subject) text = text.slice(subject[0].length);
  text = text.replace(ADVERBS, '');
  const enabler = ENABLERS.exec(text);
  if (enabler && (subject || !/^(?:can|will|should)\b/i.test(text))) {
    const after = text.slice(enabler[0].length).replace(ADVERBS, '');
    const [word] = after.split(/\s/, 1);
    if (word && isBaseVerb(word)) return { verb: word.toLowerCase(), rest: after.slice(word.length), imperative: true };
    return undefined;
  }
  const [word, next] = text.split(/\s+/, 2);
  if (!word) return undefined;
  const base = baseOfThirdPerson(word);
  if (base && !(next !== undefined && AUXILIARY.test(next))) return { verb: base, rest: text.slice(word.length) };
  // A sentence that already asks ("Automate personalized campaigns…"), as long as no subject came first
  // and the word is no noun before a verb ("Schedule Trigger runs hourly").
  const nounBeforeVerb = text
    .split(/\s+/)
    .slice(1, 6)
    .some((w) => AUXILIARY.test(w) || baseOfThirdPerson(w.replace(/[^\p{L}-]/gu, '')) !== undefined);
  if (!subject && isBaseVerb(word) && !nounBeforeVerb && /^\p{Lu}/u.test(word)) return { verb: word.toLowerCase(), rest: text.slice(word.length), imperative: true };
  return undefined;
}

/** "…, cleans the numbers, and updates the row" → "…, clean the numbers, and update the row": coordinated verbs follow the imperative. */
export function coordinatedBase(rest: string): string {
  return rest.replace(/(,\s+(?:and\s+|then\s+)?|\s+(?:and|then|or)\s+)((?:automatically|also|then|finally|instantly)\s+)?([a-z][a-z-]*)\b/g, (all, joint: string, adverb: string | undefined, word: string) => {
    const base = baseOfThirdPerson(word);
    return base ? `${joint}${adverb ?? ''}${base}` : all;
  });
}

/** "your inbox" → "my inbox": the user asks for their own things. */
export function inUsersVoice(text: string): string {
  return text
    .replace(/\byourself\b/g, 'myself')
    .replace(/\byours\b/g, 'mine')
    .replace(/\byour\b/g, 'my')
    .replace(/\bYour\b/g, 'My');
}

/**
 * A request read back in the description's voice ("my inbox" → "your inbox", the frame's
 * "I need a workflow that" gone): the sentence rules judge authors and adverts by first
 * person, which a request uses on purpose.
 */
export function inDescriptionVoice(request: string): string {
  return request
    .replace(/^(?:I need a workflow that|Create a workflow that|Build an n8n workflow that)\s+/, 'It ')
    .replace(/\bmyself\b/g, 'yourself')
    .replace(/\bmine\b/g, 'yours')
    .replace(/\bmy\b/g, 'your')
    .replace(/\bMy\b/g, 'Your');
}

/** The frames a head sentence is asked in: mostly the imperative, sometimes "…a workflow that <verb>s". */
const imperative = (verb: string, rest: string) => `${verb[0].toUpperCase()}${verb.slice(1)}${coordinatedBase(rest)}`;
const FRAMES: Array<(verb: string, rest: string) => string> = [
  imperative,
  imperative,
  imperative,
  (verb, rest) => `Create a workflow that ${thirdPerson(verb)}${rest}`,
  (verb, rest) => `Build an n8n workflow that ${thirdPerson(verb)}${rest}`,
  (verb, rest) => `I need a workflow that ${thirdPerson(verb)}${rest}`,
];

/** Words left dangling at a cut or before a list that followed ("…such as", "…including:"). */
export const DANGLING = /(?:[\s,;:–—-]+|\s+(?:such as|including|like|e\.g|i\.e|and|or|with|to|for|of|the|a|an|by|via|using|from|in|on|into|that|which|while|as well as|so|then|follows?|below))+$/i;

const tidy = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/[.]$/, '')
    .replace(DANGLING, '')
    .trim();

/** Words that point at something the request does not contain ("Combine it with…", "the agents listed above"). */
const UNRESOLVED = /(?:it|them|these|those|above|below|aforementioned|previous|following)/i;
/** A step list's entry about a node ("Chat Trigger node.", "Edit Fields (Set)") is no ask. */
const NODE_ENTRY = /nodes?[\s.:]*$|^\S+(?:\s+\S+){0,2}[.:]?$/i;

/** "…, perfect for educators and trainers" / "making it ideal for restaurants": who it is for, cut off the ask. */
const AUDIENCE_TAIL = /\s*(?:(?:[,;(–—]|\s-)\s*(?:making it |which makes it |it(?:'|’)s |and is |all )?(?:ideal|perfect|great|useful|designed|built|made|tailored)|\s(?:perfect|ideal)) for\b.*$/i;

/** The first sentence of a request, or undefined when the sentence does not phrase as one. */
export function phraseHead(sentence: string, casing?: Map<string, boolean>): string | undefined {
  const words = sentence.split(/\s+/);
  // A heading-style sentence ("Build an AI HR Assistant to Screen Resumes") in sentence case.
  if (casing && words.length >= 4 && words.filter((w) => /^\p{Lu}/u.test(w)).length / words.length > 0.6) sentence = sentenceCase(sentence, casing);
  // "Trigger by Chat Message: Simply send…" is a step list's label, not an ask.
  if (NODE_ENTRY.test(sentence) || /^[^:]{3,40}:\s/.test(sentence)) return undefined;
  const phrase = verbPhrase(sentence);
  if (!phrase || UNRESOLVED.test(phrase.rest.split(/[,.;]/)[0])) return undefined;
  // "Runs daily at 1 PM" says when, not what: a later sentence says what.
  if (/^(?:run|start|begin|kick|trigger|activate|execute|wait|loop|repeat)$/.test(phrase.verb)) return undefined;
  const condition = phrase.condition;
  const frame = condition || phrase.imperative ? FRAMES[0] : FRAMES[parseInt(sha1(sentence).slice(0, 8), 16) % FRAMES.length];
  const asked = frame(phrase.verb, inUsersVoice(phrase.rest.replace(AUDIENCE_TAIL, '')));
  return endSentence(tidy(condition ? `${condition}${asked[0].toLowerCase()}${asked.slice(1)}` : asked));
}

/** A later sentence of a detailed request: the next step as an imperative, or a plain statement kept as written. */
export function phraseFollowing(sentence: string): string | undefined {
  if (NODE_ENTRY.test(sentence)) return undefined;
  const phrase = verbPhrase(sentence);
  if (phrase) {
    const condition = phrase.condition;
    const asked = imperative(phrase.verb, inUsersVoice(phrase.rest.replace(AUDIENCE_TAIL, '')));
    return endSentence(tidy(condition ? `${condition}${asked[0].toLowerCase()}${asked.slice(1)}` : asked));
  }
  // Statements about the steps ("The AI agent classifies each email.", "If no match is found, …") read well as they are.
  if (/^(?:when|whenever|once|after|if|each|every|finally|the (?:ai|agent|bot|model|results?|data|output|summary|report|message|email|response|system|assistant)\b)/i.test(sentence)) {
    return endSentence(tidy(inUsersVoice(sentence)));
  }
  return undefined;
}

/** A final period when the sentence has no end mark. */
export function endSentence(text: string): string {
  if (text === '') return text;
  return /[.!?…]["”’)]?$/.test(text) ? text : `${text}.`;
}
