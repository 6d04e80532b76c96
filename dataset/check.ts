/**
 * Format checks for OpenAI chat fine-tuning JSONL, with the categories of the OpenAI cookbook
 * (examples/Chat_finetuning_data_prep.ipynb) plus `invalid_json` and `too_many_tokens`, each
 * finding with its 1-based line number. Pure: text (or lines) in, result out.
 *
 * Decisions where the cookbook is silent or outdated:
 * - Blank (whitespace-only) lines are ignored: not an example, no finding. Line numbers still
 *   count them, so they match an editor's.
 * - Keys and roles follow today's chat format: keys role, content, name, function_call,
 *   tool_calls, tool_call_id, weight; roles system, user, assistant, function, tool.
 * - A message with `tool_calls` or `function_call` may have its content absent, null or empty.
 *   Otherwise content must be a non-empty string (the cookbook's missing_content).
 * - One finding per problem and message: a missing role is `message_missing_key` only (not also
 *   `unrecognized_role`); a missing content is `message_missing_key` only (not also
 *   `missing_content`). A message that is not an object is `data_type`.
 * - Tokens are counted (cookbook rule) for every example that has a messages list, errors or
 *   not; over the model's per-example limit is `too_many_tokens`.
 */
import { countChatTokensWithEncoding, type EncodingName, modelInfo } from './tokens';
import { isObject } from '../schemas/json-value';

export const CHECK_CODES = [
  'invalid_json',
  'data_type',
  'missing_messages_list',
  'message_missing_key',
  'message_unrecognized_key',
  'unrecognized_role',
  'missing_content',
  'example_missing_assistant_message',
  'too_many_tokens',
] as const;
export type CheckCode = (typeof CHECK_CODES)[number];

export const RECOGNIZED_MESSAGE_KEYS: readonly string[] = ['role', 'content', 'name', 'function_call', 'tool_calls', 'tool_call_id', 'weight'];
export const RECOGNIZED_ROLES: readonly string[] = ['system', 'user', 'assistant', 'function', 'tool'];

export interface CheckFinding {
  /** 1-based line of the file. */
  line: number;
  code: CheckCode;
  message: string;
}

export interface TokenStats {
  total: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  /** Every counted example, in file order. */
  perExample: Array<{ line: number; tokens: number }>;
}

export interface CheckResult {
  model: string;
  encoding: EncodingName;
  /** The model is not in the model table: tokens counted with o200k_base, not its own tokenizer. */
  approximate: boolean;
  /** Non-blank lines. */
  examples: number;
  errors: CheckFinding[];
  byCode: Partial<Record<CheckCode, number>>;
  tokens: TokenStats;
  /** Per-example token limit of the model, and whether OpenAI documents it. */
  limit: number;
  limitDocumented: boolean;
  overLimit: number;
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? 'a string' : `a ${typeof value}`);

/** Nearest rank, as in the dataset build report: sorted[min(n-1, floor(q·n))]. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function tokenStats(perExample: Array<{ line: number; tokens: number }>): TokenStats {
  const sorted = perExample.map((e) => e.tokens).sort((a, b) => a - b);
  const total = sorted.reduce((a, b) => a + b, 0);
  return {
    total,
    min: sorted.length > 0 ? sorted[0] : 0,
    max: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
    mean: sorted.length > 0 ? Math.round((total / sorted.length) * 10) / 10 : 0,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    perExample,
  };
}

/** The findings of one message (index i of the example on `line`). */
function checkMessage(message: unknown, i: number, line: number, out: CheckFinding[]): void {
  const at = `messages[${i}]`;
  if (!isObject(message)) {
    out.push({ line, code: 'data_type', message: `${at} is ${describe(message)}, not an object` });
    return;
  }
  const hasCall = !!message.tool_calls || !!message.function_call;
  const missing = [...(Object.hasOwn(message, 'role') ? [] : ['role']), ...(Object.hasOwn(message, 'content') || hasCall ? [] : ['content'])];
  if (missing.length > 0) out.push({ line, code: 'message_missing_key', message: `${at} has no ${missing.map((k) => `"${k}"`).join(' and ')}` });

  const unknown = Object.keys(message).filter((k) => !RECOGNIZED_MESSAGE_KEYS.includes(k));
  if (unknown.length > 0) {
    out.push({ line, code: 'message_unrecognized_key', message: `${at} has unrecognized key(s) ${unknown.map((k) => `"${k}"`).join(', ')} (allowed: ${RECOGNIZED_MESSAGE_KEYS.join(', ')})` });
  }

  if (Object.hasOwn(message, 'role') && !(typeof message.role === 'string' && RECOGNIZED_ROLES.includes(message.role))) {
    out.push({ line, code: 'unrecognized_role', message: `${at} has role ${JSON.stringify(message.role)} (allowed: ${RECOGNIZED_ROLES.join(', ')})` });
  }

  if (Object.hasOwn(message, 'content')) {
    const content = message.content;
    if (content !== null && content !== '' && typeof content !== 'string') {
      out.push({ line, code: 'missing_content', message: `${at} content is ${describe(content)}, not a string` });
    } else if ((content === null || content === '') && !hasCall) {
      out.push({ line, code: 'missing_content', message: `${at} content is ${content === null ? 'null' : 'empty'} and there is no tool_calls or function_call` });
    }
  }
}

/** One non-blank line of JSONL, parsed (`value`) or not (`error`: JSON.parse's message); `line` is 1-based. */
export type JsonlValue = { line: number; text: string; value: unknown } | { line: number; text: string; error: string };

/**
 * The non-blank lines of JSONL (LF or CRLF lines), each parsed. Blank lines are no example but count for the
 * line numbers, so they match an editor's.
 */
export function* jsonlValues(lines: Iterable<string>): Generator<JsonlValue> {
  let line = 0;
  for (const raw of lines) {
    line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    try {
      yield { line, text, value: JSON.parse(text) as unknown };
    } catch (error) {
      yield { line, text, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

/**
 * Check JSONL lines one by one (a generator over a file works: nothing is kept but the
 * findings and one token count per example).
 */
export function checkJsonlLines(lines: Iterable<string>, model: string): CheckResult {
  const info = modelInfo(model);
  const limit = info.exampleTokenLimit;
  const errors: CheckFinding[] = [];
  const perExample: Array<{ line: number; tokens: number }> = [];
  let examples = 0;
  let overLimit = 0;

  for (const parsed of jsonlValues(lines)) {
    const line = parsed.line;
    examples++;
    if ('error' in parsed) {
      const bom = parsed.text.startsWith('\uFEFF') ? ' (the line starts with a UTF-8 byte-order mark)' : '';
      errors.push({ line, code: 'invalid_json', message: `not valid JSON: ${parsed.error}${bom}` });
      continue;
    }
    const example = parsed.value;
    if (!isObject(example)) {
      errors.push({ line, code: 'data_type', message: `the example is ${describe(example)}, not an object` });
      continue;
    }
    const messages = example.messages;
    if (!Array.isArray(messages) || messages.length === 0) {
      const why = messages === undefined ? 'has no "messages"' : Array.isArray(messages) ? 'has an empty "messages" list' : `has "messages" that is ${describe(messages)}, not a list`;
      errors.push({ line, code: 'missing_messages_list', message: `the example ${why}` });
      continue;
    }

    messages.forEach((message, i) => checkMessage(message, i, line, errors));
    if (!messages.some((m) => isObject(m) && m.role === 'assistant')) {
      errors.push({ line, code: 'example_missing_assistant_message', message: 'the example has no assistant message' });
    }

    const tokens = countChatTokensWithEncoding(messages, info.encoding);
    perExample.push({ line, tokens });
    if (tokens > limit) {
      overLimit++;
      errors.push({ line, code: 'too_many_tokens', message: `${tokens} tokens, over the ${limit}-token limit per example${info.limitDocumented ? '' : ' (assumed: no documented limit for this model)'}` });
    }
  }

  const byCode: Partial<Record<CheckCode, number>> = {};
  for (const e of errors) byCode[e.code] = (byCode[e.code] ?? 0) + 1;
  return {
    model,
    encoding: info.encoding,
    approximate: info.approximate,
    examples,
    errors,
    byCode,
    tokens: tokenStats(perExample),
    limit,
    limitDocumented: info.limitDocumented,
    overLimit,
  };
}

/** Check the whole text of a JSONL file (LF or CRLF). */
export function checkJsonl(text: string, model: string): CheckResult {
  return checkJsonlLines(text.split('\n'), model);
}

// ---------------------------------------------------------------------------------------------
// Plain chat examples: what open-source trainers take (flowtune train export)

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatExample {
  messages: ChatMessage[];
}

const PLAIN_CHAT_ROLES: ReadonlySet<string> = new Set<ChatRole>(['system', 'user', 'assistant']);

/**
 * One parsed line as a plain chat example, or the problem with it. Stricter than the fine-tuning API's format
 * (checkJsonlLines): string contents, no tool or function messages, a system message only first, a user
 * message, and a non-empty assistant answer last — what the open trainers' chat templates render.
 */
export function plainChatExample(value: unknown): { example: ChatExample } | { problem: string } {
  if (!isObject(value)) return { problem: 'expected a JSON object with a "messages" array' };
  const messages = value.messages;
  if (!Array.isArray(messages)) return { problem: 'expected a "messages" array (OpenAI chat format)' };
  if (messages.length === 0) return { problem: '"messages" is empty' };
  const out: ChatMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    const where = `message ${i + 1}`;
    if (!isObject(m)) return { problem: `${where} is not an object` };
    if (typeof m.role !== 'string' || !PLAIN_CHAT_ROLES.has(m.role)) return { problem: `${where}: role must be "system", "user" or "assistant" (got ${JSON.stringify(m.role)})` };
    if (typeof m.content !== 'string') return { problem: `${where}: content must be a string` };
    if (m.role === 'system' && i !== 0) return { problem: `${where}: a system message may only come first` };
    out.push({ role: m.role as ChatRole, content: m.content });
  }
  if (!out.some((m) => m.role === 'user')) return { problem: 'no user message' };
  const last = out[out.length - 1];
  if (last.role !== 'assistant') return { problem: `the last message must be the assistant's answer (got "${last.role}")` };
  if (last.content.trim() === '') return { problem: "the assistant's answer is empty" };
  return { example: { messages: out } };
}

/** The plain chat examples of JSONL text (a leading byte-order mark is skipped) and the problem of every other non-blank line. */
export function readPlainChatJsonl(text: string): { examples: ChatExample[]; problems: Array<{ line: number; problem: string }> } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const examples: ChatExample[] = [];
  const problems: Array<{ line: number; problem: string }> = [];
  for (const parsed of jsonlValues(body.split('\n'))) {
    const checked = 'error' in parsed ? { problem: `not valid JSON (${parsed.error})` } : plainChatExample(parsed.value);
    if ('problem' in checked) problems.push({ line: parsed.line, problem: checked.problem });
    else examples.push(checked.example);
  }
  return { examples, problems };
}
