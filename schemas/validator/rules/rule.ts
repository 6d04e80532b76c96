import type { IssueCode, IssueCollector } from '../issues';
import type { NodeFacts, ValidationContext } from '../context';

/**
 * A validator rule: a pure check over the context (the workflow, the catalog, the policy
 * and what was read of the nodes once) that reports issues with the codes it declares.
 * Rules read the context and never change it, but for two fields: the connections rule fills `stats.connections`,
 * and the runnable rules read the edges once into `runGraph`.
 */
export type ValidatorRule = NodeRule | WorkflowRule;

interface RuleBase {
  /** Names the rule in docs and tests; kebab-case, like its file. */
  readonly id: string;
  /** Every code the rule reports: each code of ISSUE_CODES has exactly one rule (or the reading step). */
  readonly codes: readonly IssueCode[];
}

/** Checks one node at a time: the validator runs consecutive node rules node by node, so one node's issues stay together. */
export interface NodeRule extends RuleBase {
  checkNode(node: NodeFacts, context: ValidationContext, issues: IssueCollector): void;
}

/** Checks the whole workflow once. */
export interface WorkflowRule extends RuleBase {
  check(context: ValidationContext, issues: IssueCollector): void;
}

export function isNodeRule(rule: ValidatorRule): rule is NodeRule {
  return 'checkNode' in rule;
}
