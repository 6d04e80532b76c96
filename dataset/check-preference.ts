/**
 * Format checks for preference (DPO) fine-tuning JSONL, the shape OpenAI and Together take:
 *
 *     {"input": {"messages": [...]}, "preferred_output": [assistant…], "non_preferred_output": [assistant…]}
 *
 * Not a second checker: each line's conversation — the input messages followed by one
 * output — goes through the chat checks of check.ts (keys, roles, content, tokens), once
 * per output; only the wrapper around it is checked here. Line numbers are the file's.
 */
import { checkJsonlLines, tokenStats, type CheckCode, type CheckFinding, type CheckResult } from './check';
import { isObject } from '../schemas/json-value';

export const PREFERENCE_SHAPE = '{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}';

const OUTPUTS = ['preferred_output', 'non_preferred_output'] as const;

/** The wrapper's problem with one parsed line, if any. */
function wrapperProblem(example: Record<string, unknown>): string | undefined {
  if (!('input' in example) && 'messages' in example) return `a chat example ("messages"), but preference (DPO) training needs ${PREFERENCE_SHAPE}`;
  const missing = ['input', ...OUTPUTS].filter((k) => !(k in example));
  if (missing.length > 0) return `the example has no ${missing.map((k) => `"${k}"`).join(' and ')} (preference examples are ${PREFERENCE_SHAPE})`;
  if (!isObject(example.input)) return '"input" is not an object with "messages"';
  for (const key of OUTPUTS) {
    const output = example[key];
    if (!Array.isArray(output) || output.length === 0) return `"${key}" is not a non-empty list of assistant messages`;
    if (!output.every((m) => isObject(m) && m.role === 'assistant')) return `"${key}" holds a message whose role is not "assistant"`;
  }
  return undefined;
}

/** Check the whole text of a preference JSONL file (LF or CRLF). */
export function checkPreferenceJsonl(text: string, model: string): CheckResult {
  const wrapper: CheckFinding[] = [];
  // One chat line per output, blank where the chat checks have nothing to add.
  const sides: Record<(typeof OUTPUTS)[number], string[]> = { preferred_output: [], non_preferred_output: [] };
  let examples = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let parsed: unknown;
    let chat: Record<(typeof OUTPUTS)[number], string> = { preferred_output: '', non_preferred_output: '' };
    if (line.trim() !== '') {
      examples++;
      try {
        parsed = JSON.parse(line);
      } catch {
        // Not JSON, or not an object: the chat checks report it, once.
        chat = { preferred_output: line, non_preferred_output: '' };
      }
      if (isObject(parsed)) {
        const problem = wrapperProblem(parsed);
        if (problem) wrapper.push({ line: i + 1, code: 'data_type', message: problem });
        else {
          const input = (parsed.input as Record<string, unknown>).messages;
          const conversation = (key: (typeof OUTPUTS)[number]) => JSON.stringify({ messages: Array.isArray(input) ? [...input, ...(parsed as Record<string, unknown[]>)[key]] : input });
          chat = { preferred_output: conversation('preferred_output'), non_preferred_output: conversation('non_preferred_output') };
        }
      } else if (parsed !== undefined) chat = { preferred_output: line, non_preferred_output: '' };
    }
    for (const key of OUTPUTS) sides[key].push(chat[key]);
  });

  const preferred = checkJsonlLines(sides.preferred_output, model);
  const rejected = checkJsonlLines(sides.non_preferred_output, model);
  // A problem of the input shows on both sides: report it once.
  const seen = new Set<string>();
  const errors = [...wrapper, ...preferred.errors, ...rejected.errors]
    .filter((e) => {
      const id = `${e.line}\u0000${e.code}\u0000${e.message}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    })
    .sort((a, b) => a.line - b.line);
  const tokensByLine = new Map<number, number>();
  for (const e of [...preferred.tokens.perExample, ...rejected.tokens.perExample]) tokensByLine.set(e.line, (tokensByLine.get(e.line) ?? 0) + e.tokens);
  const byCode: Partial<Record<CheckCode, number>> = {};
  for (const e of errors) byCode[e.code] = (byCode[e.code] ?? 0) + 1;
  return {
    ...preferred,
    examples,
    errors,
    byCode,
    // Both conversations of an example are trained on: their tokens add up.
    tokens: tokenStats([...tokensByLine].sort((a, b) => a[0] - b[0]).map(([line, tokens]) => ({ line, tokens }))),
    overLimit: new Set(errors.filter((e) => e.code === 'too_many_tokens').map((e) => e.line)).size,
  };
}
