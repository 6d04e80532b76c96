/**
 * Training files and the BM25 index (MiniSearch) over their requests: the pipeline's
 * few-shot examples come from it, and the offline baseline (offline/) is built on it.
 */
import { sha1 } from '../util/hash';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import MiniSearch from 'minisearch';
import { buildDataset, DEFAULT_BUILD_SETTINGS, DEFAULT_DATASET_DIR } from '../dataset/build';
import { FORMATS } from '../dataset/formats';
import { SYSTEM_PROMPT_VERSION } from '../dataset/prompt';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { packageRoot, userCacheDir } from '../schemas/paths';
import { FlowtuneError } from '../core/errors';

export interface TrainingExample {
  request: string;
  /** The assistant's answer: the target workflow JSON text. */
  target: string;
  /** 1-based line in the file it came from. */
  line: number;
}

/** A training file that cannot be read or has a bad line (`file`, `line`). */
export class TrainingDataError extends FlowtuneError {
  override name = 'TrainingDataError';
  constructor(message: string, where: { file: string; line?: number }) {
    super(message, { kind: 'invalid_input', ...where });
  }
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
    throw new TrainingDataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
  }
  const examples: TrainingExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && (limit === undefined || examples.length < limit); i++) {
    if (lines[i].trim() === '') continue;
    let value: { messages?: Array<{ role?: string; content?: unknown }> };
    try {
      value = JSON.parse(lines[i]) as typeof value;
    } catch {
      throw new TrainingDataError(`${file}:${i + 1}: not JSON`, { file, line: i + 1 });
    }
    const messages = Array.isArray(value.messages) ? value.messages : [];
    const user = messages.find((m) => m.role === 'user')?.content;
    const assistant = [...messages].reverse().find((m) => m.role === 'assistant')?.content;
    if (typeof user !== 'string' || typeof assistant !== 'string') throw new TrainingDataError(`${file}:${i + 1}: needs a user and an assistant message`, { file, line: i + 1 });
    examples.push({ request: user, target: assistant, line: i + 1 });
  }
  if (examples.length === 0) throw new TrainingDataError(`${file}: no examples`, { file });
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

/**
 * Training data for the baseline when none is given: `flowtune-dataset/train.jsonl` of the
 * current folder (what `npm run demo` writes), else a default build from the n8n.io
 * templates, made once into the user's cache folder.
 */
export async function defaultRetrievalData(catalog: NodeCatalog, cwd = process.cwd()): Promise<string> {
  const local = path.join(cwd, DEFAULT_DATASET_DIR, 'train.jsonl');
  if (existsSync(local)) return local;
  return path.join(await templatesDataset(catalog), 'train.jsonl');
}

/**
 * What the cached default build depends on besides the prompt: this flowtune release (its build rules),
 * the catalog it was validated against and the build settings. Another of any of them builds anew,
 * so an upgrade never answers from a dataset an older flowtune made.
 */
function datasetFingerprint(catalog: NodeCatalog): string {
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? version;
  } catch {
    // A package without its package.json still gets a fingerprint from the rest.
  }
  const catalogSources = catalog.sources.map((s) => `${s.package}@${s.version}`).sort();
  return sha1(JSON.stringify([version, catalogSources, DEFAULT_BUILD_SETTINGS])).slice(0, 10);
}

/**
 * The default dataset build from the n8n.io templates (seed 42, 10% validation by
 * structural group), made once into the user's cache folder: its folder, with
 * train.jsonl and validation.jsonl.
 */
export async function templatesDataset(catalog: NodeCatalog): Promise<string> {
  const dir = path.join(userCacheDir(), 'flowtune', `retrieval-${SYSTEM_PROMPT_VERSION}-${datasetFingerprint(catalog)}`);
  if (!existsSync(path.join(dir, 'train.jsonl'))) {
    await buildDataset({ ...DEFAULT_BUILD_SETTINGS, sources: [{ kind: 'templates' }], outDir: dir, catalog, formats: new Set(FORMATS.filter((f) => f === 'openai')), countTokens: false });
  }
  return dir;
}
