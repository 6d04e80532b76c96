import { checkNodeExpressions } from '../runtime';
import type { NodeRule } from './rule';

/** Expressions that cannot run: references to nodes not in the workflow, brackets that do not balance, $fromAI() outside a tool (runtime.ts). */
export const expressions: NodeRule = {
  id: 'expressions',
  codes: ['EXPRESSION_UNKNOWN_NODE', 'EXPRESSION_SYNTAX', 'FROM_AI_OUTSIDE_TOOL'],
  checkNode: checkNodeExpressions,
};
