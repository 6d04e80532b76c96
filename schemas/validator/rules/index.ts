/**
 * The validator's rules, in the order they run: issues come out in this order (node rules
 * next to each other run node by node). Add a rule: one file here, one line below, its
 * codes in ISSUE_CODES (issues.ts), its test in test/schemas/validator/.
 */
import { connections } from './connections';
import { expressions } from './expressions';
import { inputs } from './inputs';
import { nodeNames } from './node-names';
import { nodeTypes } from './node-types';
import { parameters } from './parameters';
import { policyNodes } from './policy';
import type { ValidatorRule } from './rule';
import { trigger } from './trigger';
import { webhookResponse } from './webhook-response';

export type { NodeRule, ValidatorRule, WorkflowRule } from './rule';

export const RULES: readonly ValidatorRule[] = [
  nodeNames,
  policyNodes,
  nodeTypes,
  parameters,
  connections,
  // Runnable rules: workflows n8n loads that then fail when they run.
  inputs,
  expressions,
  webhookResponse,
  trigger,
];
