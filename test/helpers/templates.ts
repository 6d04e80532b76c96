/** The real n8n.io templates shipped in n8n-mcp, parsed once per test file. */
import { readTemplates, type TemplateRecord } from '../../dataset/sources/templates';
import type { NodeCatalog } from '../../schemas/catalog/catalog';

export interface ParsedTemplate {
  record: TemplateRecord;
  workflow: { nodes: Array<Record<string, unknown>>; connections: Record<string, unknown>; [key: string]: unknown };
}

let cached: Promise<ParsedTemplate[]> | undefined;

export function loadTemplates(): Promise<ParsedTemplate[]> {
  cached ??= readTemplates().then((records) => records.map((record) => ({ record, workflow: JSON.parse(record.workflowJson) })));
  return cached;
}

/** Templates whose every node type is in the catalog (the validator's ground truth). */
export function stockOnly(templates: ParsedTemplate[], catalog: NodeCatalog): ParsedTemplate[] {
  return templates.filter(({ workflow }) => Array.isArray(workflow.nodes) && workflow.nodes.every((n) => catalog.has(String(n.type))));
}
