/**
 * The package's own nodes as a catalog (schemas/catalog/own.ts).
 */
import { readFileSync } from 'node:fs';
import { serializeCatalog } from '../../../schemas/catalog/build';
import { buildOwnCatalog, ownCatalogPath } from '../../../schemas/catalog/own';

describe("the package's own nodes as a catalog", () => {
  it('is in step with the compiled node descriptions (npm run catalog:own)', () => {
    const committed = readFileSync(ownCatalogPath(), 'utf8');
    expect(serializeCatalog(buildOwnCatalog())).toBe(committed);
    const types = (JSON.parse(committed) as { nodes: Array<{ type: string }> }).nodes.map((n) => n.type);
    expect(types).toEqual(expect.arrayContaining(['n8n-nodes-flowtune.fineTune', 'n8n-nodes-flowtune.fineTunedChat', 'n8n-nodes-flowtune.workflowGenerator']));
  });
});
