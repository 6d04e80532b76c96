/**
 * Ground truth: real n8n.io templates (n8n-mcp's DB). Every template built only from
 * stock-catalog node types is validated; the rejected ones must be exactly the
 * reviewed list, each with its reason, and false rejections stay ≤ 0.25%.
 */
import { loadCatalog } from '../../../schemas/catalog/load';
import { DEFAULT_DENIED_NODE_TYPES, validateWorkflow } from '../../../schemas/validator';
import rejected from '../../fixtures/rejected-templates.json';
import { loadTemplates, stockOnly, type ParsedTemplate } from '../../helpers/templates';

const catalog = loadCatalog();
const reviewed = rejected.templates as Record<string, { codes: string[]; falseRejection: boolean; reason: string }>;

describe('n8n.io templates from n8n-mcp', () => {
  let templates: ParsedTemplate[];
  let stock: ParsedTemplate[];

  beforeAll(async () => {
    templates = await loadTemplates();
    stock = stockOnly(templates, catalog);
  });

  it('reads all 2,352 templates', () => {
    expect(templates).toHaveLength(2352);
    expect(stock.length).toBeGreaterThan(1900);
  });

  it('rejects exactly the reviewed templates, with the reviewed codes', () => {
    const found: Record<string, string[]> = {};
    for (const { record, workflow } of stock) {
      const result = validateWorkflow(workflow, { catalog, policy: { allowDenied: [...DEFAULT_DENIED_NODE_TYPES] } });
      if (!result.valid) found[record.id] = [...new Set(result.errors.map((e) => e.code))];
    }
    expect(Object.keys(found).sort()).toEqual(Object.keys(reviewed).sort());
    for (const [id, codes] of Object.entries(found)) expect({ id, codes }).toEqual({ id, codes: reviewed[id].codes });
  });

  it('keeps false rejections at or below 0.25% of stock-only templates', () => {
    const falseRejections = Object.values(reviewed).filter((r) => r.falseRejection).length;
    expect(falseRejections / stock.length).toBeLessThanOrEqual(0.0025);
  });

  it('denies shell access by default and nothing else changes', () => {
    let denied = 0;
    for (const { record, workflow } of stock) {
      if (reviewed[record.id]) continue;
      const result = validateWorkflow(workflow, { catalog });
      if (!result.valid) {
        denied++;
        expect(result.errors.map((e) => e.code)).toEqual(result.errors.map(() => 'POLICY_DENIED_NODE'));
        expect(result.errors.every((e) => /executeCommand|ssh/.test(e.message))).toBe(true);
      }
    }
    expect(denied).toBeGreaterThan(0);
  });

  it('validates every template without throwing, community types included', () => {
    for (const { workflow } of templates) {
      const result = validateWorkflow(workflow, { catalog, policy: { allowUnknownCommunity: true } });
      expect(Array.isArray(result.errors)).toBe(true);
    }
  });
});
