import { checkRunnable } from '../runtime';
import type { WorkflowRule } from './rule';

/** Workflows n8n loads that then fail when they run: inputs, expressions, webhook responses (runtime.ts). */
export const runnable: WorkflowRule = {
  id: 'runnable',
  codes: ['MISSING_REQUIRED_INPUT', 'TOO_MANY_CONNECTIONS', 'CONNECTION_BAD_INPUT_INDEX', 'EXPRESSION_UNKNOWN_NODE', 'EXPRESSION_SYNTAX', 'FROM_AI_OUTSIDE_TOOL', 'WEBHOOK_RESPONSE_MISMATCH'],
  check(context, issues) {
    const { named, wired, workflow, scan } = context;
    checkRunnable(named, wired, workflow.connections, workflow.nodes.length, issues, scan);
  },
};
