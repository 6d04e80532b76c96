import { checkNodeInputs } from '../runtime';
import type { NodeRule } from './rule';

/** Inputs a node needs or limits (catalog ports, computed from parameters when they depend on them): n8n stops the run otherwise (runtime.ts). */
export const inputs: NodeRule = {
  id: 'inputs',
  codes: ['MISSING_REQUIRED_INPUT', 'TOO_MANY_CONNECTIONS', 'CONNECTION_BAD_INPUT_INDEX'],
  checkNode: checkNodeInputs,
};
