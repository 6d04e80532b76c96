/**
 * Runnable rules: workflows n8n loads but that fail when they run. Everything is read
 * from the catalog (input ports with `required` / `maxConnections`, ports computed from
 * parameters, parameter options) and the workflow itself; what cannot be known
 * statically (a parameter set by an expression, a node name built at run time) is a
 * warning, never an error.
 */
import { readEdges, type GraphEdge } from '../../dataset/layout';
import { isDisplayed } from '../catalog/display';
import type { CatalogPorts, PortLimit } from '../catalog/types';
import type { WiredNode } from './connections';
import { type IssueCollector, type IssueCode, pointer } from './issues';
import { isObject } from '../json-value';

const RESPOND_TO_WEBHOOK = 'n8n-nodes-base.respondToWebhook';
/** Response modes in which a trigger hands the response to Respond to Webhook nodes. */
const RESPONSE_NODE_MODES = new Set(['responseNode', 'streaming']);

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

export function checkRunnable(nodes: RuntimeNode[], allNames: Set<string>, connections: unknown, count: number, issues: IssueCollector): void {
  const graphNodes = new Array<{ name: string }>(count);
  for (let i = 0; i < count; i++) graphNodes[i] = { name: '' };
  for (const n of nodes) graphNodes[n.index] = { name: n.wired.name };
  const edges = readEdges(graphNodes, connections);
  const incoming: GraphEdge[][] = Array.from({ length: count }, () => []);
  const outgoing: GraphEdge[][] = Array.from({ length: count }, () => []);
  for (const e of edges) {
    incoming[e.to].push(e);
    outgoing[e.from].push(e);
  }
  const byIndex = new Array<RuntimeNode | undefined>(count);
  for (const n of nodes) byIndex[n.index] = n;
  const named = new Map<string, number>();
  for (const n of nodes) named.set(n.wired.name, (named.get(n.wired.name) ?? 0) + 1);
  for (const node of nodes) {
    if (node.raw.disabled === true) continue;
    // Connections reach only the last of several same-named nodes (DUPLICATE_NODE_NAME says so already).
    if (named.get(node.wired.name) === 1) checkInputs(node, incoming[node.index], issues);
    checkExpressions(node, allNames, isUsedAsTool(node, outgoing[node.index]), issues);
    checkResponseMode(node, byIndex, outgoing, issues);
  }
}

// ---------------------------------------------------------------- inputs

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

/** Every port list the node can have given what is known of its parameters; `unknown` when some value is out of the evaluated cases. */
function scenarios(node: RuntimeNode, ports: CatalogPorts): { list: Scenario[]; unknown: boolean; stripped?: boolean } | undefined {
  if (!ports.dynamic) return { list: [ports], unknown: false };
  const stripped = !isObject(node.raw.parameters) || Object.keys(node.raw.parameters).length === 0;
  const cases = ports.cases;
  if (!cases) return undefined;
  let combos: Array<Record<string, unknown>> = [{}];
  let unknown = false;
  for (const key of cases.reads) {
    const values = candidateValues(node, key);
    if (values === 'unknown') {
      // Any evaluated value is possible: a finding in every case still holds.
      const seen = new Set(cases.cases.map((c) => (key in c.when ? c.when[key] : undefined)));
      combos = combos.flatMap((c) => [...seen].map((v) => ({ ...c, [key]: v })));
    } else {
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
    }
  }
  const list: Scenario[] = [];
  for (const combo of combos) {
    const match = cases.cases.find((c) => cases.reads.every((k) => sameValue(k in c.when ? c.when[k] : undefined, combo[k])));
    if (match) list.push(match);
    else unknown = true;
  }
  return { list, unknown, stripped };
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b;
}

function checkInputs(node: RuntimeNode, incoming: GraphEdge[], issues: IssueCollector): void {
  const ports = node.wired.info?.variantFor(node.wired.version)?.inputs;
  if (!ports) return;
  const known = scenarios(node, ports);
  if (!known || known.list.length === 0) return;
  const counts = new Map<string, number>();
  for (const e of incoming) counts.set(`${e.type}#${e.input}`, (counts.get(`${e.type}#${e.input}`) ?? 0) + 1);
  const name = node.wired.name;
  const path = pointer('nodes', node.index);
  // A finding is an error when every possible port list has it, and nothing is unknown.
  const tally = new Map<string, { finding: Finding; times: number }>();
  const note = (key: string, finding: Finding) => {
    const t = tally.get(key);
    if (t) t.times++;
    else tally.set(key, { finding, times: 1 });
  };
  for (const scenario of known.list) {
    const seen = new Set<string>();
    const perType = new Map<string, number>();
    scenario.types.forEach((type, position) => {
      const k = perType.get(type) ?? 0;
      perType.set(type, k + 1);
      const limit = scenario.limits?.[position];
      const connected = counts.get(`${type}#${k}`) ?? 0;
      if (limit?.required && connected === 0) {
        const key = `req ${type}#${k}`;
        if (!seen.has(key)) {
          seen.add(key);
          note(key, { code: 'MISSING_REQUIRED_INPUT', message: `"${name}" needs a "${type}" sub-node connected${k > 0 ? ` (input ${k + 1})` : ''}: n8n stops the run without one`, node: name, path });
        }
      }
      if (limit?.max !== undefined && connected > limit.max) {
        const key = `max ${type}#${k}`;
        if (!seen.has(key)) {
          seen.add(key);
          note(key, { code: 'TOO_MANY_CONNECTIONS', message: `"${name}" accepts at most ${limit.max} "${type}" connection(s) on that input; ${connected} are connected`, node: name, path });
        }
      }
    });
    for (const [key, connected] of counts) {
      const [type, input] = key.split('#');
      const available = perType.get(type) ?? 0;
      // Types the node never accepts are CONNECTION_BAD_TYPE's business.
      if (available === 0 || Number(input) < available || connected === 0) continue;
      const k = `idx ${key}`;
      if (seen.has(k)) continue;
      seen.add(k);
      note(k, { code: 'CONNECTION_BAD_INPUT_INDEX', message: `"${name}" has ${available} "${type}" input(s); a connection goes to input ${Number(input) + 1}`, node: name, path });
    }
  }
  for (const { finding, times } of tally.values()) {
    // An extra sub-node on an input the node does not have is ignored when it runs: dead wiring, not a failure.
    const ignored = finding.code === 'CONNECTION_BAD_INPUT_INDEX' && !finding.message.includes('"main"');
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

const REFERENCE = /\$(?:node\s*\[\s*|\(\s*|items\s*\(\s*)(?:(["'`])((?:\\.|(?!\1)[^\\])*)\1\s*(?=[\])])|([^)\]]*))|\$node\.([A-Za-z_$][\w$]*)/g;
const FROM_AI = /\$fromai\s*\(/i;

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function checkExpressions(node: RuntimeNode, names: Set<string>, tool: boolean | undefined, issues: IssueCollector): void {
  if (!isObject(node.raw.parameters)) return;
  const name = node.wired.name;
  let fromAiReported = false;
  walkStrings(node.raw.parameters, pointer('nodes', node.index, 'parameters'), 0, (value, path) => {
    if (!value.startsWith('=') || !value.includes('{{')) return;
    for (const code of codeChunks(value)) {
      if (!fromAiReported && tool === false && FROM_AI.test(code.text)) {
        fromAiReported = true;
        issues.error({ code: 'FROM_AI_OUTSIDE_TOOL', message: `"${name}" uses $fromAI(), which only has values when the node runs as an AI tool (connect its ai_tool output to an agent)`, node: name, path });
      }
      for (const m of code.text.matchAll(REFERENCE)) {
        // A name holding `${…}` is built at run time (or is text of a template literal).
        const literal = m[2] !== undefined ? (m[2].includes('${') ? undefined : unescape(m[2])) : m[4];
        if (literal === undefined) {
          const arg = (m[3] ?? m[2] ?? '').trim();
          // `$()` without a name, or `$node` used otherwise: not a node reference.
          if (arg === '' || m[0].startsWith('$node') && !m[0].includes('[')) continue;
          issues.warning({ code: 'EXPRESSION_UNKNOWN_NODE', message: `"${name}" refers to a node whose name is computed at run time (${arg.slice(0, 60)}): not checked`, node: name, path });
          continue;
        }
        if (!names.has(literal)) {
          issues.error({ code: 'EXPRESSION_UNKNOWN_NODE', message: `"${name}" refers to node "${literal}", which is not in this workflow (renamed or removed?)`, node: name, path });
        }
      }
      // $fromAI() calls are read by n8n's own parser when the node runs as a tool: not judged here.
      const problem = FROM_AI.test(code.text) ? undefined : syntaxProblem(code.text);
      if (problem) issues.error({ code: 'EXPRESSION_SYNTAX', message: `"${name}" has an expression that cannot run: ${problem}`, node: name, path });
      else if (!code.closed) issues.warning({ code: 'EXPRESSION_SYNTAX', message: `"${name}" has an expression with "{{" and no closing "}}": the rest of the text is run as code`, node: name, path });
    }
  });
}

function walkStrings(value: unknown, path: string, depth: number, visit: (s: string, path: string) => void): void {
  if (depth > 64) return;
  if (typeof value === 'string') return visit(value, path);
  if (Array.isArray(value)) return value.forEach((v, i) => walkStrings(v, `${path}/${i}`, depth + 1, visit));
  if (isObject(value)) for (const key of Object.keys(value)) walkStrings(value[key], `${path}${pointer(key)}`, depth + 1, visit);
}

/** Code between `{{` and `}}`, split as n8n's expression splitter does (a backslash escapes `{{`). */
function codeChunks(expression: string): Array<{ text: string; closed: boolean }> {
  const chunks: Array<{ text: string; closed: boolean }> = [];
  let at = 1;
  for (;;) {
    let open = expression.indexOf('{{', at);
    while (open > 0 && isEscaped(expression, open)) open = expression.indexOf('{{', open + 2);
    if (open < 0) return chunks;
    const close = expression.indexOf('}}', open + 2);
    if (close < 0) {
      chunks.push({ text: expression.slice(open + 2), closed: false });
      return chunks;
    }
    chunks.push({ text: expression.slice(open + 2, close), closed: true });
    at = close + 2;
  }
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
function syntaxProblem(code: string): string | undefined {
  const stack: string[] = [];
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

function checkResponseMode(node: RuntimeNode, byIndex: Array<RuntimeNode | undefined>, outgoing: GraphEdge[][], issues: IssueCollector): void {
  const mode = responseMode(node);
  if (!mode) return;
  // n8n looks for Respond to Webhook nodes among the trigger's descendants.
  const seen = new Set<number>([node.index]);
  const queue = [node.index];
  let responders = 0;
  while (queue.length > 0) {
    const at = queue.pop()!;
    for (const e of outgoing[at]) {
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
  if (!mode.known) return;
  const usesNode = RESPONSE_NODE_MODES.has(String(mode.value));
  if (mode.value === 'responseNode' && responders === 0) {
    issues.error({ code: 'WEBHOOK_RESPONSE_MISMATCH', message: `"${name}" responds "Using 'Respond to Webhook' node" but no Respond to Webhook node follows it`, node: name, path, suggestion: 'add a Respond to Webhook node after it, or set responseMode to "onReceived" or "lastNode"' });
  } else if (!usesNode && responders > 0) {
    issues.error({ code: 'WEBHOOK_RESPONSE_MISMATCH', message: `a Respond to Webhook node follows "${name}", whose responseMode is ${JSON.stringify(mode.value)}: n8n fails with "Unused Respond to Webhook node"`, node: name, path, suggestion: 'set responseMode to "responseNode"' });
  }
}
