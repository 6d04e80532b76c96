/**
 * Training examples from n8n items: chat `messages` as they are, or `prompt` /
 * `completion` pairs turned into chat with the flowtune system prompt. Every item
 * becomes one JSONL line, so the dataset checks (dataset/check.ts) run unchanged and
 * their line numbers map back to item indices.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { checkJsonlLines, type CheckCode, type CheckResult } from '../../../dataset/check';
import { sha1 } from '../../../util/hash';
import { systemPrompt, type TargetFormat } from '../../../dataset/prompt';
import { splitValidation } from '../../../dataset/split';
import { isObject } from '../../../schemas/json-value';
import { linesDescription } from '../../shared/errors';

export interface ItemFinding {
  /** Index of the input item. */
  item: number;
  code: CheckCode;
  message: string;
}

export interface ItemExamples {
  /** One JSONL line per example. */
  lines: string[];
  /** The input item of each line. */
  items: number[];
  /** Items that are not examples and were left out (Build Training Data's report item). */
  skipped: number[];
}

/** Build Training Data's final item: a report, not an example. */
export function isBuildReport(json: IDataObject): boolean {
  return isObject(json.report) && json.messages === undefined && json.prompt === undefined && json.completion === undefined;
}

/** The JSONL line of one item (checked afterwards: a malformed item gives a malformed line, reported with its index). */
export function exampleLine(json: IDataObject, target: TargetFormat): string {
  if (json.messages !== undefined) return JSON.stringify({ messages: json.messages });
  if (json.prompt !== undefined || json.completion !== undefined) {
    return JSON.stringify({
      messages: [
        { role: 'system', content: systemPrompt(target) },
        { role: 'user', content: json.prompt ?? null },
        { role: 'assistant', content: json.completion ?? null },
      ],
    });
  }
  return '{}';
}

export function itemExamples(items: INodeExecutionData[], target: TargetFormat): ItemExamples {
  const out: ItemExamples = { lines: [], items: [], skipped: [] };
  items.forEach((item, index) => {
    if (isBuildReport(item.json)) {
      out.skipped.push(index);
      return;
    }
    out.lines.push(exampleLine(item.json, target));
    out.items.push(index);
  });
  return out;
}

export interface ItemCheck {
  result: CheckResult;
  findings: ItemFinding[];
  /** Item index and tokens of every counted example. */
  tokensPerItem: Array<{ item: number; tokens: number }>;
}

const NO_MESSAGES = 'the item has no "messages" (nor "prompt" and "completion")';

export function checkItemExamples(examples: ItemExamples, model: string): ItemCheck {
  const result = checkJsonlLines(examples.lines, model);
  const itemOf = (line: number) => examples.items[line - 1];
  const findings = result.errors.map((e) => ({
    item: itemOf(e.line),
    code: e.code,
    message: e.code === 'missing_messages_list' && examples.lines[e.line - 1] === '{}' ? NO_MESSAGES : e.message,
  }));
  return { result, findings, tokensPerItem: result.tokens.perExample.map((e) => ({ item: itemOf(e.line), tokens: e.tokens })) };
}

/** `what` (e.g. "Input item 3") with its first finding, and up to ten findings for the description. */
export function describeFindings(findings: ItemFinding[], what: (f: ItemFinding) => string): { message: string; description: string } {
  const first = findings[0];
  const shown = findings.slice(0, 10).map((f) => `${what(f)}: ${f.code}: ${f.message}`);
  const more = findings.length > 10 ? [`… and ${findings.length - 10} more (run Dataset → Validate for the full list)`] : [];
  return {
    message: `${what(first)} is not a valid training example (${first.code}: ${first.message})`,
    description: linesDescription([`${findings.length} problem(s) in the training data; nothing was uploaded.`, ...shown, ...more]),
  };
}

/**
 * Seeded split of JSONL lines: every distinct example is its own group (copies stay on
 * one side). Returns the indices of the validation lines.
 */
export function splitLines(lines: string[], fraction: number, seed: number): Set<number> {
  return splitValidation(
    lines.map((line) => ({ stratum: 'all', group: sha1(line) })),
    fraction,
    seed,
  );
}

export const jsonl = (lines: string[]): Buffer => Buffer.from(lines.length === 0 ? '' : `${lines.join('\n')}\n`);
