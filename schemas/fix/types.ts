/** Shapes of deterministic repair: a fix's record, the options and the result of `fixWorkflow`. */
import type { NodeCatalog } from '../catalog/catalog';
import type { IssueCode, ValidationIssue, ValidationPolicy, ValidationResult } from '../validator';

/** How sure a fix is to be what the author meant: `high` only when nothing else fits. */
export type FixConfidence = 'high' | 'medium' | 'low';

export const CONFIDENCE_RANK: Record<FixConfidence, number> = { low: 1, medium: 2, high: 3 };

/** What a fix does, for statistics and for people reading a trace. */
export type FixKind =
  | 'node-type'
  | 'tool-variant'
  | 'type-version'
  | 'parameter-drop'
  | 'parameter-move'
  | 'parameter-rename'
  | 'option-value'
  | 'option-reset'
  | 'connection-remove'
  | 'connection-id-to-name'
  | 'connection-rename'
  | 'connection-retype'
  | 'connection-reverse'
  | 'output-index'
  | 'input-index'
  | 'node-rename'
  | 'expression-reference';

export interface FixRecord {
  /** The validator issue the fix answers. */
  code: IssueCode;
  kind: FixKind;
  /** Name of the node the issue is about (as the validator named it). */
  node?: string;
  /** JSON Pointer (into the unwrapped workflow, before the fix) of what changed. */
  path: string;
  /** The value there before; absent when nothing was there. */
  before?: unknown;
  /** The value there after; absent when it was removed. */
  after?: unknown;
  confidence: FixConfidence;
  /** Applied (at or above `minConfidence`), or only reported. */
  applied: boolean;
  /** One line for people: what changed and why. */
  description: string;
}

export interface FixOptions {
  catalog: NodeCatalog;
  /** Fixes below this confidence are reported, not applied (default `medium`). */
  minConfidence?: FixConfidence;
  policy?: Partial<ValidationPolicy>;
  /** Validate → fix → validate rounds at most (default 12). */
  maxPasses?: number;
}

export interface FixResult {
  /** The repaired value (wrappers kept: a template record comes back as a template record); the input itself when nothing was applied. */
  workflow: unknown;
  /** Some fix was applied. */
  changed: boolean;
  /** Every fix found, applied or only reported, in the order they were found. */
  fixes: FixRecord[];
  /** Validation of `workflow` after the last pass. */
  validation: ValidationResult;
  /** Validations run (1 when the input was valid or nothing could be fixed). */
  passes: number;
}

/** A change a fixer found for one issue: described first, applied only if the confidence is enough. */
export interface Proposal {
  kind: FixKind;
  confidence: FixConfidence;
  path: string;
  before?: unknown;
  after?: unknown;
  description: string;
  apply(): void;
}

export type Fixer = (issue: ValidationIssue, draft: import('./draft').Draft) => Proposal | undefined;
