/**
 * `n8n-nodes-flowtune/validator` — check an n8n workflow against a catalog of n8n node types, and
 * repair what can be repaired safely.
 *
 * - Validation: `validateWorkflow(workflow, { catalog, policy })` never throws; it returns the
 *   issues with their codes (`ISSUE_CODES`) and `valid` = no errors. Policies (`DEFAULT_POLICY`,
 *   `parsePolicy`, `mergePolicy`) turn codes on or off and deny node types.
 * - Catalogs: `loadCatalog()` is the stock catalog (n8n-nodes-base and the LangChain nodes of the
 *   pinned n8n release) plus flowtune's own nodes; `prepareCatalog({ n8nVersion })` builds or
 *   reads the catalog of another n8n release; `buildCatalog` / `serializeCatalog` make one from
 *   node descriptions; `NodeCatalog` answers lookups by type and version.
 * - Repair: `fixWorkflow(workflow, { catalog })` applies the fixers (`FIXERS`) for the fixable
 *   codes and reports each change with its confidence.
 */
// Validation and policies.
export { validateWorkflow, unwrapWorkflow, ISSUE_CODES, DEFAULT_POLICY, DEFAULT_MAX_ISSUES, mergePolicy, parsePolicy } from '../schemas/validator';
export type { ValidateOptions, IssueCode, IssueCounts, ValidationIssue, ValidationResult, ValidationStats, ValidationPolicy } from '../schemas/validator';
export { workflowSchema } from '../schemas/schema';
// The catalog of node types: load, build, look up.
export { NodeCatalog, NodeTypeInfo, mergeCatalogs, isN8nPackageType } from '../schemas/catalog/catalog';
export { loadCatalog, prepareCatalog, readCatalogFile, stockCatalogPath, ownCatalogPath } from '../schemas/catalog/load';
export type { LoadCatalogOptions } from '../schemas/catalog/load';
export { buildN8nCatalog, ensureN8nCatalog, n8nReleasePackages } from '../schemas/catalog/versions';
export { buildCatalog, serializeCatalog } from '../schemas/catalog/build';
export type { Catalog, CatalogNodeType, CatalogProperty, CatalogVariant } from '../schemas/catalog/types';
// Repair.
export { fixWorkflow, FIXERS, FIXABLE_CODES, DEFAULT_MIN_CONFIDENCE } from '../schemas/fix';
export type { FixConfidence, FixKind, FixOptions, FixRecord, FixResult } from '../schemas/fix';
