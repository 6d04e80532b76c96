/**
 * Cleaning: keep what defines the workflow, drop what identifies an instance or a
 * person. Credential blocks become their type only (the generator attaches a
 * placeholder later); sticky notes leave the workflow (their text may feed the request).
 */
import type { Workflow, WorkflowNode } from './types';
import { isStickyNote } from '../schemas/graph';
import { isObject } from '../schemas/json-value';

/** Node fields that describe behaviour; everything else (ids, webhookIds, positions are kept for full targets) goes. */
const NODE_FIELDS = [
  'name',
  'type',
  'typeVersion',
  'position',
  'parameters',
  'credentials',
  'disabled',
  'notes',
  'notesInFlow',
  'onError',
  'continueOnFail',
  'retryOnFail',
  'maxTries',
  'waitBetweenTries',
  'alwaysOutputData',
  'executeOnce',
] as const;

export interface CleanedWorkflow {
  workflow: Workflow;
  /** Text of the sticky notes that were removed. */
  stickyNotes: string[];
  /** What was dropped, for the report (`credentials`, `pinData`, …). */
  dropped: string[];
}

function cleanNode(node: Record<string, unknown>, dropped: Set<string>): WorkflowNode {
  const out: Record<string, unknown> = {};
  for (const field of NODE_FIELDS) {
    if (node[field] === undefined) continue;
    if (field === 'credentials') {
      if (!isObject(node.credentials)) continue;
      // Keep the credential types only: `{ slackApi: {} }`.
      out.credentials = Object.fromEntries(Object.keys(node.credentials).sort().map((type) => [type, {}]));
      dropped.add('credentials');
      continue;
    }
    out[field] = node[field];
  }
  for (const key of Object.keys(node)) if (!(NODE_FIELDS as readonly string[]).includes(key)) dropped.add(`node.${key}`);
  return out as WorkflowNode;
}

/** `workflow` must already be unwrapped and have a `nodes` array. */
export function cleanWorkflow(workflow: Record<string, unknown>, name?: string): CleanedWorkflow {
  const dropped = new Set<string>();
  const stickyNotes: string[] = [];
  const nodes: WorkflowNode[] = [];
  for (const node of workflow.nodes as unknown[]) {
    if (!isObject(node)) continue;
    if (isStickyNote(node)) {
      const content = isObject(node.parameters) ? node.parameters.content : undefined;
      if (typeof content === 'string' && content.trim() !== '') stickyNotes.push(content);
      dropped.add('stickyNotes');
      continue;
    }
    nodes.push(cleanNode(node, dropped));
  }
  for (const key of Object.keys(workflow)) {
    if (!['name', 'nodes', 'connections', 'settings'].includes(key)) dropped.add(key);
  }
  const cleaned: Workflow = {
    name: typeof workflow.name === 'string' && workflow.name.trim() !== '' ? workflow.name : (name ?? 'Untitled workflow'),
    nodes,
    connections: isObject(workflow.connections) ? workflow.connections : {},
  };
  // Only the execution order changes behaviour; timezone, error workflow ids and the like are instance details.
  if (isObject(workflow.settings) && typeof workflow.settings.executionOrder === 'string') {
    cleaned.settings = { executionOrder: workflow.settings.executionOrder };
  }
  return { workflow: cleaned, stickyNotes, dropped: [...dropped].sort() };
}
