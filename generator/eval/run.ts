/**
 * The evaluation harness: every example of a validation file goes through the same
 * pipeline with the same prompt, and is scored the same way (metrics.ts), so two runs —
 * a base model and its fine-tune, or a model and the retrieval baseline — compare.
 * With an n8n, each generated workflow is also created there (and deleted again) to
 * check that a real n8n accepts it.
 */
import { SYSTEM_PROMPT_VERSION } from '../../dataset/prompt';
import { N8nApiClient, N8nApiError } from '../../n8n-api/client';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { readTrainingExamples } from '../retrieval';
import type { GenerationResult } from '../types';
import { scoreExample, summarise, type EvalFile } from './metrics';

export interface EvalExample {
  request: string;
  /** The reference workflow (parsed assistant answer; the raw text if it does not parse). */
  reference: unknown;
  /** `file:line`. */
  ref: string;
}

/** Examples of a validation file (OpenAI chat JSONL): the request and the reference workflow. */
export function readEvalExamples(file: string, limit?: number): EvalExample[] {
  return readTrainingExamples(file, limit).map((e) => {
    let reference: unknown = e.target;
    try {
      reference = JSON.parse(e.target);
    } catch {
      // scored as an empty reference graph
    }
    return { request: e.request, reference, ref: `${file}:${e.line}` };
  });
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
