/**
 * The one catalog loader: the committed stock catalog (or the catalog of one n8n release),
 * flowtune's own nodes, and any extra catalog files.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../paths';
import { NodeCatalog } from './catalog';
import type { Catalog } from './types';
import { CATALOG_FORMAT_VERSION } from './types';
import { ensureN8nCatalog, n8nCatalogPath } from './versions';
import { FlowtuneError } from '../../core/errors';

/** Where this package's own nodes' catalog lives (built by `npm run catalog:own`, see own.ts). */
export function ownCatalogPath(): string {
  return path.join(packageRoot(), 'schemas', 'catalog', 'flowtune-nodes.json');
}

export const STOCK_CATALOG_FILE = 'n8n-nodes.json';

export function stockCatalogPath(): string {
  return path.join(packageRoot(), 'schemas', 'catalog', STOCK_CATALOG_FILE);
}

export class CatalogFileError extends FlowtuneError {
  declare readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`, { kind: 'invalid_input', file });
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

export interface LoadCatalogOptions {
  /** Extra catalog files (community packages, a live instance's build) merged in order. */
  files?: string[];
  /**
   * Check against exactly this n8n release: its catalog (see versions.ts) replaces the stock
   * one. Loading needs it built already: `prepareCatalog` (or `flowtune … --n8n-version`) builds it.
   */
  n8nVersion?: string;
  /** Where release catalogs are cached (default `<user cache>/flowtune/catalogs`). */
  cacheDir?: string;
}

const loaded = new Map<string, NodeCatalog>();

function readN8nCatalog(version: string, cacheDir?: string): Catalog {
  const file = n8nCatalogPath(version, cacheDir);
  if (!existsSync(file)) {
    throw new CatalogFileError(file, `no catalog of n8n ${version} yet: build it once with \`flowtune catalog build --n8n-version ${version}\` (or prepareCatalog({ n8nVersion }))`);
  }
  return readCatalogFile(file);
}

/**
 * The catalog to validate against: the stock catalog (or the catalog of `n8nVersion`),
 * flowtune's own nodes (present wherever this package is installed), then `files`.
 * Memoised per option set. A plain array is the list of files (the older signature).
 */
export function loadCatalog(options: LoadCatalogOptions | string[] = {}): NodeCatalog {
  const { files = [], n8nVersion, cacheDir } = Array.isArray(options) ? { files: options } : options;
  const own = path.resolve(ownCatalogPath());
  const extra = files.map((f) => path.resolve(f)).filter((f) => f !== own);
  const base = n8nVersion ? n8nCatalogPath(n8nVersion, cacheDir) : stockCatalogPath();
  const key = [base, ...extra].join('\0');
  const cached = loaded.get(key);
  if (cached) return cached;
  const baseCatalog = n8nVersion ? readN8nCatalog(n8nVersion, cacheDir) : readStockCatalog();
  const catalog = NodeCatalog.from([baseCatalog, readOwnCatalog(), ...extra.map(readCatalogFile)]);
  loaded.set(key, catalog);
  return catalog;
}

let ownCatalog: Catalog | undefined;

function readOwnCatalog(): Catalog {
  ownCatalog ??= readCatalogFile(ownCatalogPath());
  return ownCatalog;
}

/** loadCatalog, after building the catalog of `n8nVersion` into the cache when it is not there yet. */
export async function prepareCatalog(options: LoadCatalogOptions & { log?: (line: string) => void } = {}): Promise<NodeCatalog> {
  if (options.n8nVersion) await ensureN8nCatalog(options.n8nVersion, { cacheDir: options.cacheDir, log: options.log });
  return loadCatalog(options);
}
