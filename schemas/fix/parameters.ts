/**
 * Parameter fixes, read from the catalog's properties of the node's type and version:
 * - UNKNOWN_PARAMETER: moved into the collection / fixedCollection that has it (or up to
 *   the top level that has it), renamed when only its spelling differs, else dropped (n8n
 *   drops unknown parameters itself when it loads the node);
 * - INVALID_OPTION_VALUE: the option meant when only the spelling differs, else the
 *   property's default — a low-confidence fix, flagged: the value meant cannot be known.
 */
import type { PropertyIndex } from '../catalog/catalog';
import { displayedSubset, type DisplayContext } from '../catalog/display';
import type { CatalogGroup, CatalogProperty } from '../catalog/types';
import { hasOwn, isObject, type JsonObject } from '../json-value';
import { byName, checkNodeParameters, defaultResolver } from '../validator/parameters';
import { suggestNames } from '../validator/suggest';
import { looseKey, parsePointer, toPointer, type Draft } from './draft';
import type { FixConfidence, Fixer, Proposal } from './types';

type Defs = Map<string, CatalogProperty[]>;

interface Level {
  /** The object holding the key. */
  container: JsonObject;
  key: string;
  /** Definitions of the keys this container may hold, or the groups when the container is a fixedCollection's value. */
  defs?: Defs;
  groups?: Map<string, CatalogGroup>;
  /** The container is the node's `parameters`. */
  top: boolean;
}

interface NodeParams {
  node: JsonObject;
  params: JsonObject;
  index: PropertyIndex;
  ctx: (level: JsonObject) => DisplayContext;
}

function nodeParams(draft: Draft, segments: string[]): NodeParams | undefined {
  const i = draft.nodeIndexOf(segments);
  const node = i === undefined ? undefined : draft.nodeAt(i);
  const info = draft.info(node);
  if (!node || !info || segments[2] !== 'parameters' || !isObject(node.parameters) || typeof node.typeVersion !== 'number') return undefined;
  const index = info.propertiesAt(node.typeVersion);
  if (!index) return undefined;
  const params = node.parameters;
  const version = node.typeVersion;
  const defaultOf = defaultResolver(params, index, version, info.isTool);
  return { node, params, index, ctx: (level) => ({ version, tool: info.isTool, root: params, level, defaultOf }) };
}

/** The displayed definitions of a name (all of them when none is displayed). */
function shown(defs: CatalogProperty[], ctx: DisplayContext): CatalogProperty[] {
  if (defs.length === 1) return defs;
  const displayed = displayedSubset(defs, ctx);
  return displayed.length > 0 ? displayed : defs;
}

/** Walk a parameter path alongside the definitions; the level holding its last key. */
function resolveLevel(np: NodeParams, path: string[]): Level | undefined {
  let container: unknown = np.params;
  let defs: Defs | undefined = np.index.byName;
  let groups: Map<string, CatalogGroup> | undefined;
  let top = true;
  for (let k = 0; k < path.length - 1; k++) {
    const segment = path[k];
    if (Array.isArray(container)) {
      container = container[Number(segment)];
      continue;
    }
    if (!isObject(container)) return undefined;
    const value: unknown = container[segment];
    if (groups) {
      const group = groups.get(segment);
      if (!group) return undefined;
      defs = byName(group.children);
      groups = undefined;
    } else {
      const def = shown(defs?.get(segment) ?? [], np.ctx(container)).find((d) => d.type === 'collection' || d.type === 'fixedCollection');
      if (!def) return undefined;
      if (def.type === 'collection') defs = byName(def.children ?? []);
      else {
        groups = new Map((def.groups ?? []).map((g) => [g.name, g]));
        defs = undefined;
      }
    }
    container = value;
    top = false;
  }
  if (!isObject(container)) return undefined;
  return { container, key: path[path.length - 1], ...(defs ? { defs } : {}), ...(groups ? { groups } : {}), top };
}

function describeKey(path: string[]): string {
  return path.join('.');
}

/** Where else the key exists: a collection or fixedCollection of this level that holds it. */
function moveIntoCollection(np: NodeParams, level: Level, value: unknown): { apply: () => void; where: string; confidence: FixConfidence } | undefined {
  const { container, key, defs } = level;
  if (!defs) return undefined;
  const targets: Array<{ name: string; def: CatalogProperty; group?: CatalogGroup }> = [];
  for (const [name, list] of defs) {
    if (name === key) continue;
    for (const def of shown(list, np.ctx(container))) {
      if (def.type === 'collection' && !def.multipleValues && (def.children ?? []).some((c) => c.name === key)) targets.push({ name, def });
      else if (def.type === 'fixedCollection') {
        const group = (def.groups ?? []).find((g) => g.name === key || g.children.some((c) => c.name === key));
        if (group) targets.push({ name, def, group });
      }
    }
  }
  const names = [...new Set(targets.map((t) => t.name))];
  if (names.length === 0) return undefined;
  // Prefer a collection the node already sets.
  const target = targets.find((t) => isObject(container[t.name])) ?? targets[0];
  const confidence: FixConfidence = names.length === 1 ? 'high' : 'medium';
  const apply = () => {
    const existing = isObject(container[target.name]) ? (container[target.name] as JsonObject) : {};
    if (!target.group || target.group.name === key) {
      existing[key] = value;
    } else {
      const g = target.group;
      const groupValue = existing[g.name];
      if (Array.isArray(groupValue) && isObject(groupValue[0])) (groupValue[0] as JsonObject)[key] = value;
      else if (isObject(groupValue)) groupValue[key] = value;
      else existing[g.name] = target.def.multipleValues ? [{ [key]: value }] : { [key]: value };
    }
    container[target.name] = existing;
    delete container[key];
  };
  return { apply, where: target.group && target.group.name !== key ? `${target.name}.${target.group.name}` : target.name, confidence };
}

const fixUnknownParameter: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const np = nodeParams(draft, segments);
  if (!np) return undefined;
  const path = segments.slice(3);
  const level = resolveLevel(np, path);
  if (!level || !hasOwn(level.container, level.key)) return undefined;
  const { container, key } = level;
  // Known by now (an earlier fix of this pass changed the node's version): nothing to fix.
  if (level.defs?.has(key)) return undefined;
  const value = container[key];
  const proposal = (kind: Proposal['kind'], confidence: FixConfidence, after: string | undefined, description: string, apply: () => void): Proposal => ({
    kind,
    confidence,
    path: issue.path!,
    before: value,
    ...(after !== undefined ? { after } : {}),
    description,
    apply,
  });

  // An unknown group of a fixedCollection: the group meant, else dropped.
  if (level.groups) {
    const same = [...level.groups.keys()].filter((g) => looseKey(g) === looseKey(key) && !hasOwn(container, g));
    const near = same.length > 0 ? same : suggestNames(key, level.groups.keys(), 2).filter((g) => !hasOwn(container, g));
    if (near.length > 0) {
      const confidence: FixConfidence = same.length === 1 ? 'high' : near.length === 1 ? 'medium' : 'low';
      return proposal('parameter-rename', confidence, near[0], `"${describeKey(path)}" → "${near[0]}" (the group of that name)`, () => {
        container[near[0]] = value;
        delete container[key];
      });
    }
    return proposal('parameter-drop', 'medium', undefined, `"${describeKey(path)}" dropped (no such group)`, () => delete container[key]);
  }

  const moved = moveIntoCollection(np, level, value);
  if (moved) {
    return proposal('parameter-move', moved.confidence, toPointer([...segments.slice(0, -1), ...moved.where.split('.'), key]), `"${describeKey(path)}" moved into "${moved.where}", which has it`, moved.apply);
  }
  if (!level.top && np.index.byName.has(key) && !hasOwn(np.params, key)) {
    return proposal('parameter-move', 'high', toPointer([...segments.slice(0, 3), key]), `"${describeKey(path)}" moved up to the node's parameters, which have it`, () => {
      np.params[key] = value;
      delete container[key];
    });
  }
  const version = otherVersion(np, draft, key, level.top);
  if (version !== undefined) {
    return {
      kind: 'type-version',
      confidence: 'medium',
      path: toPointer([...segments.slice(0, 2), 'typeVersion']),
      before: np.node.typeVersion,
      after: version,
      description: `typeVersion ${String(np.node.typeVersion)} → ${version}: "${describeKey(path)}" is a parameter of that version, which fits the node's parameters better`,
      apply: () => (np.node.typeVersion = version),
    };
  }
  const spelled = [...(level.defs?.keys() ?? [])].filter((name) => looseKey(name) === looseKey(key) && !hasOwn(container, name));
  if (spelled.length === 1) {
    return proposal('parameter-rename', 'high', spelled[0], `"${describeKey(path)}" → "${spelled[0]}" (only the spelling differed)`, () => {
      container[spelled[0]] = value;
      delete container[key];
    });
  }
  return proposal('parameter-drop', 'high', undefined, `"${describeKey(path)}" dropped: not a parameter of ${String(np.node.type)} v${String(np.node.typeVersion)} (n8n drops it too)`, () => {
    delete container[key];
  });
};

/**
 * Another version of the node's type that has `key` at the top level, and at which fewer of the
 * node's parameters are wrong than at its own (the fewest; the default version first, then newest first).
 */
function otherVersion(np: NodeParams, draft: Draft, key: string, top: boolean): number | undefined {
  const info = draft.info(np.node);
  if (!info || !top) return undefined;
  const current = np.node.typeVersion as number;
  const errorsAt = (v: number) => {
    const index = info.propertiesAt(v);
    return index ? checkNodeParameters(np.params, index, { nodeName: '', type: info.type, version: v, tool: info.isTool, path: '', room: 1 }).errors.length : Infinity;
  };
  const order = [info.entry.defaultVersion, ...[...info.entry.versions].sort((a, b) => b - a)].filter((v, i, all) => v !== current && all.indexOf(v) === i && info.propertiesAt(v)?.byName.has(key));
  let best: { v: number; errors: number } | undefined;
  let bound = errorsAt(current);
  for (const v of order) {
    const errors = errorsAt(v);
    if (errors < bound) {
      best = { v, errors };
      bound = errors;
    }
  }
  return best?.v;
}

/** The option meant: the same value in another spelling (high), the one nearest (medium). */
function spellingOf(value: unknown, options: unknown[]): { option: unknown; confidence: FixConfidence } | undefined {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return undefined;
  const text = String(value);
  const same = options.filter((o) => (typeof o === 'string' || typeof o === 'number') && looseKey(String(o)) === looseKey(text) && looseKey(text) !== '');
  if (same.length === 1) return { option: same[0], confidence: 'high' };
  if (typeof value !== 'string') return undefined;
  const near = suggestNames(value, options.filter((o): o is string => typeof o === 'string'), 2);
  return near.length === 1 ? { option: near[0], confidence: 'medium' } : undefined;
}

const fixInvalidOption: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const np = nodeParams(draft, segments);
  if (!np) return undefined;
  const path = segments.slice(3);
  const make = (before: unknown, choice: { option: unknown; confidence: FixConfidence } | undefined, fallback: () => { after?: unknown; what: string }, set: (v: unknown) => void, remove?: () => void): Proposal => {
    if (choice) {
      return { kind: 'option-value', confidence: choice.confidence, path: issue.path!, before, after: choice.option, description: `${JSON.stringify(before)} → ${JSON.stringify(choice.option)} (the option of that spelling)`, apply: () => set(choice.option) };
    }
    const reset = fallback();
    return {
      kind: 'option-reset',
      confidence: 'low',
      path: issue.path!,
      before,
      ...(reset.after !== undefined ? { after: reset.after } : {}),
      description: `${JSON.stringify(before)} is no option: ${reset.what} — check it`,
      apply: () => (reset.after === undefined && remove ? remove() : set(reset.after)),
    };
  };

  // A plain options value.
  const level = resolveLevel(np, path);
  const defs = level?.defs?.get(level.key);
  if (level && defs && hasOwn(level.container, level.key)) {
    const candidates = shown(defs, np.ctx(level.container)).filter((d) => (d.type === 'options' || d.type === 'multiOptions') && Array.isArray(d.options) && d.options.length > 0);
    if (candidates.length > 0) {
      const def = candidates[0];
      const options = [...new Set(candidates.flatMap((d) => d.options ?? []))];
      const before = level.container[level.key];
      const fallbackValue = options.includes(def.default) ? def.default : def.options![0];
      return make(before, spellingOf(before, options), () => ({ after: fallbackValue, what: `reset to ${def.options!.includes(def.default) ? 'the default' : 'the first option'} ${JSON.stringify(fallbackValue)}` }), (v) => {
        level.container[level.key] = v;
      });
    }
  }
  // An element of a multiOptions list, or a resource locator's mode.
  const parent = resolveLevel(np, path.slice(0, -1));
  const parentDefs = parent?.defs?.get(parent.key);
  if (!parent || !parentDefs) return undefined;
  const holder = parent.container[parent.key];
  const last = path[path.length - 1];
  const defsShown = shown(parentDefs, np.ctx(parent.container));
  const multi = defsShown.find((d) => d.type === 'multiOptions' && Array.isArray(d.options));
  if (multi && Array.isArray(holder) && /^\d+$/.test(last)) {
    const at = Number(last);
    return make(holder[at], spellingOf(holder[at], multi.options!), () => ({ what: 'removed from the list' }), (v) => (holder[at] = v), () => holder.splice(at, 1));
  }
  const locator = defsShown.find((d) => d.type === 'resourceLocator' && Array.isArray(d.modes) && d.modes.length > 0);
  if (locator && isObject(holder) && last === 'mode') {
    const modes = locator.modes!;
    const looksLikeUrl = typeof holder.value === 'string' && /^https?:\/\//.test(holder.value);
    const fallback = looksLikeUrl && modes.includes('url') ? 'url' : modes.includes('id') ? 'id' : modes[0];
    return make(holder.mode, spellingOf(holder.mode, modes), () => ({ after: fallback, what: `mode set to "${fallback}"` }), (v) => (holder.mode = v));
  }
  return undefined;
};

export { fixInvalidOption, fixUnknownParameter };
