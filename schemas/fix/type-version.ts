/**
 * UNKNOWN_TYPE_VERSION → an existing version: the one whose parameters accept what the
 * node sets, and among those the nearest — the nearest lower one for a version between
 * two (2.7 → 2.6), the default (newest stable) one above them all (99), the oldest below.
 */
import type { NodeTypeInfo } from '../catalog/catalog';
import { isObject } from '../json-value';
import { checkNodeParameters } from '../validator/parameters';
import { parsePointer } from './draft';
import type { Fixer } from './types';

function parameterErrors(info: NodeTypeInfo, version: number, parameters: unknown): number {
  if (!isObject(parameters)) return 0;
  const index = info.propertiesAt(version);
  if (!index) return Infinity;
  return checkNodeParameters(parameters, index, { nodeName: '', type: info.type, version, tool: info.isTool, path: '', room: 50 }).errors.length;
}

/** Versions in order of preference for `wanted` (before judging parameters). */
export function versionPreference(versions: number[], wanted: number, defaultVersion: number): number[] {
  const max = versions[versions.length - 1];
  const min = versions[0];
  if (wanted > max) return [defaultVersion, ...versions.filter((v) => v !== defaultVersion).sort((a, b) => b - a)];
  if (wanted < min) return [...versions];
  const lower = versions.filter((v) => v < wanted).sort((a, b) => b - a);
  const higher = versions.filter((v) => v > wanted).sort((a, b) => a - b);
  return [...lower, ...higher];
}

export const fixTypeVersion: Fixer = (issue, draft) => {
  const segments = parsePointer(issue.path ?? '');
  const i = draft.nodeIndexOf(segments);
  const node = i === undefined ? undefined : draft.nodeAt(i);
  const info = draft.info(node);
  if (!node || !info || typeof node.typeVersion !== 'number' || !Number.isFinite(node.typeVersion) || info.entry.versions.length === 0) return undefined;
  const before = node.typeVersion;
  const preference = versionPreference([...info.entry.versions].sort((a, b) => a - b), before, info.entry.defaultVersion).filter((v) => info.hasVersion(v));
  if (preference.length === 0) return undefined;
  let best = preference[0];
  let bestErrors = parameterErrors(info, best, node.parameters);
  for (const v of preference.slice(1)) {
    if (bestErrors === 0) break;
    const errors = parameterErrors(info, v, node.parameters);
    if (errors < bestErrors) {
      best = v;
      bestErrors = errors;
    }
  }
  return {
    kind: 'type-version',
    confidence: bestErrors === 0 ? 'high' : 'medium',
    path: issue.path!,
    before,
    after: best,
    description: `typeVersion ${before} → ${best}${bestErrors === 0 ? ' (its parameters fit)' : ` (nearest; ${bestErrors} parameter issue(s) left)`}`,
    apply: () => {
      node.typeVersion = best;
    },
  };
};
