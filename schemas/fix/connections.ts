/**
 * Wiring fixes, from what the catalog says each node emits and accepts:
 * - CONNECTION_UNKNOWN_NODE: a node id used for its name → the name; a name spelled
 *   another way → the node's name; else the dangling connection is removed;
 * - CONNECTION_BAD_TYPE: the node's tool variant when it is wired as a tool (and back);
 *   an edge written the wrong way round reversed; an edge filed under the wrong type
 *   moved to the one type both ends share; else removed (low);
 * - CONNECTION_BAD_OUTPUT_INDEX: onto the output that exists (or the error output it meant);
 * - CONNECTION_BAD_INPUT_INDEX: the parameter that gives the node that many inputs (Merge's
 *   `numberInputs`), else onto the last input that exists.
 */
import { isObject, type JsonObject } from '../json-value';
import type { PortCase } from '../catalog/types';
import { looseKey, nearestNames, parsePointer, type Draft, type Link } from './draft';
import type { FixConfidence, Fixer, Proposal } from './types';

const MIN: (a: FixConfidence, b: FixConfidence) => FixConfidence = (a, b) => (a === 'low' || b === 'low' ? 'low' : a === 'medium' || b === 'medium' ? 'medium' : 'high');

/** The node meant by a name no node has: by id, by spelling, by nearness. */
function nodeMeant(draft: Draft, name: string): { name: string; confidence: FixConfidence; kind: 'connection-id-to-name' | 'connection-rename'; why: string } | undefined {
  const nodes = draft.nodes;
  const byId = nodes.filter((n) => n.id === name && typeof n.name === 'string');
  if (byId.length === 1) return { name: byId[0].name as string, confidence: 'high', kind: 'connection-id-to-name', why: 'the node with that id' };
  const names = [...draft.names()];
  const spelled = names.filter((n) => looseKey(n) === looseKey(name) && looseKey(name) !== '');
  if (spelled.length === 1) return { name: spelled[0], confidence: 'high', kind: 'connection-rename', why: 'the node of that name in another spelling' };
  const near = nearestNames(name, names);
  if (near.length === 1) return { name: near[0], confidence: 'medium', kind: 'connection-rename', why: 'the node of the nearest name' };
  return undefined;
}

const fixUnknownNode: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const connections = draft.connections;
  if (segments[0] !== 'connections' || !connections) return undefined;
  const source = segments[1];
  if (segments.length === 2) {
    const byType = connections[source];
    const meant = nodeMeant(draft, source);
    if (meant) {
      return {
        kind: meant.kind,
        confidence: meant.confidence,
        path: issue.path!,
        before: source,
        after: meant.name,
        description: `connections from "${source}" → from "${meant.name}" (${meant.why})`,
        apply: () => {
          delete connections[source];
          if (!isObject(byType)) return;
          for (const type of Object.keys(byType)) {
            const outputs = byType[type];
            if (!Array.isArray(outputs)) continue;
            outputs.forEach((targets, output) => {
              if (Array.isArray(targets)) for (const t of targets) if (isObject(t)) draft.addLink(meant.name, type, output, t);
            });
          }
        },
      };
    }
    return {
      kind: 'connection-remove',
      confidence: 'high',
      path: issue.path!,
      before: byType,
      description: `connections from "${source}" removed: no node has that name or id`,
      apply: () => delete connections[source],
    };
  }
  if (segments.length !== 6 || segments[5] !== 'node') return undefined;
  const [, , type, o, e] = segments;
  const list = (connections[source] as JsonObject | undefined)?.[type];
  const target = Array.isArray(list) && Array.isArray(list[Number(o)]) ? (list[Number(o)] as unknown[])[Number(e)] : undefined;
  if (!isObject(target) || typeof target.node !== 'string') return undefined;
  const before = target.node;
  const meant = nodeMeant(draft, before);
  if (meant) {
    return { kind: meant.kind, confidence: meant.confidence, path: issue.path!, before, after: meant.name, description: `"${source}" → "${before}" now goes to "${meant.name}" (${meant.why})`, apply: () => (target.node = meant.name) };
  }
  return {
    kind: 'connection-remove',
    confidence: 'high',
    path: issue.path!.slice(0, -'/node'.length),
    before: target,
    description: `connection "${source}" → "${before}" removed: no node has that name or id`,
    apply: () => draft.removeLink(source, type, Number(o), Number(e)),
  };
};

/** What to do with one link whose type one end cannot carry. */
function relink(draft: Draft, link: Link): { confidence: FixConfidence; kind: Proposal['kind']; what: string; apply: () => void } {
  const sourceNode = draft.nodeNamed(link.source);
  const targetName = typeof link.target.node === 'string' ? link.target.node : '';
  const targetNode = draft.nodeNamed(targetName);
  const remove = () => draft.removeLink(link.source, link.type, link.output, link.entry);
  // Written the wrong way round: the target is the one that emits this type, into the source.
  if (draft.carries(targetNode, 'outputs', link.type) === true && draft.carries(sourceNode, 'inputs', link.type) === true) {
    return {
      // A sub-node edge has one direction; a main edge the other way round is a guess.
      confidence: link.type === 'main' ? 'medium' : 'high',
      kind: 'connection-reverse',
      what: `"${link.source}" → "${targetName}" (${link.type}) reversed: "${targetName}" emits it and "${link.source}" takes it`,
      apply: () => {
        remove();
        draft.addLink(targetName, link.type, 0, { node: link.source, type: link.type, index: 0 });
      },
    };
  }
  const emits = draft.portTypes(sourceNode, 'outputs') ?? [];
  const shared = emits.filter((t) => draft.carries(targetNode, 'inputs', t) === true);
  if (shared.length === 1) {
    const type = shared[0];
    const sourcePorts = draft.ports(sourceNode, 'outputs');
    const count = sourcePorts && !sourcePorts.dynamic ? sourcePorts.types.filter((t) => t === type).length : 1;
    const output = Math.min(link.output, Math.max(0, count - 1));
    return {
      confidence: emits.length === 1 ? 'high' : 'medium',
      kind: 'connection-retype',
      what: `"${link.source}" → "${targetName}" moved from ${link.type} to ${type}, the one type "${link.source}" emits and "${targetName}" takes`,
      apply: () => {
        remove();
        draft.addLink(link.source, type, output, { ...link.target, type, index: typeof link.target.index === 'number' && type === link.type ? link.target.index : 0 });
      },
    };
  }
  return { confidence: 'low', kind: 'connection-remove', what: `"${link.source}" → "${targetName}" (${link.type}) removed: no connection type fits both ends`, apply: remove };
}

/** The same node as its tool variant (wired into an agent as a tool) or the other way round. */
function toolVariant(draft: Draft, node: JsonObject | undefined, type: string): string | undefined {
  const info = draft.info(node);
  if (!info) return undefined;
  const candidates = [`${info.type}Tool`, ...(info.entry.toolOf ? [info.entry.toolOf] : [])];
  return candidates.find((c) => draft.catalog.has(c) && draft.carries(node, 'outputs', type, c) === true);
}

const fixBadType: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const connections = draft.connections;
  if (segments[0] !== 'connections' || !connections) return undefined;
  const [, source, type] = segments;
  if (segments.length === 3) {
    const sourceNode = draft.nodeNamed(source);
    const links = draft.links().filter((l) => l.source === source && l.type === type);
    // Later entries first, so that removing one never moves another.
    // Gone already (an earlier fix of this pass moved them): nothing left to fix.
    if (links.length === 0) return undefined;
    const plans = links.reverse().map((l) => relink(draft, l));
    const reversed = plans.length > 0 && plans.every((p) => p.kind === 'connection-reverse');
    // Wired as a tool (or as another sub-node): the node's variant that is one; a main link out of a tool is a retype.
    const variant = !reversed && type !== 'main' ? toolVariant(draft, sourceNode, type) : undefined;
    if (variant && sourceNode) {
      const before = sourceNode.type;
      const i = (draft.workflow.nodes as unknown[]).indexOf(sourceNode);
      return {
        kind: 'tool-variant',
        confidence: 'high',
        path: `/nodes/${i}/type`,
        before,
        after: variant,
        description: `"${source}" is wired as ${type}: "${String(before)}" → "${variant}"`,
        apply: () => (sourceNode.type = variant),
      };
    }
    const confidence = plans.map((p) => p.confidence).reduce(MIN);
    return {
      kind: plans.every((p) => p.kind === plans[0].kind) ? plans[0].kind : 'connection-retype',
      confidence,
      path: issue.path!,
      before: (connections[source] as JsonObject)[type],
      description: plans.map((p) => p.what).join('; '),
      apply: () => plans.forEach((p) => p.apply()),
    };
  }
  const [, , , o, e] = segments;
  const list = (connections[source] as JsonObject | undefined)?.[type];
  const target = Array.isArray(list) && Array.isArray(list[Number(o)]) ? (list[Number(o)] as unknown[])[Number(e)] : undefined;
  if (!isObject(target)) return undefined;
  if (segments.length === 6 && segments[5] === 'type') {
    return { kind: 'connection-retype', confidence: 'high', path: issue.path!, before: target.type, after: type, description: `declared type "${String(target.type)}" → "${type}", the list it is filed under`, apply: () => (target.type = type) };
  }
  if (segments.length !== 5) return undefined;
  const plan = relink(draft, { source, type, output: Number(o), entry: Number(e), target });
  return { kind: plan.kind, confidence: plan.confidence, path: issue.path!, before: target, description: plan.what, apply: plan.apply };
};

const fixOutputIndex: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  if (segments[0] !== 'connections' || segments.length !== 5) return undefined;
  const [, source, type, o, e] = segments;
  const node = draft.nodeNamed(source);
  const ports = draft.ports(node, 'outputs');
  const list = (draft.connections?.[source] as JsonObject | undefined)?.[type];
  const output = Number(o);
  const target = Array.isArray(list) && Array.isArray(list[output]) ? (list[output] as unknown[])[Number(e)] : undefined;
  if (!node || !ports || ports.dynamic || !isObject(target) || !Array.isArray(list)) return undefined;
  const count = ports.types.filter((t) => t === type).length;
  if (count === 0) return undefined;
  // One output past the last, beside links on the others: the error output of "continue (using error output)".
  const othersUsed = list.slice(0, count).some((t) => Array.isArray(t) && t.length > 0);
  if (type === 'main' && output === count && othersUsed && node.onError === undefined) {
    return {
      kind: 'output-index',
      confidence: 'medium',
      path: issue.path!,
      before: node.onError,
      after: 'continueErrorOutput',
      description: `"${source}" gets onError "continueErrorOutput": its link from output ${output} is the error output`,
      apply: () => (node.onError = 'continueErrorOutput'),
    };
  }
  const to = count - 1;
  return {
    kind: 'output-index',
    confidence: count === 1 ? 'high' : 'low',
    path: issue.path!,
    before: output,
    after: to,
    description: `"${source}" → "${String(target.node)}" moved from ${type} output ${output} to ${to}${count === 1 ? ', its only one' : ', its last one'}`,
    apply: () => {
      draft.removeLink(source, type, output, Number(e));
      draft.addLink(source, type, to, target);
    },
  };
};

/** Does this port case give at least `needed[type]` inputs of each type? */
function caseFits(c: PortCase, needed: Map<string, number>): boolean {
  for (const [type, n] of needed) if (c.types.filter((t) => t === type).length < n) return false;
  return true;
}

const fixInputIndex: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const i = draft.nodeIndexOf(segments);
  const node = i === undefined ? undefined : draft.nodeAt(i);
  if (!node || typeof node.name !== 'string' || segments.length !== 2) return undefined;
  const name = node.name;
  const incoming = draft.links().filter((l) => l.target.node === name);
  const needed = new Map<string, number>();
  for (const l of incoming) {
    const type = typeof l.target.type === 'string' ? l.target.type : l.type;
    const index = typeof l.target.index === 'number' ? l.target.index : 0;
    needed.set(type, Math.max(needed.get(type) ?? 0, index + 1));
  }
  const ports = draft.ports(node, 'inputs');
  const params = isObject(node.parameters) ? node.parameters : undefined;
  // Inputs computed from parameters: the fewest parameter changes that give the inputs the links use.
  if (ports?.cases && params) {
    // Among those, the fewest inputs: four links into a Merge mean four inputs, not five.
    let best: { when: Record<string, unknown>; changes: number; inputs: number } | undefined;
    for (const c of ports.cases.cases) {
      if (!caseFits(c, needed)) continue;
      const changes = ports.cases.reads.filter((k) => k in c.when && c.when[k] !== params[k]).length;
      // Its parameters already give the inputs the links use (an earlier issue of this pass changed them): nothing to do.
      if (changes === 0) return undefined;
      const inputs = c.types.length;
      if (changes > 0 && (!best || changes < best.changes || (changes === best.changes && inputs < best.inputs))) best = { when: c.when, changes, inputs };
    }
    if (best && best.changes === 1) {
      const key = ports.cases.reads.find((k) => k in best!.when && best!.when[k] !== params[k])!;
      const after = best.when[key];
      return {
        kind: 'input-index',
        confidence: 'medium',
        path: `${issue.path}/parameters/${key}`,
        before: params[key],
        after,
        description: `"${name}" parameter "${key}" → ${JSON.stringify(after)}, which gives it the inputs its connections use`,
        apply: () => (params[key] = after),
      };
    }
  }
  const types = ports && !ports.dynamic ? ports.types : undefined;
  if (!types) return undefined;
  const moves = incoming.filter((l) => {
    const type = typeof l.target.type === 'string' ? l.target.type : l.type;
    const count = types.filter((t) => t === type).length;
    return count > 0 && typeof l.target.index === 'number' && l.target.index >= count;
  });
  if (moves.length === 0) return undefined;
  return {
    kind: 'input-index',
    confidence: 'low',
    path: issue.path!,
    before: moves.map((l) => l.target.index),
    description: `links into "${name}" moved onto its last input`,
    apply: () => {
      for (const l of moves) l.target.index = types.filter((t) => t === (typeof l.target.type === 'string' ? l.target.type : l.type)).length - 1;
    },
  };
};

export { fixBadType, fixInputIndex, fixOutputIndex, fixUnknownNode };
