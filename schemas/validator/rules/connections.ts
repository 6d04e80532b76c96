import { checkConnections } from '../connections';
import type { WorkflowRule } from './rule';

/** Wiring: connections join existing nodes, from outputs the source has, with types both ends take (connections.ts). */
export const connections: WorkflowRule = {
  id: 'connections',
  codes: ['CONNECTION_UNKNOWN_NODE', 'CONNECTION_BAD_OUTPUT_INDEX', 'CONNECTION_BAD_TYPE'],
  check(context, issues) {
    context.stats.connections = checkConnections(context.workflow.connections, context.wired, issues);
  },
};
