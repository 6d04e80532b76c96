/**
 * UNKNOWN_NODE_TYPE → the existing type meant: the same name in another case or package
 * (`n8n-nodes-base.openAi` for `@n8n/n8n-nodes-langchain.openAi`), a display name
 * ("Google Sheets"), an alias (`function` → Code), a `…Tool` / `…HitlTool` variant, or
 * the nearest name. High confidence only when exactly one type fits; several are told
 * apart by what the node is wired to and which parameters it sets.
 */
import type { NodeCatalog } from '../catalog/catalog';
import { isObject, type JsonObject } from '../json-value';
import { nodeAliases, suggestNodeTypes } from '../validator/suggest';
import { looseKey, parsePointer, type Draft } from './draft';
import type { FixConfidence, Fixer } from './types';

interface TypeIndex {
  byLowerType: Map<string, string[]>;
  byLooseShort: Map<string, string[]>;
  /** Display names of the types a person picks (runtime tool variants left out). */
  byDisplay: Map<string, string[]>;
}

const indexes = new WeakMap<NodeCatalog, TypeIndex>();

function add(map: Map<string, string[]>, key: string, type: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [type]);
  else if (!list.includes(type)) list.push(type);
}

function typeIndex(catalog: NodeCatalog): TypeIndex {
  let index = indexes.get(catalog);
  if (index) return index;
  index = { byLowerType: new Map(), byLooseShort: new Map(), byDisplay: new Map() };
  for (const info of catalog.types()) {
    const type = info.type;
    add(index.byLowerType, type.toLowerCase(), type);
    add(index.byLooseShort, looseKey(type.slice(type.lastIndexOf('.') + 1)), type);
    if (!info.entry.toolOf) add(index.byDisplay, looseKey(info.entry.displayName), type);
  }
  indexes.set(catalog, index);
  return index;
}

interface Found {
  types: string[];
  confidence: FixConfidence;
  why: string;
}

const TOOL_SUFFIXES = ['hitltool', 'tool'];

/** Candidates for an unknown type, from the most to the least certain reading of it. */
export function typeCandidates(type: string, catalog: NodeCatalog): Found | undefined {
  const index = typeIndex(catalog);
  const known = (list: string[] | undefined) => (list ?? []).filter((t) => t !== type && catalog.has(t));
  const dot = type.lastIndexOf('.');
  const short = type.slice(dot + 1);
  const loose = looseKey(short);

  const sameLower = known(index.byLowerType.get(type.toLowerCase()));
  if (sameLower.length > 0) return { types: sameLower, confidence: 'high', why: 'the same type in another letter case' };
  // The node's name without (or with another) package, or its display name: one reading, told apart by fit.
  const sameShort = known(index.byLooseShort.get(loose));
  const display = known([...(index.byDisplay.get(loose) ?? []), ...(dot > 0 ? [] : (index.byDisplay.get(looseKey(type)) ?? []))]);
  if (sameShort.length + display.length > 0) {
    const why = sameShort.length === 0 ? 'the node whose display name this is' : dot > 0 ? 'the same node name in its own package' : 'the node name with its package';
    return { types: [...new Set([...sameShort, ...display])], confidence: 'high', why };
  }

  for (const suffix of TOOL_SUFFIXES) {
    if (!loose.endsWith(suffix) || loose.length === suffix.length) continue;
    const base = loose.slice(0, -suffix.length);
    const bases = [...(index.byLooseShort.get(base) ?? []), ...(index.byDisplay.get(base) ?? [])];
    const variants = new Set<string>();
    for (const b of bases) {
      for (const v of suffix === 'hitltool' ? [`${b}HitlTool`, `${b}Tool`] : [`${b}Tool`]) {
        if (catalog.has(v)) {
          variants.add(v);
          break;
        }
      }
    }
    // LangChain spells some tools the other way round: toolHttpRequest, toolCode, toolWorkflow.
    for (const t of index.byLooseShort.get(`tool${base}`) ?? []) variants.add(t);
    const list = known([...variants]);
    if (list.length > 0) return { types: list, confidence: 'high', why: 'the tool variant of that node' };
  }

  const aliases = known(nodeAliases(short));
  if (aliases.length > 0) return { types: aliases, confidence: 'medium', why: 'what that name stands for' };
  // A known name with a word added ("setAdvanced", "slackNotify"): the longest known camel-case prefix.
  const words = short.split(/(?=[A-Z])/);
  for (let n = words.length - 1; n >= 1; n--) {
    const stem = known(index.byLooseShort.get(looseKey(words.slice(0, n).join(''))));
    if (stem.length > 0) return { types: stem, confidence: 'medium', why: `"${words.slice(0, n).join('')}" with a word added` };
  }
  const near = known(suggestNodeTypes(type, catalog, 3));
  if (near.length > 0) return { types: near, confidence: near.length === 1 ? 'medium' : 'low', why: 'the nearest node name' };
  return undefined;
}

/** How well a type fits what the workflow does with the node: its wiring first, then its parameters. */
function fit(draft: Draft, node: JsonObject, type: string): number {
  const name = node.name;
  let score = 0;
  for (const link of draft.links()) {
    if (link.source === name) {
      const ok = draft.carries(node, 'outputs', link.type, type);
      score += ok === false ? -10 : ok === true ? 1 : 0;
    }
    if (link.target.node === name) {
      const ok = draft.carries(node, 'inputs', typeof link.target.type === 'string' ? link.target.type : link.type, type);
      score += ok === false ? -10 : ok === true ? 1 : 0;
    }
  }
  const info = draft.catalog.get(type);
  // The version the node names exists for this type: a strong hint it is the one meant.
  if (info && typeof node.typeVersion === 'number' && info.hasVersion(node.typeVersion)) score += 0.5;
  if (info && isObject(node.parameters)) {
    const keys = Object.keys(node.parameters);
    const version = typeof node.typeVersion === 'number' && info.hasVersion(node.typeVersion) ? node.typeVersion : info.entry.defaultVersion;
    const props = info.propertiesAt(version);
    if (props && keys.length > 0) score += keys.filter((k) => props.byName.has(k)).length / keys.length;
  }
  return score;
}

const LOWER: Record<FixConfidence, FixConfidence> = { high: 'medium', medium: 'low', low: 'low' };

export const fixNodeType: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const i = draft.nodeIndexOf(segments);
  const node = i === undefined ? undefined : draft.nodeAt(i);
  if (!node || typeof node.type !== 'string' || segments[2] !== 'type') return undefined;
  const before = node.type;
  const found = typeCandidates(before, draft.catalog);
  if (!found) return undefined;
  let chosen = found.types[0];
  let confidence = found.confidence;
  if (found.types.length > 1) {
    const scored = found.types.map((t) => ({ t, s: fit(draft, node, t) })).sort((a, b) => b.s - a.s);
    chosen = scored[0].t;
    // Told apart by wiring and parameters: one step less sure; not told apart: a guess.
    confidence = scored[0].s > scored[1].s ? LOWER[confidence] : 'low';
  } else if (fit(draft, node, chosen) < 0) {
    confidence = LOWER[confidence];
  }
  return {
    kind: 'node-type',
    confidence,
    path: issue.path!,
    before,
    after: chosen,
    description: `"${before}" → "${chosen}" (${found.why}${found.types.length > 1 ? `; among ${found.types.join(', ')}` : ''})`,
    apply: () => {
      node.type = chosen;
    },
  };
};
