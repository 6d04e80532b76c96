/**
 * Runnable rules: workflows n8n loads but that fail when they run. Everything is read
 * from the catalog (input ports with `required` / `maxConnections`, ports computed from
 * parameters, parameter options) and the workflow itself; what cannot be known
 * statically (a parameter set by an expression, a node name built at run time) is a
 * warning, never an error.
 */
import { readConnections, type GraphEdge } from '../graph';
import { isDisplayed } from '../catalog/display';
import type { CatalogPorts, PortCase, PortCases, PortLimit } from '../catalog/types';
import type { WiredNode } from './connections';
import type { NodeFacts, ValidationContext } from './context';
import { type IssueCollector, type IssueCode, pointer } from './issues';
import { isObject } from '../json-value';
import { checkJsonLimits, deeperThan, WORKFLOW_LIMITS, type LimitViolation } from '../limits';

const RESPOND_TO_WEBHOOK = 'n8n-nodes-base.respondToWebhook';
/** Response modes in which a trigger hands the response to Respond to Webhook nodes. */
const RESPONSE_NODE_MODES = new Set(['responseNode', 'streaming']);

const NO_EDGES: GraphEdge[] = [];

export interface RuntimeNode {
  raw: Record<string, unknown>;
  index: number;
  wired: WiredNode;
}

interface Finding {
  code: IssueCode;
  message: string;
  node: string;
  path: string;
}

/** The workflow's edges, by node index; read only when a rule needs them (most workflows have no node whose inputs have limits). */
export interface RunGraph {
  incoming: Array<GraphEdge[] | undefined>;
  outgoing: Array<GraphEdge[] | undefined>;
  byIndex: Array<RuntimeNode | undefined>;
}

function readGraph(nodes: RuntimeNode[], connections: unknown, count: number): RunGraph {
  const graphNodes = new Array<{ name: string }>(count);
  for (let i = 0; i < count; i++) graphNodes[i] = { name: '' };
  for (const n of nodes) graphNodes[n.index] = { name: n.wired.name };
  // Most nodes have a handful of edges: lists are made only for the nodes that have some.
  const incoming = new Array<GraphEdge[] | undefined>(count);
  const outgoing = new Array<GraphEdge[] | undefined>(count);
  for (const e of readConnections(graphNodes, connections)) {
    (incoming[e.to] ??= []).push(e);
    (outgoing[e.from] ??= []).push(e);
  }
  const byIndex = new Array<RuntimeNode | undefined>(count);
  for (const n of nodes) byIndex[n.index] = n;
  return { incoming, outgoing, byIndex };
}

// The runnable rules (rules/inputs.ts, rules/expressions.ts, rules/webhook-response.ts) judge enabled nodes with a name: the ones that run.
const runs = (node: NodeFacts) => node.name !== undefined && node.raw.disabled !== true;

/** The workflow's edges by node index, read once per workflow by the first rule that needs them (kept in the context: a WeakMap keyed by context cost 15–25% of throughput, measured). */
function graphOf(context: ValidationContext): RunGraph {
  return (context.runGraph ??= readGraph(context.named, context.workflow.connections, context.workflow.nodes.length));
}

export function checkNodeInputs(node: NodeFacts, context: ValidationContext, issues: IssueCollector): void {
  if (!runs(node)) return;
  const ports = node.wired.info?.variantFor(node.wired.version)?.inputs;
  // Only inputs with limits, or computed from parameters, have anything to check.
  if (!ports || !(ports.limits || ports.cases)) return;
  // Connections reach only the last of several same-named nodes (DUPLICATE_NODE_NAME says so already): inputs of neither are judged.
  if (context.duplicateNames?.has(node.wired.name)) return;
  checkInputs(node, ports, graphOf(context).incoming[node.index] ?? NO_EDGES, issues);
}

export function checkNodeExpressions(node: NodeFacts, context: ValidationContext, issues: IssueCollector): void {
  if (!runs(node)) return;
  checkExpressions(node, context.wired, () => isUsedAsTool(node, graphOf(context).outgoing[node.index] ?? NO_EDGES), issues, context.scan);
}

export function checkWebhookResponse(node: NodeFacts, context: ValidationContext, issues: IssueCollector): void {
  if (!runs(node) || !responseMode(node)) return;
  const { byIndex, outgoing } = graphOf(context);
  checkResponseMode(node, byIndex, outgoing, issues);
}

type Scenario = { types: string[]; limits?: Array<PortLimit | null> };

/** Values n8n would read for a parameter: the set value, or the default of each displayed definition. */
function candidateValues(node: RuntimeNode, name: string): unknown[] | 'unknown' {
  const params = isObject(node.raw.parameters) ? node.raw.parameters : {};
  // No parameters at all: exports that strip them (n8n.io templates) look the same as
  // all-defaults, so the values are not known.
  if (Object.keys(params).length === 0) return 'unknown';
  if (Object.prototype.hasOwnProperty.call(params, name)) {
    const value = params[name];
    return typeof value === 'string' && value.startsWith('=') ? 'unknown' : [value];
  }
  const info = node.wired.info;
  const defs = info?.propertiesAt(node.wired.version)?.byName.get(name) ?? [];
  const ctx = { version: node.wired.version, tool: info?.isTool ?? false, root: params, level: params };
  const shown = defs.filter((d) => isDisplayed(d, ctx));
  return shown.length === 0 ? [undefined] : [...new Set(shown.map((d) => d.default))];
}

/** A port list reduced to what the checks read; compiled once per catalog case. */
interface CompiledPorts {
  required: Array<{ type: string; k: number }>;
  max: Array<{ type: string; k: number; max: number }>;
  perType: Map<string, number>;
}

const compiledPorts = new WeakMap<Scenario, CompiledPorts>();

function compilePorts(scenario: Scenario): CompiledPorts {
  let compiled = compiledPorts.get(scenario);
  if (compiled) return compiled;
  compiled = { required: [], max: [], perType: new Map() };
  scenario.types.forEach((type, position) => {
    const k = compiled!.perType.get(type) ?? 0;
    compiled!.perType.set(type, k + 1);
    const limit = scenario.limits?.[position];
    if (limit?.required) compiled!.required.push({ type, k });
    if (limit?.max !== undefined) compiled!.max.push({ type, k, max: limit.max });
  });
  compiledPorts.set(scenario, compiled);
  return compiled;
}

interface CaseIndex {
  byKey: Map<string, PortCase>;
  /** Per read parameter, every value some case has (undefined: unset). */
  valuesOf: unknown[][];
}

const caseIndexes = new WeakMap<PortCases, CaseIndex>();
// Objects (or anything odd in hostile input) never match a case: an object key is never produced by the catalog.
const valueKey = (values: unknown[]) =>
  values.map((v) => (typeof v === 'string' ? `s${v}` : typeof v === 'object' && v !== null ? '\u0001object' : typeof v === 'function' ? '\u0001fn' : String(v))).join('\u0000');

function caseIndex(cases: PortCases): CaseIndex {
  let index = caseIndexes.get(cases);
  if (index) return index;
  const at = (c: PortCase, k: string) => (k in c.when ? c.when[k] : undefined);
  index = {
    byKey: new Map(cases.cases.map((c) => [valueKey(cases.reads.map((k) => at(c, k))), c])),
    valuesOf: cases.reads.map((k) => [...new Set(cases.cases.map((c) => at(c, k)))]),
  };
  caseIndexes.set(cases, index);
  return index;
}

/** Every port list the node can have given what is known of its parameters; `unknown` when some value is out of the evaluated cases. */
function scenarios(node: RuntimeNode, ports: CatalogPorts): { list: Scenario[]; unknown: boolean; stripped?: boolean } | undefined {
  if (!ports.dynamic) return { list: [ports], unknown: false };
  const cases = ports.cases;
  if (!cases) return undefined;
  // No parameters at all: exports that strip them (n8n.io templates) look the same as
  // all-defaults, so any evaluated case is possible.
  if (!isObject(node.raw.parameters) || Object.keys(node.raw.parameters).length === 0) return { list: cases.cases, unknown: false, stripped: true };
  const index = caseIndex(cases);
  let combos: unknown[][] = [[]];
  cases.reads.forEach((key, i) => {
    const values = candidateValues(node, key);
    // A value set by an expression: any evaluated value is possible; a finding in every case still holds.
    const options = values === 'unknown' ? index.valuesOf[i] : values;
    combos = options.length === 1 ? combos.map((c) => [...c, options[0]]) : combos.flatMap((c) => options.map((v) => [...c, v]));
  });
  const list: Scenario[] = [];
  let unknown = false;
  for (const combo of combos) {
    const match = index.byKey.get(valueKey(combo));
    if (match) list.push(match);
    else unknown = true;
  }
  return { list, unknown };
}

function connectedTo(incoming: GraphEdge[], type: string, input: number): number {
  let n = 0;
  for (const e of incoming) if (e.input === input && e.type === type) n++;
  return n;
}

function checkInputs(node: RuntimeNode, ports: CatalogPorts, incoming: GraphEdge[], issues: IssueCollector): void {
  const known = scenarios(node, ports);
  if (!known || known.list.length === 0) return;
  const name = node.wired.name;
  // A finding is an error when every possible port list has it, and nothing is unknown.
  // `ignored`: an extra sub-node on an input the node does not have is dropped when it runs (dead wiring, not a failure).
  let tally: Map<string, { finding: Finding; times: number; ignored: boolean }> | undefined;
  const note = (key: string, code: IssueCode, message: string, ignored = false) => {
    tally ??= new Map();
    const t = tally.get(key);
    if (t) t.times++;
    else tally.set(key, { finding: { code, message, node: name, path: pointer('nodes', node.index) }, times: 1, ignored });
  };
  for (const scenario of known.list) {
    const compiled = compilePorts(scenario);
    for (const { type, k } of compiled.required) {
      if (connectedTo(incoming, type, k) === 0) {
        note(`req ${type}#${k}`, 'MISSING_REQUIRED_INPUT', `"${name}" needs a "${type}" sub-node connected${k > 0 ? ` (input ${k + 1})` : ''}: n8n stops the run without one`);
      }
    }
    for (const { type, k, max } of compiled.max) {
      const connected = connectedTo(incoming, type, k);
      if (connected > max) note(`max ${type}#${k}`, 'TOO_MANY_CONNECTIONS', `"${name}" accepts at most ${max} "${type}" connection(s) on that input; ${connected} are connected`);
    }
    let reported: Set<string> | undefined;
    for (const e of incoming) {
      const available = compiled.perType.get(e.type) ?? 0;
      // Types the node never accepts are CONNECTION_BAD_TYPE's business.
      if (available === 0 || e.input < available) continue;
      const key = `idx ${e.type}#${e.input}`;
      if (reported?.has(key)) continue;
      (reported ??= new Set()).add(key);
      note(key, 'CONNECTION_BAD_INPUT_INDEX', `"${name}" has ${available} "${e.type}" input(s); a connection goes to input ${e.input + 1}`, e.type !== 'main');
    }
  }
  if (!tally) return;
  for (const { finding, times, ignored } of tally.values()) {
    const certain = !known.unknown && times === known.list.length && !ignored;
    // Without any parameters there is nothing to go on: only certain findings are worth reporting.
    if (!certain && known.stripped && !ignored) continue;
    const why = ignored ? 'n8n ignores that connection' : 'depends on parameter values not known here';
    issues.add(certain, certain ? finding : { ...finding, message: `${finding.message} (${why})` });
  }
}

// ---------------------------------------------------------------- expressions

/** A node runs as an AI tool: its `ai_tool` output is connected, or its type is a tool. */
function isUsedAsTool(node: RuntimeNode, outgoing: GraphEdge[]): boolean | undefined {
  if (outgoing.some((e) => e.type === 'ai_tool')) return true;
  const type = node.wired.type ?? '';
  if (/Tool$/.test(type)) return true;
  const outputs = node.wired.info?.variantFor(node.wired.version)?.outputs;
  if (!outputs) return undefined; // unknown type: cannot tell
  return outputs.dynamic ? (outputs.possible?.includes('ai_tool') ? undefined : false) : outputs.types.includes('ai_tool');
}

const FROM_AI = /\$fromai\s*\(/i;

function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
}

const isIdentifierChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;

function skipSpaces(code: string, i: number): number {
  while (i < code.length && (code[i] === ' ' || code[i] === '\n' || code[i] === '\t' || code[i] === '\r')) i++;
  return i;
}

/**
 * Node references in expression code: `$('Name')`, `$items("Name", …)`, `$node["Name"]`, `$node.Name`.
 * `literal` is the name, or undefined when it is computed at run time (`computed` is then its code).
 */
export function forEachReference(code: string, visit: (literal: string | undefined, computed: string) => void): void {
  for (let i = code.indexOf('$'); i >= 0; i = code.indexOf('$', i + 1)) {
    if (i > 0 && isIdentifierChar(code.charCodeAt(i - 1))) continue;
    let j: number;
    let close: string;
    if (code[i + 1] === '(') {
      j = i + 2;
      close = ')';
    } else if (code.startsWith('$items', i) && code[skipSpaces(code, i + 6)] === '(') {
      j = skipSpaces(code, i + 6) + 1;
      close = ')';
    } else if (code.startsWith('$node', i)) {
      const k = skipSpaces(code, i + 5);
      if (code[k] === '[') {
        j = k + 1;
        close = ']';
      } else if (code[i + 5] === '.') {
        let end = i + 6;
        while (end < code.length && isIdentifierChar(code.charCodeAt(end))) end++;
        if (end > i + 6) visit(code.slice(i + 6, end), '');
        continue;
      } else continue;
    } else continue;
    j = skipSpaces(code, j);
    const quote = code[j];
    if (quote === '"' || quote === "'" || quote === '`') {
      let end = j + 1;
      while (end < code.length && code[end] !== quote) end += code[end] === '\\' ? 2 : 1;
      const after = code[skipSpaces(code, end + 1)];
      const text = code.slice(j + 1, end);
      // A name holding `${…}` is built at run time; anything after the string but `)` / `]` / `,` makes it code.
      if (end < code.length && (after === close || (close === ')' && after === ',')) && !text.includes('${')) {
        visit(unescape(text), '');
        continue;
      }
    }
    const stop = code.indexOf(close, j);
    const computed = code.slice(j, stop < 0 ? code.length : stop).trim();
    if (computed !== '') visit(undefined, computed); // `$()` without a name is not a node reference
  }
}

function checkExpressions(node: RuntimeNode, names: Map<string, unknown>, usedAsTool: () => boolean | undefined, issues: IssueCollector, scan?: WorkflowScan): void {
  const parameters = node.raw.parameters;
  if (!isObject(parameters)) return;
  // The expressions were read by the limits walk (scanWorkflow) when it saw these very parameters.
  const scanned = scan && scan.parameters[node.index] === parameters;
  if (scanned && scan.expressions[node.index] === undefined) return;
  const name = node.wired.name;
  let fromAiReported = false;
  const visit = (value: string, segments: Array<string | number>) => {
    if (value.charCodeAt(0) !== 61 /* = */ || !value.includes('{{')) return;
    let pathText: string | undefined;
    const at = () => (pathText ??= pointer(...segments));
    // Cheap tests on the whole string first: most expressions reference no node by name and call no $fromAI.
    const fromAi = value.includes('$from') && FROM_AI.test(value);
    const mayReference = value.includes('$(') || value.includes('$node') || value.includes('$items');
    // Code between `{{` and `}}`, split as n8n's expression splitter does (a backslash escapes `{{`).
    for (let open = nextOpening(value, 1); open >= 0; ) {
      const close = value.indexOf('}}', open + 2);
      const code = close < 0 ? value.slice(open + 2) : value.slice(open + 2, close);
      const closed = close >= 0;
      open = closed ? nextOpening(value, close + 2) : -1;
      if (fromAi && !fromAiReported && FROM_AI.test(code) && usedAsTool() === false) {
        fromAiReported = true;
        issues.error({ code: 'FROM_AI_OUTSIDE_TOOL', message: `"${name}" uses $fromAI(), which only has values when the node runs as an AI tool (connect its ai_tool output to an agent)`, node: name, path: at() });
      }
      if (mayReference) {
        forEachReference(code, (literal, computed) => {
          if (literal === undefined) {
            issues.warning({ code: 'EXPRESSION_UNKNOWN_NODE', message: `"${name}" refers to a node whose name is computed at run time (${computed.slice(0, 60)}): not checked`, node: name, path: at() });
          } else if (!names.has(literal)) {
            issues.error({ code: 'EXPRESSION_UNKNOWN_NODE', message: `"${name}" refers to node "${literal}", which is not in this workflow (renamed or removed?)`, node: name, path: at() });
          }
        });
      }
      // $fromAI() calls are read by n8n's own parser when the node runs as a tool: not judged here.
      const problem = fromAi && FROM_AI.test(code) ? undefined : syntaxProblem(code);
      if (problem) issues.error({ code: 'EXPRESSION_SYNTAX', message: `"${name}" has an expression that cannot run: ${problem}`, node: name, path: at() });
      else if (!closed) issues.warning({ code: 'EXPRESSION_SYNTAX', message: `"${name}" has an expression with "{{" and no closing "}}": the rest of the text is run as code`, node: name, path: at() });
    }
  };
  if (scanned) {
    for (const e of scan.expressions[node.index]!) visit(e.value, e.segments);
    return;
  }
  const segments: Array<string | number> = ['nodes', node.index, 'parameters'];
  walkStrings(parameters, segments, (value) => visit(value, segments));
}

/** An expression string (`=…{{…`) of a node's parameters, and its path. */
interface ExpressionString {
  value: string;
  segments: Array<string | number>;
}

/** What the one walk over a workflow found: by node index, the parameters object it walked and the expression strings in it. */
export interface WorkflowScan {
  parameters: Array<object | undefined>;
  expressions: Array<ExpressionString[] | undefined>;
}

const MAX_DEPTH = WORKFLOW_LIMITS.maxDepth;

/**
 * checkJsonLimits (default limits) fused with reading the expression strings of every node's parameters, in the
 * order and with the paths walkStrings gives them: one walk over the workflow instead of two. A node whose
 * parameters this walk did not see (odd shapes, getters) is walked by checkExpressions as before.
 */
export function scanWorkflow(workflow: unknown): { violation?: LimitViolation; scan?: WorkflowScan } {
  if (!isObject(workflow)) return { violation: checkJsonLimits(workflow) };
  const nodes = workflow.nodes;
  if (Array.isArray(nodes) && nodes.length > WORKFLOW_LIMITS.maxNodes) return { violation: checkJsonLimits(workflow) };
  const scan: WorkflowScan = { parameters: [], expressions: [] };
  // Too deep somewhere: checkJsonLimits walks again to name the place.
  if (scanTop(workflow, scan)) return { violation: checkJsonLimits(workflow) };
  return { scan };
}

function scanTop(workflow: Record<string, unknown>, scan: WorkflowScan): boolean {
  for (const k in workflow) {
    const v = workflow[k];
    if (v === null || typeof v !== 'object') continue;
    if (k === 'nodes' && Array.isArray(v)) {
      if (scanNodes(v, scan)) return true;
    } else if (deeperThan(v, 2, MAX_DEPTH)) return true;
  }
  return false;
}

function scanNodes(nodes: unknown[], scan: WorkflowScan): boolean {
  for (let i = 0; i < nodes.length; i++) {
    const node: unknown = nodes[i];
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      if (deeperThan(node, 3, MAX_DEPTH)) return true;
      continue;
    }
    for (const k in node) {
      const v = (node as Record<string, unknown>)[k];
      if (v === null || typeof v !== 'object') continue;
      if (k === 'parameters' && !Array.isArray(v) && scan.parameters[i] === undefined) {
        scan.parameters[i] = v;
        if (scanParameters(v, 4, ['nodes', i, 'parameters'], scan, i)) return true;
      } else if (deeperThan(v, 4, MAX_DEPTH)) return true;
    }
  }
  return false;
}

function found(scan: WorkflowScan, index: number, value: string, segments: Array<string | number>, key: string | number): void {
  const segmentsThere = segments.slice();
  segmentsThere.push(key);
  (scan.expressions[index] ??= []).push({ value, segments: segmentsThere });
}

/** walkStrings and deeperThan at once; `depth` is that of `value`, `segments` its path. */
function scanParameters(value: object, depth: number, segments: Array<string | number>, scan: WorkflowScan, index: number): boolean {
  if (depth > MAX_DEPTH) return true;
  // Where walkStrings stops: only the depth is left to check.
  if (segments.length > 64) return deeperThan(value, depth, MAX_DEPTH);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        if (v.charCodeAt(0) === 61 /* = */ && v.includes('{{')) found(scan, index, v, segments, i);
        continue;
      }
      if (v === null || typeof v !== 'object') continue;
      segments.push(i);
      const deep = scanParameters(v, depth + 1, segments, scan, index);
      segments.pop();
      if (deep) return true;
    }
    return false;
  }
  // Own keys, as walkStrings reads them (inherited values are neither read nor counted by the depth limit).
  const keys = Object.keys(value);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string') {
      if (v.charCodeAt(0) === 61 /* = */ && v.includes('{{')) found(scan, index, v, segments, key);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    segments.push(key);
    const deep = scanParameters(v, depth + 1, segments, scan, index);
    segments.pop();
    if (deep) return true;
  }
  return false;
}

/**
 * Visit every string that starts with `=` (an expression; nothing else is read); `segments` is the path to
 * it while `visit` runs (made into a pointer only when needed).
 */
function walkStrings(value: unknown, segments: Array<string | number>, visit: (s: string) => void): void {
  if (typeof value === 'string') {
    if (value.charCodeAt(0) === 61 /* = */) visit(value);
    return;
  }
  if (segments.length > 64 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') {
        if (v.charCodeAt(0) !== 61) continue;
      } else if (v === null || typeof v !== 'object') continue;
      segments.push(i);
      walkStrings(v, segments, visit);
      segments.pop();
    }
    return;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    if (typeof v === 'string') {
      if (v.charCodeAt(0) !== 61) continue;
    } else if (v === null || typeof v !== 'object') continue;
    segments.push(key);
    walkStrings(v, segments, visit);
    segments.pop();
  }
}

/** Index of the next `{{` at or after `from` that no backslash escapes; -1 when none. */
function nextOpening(expression: string, from: number): number {
  let open = expression.indexOf('{{', from);
  while (open > 0 && isEscaped(expression, open)) open = expression.indexOf('{{', open + 2);
  return open;
}

function isEscaped(text: string, index: number): boolean {
  let n = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

const CLOSER: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Brackets and quotes that do not balance: code that cannot parse. Code that might hold a
 * regular expression literal (a `/` outside strings) is not judged: a regex can hold any bracket.
 */
// One bracket stack for every call (syntaxProblem neither recurses nor yields): no array per expression.
const bracketStack: string[] = [];

function syntaxProblem(code: string): string | undefined {
  const stack = bracketStack;
  stack.length = 0;
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '/') return undefined;
    if (c === '"' || c === "'") {
      const end = skipString(code, i, c);
      if (end < 0) return `unterminated string ${c}…${c}`;
      i = end + 1;
      continue;
    }
    if (c === '`') {
      // Template literal: its ${ } parts are code, tracked on the stack.
      stack.push('`');
      i++;
      i = scanTemplate(code, i, stack);
      continue;
    }
    if (c === '(' || c === '[' || c === '{') stack.push(CLOSER[c]);
    else if (c === ')' || c === ']' || c === '}') {
      const expected = stack.pop();
      if (expected === '}' && c === '}' && stack[stack.length - 1] === '`') {
        // End of a ${ } part: back inside the template literal.
        i = scanTemplate(code, i + 1, stack);
        continue;
      }
      if (expected !== c) return expected === undefined ? `unexpected "${c}"` : `"${c}" where "${expected}" was expected`;
    }
    i++;
  }
  if (stack.length > 0) return stack[stack.length - 1] === '`' ? 'unterminated template literal' : `missing "${stack[stack.length - 1]}"`;
  return undefined;
}

function skipString(code: string, start: number, quote: string): number {
  for (let i = start + 1; i < code.length; i++) {
    if (code[i] === '\\') i++;
    else if (code[i] === quote) return i;
    else if (code[i] === '\n') return -1;
  }
  return -1;
}

/** Scan template literal text from `i` (the stack's top is '`'); returns the index after the literal or after `${`. */
function scanTemplate(code: string, i: number, stack: string[]): number {
  while (i < code.length) {
    const c = code[i];
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '`') {
      stack.pop();
      return i + 1;
    }
    if (c === '$' && code[i + 1] === '{') {
      stack.push('}');
      return i + 2;
    }
    i++;
  }
  return i;
}

// ---------------------------------------------------------------- webhook response

/** A trigger whose `responseMode` parameter offers "Using 'Respond to Webhook' node". */
function responseMode(node: RuntimeNode): { value: unknown; known: boolean } | undefined {
  const info = node.wired.info;
  if (!info?.entry.trigger) return undefined;
  const defs = info.propertiesAt(node.wired.version)?.byName.get('responseMode');
  if (!defs?.some((d) => d.options?.includes('responseNode'))) return undefined;
  const values = candidateValues(node, 'responseMode');
  if (values === 'unknown') return { value: undefined, known: false };
  return values.length === 1 ? { value: values[0], known: true } : { value: undefined, known: false };
}

function checkResponseMode(node: RuntimeNode, byIndex: Array<RuntimeNode | undefined>, outgoing: Array<GraphEdge[] | undefined>, issues: IssueCollector): void {
  const mode = responseMode(node);
  if (!mode) return;
  // n8n looks for Respond to Webhook nodes among the trigger's descendants.
  const seen = new Set<number>([node.index]);
  const queue = [node.index];
  let responders = 0;
  while (queue.length > 0) {
    const at = queue.pop()!;
    for (const e of outgoing[at] ?? NO_EDGES) {
      if (e.type !== 'main' || seen.has(e.to)) continue;
      seen.add(e.to);
      queue.push(e.to);
      const target = byIndex[e.to];
      // As in n8n's check, a disabled Respond to Webhook node still counts.
      if (target?.wired.type === RESPOND_TO_WEBHOOK) responders++;
    }
  }
  const name = node.wired.name;
  const path = pointer('nodes', node.index, 'parameters', 'responseMode');
  if (!mode.known || typeof mode.value !== 'string') return;
  const usesNode = RESPONSE_NODE_MODES.has(mode.value);
  if (mode.value === 'responseNode' && responders === 0) {
    issues.error({ code: 'WEBHOOK_RESPONSE_MISMATCH', message: `"${name}" responds "Using 'Respond to Webhook' node" but no Respond to Webhook node follows it`, node: name, path, suggestion: 'add a Respond to Webhook node after it, or set responseMode to "onReceived" or "lastNode"' });
  } else if (!usesNode && responders > 0) {
    issues.error({ code: 'WEBHOOK_RESPONSE_MISMATCH', message: `a Respond to Webhook node follows "${name}", whose responseMode is ${JSON.stringify(mode.value)}: n8n fails with "Unused Respond to Webhook node"`, node: name, path, suggestion: 'set responseMode to "responseNode"' });
  }
}
