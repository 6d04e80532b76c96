/**
 * fixWorkflow: deterministic repair. The validator is the judge: validate, give each
 * error the smallest change that makes it go away (one fixer per issue code, in an
 * order where earlier fixes can only reveal later issues), validate again, for a bounded
 * number of passes. Every fix carries a confidence; those below `minConfidence` are
 * reported, not applied. A pure function: never throws, never mutates its input.
 */
import { isObject, type JsonObject } from '../json-value';
import { unwrapWorkflow, validateWorkflow, type IssueCode, type ValidationIssue, type ValidationResult } from '../validator';
import { fixBadType, fixInputIndex, fixOutputIndex, fixUnknownNode } from './connections';
import { comparePathsDescending, Draft } from './draft';
import { fixDuplicateName, fixExpressionReference } from './names';
import { fixNodeType } from './node-type';
import { fixInvalidOption, fixUnknownParameter } from './parameters';
import { fixTypeVersion } from './type-version';
import { fixWebhookResponse } from './webhook';
import { CONFIDENCE_RANK, type FixConfidence, type Fixer, type FixOptions, type FixRecord, type FixResult, type Proposal } from './types';

export * from './types';

/**
 * The fixers, by the code they answer, in the order they run: names first (other fixes
 * find nodes by name), then types and versions (ports and parameters depend on them),
 * wiring, parameters, and last the inputs parameters decide.
 */
export const FIXERS: ReadonlyArray<readonly [IssueCode, Fixer]> = [
  ['DUPLICATE_NODE_NAME', fixDuplicateName],
  ['UNKNOWN_NODE_TYPE', fixNodeType],
  ['CONNECTION_BAD_TYPE', fixBadType],
  ['UNKNOWN_TYPE_VERSION', fixTypeVersion],
  ['CONNECTION_UNKNOWN_NODE', fixUnknownNode],
  ['EXPRESSION_UNKNOWN_NODE', fixExpressionReference],
  ['CONNECTION_BAD_OUTPUT_INDEX', fixOutputIndex],
  ['UNKNOWN_PARAMETER', fixUnknownParameter],
  ['INVALID_OPTION_VALUE', fixInvalidOption],
  ['WEBHOOK_RESPONSE_MISMATCH', fixWebhookResponse],
  // Inputs computed from parameters: judged once the parameters are right.
  ['CONNECTION_BAD_INPUT_INDEX', fixInputIndex],
];

/** Codes a fixer exists for. */
export const FIXABLE_CODES: ReadonlySet<IssueCode> = new Set(FIXERS.map(([code]) => code));

export const DEFAULT_MIN_CONFIDENCE: FixConfidence = 'medium';
const DEFAULT_MAX_PASSES = 12;
/** Issues read per validation: enough for any real workflow, bounded for a hostile one. */
const MAX_ISSUES = 1000;

export function isConfidence(value: unknown): value is FixConfidence {
  return value === 'high' || value === 'medium' || value === 'low';
}

const snapshot = (value: unknown): unknown => {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
};

function record(issue: ValidationIssue, fix: Proposal, applied: boolean): FixRecord {
  const out: FixRecord = { code: issue.code, kind: fix.kind, path: fix.path, confidence: fix.confidence, applied, description: fix.description };
  if (issue.node !== undefined) out.node = issue.node;
  if (fix.before !== undefined) out.before = snapshot(fix.before);
  if (fix.after !== undefined) out.after = snapshot(fix.after);
  return out;
}

export function fixWorkflow(value: unknown, options: FixOptions): FixResult {
  const { catalog } = options;
  const validate = (v: unknown): ValidationResult => validateWorkflow(v, { catalog, ...(options.policy ? { policy: options.policy } : {}), maxIssues: MAX_ISSUES });
  const first = validate(value);
  const unchanged = (fixes: FixRecord[] = []): FixResult => ({ workflow: value, changed: false, fixes, validation: first, passes: 1 });
  if (first.valid || first.errors.some((e) => e.code === 'LIMIT_EXCEEDED' || e.code === 'INVALID_JSON')) return unchanged();
  try {
    return repair(value, first, options, validate) ?? unchanged();
  } catch {
    // Defence in depth: a shape no fixer foresaw leaves the workflow as it came.
    return unchanged();
  }
}

function repair(value: unknown, first: ValidationResult, options: FixOptions, validate: (v: unknown) => ValidationResult): FixResult | undefined {
  const min = CONFIDENCE_RANK[options.minConfidence ?? DEFAULT_MIN_CONFIDENCE];
  const maxPasses = Math.max(1, options.maxPasses ?? DEFAULT_MAX_PASSES);
  const root: unknown = typeof value === 'string' ? JSON.parse(value) : structuredClone(value);
  const { workflow } = unwrapWorkflow(root);
  if (!isObject(workflow) || !Array.isArray(workflow.nodes)) return undefined;

  const fixes: FixRecord[] = [];
  const attempted = new Set<string>();
  let validation = first;
  let passes = 1;
  let changed = false;
  while (passes <= maxPasses && !validation.valid) {
    const draft = new Draft(workflow as JsonObject, options.catalog, validation.errors);
    let applied = false;
    for (const [code, fixer] of FIXERS) {
      const issues = validation.errors
        .filter((e) => e.code === code && !attempted.has(`${e.code}\0${e.path}\0${e.message}`))
        .sort((a, b) => comparePathsDescending(a.path ?? '', b.path ?? ''));
      for (const issue of issues) {
        attempted.add(`${issue.code}\0${issue.path}\0${issue.message}`);
        const fix = fixer(issue, draft);
        if (!fix) continue;
        const apply = CONFIDENCE_RANK[fix.confidence] >= min;
        // Recorded first: `before` is what was there.
        fixes.push(record(issue, fix, apply));
        if (apply) fix.apply();
        applied ||= apply;
      }
      // Validate before the next kind of fix: its issues may be gone, or new ones there.
      if (applied) break;
    }
    if (!applied) break;
    changed = true;
    validation = validate(root);
    passes++;
  }
  if (!changed) return { workflow: value, changed: false, fixes, validation: first, passes };
  return { workflow: root, changed: true, fixes, validation, passes };
}

/** Applied and reported fixes counted, for traces and reports. */
export function countFixes(fixes: readonly FixRecord[]): { applied: number; reported: number } {
  let applied = 0;
  for (const f of fixes) if (f.applied) applied++;
  return { applied, reported: fixes.length - applied };
}
