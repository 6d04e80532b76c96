/**
 * WEBHOOK_RESPONSE_MISMATCH → the trigger's `responseMode` that matches the workflow: "Using
 * 'Respond to Webhook' node" when one follows the trigger, else "When Last Node Finishes"
 * (`lastNode`: n8n answers with what the run produced, as a workflow without responder means).
 */
import { isObject } from '../json-value';
import { parsePointer } from './draft';
import type { Fixer } from './types';

const RESPOND_TO_WEBHOOK = 'n8n-nodes-base.respondToWebhook';

export const fixWebhookResponse: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const i = draft.nodeIndexOf(segments);
  const node = i === undefined ? undefined : draft.nodeAt(i);
  if (!node || typeof node.name !== 'string' || !isObject(node.parameters) || segments[3] !== 'responseMode') return undefined;
  const params = node.parameters;
  // Respond to Webhook nodes among the trigger's main descendants, as n8n looks for them.
  const links = draft.links().filter((l) => l.type === 'main');
  const seen = new Set<string>([node.name]);
  const queue = [node.name];
  let responders = 0;
  while (queue.length > 0) {
    const at = queue.pop()!;
    for (const l of links) {
      if (l.source !== at || typeof l.target.node !== 'string' || seen.has(l.target.node)) continue;
      seen.add(l.target.node);
      queue.push(l.target.node);
      if (draft.nodeNamed(l.target.node)?.type === RESPOND_TO_WEBHOOK) responders++;
    }
  }
  const after = responders > 0 ? 'responseNode' : 'lastNode';
  if (params.responseMode === after) return undefined;
  return {
    kind: 'option-value',
    confidence: 'medium',
    path: issue.path!,
    before: params.responseMode,
    after,
    description: `"${node.name}" responseMode ${JSON.stringify(params.responseMode)} → "${after}": ${responders > 0 ? 'a Respond to Webhook node follows it' : 'no Respond to Webhook node follows it'}`,
    apply: () => (params.responseMode = after),
  };
};
