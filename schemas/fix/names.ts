/**
 * Name fixes:
 * - DUPLICATE_NODE_NAME: when connections or expressions use a name no node has (what a
 *   renamed node left behind), the duplicate whose ports fit that use takes it back;
 *   otherwise the earlier nodes of the name are renamed (`Slack1`): connections and
 *   expressions keep reaching the node they reach in n8n today (the last of the name);
 * - EXPRESSION_UNKNOWN_NODE: `$('Name')`, `$node["Name"]`, `$items("Name")` naming no node →
 *   the one node whose name it is in another spelling (high) or nearly (medium).
 */
import { isObject, type JsonObject } from '../json-value';
import { forEachReference } from '../validator/runtime';
import { looseKey, nearestNames, parsePointer, renameReferences, walkExpressions, type Draft } from './draft';
import type { FixConfidence, Fixer } from './types';

/** n8n names a node after its type's display name ("HTTP Request1"): a name holding it hints at the node's type. */
function nameFit(draft: Draft, node: JsonObject, name: string): number {
  const display = draft.info(node)?.entry.displayName;
  return display && looseKey(name).includes(looseKey(display)) ? 0.5 : 0;
}

/** `base1`, `base2`, … the first no node has (n8n's own way of making names unique). */
export function freshName(base: string, taken: Set<string>): string {
  const stem = base.replace(/\d+$/, '');
  for (let n = 1; ; n++) if (!taken.has(`${stem}${n}`)) return `${stem}${n}`;
}

export const fixDuplicateName: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const j = draft.nodeIndexOf(segments);
  const later = j === undefined ? undefined : draft.nodeAt(j);
  if (!later || typeof later.name !== 'string' || segments[2] !== 'name') return undefined;
  const name = later.name;
  const all = (draft.workflow.nodes as unknown[]).flatMap((n, i) => (isObject(n) && n.name === name ? [{ n, i }] : []));
  if (all.length < 2) return undefined;

  const orphans = [...draft.orphanNames()].filter(([, use]) => use.asSource.length + use.asTarget.length + use.inExpressions > 0);
  if (orphans.length > 0) {
    // Each way of giving one of the same-named nodes an orphaned name back, judged by both names' uses:
    // the renamed node must fit the orphan's, the node keeping the name (the last other one) its own.
    const own = draft.usesOf(new Set([name])).get(name) ?? { asSource: [], asTarget: [], inExpressions: 0 };
    const pairs = all.flatMap(({ n, i }) => {
      const keeper = [...all].reverse().find((o) => o.i !== i)!;
      return orphans.map(([orphan, use]) => ({ n, i, orphan, fit: draft.useFit(n, use) + draft.useFit(keeper.n, own) + nameFit(draft, n, orphan) + nameFit(draft, keeper.n, name) }));
    });
    const fitting = pairs.filter((p) => p.fit >= 0).sort((a, b) => b.fit - a.fit || b.i - a.i);
    if (fitting.length > 0) {
      const best = fitting[0];
      const unique = fitting.length === 1 || fitting[1].fit < best.fit;
      const confidence: FixConfidence = orphans.length === 1 && unique ? 'high' : unique ? 'medium' : 'low';
      return {
        kind: 'node-rename',
        confidence,
        path: `/nodes/${best.i}/name`,
        before: name,
        after: best.orphan,
        description: `node ${best.i} "${name}" → "${best.orphan}", the name its connections and expressions use`,
        apply: () => (best.n.name = best.orphan),
      };
    }
  }
  // Rename an earlier one: references reach the last node of a name, as they do in n8n.
  const first = all[0];
  const after = freshName(name, draft.names());
  return {
    kind: 'node-rename',
    confidence: 'high',
    path: `/nodes/${first.i}/name`,
    before: name,
    after,
    description: `node ${first.i} "${name}" → "${after}"; connections and expressions keep reaching the last "${name}", as in n8n`,
    apply: () => (first.n.name = after),
  };
};

export const fixExpressionReference: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const i = draft.nodeIndexOf(segments);
  const node = i === undefined ? undefined : draft.nodeAt(i);
  if (!node || segments[2] !== 'parameters') return undefined;
  // The string at the path, and a setter for it.
  let holder: unknown = node;
  for (const s of segments.slice(2, -1)) holder = holder !== null && typeof holder === 'object' ? (holder as Record<string, unknown>)[s] : undefined;
  const key = segments[segments.length - 1];
  if (holder === null || typeof holder !== 'object') return undefined;
  const text = (holder as Record<string, unknown>)[key];
  if (typeof text !== 'string') return undefined;

  const names = draft.names();
  const unknown = new Set<string>();
  walkExpressions({ text }, (t) => forEachReference(t, (literal) => literal !== undefined && !names.has(literal) && unknown.add(literal)));
  if (unknown.size === 0) return undefined;
  let next = text;
  let confidence: FixConfidence = 'high';
  const renames: string[] = [];
  for (const literal of unknown) {
    const spelled = [...names].filter((n) => looseKey(n) === looseKey(literal) && looseKey(n) !== '');
    const near = spelled.length > 0 ? spelled : nearestNames(literal, names);
    if (near.length === 0) return undefined;
    const c: FixConfidence = spelled.length === 1 ? 'high' : near.length === 1 ? 'medium' : 'low';
    if (c === 'low' || (c === 'medium' && confidence === 'high')) confidence = c;
    next = renameReferences(next, literal, near[0]);
    renames.push(`"${literal}" → "${near[0]}"`);
  }
  if (next === text) return undefined;
  return {
    kind: 'expression-reference',
    confidence,
    path: issue.path!,
    before: text,
    after: next,
    description: `node references ${renames.join(', ')}`,
    apply: () => ((holder as Record<string, unknown>)[key] = next),
  };
};
