/**
 * NodeCatalog and mergeCatalogs (schemas/catalog/catalog.ts): extra catalog files merged into the
 * stock one, per-variant lookups, and reading catalog files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCatalog, serializeCatalog } from '../../../schemas/catalog/build';
import { mergeCatalogs, NodeCatalog } from '../../../schemas/catalog/catalog';
import { CatalogFileError, loadCatalog, readCatalogFile } from '../../../schemas/catalog/load';
import { findNode, propNames, source, desc } from '../../helpers/catalog';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// mergeCatalogs
// ---------------------------------------------------------------------------

describe('mergeCatalogs', () => {
  const base = () =>
    buildCatalog([
      source(
        [
          desc('alpha', [1, 2], { properties: [{ name: 'fromBase', type: 'string', default: '' }] }),
          desc('beta', 1, { usableAsTool: true }),
        ],
        'n8n-nodes-x',
        '1.0.0',
      ),
    ]);
  const extra = () =>
    buildCatalog([
      source(
        [
          desc('alpha', [2, 3], { properties: [{ name: 'fromExtra', type: 'string', default: '' }] }),
          desc('alpha', 4, { properties: [{ name: 'fromExtraV4', type: 'string', default: '' }] }),
          desc('gamma', 1),
        ],
        'n8n-nodes-x',
        '0.9.0',
      ),
    ]);

  it('adds new types and variants only for unknown versions', () => {
    const merged = mergeCatalogs([base(), extra()]);
    expect(merged.formatVersion).toBe(1);
    expect(merged.sources.map((s) => s.version)).toEqual(['1.0.0', '0.9.0']);
    expect(merged.nodes.map((n) => n.type).sort()).toEqual(['n8n-nodes-x.alpha', 'n8n-nodes-x.beta', 'n8n-nodes-x.betaTool', 'n8n-nodes-x.gamma']);
    const alpha = findNode(merged, 'n8n-nodes-x.alpha');
    expect(alpha.versions).toEqual([1, 2, 3, 4]);
    expect(alpha.defaultVersion).toBe(4);
    expect(alpha.variants.map((v) => [v.versions, propNames(v.properties)])).toEqual([
      [[1, 2], ['fromBase']],
      [[3], ['fromExtra']],
      [[4], ['fromExtraV4']],
    ]);
    const info = new NodeCatalog(merged).get('n8n-nodes-x.alpha')!;
    expect(propNames(info.variantFor(2)!.properties)).toEqual(['fromBase']);
    expect(propNames(info.variantFor(3)!.properties)).toEqual(['fromExtra']);
  });

  it('the first catalog wins for versions both know, whichever order', () => {
    const merged = mergeCatalogs([extra(), base()]);
    const info = new NodeCatalog(merged).get('n8n-nodes-x.alpha')!;
    expect(propNames(info.variantFor(1)!.properties)).toEqual(['fromBase']);
    expect(propNames(info.variantFor(2)!.properties)).toEqual(['fromExtra']);
  });

  it('a type fully known adds nothing, and the inputs are not mutated', () => {
    const a = base();
    const b = base();
    const snapshot = JSON.stringify([a, b]);
    const merged = mergeCatalogs([a, b]);
    expect(findNode(merged, 'n8n-nodes-x.alpha').variants).toHaveLength(1);
    expect(JSON.stringify([a, b])).toBe(snapshot);
  });

  it('NodeCatalog.from and loadCatalog merge extra catalog files into the stock one', () => {
    const extraCatalog = buildCatalog([source([desc('acme', 1, { usableAsTool: true, properties: [{ name: 'color', type: 'string', default: '' }] })], 'n8n-nodes-acme', '0.1.0')]);
    // An older If with an unknown version 0.5: a new variant; the stock versions are untouched.
    const olderIf = buildCatalog([source([desc('if', [0.5, 2], { properties: [{ name: 'legacyOnly', type: 'string', default: '' }] })], 'n8n-nodes-base', '0.200.0')]);
    const dir = mkdtempSync(path.join(tmp, 'merge-'));
    const files = [path.join(dir, 'acme.json'), path.join(dir, 'old-if.json')];
    writeFileSync(files[0], serializeCatalog(extraCatalog));
    writeFileSync(files[1], serializeCatalog(olderIf));
    const catalog = loadCatalog(files);
    expect(catalog).not.toBe(loadCatalog());
    expect(loadCatalog(files)).toBe(catalog);
    expect(catalog.has('n8n-nodes-acme.acme')).toBe(true);
    expect(catalog.has('n8n-nodes-acme.acmeTool')).toBe(true);
    expect(catalog.hasPackage('n8n-nodes-acme')).toBe(true);
    expect(catalog.has('n8n-nodes-base.slack')).toBe(true);
    const ifInfo = catalog.get('n8n-nodes-base.if')!;
    expect(ifInfo.entry.versions).toEqual([0.5, 1, 2, 2.1, 2.2, 2.3]);
    expect(propNames(ifInfo.variantFor(0.5)!.properties)).toEqual(['legacyOnly']);
    expect(propNames(ifInfo.variantFor(2)!.properties)).not.toContain('legacyOnly');
    expect(catalog.sources.map((s) => s.package)).toEqual(['n8n-nodes-base', '@n8n/n8n-nodes-langchain', 'n8n-nodes-flowtune', 'n8n-nodes-acme', 'n8n-nodes-base']);
    // The stock catalog itself is not changed by merging.
    expect(loadCatalog().get('n8n-nodes-base.if')!.entry.versions).toEqual([1, 2, 2.1, 2.2, 2.3]);
  });

  it('readCatalogFile rejects missing, non-JSON and non-catalog files', () => {
    const dir = mkdtempSync(path.join(tmp, 'bad-'));
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{');
    const wrongFormat = path.join(dir, 'wrong.json');
    writeFileSync(wrongFormat, JSON.stringify({ formatVersion: 2, sources: [], nodes: [] }));
    expect(() => readCatalogFile(path.join(dir, 'missing.json'))).toThrow(CatalogFileError);
    expect(() => readCatalogFile(notJson)).toThrow(/not valid JSON/);
    expect(() => readCatalogFile(wrongFormat)).toThrow(/not a flowtune catalog/);
  });
});
