/**
 * Checks of a model's answer before its requests become training data. Pure; every failure is
 * data (`code`, the request's `index` where one is at fault, a message), and the first one found
 * decides: the example then keeps its rule-based requests.
 *
 * Language is a cheap heuristic, not a classifier: the dominant script of the letters (Latin,
 * Cyrillic, Greek, Arabic, Hebrew, CJK, Hangul, Devanagari, Thai) must be the same as the title
 * and description's; within Latin script, counts of common function words name one of English,
 * German, French, Spanish, Portuguese, Italian or Dutch when one clearly leads, and a request
 * whose language is clearly another one fails. Short texts without a clear lead pass.
 */
import { extractJson } from '../../generator/extract';
import { isObject } from '../../schemas/json-value';
import { PLACEHOLDER_PATTERN } from '../redact/placeholders';
import { MIN_REQUEST_CHARS, REQUEST_STYLES, type RequestStyle } from './prompt';

export const ANSWER_PROBLEMS = ['not_json', 'wrong_shape', 'wrong_count', 'too_short', 'too_long', 'placeholder', 'wrong_language', 'copies_description', 'duplicate'] as const;
export type AnswerProblemCode = (typeof ANSWER_PROBLEMS)[number];

export interface AnswerProblem {
  code: AnswerProblemCode;
  /** The request at fault (0-based), when one is. */
  index?: number;
  message: string;
}

export type AnswerCheck = { ok: true; texts: string[] } | { ok: false; problem: AnswerProblem };

export interface AnswerContext {
  styles: readonly RequestStyle[];
  title?: string;
  description?: string;
}

/** Any `<LABEL_n>` shape, the redactor's own labels and ones a model might make up alike. */
const PLACEHOLDER_LIKE = /<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_[0-9]+>/;

type Script = 'latin' | 'cyrillic' | 'greek' | 'arabic' | 'hebrew' | 'cjk' | 'hangul' | 'devanagari' | 'thai';
const SCRIPTS: Array<[Script, RegExp]> = [
  ['latin', /\p{Script=Latin}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['cjk', /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['devanagari', /\p{Script=Devanagari}/u],
  ['thai', /\p{Script=Thai}/u],
];
/** Fewer letters than this say nothing about a script. */
const MIN_SCRIPT_LETTERS = 8;

/** The script most letters of `text` are in, or undefined when it has too few letters. */
export function dominantScript(text: string): Script | undefined {
  const counts = new Map<Script, number>();
  let letters = 0;
  for (const char of text) {
    if (!/\p{L}/u.test(char)) continue;
    letters++;
    const script = SCRIPTS.find(([, pattern]) => pattern.test(char))?.[0];
    if (script) counts.set(script, (counts.get(script) ?? 0) + 1);
  }
  if (letters < MIN_SCRIPT_LETTERS) return undefined;
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Function words frequent in each language; words that several of these languages spell the same
 * and use often (`de`, `en`, `a`, `me`, `die`) are left out, so they never tip the count.
 */
const FUNCTION_WORDS: Record<string, ReadonlySet<string>> = {
  en: new Set(['the', 'and', 'to', 'of', 'with', 'from', 'when', 'into', 'every', 'new', 'that', 'for', 'my', 'an', 'it', 'is', 'on', 'send', 'each', 'get', 'them', 'this']),
  de: new Set(['der', 'die', 'das', 'und', 'mit', 'von', 'für', 'ein', 'eine', 'einen', 'wenn', 'ich', 'mir', 'auf', 'aus', 'jede', 'jeden', 'neue', 'neuen', 'ist', 'nach', 'zu', 'den', 'dem']),
  fr: new Set(['le', 'la', 'les', 'et', 'des', 'du', 'un', 'une', 'pour', 'avec', 'quand', 'dans', 'chaque', 'nouveau', 'nouvelle', 'je', 'moi', 'est', 'sur', 'au', 'aux', 'qui']),
  es: new Set(['el', 'los', 'las', 'y', 'del', 'con', 'para', 'cuando', 'cada', 'nuevo', 'nueva', 'un', 'una', 'que', 'por', 'mi', 'al', 'es', 'envía', 'crea']),
  pt: new Set(['o', 'os', 'as', 'e', 'do', 'da', 'dos', 'das', 'com', 'para', 'quando', 'cada', 'novo', 'nova', 'um', 'uma', 'em', 'que', 'meu', 'minha', 'no', 'na']),
  it: new Set(['il', 'lo', 'gli', 'e', 'di', 'del', 'della', 'con', 'per', 'quando', 'ogni', 'nuovo', 'nuova', 'un', 'una', 'che', 'nel', 'nella', 'mi', 'è']),
  nl: new Set(['het', 'een', 'van', 'met', 'voor', 'wanneer', 'elke', 'nieuwe', 'ik', 'mij', 'op', 'naar', 'uit', 'dat', 'worden', 'wordt']),
};
/** A language is named only with at least this many hits and this lead over the next one. */
const MIN_LANGUAGE_HITS = 3;
const LANGUAGE_LEAD = 2;

/** The Latin-script language `text` is clearly in, or undefined. */
export function latinLanguage(text: string): string | undefined {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  const scores = Object.entries(FUNCTION_WORDS)
    .map(([language, set]): [string, number] => [language, words.filter((w) => set.has(w)).length])
    .sort((a, b) => b[1] - a[1]);
  const [first, second] = scores;
  return first[1] >= MIN_LANGUAGE_HITS && first[1] >= LANGUAGE_LEAD * second[1] ? first[0] : undefined;
}

export interface TextLanguage {
  script?: Script;
  /** Only for Latin script. */
  language?: string;
}

export function textLanguage(text: string): TextLanguage {
  const script = dominantScript(text);
  const language = script === 'latin' ? latinLanguage(text) : undefined;
  return { ...(script ? { script } : {}), ...(language ? { language } : {}) };
}

/** Why `request` is not in the language of `source`, or undefined (also when either is unclear). */
export function languageMismatch(request: string, source: TextLanguage): string | undefined {
  const own = textLanguage(request);
  if (source.script && own.script && own.script !== source.script) return `written in ${own.script} script, the title and description in ${source.script}`;
  if (source.language && own.language && own.language !== source.language) return `written in ${own.language}, the title and description in ${source.language}`;
  return undefined;
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
/** Word n-grams a copied request shares with its description. */
const SHINGLE = 5;
/** A request with at least this share of its word 5-grams in the description is a copy of it. */
export const COPY_CONTAINMENT = 0.8;

const shingles = (list: string[]) => {
  const out = new Set<string>();
  for (let i = 0; i + SHINGLE <= list.length; i++) out.add(list.slice(i, i + SHINGLE).join(' '));
  return out;
};

/**
 * Does `request` (mostly) repeat the description word for word? Words of the title do not count:
 * a title is a fine request, and descriptions often repeat it.
 */
export function copiesDescription(request: string, description: string, title = ''): boolean {
  const own = words(request);
  if (own.length < SHINGLE + 1) return false;
  const inSource = shingles(words(description));
  for (const s of shingles(words(title))) inSource.delete(s);
  const mine = shingles(own);
  let shared = 0;
  for (const s of mine) if (inSource.has(s)) shared++;
  return shared / mine.size >= COPY_CONTAINMENT;
}

const fail = (code: AnswerProblemCode, message: string, index?: number): AnswerCheck => ({ ok: false, problem: { code, message, ...(index !== undefined ? { index } : {}) } });

/** The answer's requests (whitespace collapsed) when every check passes, else the first problem. */
export function checkAnswer(answer: string, context: AnswerContext): AnswerCheck {
  const extracted = extractJson(answer);
  if (!extracted.ok) return fail('not_json', extracted.error);
  const value = extracted.value;
  if (!isObject(value) || !Array.isArray(value.requests)) return fail('wrong_shape', 'the answer is not an object with a "requests" list');
  const list = value.requests;
  const notText = list.findIndex((r) => typeof r !== 'string');
  if (notText >= 0) return fail('wrong_shape', `requests[${notText}] is not a string`, notText);
  const expected = context.styles.length;
  if (list.length !== expected) return fail('wrong_count', `${list.length} request(s), ${expected} asked for`);

  const texts = (list as string[]).map((r) => r.replace(/\s+/g, ' ').trim());
  const source = textLanguage(`${context.title ?? ''}\n${context.description ?? ''}`);
  const seen = new Map<string, number>();
  for (const [index, text] of texts.entries()) {
    const style = context.styles[index];
    if (text.length < MIN_REQUEST_CHARS) return fail('too_short', `requests[${index}] has ${text.length} characters, fewer than ${MIN_REQUEST_CHARS}`, index);
    const max = REQUEST_STYLES[style].max;
    if (text.length > max) return fail('too_long', `requests[${index}] (${style}) has ${text.length} characters, more than ${max}`, index);
    const placeholder = PLACEHOLDER_PATTERN.exec(text) ?? PLACEHOLDER_LIKE.exec(text);
    if (placeholder) return fail('placeholder', `requests[${index}] mentions ${placeholder[0]}`, index);
    const mismatch = languageMismatch(text, source);
    if (mismatch) return fail('wrong_language', `requests[${index}] is ${mismatch}`, index);
    if (context.description && copiesDescription(text, context.description, context.title)) return fail('copies_description', `requests[${index}] repeats the description word for word`, index);
    const key = words(text).join(' ');
    const twin = seen.get(key);
    if (twin !== undefined) return fail('duplicate', `requests[${index}] is the same as requests[${twin}]`, index);
    seen.set(key, index);
  }
  return { ok: true, texts };
}
