/** The canvas check every generated and hydrated workflow of the suites goes through. */
import { CANVAS_GRID, findCanvasOverlaps, type PositionedWorkflow } from '../../dataset/canvas';
import type { NodeCatalog } from '../../schemas/catalog/catalog';

/** Fails the test when two nodes cover each other on n8n's canvas (bodies, labels, bolts) or a node is off its grid. */
export function expectOnCanvas<W extends PositionedWorkflow>(workflow: W, catalog: NodeCatalog): W {
  expect(findCanvasOverlaps(workflow, catalog)).toEqual([]);
  const offGrid = workflow.nodes
    .filter((n) => !(Array.isArray(n.position) && n.position.every((v) => Number.isInteger(v) && v % CANVAS_GRID === 0)))
    .map((n) => n.name);
  expect(offGrid).toEqual([]);
  return workflow;
}
