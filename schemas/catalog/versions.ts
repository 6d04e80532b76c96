/**
 * The catalog of one exact n8n release: built once from the n8n-nodes-base and
 * @n8n/n8n-nodes-langchain versions that `n8n@<version>` depends on (npm), then kept
 * in the user cache folder. It replaces the stock catalog, so a workflow is checked
 * against the n8n its user runs.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { userCacheDir } from '../paths';
import { buildCatalog, serializeCatalog, type PackageDescriptions } from './build';
import { N8N_PACKAGES } from './catalog';
import { CatalogSourceError, fetchPackageDescriptions } from './fetch';
import type { Catalog } from './types';

const run = promisify(execFile);

/** An exact release (`1.81.4`, `2.0.0-rc.1`): no ranges, no tags, safe as a file name. */
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export function isExactVersion(version: string): boolean {
  return EXACT_VERSION.test(version);
}

export function defaultCatalogCacheDir(): string {
  return path.join(userCacheDir(), 'flowtune', 'catalogs');
}

export function n8nCatalogPath(version: string, cacheDir = defaultCatalogCacheDir()): string {
  if (!isExactVersion(version)) throw new CatalogSourceError(`"${version}" is not an exact n8n version (like 1.81.4)`);
  return path.join(cacheDir, `n8n-${version}.json`);
}

/** n8n 2.0 started generating `<name>HitlTool` types (n8n-io/n8n#22315). */
export function generatesHitlTools(version: string): boolean {
  return Number(version.split('.')[0]) >= 2;
}

/** `n8n-nodes-base@x` and `@n8n/n8n-nodes-langchain@y` exactly as `n8n@<version>` pins them. */
export async function n8nReleasePackages(version: string): Promise<string[]> {
  if (!isExactVersion(version)) throw new CatalogSourceError(`"${version}" is not an exact n8n version (like 1.81.4)`);
  let dependencies: Record<string, string>;
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout } = await run(npm, ['view', `n8n@${version}`, 'dependencies', '--json'], { maxBuffer: 16 * 1024 * 1024 });
    dependencies = JSON.parse(stdout) as Record<string, string>;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    if (/E404|No match found/.test(stderr)) throw new CatalogSourceError(`n8n ${version} is not a published n8n release`);
    throw new CatalogSourceError(`npm view n8n@${version} failed: ${stderr.split('\n').find((l) => /ERR/.test(l)) ?? String(error)}`);
  }
  return N8N_PACKAGES.map((pkg) => {
    const pinned = dependencies?.[pkg];
    if (!pinned || !isExactVersion(pinned)) throw new CatalogSourceError(`n8n@${version} does not pin an exact ${pkg} version (found ${pinned ?? 'none'})`);
    return `${pkg}@${pinned}`;
  });
}

/** Build the catalog of n8n `version` from npm (two tarballs; no cache involved). */
export async function buildN8nCatalog(version: string, log: (line: string) => void = () => {}): Promise<Catalog> {
  const sources: PackageDescriptions[] = [];
  for (const spec of await n8nReleasePackages(version)) {
    log(`reading node descriptions of ${spec} (n8n ${version})`);
    sources.push(await fetchPackageDescriptions(spec));
  }
  return buildCatalog(sources, { hitlTools: generatesHitlTools(version) });
}

/** The cached catalog file of n8n `version`, built first if missing. */
export async function ensureN8nCatalog(version: string, options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<string> {
  const file = n8nCatalogPath(version, options.cacheDir);
  if (existsSync(file)) return file;
  const catalog = await buildN8nCatalog(version, options.log);
  mkdirSync(path.dirname(file), { recursive: true });
  // Written whole or not at all: a concurrent or interrupted build never leaves half a catalog.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, serializeCatalog(catalog));
  renameSync(temp, file);
  return file;
}
