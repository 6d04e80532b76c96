/**
 * `n8n-nodes-flowtune/generator` — n8n workflows from a request in words, and their evaluation.
 *
 * - Generate: `generateWorkflow(request, { model, catalog, ... })` asks a `WorkflowModel`,
 *   extracts the JSON (`extractJson`), validates and repairs it; models are a chat-completions
 *   endpoint (`ChatCompletionsModel`, with retrieval of similar examples: `RetrievalIndex`) or the
 *   offline baseline (`OfflineModel`, no network).
 * - Constrained decoding: the strict JSON schema (`openAiStrictSchema`, `workflowResponseSchema`)
 *   and the server kind that decides how it is sent (`probeServerKind`).
 * - Evaluate: `runEval` over held-out examples, `scoreExample` / `summarise` per metric.
 * - Send to n8n: `N8nApiClient` creates the generated workflow in an n8n instance.
 */
// Generate.
export { generateWorkflow } from '../generator/pipeline';
export { ChatCompletionsModel, DEFAULT_MODEL_TIMEOUT_MS, ModelTimeoutError } from '../generator/models';
export { RetrievalIndex, readTrainingExamples } from '../generator/retrieval';
export { BASELINE_LABEL, OfflineModel, generateOffline, offlineIndexFor } from '../generator/offline/model';
export { extractJson } from '../generator/extract';
export type { DecodingMode, DecodingTrace, GenerationResult, WorkflowModel } from '../generator/types';
// Constrained decoding.
export { openAiStrictSchema, OPENAI_STRICT_LIMITS, workflowResponseSchema } from '../generator/constrained/schemas';
export { fromStrictWorkflow, toStrictWorkflow } from '../generator/constrained/strict-form';
export { probeServerKind, SERVER_KINDS, serverKindFromUrl, type ServerKind } from '../generator/constrained/server-kind';
// Evaluate.
export { runEval, readEvalExamples } from '../generator/eval/run';
export { scoreExample, summarise } from '../generator/eval/metrics';
// Send to n8n.
export { N8nApiClient, N8nApiError, N8N_API_TIMEOUT_MS } from '../n8n-api/client';
