/** Library entry point of n8n-nodes-flowtune. */
export { validateWorkflow, unwrapWorkflow, ISSUE_CODES, DEFAULT_POLICY, parsePolicy } from './schemas/validator';
export type { ValidateOptions } from './schemas/validator';
export type { IssueCode, ValidationIssue, ValidationResult, ValidationStats, ValidationPolicy } from './schemas/validator';
export { NodeCatalog, NodeTypeInfo, mergeCatalogs, isN8nPackageType } from './schemas/catalog/catalog';
export { loadCatalog, readCatalogFile, stockCatalogPath } from './schemas/catalog/load';
export { buildCatalog, serializeCatalog } from './schemas/catalog/build';
export type { Catalog, CatalogNodeType, CatalogProperty, CatalogVariant } from './schemas/catalog/types';
export { workflowSchema } from './schemas/schema';
export { readTemplates } from './dataset/sources/templates';
export type { TemplateRecord } from './dataset/sources/templates';
