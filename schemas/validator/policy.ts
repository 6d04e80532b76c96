/** What a workflow may contain beyond "exists in n8n": deny lists and strictness. */
import { FlowtuneError, type ErrorData } from '../../core/errors';
export interface ValidationPolicy {
  /**
   * Node types that are never accepted (e.g. shell access); a listed type's `<name>Tool` variant too.
   * Always added to the default deny list (see `mergePolicy`), never a replacement for it.
   */
  deny: string[];
  /** Entries of the default deny list this policy accepts after all (the only way to lift one). */
  allowDenied?: string[];
  /** When set, only these node types (and their `<name>Tool` variants) are accepted. */
  allow?: string[];
  /** MISSING_REQUIRED_PARAMETER becomes an error instead of a warning. */
  strict: boolean;
  /** Types of community packages no loaded catalog knows are warnings instead of errors. */
  allowUnknownCommunity: boolean;
}

export const DEFAULT_DENIED_NODE_TYPES: readonly string[] = Object.freeze(['n8n-nodes-base.executeCommand', 'n8n-nodes-base.ssh']);

export const DEFAULT_POLICY: Readonly<ValidationPolicy> = Object.freeze({
  deny: [...DEFAULT_DENIED_NODE_TYPES],
  strict: false,
  allowUnknownCommunity: false,
});

/**
 * The one way a policy is read (policy files, the CLI, library callers of validateWorkflow):
 * `deny` adds to the default deny list; only `allowDenied` takes a default entry off it.
 * Idempotent, so a merged policy can be merged again without change.
 */
export function mergePolicy(policy: Partial<ValidationPolicy> = {}): ValidationPolicy {
  const lifted = new Set(policy.allowDenied ?? []);
  const deny = [...new Set([...DEFAULT_DENIED_NODE_TYPES.filter((t) => !lifted.has(t)), ...(policy.deny ?? [])])];
  return {
    deny,
    ...(policy.allowDenied && policy.allowDenied.length > 0 ? { allowDenied: [...policy.allowDenied] } : {}),
    ...(policy.allow !== undefined ? { allow: [...policy.allow] } : {}),
    strict: policy.strict ?? DEFAULT_POLICY.strict,
    allowUnknownCommunity: policy.allowUnknownCommunity ?? DEFAULT_POLICY.allowUnknownCommunity,
  };
}

export class PolicyError extends FlowtuneError {
  constructor(message: string, where: Pick<ErrorData, 'file' | 'field'> = {}) {
    super(message, { kind: 'invalid_input', ...where });
    this.name = 'PolicyError';
  }
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * A policy file is JSON: `{"deny": [...], "allowDenied": [...], "allow": [...], "strict": bool,
 * "allowUnknownCommunity": bool}`; every field is optional and missing ones keep the defaults.
 * The result is merged (`mergePolicy`): the default deny list stays unless `allowDenied` lifts entries.
 */
export function parsePolicy(value: unknown, source = 'policy'): ValidationPolicy {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyError(`${source}: expected a JSON object with deny / allowDenied / allow / strict / allowUnknownCommunity`);
  }
  const raw = value as Record<string, unknown>;
  const known = new Set(['deny', 'allowDenied', 'allow', 'strict', 'allowUnknownCommunity']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new PolicyError(`${source}: unknown field(s) ${unknown.join(', ')}`);
  for (const key of ['deny', 'allowDenied', 'allow'] as const) {
    if (raw[key] !== undefined && !isStringList(raw[key])) throw new PolicyError(`${source}: "${key}" must be a list of node types`);
  }
  for (const key of ['strict', 'allowUnknownCommunity'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') throw new PolicyError(`${source}: "${key}" must be true or false`);
  }
  const deny = (raw.deny as string[] | undefined) ?? [];
  const allowDenied = (raw.allowDenied as string[] | undefined) ?? [];
  // A typo in allowDenied would otherwise lift nothing without a word.
  const notDefault = allowDenied.filter((t) => !DEFAULT_DENIED_NODE_TYPES.includes(t));
  if (notDefault.length > 0) {
    throw new PolicyError(`${source}: "allowDenied" lifts entries of the default deny list (${DEFAULT_DENIED_NODE_TYPES.join(', ')}); ${notDefault.join(', ')} is not one`);
  }
  const both = allowDenied.filter((t) => deny.includes(t));
  if (both.length > 0) throw new PolicyError(`${source}: ${both.join(', ')} is in both "deny" and "allowDenied"`);
  return mergePolicy({
    deny,
    allowDenied,
    ...(raw.allow !== undefined ? { allow: raw.allow as string[] } : {}),
    ...(raw.strict !== undefined ? { strict: raw.strict as boolean } : {}),
    ...(raw.allowUnknownCommunity !== undefined ? { allowUnknownCommunity: raw.allowUnknownCommunity as boolean } : {}),
  });
}
