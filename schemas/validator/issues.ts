/** Issue codes are a public contract: tools, docs and tests match on them. */
export const ISSUE_CODES = [
  'INVALID_JSON',
  'SCHEMA',
  'LIMIT_EXCEEDED',
  'UNKNOWN_NODE_TYPE',
  'UNKNOWN_TYPE_VERSION',
  'UNKNOWN_PARAMETER',
  'INVALID_OPTION_VALUE',
  'MISSING_REQUIRED_PARAMETER',
  'DUPLICATE_NODE_NAME',
  'CONNECTION_UNKNOWN_NODE',
  'CONNECTION_BAD_OUTPUT_INDEX',
  'CONNECTION_BAD_TYPE',
  'NO_TRIGGER',
  'POLICY_DENIED_NODE',
  // Runnable rules (runtime.ts): workflows n8n loads that then fail when they run.
  'MISSING_REQUIRED_INPUT',
  'TOO_MANY_CONNECTIONS',
  'CONNECTION_BAD_INPUT_INDEX',
  'EXPRESSION_UNKNOWN_NODE',
  'EXPRESSION_SYNTAX',
  'FROM_AI_OUTSIDE_TOOL',
  'WEBHOOK_RESPONSE_MISMATCH',
] as const;

export type IssueCode = (typeof ISSUE_CODES)[number];

export interface ValidationIssue {
  code: IssueCode;
  message: string;
  /** Name of the node the issue is about. */
  node?: string;
  /** JSON Pointer into the (unwrapped) workflow. */
  path?: string;
  suggestion?: string;
}

export interface ValidationStats {
  nodes: number;
  connections: number;
  triggers: number;
  nodeTypes: number;
  unknownNodeTypes: number;
}

export interface ValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  stats: ValidationStats;
  /** Present only when issues past the cap (`maxIssues`) were left out: how many of each. */
  truncated?: IssueCounts;
}

export interface IssueCounts {
  errors: number;
  warnings: number;
}

/** Issues kept per workflow by default: plenty to fix a workflow, and a hostile one cannot balloon the result. */
export const DEFAULT_MAX_ISSUES = 100;

/**
 * Stands in for an issue found past the cap: checks push this shared object instead of
 * building a message and a suggestion nobody will see, and the collector only counts it.
 */
export const OMITTED_ISSUE: ValidationIssue = Object.freeze({ code: 'SCHEMA', message: '' }) as ValidationIssue;

/**
 * Collects issues, routing each to errors or warnings; past `max` issues it only counts
 * them. Errors come first: one arriving when the list is full displaces a listed warning,
 * so warnings never hide why a workflow is invalid.
 */
export class IssueCollector {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];
  readonly truncated: IssueCounts = { errors: 0, warnings: 0 };

  constructor(readonly max = Infinity) {}

  /** How many more errors will be listed (they may displace warnings). */
  get room(): number {
    return Math.max(0, this.max - this.errors.length);
  }

  error(issue: ValidationIssue): void {
    this.add(true, issue);
  }

  warning(issue: ValidationIssue): void {
    this.add(false, issue);
  }

  add(asError: boolean, issue: ValidationIssue): void {
    const full = this.errors.length + this.warnings.length >= this.max;
    if (!asError) {
      if (full || issue === OMITTED_ISSUE) this.truncated.warnings++;
      else this.warnings.push(issue);
      return;
    }
    if (this.room === 0 || issue === OMITTED_ISSUE) {
      this.truncated.errors++;
      return;
    }
    if (full) {
      this.warnings.pop();
      this.truncated.warnings++;
    }
    this.errors.push(issue);
  }
}

/** JSON Pointer segment escaping (RFC 6901). */
export function pointer(...segments: Array<string | number>): string {
  let out = '';
  for (const segment of segments) {
    const text = String(segment);
    out += text.includes('~') || text.includes('/') ? `/${text.replace(/~/g, '~0').replace(/\//g, '~1')}` : `/${text}`;
  }
  return out;
}

const MAX_SHOWN_LENGTH = 80;

/**
 * A value as it appears in a message: short, and safe for anything (deep nesting,
 * huge strings, BigInt, hostile objects) — messages never re-throw or balloon.
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN_LENGTH ? `${value.slice(0, MAX_SHOWN_LENGTH)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** Text of a caught error, whatever was thrown. */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return String(error);
  } catch {
    return 'unprintable error';
  }
}
