/**
 * HTML character references → characters. Template descriptions are markdown with HTML
 * escaped in places (`&gt;` for a blockquote, `&#x20;`, `&apos;`); a request must never
 * show one. Numeric references are decoded in full; named ones from the table below (the
 * ones that occur in workflow texts, not the 2,000 of HTML5: an unknown name stays as written).
 */
const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  divide: '÷',
  plusmn: '±',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  rarr: '→',
  larr: '←',
  uarr: '↑',
  darr: '↓',
  harr: '↔',
  rArr: '⇒',
  check: '✓',
  shy: '',
  zwj: '\u200d',
  zwnj: '\u200c',
};

const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g;

function fromCodePoint(code: number, raw: string): string {
  // Surrogates, NUL and past-Unicode values are not characters: the replacement character, as HTML does.
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return raw === '' ? '' : '\ufffd';
  return String.fromCodePoint(code);
}

/** Decodes numeric (`&#8211;`, `&#x20;`) and the common named references; `&amp;gt;` decodes once, to `&gt;`. */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (raw, decimal?: string, hex?: string, name?: string) => {
    if (decimal !== undefined) return fromCodePoint(Number.parseInt(decimal, 10), raw);
    if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16), raw);
    // A named reference needs its semicolon (a bare `&copy` in a URL query is text).
    if (!raw.endsWith(';')) return raw;
    return NAMED[name!] ?? raw;
  });
}

/** Any character reference left in a text (numeric, or a known name): what the request checker flags. */
export const HTML_ENTITY = /&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});/;
