/** Redaction kinds, placeholders and the per-workflow Redactor that numbers them (see index.ts). */

export type RedactionKind =
  | 'openai_key'
  | 'anthropic_key'
  | 'aws_access_key'
  | 'aws_secret_key'
  | 'github_token'
  | 'gitlab_token'
  | 'slack_token'
  | 'slack_webhook'
  | 'discord_webhook'
  | 'telegram_bot_token'
  | 'stripe_key'
  | 'google_api_key'
  | 'google_oauth_secret'
  | 'google_oauth_token'
  | 'huggingface_token'
  | 'sendgrid_key'
  | 'facebook_token'
  /** Other providers with a recognisable key shape (Brevo, RapidAPI, Notion, Airtable, Shopify, Groq, …). */
  | 'provider_key'
  | 'jwt'
  | 'private_key'
  | 'bearer_token'
  | 'basic_auth'
  | 'url_credentials'
  | 'secret_parameter'
  /** A secret-named key with a literal value inside text: code, JSON bodies, prose (`"api_key": "…"`). */
  | 'secret_assignment'
  /** A secret-named URL query parameter with a literal value (`?api_key=…`, `&token=…`). */
  | 'secret_query_param'
  | 'email'
  | 'phone'
  /** A Luhn-valid number of 13–19 digits in a card brand's range (`4111 1111 1111 1111`). */
  | 'payment_card'
  /** An IBAN whose length fits its country and whose mod-97 checksum holds. */
  | 'iban'
  /** A base64 or URL-encoded token whose decoded text holds something to redact; replaced whole. */
  | 'encoded_secret'
  /** The user name in a home-folder path (`/Users/<name>/…`, `C:\Users\<name>\…`, `/home/<name>/…`). */
  | 'path_user';

export const REDACTION_KINDS: readonly RedactionKind[] = [
  'openai_key',
  'anthropic_key',
  'aws_access_key',
  'aws_secret_key',
  'github_token',
  'gitlab_token',
  'slack_token',
  'slack_webhook',
  'discord_webhook',
  'telegram_bot_token',
  'stripe_key',
  'google_api_key',
  'google_oauth_secret',
  'google_oauth_token',
  'huggingface_token',
  'sendgrid_key',
  'facebook_token',
  'provider_key',
  'jwt',
  'private_key',
  'bearer_token',
  'basic_auth',
  'url_credentials',
  'secret_parameter',
  'secret_assignment',
  'secret_query_param',
  'email',
  'phone',
  'payment_card',
  'iban',
  'encoded_secret',
  'path_user',
];

export type RedactionCounts = Partial<Record<RedactionKind, number>>;

// ---------------------------------------------------------------------------------------------
// Placeholders

/** Every label a placeholder can carry (`<LABEL_n>`). */
export const PLACEHOLDER_LABELS = [
  'OPENAI_API_KEY',
  'OPENROUTER_API_KEY',
  'ANTHROPIC_API_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
  'SLACK_TOKEN',
  'SLACK_WEBHOOK',
  'DISCORD_WEBHOOK',
  'TELEGRAM_BOT_TOKEN',
  'STRIPE_KEY',
  'GOOGLE_API_KEY',
  'GOOGLE_OAUTH_SECRET',
  'GOOGLE_OAUTH_TOKEN',
  'HUGGINGFACE_TOKEN',
  'SENDGRID_API_KEY',
  'FACEBOOK_ACCESS_TOKEN',
  'BREVO_API_KEY',
  'RAPIDAPI_KEY',
  'NOTION_TOKEN',
  'AIRTABLE_TOKEN',
  'SHOPIFY_TOKEN',
  'GROQ_API_KEY',
  'REPLICATE_API_TOKEN',
  'PERPLEXITY_API_KEY',
  'XAI_API_KEY',
  'MAILCHIMP_API_KEY',
  'NPM_TOKEN',
  'SUPABASE_SECRET_KEY',
  'ATLASSIAN_API_TOKEN',
  'JWT',
  'PRIVATE_KEY',
  'BEARER_TOKEN',
  'BASIC_AUTH',
  'USER',
  'PASSWORD',
  'SECRET',
  'EMAIL',
  'PHONE',
  'CARD_NUMBER',
  'IBAN',
  'ENCODED_SECRET',
] as const;

export type PlaceholderLabel = (typeof PLACEHOLDER_LABELS)[number];

/** Recognises one redaction placeholder (`<EMAIL_1>`). Not global: copy with the `g` flag to find all. */
export const PLACEHOLDER_PATTERN = new RegExp(`<(?:${PLACEHOLDER_LABELS.join('|')})_[1-9][0-9]*>`);
export const PLACEHOLDER_GLOBAL = new RegExp(PLACEHOLDER_PATTERN.source, 'g');

/**
 * Per-workflow redaction state: value → placeholder (same secret, same placeholder; numbered
 * per label in order of first appearance) and the running count of redactions by kind.
 */
export class Redactor {
  private readonly placeholders = new Map<string, string>();
  private readonly nextNumber = new Map<string, number>();
  private readonly tally: RedactionCounts = {};
  private readonly phones = new Set<string>();

  /** The placeholder for `value` (allocated on first sight) and one more redaction of `kind`. */
  replace(kind: RedactionKind, label: PlaceholderLabel, value: string): string {
    this.count(kind);
    return this.placeholderFor(label, value);
  }

  /** Count one redaction of `kind`. */
  count(kind: RedactionKind): void {
    this.tally[kind] = (this.tally[kind] ?? 0) + 1;
  }

  /** The placeholder for `value` under `label`, allocated on first sight (no count). */
  placeholderFor(label: PlaceholderLabel, value: string): string {
    const key = mapKey(label, value);
    const known = this.placeholders.get(key);
    if (known !== undefined) return known;
    const n = (this.nextNumber.get(label) ?? 0) + 1;
    this.nextNumber.set(label, n);
    const placeholder = `<${label}_${n}>`;
    this.placeholders.set(key, placeholder);
    if (label === 'PHONE') this.phones.add(digitsOf(value));
    return placeholder;
  }

  /** Digits of the phone numbers redacted so far (to find the same numbers written as bare digits). */
  get phoneDigits(): ReadonlySet<string> {
    return this.phones;
  }

  /** Redactions so far, by kind (a copy). */
  get counts(): RedactionCounts {
    return { ...this.tally };
  }

  /** Distinct values redacted so far. */
  get size(): number {
    return this.placeholders.size;
  }
}

/** The digits of a phone number (a URL-encoded `+` is not a digit). */
export function digitsOf(phone: string): string {
  return phone.replace(/%2[Bb]/g, '').replace(/\D/g, '');
}

/**
 * Emails compare case-insensitively, phones and card numbers by digits, IBANs without spaces and
 * case; anything else exactly. Users (of URLs and home folders) and passwords get their own namespaces.
 */
function mapKey(label: PlaceholderLabel, value: string): string {
  if (label === 'EMAIL') return `e\0${value.toLowerCase()}`;
  if (label === 'PHONE') return `p\0${digitsOf(value)}`;
  if (label === 'CARD_NUMBER') return `c\0${value.replace(/\D/g, '')}`;
  if (label === 'IBAN') return `i\0${value.replace(/\s/g, '').toUpperCase()}`;
  if (label === 'USER' || label === 'PASSWORD') return `${label}\0${value}`;
  return `v\0${value}`;
}

export function diffCounts(after: RedactionCounts, before: RedactionCounts): RedactionCounts {
  const out: RedactionCounts = {};
  for (const kind of REDACTION_KINDS) {
    const d = (after[kind] ?? 0) - (before[kind] ?? 0);
    if (d > 0) out[kind] = d;
  }
  return out;
}

/** Sum counts (e.g. over a corpus). */
export function addCounts(total: RedactionCounts, more: RedactionCounts): RedactionCounts {
  const out: RedactionCounts = { ...total };
  for (const kind of REDACTION_KINDS) if (more[kind]) out[kind] = (out[kind] ?? 0) + (more[kind] ?? 0);
  return out;
}
