/**
 * The evaluation harness: every example of a validation file goes through the same
 * pipeline with the same prompt, and is scored the same way (metrics.ts), so two runs —
 * a base model and its fine-tune, or a model and the retrieval baseline — compare.
 * With an n8n, each generated workflow is also created there (and deleted again) to
 * check that a real n8n accepts it.
 */
import { readFileSync } from 'node:fs';
import { SYSTEM_PROMPT_VERSION } from '../../dataset/prompt';
import { N8nApiClient, N8nApiError } from '../../n8n-api/client';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import type { GenerationResult } from '../types';
import { scoreExample, summarise, type EvalFile } from './metrics';

export interface EvalExample {
  request: string;
  /** The reference workflow (parsed assistant answer; the raw text if it does not parse). */
  reference: unknown;
  /** `file:line`. */
  ref: string;
}

export class EvalDataError extends Error {
  override name = 'EvalDataError';
}

/** Examples of an OpenAI chat JSONL file (validation.jsonl): the user request and the assistant's workflow. */
export function readEvalExamples(file: string, limit?: number): EvalExample[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EvalDataError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const out: EvalExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && (limit === undefined || out.length < limit); i++) {
    if (lines[i].trim() === '') continue;
    let messages: Array<{ role?: string; content?: unknown }>;
    try {
      messages = (JSON.parse(lines[i]) as { messages?: typeof messages }).messages ?? [];
    } catch {
      throw new EvalDataError(`${file}:${i + 1}: not JSON`);
    }
    const user = messages.find((m) => m.role === 'user')?.content;
    const assistant = [...messages].reverse().find((m) => m.role === 'assistant')?.content;
    if (typeof user !== 'string' || typeof assistant !== 'string') throw new EvalDataError(`${file}:${i + 1}: needs a user and an assistant message`);
    let reference: unknown = assistant;
    try {
      reference = JSON.parse(assistant);
    } catch {
      // scored as an empty reference graph
    }
    out.push({ request: user, reference, ref: `${file}:${i + 1}` });
  }
  if (out.length === 0) throw new EvalDataError(`${file}: no examples`);
  return out;
}

export interface RunEvalOptions {
  examples: EvalExample[];
  generate: (request: string) => Promise<GenerationResult>;
  catalog: NodeCatalog;
  model: string;
  baseline: boolean;
  data: string;
  limit?: number;
  /** A real n8n: each generated workflow is created (then deleted) to check acceptance. */
  n8n?: N8nApiClient;
  onProgress?: (done: number, total: number) => void;
}

/** Does n8n accept it? Created through the public API, then deleted so the instance stays clean. */
async function acceptedByN8n(n8n: N8nApiClient, result: GenerationResult): Promise<boolean> {
  if (!result.workflow) return false;
  try {
    const created = await n8n.createWorkflow(result.workflow);
    await n8n.deleteWorkflow(created.id).catch(() => undefined);
    return true;
  } catch (error) {
    // 400: n8n rejected the workflow. Anything else (key, host) is the run's problem, not the model's.
    if (error instanceof N8nApiError && error.status === 400) return false;
    throw error;
  }
}

export async function runEval(options: RunEvalOptions): Promise<EvalFile> {
  const startedAt = new Date().toISOString();
  const examples: EvalFile['examples'] = [];
  for (const [i, example] of options.examples.entries()) {
    const generated = await options.generate(example.request);
    const n8nAccepted = options.n8n ? await acceptedByN8n(options.n8n, generated) : null;
    examples.push({ ...scoreExample({ generated, reference: example.reference, catalog: options.catalog, n8nAccepted }), request: example.request, ref: example.ref });
    options.onProgress?.(i + 1, options.examples.length);
  }
  const summary = summarise(examples, {
    model: options.model,
    baseline: options.baseline,
    data: options.data,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    ...(options.n8n ? { n8nUrl: options.n8n.baseUrl } : {}),
    startedAt,
    systemPromptVersion: SYSTEM_PROMPT_VERSION,
  });
  return { version: 1, summary, examples };
}
