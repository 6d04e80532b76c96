/**
 * The programmatic checks n8n's AI Workflow Builder evaluation scores generated workflows
 * with, and its weighted overall score — reimplemented from their documented behaviour
 * (reference only, Sustainable Use License; nothing copied). Sources, n8n-io/n8n
 * packages/@n8n/ai-workflow-builder.ee/:
 *   evaluations/programmatic/programmatic-evaluation.ts (categories)         @0b35ca8
 *   evaluations/programmatic/score.ts (tiers, per-check score)               @317a10a
 *   src/validation/types.ts (violation names, severities critical/major/minor) @022f044
 *   src/validation/checks/connections.ts                                     @12bb392
 *   src/validation/checks/trigger.ts                                         @27e990b
 *   src/validation/checks/nodes.ts                                           @317a10a
 *   src/validation/checks/agent-prompt.ts                                    @8d0c138
 *   src/validation/checks/tools.ts, utils/expressions.ts, utils/is-tool.ts   @12bb392 / @0713e95 / @af7ca72
 *   src/validation/checks/from-ai.ts                                         @1d49c68
 *   src/validation/checks/credentials.ts                                     @317a10a
 *   src/validation/checks/node-usage/webhook-response.ts                     @8b3ecb5
 *   src/validation/checks/parameters.ts                                      @372a2f9
 *
 * Each check returns violations with n8n's name, severity and points; its score is
 * max(0, 100 − Σ points) / 100. The overall score weights each category by its tier
 * (high 3, medium 2, low 1) over the categories present: connections, trigger and
 * parameters high; agentPrompt, tools and similarity (the GED similarity, only with a
 * reference) medium; fromAi, nodeUsage, nodes and credentials low (n8n's default for
 * categories it does not list). n8n's `graphValidation` category judges its TypeScript
 * SDK code output and scores 1 without code: it has no counterpart here and is left out.
 *
 * Where the project's validator already decides the same thing, its issues are read
 * (by code, node and JSON path — never by message): UNKNOWN_NODE_TYPE,
 * MISSING_REQUIRED_INPUT, CONNECTION_BAD_TYPE (connections), FROM_AI_OUTSIDE_TOOL
 * (fromAi), WEBHOOK_RESPONSE_MISMATCH (nodeUsage), top-level MISSING_REQUIRED_PARAMETER
 * and INVALID_OPTION_VALUE (parameters, n8n checks top-level parameters only). The rest
 * is checked here over the workflow's nodes, the edges `normaliseGraph` read, and the
 * catalog. Differences from n8n, by necessity:
 * - "Tool" is a node whose type ends in `Tool` or whose outputs are `ai_tool` (n8n reads
 *   the codex category AI › Tools, which the catalog does not keep).
 * - The per-type `maxNodes` limit of the nodes check is not applied: the catalog does
 *   not keep n8n's `maxNodes`.
 * - A unsupported connection type is flagged at either end (n8n: at the target).
 * - No workflow at all (nothing parsed) scores 0 in every category, with one
 *   `no-workflow` violation; n8n's evaluation never sees that case.
 *
 * Pure functions: no I/O, never throw.
 */
import type { NodeCatalog, NodeTypeInfo } from '../../schemas/catalog/catalog';
import { isExpression } from '../../schemas/catalog/display';
import type { CatalogPorts } from '../../schemas/catalog/types';
import { isObject } from '../../schemas/json-value';
import { unwrapWorkflow } from '../../schemas/validator/unwrap';
import { validateWorkflow, type ValidationIssue } from '../../schemas/validator';
import { isStickyNote } from '../../schemas/graph';
import type { NormalisedGraph } from './metrics';

export type Severity = 'critical' | 'major' | 'minor';

export interface CheckViolation {
  /** n8n's violation name (`node-missing-required-input`, …). */
  name: string;
  severity: Severity;
  points: number;
  message: string;
  node?: string;
  /** JSON Pointer into the workflow, when known. */
  path?: string;
}

export interface CheckResult {
  /** max(0, 100 − Σ points) / 100. */
  score: number;
  violations: CheckViolation[];
}

export const CHECK_CATEGORIES = ['connections', 'nodes', 'trigger', 'agentPrompt', 'tools', 'fromAi', 'credentials', 'nodeUsage', 'parameters'] as const;
export type CheckCategory = (typeof CHECK_CATEGORIES)[number];
export type ScoredCategory = CheckCategory | 'similarity';

/** n8n's importance tiers (score.ts). */
export const IMPORTANCE_TIER = { high: 3, medium: 2, low: 1 } as const;
export const CATEGORY_TIER: Record<ScoredCategory, keyof typeof IMPORTANCE_TIER> = {
  connections: 'high',
  trigger: 'high',
  parameters: 'high',
  agentPrompt: 'medium',
  tools: 'medium',
  similarity: 'medium',
  fromAi: 'low',
  nodeUsage: 'low',
  nodes: 'low',
  credentials: 'low',
};

export function scoreOf(violations: CheckViolation[]): number {
  return Math.max(0, 100 - violations.reduce((sum, v) => sum + v.points, 0)) / 100;
}

const result = (violations: CheckViolation[]): CheckResult => ({ score: scoreOf(violations), violations });

/** Category weights over the categories present: tier / Σ tiers. */
export function categoryWeights(categories: ScoredCategory[]): Partial<Record<ScoredCategory, number>> {
  const total = categories.reduce((sum, c) => sum + IMPORTANCE_TIER[CATEGORY_TIER[c]], 0);
  const weights: Partial<Record<ScoredCategory, number>> = {};
  for (const c of categories) weights[c] = total === 0 ? 0 : IMPORTANCE_TIER[CATEGORY_TIER[c]] / total;
  return weights;
}

/** n8n's weighted overall score; `similarity` null when there is no reference. */
export function overallScore(checks: Record<CheckCategory, CheckResult>, similarity: number | null): number {
  const categories: ScoredCategory[] = [...CHECK_CATEGORIES, ...(similarity === null ? [] : (['similarity'] as const))];
  const weights = categoryWeights(categories);
  let total = 0;
  for (const c of CHECK_CATEGORIES) total += checks[c].score * (weights[c] ?? 0);
  if (similarity !== null) total += similarity * (weights.similarity ?? 0);
  return total;
}

// ---------------------------------------------------------------------------------------
// What the checks read

export interface CheckNode {
  index: number;
  name: string;
  type: string;
  version: number | undefined;
  parameters: Record<string, unknown>;
  info: NodeTypeInfo | undefined;
}

export interface CheckInput {
  nodes: CheckNode[];
  /** Nodes and edges as `normaliseGraph` read them. */
  graph: NormalisedGraph;
  /** The validator's errors and warnings for the workflow, errors first. */
  issues: ValidationIssue[];
  /** The validator's errors alone (its warnings are findings that depend on what is not known). */
  errors: Set<ValidationIssue>;
  catalog: NodeCatalog;
}

/** Everything the checks read, from a workflow (any form the validator reads) and its normalised graph. */
export function checkInput(workflow: unknown, graph: NormalisedGraph, catalog: NodeCatalog): CheckInput {
  const nodes: CheckNode[] = [];
  let issues: ValidationIssue[] = [];
  const errors = new Set<ValidationIssue>();
  try {
    const { workflow: unwrapped } = unwrapWorkflow(typeof workflow === 'string' ? JSON.parse(workflow) : workflow);
    if (isObject(unwrapped) && Array.isArray(unwrapped.nodes)) {
      (unwrapped.nodes as unknown[]).forEach((node, index) => {
        if (!isObject(node) || typeof node.type !== 'string' || node.type === '' || isStickyNote(node)) return;
        const info = catalog.get(node.type);
        const version = typeof node.typeVersion === 'number' ? node.typeVersion : info?.entry.defaultVersion;
        nodes.push({
          index,
          name: typeof node.name === 'string' ? node.name : '',
          type: node.type,
          version,
          parameters: isObject(node.parameters) ? node.parameters : {},
          info,
        });
      });
    }
    const validation = validateWorkflow(unwrapped, { catalog });
    issues = [...validation.errors, ...validation.warnings];
    for (const e of validation.errors) errors.add(e);
  } catch {
    // unreadable: no nodes, no issues
  }
  return { nodes, graph, issues, errors, catalog };
}

const issuesOf = (input: CheckInput, code: ValidationIssue['code']) => input.issues.filter((i) => i.code === code);

function violation(name: string, severity: Severity, points: number, message: string, where: { node?: string; path?: string } = {}): CheckViolation {
  const v: CheckViolation = { name, severity, points, message };
  if (where.node !== undefined) v.node = where.node;
  if (where.path !== undefined) v.path = where.path;
  return v;
}

const fromIssue = (name: string, severity: Severity, points: number, issue: ValidationIssue): CheckViolation =>
  violation(name, severity, points, issue.message, { node: issue.node, path: issue.path });

/** The ports a node has with its parameters: static ports, or the catalog's evaluated case that matches; undefined when not known. */
function resolvedPorts(node: CheckNode, side: 'inputs' | 'outputs'): string[] | undefined {
  if (node.version === undefined) return undefined;
  const ports: CatalogPorts | undefined = node.info?.variantFor(node.version)?.[side];
  if (!ports) return undefined;
  if (!ports.dynamic) return ports.types;
  const cases = ports.cases;
  if (!cases) return undefined;
  const match = cases.cases.find((c) =>
    cases.reads.every((key) => {
      const set = Object.prototype.hasOwnProperty.call(node.parameters, key);
      return key in c.when ? set && node.parameters[key] === c.when[key] : !set;
    }),
  );
  return match?.types;
}

/** n8n's tool test, from what the catalog keeps (see the file header). */
function isToolNode(node: CheckNode): boolean {
  if (node.type.endsWith('Tool')) return true;
  if (node.version === undefined) return false;
  const outputs = node.info?.variantFor(node.version)?.outputs;
  if (!outputs) return false;
  return outputs.dynamic ? outputs.possible?.includes('ai_tool') === true : outputs.types.includes('ai_tool');
}

const nodePath = (node: CheckNode, ...rest: string[]) => ['', 'nodes', String(node.index), ...rest].join('/');

// ---------------------------------------------------------------------------------------
// The checks

export function checkConnections(input: CheckInput): CheckResult {
  const out: CheckViolation[] = [];
  for (const i of issuesOf(input, 'UNKNOWN_NODE_TYPE')) out.push(fromIssue('node-type-not-found', 'critical', 50, i));
  for (const i of issuesOf(input, 'MISSING_REQUIRED_INPUT')) {
    // Only certain findings: the validator's warnings say "depends on parameter values not known here".
    if (input.errors.has(i)) out.push(fromIssue('node-missing-required-input', 'critical', 50, i));
  }
  for (const i of issuesOf(input, 'CONNECTION_BAD_TYPE')) out.push(fromIssue('node-unsupported-connection-input', 'critical', 50, i));

  const incoming = new Map<string, NormalisedGraph['edges']>();
  const outgoing = new Map<string, NormalisedGraph['edges']>();
  for (const e of input.graph.edges) {
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e]);
    outgoing.set(e.from, [...(outgoing.get(e.from) ?? []), e]);
  }
  for (const node of input.nodes) {
    if (/\.merge$/.test(node.type)) out.push(...mergeViolations(node, incoming.get(node.name) ?? []));
    const outputs = resolvedPorts(node, 'outputs');
    // A sub-node: every output is an ai_* type; each must reach some node.
    if (!outputs || outputs.length === 0 || outputs.includes('main')) continue;
    for (const type of new Set(outputs.filter((t) => t.startsWith('ai_')))) {
      if ((outgoing.get(node.name) ?? []).some((e) => e.connectionType === type)) continue;
      out.push(violation('sub-node-not-connected', 'critical', 50, `sub-node "${node.name}" (${node.type}) provides ${type} but is not connected to a root node`, { node: node.name, path: nodePath(node) }));
    }
  }
  return result(out);
}

function mergeViolations(node: CheckNode, incoming: NormalisedGraph['edges']): CheckViolation[] {
  const out: CheckViolation[] = [];
  const main = incoming.filter((e) => e.connectionType === 'main');
  const where = { node: node.name, path: nodePath(node) };
  if (main.length < 2) {
    out.push(violation('node-merge-single-input', 'major', 20, `Merge node "${node.name}" has ${main.length} input connection(s); it needs at least 2`, where));
  }
  const inputs = resolvedPorts(node, 'inputs');
  const expected = inputs ? inputs.filter((t) => t === 'main').length : 1;
  if (main.length !== expected) {
    out.push(violation('node-merge-incorrect-num-inputs', 'minor', 10, `Merge node "${node.name}" has ${main.length} input connection(s) but is configured for ${expected}`, where));
  }
  const missing: number[] = [];
  for (let k = 0; k < expected; k++) if (!main.some((e) => e.input === k)) missing.push(k + 1);
  if (missing.length > 0) {
    out.push(violation('node-merge-missing-input', 'major', 20, `Merge node "${node.name}" has nothing connected to input(s) ${missing.join(', ')}`, where));
  }
  return out;
}

export function checkNodes(input: CheckInput): CheckResult {
  if (input.nodes.length === 0) return result([violation('workflow-has-no-nodes', 'critical', 50, 'the workflow has no nodes')]);
  return result([]);
}

export function checkTrigger(input: CheckInput): CheckResult {
  if (input.nodes.length === 0) return result([violation('workflow-has-no-nodes', 'critical', 50, 'the workflow has no nodes')]);
  if (input.nodes.some((n) => n.info?.entry.trigger === true)) return result([]);
  return result([violation('workflow-has-no-trigger', 'critical', 50, 'the workflow has no trigger node to start it')]);
}

const AGENT_TYPE = '@n8n/n8n-nodes-langchain.agent';

/** An `=` expression that reads data (`$json`, `$('Node')`, …) inside `{{ }}` — n8n's containsExpression. */
export function containsExpression(value: unknown): boolean {
  return isExpression(value) && /\{\{[\s\S]*(?:\$\([\s\S]*?\)|\$\w+)[\s\S]*}}/.test(value as string);
}

function anyValue(value: unknown, test: (v: unknown) => boolean, depth = 0): boolean {
  if (test(value)) return true;
  if (depth > 64) return false;
  if (Array.isArray(value)) return value.some((v) => anyValue(v, test, depth + 1));
  if (isObject(value)) return Object.values(value).some((v) => anyValue(v, test, depth + 1));
  return false;
}

export function checkAgentPrompt(input: CheckInput): CheckResult {
  const out: CheckViolation[] = [];
  for (const node of input.nodes) {
    if (node.type !== AGENT_TYPE) continue;
    const { text, promptType, options } = node.parameters;
    // 'auto' (and 'guardrails') take the prompt from the previous node: nothing to judge.
    if (promptType === 'auto' || promptType === 'guardrails') continue;
    const where = { node: node.name, path: nodePath(node, 'parameters') };
    if (!containsExpression(text)) {
      out.push(violation('agent-static-prompt', 'major', 20, `Agent "${node.name}" has no expression in its prompt: it probably ignores the chat input or the incoming data`, where));
    }
    const systemMessage = isObject(options) ? options.systemMessage : undefined;
    if (typeof systemMessage !== 'string' || systemMessage.trim() === '') {
      out.push(violation('agent-no-system-prompt', 'major', 25, `Agent "${node.name}" has no system message: role and instructions belong there, not in the prompt`, where));
    }
  }
  return result(out);
}

/** Tools n8n's check expects to run without configured parameters. */
export const TOOLS_WITHOUT_PARAMETERS = [
  '@n8n/n8n-nodes-langchain.toolCalculator',
  '@n8n/n8n-nodes-langchain.toolVectorStore',
  '@n8n/n8n-nodes-langchain.vectorStoreInMemory',
  '@n8n/n8n-nodes-langchain.mcpClientTool',
  '@n8n/n8n-nodes-langchain.toolWikipedia',
  '@n8n/n8n-nodes-langchain.toolSerpApi',
];

export function checkTools(input: CheckInput): CheckResult {
  const out: CheckViolation[] = [];
  for (const node of input.nodes) {
    if (!isToolNode(node) || TOOLS_WITHOUT_PARAMETERS.includes(node.type)) continue;
    const where = { node: node.name, path: nodePath(node, 'parameters') };
    if (Object.keys(node.parameters).length === 0) {
      out.push(violation('tool-node-has-no-parameters', 'major', 20, `tool "${node.name}" has no parameters set`, where));
    } else if (!anyValue(node.parameters, containsExpression)) {
      out.push(violation('tool-node-static-parameters', 'major', 20, `tool "${node.name}" has no expression in its parameters: the agent cannot pass it anything`, where));
    }
  }
  return result(out);
}

export function checkFromAi(input: CheckInput): CheckResult {
  return result(issuesOf(input, 'FROM_AI_OUTSIDE_TOOL').map((i) => fromIssue('non-tool-node-uses-fromai', 'major', 20, i)));
}

const CREDENTIAL_FIELD = [
  /api[_-]?key/i,
  /access[_-]?token/i,
  /auth[_-]?token/i,
  /bearer[_-]?token/i,
  /secret[_-]?key/i,
  /private[_-]?key/i,
  /client[_-]?secret/i,
  /password/i,
  /credentials?/i,
  /^token$/i,
  /^secret$/i,
  /^auth$/i,
];
const SENSITIVE_HEADERS = new Set(['authorization', 'x-api-key', 'x-auth-token', 'x-access-token', 'api-key', 'apikey']);

function namedEntries(container: unknown, key: string): Array<{ name?: unknown; value?: unknown }> {
  if (!isObject(container)) return [];
  const list = container[key];
  return Array.isArray(list) ? list.filter(isObject) : [];
}

export function checkCredentials(input: CheckInput): CheckResult {
  const out: CheckViolation[] = [];
  const hardcoded = (v: unknown) => Boolean(v) && !isExpression(v);
  for (const node of input.nodes) {
    const where = { node: node.name, path: nodePath(node, 'parameters') };
    if (node.type === 'n8n-nodes-base.httpRequest') {
      for (const h of namedEntries(node.parameters.headerParameters, 'parameters')) {
        if (typeof h.name === 'string' && SENSITIVE_HEADERS.has(h.name.toLowerCase()) && hardcoded(h.value)) {
          out.push(violation('http-request-hardcoded-credentials', 'minor', 5, `HTTP Request "${node.name}" has a hardcoded value for header "${h.name}": use a credential`, where));
        }
      }
      for (const q of namedEntries(node.parameters.queryParameters, 'parameters')) {
        if (typeof q.name === 'string' && CREDENTIAL_FIELD.some((p) => p.test(q.name as string)) && hardcoded(q.value)) {
          out.push(violation('http-request-hardcoded-credentials', 'minor', 5, `HTTP Request "${node.name}" has a hardcoded value for query parameter "${q.name}": use a credential`, where));
        }
      }
    } else if (node.type === 'n8n-nodes-base.set') {
      for (const a of namedEntries(node.parameters.assignments, 'assignments')) {
        if (typeof a.name === 'string' && CREDENTIAL_FIELD.some((p) => p.test(a.name as string))) {
          out.push(violation('set-node-credential-field', 'minor', 5, `Set node "${node.name}" has a field "${a.name}" that looks like a secret: keep secrets in credentials`, where));
        }
      }
    }
  }
  return result(out);
}

export function checkWebhookResponse(input: CheckInput): CheckResult {
  const out: CheckViolation[] = [];
  for (const issue of issuesOf(input, 'WEBHOOK_RESPONSE_MISMATCH')) {
    const node = input.nodes.find((n) => n.name === issue.node);
    // The validator's one code covers both of n8n's cases; the node's responseMode tells them apart.
    const name = node?.parameters.responseMode === 'responseNode' ? 'webhook-response-mode-missing-respond-node' : 'webhook-response-mode-mismatch';
    out.push(fromIssue(name, 'critical', 50, issue));
  }
  return result(out);
}

/** `/nodes/<i>/parameters/<name>`: a top-level parameter (n8n's check reads no deeper). */
const TOP_LEVEL_PARAMETER = /^\/nodes\/\d+\/parameters\/[^/]+$/;

export function checkParameters(input: CheckInput): CheckResult {
  const out: CheckViolation[] = [];
  for (const issue of input.issues) {
    if (!issue.path || !TOP_LEVEL_PARAMETER.test(issue.path)) continue;
    if (issue.code === 'MISSING_REQUIRED_PARAMETER') out.push(fromIssue('node-missing-required-parameter', 'critical', 50, issue));
    else if (issue.code === 'INVALID_OPTION_VALUE') out.push(fromIssue('node-invalid-options-value', 'critical', 50, issue));
  }
  return result(out);
}

// ---------------------------------------------------------------------------------------
// All of them

export type CheckResults = Record<CheckCategory, CheckResult>;

/** Every check over one workflow (null: nothing was generated — every category 0). */
export function runChecks(workflow: unknown, graph: NormalisedGraph, catalog: NodeCatalog): CheckResults {
  if (workflow === null || workflow === undefined) {
    const none = (): CheckResult => ({ score: 0, violations: [violation('no-workflow', 'critical', 100, 'no workflow was generated')] });
    return Object.fromEntries(CHECK_CATEGORIES.map((c) => [c, none()])) as CheckResults;
  }
  const input = checkInput(workflow, graph, catalog);
  return {
    connections: checkConnections(input),
    nodes: checkNodes(input),
    trigger: checkTrigger(input),
    agentPrompt: checkAgentPrompt(input),
    tools: checkTools(input),
    fromAi: checkFromAi(input),
    credentials: checkCredentials(input),
    nodeUsage: checkWebhookResponse(input),
    parameters: checkParameters(input),
  };
}
