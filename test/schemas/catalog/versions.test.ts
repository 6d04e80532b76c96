/**
 * The catalog of one n8n release (schemas/catalog/versions.ts via loadCatalog({ n8nVersion })):
 * it replaces the stock one; uncached and inexact versions; `flowtune validate --n8n-version`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../../cli/main';
import type { CliIO } from '../../../cli/io';
import { serializeCatalog } from '../../../schemas/catalog/build';
import { loadCatalog, prepareCatalog, readStockCatalog } from '../../../schemas/catalog/load';
import type { Catalog } from '../../../schemas/catalog/types';
import { validateWorkflow } from '../../../schemas/validator';
import { baseWorkflow, link, node } from '../../helpers/workflows';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the catalog of one n8n release (--n8n-version)', () => {
  // A fixture stands in for a built release catalog (the real build from npm runs in
  // test/catalog-release.e2e.test.ts): what matters here is that it replaces the stock one.
  const older = (): Catalog => {
    const stock = readStockCatalog();
    const pick = (type: string) => stock.nodes.find((n) => n.type === type)!;
    const ifNode = pick('n8n-nodes-base.if');
    const ifTo22 = { ...ifNode, versions: ifNode.versions.filter((v) => v <= 2.2), defaultVersion: 2.2, variants: ifNode.variants.map((v) => ({ ...v, versions: v.versions.filter((x) => x <= 2.2) })).filter((v) => v.versions.length > 0) };
    return { formatVersion: 1, sources: [{ package: 'n8n-nodes-base', version: '1.80.3', nodeTypes: 2 }], nodes: [pick('n8n-nodes-base.manualTrigger'), ifTo22] };
  };
  const ifAt = (version: number) => baseWorkflow([node('If', 'if', version, {})], { Set: { main: [[link('If')]] } });
  let cacheDir: string;
  beforeAll(() => {
    cacheDir = mkdtempSync(path.join(tmp, 'releases-'));
    writeFileSync(path.join(cacheDir, 'n8n-1.81.4.json'), serializeCatalog(older()));
  });

  it('replaces the stock catalog: an If at typeVersion 2.3 is rejected by an n8n whose If stops at 2.2', () => {
    const release = loadCatalog({ n8nVersion: '1.81.4', cacheDir });
    expect(release.get('n8n-nodes-base.if')!.entry.versions).toEqual([1, 2, 2.1, 2.2]);
    const r = validateWorkflow(ifAt(2.3), { catalog: release });
    expect(r.errors.map((e) => e.code)).toContain('UNKNOWN_TYPE_VERSION');
    expect(validateWorkflow(ifAt(2.3), { catalog: loadCatalog() }).errors.map((e) => e.code)).not.toContain('UNKNOWN_TYPE_VERSION');
    // Replaced, not merged: what that n8n lacks is unknown; flowtune's own nodes stay.
    expect(release.has('n8n-nodes-base.slack')).toBe(false);
    expect(release.has('n8n-nodes-flowtune.workflowGenerator')).toBe(true);
    expect(loadCatalog({ n8nVersion: '1.81.4', cacheDir })).toBe(release);
  });

  it('says how to build a release catalog that is not cached, and refuses inexact versions', async () => {
    expect(() => loadCatalog({ n8nVersion: '1.70.0', cacheDir })).toThrow(/no catalog of n8n 1\.70\.0 yet: build it once with `flowtune catalog build --n8n-version 1\.70\.0`/);
    expect(() => loadCatalog({ n8nVersion: 'latest', cacheDir })).toThrow(/not an exact n8n version/);
    expect(() => loadCatalog({ n8nVersion: '../../etc/passwd', cacheDir })).toThrow(/not an exact n8n version/);
    // Cached already: prepareCatalog does not go to npm.
    expect(await prepareCatalog({ n8nVersion: '1.81.4', cacheDir })).toBe(loadCatalog({ n8nVersion: '1.81.4', cacheDir }));
  });

  it('flowtune validate --n8n-version: a usage error for a version that is not exact', async () => {
    const out: string[] = [];
    const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), readStdin: () => '', color: false };
    const file = path.join(tmp, 'if23.json');
    writeFileSync(file, JSON.stringify(ifAt(2.3)));
    expect(await runCli(['validate', file, '--n8n-version', '1.x'], io)).toBe(2);
    expect(out.join('')).toMatch(/--n8n-version must be an exact n8n version/);
  });

  it('flowtune validate --n8n-version reads the release catalog from the user cache folder', async () => {
    const out: string[] = [];
    const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => out.push(t), readStdin: () => '', color: false };
    const file = path.join(tmp, 'if23-cache.json');
    writeFileSync(file, JSON.stringify(ifAt(2.3)));
    const saved = process.env.XDG_CACHE_HOME;
    const home = mkdtempSync(path.join(tmp, 'xdg-'));
    mkdirSync(path.join(home, 'flowtune', 'catalogs'), { recursive: true });
    writeFileSync(path.join(home, 'flowtune', 'catalogs', 'n8n-1.81.4.json'), serializeCatalog(older()));
    process.env.XDG_CACHE_HOME = home;
    try {
      if (process.platform !== 'linux') return;
      expect(await runCli(['validate', file, '--json', '--n8n-version', '1.81.4'], io)).toBe(1);
      expect(out.join('')).toContain('UNKNOWN_TYPE_VERSION');
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
