/** Builders and lookups for catalog tests: hand-written node descriptions and catalog entries by type. */
import type { PackageDescriptions, RawNodeDescription } from '../../schemas/catalog/build';
import type { Catalog, CatalogNodeType, CatalogProperty } from '../../schemas/catalog/types';

/** The package hand-written descriptions belong to unless a test names another. */
export const PKG = 'n8n-nodes-test';

export const findNode = (catalog: Catalog, type: string): CatalogNodeType => {
  const found = catalog.nodes.find((n) => n.type === type);
  if (!found) throw new Error(`${type} is not in the catalog`);
  return found;
};

export const propNames = (props: CatalogProperty[]) => props.map((p) => p.name);

export const source = (descriptions: RawNodeDescription[], pkg = PKG, version = '1.0.0'): PackageDescriptions => ({ package: pkg, version, descriptions });

/** A minimal node description as n8n serves it: a transform node with one main input and output. */
export const desc = (name: string, version: number | number[], extra: Partial<RawNodeDescription> & Record<string, unknown> = {}): RawNodeDescription => ({
  name,
  displayName: name[0].toUpperCase() + name.slice(1),
  group: ['transform'],
  version,
  inputs: ['main'],
  outputs: ['main'],
  properties: [],
  ...extra,
});
