/**
 * Reading the project's own files and replies with a zod schema, and saying what is wrong
 * in one voice: "<file>: <field path>: <what>" (the field path is left out when the whole
 * value is wrong). The caller chooses the error class; the issues come along as data.
 *
 * Custom wording belongs in `.refine` / `.superRefine` / `ctx.addIssue({ message })`: those
 * messages are kept as written. Messages given to a type (`z.string({ message })`) are not,
 * since the wording below takes precedence over them.
 */
import { z } from 'zod';

export interface ShapeIssue {
  /** Where in the value: `jobs[2].provider`; '' for the whole value. */
  field: string;
  /** What is wrong with it ("must be a number, got \"25 dollars\""). */
  message: string;
}

/** Issues named in one message before "and N more". */
const MAX_ISSUES_NAMED = 5;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `jobs[2].provider` from a zod path; keys that are not identifiers as `["gpt-4o"]`. */
export function fieldPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** A short description of a value for "got …". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** The project's wording of zod's issue codes (a contextual error map: it sees the value). */
const projectErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return { message: 'is missing' };
      return { message: `must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(ctx.data)}` };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: `unknown field(s) ${issue.keys.join(', ')}` };
    case z.ZodIssueCode.invalid_literal:
      return { message: `must be ${JSON.stringify(issue.expected)}, got ${describeValue(ctx.data)}` };
    case z.ZodIssueCode.invalid_enum_value:
      return { message: `must be one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, got ${describeValue(ctx.data)}` };
    case z.ZodIssueCode.not_finite:
      return { message: `must be a finite number, got ${describeValue(ctx.data)}` };
    case z.ZodIssueCode.too_small:
      if (issue.type === 'number') return { message: `must be ${issue.inclusive ? '≥' : '>'} ${issue.minimum}, got ${describeValue(ctx.data)}` };
      if (issue.type === 'string') return { message: issue.minimum === 1 ? 'must not be empty' : `must have at least ${issue.minimum} characters` };
      return { message: ctx.defaultError };
    case z.ZodIssueCode.too_big:
      if (issue.type === 'number') return { message: `must be ${issue.inclusive ? '≤' : '<'} ${issue.maximum}, got ${describeValue(ctx.data)}` };
      return { message: ctx.defaultError };
    default:
      return { message: ctx.defaultError };
  }
};

/** The issues of a failed parse as data (an invalid union reports the issues of its closest member). */
export function shapeIssues(error: z.ZodError): ShapeIssue[] {
  return error.issues.flatMap((issue): ShapeIssue[] => {
    if (issue.code === z.ZodIssueCode.invalid_union && issue.unionErrors.length > 0) {
      const closest = [...issue.unionErrors].sort((a, b) => depth(b) - depth(a))[0];
      return shapeIssues(closest);
    }
    return [{ field: fieldPath(issue.path), message: issue.message }];
  });
}

const depth = (error: z.ZodError): number => Math.max(0, ...error.issues.map((i) => i.path.length));

/** "<file>: <field>: <what>" for each issue, `; `-joined (the first few). */
export function describeShapeIssues(file: string, issues: readonly ShapeIssue[]): string {
  const named = issues.slice(0, MAX_ISSUES_NAMED).map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
  const more = issues.length > MAX_ISSUES_NAMED ? `; and ${issues.length - MAX_ISSUES_NAMED} more` : '';
  return `${file}: ${named.join('; ')}${more}`;
}

/**
 * The value as the schema reads it, or the error `fail` makes from the message
 * ("<file>: <field>: <what>") and the issues.
 */
export function parseShape<S extends z.ZodTypeAny>(schema: S, value: unknown, file: string, fail: (message: string, issues: ShapeIssue[]) => Error): z.output<S> {
  const result = schema.safeParse(value, { errorMap: projectErrorMap });
  if (result.success) return result.data;
  const issues = shapeIssues(result.error);
  throw fail(describeShapeIssues(file, issues), issues);
}
