/**
 * `flowtune catalog build --n8n-url` against the real, pinned n8n with this package installed
 * as a community package: the instance's exact node set, community nodes and the types n8n
 * generated (Tool, HitlTool) included. Its HitlTool types must be the ones flowtune derives
 * for that release from npm (`--n8n-version`), so the derivation is checked against n8n itself.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { NodeCatalog } from '../../schemas/catalog/catalog';
import { prepareCatalog } from '../../schemas/catalog/load';
import type { Catalog } from '../../schemas/catalog/types';
import { packPackage, startN8n, type RunningN8n } from './harness';

jest.setTimeout(600_000);

describe('catalog build --n8n-url (real n8n)', () => {
  let n8n: RunningN8n | undefined;
  let tarball: string | undefined;
  const out = path.join(tmpdir(), `flowtune-live-catalog-${process.pid}.json`);

  beforeAll(async () => {
    tarball = packPackage();
    n8n = await startN8n({ packageTarball: tarball });
  });

  afterAll(async () => {
    await n8n?.stop();
    if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
    rmSync(out, { force: true });
  });

  it('reads the instance’s node types, community nodes and generated types included', async () => {
    const lines: string[] = [];
    const io: CliIO = { stdout: (t) => lines.push(t), stderr: (t) => lines.push(t), readStdin: () => '', color: false };
    const { url, email, password, version } = n8n!;
    expect(await runCli(['catalog', 'build', '--n8n-url', url, '--n8n-email', email, '--n8n-password', password, '--out', out], io)).toBe(0);
    const live = JSON.parse(readFileSync(out, 'utf8')) as Catalog;
    expect(live.sources.map((s) => [s.package, s.version])).toEqual(
      expect.arrayContaining([
        ['n8n-nodes-base', `n8n@${version}`],
        ['@n8n/n8n-nodes-langchain', `n8n@${version}`],
        ['n8n-nodes-flowtune', `n8n@${version}`],
      ]),
    );
    const catalog = new NodeCatalog(live);
    expect(catalog.has('n8n-nodes-flowtune.workflowGenerator')).toBe(true);
    expect(catalog.has('n8n-nodes-base.slackTool')).toBe(true);
    expect(catalog.has('n8n-nodes-base.slackHitlTool')).toBe(true);

    // What n8n generated vs what flowtune derives for the same release from npm.
    const release = await prepareCatalog({ n8nVersion: version, cacheDir: path.join(tmpdir(), 'flowtune-e2e-catalogs') });
    const hitl = (types: Iterable<string>) => [...types].filter((t) => t.endsWith('HitlTool')).sort();
    expect(hitl(live.nodes.map((n) => n.type))).toEqual(hitl([...release.types()].map((t) => t.type)));
    for (const type of hitl(live.nodes.map((n) => n.type))) {
      expect({ type, versions: catalog.get(type)!.entry.versions }).toEqual({ type, versions: release.get(type)!.entry.versions });
      const v = catalog.get(type)!.entry.defaultVersion;
      const names = (c: NodeCatalog) => [...new Set(c.get(type)!.variantFor(v)!.properties.map((p) => p.name))].sort();
      // Same parameters as n8n's own HitlTool description (n8n's filterHitlToolProperties).
      expect({ type, names: names(release) }).toEqual({ type, names: names(catalog) });
    }
  });
});
