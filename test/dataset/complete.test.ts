/**
 * Targets of exports whose parameters were stripped (n8n.io templates store many nodes as `parameters: {}`):
 * once hydrated, n8n's defaults must not contradict the wiring; repair supplies what the wiring implies.
 */
import { compactWorkflow, hydrateWorkflow } from '../../dataset/compact';
import { completeTarget } from '../../dataset/complete';
import type { Workflow } from '../../dataset/types';
import { loadCatalog } from '../../schemas/catalog/load';
import { validateWorkflow } from '../../schemas/validator';
import { loadTemplates, stockOnly } from '../helpers/templates';

const catalog = loadCatalog();

const node = (name: string, type: string, typeVersion: number, parameters: Record<string, unknown> = {}) => ({ name, type, typeVersion, position: [0, 0], parameters });
const main = (to: string, index = 0) => [{ node: to, type: 'main', index }];

describe('completeTarget', () => {
  const stripped: Workflow = {
    name: 'Four into one',
    nodes: [
      node('Start', 'n8n-nodes-base.manualTrigger', 1),
      ...['A', 'B', 'C', 'D'].map((n) => node(n, 'n8n-nodes-base.noOp', 1)),
      // As n8n.io stores it: the four inputs are wired, numberInputs is gone.
      node('Merge', 'n8n-nodes-base.merge', 3.1),
    ],
    connections: {
      Start: { main: [[...main('A'), ...main('B'), ...main('C'), ...main('D')]] },
      A: { main: [main('Merge', 0)] },
      B: { main: [main('Merge', 1)] },
      C: { main: [main('Merge', 2)] },
      D: { main: [main('Merge', 3)] },
    },
  } as unknown as Workflow;

  it('the stripped export passes the validator, its plain target does not once hydrated', () => {
    expect(validateWorkflow(stripped, { catalog }).valid).toBe(true);
    const hydrated = validateWorkflow(hydrateWorkflow(compactWorkflow(stripped, { catalog }), { catalog }), { catalog });
    expect(hydrated.errors.map((e) => e.code)).toContain('CONNECTION_BAD_INPUT_INDEX');
  });

  it('supplies numberInputs from the wiring: the completed target hydrates valid', () => {
    const result = completeTarget(stripped, compactWorkflow(stripped, { catalog }), catalog);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.completed).toBeGreaterThan(0);
    const merge = result.compact.nodes.find((n) => n.name === 'Merge');
    expect(merge?.parameters).toMatchObject({ numberInputs: 4 });
    expect(validateWorkflow(hydrateWorkflow(result.compact, { catalog }), { catalog })).toMatchObject({ valid: true, errors: [] });
  });

  it('leaves a target that hydrates valid as it is (same object, nothing completed)', () => {
    const fine = { ...stripped, nodes: stripped.nodes.map((n) => (n.name === 'Merge' ? { ...n, parameters: { numberInputs: 4 } } : n)) } as Workflow;
    const compact = compactWorkflow(fine, { catalog });
    expect(completeTarget(fine, compact, catalog)).toEqual({ ok: true, compact, completed: 0 });
  });

  it('every valid stock template gives a target that hydrates valid, or is rejected with its codes', async () => {
    const templates = stockOnly(await loadTemplates(), catalog);
    let completed = 0;
    let rejected = 0;
    let checked = 0;
    for (const t of templates) {
      const workflow = t.workflow as Workflow;
      if (!validateWorkflow(workflow, { catalog }).valid) continue;
      checked++;
      const result = completeTarget(workflow, compactWorkflow(workflow, { catalog }), catalog);
      if (!result.ok) {
        rejected++;
        expect(result.codes.length).toBeGreaterThan(0);
        continue;
      }
      if (result.completed > 0) completed++;
      expect(validateWorkflow(hydrateWorkflow(result.compact, { catalog }), { catalog }).errors).toEqual([]);
    }
    // Measured when written: 1,893 checked, 60 completed, 1 rejected (an agent whose model stays unwired).
    expect(checked).toBeGreaterThan(1800);
    expect(completed).toBeGreaterThan(40);
    expect(rejected).toBeLessThanOrEqual(3);
  }, 120_000);
});
