/**
 * Training-file checks: every non-blank JSONL line must be a chat example (`messages` of
 * `{role, content}`) or, for DPO, a preference example (`input`, `preferred_output`,
 * `non_preferred_output`). The first problem is reported the way OpenAI words it
 * ("Example 3, message 2 Discriminator 'role' is missing in value").
 */

export interface TrainingFileIssue {
  /** 1-based index among non-blank lines: OpenAI's "Example N". */
  example: number;
  /** 1-based physical line in the file. */
  line: number;
  /** Text after OpenAI's "Invalid file format. " prefix. */
  detail: string;
}

export interface TrainingFileSummary {
  examples: number;
  /** Rough token count (characters / 4), for `trained_tokens` and price estimates. */
  tokens: number;
}

/** 'any' = chat or preference (OpenAI); 'together' also accepts `text` and `prompt`/`completion` lines. */
export type TrainingFileFormat = 'chat' | 'preference' | 'any' | 'together';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkMessages(messages: unknown, n: number, requireAssistant: boolean): string | undefined {
  if (!Array.isArray(messages) || messages.length === 0) return `Example ${n} key 'messages' must be a non-empty list.`;
  let assistant = false;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const at = `Example ${n}, message ${i + 1}`;
    if (!isObject(m)) return `${at} is not a dictionary.`;
    if (m.role === undefined) return `${at} Discriminator 'role' is missing in value`;
    if (typeof m.role !== 'string' || !ROLES.has(m.role)) return `${at} has an unrecognized role: '${String(m.role)}'.`;
    const hasCall = m.tool_calls !== undefined || m.function_call !== undefined;
    const content = m.content;
    if (content === undefined && !(m.role === 'assistant' && hasCall)) return `${at} is missing key 'content'.`;
    if (content !== undefined && content !== null && typeof content !== 'string' && !Array.isArray(content)) {
      return `${at} 'content' must be a string or a list of content parts.`;
    }
    if (m.role === 'assistant') assistant = true;
  }
  if (requireAssistant && !assistant) return `Example ${n} is missing an assistant message.`;
  return undefined;
}

function checkExample(value: unknown, n: number, format: TrainingFileFormat): string | undefined {
  if (!isObject(value)) return `Example ${n} is not a dictionary.`;
  if (format === 'together') {
    if (typeof value.text === 'string') return undefined;
    if ('prompt' in value || 'completion' in value) {
      return typeof value.prompt === 'string' && typeof value.completion === 'string' ? undefined : `Example ${n} must have string 'prompt' and 'completion'.`;
    }
  }
  const loose = format === 'any' || format === 'together';
  const preference = format === 'preference' || (loose && !('messages' in value) && 'input' in value);
  if (!preference) return 'messages' in value ? checkMessages(value.messages, n, true) : `Example ${n} is missing key 'messages'.`;
  for (const key of ['input', 'preferred_output', 'non_preferred_output']) {
    if (!(key in value)) return `Example ${n} is missing key '${key}'.`;
  }
  const input = value.input;
  if (!isObject(input)) return `Example ${n} key 'input' must be a dictionary.`;
  return checkMessages(input.messages, n, false);
}

/** Checks JSONL training data; the first problem found, or a summary when the file is sound. */
export function checkTrainingFile(
  text: string,
  format: TrainingFileFormat,
): { ok: true; summary: TrainingFileSummary } | { ok: false; issue: TrainingFileIssue } {
  const lines = text.split(/\r?\n/);
  let examples = 0;
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    examples++;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        issue: { example: examples, line: i + 1, detail: `Example ${examples} cannot be parsed. Error: line contains invalid json: ${reason} (line ${i + 1})` },
      };
    }
    const detail = checkExample(value, examples, format);
    if (detail) return { ok: false, issue: { example: examples, line: i + 1, detail } };
    chars += line.length;
  }
  return { ok: true, summary: { examples, tokens: Math.ceil(chars / 4) } };
}

/** Roughly four characters per token, as OpenAI's rule of thumb has it. */
export function roughTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
