/**
 * Phone numbers (see index.ts): international (`+…`, `00…`), national with a trunk `0` (UK, the
 * EU), NANP, links (`tel:`, `wa.me/`, `?phone=`). A digit run alone is not a phone: ids, amounts,
 * timestamps, ZIP codes and versions are digit runs too. Bare runs count only in a mobile shape
 * that starts with a trunk `0` (`07911123456`) or next to a word that says phone (`Tel.`,
 * `Handy`, `whatsapp`, a `phone` field).
 */

import { digitsOf, type Redactor } from './placeholders';

/** Which phone rules to run (the caller's cheap scan decides). */
export interface PhoneScan {
  /** The string has a `+` or `%2B`. */
  plus: boolean;
  /** The string has `tel:`, `wa.me`, `phone`, `mobile`, … */
  link: boolean;
  /** The string has six digits close together. */
  digits: boolean;
  /** The whole string is the value of a phone field (`phone`, `mobile`, `whatsapp`, … key or pair name). */
  phoneField: boolean;
}

// Literal first (fast native search); the left boundary is checked in code (see phoneBoundary).
const INTL_PHONE = /(?:\+|%2[Bb])[1-9][0-9 ().\-\u00a0]{6,22}[0-9](?![A-Za-z0-9_]|[.\-][0-9])/g;
/** NANP: `(415) 624-2871`, `415-624-2871`, `415.624.2871`, `1-415-624-2871`, `415 624 2871` (spaces: only next to a phone word). */
const NANP_PHONE = /(?:1[-. ])?(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}([-. ]))[2-9][0-9]{2}([-. ])[0-9]{4}(?![A-Za-z0-9_]|[.\-][0-9])/g;
/**
 * National numbers with a trunk `0` (`020 7946 0958`, `(020) 7946 0958`, `0151 2345 6789`,
 * `030/1234567`, `06 12 34 56 78`, `06-12345678`) and the `00` international prefix
 * (`0049 151 23456789`, `00 33 6 12 34 56 78`). Groups are digit runs between single
 * separators, so matching never backtracks far.
 */
const TRUNK_PHONE =
  /(?:\(0[1-9][0-9]{0,4}\) ?[0-9]{2,8}|00 ?[1-9][0-9]{0,11}|0[1-9][0-9]{0,11})(?:(?: ?\/ ?| - |[ \-.\u00a0])[0-9]{1,8}){0,6}(?![0-9A-Za-z_]|[.,\-/:][0-9A-Za-z])/g;
/** Runs without a trunk `0` (`612 345 678`, `4155552671`, `4915123456789`): phones only next to a phone word. */
const PLAIN_PHONE = /[1-9][0-9]{1,12}(?:[ \-.\u00a0][0-9]{2,4}){0,4}(?![0-9A-Za-z_]|[.,\-/:][0-9A-Za-z])/g;
const TEL_PHONE = /(tel:|wa\.me\/|[?&](?:phone|phone_number|phoneNumber|mobile|msisdn|whatsapp)=)((?:\+|%2B)?[0-9][0-9(). \-]{5,20}[0-9])(?![0-9])/gi;

/**
 * Words that say a phone number follows (English, German, French, Spanish, Italian, Dutch, …).
 * Short ones only as whole words (`Tel.`, `Mob:`, not `hotel`). Not `contact`, `call` or
 * `number`: `contactId: 612345678`, `call the API with 4155552671` are ids. Not inside a
 * placeholder (`<PHONE_1>`).
 */
const PHONE_WORD = /(?<!<)(?:phone|mobil|handy|whats ?app|telef|t[ée]l[ée]ph|tel[ée]f|rufnummer|portable|cellulare|m[óo]vil|msisdn|(?<![A-Za-z])(?:tel|tlf|ph|mob|fax|sms|cell|gsm|anruf)(?![a-z]))/i;
/** Key names of phone fields (`phone`, `phoneNumber`, `mobile`, `Telefon`, `whatsapp`, WhatsApp's `wa_id`, `fax`). */
const PHONE_FIELD_NAME = /phone|mobil|telef|t[ée]l[ée]ph|whatsapp|msisdn|handy|^(?:tel|fax|cell|wa_?id)$/i;

/** …but not the fields about a phone: `phoneNumberId` (WhatsApp's account id), `phoneType`, `phone_verified`, `mobileCountryCode`. */
const PHONE_FIELD_NOT = /(?:id|ids|type|format|field|verified|country|code|prefix|ext|extension|app|os|model)$/i;

export function isPhoneFieldName(key: string): boolean {
  return key.length <= 40 && PHONE_FIELD_NAME.test(key) && !PHONE_FIELD_NOT.test(key) && !/[ \n]/.test(key.trim());
}

/** How far before a number a phone word may stand (same line). */
const PHONE_WORD_WINDOW = 40;

function phoneWordBefore(text: string, offset: number): boolean {
  let start = Math.max(0, offset - PHONE_WORD_WINDOW);
  const newline = text.lastIndexOf('\n', offset - 1);
  if (newline >= start) start = newline + 1;
  return PHONE_WORD.test(text.slice(start, offset));
}

/**
 * A phone starts at a boundary: not glued to a letter, digit, `+`, `.`, `/`, `-` or `\` before it
 * (`x+1234567890`, `Screenshot+2025-08-02`, `v1.2025…` are not phones), except after the escape
 * sequences `\n`, `\r`, `\t` written inside code strings.
 */
function phoneBoundary(text: string, offset: number): boolean {
  if (offset === 0) return true;
  const before = text[offset - 1];
  if (!/[A-Za-z0-9_+./\-\\]/.test(before)) return true;
  return offset >= 2 && text[offset - 2] === '\\' && /[nrt]/.test(before);
}

/**
 * Numbers without `+` start at a stricter boundary: not after `#` (colours: `#059669 100%`) or
 * after a digit and `:` (times: `00:00:02.5250613`).
 */
function plainBoundary(text: string, offset: number): boolean {
  if (!phoneBoundary(text, offset)) return false;
  const before = text[offset - 1];
  return before !== '#' && !(before === ':' && /[0-9]/.test(text[offset - 2] ?? ''));
}

/** Fictional/placeholder numbers: sequences, repeated digits, NANP 555 exchange, all zeros. */
export function isPlaceholderPhone(digits: string): boolean {
  if (/0123456789|123456789|987654321|(\d)\1{6,}/.test(digits)) return true;
  if (/^1?(?:[2-9]\d{2}555|555\d{3})\d{4}$/.test(digits)) return true; // fictional NANP: 555 exchange or area code
  return /^\d{1,3}0{7,}$/.test(digits);
}

function isIntlCandidate(raw: string): boolean {
  const body = raw.replace(/^(?:\+|%2B)/i, '');
  const digits = body.replace(/\D/g, '');
  if (digits.length < 8 || digits.length > 15) return false;
  if (/[ .\-\u00a0]{2,}|\(\)|[.\-][ \u00a0(]|\)[.\-]/.test(body)) return false;
  const opens = (body.match(/\(/g) ?? []).length;
  const closes = (body.match(/\)/g) ?? []).length;
  if (opens !== closes || opens > 1) return false;
  const dots = (body.match(/\./g) ?? []).length;
  if (dots === 1) return false; // decimal number / coordinate
  if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}/.test(body)) return false; // date
  if (/^\d+$/.test(body) && /0{5,}$/.test(body)) return false; // round number (+86400000)
  return !isPlaceholderPhone(digits);
}

/**
 * Bare trunk-prefixed mobile numbers, recognisable without a phone word: UK `07…` (11 digits),
 * DE `015…`–`017…` (11–12), FR `06…`/`07…`, NL `06…` (10), BE `04…` (10), AT `06…` (10–13),
 * IE `08…` (10), SE `07…` (10).
 */
const BARE_MOBILE = /^(?:07[1-9][0-9]{8}|01[5-7][0-9]{8,9}|0[67][0-9]{8}|04[5-9][0-9]{7}|06[5-9][0-9]{7,10}|08[3-9][0-9]{7})$/;

/** Country codes of the EU, the UK, EEA/CH and NANP (for bare runs next to a phone word: `4915123456789`). */
const COUNTRY_CODE = /^(?:1|7|3[0-469]|4[013-9]|35[0-9]|37[0-9]|38[0-9]|42[0-9])/;

/** A trunk (`0…`) or `00…` match: a phone number, not a date, ZIP+4, decimal or id? */
function isTrunkPhone(match: string, wordBefore: () => boolean): boolean {
  const digits = digitsOf(match);
  const separated = /[^0-9]/.test(match);
  if (isPlaceholderPhone(digits)) return false;
  if (/^00/.test(digits)) {
    const rest = digits.slice(2);
    if (rest.length < 8 || rest.length > 15 || !COUNTRY_CODE.test(rest)) return false;
    return separated || wordBefore();
  }
  if (digits.length < 9 || digits.length > 12) return false;
  if (!separated) return BARE_MOBILE.test(digits) || wordBefore();
  const groups = match.replace(/[()]/g, '').split(/ ?\/ ?| - |[ \-.\u00a0]/);
  // Dates (01.02.2024 10, 05/06/2023 12), ZIP+4 (02134-1234), and one-digit groups are not phones.
  if (/^[0-9]{1,2}([./-])[0-9]{1,2}\1(?:[0-9]{4}(?![0-9])(?!\1)|[0-9]{2}$)/.test(match)) return false;
  if (/^0[0-9]{4}-[0-9]{4}$/.test(match)) return false;
  if (groups.some((g) => g.length < 2)) return false;
  // Dots and other separators mixed: a date or version with a number after it, not a phone.
  if (match.includes('.') && /[ \-/\u00a0]/.test(match)) return false;
  return true;
}

/**
 * A run without trunk (no `+`, no `0`), next to a phone word: NANP, 9-digit EU (ES, PT, PL, IT), a
 * bare international number of the EU, UK or NANP. As a phone field's whole value: 8–15 digits
 * of any country (`"recipientPhoneNumber": "919108281677"`).
 */
function isPlainPhone(match: string, field: boolean): boolean {
  const digits = digitsOf(match);
  if (isPlaceholderPhone(digits) || digits.length < 8 || digits.length > (field ? 15 : 13)) return false;
  if (field && match.length === digits.length) return true;
  if (/^1[0-9]{9}$/.test(digits) && !/[ \-.]/.test(match)) return false; // Unix time in seconds
  if (/^[2-9][0-9]{2}[2-9][0-9]{6}$/.test(digits)) return true; // NANP
  if (/^1[2-9][0-9]{2}[2-9][0-9]{6}$/.test(digits)) return true; // NANP with country code
  if (digits.length === 9 && /^[3-9]/.test(digits)) return true; // ES, PT, PL, IT mobiles
  if (digits.length === 10 && /^3/.test(digits)) return true; // IT mobile 3xx xxx xxxx
  if (digits.length === 8 && /[ \-.]/.test(match)) return true; // DK, NO: 12 34 56 78
  return digits.length >= 11 && COUNTRY_CODE.test(digits); // 4915123456789
}

export function redactPhones(text: string, redactor: Redactor, scan: PhoneScan): string {
  let result = text;
  const phone = (raw: string) => redactor.replace('phone', 'PHONE', raw);
  if (scan.plus) {
    INTL_PHONE.lastIndex = 0;
    result = result.replace(INTL_PHONE, (match: string, offset: number, whole: string) => (phoneBoundary(whole, offset) && isIntlCandidate(match) ? phone(match) : match));
  }
  if (scan.link) {
    TEL_PHONE.lastIndex = 0;
    result = result.replace(TEL_PHONE, (match: string, prefix: string, number: string) => {
      const digits = digitsOf(number);
      if (digits.length < 7 || digits.length > 15 || isPlaceholderPhone(digits)) return match;
      return prefix + phone(number);
    });
  }
  if (!scan.digits) return result;
  const wordAt = (whole: string, offset: number) => scan.phoneField || phoneWordBefore(whole, offset);
  NANP_PHONE.lastIndex = 0;
  result = result.replace(NANP_PHONE, (match: string, sep1: string | undefined, _sep2: string, offset: number, whole: string) => {
    if (!plainBoundary(whole, offset)) return match;
    const digits = match.replace(/\D/g, '');
    if (isPlaceholderPhone(digits) || /^(?:1[-. ])?(\d{3})[-.]\1[-.]/.test(match)) return match;
    // `320 480 1024` (image sizes, lists) reads as a phone only next to a phone word.
    if (sep1 === ' ' && !wordAt(whole, offset)) return match;
    return phone(match);
  });
  TRUNK_PHONE.lastIndex = 0;
  result = result.replace(TRUNK_PHONE, (match: string, offset: number, whole: string) =>
    plainBoundary(whole, offset) && isTrunkPhone(match, () => wordAt(whole, offset)) ? phone(match) : match,
  );
  if (scan.phoneField || PHONE_WORD.test(result)) {
    PLAIN_PHONE.lastIndex = 0;
    result = result.replace(PLAIN_PHONE, (match: string, offset: number, whole: string) => {
      if (!plainBoundary(whole, offset) || !wordAt(whole, offset)) return match;
      const digits = digitsOf(match);
      // Thousands groups (`612 345 678`): a phone only as 9 digits next to a phone word.
      if (/^[0-9]{1,3}(?:[ .][0-9]{3})+$/.test(match) && digits.length !== 9) return match;
      return isPlainPhone(match, scan.phoneField && match === whole.trim().replace(/^=/, '')) ? phone(match) : match;
    });
  }
  return result;
}
