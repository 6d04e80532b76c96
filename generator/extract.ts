/**
 * Getting the workflow JSON out of what a model wrote: code fences, prose before and
 * after, trailing commas, single quotes, unquoted keys, truncated endings — the last
 * ones repaired by `jsonrepair`. Errors are data, never thrown. Text past the size limits
 * (schemas/limits.ts) is refused before any parser sees it.
 */
import { jsonrepair } from 'jsonrepair';
import { checkJsonTextLimits, WORKFLOW_LIMITS, type JsonLimits } from '../schemas/limits';
import { unwrapWorkflow } from '../schemas/validator/unwrap';

export type Extraction = { ok: true; value: unknown; jsonRepaired: boolean } | { ok: false; error: string; tooLarge?: true };

// A closing fence starts a line: JSON strings hold no raw newline, so a ``` inside a value (a prompt
// showing a code block) never closes the block early.
const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)\r?\n[ \t]*```/g;

/** Candidate JSON texts, most likely first: fenced blocks holding an object, then the outermost braces. */
function candidates(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(FENCE)) if (match[1].includes('{')) out.push(match[1].trim());
  // An unterminated fence (the answer was cut off): everything after its opening line.
  const open = /```[a-zA-Z0-9_-]*[ \t]*\r?\n/.exec(text);
  if (open && out.length === 0) out.push(text.slice(open.index + open[0].length).replace(/```\s*$/, '').trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0) out.push(last > first ? text.slice(first, last + 1) : text.slice(first));
  return [...new Set(out)].filter((c) => c !== '');
}

export function extractJson(text: string, limits: JsonLimits = WORKFLOW_LIMITS): Extraction {
  if (text.length > limits.maxTextLength) return { ok: false, error: `the answer is too large to read: ${text.length} characters, more than the limit of ${limits.maxTextLength}`, tooLarge: true };
  const tries = candidates(text);
  if (tries.length === 0) return { ok: false, error: 'the answer holds no JSON object' };
  // JSON.parse and jsonrepair would recurse (or hang) on hostile nesting: refuse it first.
  for (const candidate of tries) {
    const violation = checkJsonTextLimits(candidate, limits);
    if (violation) return { ok: false, error: `the JSON in the answer is too large to read: ${violation.message}`, tooLarge: true };
  }
  // A candidate may parse and still not be the workflow: a fence inside a string value (a prompt holding
  // ```json) cuts the fenced block short, and jsonrepair makes something of any fragment. The first
  // candidate holding a nodes list wins, parsed as is before repaired; otherwise the first that parses.
  let fallback: Extraction | undefined;
  for (const candidate of tries) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue; // try the next candidate, then repairs
    }
    if (holdsNodes(value)) return { ok: true, value, jsonRepaired: false };
    fallback ??= { ok: true, value, jsonRepaired: false };
  }
  let lastError = '';
  for (const candidate of tries) {
    let value: unknown;
    try {
      value = JSON.parse(jsonrepair(candidate));
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      continue;
    }
    if (holdsNodes(value)) return { ok: true, value, jsonRepaired: true };
    fallback ??= { ok: true, value, jsonRepaired: true };
  }
  return fallback ?? { ok: false, error: `no parseable JSON in the answer (${lastError})` };
}

/** A workflow, bare or in one of the wrappers the validator unwraps (a template record, `{workflow}`, `{data}`). */
function holdsNodes(value: unknown): boolean {
  const { workflow } = unwrapWorkflow(value);
  return workflow !== null && typeof workflow === 'object' && Array.isArray((workflow as { nodes?: unknown }).nodes);
}
