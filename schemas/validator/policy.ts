import { z } from 'zod';
import { parseShape } from '../../core/zod-errors';

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

/**
 * A policy file: every field is optional and missing ones keep the defaults. A type in
 * `allowDenied` must be on the default deny list (a typo would otherwise lift nothing
 * without a word) and not in `deny` too.
 */
export const POLICY_FILE_SCHEMA = z
  .object({
    deny: z.array(z.string()).optional(),
    allowDenied: z.array(z.string()).optional(),
    allow: z.array(z.string()).optional(),
    strict: z.boolean().optional(),
    allowUnknownCommunity: z.boolean().optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    const allowDenied = file.allowDenied ?? [];
    const notDefault = allowDenied.filter((t) => !DEFAULT_DENIED_NODE_TYPES.includes(t));
    if (notDefault.length > 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['allowDenied'],
        message: `lifts entries of the default deny list (${DEFAULT_DENIED_NODE_TYPES.join(', ')}); ${notDefault.join(', ')} is not one`,
      });
    }
    const both = allowDenied.filter((t) => (file.deny ?? []).includes(t));
    if (both.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['allowDenied'], message: `${both.join(', ')} is in both "deny" and "allowDenied"` });
  });

export type PolicyFile = z.infer<typeof POLICY_FILE_SCHEMA>;

/**
 * A policy file is JSON: `{"deny": [...], "allowDenied": [...], "allow": [...], "strict": bool,
 * "allowUnknownCommunity": bool}` (POLICY_FILE_SCHEMA). Errors name `source` and the field.
 * The result is merged (`mergePolicy`): the default deny list stays unless `allowDenied` lifts entries.
 */
export function parsePolicy(value: unknown, source = 'policy'): ValidationPolicy {
  return mergePolicy(parseShape(POLICY_FILE_SCHEMA, value, source, (message) => new PolicyError(message)));
}
