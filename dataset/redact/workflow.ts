/** Redaction of a whole workflow: secret-named values, catalog `secret` properties, keys, the walk (see index.ts). */

import type { NodeCatalog } from '../../schemas/catalog/catalog';
import type { CatalogProperty } from '../../schemas/catalog/types';
import { isPlaceholderValue, isSecretName, looksRandom, NON_SECRET_WORDS } from './classifiers';
import { diffCounts, PLACEHOLDER_PATTERN, Redactor, type RedactionCounts } from './placeholders';
import { isPhoneFieldName } from './phones';
import { credentialReplacement, mixedCase, redactText, type TextContext } from './text';

const PHONE_FIELD: TextContext = { phoneField: true };

const TYPE_WORDS = new Set(['string', 'number', 'boolean', 'object', 'array', 'json', 'date', 'any']);

/** A string literal in an expression looks like a credential (not a node name, field name or type word). */
function literalLooksSecret(s: string): boolean {
  if (s.length < 4 || /\s/.test(s) || TYPE_WORDS.has(s.toLowerCase()) || NON_SECRET_WORDS.has(s.toLowerCase())) return false;
  if (isPlaceholderValue(s) || PLACEHOLDER_PATTERN.test(s)) return false;
  return /\d/.test(s) || /[!@#%^&*+=~]/.test(s) || (s.length >= 8 && mixedCase(s));
}

/**
 * A secret-named value that is an n8n expression (`=…{{ … }}`, or holds `{{ … }}`): data
 * references stay; literal text outside `{{ }}` and string literals inside that look like
 * credentials are replaced (`={{ $json.pw || 'devops123' }}` → `={{ $json.pw || '<SECRET_1>' }}`).
 */
function redactSecretExpression(value: string, redactor: Redactor): string {
  const text = redactText(value, redactor);
  let out = '';
  let i = 0;
  const prefix = text.startsWith('=') ? 1 : 0;
  out += text.slice(0, prefix);
  i = prefix;
  while (i < text.length) {
    const open = text.indexOf('{{', i);
    const literalEnd = open < 0 ? text.length : open;
    out += redactLooseLiteral(text.slice(i, literalEnd), redactor);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    const codeEnd = close < 0 ? text.length : close + 2;
    out += redactCodeLiterals(text.slice(open, codeEnd), redactor);
    i = codeEnd;
  }
  return out;
}

/** Literal text of an expression: whitespace-separated tokens that look like credentials. */
function redactLooseLiteral(segment: string, redactor: Redactor): string {
  if (segment.trim() === '') return segment;
  return segment.replace(/[^\s]+/g, (token: string) => {
    const core = token.replace(/^["'`([]+|["'`)\].,;:]+$/g, '');
    if (core === '' || /^[A-Za-z0-9_.-]+=$/.test(core) || /=$/.test(core) || PLACEHOLDER_PATTERN.test(core)) return token;
    if (isPlaceholderValue(core) || !(looksRandom(core) || (core.length >= 6 && /\d/.test(core) && /[A-Za-z]/.test(core)))) return token;
    return token.replace(core, redactor.replace('secret_parameter', 'SECRET', core));
  });
}

/** String literals inside `{{ … }}` that are not references (`$('Node')`, `json['field']`, `$fromAI('x', …)`). */
function redactCodeLiterals(code: string, redactor: Redactor): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < code.length; i++) {
    const q = code[i];
    if (q !== '"' && q !== "'" && q !== '`') continue;
    let j = i + 1;
    while (j < code.length && code[j] !== q) j += code[j] === '\\' ? 2 : 1;
    if (j >= code.length) break;
    const literal = code.slice(i + 1, j);
    const before = code.slice(0, i).trimEnd();
    const reference = /(?:\$[A-Za-z_]*\(|\[)$/.test(before) || /\$fromAI\([^)]*$/.test(before) || /\$node\[?$/.test(before);
    if (!reference && literalLooksSecret(literal)) {
      out += code.slice(last, i + 1) + redactor.replace('secret_parameter', 'SECRET', literal);
      last = j;
    }
    i = j;
  }
  return last === 0 ? code : out + code.slice(last);
}

/** The value of a secret-named key or a `secret: true` property. */
function redactSecretValue(value: string, redactor: Redactor): string {
  if (value.trim() === '') return value;
  if (value.startsWith('=') || value.includes('{{')) return redactSecretExpression(value, redactor);
  const scanned = redactText(value, redactor);
  if (isPlaceholderValue(value) && scanned === value) return value;
  return credentialReplacement(scanned, 'secret_parameter', redactor) ?? scanned;
}

// ---------------------------------------------------------------------------------------------
// Workflow walk

/** Property types whose values are never free text (the key-name heuristic does not apply). */
const NON_TEXT_TYPES = new Set(['options', 'multiOptions', 'boolean', 'number', 'credentialsSelect', 'dateTime', 'color', 'notice', 'credentials', 'hidden']);

/** What the catalog says about one key: its value is secret, never text, and the properties of its children. */
interface KeyInfo {
  secret: boolean;
  veto: boolean;
  children: CatalogProperty[] | undefined;
}

const keyInfoCache = new WeakMap<CatalogProperty[], Map<string, KeyInfo | null>>();

/** Catalog facts about `key` among `props` (memoised per property list). */
function keyInfo(props: CatalogProperty[], key: string): KeyInfo | null {
  let byName = keyInfoCache.get(props);
  if (!byName) {
    byName = new Map();
    keyInfoCache.set(props, byName);
  }
  const cached = byName.get(key);
  if (cached !== undefined) return cached;
  const defs = props.filter((p) => p.name === key);
  const info =
    defs.length === 0
      ? null
      : {
          secret: defs.some((p) => p.secret === true),
          veto: defs.every((p) => NON_TEXT_TYPES.has(p.type)),
          children: childProps(defs),
        };
  byName.set(key, info);
  return info;
}

/** Catalog properties that describe the keys of `defs`' value (fixedCollection groups act as collections). */
function childProps(defs: CatalogProperty[]): CatalogProperty[] | undefined {
  const out: CatalogProperty[] = [];
  for (const def of defs) {
    if (def.children) out.push(...def.children);
    if (def.groups) for (const g of def.groups) out.push({ name: g.name, type: 'collection', children: g.children });
  }
  return out.length > 0 ? out : undefined;
}

/** Per key name: does it look secret, does it name a phone field, is it free of anything to redact (then it is kept as is)? */
interface KeyFacts {
  secret: boolean;
  phone: boolean;
  clean: boolean;
}

const keyFactsCache = new Map<string, KeyFacts>();
const KEY_FACTS_MAX = 100_000;

function keyFacts(key: string): KeyFacts {
  const cached = keyFactsCache.get(key);
  if (cached !== undefined) return cached;
  // Whether a string changes never depends on the redactor's state: a scratch one tells.
  const facts = { secret: isSecretName(key), phone: isPhoneFieldName(key), clean: redactText(key, new Redactor()) === key };
  if (keyFactsCache.size < KEY_FACTS_MAX) keyFactsCache.set(key, facts);
  return facts;
}

/** Set an own property (also `__proto__`, which JSON.parse makes an ordinary key). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Deeper than any workflow; also ends cycles (not JSON) instead of overflowing the stack. */
const MAX_DEPTH = 256;

class Walker {
  private depth = 0;

  constructor(private readonly redactor: Redactor) {}

  /**
   * `secret`: string values here (and strings directly in arrays here) are secrets.
   * `props`: catalog properties for the keys of an object here.
   * `phone`: string values here (and strings directly in arrays here) are values of a phone field.
   */
  value(v: unknown, secret: boolean, props: CatalogProperty[] | undefined, phone = false): unknown {
    if (typeof v === 'string') return secret ? redactSecretValue(v, this.redactor) : redactText(v, this.redactor, phone ? PHONE_FIELD : undefined);
    if (v === null || typeof v !== 'object') return v;
    if (this.depth >= MAX_DEPTH) return null;
    this.depth++;
    let out: unknown;
    if (Array.isArray(v)) {
      const list = new Array<unknown>(v.length);
      let changed = false;
      for (let i = 0; i < v.length; i++) {
        list[i] = this.value(v[i], secret, props, phone);
        if (list[i] !== v[i] || !(i in v)) changed = true;
      }
      // Nothing to redact below: hand back the input itself (results are read-only, like inputs).
      out = changed ? list : v;
    } else {
      out = this.object(v as Record<string, unknown>, props);
    }
    this.depth--;
    return out;
  }

  object(obj: Record<string, unknown>, props: CatalogProperty[] | undefined): Record<string, unknown> {
    // `{name: 'Authorization', value: '…'}` (header/query/body parameter lists, Set assignments).
    let secretPair = false;
    let phonePair = false;
    if ('value' in obj) {
      const pairName = typeof obj.name === 'string' ? obj.name : typeof obj.key === 'string' ? obj.key : undefined;
      secretPair = pairName !== undefined && isSecretName(pairName);
      phonePair = pairName !== undefined && isPhoneFieldName(pairName);
    }
    // Copied only from the first change on: most objects have nothing to redact, and then the
    // input itself is handed back (results are read-only, like inputs). Odd prototypes are always copied.
    let out: Record<string, unknown> | undefined = Object.getPrototypeOf(obj) !== Object.prototype ? {} : undefined;
    const keys = Object.keys(obj);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      const info = props === undefined ? null : keyInfo(props, key);
      const facts = keyFacts(key);
      const secret = info?.secret === true || ((info === null || !info.veto) && facts.secret) || (secretPair && key === 'value');
      const newKey = facts.clean ? key : redactText(key, this.redactor);
      const phone = facts.phone || (phonePair && key === 'value');
      const value = this.value(obj[key], secret, info === null ? undefined : info.children, phone);
      if (out === undefined && (newKey !== key || value !== obj[key])) {
        out = {};
        for (let j = 0; j < k; j++) setOwn(out, keys[j], obj[keys[j]]);
      }
      if (out !== undefined) setOwn(out, newKey, value);
    }
    return out ?? obj;
  }

  node(node: unknown, catalog: NodeCatalog | undefined): unknown {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return this.value(node, false, undefined);
    const n = node as Record<string, unknown>;
    let props: CatalogProperty[] | undefined;
    const info = catalog && typeof n.type === 'string' ? catalog.get(n.type) : undefined;
    // Compact targets leave out the type's default version.
    const version = typeof n.typeVersion === 'number' ? n.typeVersion : n.typeVersion === undefined ? info?.entry.defaultVersion : undefined;
    if (info && version !== undefined) props = info.propertiesAt(version)?.list;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(n)) {
      const value = n[key];
      setOwn(
        out,
        keyFacts(key).clean ? key : redactText(key, this.redactor),
        key === 'parameters' && value !== null && typeof value === 'object' && !Array.isArray(value)
          ? this.object(value as Record<string, unknown>, props)
          : this.value(value, false, undefined),
      );
    }
    return out;
  }
}

export interface RedactOptions {
  /** Node catalog: values of properties marked `secret: true` are redacted whole. */
  catalog?: NodeCatalog;
  /** Redaction state to use (a fresh one per workflow when omitted). */
  redactor?: Redactor;
}

export interface RedactResult<T> {
  workflow: T;
  /** Redactions made by this call, by kind (kinds with zero are absent). */
  counts: RedactionCounts;
  /** Set only if redaction failed unexpectedly: `workflow` is then `{}` (nothing unscanned is returned). */
  error?: string;
}

/**
 * Redact every string in a workflow (and keys: node names in `connections`/`pinData` stay
 * consistent with the nodes). Node `parameters` additionally get the secret-name and catalog
 * `secret: true` rules; so do pinData, credentials blocks and everything else for key names.
 * Never throws, never mutates `workflow`. Sub-trees with nothing to redact are shared with the
 * input rather than copied: treat the result as read-only, like the input.
 */
export function redactWorkflowStrings<T>(workflow: T, options: RedactOptions = {}): RedactResult<T> {
  const redactor = options.redactor ?? new Redactor();
  const before = redactor.counts;
  try {
    const walker = new Walker(redactor);
    let result: unknown;
    if (workflow !== null && typeof workflow === 'object' && !Array.isArray(workflow)) {
      const wf = workflow as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const computed = new Map<string, [string, unknown]>();
      const order = ['name', 'description', ...Object.keys(wf).filter((k) => k !== 'name' && k !== 'description')].filter((k) => k in wf);
      for (const key of order) {
        const value = wf[key];
        const newValue =
          key === 'nodes' && Array.isArray(value)
            ? value.map((node) => walker.node(node, options.catalog))
            : walker.value(value, isSecretName(key) && typeof value === 'string', undefined);
        computed.set(key, [redactText(key, redactor), newValue]);
      }
      for (const key of Object.keys(wf)) {
        const [newKey, newValue] = computed.get(key) as [string, unknown];
        setOwn(out, newKey, newValue);
      }
      result = out;
    } else {
      result = walker.value(workflow, false, undefined);
    }
    if (redactor.phoneDigits.size > 0) result = redactKnownPhoneDigits(result, redactor);
    return { workflow: result as T, counts: diffCounts(redactor.counts, before) };
  } catch (error) {
    return { workflow: {} as T, counts: diffCounts(redactor.counts, before), error: String(error) };
  }
}

const DIGIT_RUN = /(?<![0-9])[0-9]{8,15}(?![0-9])/g;

/**
 * A phone number found once (`+880 1322-827799`) is personal data wherever it appears, also as
 * bare digits (`8801322827799` in a chat id, a WhatsApp JID, a sample output). `value` is the
 * walker's fresh copy: rebuilt, never the caller's input.
 */
function redactKnownPhoneDigits(value: unknown, redactor: Redactor): unknown {
  if (typeof value === 'string') {
    if (value.length < 8) return value;
    DIGIT_RUN.lastIndex = 0;
    return value.replace(DIGIT_RUN, (digits: string) => (redactor.phoneDigits.has(digits) ? redactor.replace('phone', 'PHONE', digits) : digits));
  }
  if (Array.isArray(value)) return value.map((v) => redactKnownPhoneDigits(v, redactor));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, redactKnownPhoneDigits(v, redactor));
    return out;
  }
  return value;
}
