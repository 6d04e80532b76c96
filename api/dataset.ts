/**
 * `n8n-nodes-flowtune/dataset` — fine-tuning data from n8n workflows.
 *
 * - Build: `buildDataset(options)` reads workflows from its sources (`parseSourceSpec` reads the
 *   CLI's `--from` forms: `templates`, `dir:<path>`, `jsonl:<file>`, `n8n:<url>`), cleans,
 *   validates, de-duplicates and writes train/validation JSONL with a report; `readTemplates()`
 *   reads the n8n.io templates alone.
 * - Workflows as the model sees them: `compactWorkflow` / `hydrateWorkflow` (the compact form and
 *   back), canvas checks (`findCanvasOverlaps`), redaction of secrets and personal data
 *   (`redactWorkflowStrings`, `redactText`, `Redactor`), the system prompt (`systemPrompt`).
 * - Check and cost: `checkJsonl` (format checks of a fine-tuning file), `estimateTrainingCost`.
 * - Requests written by a model: `writeRequestsWithModel` (confirmed spend, cached answers).
 */
// Build a dataset.
export { buildDataset, DEFAULT_BUILD_SETTINGS } from '../dataset/build';
export type { BuildOptions } from '../dataset/build';
export { parseSourceSpec } from '../dataset/sources';
export type { SourceSpec } from '../dataset/sources';
export { readTemplates } from '../dataset/sources/templates';
export type { TemplateRecord } from '../dataset/sources/templates';
// Workflows as training examples: compact form, canvas, redaction, prompt.
export { compactWorkflow, hydrateWorkflow } from '../dataset/compact';
export { findCanvasOverlaps, nodeFootprints, footprintRects } from '../dataset/canvas';
export type { CanvasOverlap, NodeFootprint, PositionedWorkflow } from '../dataset/canvas';
export { redactWorkflowStrings, redactText, Redactor } from '../dataset/redact';
export { systemPrompt, SYSTEM_PROMPT_VERSION } from '../dataset/prompt';
// Check a fine-tuning file and estimate its cost.
export { checkJsonl } from '../dataset/check';
export { estimateTrainingCost } from '../dataset/cost';
// Requests written by a model.
export { writeRequestsWithModel, RequestsNotConfirmedError, RequestsEndpointError, REQUESTS_PROMPT_VERSION } from '../dataset/model-requests';
export type { ModelRequestItem, ModelRequestsOptions, ModelRequestsStats, SpendEstimate } from '../dataset/model-requests';
