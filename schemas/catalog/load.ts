/** The one catalog loader: the committed stock catalog plus any extra catalog files. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { NodeCatalog } from './catalog';
import type { Catalog } from './types';
import { CATALOG_FORMAT_VERSION } from './types';

export const STOCK_CATALOG_FILE = 'n8n-nodes.json';

export function stockCatalogPath(): string {
  return path.join(packageRoot(), 'schemas', 'catalog', STOCK_CATALOG_FILE);
}

export class CatalogFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'CatalogFileError';
  }
}

export function readCatalogFile(file: string): Catalog {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CatalogFileError(file, `cannot read catalog (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let parsed: Catalog;
  try {
    parsed = JSON.parse(text) as Catalog;
  } catch (error) {
    throw new CatalogFileError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (parsed?.formatVersion !== CATALOG_FORMAT_VERSION || !Array.isArray(parsed.nodes) || !Array.isArray(parsed.sources)) {
    throw new CatalogFileError(file, `not a flowtune catalog (expected formatVersion ${CATALOG_FORMAT_VERSION}, sources[] and nodes[])`);
  }
  return parsed;
}

let stock: Catalog | undefined;

export function readStockCatalog(): Catalog {
  stock ??= readCatalogFile(stockCatalogPath());
  return stock;
}

const loaded = new Map<string, NodeCatalog>();

/** Stock catalog merged with `extraFiles` (in order). Memoised per file list. */
export function loadCatalog(extraFiles: string[] = []): NodeCatalog {
  const key = extraFiles.map((f) => path.resolve(f)).join('\0');
  const cached = loaded.get(key);
  if (cached) return cached;
  const catalog = NodeCatalog.from([readStockCatalog(), ...extraFiles.map(readCatalogFile)]);
  loaded.set(key, catalog);
  return catalog;
}
