/**
 * Payment card numbers and IBANs: found by shape, confirmed by their check digits (Luhn for cards,
 * ISO 7064 mod-97 for IBANs) and by the issuer ranges / country lengths the standards define, so
 * ids, amounts and timestamps that merely have the length survive (see index.ts).
 */

import type { Redactor } from './placeholders';

// Cards -------------------------------------------------------------------------------------

/** An issuer range: card numbers whose first digits lie in [from, to] (same number of digits) and the lengths the brand issues. */
interface CardRange {
  brand: string;
  from: number;
  to: number;
  lengths: readonly number[];
}

const range = (brand: string, from: number, to: number, lengths: readonly number[]): CardRange => ({ brand, from, to, lengths });
const L16_19 = [16, 17, 18, 19];

/** Issuer identification number ranges of the brands in use (ISO/IEC 7812; the brands' published tables). */
const CARD_RANGES: readonly CardRange[] = [
  range('visa', 4, 4, [13, 16, 19]),
  range('mastercard', 51, 55, [16]),
  range('mastercard', 2221, 2720, [16]),
  range('amex', 34, 34, [15]),
  range('amex', 37, 37, [15]),
  range('discover', 6011, 6011, L16_19),
  range('discover', 644, 649, L16_19),
  range('discover', 65, 65, L16_19),
  range('unionpay', 62, 62, L16_19),
  range('diners', 300, 305, [14, 15, 16, 17, 18, 19]),
  range('diners', 3095, 3095, [14, 15, 16, 17, 18, 19]),
  range('diners', 36, 36, [14, 15, 16, 17, 18, 19]),
  range('diners', 38, 39, [16, 17, 18, 19]),
  range('jcb', 3528, 3589, L16_19),
  range('maestro', 5018, 5018, [13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 5020, 5020, [13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 5038, 5038, [13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 5893, 5893, [13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 6304, 6304, [13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 6759, 6759, [13, 14, 15, 16, 17, 18, 19]),
  range('maestro', 6761, 6763, [13, 14, 15, 16, 17, 18, 19]),
  range('mir', 2200, 2204, L16_19),
  range('rupay', 60, 60, [16]),
  range('rupay', 508, 508, [16]),
];

/** Luhn (mod 10) check over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The brand whose issuer range and length fit `digits`, or undefined. */
export function cardBrand(digits: string): string | undefined {
  for (const r of CARD_RANGES) {
    if (!r.lengths.includes(digits.length)) continue;
    const width = String(r.from).length;
    const prefix = Number(digits.slice(0, width));
    if (prefix >= r.from && prefix <= r.to) return r.brand;
  }
  return undefined;
}

/** A payment card number: 13–19 digits in a brand's issuer range and length, Luhn-valid. */
export function isCardNumber(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && cardBrand(digits) !== undefined && luhnValid(digits);
}

/**
 * Card numbers as people write them: groups of four with one kind of separator (the last group
 * shorter: 19-digit and 13-digit cards), American Express 4-6-5 and Diners 4-6-4, or one run of
 * 13–19 digits. Not glued to a letter, digit, `.`, `,`, `+` or `-` on either side (decimals,
 * versions, phone numbers and longer digit runs are not cards).
 */
const CARD =
  /(?<![0-9A-Za-z_.,+-])(?:[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{1,4}(?:\1[0-9]{1,3})?|[0-9]{4}([ -])[0-9]{6}\2[0-9]{4,5}|[0-9]{13,19})(?![0-9A-Za-z_]|[.,][0-9]|[-+][0-9])/g;

export function redactCards(text: string, redactor: Redactor): string {
  CARD.lastIndex = 0;
  return text.replace(CARD, (match: string) => {
    const digits = match.replace(/[ -]/g, '');
    return isCardNumber(digits) ? redactor.replace('payment_card', 'CARD_NUMBER', match) : match;
  });
}

// IBANs -------------------------------------------------------------------------------------

/** IBAN length per country (SWIFT IBAN registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** ISO 7064 mod-97-10 over a compact IBAN (country, check digits, BBAN): the remainder is 1. */
export function ibanChecksumValid(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) remainder = (remainder * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) remainder = (remainder * 100 + (c - 55)) % 97;
    else return false;
  }
  return remainder === 1;
}

/** A compact, upper-case IBAN: known country, its length, a valid checksum. */
export function isIban(compact: string): boolean {
  const length = IBAN_LENGTHS[compact.slice(0, 2)];
  return length === compact.length && /^[A-Z]{2}[0-9]{2}[A-Z0-9]+$/.test(compact) && ibanChecksumValid(compact);
}

/**
 * IBANs written compact (`DE89370400440532013000`) or in the print format's groups of four
 * (`DE89 3704 0044 0532 0130 00`). A grouped match may run into a following word of four
 * characters (`… 7034 BANK`): it is cut to the country's length when that ends a group.
 */
const IBAN = /(?<![0-9A-Za-z])[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)(?![0-9A-Za-z])/g;

export function redactIbans(text: string, redactor: Redactor): string {
  IBAN.lastIndex = 0;
  return text.replace(IBAN, (match: string) => {
    const length = IBAN_LENGTHS[match.slice(0, 2)];
    if (length === undefined) return match;
    // The shortest prefix holding `length` characters other than spaces.
    let end = 0;
    for (let seen = 0; end < match.length && seen < length; end++) if (match[end] !== ' ') seen++;
    if (end < match.length && match[end] !== ' ') return match; // ends inside a group: not this country's IBAN
    const candidate = match.slice(0, end);
    if (!isIban(candidate.replace(/ /g, ''))) return match;
    return redactor.replace('iban', 'IBAN', candidate) + match.slice(end);
  });
}
