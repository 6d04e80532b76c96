/**
 * `flowtune dataset sample`: a seeded handful of (request → workflow) pairs from a built
 * dataset, the workflow shown as a line about its nodes — for a person to judge the
 * requests quickly. Pure: the CLI reads the files.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { isObject } from '../schemas/json-value';
import { sha1 } from '../util/hash';
import { nodeSummary } from './requests';

export interface SamplePair {
  /** `train.jsonl:12` */
  ref: string;
  request: string;
  /** "5 nodes: Schedule Trigger, HTTP Request, …", or why the answer is not a workflow. */
  workflow: string;
}

/** One OpenAI chat line → its request and a summary of its answer's nodes; undefined when the line is no chat example. */
export function pairFromLine(line: string, ref: string, catalog: NodeCatalog): SamplePair | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObject(value) || !Array.isArray(value.messages)) return undefined;
  const messages = value.messages.filter(isObject);
  const request = messages.find((m) => m.role === 'user')?.content;
  const answer = messages.find((m) => m.role === 'assistant')?.content;
  if (typeof request !== 'string' || typeof answer !== 'string') return undefined;
  let workflow = 'the answer is not a workflow';
  try {
    const target: unknown = JSON.parse(answer);
    if (isObject(target) && Array.isArray(target.nodes)) {
      const nodes = target.nodes.filter(isObject).map((n) => ({ ...n, type: String(n.type ?? '?') }));
      workflow = nodeSummary({ nodes: nodes as never }, catalog);
    }
  } catch {
    workflow = 'the answer is not JSON';
  }
  return { ref, request, workflow };
}

/** `n` of the items, seeded by their refs (the same files and seed give the same sample), in file order. */
export function pickSample<T extends { ref: string }>(items: T[], n: number, seed: number): T[] {
  const ranked = items.map((item, i) => ({ item, i, key: sha1(`${seed}:${item.ref}`) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return ranked
    .slice(0, n)
    .sort((a, b) => a.i - b.i)
    .map((r) => r.item);
}

/** The pairs as text: the request, then the workflow below it. */
export function renderSample(pairs: SamplePair[]): string {
  return pairs.map((p, i) => `${i + 1}. ${p.request}\n   → ${p.workflow}  (${p.ref})\n`).join('\n');
}
