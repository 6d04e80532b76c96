/** What a workflow may contain beyond "exists in n8n": deny lists and strictness. */
export interface ValidationPolicy {
  /** Node types that are never accepted (e.g. shell access); a listed type's `<name>Tool` variant too. */
  deny: string[];
  /** When set, only these node types (and their `<name>Tool` variants) are accepted. */
  allow?: string[];
  /** MISSING_REQUIRED_PARAMETER becomes an error instead of a warning. */
  strict: boolean;
  /** Types of community packages no loaded catalog knows are warnings instead of errors. */
  allowUnknownCommunity: boolean;
}

export const DEFAULT_DENIED_NODE_TYPES = ['n8n-nodes-base.executeCommand', 'n8n-nodes-base.ssh'];

export const DEFAULT_POLICY: ValidationPolicy = Object.freeze({
  deny: DEFAULT_DENIED_NODE_TYPES,
  strict: false,
  allowUnknownCommunity: false,
});

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * A policy file is JSON: `{"deny": [...], "allow": [...], "strict": bool, "allowUnknownCommunity": bool}`;
 * every field is optional and missing ones keep the defaults.
 */
export function parsePolicy(value: unknown, source = 'policy'): ValidationPolicy {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PolicyError(`${source}: expected a JSON object with deny / allow / strict / allowUnknownCommunity`);
  }
  const raw = value as Record<string, unknown>;
  const known = new Set(['deny', 'allow', 'strict', 'allowUnknownCommunity']);
  const unknown = Object.keys(raw).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new PolicyError(`${source}: unknown field(s) ${unknown.join(', ')}`);
  for (const key of ['deny', 'allow'] as const) {
    if (raw[key] !== undefined && !isStringList(raw[key])) throw new PolicyError(`${source}: "${key}" must be a list of node types`);
  }
  for (const key of ['strict', 'allowUnknownCommunity'] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== 'boolean') throw new PolicyError(`${source}: "${key}" must be true or false`);
  }
  return {
    deny: (raw.deny as string[] | undefined) ?? DEFAULT_POLICY.deny,
    ...(raw.allow !== undefined ? { allow: raw.allow as string[] } : {}),
    strict: (raw.strict as boolean | undefined) ?? DEFAULT_POLICY.strict,
    allowUnknownCommunity: (raw.allowUnknownCommunity as boolean | undefined) ?? DEFAULT_POLICY.allowUnknownCommunity,
  };
}
