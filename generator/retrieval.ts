/**
 * The offline baseline "model": rank the training requests with BM25 (MiniSearch) and
 * answer with the nearest training workflow, renamed for the request. It needs no key
 * and no weights, so `generate` and `eval` work on a fresh machine — and it is a
 * baseline, labelled so in every output, never presented as a language model.
 * The same index gives the pipeline its few-shot examples.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import MiniSearch from 'minisearch';
import { buildDataset, DEFAULT_BUILD_SETTINGS, DEFAULT_DATASET_DIR } from '../dataset/build';
import { FORMATS } from '../dataset/formats';
import { SYSTEM_PROMPT_VERSION } from '../dataset/prompt';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { userCacheDir } from '../schemas/paths';
import type { ChatMessage, CompleteOptions, ModelReply, WorkflowModel } from './types';

export interface TrainingExample {
  request: string;
  /** The assistant's answer: the target workflow JSON text. */
  target: string;
  /** 1-based line in the file it came from. */
  line: number;
}

export class TrainingDataError extends Error {
  override name = 'TrainingDataError';
}

/**
 * Examples of an OpenAI chat JSONL file (the user and assistant turns), the first `limit` of
 * them when given (lines after those are not read). Bad lines name file and line.
 */
export function readTrainingExamples(file: string, limit?: number): TrainingExample[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TrainingDataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const examples: TrainingExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && (limit === undefined || examples.length < limit); i++) {
    if (lines[i].trim() === '') continue;
    let value: { messages?: Array<{ role?: string; content?: unknown }> };
    try {
      value = JSON.parse(lines[i]) as typeof value;
    } catch {
      throw new TrainingDataError(`${file}:${i + 1}: not JSON`);
    }
    const messages = Array.isArray(value.messages) ? value.messages : [];
    const user = messages.find((m) => m.role === 'user')?.content;
    const assistant = [...messages].reverse().find((m) => m.role === 'assistant')?.content;
    if (typeof user !== 'string' || typeof assistant !== 'string') throw new TrainingDataError(`${file}:${i + 1}: needs a user and an assistant message`);
    examples.push({ request: user, target: assistant, line: i + 1 });
  }
  if (examples.length === 0) throw new TrainingDataError(`${file}: no examples`);
  return examples;
}

export interface Neighbour {
  example: TrainingExample;
  score: number;
}

export class RetrievalIndex {
  private readonly search: MiniSearch<{ id: number; request: string }>;

  constructor(readonly examples: readonly TrainingExample[]) {
    this.search = new MiniSearch({ fields: ['request'], idField: 'id' });
    this.search.addAll(examples.map((e, id) => ({ id, request: e.request })));
  }

  /** The k training examples whose requests rank highest (BM25) for this request. */
  nearest(request: string, k = 1): Neighbour[] {
    const hits = this.search.search(request, { prefix: true, fuzzy: 0.15, combineWith: 'OR' });
    return hits.slice(0, k).map((h) => ({ example: this.examples[h.id as number], score: h.score }));
  }
}

/** A workflow name from a request: its first sentence, at most 60 characters. */
export function nameForRequest(request: string): string {
  const sentence = request.trim().split(/(?<=[.!?])\s|\n/)[0].replace(/^(please\s+)?(create|build|make|write)\s+(me\s+)?(an?\s+)?(n8n\s+)?workflow\s+(that|to|which)\s+/i, '');
  const text = sentence.charAt(0).toUpperCase() + sentence.slice(1).replace(/[.!?]+$/, '');
  return text.length > 60 ? `${text.slice(0, 57).trimEnd()}…` : text || 'Generated workflow';
}

/** How every output of the retrieval baseline is labelled (CLI, Workflow Generator node). */
export const BASELINE_LABEL = 'baseline: nearest training workflow by BM25 retrieval, not a language model';

export class RetrievalModel implements WorkflowModel {
  readonly id = 'retrieval';
  readonly baseline = true;

  constructor(readonly index: RetrievalIndex) {}

  async complete(_messages: ChatMessage[], options: CompleteOptions): Promise<ModelReply> {
    const started = performance.now();
    const [hit] = this.index.nearest(options.request, 1);
    // No shared word at all: the first training workflow is as good a guess as any.
    const target = (hit?.example ?? this.index.examples[0]).target;
    let text = target;
    try {
      const workflow = JSON.parse(target) as Record<string, unknown>;
      text = JSON.stringify({ ...workflow, name: nameForRequest(options.request) });
    } catch {
      // A target that is not JSON is returned as is: the pipeline reports it.
    }
    return { text, latencyMs: performance.now() - started };
  }
}

/**
 * Training data for the baseline when none is given: `flowtune-dataset/train.jsonl` of the
 * current folder (what `npm run demo` writes), else a default build from the n8n.io
 * templates, made once into the user's cache folder.
 */
export async function defaultRetrievalData(catalog: NodeCatalog, cwd = process.cwd()): Promise<string> {
  const local = path.join(cwd, DEFAULT_DATASET_DIR, 'train.jsonl');
  if (existsSync(local)) return local;
  const dir = path.join(userCacheDir(), 'flowtune', `retrieval-${SYSTEM_PROMPT_VERSION}`);
  const file = path.join(dir, 'train.jsonl');
  if (!existsSync(file)) {
    await buildDataset({ ...DEFAULT_BUILD_SETTINGS, sources: [{ kind: 'templates' }], outDir: dir, catalog, formats: new Set(FORMATS.filter((f) => f === 'openai')), countTokens: false });
  }
  return file;
}
