/**
 * Secrets wrapped in base64 or URL encoding (`c2stcHJvai1…` = base64 of `sk-proj-…`,
 * `%7B%22api_key%22%3A%22…%22%7D`): a candidate token is decoded, the decoded text goes through
 * the same redaction, and when anything in it would be redacted the whole encoded token is
 * replaced (kind `encoded_secret`). Tokens whose decoding is not printable ASCII (images, files,
 * random keys, identifiers, non-ASCII text) are left to the other rules.
 */

import { Redactor } from './placeholders';

/** Redaction of one string, the caller's (text.ts): passed in, so this module does not import it back. */
export type TextRedaction = (text: string, redactor: Redactor) => string;

/** Base64 and base64url characters (padding apart). ASCII only. */
const BASE64_CHAR = (() => {
  const t = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') t[c.charCodeAt(0)] = 1;
  return t;
})();
const isBase64Char = (c: number) => c < 128 && BASE64_CHAR[c] === 1;
/** Base64 tokens are 24 characters or more (18+ decoded bytes). */
const MIN_BASE64 = 24;
/** A `%XX` escape. */
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;
/** Characters of a URL-encoded token: unreserved ones, `%` and `+` (a form-encoded space). ASCII only. */
const URL_CHAR = (() => {
  const t = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%._~+-') t[c.charCodeAt(0)] = 1;
  return t;
})();
const isUrlChar = (c: number) => c < 128 && URL_CHAR[c] === 1;
/** Larger tokens are files (images, PDFs), not wrapped credentials. */
const MAX_TOKEN = 8192;
/** Decoding inside decoding (base64 of a URL-encoded body …) stops here. */
const MAX_DEPTH = 2;

/** Printable ASCII text (tabs and newlines allowed), or undefined. */
function decodedText(bytes: Buffer): string | undefined {
  if (bytes.length < 12) return undefined;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b > 0x7e || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return undefined;
  }
  return bytes.toString('latin1');
}

/** Would redaction change `decoded`? (A scratch redactor: counts and numbering of the caller stay untouched.) */
function holdsSecret(decoded: string, inner: TextRedaction): boolean {
  return inner(decoded, new Redactor()) !== decoded;
}

/**
 * The base64 tokens around the long runs a scan found (`runs`: [start, end) pairs in `text`):
 * each run widened to the whole token, `+`, `/` and `=` padding included. Every base64 token of
 * text holds such a run, so the rest of the string is never searched.
 */
export function base64Candidates(text: string, runs: readonly number[]): string[] {
  const out: string[] = [];
  let covered = 0;
  for (let i = 0; i < runs.length; i += 2) {
    if (runs[i] < covered) continue;
    let a = runs[i];
    let b = runs[i + 1];
    while (a > 0 && isBase64Char(text.charCodeAt(a - 1))) a--;
    while (b < text.length && isBase64Char(text.charCodeAt(b))) b++;
    while (b < text.length && b - a < MAX_TOKEN && text[b] === '=') b++;
    covered = b;
    if (b - a >= MIN_BASE64 && b - a <= MAX_TOKEN) out.push(text.slice(a, b));
  }
  return out;
}

/** Each candidate that decodes to text holding a secret, replaced wherever it stands (a URL path: its segments). */
function redactBase64(text: string, candidates: readonly string[], redactor: Redactor, inner: TextRedaction): string {
  let s = text;
  for (const token of candidates) {
    const found = base64HoldsSecret(token, inner) ? [token] : token.includes('/') ? token.split('/').filter((seg) => seg.length >= MIN_BASE64 && base64HoldsSecret(seg, inner)) : [];
    for (const secret of found) s = replaceToken(s, secret, () => redactor.replace('encoded_secret', 'ENCODED_SECRET', secret));
  }
  return s;
}

/** Replace whole-token occurrences of `token` (not inside a longer base64 token). */
function replaceToken(text: string, token: string, placeholder: () => string): string {
  let out = '';
  let last = 0;
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + token.length)) {
    const end = at + token.length;
    if ((at > 0 && isBase64Char(text.charCodeAt(at - 1)) && text[at - 1] !== '/') || (end < text.length && (isBase64Char(text.charCodeAt(end)) && text[end] !== '/'))) continue;
    out += text.slice(last, at) + placeholder();
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * Base64 of printable ASCII: every fourth character (the top six bits of a byte 0x20–0x7e) is
 * one of `I`–`Z`, `a`–`f`. Identifiers, paths and random keys fail this long before decoding.
 */
function looksLikeBase64Text(token: string): boolean {
  if (token.length % 4 === 1) return false;
  const body = token.length - (token.endsWith('==') ? 2 : token.endsWith('=') ? 1 : 0);
  for (let i = 0; i < body; i += 4) {
    const c = token.charCodeAt(i);
    if (!((c >= 73 && c <= 90) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function base64HoldsSecret(token: string, inner: TextRedaction): boolean {
  if (!looksLikeBase64Text(token)) return false;
  const decoded = decodedText(Buffer.from(token, 'base64'));
  return decoded !== undefined && holdsSecret(decoded, inner);
}

/** URL-encoded tokens (runs of unreserved characters with at least one `%XX`) whose decoding holds a secret, replaced whole. */
function redactUrlEncoded(text: string, redactor: Redactor, inner: TextRedaction): string {
  let out = '';
  let last = 0;
  PERCENT_ESCAPE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = PERCENT_ESCAPE.exec(text)) !== null) {
    let a = m.index;
    let b = m.index + 3;
    while (a > last && isUrlChar(text.charCodeAt(a - 1))) a--;
    while (b < text.length && isUrlChar(text.charCodeAt(b))) b++;
    PERCENT_ESCAPE.lastIndex = b;
    if (b - a > MAX_TOKEN) continue;
    const token = text.slice(a, b);
    let decoded: string;
    try {
      decoded = decodeURIComponent(token.replace(/\+/g, ' '));
    } catch {
      continue;
    }
    const held = holdsSecret(decoded, inner);
    // The decoded text went through this function again (same global regex): resume after the token.
    PERCENT_ESCAPE.lastIndex = b;
    if (!held) continue;
    out += text.slice(last, a) + redactor.replace('encoded_secret', 'ENCODED_SECRET', token);
    last = b;
  }
  return last === 0 ? text : out + text.slice(last);
}

let depth = 0;

/** Inside the redaction of a decoded token (its result depends on the depth: never cache it as clean). */
export function decoding(): boolean {
  return depth > 0;
}

/**
 * Replace encoded tokens that hide something to redact. `base64`: candidate tokens of the
 * original string ({@link base64Candidates}); `urlEncoded`: the string has a `%`. Runs after the
 * other rules: what they already replaced is not decoded again.
 */
export function redactEncoded(text: string, redactor: Redactor, inner: TextRedaction, base64: readonly string[], urlEncoded: boolean): string {
  if (depth >= MAX_DEPTH) return text;
  depth++;
  try {
    let s = text;
    if (urlEncoded) s = redactUrlEncoded(s, redactor, inner);
    if (base64.length > 0) s = redactBase64(s, base64, redactor, inner);
    return s;
  } finally {
    depth--;
  }
}
