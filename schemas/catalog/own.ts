/**
 * This package's own nodes as a catalog (`schemas/catalog/flowtune-nodes.json`), which
 * loadCatalog() always includes: workflows using them — the examples, or a user's —
 * validate by default. Built from the compiled node classes by `npm run catalog:update`;
 * a test keeps it in step with the node descriptions.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { buildCatalog } from './build';
import { descriptionsFromPackageDir } from './fetch';
import type { Catalog } from './types';

export { ownCatalogPath } from './load';

/** Catalog of the package's nodes, read from the compiled classes its package.json lists. */
export function buildOwnCatalog(root = packageRoot()): Catalog {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return buildCatalog([{ package: manifest.name, version: manifest.version, descriptions: descriptionsFromPackageDir(root, manifest.name) }]);
}
