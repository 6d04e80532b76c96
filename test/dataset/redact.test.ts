/**
 * Secret and personal-data redaction (dataset/redact/). Every fixture is generated here from a
 * seeded PRNG: realistic shapes, never real secrets.
 */
import fc from 'fast-check';
import {
  PLACEHOLDER_LABELS,
  PLACEHOLDER_PATTERN,
  REDACTION_KINDS,
  Redactor,
  addCounts,
  isSecretName,
  redactText,
  redactWorkflowStrings,
  type RedactionCounts,
  type RedactionKind,
} from '../../dataset/redact';
import { mulberry32 } from '../fake-openai/random';
import { loadCatalog } from '../../schemas/catalog/load';
import { loadTemplates, stockOnly } from '../helpers/templates';
import { validateWorkflow } from '../../schemas/validator';

const catalog = loadCatalog();

// ---------------------------------------------------------------------------------------------
// Seeded fake secrets

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const BASE62 = DIGITS + UPPER + LOWER;
const BASE64URL = BASE62 + '-_';
const BASE64 = BASE62 + '+/';
const HEX = '0123456789abcdef';

class Fakes {
  private readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)];
  }

  /** `n` characters of `alphabet`, with at least one digit, one lowercase and one uppercase where the alphabet has them (real keys always do). */
  chars(alphabet: string, n: number): string {
    for (;;) {
      let s = '';
      for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
      const needs = [DIGITS, LOWER, UPPER].filter((set) => [...set].some((c) => alphabet.includes(c)));
      // Placeholder-looking runs (xxxx) are not what random keys look like; draw again.
      if (needs.every((set) => [...s].some((c) => set.includes(c))) && !/[xX]{4}/.test(s)) return s;
    }
  }
}

interface Fixture {
  kind: RedactionKind;
  /** Text that holds the secret in the context its kind needs. */
  snippet: string;
  /** Strings that must not survive redaction. */
  needles: string[];
  /** Placeholder labels expected in the output. */
  labels: string[];
}

const FIRST = ['mira', 'jonas', 'aiko', 'tomas', 'leila', 'ravi', 'sofia', 'kwame', 'ingrid', 'mateo'];
const LAST = ['tanaka', 'okafor', 'lindqvist', 'moreau', 'haddad', 'kowalski', 'nakamura', 'silva', 'brennan'];
const DOMAINS = ['fastmail.io', 'northwind-labs.com', 'gmail.com', 'posteo.de', 'acme-logistics.co.uk', 'outlook.com'];

/** One fixture of `kind`. */
function fixture(kind: RedactionKind, f: Fakes): Fixture {
  const simple = (label: string, secret: string, snippet = `the key is ${secret} (do not share)`): Fixture => ({
    kind,
    snippet,
    needles: [secret],
    labels: [label],
  });
  switch (kind) {
    case 'openai_key':
      return simple('OPENAI_API_KEY', `sk-proj-${f.chars(BASE62, 48)}`);
    case 'anthropic_key':
      return simple('ANTHROPIC_API_KEY', `sk-ant-api03-${f.chars(BASE64URL, 93)}AA`);
    case 'aws_access_key':
      return simple('AWS_ACCESS_KEY_ID', `AKIA${f.chars(UPPER + '234567', 16)}`);
    case 'aws_secret_key': {
      const secret = f.chars(BASE64, 40);
      return simple('AWS_SECRET_ACCESS_KEY', secret, `[default]\nregion = eu-west-1\naws_secret_access_key = ${secret}`);
    }
    case 'github_token':
      return simple('GITHUB_TOKEN', `ghp_${f.chars(BASE62, 36)}`);
    case 'gitlab_token':
      return simple('GITLAB_TOKEN', `glpat-${f.chars(BASE62, 20)}`);
    case 'slack_token':
      return simple('SLACK_TOKEN', `xoxb-${f.chars(DIGITS, 12)}-${f.chars(DIGITS, 13)}-${f.chars(BASE62, 24)}`);
    case 'slack_webhook': {
      const path = `T${f.chars(UPPER + DIGITS, 8)}/B${f.chars(UPPER + DIGITS, 10)}/${f.chars(BASE62, 24)}`;
      return simple('SLACK_WEBHOOK', path, `post to https://hooks.slack.com/services/${path} when done`);
    }
    case 'discord_webhook': {
      const path = `${f.chars(DIGITS, 18)}/${f.chars(BASE64URL, 68)}`;
      return simple('DISCORD_WEBHOOK', path, `https://discord.com/api/webhooks/${path}`);
    }
    case 'telegram_bot_token': {
      const token = `${1 + f.int(9)}${f.chars(DIGITS, 9)}:AA${f.chars(BASE64URL, 33)}`;
      return simple('TELEGRAM_BOT_TOKEN', token, `https://api.telegram.org/bot${token}/sendMessage`);
    }
    case 'stripe_key':
      return simple('STRIPE_KEY', `sk_live_${f.chars(BASE62, 99)}`);
    case 'google_api_key':
      return simple('GOOGLE_API_KEY', `AIza${f.chars(BASE64URL, 35)}`);
    case 'google_oauth_secret':
      return simple('GOOGLE_OAUTH_SECRET', `GOCSPX-${f.chars(BASE64URL, 28)}`);
    case 'google_oauth_token':
      return simple('GOOGLE_OAUTH_TOKEN', `ya29.${f.chars(BASE64URL, 120)}`);
    case 'huggingface_token':
      return simple('HUGGINGFACE_TOKEN', `hf_${f.chars(UPPER + LOWER, 34)}`);
    case 'sendgrid_key':
      return simple('SENDGRID_API_KEY', `SG.${f.chars(BASE64URL, 22)}.${f.chars(BASE64URL, 43)}`);
    case 'facebook_token':
      return simple('FACEBOOK_ACCESS_TOKEN', `EAA${f.chars(BASE62, 160)}`);
    case 'provider_key':
      return f.pick([
        () => simple('BREVO_API_KEY', `xkeysib-${f.chars(HEX, 64)}-${f.chars(BASE62, 16)}`),
        () => simple('NOTION_TOKEN', `ntn_${f.chars(BASE62, 46)}`),
        () => simple('GROQ_API_KEY', `gsk_${f.chars(BASE62, 52)}`),
        () => simple('AIRTABLE_TOKEN', `pat${f.chars(BASE62, 14)}.${f.chars(HEX, 64)}`),
        () => simple('RAPIDAPI_KEY', `${f.chars(HEX, 10)}msh${f.chars(HEX, 15)}p1${f.chars(HEX, 5)}jsn${f.chars(HEX, 12)}`),
      ])();
    case 'jwt': {
      const payload = Buffer.from(JSON.stringify({ sub: f.chars(DIGITS, 10), name: f.pick(FIRST), iat: 1700000000 + f.int(1e7) })).toString('base64url');
      return simple('JWT', `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${payload}.${f.chars(BASE64URL, 43)}`);
    }
    case 'private_key': {
      const lines = Array.from({ length: 12 }, () => f.chars(BASE64, 64));
      const pem = `-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC${lines.join('\n')}\n-----END PRIVATE KEY-----`;
      return { kind, snippet: `key:\n${pem}\n`, needles: lines, labels: ['PRIVATE_KEY'] };
    }
    case 'bearer_token': {
      const token = f.chars(BASE64URL, 40);
      return simple('BEARER_TOKEN', token, `curl -H "Authorization: Bearer ${token}" https://api.acme.dev/v2/items`);
    }
    case 'basic_auth': {
      const value = Buffer.from(`${f.pick(FIRST)}:${f.chars(BASE62, 14)}`).toString('base64');
      return simple('BASIC_AUTH', value, `send header Basic ${value} to the proxy`);
    }
    case 'url_credentials': {
      const user = `${f.pick(FIRST)}_${f.chars(LOWER, 4)}`;
      const password = f.chars(BASE62, 18);
      return {
        kind,
        snippet: `connect to postgres://${user}:${password}@db.acme-internal.io:5432/orders`,
        needles: [password, `${user}:`],
        labels: ['USER', 'PASSWORD'],
      };
    }
    case 'secret_assignment':
      return simple('SECRET', f.chars(BASE62, 32), '');
    case 'secret_query_param':
      return simple('SECRET', f.chars(BASE62, 32), '');
    case 'secret_parameter':
      return simple('SECRET', f.chars(BASE62, 24), '');
    case 'email': {
      const email = `${f.pick(FIRST)}.${f.pick(LAST)}${f.int(90) + 10}@${f.pick(DOMAINS)}`;
      return simple('EMAIL', email, `questions? write to ${email} anytime`);
    }
    case 'phone': {
      const phone = f.pick([
        () => `+49 151 ${f.chars('2345689', 4)} ${f.chars('2345689', 4)}`,
        () => `+44 7${f.chars('2345689', 3)} ${f.chars('2345689', 6)}`,
        () => `+1 (415) 62${f.chars('2345689', 1)}-${f.chars('2345689', 4)}`,
        () => `+33 6 ${f.chars('2345689', 2)} ${f.chars('2345689', 2)} ${f.chars('2345689', 2)} ${f.chars('2345689', 2)}`,
        () => `+92${f.chars('2345689', 10)}`,
        () => `07${f.chars('2345689', 3)} ${f.chars('2345689', 6)}`,
        () => `020 7${f.chars('2345689', 3)} ${f.chars('2345689', 4)}`,
        () => `0151 ${f.chars('2345689', 8)}`,
        () => `030 ${f.chars('2345689', 8)}`,
        () => `06 ${f.chars('2345689', 2)} ${f.chars('2345689', 2)} ${f.chars('2345689', 2)} ${f.chars('2345689', 2)}`,
        () => `0176${f.chars('2345689', 8)}`,
        () => `0044 20 7${f.chars('2345689', 3)} ${f.chars('2345689', 4)}`,
      ])();
      return simple('PHONE', phone, `call me on ${phone} after 6pm`);
    }
    case 'payment_card': {
      const card = cardNumber(f, f.pick(CARD_BRANDS));
      return simple('CARD_NUMBER', card, `paid with card ${card} exp 09/27 cvc 431`);
    }
    case 'iban': {
      const value = iban(f, f.pick(Object.keys(IBAN_FORMATS)));
      return simple('IBAN', value, `transfer to IBAN ${value}, reference invoice 2024-118`);
    }
    case 'encoded_secret': {
      const inner = `sk-proj-${f.chars(BASE62, 48)}`;
      const encoded = f.pick([
        () => Buffer.from(inner).toString('base64'),
        () => Buffer.from(JSON.stringify({ api_key: f.chars(BASE62, 32) })).toString('base64'),
        () => encodeURIComponent(JSON.stringify({ token: f.chars(BASE62, 32), city: 'Berlin' })),
      ])();
      return { kind, snippet: `config blob ${encoded} loaded`, needles: [encoded], labels: ['ENCODED_SECRET'] };
    }
    case 'path_user': {
      const name = `${f.pick(FIRST)}${f.pick(LAST)}`;
      const path = f.pick([`/Users/${name}/Documents/reports/q3.pdf`, `C:\\Users\\${name}\\Downloads\\leads.csv`, `/home/${name}/n8n/data/input.json`]);
      return { kind, snippet: `read ${path} first`, needles: [name], labels: ['USER'] };
    }
  }
}

// Card numbers and IBANs with real check digits -----------------------------------------------

/** Issuer prefix and length per brand (one of each brand's ranges). */
const CARD_BRANDS: ReadonlyArray<[string, string, number]> = [
  ['visa', '4', 16],
  ['visa-13', '4', 13],
  ['visa-19', '4', 19],
  ['mastercard', '53', 16],
  ['mastercard-2', '2720', 16],
  ['amex', '37', 15],
  ['discover', '6011', 16],
  ['diners', '36', 14],
  ['jcb', '3530', 16],
  ['unionpay', '62', 19],
  ['maestro', '6759', 18],
  ['mir', '2201', 16],
];

/** A Luhn-valid card number of `brand`, written the way people write it (groups or one run). */
function cardNumber(f: Fakes, [brand, prefix, length]: [string, string, number]): string {
  let digits = prefix;
  while (digits.length < length - 1) digits += String(f.int(10));
  for (let check = 0; check < 10; check++) {
    const candidate = digits + check;
    let sum = 0;
    for (let i = 0; i < candidate.length; i++) {
      let d = Number(candidate[candidate.length - 1 - i]);
      if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    if (sum % 10 === 0) {
      digits = candidate;
      break;
    }
  }
  if (brand === 'amex') return f.pick([digits, `${digits.slice(0, 4)} ${digits.slice(4, 10)} ${digits.slice(10)}`]);
  const sep = f.pick(['', ' ', '-']);
  return sep === '' ? digits : (digits.match(/.{1,4}/g) as string[]).join(sep);
}

/** BBAN shape per country: `n` digits, `a` upper-case letters, `c` either. */
const IBAN_FORMATS: Record<string, string> = {
  DE: 'n18',
  GB: 'a4n14',
  FR: 'n10c11n2',
  NL: 'a4n10',
  ES: 'n20',
  IT: 'a1n10c12',
  AT: 'n16',
  BE: 'n12',
  CH: 'n5c12',
  PL: 'n24',
  IE: 'a4n14',
  PT: 'n21',
};

/** A valid IBAN of `country` (ISO 7064 check digits), compact or in the print format. */
function iban(f: Fakes, country: string): string {
  let bban = '';
  for (const [, kind, n] of IBAN_FORMATS[country].matchAll(/([nac])(\d+)/g)) {
    const alphabet = kind === 'n' ? DIGITS : kind === 'a' ? UPPER : DIGITS + UPPER;
    for (let i = 0; i < Number(n); i++) bban += alphabet[f.int(alphabet.length)];
  }
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of numeric) remainder = (remainder * 10 + Number(d)) % 97;
  const compact = `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
  return f.int(2) === 0 ? compact : (compact.match(/.{1,4}/g) as string[]).join(' ');
}

/** Assignment and query kinds need their context; the value is the secret. */
function withContext(fx: Fixture): Fixture {
  const secret = fx.needles[0];
  if (fx.kind === 'secret_assignment') return { ...fx, snippet: `const API_KEY = "${secret}";` };
  if (fx.kind === 'secret_query_param') return { ...fx, snippet: `https://api.weather.io/v2/forecast?city=Berlin&apikey=${secret}&units=metric` };
  return fx;
}

/** Pattern kinds: found by redactText anywhere. */
const PATTERN_KINDS = REDACTION_KINDS.filter((k) => k !== 'secret_parameter');

// ---------------------------------------------------------------------------------------------
// Locations

type Location = (snippet: string) => Record<string, unknown>;

const http = (parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: '3f1c2a9e-1111-4c3b-9c1a-0a1b2c3d4e5f',
  name: 'Call API',
  type: 'n8n-nodes-base.httpRequest',
  typeVersion: 4.2,
  position: [200, 0],
  parameters,
  ...extra,
});
const workflow = (nodes: unknown[], name = 'Planted') => ({ name, nodes, connections: {}, settings: { executionOrder: 'v1' } });

const LOCATIONS: Record<string, Location> = {
  'plain parameter': (s) => workflow([http({ method: 'POST', url: 'https://api.acme.dev/v1', body: s })]),
  'nested collection': (s) => workflow([http({ url: 'https://api.acme.dev/v1', options: { response: { response: { outputPropertyName: s } } } })]),
  'header value list': (s) => workflow([http({ url: 'https://api.acme.dev/v1', sendHeaders: true, headerParameters: { parameters: [{ name: 'X-Trace', value: s }] } })]),
  expression: (s) => workflow([http({ url: 'https://api.acme.dev/v1', body: `={{ ${JSON.stringify(s)} }}` })]),
  'code node': (s) =>
    workflow([
      {
        name: 'Code',
        type: 'n8n-nodes-base.code',
        typeVersion: 2,
        position: [0, 0],
        parameters: { jsCode: `const note = ${JSON.stringify(s)};\nreturn [{ json: { note } }];` },
      },
    ]),
  'json body': (s) => workflow([http({ url: 'https://api.acme.dev/v1', sendBody: true, specifyBody: 'json', jsonBody: `={\n  "note": ${JSON.stringify(s)},\n  "id": 7\n}` })]),
  url: (s) => workflow([http({ url: `https://api.acme.dev/v1/hooks?note=${s}` })]),
  'node notes': (s) => workflow([http({ url: 'https://api.acme.dev/v1' }, { notes: s, notesInFlow: true })]),
  'sticky note': (s) =>
    workflow([{ name: 'Sticky Note', type: 'n8n-nodes-base.stickyNote', typeVersion: 1, position: [0, 0], parameters: { content: `## Setup\n${s}\n`, height: 240 } }]),
  'workflow name': (s) => workflow([http({ url: 'https://api.acme.dev/v1' })], `Sync ${s}`),
};

function expectRedacted(out: unknown, fx: Fixture, counts: RedactionCounts, where: string): void {
  const json = JSON.stringify(out);
  for (const needle of fx.needles) {
    if (json.includes(needle) || json.includes(JSON.stringify(needle).slice(1, -1))) {
      throw new Error(`${fx.kind} @ ${where}: "${needle}" survived in ${json.slice(0, 600)}`);
    }
  }
  for (const label of fx.labels) expect({ where, kind: fx.kind, found: new RegExp(`<${label}_[1-9][0-9]*>`).test(json) }).toEqual({ where, kind: fx.kind, found: true });
  expect({ where, kind: fx.kind, count: (counts[fx.kind] ?? 0) >= 1 }).toEqual({ where, kind: fx.kind, count: true });
}

// ---------------------------------------------------------------------------------------------

describe('redactText', () => {
  const f = new Fakes(1);

  it.each(PATTERN_KINDS)('redacts %s and keeps the text around it', (kind) => {
    const fx = withContext(fixture(kind, f));
    const r = new Redactor();
    const out = redactText(fx.snippet, r);
    for (const n of fx.needles) expect(out).not.toContain(n);
    for (const label of fx.labels) expect(out).toMatch(new RegExp(`<${label}_1>`));
    expect(r.counts[kind]).toBeGreaterThanOrEqual(1);
    // The text around the secret is intact (a PEM block goes whole, BEGIN/END lines included).
    const pem = fx.kind === 'private_key';
    const start = pem ? fx.snippet.indexOf('-----BEGIN') : Math.min(...fx.needles.map((n) => fx.snippet.indexOf(n)));
    const end = pem ? fx.snippet.indexOf('-----', fx.snippet.indexOf('-----END') + 5) + 5 : Math.max(...fx.needles.map((n) => fx.snippet.indexOf(n) + n.length));
    expect(out.startsWith(fx.snippet.slice(0, start))).toBe(true);
    expect(out.endsWith(fx.snippet.slice(end))).toBe(true);
  });

  it('keeps scheme words and URL structure', () => {
    const r = new Redactor();
    const key = `sk-proj-${new Fakes(2).chars(BASE62, 48)}`;
    expect(redactText(`Bearer ${key}`, r)).toBe('Bearer <OPENAI_API_KEY_1>');
    expect(redactText('https://admin:s3cretPassw0rd@host.example.net/x', r)).toBe('https://<USER_1>:<PASSWORD_1>@host.example.net/x');
    expect(redactText('"Authorization": "Basic dXNlcjpwYXNzd29yZA=="', r)).toBe('"Authorization": "Basic <BASIC_AUTH_1>"');
    expect(redactText('redis://:hunter2hunter2@cache:6379', r)).toBe('redis://:<PASSWORD_2>@cache:6379');
  });

  it('redacts inside expressions, code, escaped JSON and query strings', () => {
    const f2 = new Fakes(3);
    const key = `ghp_${f2.chars(BASE62, 36)}`;
    const pw = f2.chars(BASE62, 16);
    const r = new Redactor();
    expect(redactText(`={{ $json.token || "${key}" }}`, r)).toBe('={{ $json.token || "<GITHUB_TOKEN_1>" }}');
    expect(redactText(`const body = "{\\"password\\": \\"${pw}\\"}";`, r)).toBe('const body = "{\\"password\\": \\"<SECRET_1>\\"}";');
    expect(redactText(`headers['X-API-Key'] = '${pw}';`, r)).toBe("headers['X-API-Key'] = '<SECRET_1>';");
    expect(redactText(`api_key="${pw}"`, r)).toBe('api_key="<SECRET_1>"');
    expect(redactText(`https://x.io/a?q=1&access_token=${pw}#top`, r)).toBe('https://x.io/a?q=1&access_token=<SECRET_1>#top');
    expect(redactText(`-H "x-api-key: ${pw}"`, r)).toBe('-H "x-api-key: <SECRET_1>"');
  });

  it('gives the same value the same placeholder, different values the next number', () => {
    const f2 = new Fakes(4);
    const [a, b] = [`AKIA${f2.chars(UPPER, 16)}`, `AKIA${f2.chars(UPPER, 16)}`];
    const r = new Redactor();
    expect(redactText(`${a} ${b} ${a}`, r)).toBe('<AWS_ACCESS_KEY_ID_1> <AWS_ACCESS_KEY_ID_2> <AWS_ACCESS_KEY_ID_1>');
    expect(redactText(`again ${b}`, r)).toBe('again <AWS_ACCESS_KEY_ID_2>');
    expect(r.counts.aws_access_key).toBe(4);
    // Emails compare case-insensitively, phones by digits.
    expect(redactText('Mira.Tanaka@Fastmail.io, mira.tanaka@fastmail.io', r)).toBe('<EMAIL_1>, <EMAIL_1>');
    expect(redactText('+49 151 2846 3917 / +4915128463917', r)).toBe('<PHONE_1> / <PHONE_1>');
  });

  it('is idempotent: placeholders match no pattern', () => {
    const f2 = new Fakes(5);
    const r = new Redactor();
    const text = PATTERN_KINDS.map((k) => withContext(fixture(k, f2)).snippet).join('\n');
    const once = redactText(text, r);
    const counts = r.counts;
    expect(redactText(once, r)).toBe(once);
    expect(r.counts).toEqual(counts);
    for (const label of PLACEHOLDER_LABELS) expect(redactText(`<${label}_1> and "token": "<${label}_2>"`, new Redactor())).toBe(`<${label}_1> and "token": "<${label}_2>"`);
  });

  it('leaves obvious placeholders alone', () => {
    const keep = [
      'sk-YOUR_OPENAI_KEY_HERE',
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'Bearer YOUR_TOKEN_HERE',
      'Bearer {{ $json.token }}',
      '=Bearer {{ $json.access_token }}',
      'sk_test_XXXXXXXXXXXXXXXX',
      'https://hooks.slack.com/services/YOUR/WEBHOOK/URL',
      '"api_key": "your_api_key_here"',
      '"password": "<your password>"',
      'const API_KEY = process.env.API_KEY;',
      'token: $json.token',
      '-----BEGIN PRIVATE KEY-----\\n[INSERT YOUR KEY HERE]\\n-----END PRIVATE KEY-----',
      'https://user:{{ $json.password }}@host.io',
      'Basic Commands and Basic familiarity',
    ];
    for (const text of keep) expect(redactText(text, new Redactor())).toBe(text);
  });

  it('leaves non-secrets alone', () => {
    const image = `data:image/png;base64,iVBORw0KGgo${new Fakes(6).chars(BASE64, 4000)}`;
    const keep = [
      '3f1c2a9e-1111-4c3b-9c1a-0a1b2c3d4e5f', // UUID / node id
      'a1b2c3d4e5f6a7b8', // short hex id
      '1699999999999', // timestamp (ms)
      'ts=1700000000 and 1700000000123',
      '2024-01-15T10:30:00.000Z',
      '2024-01-15T10:30:00+05:30',
      'between 2024-01-15 and 15.01.2024 or 01/15/2024',
      'version 1.2.3, v2.10.100, n8n@1.80.0, typeVersion 4.2',
      'color #FF5733 and #0a0b0c',
      'at +40.712776, -74.005974',
      'GPS: 48.858370, 2.294481',
      'IP 192.168.100.200',
      image,
      '={{ $json.apiKey }}',
      '={{ $("Set Credentials").item.json.api_secret }}',
      '0 */5 * * *',
      'post to channel C0123ABCD or C08B2K7ZQ5V',
      'fixed in e83c5163316f89bfbde7d9ab23ca2e25604af290',
      'sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'model gpt-4o-2024-08-06 or gpt-4-turbo-1106-preview',
      'see sk-learn-tutorial-2023-part-one',
      '@n8n/n8n-nodes-langchain.agent and npm i @scope/pkg',
      'logo@2x.png and hero@3x.jpg',
      'contact user@example.com, your@email.com, john.doe@company.com, noreply@acme.com, test@gmail.com',
      'placeholder phones +1234567890, +11111111111, +1 555 000 0000, (555) 123-4567, (212) 555-0199',
      'x+1234567890 and d1m1+1234567890-a and Screenshot+2025-08-02+at+1.png',
      'Date.now()+86400000',
      'maxTokens: 4096, "max_tokens": 1000, pageToken: "CAUQAA"',
      'status: ok ? "Pass" : "Fail"',
      'const selectedToken = findPaymentTokenIndex(tokens, fromToken);',
      'Credentials: `httpBearerAuth` (example name: "Google Sheets account")',
      'ISBN 978-3-16-148410-0, order ORD-555-123-4567',
      'wallet 0xA221674eDB403A8F714F66Af74a2332c3CB5C0c3',
    ];
    for (const text of keep) expect({ text: text.slice(0, 80), out: redactText(text, new Redactor()).slice(0, 80) }).toEqual({ text: text.slice(0, 80), out: text.slice(0, 80) });
  });

  it('finds phones and emails in links (also URL-encoded) and the same number as bare digits in a workflow', () => {
    const r = new Redactor();
    expect(redactText('https://wa.me/4915128463917?text=hi', r)).toBe('https://wa.me/<PHONE_1>?text=hi');
    expect(redactText('<a href="tel:+44 7911 123456">', r)).toBe('<a href="tel:<PHONE_2>">');
    expect(redactText('(415) 624-2871 and 415.624.2871', r)).toBe('<PHONE_3> and <PHONE_3>');
    expect(redactText('https://crm.io/find?email=mira.tanaka%40fastmail.io&phone=%2B4915128463917', r)).toBe(
      'https://crm.io/find?email=<EMAIL_1>&phone=<PHONE_1>',
    );
    const wf = workflow([
      http({ url: 'https://api.acme.dev/v1', body: 'chatId 4915128463917' }),
      { name: 'Note', type: 'n8n-nodes-base.stickyNote', typeVersion: 1, position: [0, 0], parameters: { content: 'WhatsApp: +49 151 2846 3917' } },
    ]);
    const { workflow: out, counts } = redactWorkflowStrings(wf);
    expect(JSON.stringify(out)).not.toMatch(/4915128463917|2846 3917/);
    expect(counts.phone).toBe(2);
  });
});

describe('personal data: cards, IBANs, national phones, encoded secrets, home-folder users', () => {
  const f = new Fakes(77);
  const redact = (text: string) => {
    const r = new Redactor();
    return { out: redactText(text, r), counts: r.counts };
  };

  it.each(CARD_BRANDS.map((b) => [b[0], b] as const))('redacts a %s card number, grouped or not', (_brand, brand) => {
    for (let i = 0; i < 5; i++) {
      const card = cardNumber(f, brand);
      const { out, counts } = redact(`Card: ${card}, exp 11/26`);
      expect({ card, out }).toEqual({ card, out: 'Card: <CARD_NUMBER_1>, exp 11/26' });
      expect(counts).toEqual({ payment_card: 1 });
    }
  });

  it.each(Object.keys(IBAN_FORMATS))('redacts a %s IBAN, with and without spaces', (country) => {
    for (let i = 0; i < 4; i++) {
      const value = iban(f, country);
      expect({ value, out: redact(`IBAN: ${value} (BIC on request)`).out }).toEqual({ value, out: 'IBAN: <IBAN_1> (BIC on request)' });
    }
    // Same account, both spellings: one placeholder.
    const compact = iban(f, country).replace(/ /g, '');
    const spaced = (compact.match(/.{1,4}/g) as string[]).join(' ');
    expect(redact(`${compact} = ${spaced}`).out).toBe('<IBAN_1> = <IBAN_1>');
  });

  it('cuts a grouped IBAN at its country length (a following word of four letters stays)', () => {
    expect(redact('BE68 5390 0754 7034 BANK transfer').out).toBe('<IBAN_1> BANK transfer');
  });

  it('redacts national phone formats of the UK, the EU and NANP', () => {
    const phones = [
      '07700 900123', '07911 123456', '020 7946 0958', '(020) 7946 0958', '0161 496 0000', '07911123456', // UK
      '0151 28463917', '030 12345678', '030/2846391', '0221 9876543', '01761 2846391', '015128463917', // DE
      '06 12 34 56 78', '06.12.34.56.78', '01 42 68 53 00', '0612345678', // FR
      '06-12345678', '020-7654321', // NL
      '0470 12 34 56', // BE
      '0664 2846391', // AT
      '087 284 6391', // IE
      '0049 151 28463917', '0033 6 12 34 56 78', '0044 20 7946 0958', // 00 prefix
      '(415) 624-2871', '415-624-2871', '1-415-624-2871', '415.624.2871', // NANP
    ];
    for (const phone of phones) expect({ phone, out: redact(`reach me at ${phone} today`).out }).toEqual({ phone, out: 'reach me at <PHONE_1> today' });
  });

  it('redacts ambiguous numbers next to a phone word or in a phone field', () => {
    const cases: Array<[string, string]> = [
      ['Tel.: 612 345 678', 'Tel.: <PHONE_1>'], // ES
      ['cellulare 333 284 6391', 'cellulare <PHONE_1>'], // IT
      ['phone: 4156242871', 'phone: <PHONE_1>'], // NANP bare
      ['Phone 415 624 2871', 'Phone <PHONE_1>'], // NANP spaced
      ['Handy 4915128463917', 'Handy <PHONE_1>'], // bare international
      ['"telephone": "02079460958"', '"telephone": "<PHONE_1>"'], // UK landline bare
    ];
    for (const [text, expected] of cases) expect(redact(text).out).toBe(expected);
    const wf = workflow([
      http({ url: 'https://x.io', sendBody: true, bodyParameters: { parameters: [{ name: 'recipientPhone', value: '919108281677' }, { name: 'order', value: '919108281677' }] } }),
    ]);
    const out = JSON.stringify(redactWorkflowStrings(wf).workflow);
    expect(out).toContain('"name":"recipientPhone","value":"<PHONE_1>"');
    // The same digits elsewhere are the same person's number.
    expect(out).not.toContain('919108281677');
    expect(redactWorkflowStrings({ pinData: { N: [{ json: { phone: '2026243917', phoneNumberId: '114317595015150' } }] } }).workflow).toEqual({
      pinData: { N: [{ json: { phone: '<PHONE_1>', phoneNumberId: '114317595015150' } }] },
    });
  });

  it('keeps ids, amounts, dates, timestamps, versions, ZIP codes and Luhn-failing numbers', () => {
    const keep = [
      'order 4111111111111112 and 5500000000000005', // Luhn fails
      'ORD-2024-000123, invoice INV-10045, sku 0012345678',
      'ISBN 978-3-16-148410-0 and ISBN 0-306-40615-2 and 9780306406157',
      '550e8400-e29b-41d4-a716-446655440000',
      'unix 1712345678, ms 1712345678901, ns 1712345678901234567',
      'snowflake 1187654321987654321, chat -1001234567890, ig 17841473009917118',
      'versions 1.12.0, v0.236.3, 10.12.3456, n8n@1.80.0',
      'total $1,234,567.89, 4 532 015,11 €, 12 345 678 units',
      'dates 05.06.2023 10:30, 01/02/2024 12:00, 2024-01-15 10:30:00, 06.12.24',
      'ZIP 90210-1234, 02134-1234, PLZ 01067 Dresden, 75008 Paris',
      'sizes 320 480 1024, 1920x1080, 0.123456789',
      'color #059669 100%, mac 08-00-27-51-56-d8, latency 00:00:02.5250613',
      'account DE00 0000 0000 0000 0000 00, XX89370400440532013000, DE89370400440532013001',
      'IP 192.168.100.200, port 5678, phoneNumberId 114317595015150',
      'base64 image data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'text aGVsbG8gd29ybGQsIHRoaXMgaXMganVzdCBhIG1lc3NhZ2U= and a%20b%20c%3Fd%3De',
      '/home/node/.n8n, /home/ubuntu/data, /Users/yourname/Desktop, /home/$USER/x, C:\\Users\\Public\\Documents, https://x.io/home/about, {base}/home/chat',
    ];
    for (const text of keep) expect({ text, out: redact(text).out }).toEqual({ text, out: text });
  });

  it('replaces base64 and URL-encoded tokens that hide a secret, whole', () => {
    const key = `sk-proj-${f.chars(BASE62, 48)}`;
    const b64 = Buffer.from(key).toString('base64');
    expect(redact(`value: ${b64}`)).toEqual({ out: 'value: <ENCODED_SECRET_1>', counts: { encoded_secret: 1 } });
    expect(redact(`https://x.io/v1/files/${Buffer.from(key).toString('base64url')}/raw`).out).toBe('https://x.io/v1/files/<ENCODED_SECRET_1>/raw');
    const form = encodeURIComponent(`{"api_key":"${f.chars(BASE62, 30)}"}`);
    expect(redact(`https://x.io/cb?state=${form}&x=1`).out).toBe('https://x.io/cb?state=<ENCODED_SECRET_1>&x=1');
    // Base64 inside URL encoding.
    expect(redact(`?blob=${encodeURIComponent(b64)}`).out).toMatch(/^\?blob=<ENCODED_SECRET_1>$/);
    // Escapes inside escapes (`%253D`) are decoded again without losing the place in the outer text.
    const nested = '<https://dev.service-now.com/incident_list.do%3Fsysparm_query%3Dstate%253D{{ $json.v }}%255Epriority%253D2%26sysparm_first_row%3D1|click>';
    expect(redact(nested).out).toBe(nested);
    expect(redact(`${nested} ${form}`).out).toBe(`${nested} <ENCODED_SECRET_1>`);
    // An encoded placeholder stays.
    expect(redact(Buffer.from('sk-YOUR_OPENAI_KEY_HERE').toString('base64')).counts).toEqual({});
  });

  it('replaces the user name of home-folder paths and keeps the path', () => {
    const cases: Array<[string, string]> = [
      ['/Users/mtanaka/Documents/q3.pdf', '/Users/<USER_1>/Documents/q3.pdf'],
      ['file:///Users/mtanaka/Desktop/a.png', 'file:///Users/<USER_1>/Desktop/a.png'],
      ['cd /home/jkowalski && ls', 'cd /home/<USER_1> && ls'],
      ['C:\\Users\\Artem Boiko\\Desktop\\n8n', 'C:\\Users\\<USER_1>\\Desktop\\n8n'],
      ['"C:\\\\Users\\\\joe\\\\Downloads\\\\x.csv"', '"C:\\\\Users\\\\<USER_1>\\\\Downloads\\\\x.csv"'],
      ['c:/users/leila.haddad/notes.txt', 'c:/users/<USER_1>/notes.txt'],
      ['/mnt/c/Users/ravi/code', '/mnt/c/Users/<USER_1>/code'],
      ['-v /home/sofia/n8n:/home/node/.n8n', '-v /home/<USER_1>/n8n:/home/node/.n8n'],
    ];
    for (const [text, expected] of cases) expect(redact(text)).toEqual({ out: expected, counts: { path_user: 1 } });
    // The same name in a URL's user and a path: one placeholder.
    expect(redact('sftp://mtanaka:Xk82jdQp1z@files.acme.io and /home/mtanaka/in').out).toBe('sftp://<USER_1>:<PASSWORD_1>@files.acme.io and /home/<USER_1>/in');
  });
});

describe('isSecretName', () => {
  it('recognises secret-like keys and not lookalikes', () => {
    const secret = ['password', 'passwd', 'dbPass', 'user_password', 'secret', 'client_secret', 'clientSecret', 'apiKey', 'api_key', 'x-api-key', 'X-API-KEY', 'xi-api-key', 'X-Shopify-Access-Token', 'accessToken', 'refresh_token', 'token', 'Token', 'authorization', 'Proxy-Authorization', 'privateKey', 'private_key', 'Cookie', 'AccessKeyId', 'secretAccessKey', 'apiKeys', 'webhookSecret', 'bot_token', 'sessionToken'];
    const plain = ['authentication', 'author', 'authorName', 'maxTokens', 'max_tokens', 'tokens', 'pageToken', 'nextToken', 'next_page_token', 'sessionKey', 'key', 'keyName', 'passwordLength', 'secretName', 'tokenUrl', 'authUrl', 'genericAuthType', 'nodeCredentialType', 'credentials', 'keywords', 'passthroughBinaryImages', 'apiKeyId', 'fromToken', 'promptTokens', 'sortKey'];
    for (const name of secret) expect({ name, secret: isSecretName(name) }).toEqual({ name, secret: true });
    for (const name of plain) expect({ name, secret: isSecretName(name) }).toEqual({ name, secret: false });
  });
});

describe('redactWorkflowStrings', () => {
  const f = new Fakes(7);

  describe.each(Object.keys(LOCATIONS))('in %s', (where) => {
    it.each(PATTERN_KINDS)('%s', (kind) => {
      const fx = withContext(fixture(kind, f));
      const input = LOCATIONS[where](fx.snippet);
      const before = JSON.stringify(input);
      const { workflow: out, counts } = redactWorkflowStrings(input, { catalog });
      expectRedacted(out, fx, counts, where);
      expect(JSON.stringify(input)).toBe(before);
    });
  });

  describe('secret-named parameters (secret_parameter)', () => {
    const value = () => f.chars(BASE62, 24);
    const cases: Array<[string, (v: string) => Record<string, unknown>, string]> = [
      ['top-level password', (v) => workflow([http({ url: 'https://x.io', password: v })]), '<SECRET_1>'],
      ['nested apiKey', (v) => workflow([http({ url: 'https://x.io', options: { apiKey: v } })]), '<SECRET_1>'],
      ['header list Authorization', (v) => workflow([http({ headerParameters: { parameters: [{ name: 'Authorization', value: `Token ${v}` }] } })]), 'Token <SECRET_1>'],
      ['query list api_key', (v) => workflow([http({ queryParameters: { parameters: [{ name: 'api_key', value: v }] } })]), '<SECRET_1>'],
      ['Set assignment', (v) => workflow([{ name: 'Config', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [0, 0], parameters: { assignments: { assignments: [{ id: 'a1', name: 'openaiApiKey', value: v, type: 'string' }] } } }]), '<SECRET_1>'],
      ['pinData secret key', (v) => ({ ...workflow([http({})]), pinData: { 'Call API': [{ json: { user: 'x', client_secret: v } }] } }), '<SECRET_1>'],
      ['catalog secret: true (elasticSecurity apiKeyId)', (v) => workflow([{ name: 'Elastic', type: 'n8n-nodes-base.elasticSecurity', typeVersion: 1, position: [0, 0], parameters: { resource: 'connector', operation: 'create', connectorType: '.resilient', apiKeyId: v } }]), '<SECRET_1>'],
      ['catalog secret: true in a collection (awsCognito temporaryPasswordOptions)', (v) => workflow([{ name: 'Cognito', type: 'n8n-nodes-base.awsCognito', typeVersion: 1, position: [0, 0], parameters: { additionalFields: { temporaryPasswordOptions: v } } }]), '<SECRET_1>'],
    ];

    it.each(cases)('%s', (_label, build, expected) => {
      const v = value();
      const input = build(v);
      const { workflow: out, counts } = redactWorkflowStrings(input, { catalog });
      const json = JSON.stringify(out);
      expect(json).not.toContain(v);
      expect(json).toContain(expected);
      expect(counts.secret_parameter).toBe(1);
    });

    it('catalog-only secrets need the catalog', () => {
      const v = value();
      const input = workflow([{ name: 'Elastic', type: 'n8n-nodes-base.elasticSecurity', typeVersion: 1, position: [0, 0], parameters: { apiKeyId: v } }]);
      expect(JSON.stringify(redactWorkflowStrings(input).workflow)).toContain(v);
      expect(JSON.stringify(redactWorkflowStrings(input, { catalog }).workflow)).not.toContain(v);
    });

    it('keeps data references, empty values, option values and placeholders', () => {
      const params = {
        password: '={{ $json.password }}',
        apiKey: '',
        token: '={{ $("Get Token").item.json.access_token }}',
        secret: 'YOUR_CLIENT_SECRET',
        accessToken: '<your-access-token>',
        authentication: 'genericCredentialType',
        genericAuthType: 'httpHeaderAuth',
        headerParameters: { parameters: [{ name: 'Authorization', value: '=Bearer {{ $json.token }}' }, { name: 'x-api-key', value: 'YOUR_API_KEY' }] },
        options: { maxTokens: 4096, pageToken: '={{ $response.body.nextPageToken }}' },
      };
      const input = workflow([http(params)]);
      const { workflow: out, counts } = redactWorkflowStrings(input, { catalog });
      expect(out).toEqual(input);
      expect(counts).toEqual({});
    });

    it('redacts literals inside secret-named expressions, not references', () => {
      const input = workflow([http({ password: "={{ $json.user_password || 'devops123' }}", token: "={{ $('Set Credentials').item.json.token }}" })]);
      const out = redactWorkflowStrings(input, { catalog }).workflow as ReturnType<typeof workflow>;
      const params = (out.nodes[0] as { parameters: Record<string, string> }).parameters;
      expect(params.password).toBe("={{ $json.user_password || '<SECRET_1>' }}");
      expect(params.token).toBe("={{ $('Set Credentials').item.json.token }}");
    });
  });

  it('numbers placeholders by first appearance: name first, then nodes in order', () => {
    const g = new Fakes(8);
    const [a, b] = [`ghp_${g.chars(BASE62, 36)}`, `ghp_${g.chars(BASE62, 36)}`];
    const input = workflow([http({ body: `${b} then ${a}` }, { notes: a }), http({ body: b }, { name: 'Second' })], `Flow ${a}`);
    const { workflow: out, counts } = redactWorkflowStrings(input);
    const nodes = (out as typeof input).nodes as Array<{ parameters: { body: string }; notes?: string }>;
    expect((out as typeof input).name).toBe('Flow <GITHUB_TOKEN_1>');
    expect(nodes[0].parameters.body).toBe('<GITHUB_TOKEN_2> then <GITHUB_TOKEN_1>');
    expect(nodes[0].notes).toBe('<GITHUB_TOKEN_1>');
    expect(nodes[1].parameters.body).toBe('<GITHUB_TOKEN_2>');
    expect(counts.github_token).toBe(5);
    // Deterministic: the same input gives the same output.
    expect(redactWorkflowStrings(input).workflow).toEqual(out);
  });

  it('keeps node names consistent across nodes, connections, pinData and expressions', () => {
    const name = 'Email mira.tanaka@fastmail.io';
    const input = {
      name: 'x',
      nodes: [
        { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        http({ body: `={{ $('${name}').item.json.id }}` }, { name }),
      ],
      connections: { Start: { main: [[{ node: name, type: 'main', index: 0 }]] }, [name]: { main: [[]] } },
      pinData: { [name]: [{ json: { ok: true } }] },
    };
    const out = redactWorkflowStrings(input).workflow as typeof input;
    const renamed = 'Email <EMAIL_1>';
    expect(out.nodes[1].name).toBe(renamed);
    expect(Object.keys(out.connections)).toEqual(['Start', renamed]);
    expect(out.connections.Start.main[0][0].node).toBe(renamed);
    expect(Object.keys(out.pinData)).toEqual([renamed]);
    expect((out.nodes[1].parameters as { body: string }).body).toBe(`={{ $('${renamed}').item.json.id }}`);
  });

  it('never mutates its input and never throws', () => {
    const g = new Fakes(9);
    const deepFreeze = (v: unknown): unknown => {
      if (v && typeof v === 'object') {
        Object.values(v).forEach(deepFreeze);
        Object.freeze(v);
      }
      return v;
    };
    const input = deepFreeze(workflow([http({ body: `ghp_${g.chars(BASE62, 36)}`, password: 'hunter2hunter2', list: ['a', { token: 'abc123def456' }] })]));
    expect(() => redactWorkflowStrings(input, { catalog })).not.toThrow();
    const cyclic: Record<string, unknown> = { name: 'c', nodes: [] };
    cyclic.self = cyclic;
    for (const odd of [null, undefined, 42, 'text with jane.roe@fastmail.io', [], cyclic, { nodes: 'nope' }, { nodes: [null, 1, 'x', { parameters: null }] }]) {
      expect(() => redactWorkflowStrings(odd, { catalog })).not.toThrow();
    }
    expect(redactWorkflowStrings('write to jane.roe@fastmail.io').workflow).toBe('write to <EMAIL_1>');
    // `__proto__` from JSON.parse is an ordinary key: kept as data, never a prototype.
    const proto = JSON.parse('{"name":"p","nodes":[],"pinData":{"__proto__":{"email":"jane.roe@fastmail.io"}}}');
    const out = redactWorkflowStrings(proto).workflow as { pinData: Record<string, unknown> };
    expect(Object.keys(out.pinData)).toEqual(['__proto__']);
    expect(JSON.stringify(out)).toContain('"__proto__":{"email":"<EMAIL_1>"}');
  });

  it('counts only this call when a redactor is shared, placeholders stay stable', () => {
    const g = new Fakes(10);
    const key = `AIza${g.chars(BASE64URL, 35)}`;
    const redactor = new Redactor();
    const first = redactWorkflowStrings(workflow([http({ body: key })]), { redactor });
    const second = redactWorkflowStrings(workflow([http({ body: `${key} ${key}` })]), { redactor });
    expect(first.counts).toEqual({ google_api_key: 1 });
    expect(second.counts).toEqual({ google_api_key: 2 });
    expect(JSON.stringify(second.workflow)).toContain('<GOOGLE_API_KEY_1> <GOOGLE_API_KEY_1>');
  });
});

describe('planted-secret corpus', () => {
  it('leaks nothing it walks: 200 seeded workflows, secrets in random places', () => {
    const g = new Fakes(2024);
    const planted: Array<{ fx: Fixture; id: number }> = [];
    let total: RedactionCounts = {};
    for (let id = 0; id < 200; id++) {
      const secrets = Array.from({ length: 3 + g.int(6) }, () => withContext(fixture(g.pick(PATTERN_KINDS), g)));
      const wf: Record<string, unknown> = workflow([], `Workflow ${id}`);
      const nodes = wf.nodes as Array<Record<string, unknown>>;
      nodes.push(
        http({ url: 'https://api.acme.dev/v1', headerParameters: { parameters: [{ name: 'Accept', value: 'application/json' }] }, options: {} }, { name: 'HTTP', credentials: { httpHeaderAuth: { id: '12', name: 'Header Auth account' } } }),
        { name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, position: [400, 0], parameters: { jsCode: 'return $input.all();' } },
        { name: 'Sticky Note', type: 'n8n-nodes-base.stickyNote', typeVersion: 1, position: [0, -200], parameters: { content: '## Notes' } },
        { name: 'Set', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [600, 0], parameters: { assignments: { assignments: [] } } },
      );
      wf.connections = { HTTP: { main: [[{ node: 'Code', type: 'main', index: 0 }]] } };
      wf.pinData = { HTTP: [{ json: { status: 'ok' } }] };
      const [httpNode, code, sticky, set] = nodes as Array<{ parameters: Record<string, any>; [k: string]: any }>;
      for (const fx of secrets) {
        planted.push({ fx, id });
        const s = fx.snippet;
        switch (g.int(14)) {
          case 0: httpNode.parameters.body = `${httpNode.parameters.body ?? ''}\n${s}`; break;
          case 1: httpNode.parameters.options.extra = { deep: [{ deeper: s }] }; break;
          case 2: httpNode.parameters.headerParameters.parameters.push({ name: `X-Note-${g.int(100)}`, value: s }); break;
          case 3: httpNode.parameters.jsonBody = `={ "note": ${JSON.stringify(s)} }`; break;
          case 4: code.parameters.jsCode += `\n// ${s.split('\n').join('\n// ')}\nconst v${g.int(1000)} = ${JSON.stringify(s)};`; break;
          case 5: sticky.parameters.content += `\n${s}`; break;
          case 6: httpNode.notes = `${httpNode.notes ?? ''} ${s}`; break;
          case 7: wf.name = `${wf.name} ${s}`; break;
          case 8: (wf.pinData as Record<string, Array<{ json: Record<string, unknown> }>>).HTTP.push({ json: { payload: s, nested: { list: [s] } } }); break;
          case 9: httpNode.credentials.httpHeaderAuth.name = `Header Auth ${s}`; break;
          case 10: set.parameters.assignments.assignments.push({ id: `a${g.int(1e6)}`, name: `field${g.int(100)}`, value: s, type: 'string' }); break;
          case 11: httpNode.parameters.url = `=https://api.acme.dev/v1?note={{ ${JSON.stringify(s)} }}`; break;
          case 12: wf.meta = { description: s }; break;
          default: code.parameters.pythonCode = `note = ${JSON.stringify(s)}\nprint(note)`; break;
        }
      }
      const before = JSON.stringify(wf);
      const { workflow: out, counts, error } = redactWorkflowStrings(wf, { catalog });
      expect(error).toBeUndefined();
      expect(JSON.stringify(wf)).toBe(before);
      total = addCounts(total, counts);
      const json = JSON.stringify(out);
      for (const fx of secrets) {
        for (const needle of fx.needles) {
          if (json.includes(needle) || json.includes(JSON.stringify(needle).slice(1, -1))) throw new Error(`workflow ${id}: ${fx.kind} "${needle}" leaked`);
        }
      }
      expect(PLACEHOLDER_PATTERN.test(json)).toBe(true);
    }
    expect(planted.length).toBeGreaterThan(900);
    // Every planted kind was seen and counted.
    for (const kind of new Set(planted.map((p) => p.fx.kind))) expect({ kind, counted: (total[kind] ?? 0) > 0 }).toEqual({ kind, counted: true });
  });
});

describe('properties (fast-check, fixed seed)', () => {
  const kinds = fc.constantFrom(...PATTERN_KINDS);
  const filler = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 20, unit: 'grapheme' }),
    fc.constantFrom('password:', '"token": ', 'Bearer', '={{ ', ' }}', '\\n', '+', '@', 'https://', '?api_key=', '-----BEGIN', '"', "'", '`'),
  );
  const mixed = fc.array(fc.oneof(filler, fc.tuple(kinds, fc.integer({ min: 1, max: 1e9 }))), { maxLength: 8 });

  it('never throws, removes every secret, and is idempotent whatever surrounds the secrets', () => {
    fc.assert(
      fc.property(mixed, (parts) => {
        const fixtures: Fixture[] = [];
        const text = parts
          .map((p) => {
            if (typeof p === 'string') return p;
            const fx = withContext(fixture(p[0], new Fakes(p[1])));
            fixtures.push(fx);
            return fx.snippet;
          })
          .join(' \n ');
        const r = new Redactor();
        const once = redactText(text, r);
        for (const fx of fixtures) for (const n of fx.needles) expect(once).not.toContain(n);
        const counts = r.counts;
        expect(redactText(once, r)).toBe(once);
        expect(r.counts).toEqual(counts);
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON and never mutates it', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const before = JSON.stringify(value);
        const result = redactWorkflowStrings(value, { catalog });
        expect(result.error).toBeUndefined();
        expect(JSON.stringify(value)).toBe(before);
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  });
});

describe('real n8n.io templates', () => {
  it('redacts all 2,352 templates quickly (timing and counts are printed, not asserted)', async () => {
    const templates = await loadTemplates();
    expect(templates).toHaveLength(2352);
    let total: RedactionCounts = {};
    let changed = 0;
    const start = process.hrtime.bigint();
    const results = templates.map(({ workflow: wf }) => redactWorkflowStrings(wf, { catalog }));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    results.forEach((r, i) => {
      expect(r.error).toBeUndefined();
      total = addCounts(total, r.counts);
      if (Object.keys(r.counts).length > 0) changed++;
      else if (JSON.stringify(r.workflow) !== JSON.stringify(templates[i].workflow)) throw new Error(`template ${templates[i].record.id} changed without a count`);
    });
    const sorted = Object.fromEntries(Object.entries(total).sort((a, b) => b[1] - a[1]));
    console.log(`redact: ${templates.length} templates in ${ms.toFixed(0)} ms; ${changed} changed; counts ${JSON.stringify(sorted)}`);
    // The templates never contain our placeholders of their own.
    expect(templates.some(({ record }) => PLACEHOLDER_PATTERN.test(record.workflowJson))).toBe(false);
  });

  it('keeps every valid stock template valid, also with personal data planted in its free text', async () => {
    const f = new Fakes(4242);
    const key = `sk-proj-${f.chars(BASE62, 48)}`;
    const planted = {
      card: cardNumber(f, CARD_BRANDS[0]),
      iban: iban(f, 'DE'),
      phone: `07${f.chars('2345689', 3)} ${f.chars('2345689', 6)}`,
      user: 'mtanaka',
      encoded: Buffer.from(key).toString('base64'),
    };
    const snippet = `\nContact ${planted.phone}, card ${planted.card}, IBAN ${planted.iban}, file /Users/${planted.user}/Documents/in.csv, blob ${planted.encoded}`;
    /** Every free-text string parameter (not an expression, has spaces, 20+ characters) gets the snippet. */
    const plant = (v: unknown): unknown => {
      if (typeof v === 'string') return !v.startsWith('=') && v.length >= 20 && v.includes(' ') ? v + snippet : v;
      if (Array.isArray(v)) return v.map(plant);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plant(x)]));
      return v;
    };
    const templates = stockOnly(await loadTemplates(), catalog);
    let valid = 0;
    let plantedValid = 0;
    for (const { record, workflow: wf } of templates) {
      if (!validateWorkflow(wf, { catalog }).valid) continue;
      valid++;
      const redacted = redactWorkflowStrings(wf, { catalog });
      // Unchanged is valid; only what redaction changed is validated again.
      if (Object.keys(redacted.counts).length > 0) expect({ id: record.id, errors: validateWorkflow(redacted.workflow, { catalog }).errors }).toEqual({ id: record.id, errors: [] });
      const withData = { ...wf, nodes: wf.nodes.map((n) => ({ ...n, parameters: plant(n.parameters) })) };
      if (JSON.stringify(withData) === JSON.stringify(wf) || !validateWorkflow(withData, { catalog }).valid) continue;
      plantedValid++;
      const out = redactWorkflowStrings(withData, { catalog });
      expect({ id: record.id, errors: validateWorkflow(out.workflow, { catalog }).errors }).toEqual({ id: record.id, errors: [] });
      const json = JSON.stringify(out.workflow);
      const leaks = Object.values(planted).filter((x) => json.includes(x) || json.includes(x.replace(/ /g, '')));
      expect({ id: record.id, leaks }).toEqual({ id: record.id, leaks: [] });
      for (const kind of ['payment_card', 'iban', 'phone', 'path_user', 'encoded_secret'] as const) expect({ id: record.id, kind, counted: (out.counts[kind] ?? 0) > 0 }).toEqual({ id: record.id, kind, counted: true });
    }
    console.log(`redact keeps validity: ${valid} valid stock templates, ${plantedValid} of them with planted personal data`);
    expect(valid).toBeGreaterThan(1500);
    expect(plantedValid).toBeGreaterThan(1000);
  });
});
