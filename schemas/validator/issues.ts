/** Issue codes are a public contract: tools, docs and tests match on them. */
export const ISSUE_CODES = [
  'INVALID_JSON',
  'SCHEMA',
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
}

/** Collects issues, routing each to errors or warnings. */
export class IssueCollector {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];

  error(issue: ValidationIssue): void {
    this.errors.push(issue);
  }

  warning(issue: ValidationIssue): void {
    this.warnings.push(issue);
  }

  add(asError: boolean, issue: ValidationIssue): void {
    (asError ? this.errors : this.warnings).push(issue);
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
