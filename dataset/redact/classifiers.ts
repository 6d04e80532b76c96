/** What a value or a key name is: an obvious placeholder, random-looking, secret-named (see index.ts). */

import { PLACEHOLDER_PATTERN } from './placeholders';

const MARKER_WORDS = new Set([
  'your',
  'yours',
  'here',
  'placeholder',
  'insert',
  'paste',
  'replace',
  'enter',
  'example',
  'sample',
  'dummy',
  'changeme',
  'redacted',
  'fake',
  'mock',
]);
const MARKER_SUBSTRING = /your|here|placeholder|insert|paste|replace|example|changeme/i;
const CREDENTIAL_WORDS = new Set(['key', 'keys', 'token', 'secret', 'password', 'pass', 'pwd', 'api', 'apikey', 'auth', 'access', 'credential', 'credentials', 'bearer']);

/**
 * An obvious placeholder rather than a secret: `YOUR_API_KEY`, `<token>`, `[key]`, `xxxx`,
 * `sk-****`, `AKIAIOSFODNN7EXAMPLE`, `shpat_abc123…`, env-var names (`NEWS_API_KEY`), `1234567890`.
 */
export function isPlaceholderValue(value: string): boolean {
  const s = value.trim();
  if (s === '') return true;
  if (s.includes('EXAMPLE')) return true;
  if (/[xX]{4,}|\*{3,}|\.{3}|…|•{3,}/.test(s)) return true;
  if (/^[<[{(].*[>\]})]$/s.test(s)) return true;
  if (/<[^<>]*>/.test(s) && !PLACEHOLDER_PATTERN.test(s)) return true;
  const words = s.toLowerCase().split(/[^a-z0-9]+/);
  for (const w of words) if (MARKER_WORDS.has(w)) return true;
  if (!/\d/.test(s) && MARKER_SUBSTRING.test(s)) return true;
  if (/^[A-Za-z]+(?:[_-][A-Za-z]+)+$/.test(s) && words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  if (/^[xX*.•…_-]+$/.test(s)) return true; // XXX, ***, ...
  if (s.length >= 3 && '01234567890'.includes(s)) return true; // 123, 123456, 1234567890
  if (/^(?:0{6,}|(.)\1{5,})$/.test(s)) return true;
  // A description rather than a value: `add tavily token`, `your key goes here`.
  if (/^[A-Za-z]+(?: [A-Za-z]+)+$/.test(s) && words.some((w) => CREDENTIAL_WORDS.has(w) || w === 'add' || w === 'get' || w === 'put')) return true;
  return false;
}

/**
 * Placeholder check for pattern matches (provider keys, JWTs): narrower than
 * {@link isPlaceholderValue} so a random key almost never passes for a placeholder by chance.
 */
export function isPlaceholderKey(s: string): boolean {
  if (s.includes('EXAMPLE') || /[xX]{6,}|\*{3,}|\.{3}/.test(s)) return true;
  for (const w of s.toLowerCase().split(/[^a-z0-9]+/)) if (MARKER_WORDS.has(w)) return true;
  return !/\d/.test(s) && MARKER_SUBSTRING.test(s);
}

/** Random-looking: letters and digits mixed, or a long mixed-case run; no whitespace. */
export function looksRandom(s: string): boolean {
  if (s.length < 8 || /\s/.test(s)) return false;
  const digit = /\d/.test(s);
  const letter = /[A-Za-z]/.test(s);
  if (digit && letter) return true;
  return s.length >= 16 && /[a-z]/.test(s) && /[A-Z]/.test(s);
}

/** Literal values a secret-named key can hold that are not secrets. */
export const NON_SECRET_WORDS = new Set([
  'true',
  'false',
  'null',
  'none',
  'undefined',
  'yes',
  'no',
  'on',
  'off',
  'string',
  'number',
  'boolean',
  'object',
  'array',
  'text',
  'password',
  'secret',
  'token',
  'required',
  'optional',
  'hidden',
  'header',
  'query',
  'body',
  'bearer',
  'basic',
  'token',
  'oauth',
  'oauth2',
  'apikey',
  'api_key',
  'digest',
  'jwt',
]);

/** Auth scheme words kept in front of a redacted credential (`Token <SECRET_1>`). */
export const SCHEME_PREFIX =
  /^(\s*(?:Bearer|Basic|Token|Bot|Key|ApiKey|Api-Key|OAuth|Digest|JWT|SSWS|Klaviyo-API-Key|GenieKey|DeepL-Auth-Key|Client-ID|Zoho-oauthtoken|Splunk)\s+)(\S[\s\S]*)$/i;

/** Normalised key name → secret? (`x-api-key`, `X-Shopify-Access-Token`, `client_secret`, `dbPass`, …) */
const SECRET_NAME_EXACT = new Set(['token', 'auth', 'xauth', 'pass', 'pwd', 'secret', 'cookie', 'jwt', 'bearer', 'sig']);
const SECRET_NAME_SUFFIX =
  /(?:password|passwd|passphrase|pwd|apikey|apisecret|accesskey|accesskeyid|secretkey|privatekey|signingkey|encryptionkey|masterkey|servicekey|servicerolekey|licensekey|subscriptionkey|authkey|authorization|cookie|token|dbpass|userpass|smtppass|mailpass|ftppass|adminpass|rootpass|proxypass|httppass)$/;
const NOT_SECRET_TOKEN_PREFIX = /(?:^|page|next|prev|previous|continuation|cursor|sync|cancel|cancellation|from|to|max|min|num|count|total|input|output|prompt|completion|reasoning|cached|stop|eos|bos|pad|sep|cls|unk|mask|special|chunk)token$/;
const NOT_SECRET_SUFFIX =
  /(?:name|names|id|ids|type|types|mode|field|fields|length|hint|url|uri|path|file|filename|format|policy|policies|options|option|required|protected|reset|ref|arn|count|expires|expiresin|expiry|expiration|ttl|usage|limit|location|prefix|source|label|placeholder|description|strategy|method|version)$/;

/**
 * Does a key name look like it holds a secret? Case and separators are ignored:
 * `password`, `dbPass`, `client_secret`, `apiKey`, `x-api-key`, `X-Shopify-Access-Token`,
 * `Authorization`, `Proxy-Authorization`, `privateKey`, `token`, `accessToken`, `Cookie`.
 * Not: `authentication`, `author`, `maxTokens`, `pageToken`, `nextToken`, `sessionKey`,
 * `keyName`, `passwordLength`, `secretName`, `tokenUrl`, `key`.
 */
export function isSecretName(name: string): boolean {
  const cached = secretNameCache.get(name);
  if (cached !== undefined) return cached;
  const result = SECRET_NAME_HINT.test(name) && computeIsSecretName(name);
  if (secretNameCache.size < 100_000) secretNameCache.set(name, result);
  return result;
}

const secretNameCache = new Map<string, boolean>();
const SECRET_NAME_HINT = /pass|pwd|secret|token|key|auth|cookie|credential|jwt|bearer|sig/i;

function computeIsSecretName(name: string): boolean {
  let n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n.length < 3 || n.length > 80) return false;
  if (SECRET_NAME_EXACT.has(n)) return true;
  if (n.endsWith('accesskeyid')) return true;
  if (NOT_SECRET_SUFFIX.test(n)) return false;
  // Plurals: apiKeys, secrets, passwords, accessTokens; plain `tokens` (maxTokens, inputTokens) are counts.
  if (n.endsWith('tokens') && !/(?:access|refresh|auth|api|bot|bearer|session|id|oauth|user|app|client)tokens$/.test(n)) return false;
  if (/(?:keys|secrets|passwords|tokens)$/.test(n)) n = n.slice(0, -1);
  if (n.includes('secret') || n.includes('password') || n.includes('passwd')) return true;
  if (n.endsWith('token')) return n === 'token' || !NOT_SECRET_TOKEN_PREFIX.test(n);
  return SECRET_NAME_SUFFIX.test(n);
}
