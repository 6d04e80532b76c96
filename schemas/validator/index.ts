/**
 * validateWorkflow: is this a workflow n8n will accept, built only from node types,
 * versions, parameters and wiring that exist? A pure function over plain data: no
 * I/O, never throws, never mutates its input.
 */
import type { NodeCatalog } from '../catalog/catalog';
import { checkWorkflowSchema } from '../schema';
import { buildContext, compiledPolicy, type ValidationContext } from './context';
import { DEFAULT_MAX_ISSUES, describeError, IssueCollector, type IssueCode, type ValidationIssue, type ValidationResult, type ValidationStats } from './issues';
import { type ValidationPolicy } from './policy';
import { isNodeRule, type NodeRule, type ValidatorRule, type WorkflowRule } from './rules/rule';
import { RULES } from './rules';
import { scanWorkflow, type WorkflowScan } from './runtime';
import { unwrapWorkflow } from './unwrap';
import { isObject } from '../json-value';
import { checkJsonTextLimits } from '../limits';

export * from './issues';
export * from './policy';
export { unwrapWorkflow } from './unwrap';

export interface ValidateOptions {
  catalog: NodeCatalog;
  policy?: Partial<ValidationPolicy>;
  /** Issues kept per workflow (default DEFAULT_MAX_ISSUES); the rest are counted in `truncated`. */
  maxIssues?: number;
}

const emptyStats = (): ValidationStats => ({ nodes: 0, connections: 0, triggers: 0, nodeTypes: 0, unknownNodeTypes: 0 });

function result(issues: IssueCollector, stats: ValidationStats): ValidationResult {
  const { truncated } = issues;
  const valid = issues.errors.length === 0 && truncated.errors === 0;
  const out: ValidationResult = { valid, errors: issues.errors, warnings: issues.warnings, stats };
  if (truncated.errors + truncated.warnings > 0) out.truncated = { ...truncated };
  return out;
}

function parseJson(text: string): { value?: unknown; issue?: ValidationIssue } {
  const violation = checkJsonTextLimits(text);
  if (violation) return { issue: { code: 'LIMIT_EXCEEDED', message: `too large to check: ${violation.message}` } };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { issue: { code: 'INVALID_JSON', message: `not valid JSON: ${(error as Error).message}` } };
  }
}

export function validateWorkflow(value: unknown, options: ValidateOptions): ValidationResult {
  const issues = new IssueCollector(options.maxIssues ?? DEFAULT_MAX_ISSUES);
  const stats = emptyStats();
  try {
    validateInto(value, options, issues, stats);
  } catch (error) {
    // Defence in depth: a shape the checks did not foresee is reported, never thrown.
    issues.error({ code: 'SCHEMA', message: `cannot check this value: ${describeError(error)}` });
  }
  return result(issues, stats);
}

/** Read the document, build what the rules share, run the rules: each step may stop with the issues it reported. */
function validateInto(value: unknown, options: ValidateOptions, issues: IssueCollector, stats: ValidationStats): void {
  const read = readWorkflow(value, issues);
  if (!read) return;
  const context = buildContext(read.workflow, options.catalog, compiledPolicy(options.policy), read.scan, stats);
  runRules(context, issues);
}

/** Codes of the reading step (the document itself); every other code belongs to a rule of RULES. */
export const DOCUMENT_CODES = ['INVALID_JSON', 'LIMIT_EXCEEDED', 'SCHEMA'] as const satisfies readonly IssueCode[];

/**
 * JSON text, size limits, the workflow schema: the rules run only on a workflow object
 * whose `nodes` is an array (schema issues that leave it one do not stop them).
 */
function readWorkflow(value: unknown, issues: IssueCollector): { workflow: ValidationContext['workflow']; scan?: WorkflowScan } | undefined {
  let input = value;
  if (typeof input === 'string') {
    const parsed = parseJson(input);
    if (parsed.issue) return void issues.error(parsed.issue);
    input = parsed.value;
  }
  const { workflow } = unwrapWorkflow(input);
  // Before any recursive check: a hostile input is one error, never a stack overflow.
  // The same walk reads the expressions of node parameters for the runnable rules.
  const { violation, scan } = scanWorkflow(workflow);
  if (violation) return void issues.error({ code: 'LIMIT_EXCEEDED', message: `too large to check: ${violation.message}`, ...(violation.path !== undefined ? { path: violation.path } : {}) });
  if (!isObject(workflow)) {
    const got = Array.isArray(workflow) ? 'an array' : workflow === null ? 'null' : typeof workflow;
    return void issues.error({ code: 'SCHEMA', message: `expected a workflow object with "nodes" and "connections", got ${got}`, path: '' });
  }
  for (const schemaIssue of checkWorkflowSchema(workflow)) issues.error(schemaIssue);
  if (!Array.isArray(workflow.nodes)) return undefined;
  return { workflow: workflow as ValidationContext['workflow'], scan };
}

/** Rules of RULES in order; a run of node rules goes node by node, so each node's issues stay together. */
type RuleStep = { nodeRules: NodeRule[] } | { rule: WorkflowRule };

const STEPS: readonly RuleStep[] = planSteps(RULES);

function planSteps(rules: readonly ValidatorRule[]): RuleStep[] {
  const steps: RuleStep[] = [];
  for (const rule of rules) {
    const last = steps[steps.length - 1];
    if (!isNodeRule(rule)) steps.push({ rule });
    else if (last && 'nodeRules' in last) last.nodeRules.push(rule);
    else steps.push({ nodeRules: [rule] });
  }
  return steps;
}

function runRules(context: ValidationContext, issues: IssueCollector): void {
  for (const step of STEPS) {
    if ('rule' in step) {
      step.rule.check(context, issues);
      continue;
    }
    const { nodes } = context;
    const rules = step.nodeRules;
    for (let i = 0; i < nodes.length; i++) {
      for (let r = 0; r < rules.length; r++) rules[r].checkNode(nodes[i], context, issues);
    }
  }
}
