/**
 * Library entry point of n8n-nodes-flowtune: everything the subpaths offer, plus the errors.
 * Prefer the subpath of the area you use (each documented in its file and in README.md, "Library"):
 *
 * - `n8n-nodes-flowtune/validator` (api/validator.ts): validate and repair workflows; node catalogs.
 * - `n8n-nodes-flowtune/dataset` (api/dataset.ts): fine-tuning data from workflows.
 * - `n8n-nodes-flowtune/trainer` (api/trainer.ts): fine-tuning jobs and training bundles.
 * - `n8n-nodes-flowtune/generator` (api/generator.ts): workflows from requests; evaluation.
 */
// Every error flowtune throws is a FlowtuneError: decide on its `kind` and data, not on its message.
export { FlowtuneError, isFlowtuneError, ERROR_KINDS, SERVICE_ERROR_KINDS } from './core/errors';
export type { ErrorData, ErrorKind, ServiceErrorKind } from './core/errors';
// Validate and repair workflows; the catalog of n8n node types.
export * from './api/validator';
// Fine-tuning data from n8n workflows.
export * from './api/dataset';
// Fine-tuning jobs on the providers; bundles to train elsewhere.
export * from './api/trainer';
// Workflows from requests, their evaluation, and sending them to n8n.
export * from './api/generator';
