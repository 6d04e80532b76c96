/**
 * Getting the workflow JSON out of what a model wrote: code fences, prose before and
 * after, trailing commas, single quotes, unquoted keys, truncated endings — the last
 * ones repaired by `jsonrepair`. Errors are data, never thrown. Text past the size limits
 * (schemas/limits.ts) is refused before any parser sees it.
 */
import { jsonrepair } from 'jsonrepair';
import { checkJsonTextLimits, WORKFLOW_LIMITS, type JsonLimits } from '../schemas/limits';

export type Extraction = { ok: true; value: unknown; jsonRepaired: boolean } | { ok: false; error: string; tooLarge?: true };

const FENCE = /```[a-zA-Z0-9_-]*[ \t]*\r?\n([\s\S]*?)```/g;

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
  for (const candidate of tries) {
    try {
      return { ok: true, value: JSON.parse(candidate), jsonRepaired: false };
    } catch {
      // try the next candidate, then repairs
    }
  }
  let lastError = '';
  for (const candidate of tries) {
    try {
      return { ok: true, value: JSON.parse(jsonrepair(candidate)), jsonRepaired: true };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return { ok: false, error: `no parseable JSON in the answer (${lastError})` };
}
