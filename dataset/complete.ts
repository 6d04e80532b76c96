/**
 * A target must hydrate into a workflow that runs. Some exports leave a node's parameters out
 * (n8n.io templates store many nodes as `parameters: {}`): the validator cannot know those
 * values and accepts the export, but the target, once hydrated, has n8n's defaults filled in —
 * and defaults can contradict the wiring (a Merge wired on four inputs with the default two; a
 * webhook answered by a Respond to Webhook node under the default response mode). Such a target
 * would teach a model to leave the value out. Where the wiring implies the value, deterministic
 * repair supplies it; otherwise the workflow is rejected as invalid.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { isObject } from '../schemas/json-value';
import { fixWorkflow } from '../schemas/fix';
import type { ValidationPolicy } from '../schemas/validator';
import { compactWorkflow, hydrateWorkflow, type CompactWorkflow } from './compact';
import type { Workflow } from './types';

export type CompletedTarget =
  | { ok: true; compact: CompactWorkflow; /** Values the wiring implied, supplied by repair (0: the target was fine). */ completed: number }
  | { ok: false; codes: string[]; detail: string };

/**
 * A node whose parameters were left out and whose defaults decide wiring or responses: ports that
 * depend on parameters, or a `responseMode`. Only workflows with one are hydrated and checked here
 * (482 of the 1,893 valid stock templates), so the build pays for the check only where it can fail.
 */
function hasStrippedDecisiveNode(workflow: Workflow, catalog: NodeCatalog): boolean {
  return workflow.nodes.some((node) => {
    if (isObject(node.parameters) && Object.keys(node.parameters).length > 0) return false;
    const info = typeof node.type === 'string' ? catalog.get(node.type) : undefined;
    if (!info || typeof node.typeVersion !== 'number') return false;
    const ports = info.variantFor(node.typeVersion);
    return ports?.inputs.dynamic === true || ports?.outputs.dynamic === true || info.propertiesAt(node.typeVersion)?.byName.has('responseMode') === true;
  });
}

/** The target of a valid workflow, completed where stripped parameters make its hydrated form invalid. */
export function completeTarget(workflow: Workflow, compact: CompactWorkflow, catalog: NodeCatalog, policy?: Partial<ValidationPolicy>): CompletedTarget {
  if (!hasStrippedDecisiveNode(workflow, catalog)) return { ok: true, compact, completed: 0 };
  const options = { catalog, ...(policy ? { policy } : {}) };
  // fixWorkflow validates first: a target that hydrates valid comes back unchanged, validated once.
  const fixed = fixWorkflow(hydrateWorkflow(compact, options), options);
  if (!fixed.changed && fixed.validation.valid) return { ok: true, compact, completed: 0 };
  if (!fixed.validation.valid) {
    const codes = [...new Set(fixed.validation.errors.map((e) => e.code))];
    return { ok: false, codes, detail: `once hydrated: ${fixed.validation.errors[0]?.message ?? codes.join(', ')}` };
  }
  const applied = fixed.fixes.filter((f) => f.applied).length;
  return { ok: true, compact: compactWorkflow(fixed.workflow as Workflow, options), completed: applied };
}
