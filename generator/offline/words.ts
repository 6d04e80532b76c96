/** The words of a request or a training text, shared by what the training pairs teach and what a request is read for. */
import { phraseKey } from './services';

/** Words that say nothing about which nodes a workflow needs. */
export const STOPWORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for from with without into onto over under about as is are was were be been being ' +
    'it its this that these those there their them they we you your our my me i he she his her who whom which what when where why how ' +
    'all any each every some such no not only own same so than too very can will just should now also use using used uses via per ' +
    'get gets got make makes made create creates build builds automate automated automatically automation workflow workflows n8n node nodes ' +
    'do does done new based simple easy way ways help helps let lets up out off one two more most other another both either may might must ' +
    'would could need needs want wants like into after before while during within across between through step steps'
  ).split(' '),
);

/** Lower-cased words of a text (letters and digits), plural "s" dropped as `phraseKey` does, stopwords out. */
export function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).map(phraseKey).filter((w) => w.length >= 2 && !STOPWORDS.has(w));
}

/** All words of a text, lower-cased, in order (for phrases of up to four words). */
export function allWords(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** Phrase keys of every run of one to four words ("Venafi TLS Protect Datacenter"), with the position of its first word. */
export function phrasesOf(words: readonly string[], maxLength = 4): Array<{ key: string; at: number; length: number }> {
  const out: Array<{ key: string; at: number; length: number }> = [];
  for (let i = 0; i < words.length; i++) {
    let joined = '';
    for (let n = 1; n <= maxLength && i + n <= words.length; n++) {
      joined += words[i + n - 1];
      out.push({ key: phraseKey(joined), at: i, length: n });
    }
  }
  return out;
}
