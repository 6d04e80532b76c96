/**
 * The real thing behind --n8n-version: the catalog of n8n 1.81.4 built from npm
 * (n8n-nodes-base@1.80.3 and @n8n/n8n-nodes-langchain@1.81.3, as n8n@1.81.4 pins them).
 * Needs the npm registry; the build is cached in the temp folder, so reruns are fast.
 * The offline tests of the same semantics use a fixture (test/catalog.test.ts).
 */
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { prepareCatalog } from '../schemas/catalog/load';
import { n8nReleasePackages } from '../schemas/catalog/versions';
import { validateWorkflow } from '../schemas/validator';
import { baseWorkflow, link, node } from './helpers/workflows';

const cacheDir = path.join(tmpdir(), 'flowtune-e2e-catalogs');

describe('the catalog of n8n 1.81.4, built from npm', () => {
  it('pins the node packages that release depends on', async () => {
    expect(await n8nReleasePackages('1.81.4')).toEqual(['n8n-nodes-base@1.80.3', '@n8n/n8n-nodes-langchain@1.81.3']);
    await expect(n8nReleasePackages('99.0.0')).rejects.toThrow(/not a published n8n release/);
  });

  it('rejects a typeVersion newer than that release, accepts its own, and has no HitlTool types (n8n < 2.0)', async () => {
    const catalog = await prepareCatalog({ n8nVersion: '1.81.4', cacheDir });
    expect(catalog.sources.map((s) => `${s.package}@${s.version}`)).toEqual(['n8n-nodes-base@1.80.3', '@n8n/n8n-nodes-langchain@1.81.3', expect.stringMatching(/^n8n-nodes-flowtune@/)]);
    const ifAt = (v: number) => baseWorkflow([node('If', 'if', v, {})], { Set: { main: [[link('If')]] } });
    expect(validateWorkflow(ifAt(2.3), { catalog }).errors.map((e) => e.code)).toEqual(['UNKNOWN_TYPE_VERSION']);
    expect(validateWorkflow(ifAt(2.2), { catalog }).valid).toBe(true);
    expect(catalog.has('n8n-nodes-base.slackTool')).toBe(true);
    expect([...catalog.types()].filter((t) => t.entry.hitl)).toEqual([]);
  });
});
