/**
 * Fuzzing the validator's contract: whatever the input, validateWorkflow never throws,
 * never mutates its input, returns a well-formed result with documented codes only, and
 * `valid` is exactly "no errors". Random JSON, random workflow-shaped objects built from
 * real catalog types, hostile keys and numbers, deep nesting, huge strings, broken JSON
 * text and randomly damaged real templates. Fixed seeds: failures reproduce.
 */
import fc from 'fast-check';
import type { NodeTypeInfo } from '../../../schemas/catalog/catalog';
import { loadCatalog } from '../../../schemas/catalog/load';
import { ISSUE_CODES, validateWorkflow, type ValidationPolicy, type ValidationResult } from '../../../schemas/validator';
import { loadTemplates, type ParsedTemplate } from '../../helpers/templates';
import { WORKFLOW_LIMITS } from '../../../schemas/limits';

const catalog = loadCatalog();
const SEED = 0x5eed_f10;
const CODES = new Set<string>(ISSUE_CODES);
const STAT_KEYS = ['nodes', 'connections', 'triggers', 'nodeTypes', 'unknownNodeTypes'];
const INTERNAL = 'cannot check this value';

type Json = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// Snapshots and comparison that survive depth (no recursion), cycles, holes, NaN / -0,
// undefined, null prototypes, and the odd Date / Map / Set / boxed value / typed array.
// ---------------------------------------------------------------------------------------------

const isContainer = (v: unknown): v is object => v !== null && typeof v === 'object';

/** Own enumerable string keys and their values (holes stay holes). */
function ownEntries(o: object): Array<[string, unknown]> {
  return Object.keys(o).map((k) => [k, Object.getOwnPropertyDescriptor(o, k)?.value]);
}

/** A structural copy: same prototypes, same own enumerable keys in order, holes kept, cycles kept. */
function snapshot(value: unknown): unknown {
  if (!isContainer(value)) return value;
  const copies = new Map<object, object>();
  const pending: Array<[object, object]> = [];
  const copyShell = (source: object): object => {
    const known = copies.get(source);
    if (known) return known;
    let shell: object;
    if (Array.isArray(source)) shell = new Array(source.length);
    else if (source instanceof Date) shell = new Date(source.getTime());
    else if (source instanceof Map) shell = new Map(source);
    else if (source instanceof Set) shell = new Set(source);
    else if (ArrayBuffer.isView(source)) shell = (source as unknown as { slice(): object }).slice();
    else if (source instanceof Number || source instanceof String || source instanceof Boolean) shell = Object(source.valueOf());
    else shell = Object.create(Object.getPrototypeOf(source));
    copies.set(source, shell);
    pending.push([source, shell]);
    return shell;
  };
  const root = copyShell(value);
  while (pending.length > 0) {
    const [source, shell] = pending.pop() as [object, object];
    if (ArrayBuffer.isView(source)) continue;
    for (const [k, v] of ownEntries(source)) {
      // A boxed string's characters are already there (and cannot be redefined).
      if (Object.getOwnPropertyDescriptor(shell, k)?.configurable === false) continue;
      Object.defineProperty(shell, k, { value: isContainer(v) ? copyShell(v) : v, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

function kindOf(v: object): string {
  return Object.prototype.toString.call(v);
}

/** First difference between `a` and its snapshot `b` as a path, or undefined. Iterative. */
function difference(a: unknown, b: unknown): string | undefined {
  const seen = new Map<object, object>();
  const stack: Array<[unknown, unknown, string]> = [[a, b, '']];
  while (stack.length > 0) {
    const [x, y, path] = stack.pop() as [unknown, unknown, string];
    if (!isContainer(x) || !isContainer(y)) {
      if (!Object.is(x, y)) return `${path || '/'}: ${String(typeof x === 'symbol' ? x.description : x).slice(0, 40)} ≠ ${String(typeof y === 'symbol' ? y.description : y).slice(0, 40)}`;
      continue;
    }
    if (seen.get(x) === y) continue;
    seen.set(x, y);
    if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y) || kindOf(x) !== kindOf(y)) return `${path || '/'}: prototype changed`;
    if (Array.isArray(x) && x.length !== (y as unknown[]).length) return `${path || '/'}: length ${x.length} ≠ ${(y as unknown[]).length}`;
    if (x instanceof Date && x.getTime() !== (y as Date).getTime()) return `${path || '/'}: date changed`;
    if (x instanceof Map || x instanceof Set) {
      const xs = [...x.entries()].flat();
      const ys = [...(y as Map<unknown, unknown>).entries()].flat();
      if (xs.length !== ys.length || xs.some((v, i) => !Object.is(v, ys[i]))) return `${path || '/'}: collection changed`;
    }
    if (ArrayBuffer.isView(x)) {
      const xs = Array.from(x as unknown as ArrayLike<unknown>);
      const ys = Array.from(y as unknown as ArrayLike<unknown>);
      if (xs.length !== ys.length || xs.some((v, i) => !Object.is(v, ys[i]))) return `${path || '/'}: typed array changed`;
      continue;
    }
    const xk = Object.keys(x);
    const yk = Object.keys(y);
    if (xk.length !== yk.length || xk.some((k, i) => k !== yk[i])) return `${path || '/'}: keys changed`;
    for (const [k, v] of ownEntries(x)) stack.push([v, Object.getOwnPropertyDescriptor(y, k)?.value, `${path}/${k.length > 40 ? `${k.slice(0, 40)}…` : k}`]);
  }
  return undefined;
}

/** Object.freeze, all the way down (iterative). */
function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!isContainer(v) || Object.isFrozen(v) || ArrayBuffer.isView(v)) continue;
    Object.freeze(v);
    for (const [, child] of ownEntries(v)) stack.push(child);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// The contract.
// ---------------------------------------------------------------------------------------------

function shapeProblem(r: unknown): string | undefined {
  if (!isContainer(r)) return 'result is not an object';
  const { valid, errors, warnings, stats } = r as ValidationResult;
  if (typeof valid !== 'boolean') return 'valid is not a boolean';
  if (!Array.isArray(errors) || !Array.isArray(warnings)) return 'errors / warnings are not arrays';
  if (valid !== (errors.length === 0)) return `valid is ${valid} with ${errors.length} error(s)`;
  if (!isContainer(stats)) return 'stats is not an object';
  for (const key of STAT_KEYS) {
    const n = (stats as unknown as Json)[key];
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) return `stats.${key} is ${String(n)}`;
  }
  for (const issue of [...errors, ...warnings]) {
    if (!isContainer(issue)) return 'an issue is not an object';
    if (!CODES.has(issue.code)) return `undocumented code ${JSON.stringify(issue.code)}`;
    if (typeof issue.message !== 'string' || issue.message === '') return `${issue.code} without a message`;
    for (const field of ['node', 'path', 'suggestion'] as const) {
      if (issue[field] !== undefined && typeof issue[field] !== 'string') return `${issue.code}.${field} is ${typeof issue[field]}`;
    }
  }
  return undefined;
}

let validations = 0;
/** Every time the validator's last-resort catch fired (an internal exception reported as SCHEMA), per message. */
const internalExceptions = new Map<string, number>();
/** The same, for the current test only: message → the first input that caused it. */
let internalInTest = new Map<string, string>();

function describeInput(value: unknown): string {
  try {
    const text = typeof value === 'string' ? value : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return text === undefined ? String(value) : text.length > 600 ? `${text.slice(0, 600)}… (${text.length} chars)` : text;
  } catch (error) {
    return `(not serialisable: ${(error as Error).message})`;
  }
}

/** Validate and check the whole contract; throws (failing the property) on any breach. */
function checked(value: unknown, policy: Partial<ValidationPolicy> = {}): ValidationResult {
  const before = snapshot(value);
  let r: ValidationResult;
  try {
    r = validateWorkflow(value, { catalog, policy });
  } catch (error) {
    throw new Error(`validateWorkflow threw: ${error instanceof Error ? `${error.name}: ${error.message}` : typeof error}`);
  }
  validations++;
  const problem = shapeProblem(r);
  if (problem) throw new Error(`malformed result: ${problem}`);
  const changed = difference(value, before);
  if (changed) throw new Error(`the input was mutated at ${changed}`);
  for (const e of r.errors) {
    if (!e.message.startsWith(INTERNAL)) continue;
    const key = e.message.length > 120 ? `${e.message.slice(0, 120)}…` : e.message;
    internalExceptions.set(key, (internalExceptions.get(key) ?? 0) + 1);
    if (!internalInTest.has(key)) internalInTest.set(key, describeInput(value));
  }
  return r;
}

/**
 * For inputs JSON can carry, the last-resort catch must never fire: an internal exception
 * means a check crashed and the workflow got a wrong code (SCHEMA) instead of its real one.
 */
function expectNoInternalExceptions(): void {
  const found = [...internalInTest.entries()].map(([message, input]) => `${message}
    first input: ${input}`);
  expect(found).toEqual([]);
}

/** Run on a deep-frozen copy too: a write would throw (strict mode) and change the result. */
function checkedFrozenToo(value: unknown, policy: Partial<ValidationPolicy> = {}): ValidationResult {
  const r = checked(value, policy);
  const frozen = deepFreeze(snapshot(value));
  const f = checked(frozen, policy);
  const a = JSON.stringify(r);
  const b = JSON.stringify(f);
  if (a !== b) throw new Error(`a frozen copy validates differently:\n  unfrozen ${a.slice(0, 400)}\n  frozen   ${b.slice(0, 400)}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.
// ---------------------------------------------------------------------------------------------

const HOSTILE_KEYS = [
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf',
  '', ' ', '0', 'length', 'a/b~c', '__rl', 'value', 'mode', '=', '={{ 1 }}',
];
const CONNECTION_TYPES = [
  'main', 'ai_languageModel', 'ai_tool', 'ai_memory', 'ai_outputParser', 'ai_embedding', 'ai_document', 'ai_textSplitter',
  'ai_vectorStore', 'ai_retriever', 'ai_reranker', 'ai_chain', 'ai_agent',
];
const ODD_TYPES = [
  'n8n-nodes-base.constructor', 'n8n-nodes-base.__proto__', '@n8n/n8n-nodes-langchain.toString', 'n8n-nodes-base.hasOwnProperty',
  'constructor', '__proto__', 'prototype', 'n8n-nodes-base.', '.', '', 'n8n-nodes-base.chatGpt', 'n8n-nodes-base.stickyNote',
  'n8n-nodes-base.executeCommand', 'n8n-nodes-community.fooTrigger', 'n8n-nodes-base.httpRequestTool', 'N8N-NODES-BASE.SET',
];
const ODD_NUMBERS = [NaN, Infinity, -Infinity, -0, 0, 1, 2, 1.1, 3.4, 99, -1, 2 ** 31, Number.MAX_SAFE_INTEGER + 2, Number.MIN_VALUE, 1e308];

const oddNumber = fc.constantFrom(...ODD_NUMBERS);
const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 8 }));
const expression = fc.constantFrom('={{ $json.x }}', '=', '=x', '={{', '= {{ $("A").item.json }}');
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  oddNumber,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  expression,
  fc.constantFrom('', '__CUSTOM_API_CALL__', 'main', 'list', 'id', 'url'),
);

/** Random values that lean on a node type's own vocabulary (parameter names, options, modes). */
interface Vocabulary {
  names: string[];
  inner: string[];
  options: unknown[];
  modes: string[];
}

const vocabularies = new Map<string, Vocabulary>();

function vocabularyOf(info: NodeTypeInfo, version: number): Vocabulary {
  const key = `${info.type}@${version}`;
  let v = vocabularies.get(key);
  if (v) return v;
  const index = info.propertiesAt(version);
  const inner = new Set<string>();
  const options = new Set<unknown>();
  const modes = new Set<string>();
  const visit = (props: Array<{ name: string; options?: unknown[]; modes?: string[]; children?: unknown[]; groups?: Array<{ name: string; children: unknown[] }> }>, depth: number) => {
    for (const p of props) {
      if (depth > 0) inner.add(p.name);
      for (const o of p.options ?? []) options.add(o);
      for (const m of p.modes ?? []) modes.add(m);
      if (depth < 3) {
        visit((p.children ?? []) as typeof props, depth + 1);
        for (const g of p.groups ?? []) {
          inner.add(g.name);
          visit(g.children as typeof props, depth + 1);
        }
      }
    }
  };
  visit(index?.list ?? [], 0);
  v = { names: [...(index?.byName.keys() ?? [])], inner: [...inner].slice(0, 60), options: [...options].slice(0, 60), modes: [...modes] };
  vocabularies.set(key, v);
  return v;
}

function valueArbitrary(vocab: Vocabulary): fc.Arbitrary<unknown> {
  const from = <T>(list: T[], fallback: fc.Arbitrary<T>) => (list.length > 0 ? fc.constantFrom(...list) : fallback);
  const scalar = fc.oneof({ weight: 3, arbitrary: from(vocab.options, leaf) }, { weight: 3, arbitrary: leaf });
  const key = fc.oneof({ weight: 3, arbitrary: from(vocab.inner, hostileKey) }, { weight: 1, arbitrary: hostileKey });
  const locator = fc.record(
    { __rl: fc.oneof(fc.constant(true), leaf), mode: fc.oneof(from(vocab.modes, leaf), leaf), value: scalar, cachedResultName: leaf },
    { requiredKeys: [] },
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: scalar },
      { weight: 1, arbitrary: locator },
      { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }) },
      { weight: 2, arbitrary: fc.dictionary(key, tie('value'), { maxKeys: 4 }) },
    ),
  }));
  return value;
}

const knownTypes = [...catalog.types()];

/** A node of a real catalog type with parameters drawn from that type's vocabulary, and odd fields now and then. */
const realNode: fc.Arbitrary<unknown> = fc
  .constantFrom(...knownTypes)
  .chain((info) => fc.tuple(fc.constant(info), fc.constantFrom(...info.entry.versions)))
  .chain(([info, version]) => {
    const vocab = vocabularyOf(info, version);
    const value = valueArbitrary(vocab);
    const paramKey = fc.oneof({ weight: 5, arbitrary: vocab.names.length > 0 ? fc.constantFrom(...vocab.names) : hostileKey }, { weight: 1, arbitrary: hostileKey });
    const parameters = fc.dictionary(paramKey, value, { maxKeys: 8 });
    return fc.record(
      {
        id: fc.oneof(fc.uuid(), leaf),
        name: nodeName,
        type: fc.oneof({ weight: 9, arbitrary: fc.constant(info.type) }, { weight: 1, arbitrary: fc.constantFrom(...ODD_TYPES) }),
        typeVersion: fc.oneof({ weight: 9, arbitrary: fc.constant(version) }, { weight: 1, arbitrary: fc.oneof(oddNumber, leaf, fc.constant(String(version))) }),
        position: fc.oneof({ weight: 9, arbitrary: fc.tuple(fc.integer(), fc.integer()) }, { weight: 1, arbitrary: fc.oneof(fc.array(oddNumber, { maxLength: 3 }), leaf) }),
        parameters: fc.oneof({ weight: 9, arbitrary: parameters }, { weight: 1, arbitrary: fc.oneof(leaf, fc.array(leaf, { maxLength: 2 })) }),
        disabled: fc.oneof(fc.boolean(), leaf),
        onError: fc.oneof(fc.constantFrom('continueErrorOutput', 'continueRegularOutput', 'stopWorkflow'), leaf),
        credentials: fc.oneof(fc.dictionary(hostileKey, fc.record({ id: leaf, name: leaf }, { requiredKeys: [] }), { maxKeys: 2 }), leaf),
        notesInFlow: fc.oneof(fc.boolean(), leaf),
        webhookId: leaf,
      },
      { requiredKeys: ['name', 'type', 'typeVersion', 'position', 'parameters'] },
    );
  });

const nodeName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('Start', 'Set', 'A', 'B', 'Agent', 'Model', 'Sticky Note') },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 1, arbitrary: leaf },
);

const anyNode = fc.oneof(
  { weight: 8, arbitrary: realNode },
  { weight: 1, arbitrary: fc.record({ name: nodeName, type: fc.oneof(fc.constantFrom(...ODD_TYPES), fc.string()), typeVersion: leaf, position: leaf, parameters: fc.oneof(fc.dictionary(hostileKey, leaf), leaf) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.oneof(leaf, fc.jsonValue({ maxDepth: 2 })) },
);

/** Connections between the given names (cycles and self-loops included), plus strangers and junk. */
function connectionsArbitrary(names: string[]): fc.Arbitrary<unknown> {
  const name = names.length > 0 ? fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: nodeName }) : nodeName;
  const connectionType = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...CONNECTION_TYPES) }, { weight: 1, arbitrary: hostileKey });
  const outputsOf = (type: string) => {
    const target = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.record(
          {
            node: fc.oneof({ weight: 8, arbitrary: name }, { weight: 1, arbitrary: leaf }),
            type: fc.oneof({ weight: 6, arbitrary: fc.constant(type) }, { weight: 1, arbitrary: connectionType }, { weight: 1, arbitrary: leaf }),
            index: fc.oneof({ weight: 6, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.oneof(oddNumber, leaf) }),
          },
          { requiredKeys: ['node'] },
        ),
      },
      { weight: 1, arbitrary: leaf },
    );
    return fc.array(fc.oneof({ weight: 6, arbitrary: fc.array(target, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: leaf }), { maxLength: 5 });
  };
  // Own-property objects built like JSON.parse builds them (a "__proto__" key stays a key).
  const entries = <T>(pairs: Array<[string, T]>) => {
    const o: Json = {};
    for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  };
  const byType = fc.oneof(
    { weight: 8, arbitrary: fc.array(connectionType.chain((t) => fc.tuple(fc.constant(t), fc.oneof({ weight: 8, arbitrary: outputsOf(t) }, { weight: 1, arbitrary: leaf }))), { maxLength: 3 }).map(entries) },
    { weight: 1, arbitrary: leaf },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.tuple(name.filter((n): n is string => typeof n === 'string'), byType), { maxLength: 6 }).map(entries) },
    { weight: 1, arbitrary: fc.oneof(leaf, fc.array(leaf, { maxLength: 2 })) },
  );
}

const workflowLike: fc.Arbitrary<unknown> = fc.array(anyNode, { maxLength: 8 }).chain((nodes) => {
  const names = nodes.flatMap((n) => (isContainer(n) && typeof (n as Json).name === 'string' ? [(n as Json).name as string] : []));
  return fc.record(
    {
      name: leaf,
      nodes: fc.oneof({ weight: 12, arbitrary: fc.constant(nodes) }, { weight: 1, arbitrary: leaf }),
      connections: connectionsArbitrary(names),
      settings: fc.oneof(fc.dictionary(hostileKey, leaf, { maxKeys: 3 }), leaf),
      pinData: fc.oneof(fc.dictionary(hostileKey, fc.array(leaf, { maxLength: 2 }), { maxKeys: 2 }), leaf),
      active: leaf,
      tags: fc.oneof(fc.array(fc.oneof(leaf, fc.record({ id: leaf, name: leaf }, { requiredKeys: [] })), { maxLength: 2 }), leaf),
    },
    { requiredKeys: ['nodes', 'connections'] },
  );
});

/** The wrappers the validator unwraps (template records, the n8n.io API shape), and a few it must not. */
const wrapped = (inner: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: inner },
    { weight: 1, arbitrary: inner.map((workflow) => ({ name: 'record', description: 'd', workflow })) },
    { weight: 1, arbitrary: inner.map((workflow) => ({ workflow: { name: 'api', workflow } })) },
    { weight: 1, arbitrary: inner.map((workflow) => ({ workflow: { workflow: { workflow: { workflow: { workflow } } } } })) },
  );

const policies = fc.constantFrom<Partial<ValidationPolicy>>({}, { strict: true }, { allowUnknownCommunity: true }, { deny: [] }, { allowDenied: ['n8n-nodes-base.executeCommand'] }, { allow: ['n8n-nodes-base.set'] });

// ---------------------------------------------------------------------------------------------
// Deep and huge inputs.
// ---------------------------------------------------------------------------------------------

const DEPTH = 5000;
const MB = 1 << 20;

/** `depth` levels of alternating arrays and objects around `leafValue` (built iteratively). */
function nested(depth: number, leafValue: unknown = 'leaf', key = 'k'): unknown {
  let v = leafValue;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { [key]: v };
  return v;
}

function node(name: string, type: string, typeVersion: number, parameters: unknown = {}, extra: Json = {}): Json {
  return { name, type: type.includes('.') ? type : `n8n-nodes-base.${type}`, typeVersion, position: [0, 0], parameters, ...extra };
}

function base(extraNodes: Json[] = [], connections: Json = { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } }): Json {
  return {
    name: 'fuzz',
    nodes: [node('Start', 'manualTrigger', 1), node('Set', 'set', 3.4, { mode: 'manual', assignments: { assignments: [] }, options: {} }), ...extraNodes],
    connections,
  };
}

// ---------------------------------------------------------------------------------------------
// Random damage to real templates.
// ---------------------------------------------------------------------------------------------

type Damage = { template: number; steps: number[]; op: 'replace' | 'delete' | 'insert'; key: string; value: unknown; asText: boolean };

/** Walk `steps` into `root` (each step picks a child by index modulo the child count) and damage what is there. */
function damage(root: unknown, d: Damage): unknown {
  if (d.steps.length === 0 || !isContainer(root)) return d.op === 'replace' ? d.value : root;
  let parent: object = root;
  for (let i = 0; ; i++) {
    const keys = Object.keys(parent);
    if (keys.length === 0) break;
    const key = keys[d.steps[i] % keys.length];
    const child = (parent as Json)[key];
    if (i + 1 >= d.steps.length || !isContainer(child) || Object.keys(child).length === 0) {
      if (d.op === 'replace') Object.defineProperty(parent, key, { value: d.value, enumerable: true, writable: true, configurable: true });
      else if (d.op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Json)[key];
      }
      break;
    }
    parent = child;
  }
  if (d.op === 'insert') Object.defineProperty(parent, Array.isArray(parent) ? String(parent.length) : d.key, { value: d.value, enumerable: true, writable: true, configurable: true });
  return root;
}

describe('validateWorkflow never throws and never mutates its input, whatever the input', () => {
  let templates: ParsedTemplate[] = [];
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
  const arrayProtoBefore = Object.getOwnPropertyNames(Array.prototype).sort().join(',');
  const started = Date.now();

  beforeAll(async () => {
    templates = await loadTemplates();
  });

  beforeEach(() => {
    internalInTest = new Map();
  });

  afterAll(() => {
    const internal = [...internalExceptions.entries()].map(([m, n]) => `  ${n}× ${m}`).join('\n');
    console.log(
      `fuzz: ${validations} validations in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (internal ? `\nthe validator's last-resort catch fired (SCHEMA "${INTERNAL}…"):\n${internal}` : ''),
    );
    templates = [];
  });

  it('the harness itself notices changes (snapshots keep holes, NaN, -0, undefined, prototypes and "__proto__" keys)', () => {
    const make = () => {
      const o = JSON.parse('{"__proto__": {"a": [1, {"b": 2}]}, "c": [null]}') as Json;
      o.n = [NaN, -0, undefined, , 1]; // eslint-disable-line no-sparse-arrays
      o.bare = Object.create(null);
      return o;
    };
    const o = make();
    const snap = snapshot(o);
    expect(difference(o, snap)).toBeUndefined();
    const edits: Array<(x: Json) => void> = [
      (x) => (((x.__proto__ as Json).a as unknown[])[1] = { b: 3 }),
      (x) => ((x.n as unknown[])[1] = 0),
      (x) => ((x.n as unknown[])[3] = undefined),
      (x) => ((x.n as unknown[])[0] = 0),
      (x) => delete x.c,
      (x) => ((x.bare as Json).k = 1),
      (x) => Object.setPrototypeOf(x.bare, {}),
      (x) => ((x.c as unknown[]).length = 0),
    ];
    for (const edit of edits) {
      const changed = make();
      edit(changed);
      expect(difference(changed, snap)).toBeDefined();
    }
    expect(() => {
      'use strict';
      (deepFreeze(make()).c as unknown[]).push(1);
    }).toThrow(TypeError);
  });

  it('node types named after Object.prototype members are plain unknown types', () => {
    const wrong: string[] = [];
    for (const type of ['n8n-nodes-base.constructor', 'n8n-nodes-base.__proto__', '@n8n/n8n-nodes-langchain.constructor', 'constructor', '__proto__', 'n8n-nodes-base.toString', 'n8n-nodes-base.valueOf', 'n8n-nodes-base.hasOwnProperty']) {
      const r = checked(base([node('Odd', type, 1)]));
      const got = r.errors.map((e) => `${e.code} ${e.path ?? ''} ${e.message}`.slice(0, 100));
      if (got.length !== 1 || !got[0].startsWith('UNKNOWN_NODE_TYPE /nodes/2/type ')) wrong.push(`${type}: ${JSON.stringify(got)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('random JSON values, as values and as JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), policies, (value, policy) => {
        checked(value, policy);
        checked(JSON.stringify(value) ?? 'undefined', policy);
      }),
      { seed: SEED, numRuns: 400 },
    );
    expectNoInternalExceptions();
  });

  it('random JavaScript values: null prototypes, holes, boxed values, dates, maps, sets, typed arrays, bigints', () => {
    const anything = fc.anything({
      maxDepth: 4,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withBigInt: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        checked(value);
        checked({ nodes: [node('X', 'set', 3.4, { mode: value, options: value, __proto__x: value })], connections: { X: value } });
      }),
      { seed: SEED + 1, numRuns: 300 },
    );
  });

  it('random workflow-shaped objects: real node types, random parameters, connections with cycles, hostile keys and numbers', () => {
    fc.assert(
      fc.property(wrapped(workflowLike), policies, (value, policy) => {
        checkedFrozenToo(value, policy);
      }),
      { seed: SEED + 2, numRuns: 700 },
    );
    expectNoInternalExceptions();
  });

  it('the same workflows through JSON text and JSON.parse (own "__proto__" / "constructor" keys)', () => {
    fc.assert(
      fc.property(workflowLike, fc.nat(), (value, cut) => {
        const text = JSON.stringify(value);
        const parsed = JSON.parse(text) as unknown;
        checkedFrozenToo(parsed);
        checked(text);
        // Any proper prefix of an object's JSON text is broken JSON.
        const broken = checked(text.slice(0, cut % text.length));
        if (broken.errors.map((e) => e.code).join() !== 'INVALID_JSON') throw new Error(`truncated text gave ${JSON.stringify(broken.errors.map((e) => e.code))}`);
      }),
      { seed: SEED + 3, numRuns: 300 },
    );
    expectNoInternalExceptions();
  });

  it('the same answer for a workflow as an object, as JSON text, wrapped in a record, strict or not', () => {
    const issues = (r: ValidationResult) => [...r.errors, ...r.warnings].map((e) => JSON.stringify(e)).sort();
    fc.assert(
      fc.property(workflowLike, (value) => {
        const text = JSON.stringify(value);
        const parsed = JSON.parse(text) as unknown;
        const r = checked(parsed);
        const same = (other: ValidationResult, how: string) => {
          if (JSON.stringify(other) !== JSON.stringify(r)) throw new Error(`${how} differs:\n  object ${JSON.stringify(r).slice(0, 500)}\n  ${how} ${JSON.stringify(other).slice(0, 500)}`);
        };
        same(checked(text), 'as text');
        same(checked({ name: 'record', description: 'd', workflow: parsed }), 'wrapped');
        // Strictness only moves MISSING_REQUIRED_PARAMETER from warnings to errors.
        const strict = checked(parsed, { strict: true });
        if (issues(strict).join() !== issues(r).join()) throw new Error('strict mode changed the issues, not just their severity');
        const moved = strict.errors.filter((e) => !r.errors.some((x) => JSON.stringify(x) === JSON.stringify(e)));
        if (moved.some((e) => e.code !== 'MISSING_REQUIRED_PARAMETER')) throw new Error(`strict mode added errors: ${JSON.stringify(moved)}`);
      }),
      { seed: SEED + 7, numRuns: 250 },
    );
    expectNoInternalExceptions();
  });

  it('broken JSON text', () => {
    const source = JSON.stringify(base([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', method: 'GET' })]));
    const edits = fc.record({ at: fc.nat(), remove: fc.nat(8), insert: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\ud800', 'NaN', 'undefined')) });
    fc.assert(
      fc.property(fc.array(edits, { minLength: 1, maxLength: 4 }), fc.string(), (list, junk) => {
        let text = source;
        for (const e of list) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        checked(text);
        checked(junk);
      }),
      { seed: SEED + 4, numRuns: 400 },
    );
    for (const text of ['', ' ', '{', '[', '"', 'nul', '{"nodes": [}', '\ufeff{}', '{"nodes":[],"connections":{}}garbage', 'NaN', '1e999', '{"a":1,"a":2}']) checked(text);
    expectNoInternalExceptions();
  });

  it('randomly damaged real templates (a random path replaced, deleted or extended with a random value)', () => {
    expect(templates.length).toBeGreaterThan(2000);
    const damages: fc.Arbitrary<Damage> = fc.record({
      template: fc.nat(templates.length - 1),
      steps: fc.array(fc.nat(), { maxLength: 9 }),
      op: fc.constantFrom('replace', 'delete', 'insert'),
      key: hostileKey,
      value: fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 2, arbitrary: leaf }, { weight: 1, arbitrary: fc.constantFrom(...ODD_TYPES) }),
      asText: fc.boolean(),
    });
    fc.assert(
      fc.property(damages, policies, (d, policy) => {
        const value = damage(JSON.parse(templates[d.template].record.workflowJson), d);
        if (d.asText) checked(JSON.stringify(value) ?? '', policy);
        else checkedFrozenToo(value, policy);
      }),
      { seed: SEED + 5, numRuns: 500 },
    );
    expectNoInternalExceptions();
  });

  it('real templates, deep-frozen', () => {
    for (const t of templates.filter((_, i) => i % 25 === 0)) checkedFrozenToo(JSON.parse(t.record.workflowJson), { allowUnknownCommunity: true });
    expectNoInternalExceptions();
  });

  it(`${DEPTH} levels of nesting inside parameters, connections and the workflow itself`, () => {
    const deepArray = nested(DEPTH);
    const cases: unknown[] = [
      base([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', nowhere: deepArray })]),
      base([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', method: deepArray })]),
      base([node('HTTP', 'httpRequest', 4.2, { url: 'https://x', options: nested(DEPTH, 'leaf', 'timeout') })]),
      base([node('HTTP', 'httpRequest', 4.2, { url: deepArray, sendQuery: true, queryParameters: { parameters: [deepArray] } })]),
      base([node('Code', 'code', 2, JSON.parse('{"jsCode": "return []", "__proto__": 1, "constructor": 2}') as Json)]),
      base([node('Code', 'code', 2, Object.defineProperty({ jsCode: 'return []' }, '__proto__', { value: deepArray, enumerable: true }))]),
      base([node('Set2', 'set', 3.4, { assignments: { assignments: [{ name: 'x', value: deepArray, type: 'string' }] } })]),
      base([], { Start: { main: [[{ node: 'Set', type: 'main', index: 0 }], deepArray] } }),
      base([], { Start: { main: deepArray } }),
      base([], { Start: deepArray }),
      base([], deepArray as Json),
      { ...base(), nodes: deepArray },
      { ...base(), settings: deepArray, pinData: { Start: [deepArray] }, meta: deepArray, tags: [deepArray] },
      deepArray,
      nested(DEPTH, base(), 'workflow'),
      { ...base(), nodes: [{ ...node('Deep', 'set', 3.4), credentials: { x: deepArray }, position: deepArray }] },
    ];
    const results = cases.map((value) => checkedFrozenToo(value));
    // Deeper still, as JSON text (JSON.parse copes with 100,000 levels).
    const open = '['.repeat(100_000);
    const close = ']'.repeat(100_000);
    checked(`{"nodes":[{"name":"X","type":"n8n-nodes-base.httpRequest","typeVersion":4.2,"position":[0,0],"parameters":{"method":${open}${close}}}],"connections":{"X":{"main":${open}${close}}}}`);
    checked(`${open}${close}`);
    checked(open);
    // Past WORKFLOW_LIMITS.maxDepth a workflow is one LIMIT_EXCEEDED error, pointing into the deep value, before any recursive check.
    expect(results[0].errors).toEqual([expect.objectContaining({ code: 'LIMIT_EXCEEDED', path: expect.stringMatching(/^\/nodes\/2\/parameters\/nowhere\//) })]);
    expect(results[1].errors).toEqual([expect.objectContaining({ code: 'LIMIT_EXCEEDED', path: expect.stringMatching(/^\/nodes\/2\/parameters\/method\//) })]);
    for (const r of results.slice(0, 4)) expect(r.errors[0].message).toBe(`too large to check: nested deeper than ${WORKFLOW_LIMITS.maxDepth} levels`);
    expect(checked(`${open}${close}`).errors).toEqual([expect.objectContaining({ code: 'LIMIT_EXCEEDED' })]);
    expectNoInternalExceptions();
  });

  it('1 MB node types, names, parameter keys and values, connection names and JSON text', () => {
    const huge = 'x'.repeat(MB);
    const hugeType = `n8n-nodes-base.${'chatGpt'.repeat(MB / 7)}`;
    const cases: unknown[] = [
      base([node('Huge type', hugeType, 1)]),
      base([node('Huge type 2', huge, 1)]),
      base([node(huge, 'httpRequest', 4.2, { url: huge })], { Start: { main: [[{ node: huge, type: 'main', index: 0 }]] }, [huge]: { main: [[{ node: 'Set', type: 'main', index: 0 }]] } }),
      base([node('Opt', 'httpRequest', 4.2, { url: 'https://x', method: huge, [huge]: huge, options: { [huge]: 1 } })]),
      base([node('Slack', 'slack', 2.3, { resource: 'channel', operation: huge, channelId: { __rl: true, mode: huge, value: huge } })]),
      base([node('Tool', 'n8n-nodes-base.slackTool', 2.3, { resource: huge, operation: 'post', toolDescription: huge })]),
      base([], { Start: { [huge]: [[{ node: 'Set', type: huge, index: 0 }]] } }),
      base([node(`Dup/${huge}~`, 'set', 3.4), node(`Dup/${huge}~`, 'set', 3.4)]),
      { ...base(), name: huge, description: huge, tags: [huge] },
    ];
    const results = cases.map((value) => checkedFrozenToo(value, { strict: true }));
    const codes = (i: number) => results[i].errors.map((e) => e.code);
    expect(codes(0)).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(codes(1)).toEqual(['UNKNOWN_NODE_TYPE']);
    expect(codes(3).sort()).toEqual(['INVALID_OPTION_VALUE', 'UNKNOWN_PARAMETER', 'UNKNOWN_PARAMETER']);
    expect(codes(4)).toContain('INVALID_OPTION_VALUE');
    expect(codes(7)).toEqual(['DUPLICATE_NODE_NAME']);
    const text = JSON.stringify(cases[2]);
    checked(text);
    checked(text.slice(0, -3));
    checked(`${text.slice(0, MB / 2)}\u0000${text.slice(MB / 2)}`);
    checked(huge);
    expectNoInternalExceptions();
  });

  it('odd numbers where numbers go: NaN, ±Infinity, -0, huge and fractional', () => {
    for (const n of ODD_NUMBERS) {
      checkedFrozenToo(base([node('N', 'httpRequest', n, { url: 'https://x', options: { timeout: n } }, { position: [n, n] })], {
        Start: { main: [[{ node: 'Set', type: 'main', index: n }], [{ node: 'N', type: 'main', index: 0 }]] },
        N: { main: Object.assign([], { [String(Math.abs(n) < 10 && Number.isInteger(n) ? n : 1)]: [{ node: 'Set', type: 'main', index: n }] }) },
      }));
      checkedFrozenToo(base([node('If', 'if', n, { conditions: n, looseTypeValidation: n })]));
    }
    expectNoInternalExceptions();
  });

  it('cyclic objects and shared references', () => {
    const params: Json = { url: 'https://x', options: {} };
    params.self = params;
    (params.options as Json).loop = params.options;
    const wf = base([node('HTTP', 'httpRequest', 4.2, params)]);
    const cyclic = base();
    (cyclic.connections as Json).Set = { main: [[cyclic]] };
    (cyclic as Json).workflow = cyclic;
    const shared = node('Same', 'set', 3.4);
    for (const value of [wf, cyclic, base([shared, shared])]) checkedFrozenToo(value);
  });

  it('hostile objects: throwing getters, proxies, non-Error throws', () => {
    const throwing = (thrown: unknown) =>
      Object.defineProperty({ connections: {} }, 'nodes', {
        enumerable: true,
        get() {
          throw thrown;
        },
      });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const cases: unknown[] = [
      throwing(new Error('boom')),
      throwing('a string'),
      throwing(undefined),
      throwing(null),
      throwing(Symbol('s')),
      throwing(Object.create(null)),
      throwing({ message: Symbol('m') }),
      base([Object.defineProperty(node('G', 'set', 3.4), 'parameters', { enumerable: true, get: () => { throw new RangeError('getter'); } })]),
      revoked.proxy,
    ];
    const broken: string[] = [];
    cases.forEach((value, i) => {
      try {
        const r = validateWorkflow(value, { catalog });
        const problem = shapeProblem(r) ?? (r.valid ? 'valid' : undefined);
        if (problem) broken.push(`case ${i}: ${problem}`);
      } catch (error) {
        broken.push(`case ${i}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
    });
    // A transparent proxy is just an object.
    expect(validateWorkflow(base([new Proxy(node('P', 'set', 3.4), {})]), { catalog }).valid).toBe(true);
    expect(broken).toEqual([]);
  });

  it('leaves Object.prototype and Array.prototype alone', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort().join(',')).toBe(protoBefore);
    expect(Object.getOwnPropertyNames(Array.prototype).sort().join(',')).toBe(arrayProtoBefore);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('gives the same answers whatever was validated before (memoised state is sound)', () => {
    // A second validator instance (fresh modules, fresh caches) sees the inputs in the opposite order.
    let fresh: { validateWorkflow: typeof validateWorkflow; catalog: typeof catalog } | undefined;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const v = require('../../../schemas/validator') as typeof import('../../../schemas/validator');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const l = require('../../../schemas/catalog/load') as typeof import('../../../schemas/catalog/load');
      fresh = { validateWorkflow: v.validateWorkflow, catalog: l.loadCatalog() };
    });
    const inputs = fc.sample(fc.tuple(wrapped(workflowLike), policies), { seed: SEED + 6, numRuns: 300 });
    for (const [i, t] of templates.entries()) if (i % 5 === 0) inputs.push([JSON.parse(t.record.workflowJson), { strict: true }]);
    const warm = inputs.map(([value, policy]) => JSON.stringify(validateWorkflow(value, { catalog, policy })));
    const mismatches: string[] = [];
    for (let i = inputs.length - 1; i >= 0; i--) {
      const [value, policy] = inputs[i];
      const other = JSON.stringify((fresh as NonNullable<typeof fresh>).validateWorkflow(value, { catalog: (fresh as NonNullable<typeof fresh>).catalog, policy }));
      if (other !== warm[i]) mismatches.push(`input #${i}:\n    in order:      ${warm[i].slice(0, 300)}\n    reverse order: ${other.slice(0, 300)}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });
});
