/**
 * Redaction inside one string: provider patterns, auth values, assignments, URLs, emails, card
 * numbers, IBANs, phones, home-folder user names, encoded secrets (see index.ts).
 */

import { isPlaceholderKey, isPlaceholderValue, isSecretName, looksRandom, NON_SECRET_WORDS, SCHEME_PREFIX } from './classifiers';
import { base64Candidates, decoding, redactEncoded } from './encoded';
import { redactCards, redactIbans } from './numbers';
import { redactPathUsers } from './paths';
import { redactPhones } from './phones';
import { PLACEHOLDER_GLOBAL, PLACEHOLDER_PATTERN, Redactor, type PlaceholderLabel, type RedactionKind } from './placeholders';

interface PatternRule {
  kind: RedactionKind;
  label: PlaceholderLabel;
  /**
   * One of these must occur in the string's long runs, each with 8 characters of left context
   * (cheap gate before the regex runs; empty: always run).
   */
  hints: string[];
  /** Global regex; the secret is capture group `group` (0 = the whole match). */
  regex: RegExp;
  group?: number;
  /** Extra check on the secret (placeholders are always rejected). */
  accept?: (secret: string) => boolean;
}

const hasDigitAndLetter = (s: string) => /\d/.test(s) && /[A-Za-z]/.test(s);
export const mixedCase = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s);
/** OpenAI-style key bodies; kebab-case slugs (`sk-learn-tutorial-2023-part-one`) are not keys. */
const openAiBody = (s: string) => hasDigitAndLetter(s) && !/^sk-[a-z0-9]+(?:[-_][a-z0-9]+){2,}$/.test(s);

// Boundaries: a key never continues a longer token (base64 blobs, identifiers).
const B = '(?<![A-Za-z0-9_\\-+/])';
const E = '(?![A-Za-z0-9_\\-])';

function rule(
  kind: RedactionKind,
  label: PlaceholderLabel,
  hints: string[],
  source: string,
  accept?: (s: string) => boolean,
  group = 0,
  flags = 'g',
): PatternRule {
  return { kind, label, hints, regex: new RegExp(source, flags), group, accept };
}

/** Provider keys, in order (more specific shapes first). */
const PROVIDER_RULES: PatternRule[] = [
  rule('anthropic_key', 'ANTHROPIC_API_KEY', ['sk-ant-'], `${B}sk-ant-[A-Za-z0-9_-]{32,}${E}`, hasDigitAndLetter),
  rule('provider_key', 'OPENROUTER_API_KEY', ['sk-or-'], `${B}sk-or-v1-[a-f0-9]{64}${E}`),
  rule('openai_key', 'OPENAI_API_KEY', ['sk-'], `${B}sk-(?!ant-|or-v1-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}${E}`, openAiBody),
  rule('aws_access_key', 'AWS_ACCESS_KEY_ID', ['AKIA', 'ASIA', 'ABIA', 'ACCA'], `${B}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`),
  rule('github_token', 'GITHUB_TOKEN', ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], `${B}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})${E}`, hasDigitAndLetter),
  rule('gitlab_token', 'GITLAB_TOKEN', ['glpat-'], `${B}glpat-[A-Za-z0-9_-]{20,}${E}`, hasDigitAndLetter),
  rule('slack_token', 'SLACK_TOKEN', ['xox', 'xapp-'], `${B}(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\\d-[A-Za-z0-9-]{10,})${E}`, (s) => /\d/.test(s)),
  rule('stripe_key', 'STRIPE_KEY', ['k_live_', 'k_test_', 'whsec_'], `${B}(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{24,})${E}`, hasDigitAndLetter),
  rule('google_api_key', 'GOOGLE_API_KEY', ['AIza'], `${B}AIza[0-9A-Za-z_-]{35}${E}`),
  rule('google_oauth_secret', 'GOOGLE_OAUTH_SECRET', ['GOCSPX-'], `${B}GOCSPX-[A-Za-z0-9_-]{28}${E}`),
  rule('google_oauth_token', 'GOOGLE_OAUTH_TOKEN', ['ya29.', '1//0'], `${B}(?:ya29\\.[A-Za-z0-9_-]{20,}|1//0[A-Za-z0-9_-]{40,})${E}`, hasDigitAndLetter),
  rule('huggingface_token', 'HUGGINGFACE_TOKEN', ['hf_'], `${B}hf_[A-Za-z0-9]{30,}${E}`, mixedCase),
  rule('sendgrid_key', 'SENDGRID_API_KEY', ['SG.'], `${B}SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{16,64}${E}`, hasDigitAndLetter),
  rule('facebook_token', 'FACEBOOK_ACCESS_TOKEN', ['EAA'], `${B}EAA[A-Za-z0-9]{30,}(?![A-Za-z0-9])`, (s) => hasDigitAndLetter(s) && mixedCase(s)),
  rule('provider_key', 'BREVO_API_KEY', ['xkeysib-', 'xsmtpsib-'], `${B}x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}${E}`),
  rule('provider_key', 'RAPIDAPI_KEY', ['jsn'], `${B}[a-f0-9]{10}msh[a-f0-9]{15}p1[a-f0-9]{4,8}jsn[a-f0-9]{12}${E}`),
  rule('provider_key', 'NOTION_TOKEN', ['secret_', 'ntn_'], `${B}(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50})${E}`, hasDigitAndLetter),
  rule('provider_key', 'AIRTABLE_TOKEN', ['pat'], `${B}pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}${E}`),
  rule('provider_key', 'SHOPIFY_TOKEN', ['shpat_', 'shpss_', 'shpca_', 'shppa_'], `${B}shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}${E}`),
  rule('provider_key', 'GROQ_API_KEY', ['gsk_'], `${B}gsk_[A-Za-z0-9]{40,}${E}`, hasDigitAndLetter),
  rule('provider_key', 'REPLICATE_API_TOKEN', ['r8_'], `${B}r8_[A-Za-z0-9]{30,}${E}`, hasDigitAndLetter),
  rule('provider_key', 'PERPLEXITY_API_KEY', ['pplx-'], `${B}pplx-[A-Za-z0-9]{40,}${E}`, hasDigitAndLetter),
  rule('provider_key', 'XAI_API_KEY', ['xai-'], `${B}xai-[A-Za-z0-9]{50,}${E}`, hasDigitAndLetter),
  rule('provider_key', 'MAILCHIMP_API_KEY', ['-us'], `(?<![A-Za-z0-9])[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9])`),
  rule('provider_key', 'NPM_TOKEN', ['npm_'], `${B}npm_[A-Za-z0-9]{36}${E}`, hasDigitAndLetter),
  rule('provider_key', 'ATLASSIAN_API_TOKEN', ['ATATT'], `${B}ATATT3[A-Za-z0-9_=-]{100,}${E}`, hasDigitAndLetter),
  rule('provider_key', 'SUPABASE_SECRET_KEY', ['sb_secret_'], `${B}sb_secret_[A-Za-z0-9_-]{20,}${E}`),
  rule('jwt', 'JWT', ['eyJ'], `${B}eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}${E}`),
];

const TELEGRAM_RULE = rule('telegram_bot_token', 'TELEGRAM_BOT_TOKEN', [], `(?<![0-9])[0-9]{8,10}:[A-Za-z0-9_-]{35}${E}`, (s) =>
  hasDigitAndLetter(s.slice(s.indexOf(':') + 1)),
);

/** Webhook URLs: the host and path prefix stay, the secret path goes. */
const WEBHOOK_RULES: PatternRule[] = [
  rule(
    'slack_webhook',
    'SLACK_WEBHOOK',
    ['hooks.slack.com/'],
    `(hooks\\.slack\\.com/(?:services|workflows|triggers)/)([A-Za-z0-9_-]+/[A-Za-z0-9_/-]{8,})`,
    hasDigitAndLetter,
    2,
  ),
  rule(
    'discord_webhook',
    'DISCORD_WEBHOOK',
    ['/api/webhooks/'],
    `(discord(?:app)?\\.com/api/webhooks/)([0-9]{5,25}/[A-Za-z0-9_-]{20,})`,
    hasDigitAndLetter,
    2,
  ),
];

const AWS_SECRET_RULE = rule(
  'aws_secret_key',
  'AWS_SECRET_ACCESS_KEY',
  [],
  `((?:aws_?)?secret_?(?:access_?)?key(?:_?id)?\\\\?["']?\\s{0,3}[:=]\\s{0,3}\\\\?["']?)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
  hasDigitAndLetter,
  2,
  'gi',
);

const BEARER = /\b(bearer)(\s+|%20|\+)([A-Za-z0-9\-._~+/]{8,}=*)(?![A-Za-z0-9\-._~+/=])/gi;
const BASIC = /\b(basic)(\s+|%20)([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/gi;
const URL_CREDENTIALS = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{1,30}:\/\/)([^\s:/?#@"'`<>{}()\\[\]|,;]{0,128}):([^\s/?#@"'`<>{}\\|]{1,256})@(?=[A-Za-z0-9[])/g;

// ---------------------------------------------------------------------------------------------
// Text redaction

function hinted(r: PatternRule, text: string): boolean {
  for (const h of r.hints) if (text.includes(h)) return true;
  return false;
}

/** Every provider hint in one alternation, longest first (`sk-ant-` before `sk-`). */
const PROVIDER_HINTS = new RegExp(
  [...new Set(PROVIDER_RULES.flatMap((r) => r.hints))]
    .sort((a, b) => b.length - a.length)
    .map((h) => h.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
  'g',
);

/** Provider rules whose hint occurs in `runs`. */
function hintedProviderRules(runs: string): PatternRule[] {
  PROVIDER_HINTS.lastIndex = 0;
  let found: Set<string> | undefined;
  let m: RegExpExecArray | null;
  while ((m = PROVIDER_HINTS.exec(runs)) !== null) (found ??= new Set()).add(m[0]);
  if (found === undefined) return [];
  const hits = found;
  return PROVIDER_RULES.filter((r) => r.hints.some((h) => hits.has(h)));
}

function applyRule(text: string, r: PatternRule, redactor: Redactor): string {
  r.regex.lastIndex = 0;
  const group = r.group ?? 0;
  return text.replace(r.regex, (...args: unknown[]) => {
    const match = args[0] as string;
    const secret = (args[group] as string | undefined) ?? '';
    if (secret === '' || isPlaceholderKey(secret) || (r.accept && !r.accept(secret))) return match;
    const placeholder = redactor.replace(r.kind, r.label, secret);
    if (group === 0) return placeholder;
    // Rebuild: groups before the secret, the placeholder (groups after the secret do not exist in these rules).
    let out = '';
    for (let g = 1; g < group; g++) out += (args[g] as string | undefined) ?? '';
    return out + placeholder;
  });
}

function redactPrivateKeys(text: string, redactor: Redactor): string {
  if (!text.includes('-----BEGIN')) return text;
  const begin = /-----BEGIN ((?:[A-Z0-9]+ ){0,4})PRIVATE KEY(?: BLOCK)?-----/g;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = begin.exec(text)) !== null) {
    const start = m.index;
    const bodyStart = start + m[0].length;
    const endMarker = /-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----/g;
    endMarker.lastIndex = bodyStart;
    const end = endMarker.exec(text);
    let stop: number;
    let body: string;
    if (end && end.index - bodyStart < 20000) {
      stop = end.index + end[0].length;
      body = text.slice(bodyStart, end.index);
    } else {
      // Truncated block: the key material runs on (base64, whitespace, literal "\n", PEM headers).
      const run = /[A-Za-z0-9+/=\s\\:,-]*/y;
      run.lastIndex = bodyStart;
      run.exec(text);
      stop = run.lastIndex;
      body = text.slice(bodyStart, stop);
    }
    // Key material is base64 lines: a placeholder body has brackets, ellipses or words between spaces.
    const compact = body.replace(/\\[nrt]|\s/g, '');
    const spaced = body.replace(/\\[nrt]/g, ' ').toLowerCase();
    const placeholder = /[[\]<>{}…]|\.{3}/.test(body) || /(?:^|\s)(?:your|insert|paste|here|placeholder|replace|key)(?=\s|$)/.test(spaced);
    if (compact.length < 64 || placeholder) {
      begin.lastIndex = bodyStart;
      continue;
    }
    out += text.slice(last, start) + redactor.replace('private_key', 'PRIVATE_KEY', text.slice(start, stop));
    last = stop;
    begin.lastIndex = stop;
  }
  return last === 0 ? text : out + text.slice(last);
}

function redactBearer(text: string, redactor: Redactor): string {
  BEARER.lastIndex = 0;
  return text.replace(BEARER, (match: string, word: string, space: string, token: string) => {
    if (isPlaceholderKey(token) || !looksRandom(token)) return match;
    return word + space + redactor.replace('bearer_token', 'BEARER_TOKEN', token);
  });
}

/** `Basic <base64 of user:password>`: only when the value really decodes to `something:something`. */
function isBasicCredential(b64: string): boolean {
  if (b64.length % 4 === 1) return false;
  let decoded: string;
  try {
    decoded = Buffer.from(b64, 'base64').toString('latin1');
  } catch {
    return false;
  }
  return decoded.length >= 3 && /^[\x20-\x7e]+$/.test(decoded) && decoded.indexOf(':') > 0;
}

function redactBasic(text: string, redactor: Redactor): string {
  BASIC.lastIndex = 0;
  return text.replace(BASIC, (match: string, word: string, space: string, value: string) => {
    if (!isBasicCredential(value)) return match;
    return word + space + redactor.replace('basic_auth', 'BASIC_AUTH', value);
  });
}

function redactUrlCredentials(text: string, redactor: Redactor): string {
  URL_CREDENTIALS.lastIndex = 0;
  return text.replace(URL_CREDENTIALS, (match: string, scheme: string, user: string, password: string) => {
    if (/[$%]\{|\{\{/.test(password) || isPlaceholderValue(password) || PLACEHOLDER_PATTERN.test(password)) return match;
    redactor.count('url_credentials');
    const u = user === '' || isPlaceholderValue(user) || PLACEHOLDER_PATTERN.test(user) ? user : redactor.placeholderFor('USER', user);
    return `${scheme}${u}:${redactor.placeholderFor('PASSWORD', password)}@`;
  });
}

const CREDENTIAL_KEYWORDS = /pass|secret|token|key|auth|pwd|cookie|credential|\bsig\b/gi;
const NAME_CHAR = /[A-Za-z0-9_$.-]/;
const ASSIGN_TAIL = /\\?["'`]?\]?\s{0,5}(?::(?!:)|=(?![=>~]))\s{0,5}/y;
const QUERY_VALUE = /[^&#\s"'`<>{}\\|]*/y;
const UNQUOTED_VALUE = /[A-Za-z0-9_\-./+=~%:]*/y;

/**
 * Redact a literal credential value: `null` when it stays (empty, placeholder, data reference,
 * non-secret word), else the replacement text (an auth scheme word in front is kept).
 */
export function credentialReplacement(value: string, kind: RedactionKind, redactor: Redactor): string | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/\{\{|\$\{|^=/.test(trimmed)) return null;
  const scheme = SCHEME_PREFIX.exec(trimmed);
  const rest = scheme ? scheme[2] : trimmed;
  // References, not values: n8n (`$json.key`, `$env.KEY`), shell (`$TOKEN`, `$(gcloud auth print-access-token)`).
  if (rest.startsWith('$')) return null;
  // Only placeholders (and punctuation) left: the patterns already did the job.
  if (rest.replace(PLACEHOLDER_GLOBAL, '').replace(/[^A-Za-z0-9]/g, '') === '') return null;
  if (isPlaceholderValue(rest) || NON_SECRET_WORDS.has(rest.toLowerCase())) return null;
  if (rest.length < 3 && !/\d/.test(rest)) return null;
  const leading = value.slice(0, value.indexOf(trimmed[0]));
  const trailing = value.slice(leading.length + trimmed.length);
  return leading + (scheme ? scheme[1] : '') + redactor.replace(kind, 'SECRET', rest) + trailing;
}

/**
 * Secret-named keys with literal values inside text: `"api_key": "…"`, `apiKey: '…'`,
 * `const PASSWORD = "…"`, `headers['X-API-Key'] = '…'`, `\"token\": \"…\"` (JSON in a code
 * string), `x-api-key: abc123…` (curl/prose, random-looking values only), `?api_key=…&token=…`.
 */
function redactAssignments(text: string, redactor: Redactor): string {
  CREDENTIAL_KEYWORDS.lastIndex = 0;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = CREDENTIAL_KEYWORDS.exec(text)) !== null) {
    // Expand to the whole name.
    let start = m.index;
    let end = m.index + m[0].length;
    while (start > last && start > m.index - 80 && NAME_CHAR.test(text[start - 1])) start--;
    while (end < text.length && end < m.index + 80 && NAME_CHAR.test(text[end])) end++;
    CREDENTIAL_KEYWORDS.lastIndex = end;
    const name = text.slice(start, end);
    const before = start > 0 ? text[start - 1] : '';
    // A quoted word after `?` is a ternary branch (`ok ? 'Pass' : 'Fail'`), not a key.
    if (/['"`]/.test(before) && /\?\s*$/.test(text.slice(Math.max(0, start - 4), start - 1))) continue;
    const query = (before === '?' || before === '&') && text[end] === '=';
    if (query ? !(isSecretName(name) || /^(?:key|api[-_]?key|access[-_]?token|sig|signature)$/i.test(name)) : !isSecretName(name)) continue;
    let valueStart: number;
    let valueEnd: number;
    let quoted = false;
    if (query) {
      valueStart = end + 1;
      QUERY_VALUE.lastIndex = valueStart;
      QUERY_VALUE.exec(text);
      valueEnd = QUERY_VALUE.lastIndex;
    } else {
      ASSIGN_TAIL.lastIndex = end;
      if (!ASSIGN_TAIL.exec(text)) continue;
      let p = ASSIGN_TAIL.lastIndex;
      let escaped = false;
      if (text[p] === '\\' && (text[p + 1] === '"' || text[p + 1] === "'")) {
        escaped = true;
        p++;
      }
      const q = text[p];
      if (q === '"' || q === "'" || q === '`') {
        quoted = true;
        valueStart = p + 1;
        const close = findClosingQuote(text, valueStart, q, escaped);
        if (close < 0) continue;
        valueEnd = close;
      } else {
        valueStart = p;
        UNQUOTED_VALUE.lastIndex = p;
        UNQUOTED_VALUE.exec(text);
        valueEnd = UNQUOTED_VALUE.lastIndex;
        // Trailing punctuation belongs to the prose around the value.
        while (valueEnd > valueStart && /[.,:;]/.test(text[valueEnd - 1])) valueEnd--;
      }
    }
    const value = text.slice(valueStart, valueEnd);
    if (value === '' || PLACEHOLDER_PATTERN.test(value)) continue;
    if (!quoted) {
      if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(value)) continue; // code reference: process.env.KEY
      if (/^\s*[([.]/.test(text.slice(valueEnd, valueEnd + 2))) continue; // a call or member access: code
      if (!query && !(looksRandom(value) && hasDigitAndLetter(value))) continue;
      if (query && (value.length < 4 || isPlaceholderValue(value) || NON_SECRET_WORDS.has(value.toLowerCase()))) continue;
    } else {
      if (value.length > 1000 || value.includes('\n')) continue;
      // Prose and YAML (`Credential: \`Google Sheets account\``): an unquoted name with `:` and a value with spaces.
      if (/\s/.test(value.trim()) && !SCHEME_PREFIX.test(value.trim()) && !/['"`]/.test(before) && text.slice(end, valueStart).includes(':')) continue;
    }
    const replacement = credentialReplacement(value, query ? 'secret_query_param' : 'secret_assignment', redactor);
    if (replacement === null) continue;
    out += text.slice(last, valueStart) + replacement;
    last = valueEnd;
    CREDENTIAL_KEYWORDS.lastIndex = valueEnd;
  }
  return last === 0 ? text : out + text.slice(last);
}

function findClosingQuote(text: string, from: number, quote: string, escaped: boolean): number {
  const limit = Math.min(text.length, from + 1200);
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '\n') return -1;
    if (escaped) {
      if (c === '\\' && text[i + 1] === quote) return i;
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === quote) return i;
  }
  return -1;
}

// Emails ------------------------------------------------------------------------------------

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const FILE_TLDS = new Set(
  'png jpg jpeg gif svg webp bmp ico tif tiff pdf js mjs cjs ts tsx jsx json css scss less html htm md txt csv xml yml yaml py rb go rs java kt php sh bat zip gz tgz tar rar mp3 mp4 m4a wav mov avi webm ogg min map lock toml ini cfg conf log vue svelte node'.split(
    ' ',
  ),
);
const PLACEHOLDER_DOMAINS = new Set([
  'email.com',
  'domain.com',
  'yourdomain.com',
  'mydomain.com',
  'company.com',
  'mycompany.com',
  'yourcompany.com',
  'test.com',
  'acme.com',
  'acme.org',
  'acme.inc',
  'foo.com',
  'bar.com',
  'foobar.com',
  'placeholder.com',
  'website.com',
  'yoursite.com',
  'mysite.com',
  'site.com',
  'somewhere.com',
  'thread.skype',
  'thread.v2',
]);
const PLACEHOLDER_LOCALS =
  /^(?:you|your|yours|yourname|your[._-]?name|your[._-]?e?mail(?:[._-]?address)?|your[._-]?address|e?mail|email[._-]?address|address|adresse|example(?:[._-]?email)?|sample|test(?:ing)?(?:[._-]?user)?\d*|user(?:name)?\d*|name|first[._-]?(?:name[._-]?)?last(?:[._-]?name)?|firstname|lastname|john(?:[._-]?doe)?|jane(?:[._-]?doe)?|john[._-]?smith|jane[._-]?smith|j[._-]?smith|j[._-]?doe|someone|somebody|anyone|person|recipient|sender|foo|bar|foobar|x+|no[._-]?reply|do[._-]?not[._-]?reply|donotreply|mailer[._-]?daemon|postmaster|git)$/i;

function isPlaceholderEmail(local: string, domain: string): boolean {
  const d = domain.toLowerCase();
  if (PLACEHOLDER_DOMAINS.has(d)) return true;
  if (/^(?:[a-z0-9-]+\.)*(?:example|sample)[a-z0-9-]*\.[a-z.]+$/.test(d)) return true;
  if (/\.(?:example|test|invalid|localhost|local|internal)$/.test(d)) return true;
  if (/^your[a-z0-9-]*\./.test(d)) return true;
  return PLACEHOLDER_LOCALS.test(local);
}

/** Next `@` or URL-encoded `%40` from `from`: [index, length] or [-1, 0]. */
function nextAt(text: string, from: number): [number, number] {
  const plain = text.indexOf('@', from);
  const encoded = text.indexOf('%40', from);
  if (encoded >= 0 && (plain < 0 || encoded < plain)) return [encoded, 3];
  return [plain, plain < 0 ? 0 : 1];
}

function redactEmails(text: string, redactor: Redactor): string {
  let [at, atLength] = nextAt(text, 0);
  if (at < 0) return text;
  let out = '';
  let last = 0;
  while (at >= 0) {
    let s = at;
    while (s > last && at - s < 64 && LOCAL_CHAR.test(text[s - 1])) s--;
    // A literal "\n" (escape sequence inside code) before the address is not part of it.
    if (s > 0 && text[s - 1] === '\\' && /[nrt]/.test(text[s])) s++;
    while (s < at && /[.%+-]/.test(text[s])) s++;
    const domainStart = at + atLength;
    let e = domainStart;
    while (e < text.length && e - at < 255 && DOMAIN_CHAR.test(text[e])) e++;
    while (e > domainStart && /[.-]/.test(text[e - 1])) e--;
    const local = text.slice(s, at);
    const domain = text.slice(domainStart, e);
    const tld = /\.([A-Za-z]{2,24})$/.exec(domain);
    const next = text[e] ?? '';
    const valid =
      local.length > 0 &&
      !local.includes('..') &&
      tld !== null &&
      !/^[0-9]/.test(tld[1]) &&
      !FILE_TLDS.has(tld[1].toLowerCase()) &&
      !/^[.-]/.test(domain) &&
      !domain.includes('..') &&
      !/[A-Za-z0-9_]/.test(next) &&
      !/^\d+(?:\.\d+)?x\./i.test(domain);
    if (valid && !isPlaceholderEmail(local, domain)) {
      out += text.slice(last, s) + redactor.replace('email', 'EMAIL', `${local}@${domain}`);
      last = e;
      [at, atLength] = nextAt(text, e);
    } else {
      [at, atLength] = nextAt(text, at + 1);
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

// One pass over the characters decides which rules can possibly match (regexes are the cost).
const F_AT = 1;
const F_PLUS = 2;
const F_URL = 4;
const F_PEM = 8;
const F_KEYWORD = 16;
const F_BEARER = 32;
const F_BASIC = 64;
const F_TEL = 128;
const F_TELEGRAM = 256;
const F_SECRET = 512;
/** Six digits close together: what every card number, IBAN and phone number without `+` has. */
const F_DIGITS = 1024;
const DIGIT_GATE = /[0-9](?:[ \-./()\u00a0]{0,2}[0-9]){5}/;

/** [start, end) of the long runs found by the last {@link scan}. */
const scanRuns: number[] = [];

/** Run characters `[A-Za-z0-9_-]` (bit 1) and those of UUIDs/hashes, digits, a-f, '-' (bit 2). ASCII only. */
const RUN_CHAR = (() => {
  const t = new Uint8Array(128);
  for (let c = 48; c <= 57; c++) t[c] = 3;
  for (let c = 65; c <= 90; c++) t[c] = 1;
  for (let c = 97; c <= 122; c++) t[c] = c <= 102 ? 3 : 1;
  t[95] = 1;
  t[45] = 3;
  return t;
})();

function isRunChar(c: number): boolean {
  return c < 128 && (RUN_CHAR[c] & 1) === 1;
}

/**
 * Runs of at least 16 characters of `[A-Za-z0-9_-]` that are not only lowercase hex and dashes:
 * every provider key, JWT and webhook secret holds one (UUIDs and hashes never match a provider
 * shape). Any such run covers a position ≡ 15 (mod 16), so only those are probed and expanded.
 */
function findRuns(s: string): void {
  scanRuns.length = 0;
  const n = s.length;
  let i = 15;
  while (i < n) {
    if (!isRunChar(s.charCodeAt(i))) {
      i += 16;
      continue;
    }
    let a = i;
    let b = i + 1;
    while (a > 0 && isRunChar(s.charCodeAt(a - 1))) a--;
    while (b < n && isRunChar(s.charCodeAt(b))) b++;
    if (b - a >= 16) {
      let hexOnly = true;
      for (let j = a; j < b; j++) {
        if ((RUN_CHAR[s.charCodeAt(j)] & 2) === 0) {
          hexOnly = false;
          break;
        }
      }
      if (!hexOnly) scanRuns.push(a, b);
    }
    i = b + 16;
  }
}

/**
 * Words and shapes that gate the context rules (case-insensitive). One native pass; matches are
 * classified by their first characters.
 */
const GATE_WORDS = /pass|pwd|secret|sig|token|key|auth|cookie|credential|bearer|basic|tel:|phone|mobile|msisdn|wa\.me|whatsapp|[0-9]{8}:/gi;
/** The same without the frequent keywords, once one was seen (code strings hold hundreds). */
const GATE_REST = /secret|bearer|basic|tel:|phone|mobile|msisdn|wa\.me|whatsapp|[0-9]{8}:/gi;
const WORD_FLAGS = F_KEYWORD | F_SECRET | F_BEARER | F_BASIC | F_TEL | F_TELEGRAM;

/** Feature flags of a string: which rules can possibly match (the regexes are the cost). Also fills {@link scanRuns}. */
function scan(s: string): number {
  let flags = 0;
  if (s.includes('@') || s.includes('%40')) flags |= F_AT;
  if (s.includes('+') || s.includes('%2B') || s.includes('%2b')) flags |= F_PLUS;
  if (s.includes('://')) flags |= F_URL;
  if (s.includes('-----BEGIN')) flags |= F_PEM;
  if (DIGIT_GATE.test(s)) flags |= F_DIGITS;
  let gate = GATE_WORDS;
  gate.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((flags & WORD_FLAGS) !== WORD_FLAGS && (m = gate.exec(s)) !== null) {
    const w = m[0];
    const c = w.charCodeAt(0) | 32;
    const d = w.charCodeAt(1) | 32;
    if (c >= 48 && c <= 57) flags |= F_TELEGRAM; // digits and a colon
    else if (c === 98) flags |= d === 101 ? F_BEARER : F_BASIC; // bearer / basic
    else if (c === 115) flags |= d === 101 ? F_KEYWORD | F_SECRET : F_KEYWORD; // secret / sig
    else if (c === 116) flags |= d === 101 ? F_TEL : F_KEYWORD; // tel: / token
    else if (c === 112) flags |= d === 104 ? F_TEL : F_KEYWORD; // phone / pass, pwd
    else if (c === 109 || c === 119) flags |= F_TEL; // mobile, msisdn / wa.me, whatsapp
    else flags |= F_KEYWORD;
    if (gate === GATE_WORDS && flags & F_KEYWORD) {
      GATE_REST.lastIndex = gate.lastIndex;
      gate = GATE_REST;
    }
  }
  findRuns(s);
  return flags;
}

/**
 * Strings known to hold nothing to redact (whether a string changes depends on the string only,
 * never on the redactor's state). Node types, option values, keys and other short strings repeat
 * across workflows: they are scanned once per process.
 */
const CLEAN = new Set<string>();
/** Bounds of the cache: entries and total characters held. */
const CLEAN_MAX_SIZE = 500_000;
const CLEAN_MAX_CHARS = 32_000_000;
let cleanChars = 0;

/**
 * Strings that cannot hold anything to redact, recognised without a lookup: UUIDs (node ids,
 * assignment ids, webhook ids) and short words of letters and spaces (option values, field names).
 */
function isSimple(s: string): boolean {
  const n = s.length;
  if (n === 36 && s.charCodeAt(8) === 45 && s.charCodeAt(13) === 45 && s.charCodeAt(18) === 45 && s.charCodeAt(23) === 45) {
    for (let i = 0; i < 36; i++) {
      const c = s.charCodeAt(i);
      if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || c === 45)) return false;
    }
    return true;
  }
  if (n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) | 32;
    if (!((c >= 97 && c <= 122) || c === 32)) return false;
  }
  return true;
}

export interface TextContext {
  /** The string is the value of a phone field (`phone`, `mobile`, `wa_id` …): a bare digit run there is a phone. */
  phoneField?: boolean;
}

/**
 * Redact every pattern kind inside one string: provider keys, JWTs, PEM private keys, webhook
 * URLs, `Bearer`/`Basic` values, URL credentials, secret-named assignments and query parameters,
 * emails, card numbers, IBANs, phones, user names in home-folder paths, and base64 / URL-encoded
 * tokens that hide any of these. Works inside n8n expressions, code, JSON-in-strings, URLs. Never throws.
 */
export function redactText(text: string, redactor: Redactor, context?: TextContext): string {
  if (typeof text !== 'string' || text.length < 6 || isSimple(text)) return text;
  const phoneField = context?.phoneField === true;
  // The cache holds what is clean out of context: a phone field's value is checked again.
  if (!phoneField && CLEAN.has(text)) return text;
  try {
    const flags = scan(text);
    const base64 = base64Candidates(text, scanRuns);
    let s = text;
    if (flags & F_PEM) s = redactPrivateKeys(s, redactor);
    if (scanRuns.length > 0) {
      let runs = '';
      // Each run with 8 characters of left context (prefixes like `SG.`, `ya29.`, `1//0`).
      for (let i = 0; i < scanRuns.length; i += 2) runs += ' ' + text.slice(Math.max(0, scanRuns[i] - 8), scanRuns[i + 1]);
      for (const r of WEBHOOK_RULES) if (hinted(r, s)) s = applyRule(s, r, redactor);
      for (const r of hintedProviderRules(runs)) s = applyRule(s, r, redactor);
    }
    if (flags & F_TELEGRAM) s = applyRule(s, TELEGRAM_RULE, redactor);
    if (flags & F_SECRET) s = applyRule(s, AWS_SECRET_RULE, redactor);
    if ((flags & (F_URL | F_AT)) === (F_URL | F_AT)) s = redactUrlCredentials(s, redactor);
    if (flags & F_BEARER) s = redactBearer(s, redactor);
    if (flags & F_BASIC) s = redactBasic(s, redactor);
    if (flags & F_KEYWORD) s = redactAssignments(s, redactor);
    if (flags & F_AT) s = redactEmails(s, redactor);
    if (flags & F_DIGITS) {
      s = redactCards(s, redactor);
      s = redactIbans(s, redactor);
    }
    if (flags & (F_PLUS | F_TEL | F_DIGITS))
      s = redactPhones(s, redactor, { plus: (flags & F_PLUS) !== 0, link: (flags & F_TEL) !== 0, digits: (flags & F_DIGITS) !== 0, phoneField });
    s = redactPathUsers(s, redactor);
    const urlEncoded = s.includes('%');
    if (base64.length > 0 || urlEncoded) s = redactEncoded(s, redactor, redactText, base64, urlEncoded);
    if (s === text && !phoneField && !decoding() && CLEAN.size < CLEAN_MAX_SIZE && cleanChars + text.length <= CLEAN_MAX_CHARS) {
      CLEAN.add(text);
      cleanChars += text.length;
    }
    return s;
  } catch {
    // Unreachable in practice (plain string operations); never hand back an unscanned string.
    return redactor.replace('secret_parameter', 'SECRET', text);
  }
}
