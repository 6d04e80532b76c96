/** flowtune catalog build --package <spec>... | --n8n-url <url> | --n8n-version <v>  [--out <file>] */
import type { Command } from 'commander';
import { writeFileAtomic } from '../../dataset/writer';
import { buildCatalog, serializeCatalog, type PackageDescriptions } from '../../schemas/catalog/build';
import { mergeCatalogs } from '../../schemas/catalog/catalog';
import { fetchN8nDescriptions, fetchPackageDescriptions } from '../../schemas/catalog/fetch';
import { readCatalogFile } from '../../schemas/catalog/load';
import type { Catalog } from '../../schemas/catalog/types';
import { buildN8nCatalog, ensureN8nCatalog, isExactVersion } from '../../schemas/catalog/versions';
import { type CliIO, EXIT_OK } from '../io';
import { UsageError } from '../errors';
import { addCatalogOption, collect } from '../options';

export interface CatalogBuildOptions {
  package: string[];
  n8nUrl?: string;
  n8nEmail?: string;
  n8nPassword?: string;
  /** An exact n8n release: its n8n-nodes-base and @n8n/n8n-nodes-langchain, as it pins them. */
  n8nVersion?: string;
  /** Output file; without it, --n8n-version alone fills the cache that `--n8n-version` on other commands reads. */
  out?: string;
  /** Extra catalog files merged into the output. */
  catalog?: string[];
}

export async function runCatalogBuild(options: CatalogBuildOptions, io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (options.package.length === 0 && !options.n8nUrl && !options.n8nVersion) {
    throw new UsageError('catalog build needs --package <npm-name[@version]> (repeatable), --n8n-url <url> or --n8n-version <version>');
  }
  if (options.n8nVersion !== undefined && !isExactVersion(options.n8nVersion)) {
    throw new UsageError(`--n8n-version must be an exact n8n version like 1.81.4 (got "${options.n8nVersion}")`);
  }
  const log = (line: string) => io.stderr(`${line}\n`);
  if (!options.out) {
    if (!options.n8nVersion || options.package.length > 0 || options.n8nUrl || options.catalog?.length) throw new UsageError('catalog build needs --out <file> (only --n8n-version alone may leave it out: it fills the cache)');
    const file = await ensureN8nCatalog(options.n8nVersion, { log });
    io.stdout(`catalog of n8n ${options.n8nVersion}: ${file}\n`);
    return EXIT_OK;
  }
  const out = options.out;
  const sources: PackageDescriptions[] = [];
  for (const spec of options.package) {
    io.stderr(`reading node descriptions of ${spec}\n`);
    sources.push(await fetchPackageDescriptions(spec));
  }
  if (options.n8nUrl) {
    const email = options.n8nEmail ?? env.N8N_EMAIL;
    const password = options.n8nPassword ?? env.N8N_PASSWORD;
    if (!email || !password) throw new UsageError('--n8n-url needs an owner login: --n8n-email / --n8n-password or N8N_EMAIL / N8N_PASSWORD');
    io.stderr(`reading node descriptions served by ${options.n8nUrl}\n`);
    sources.push(...(await fetchN8nDescriptions(options.n8nUrl, { email, password })));
  }
  const catalogs: Catalog[] = [
    ...(options.n8nVersion ? [await buildN8nCatalog(options.n8nVersion, log)] : []),
    ...(sources.length > 0 ? [buildCatalog(sources)] : []),
    ...(options.catalog ?? []).map(readCatalogFile),
  ];
  const catalog = catalogs.length === 1 ? catalogs[0] : mergeCatalogs(catalogs);
  // An interrupted build never leaves half a catalog.
  writeFileAtomic(out, serializeCatalog(catalog));
  const described = catalog.sources.map((s) => `${s.package} ${s.version} (${s.nodeTypes} types)`).join('; ');
  io.stdout(`wrote ${out}: ${catalog.nodes.length} node types from ${described}\n`);
  return EXIT_OK;
}

/** `flowtune catalog` and its `build`. */
export function registerCatalog(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const catalog = program.command('catalog').description('node catalogs');
  const build = catalog
    .command('build')
    .description('build a catalog from npm packages (community nodes), an n8n release (--n8n-version) or a running n8n (--n8n-url)')
    .option('--package <spec>', 'npm package name[@version] (repeatable)', collect, [])
    .option('--n8n-url <url>', 'read the exact node set of a running n8n (owner login needed)')
    .option('--n8n-email <email>', 'owner e-mail for --n8n-url (or N8N_EMAIL)')
    .option('--n8n-password <password>', 'owner password for --n8n-url (or N8N_PASSWORD)')
    .option('--out <file>', 'catalog file to write (without it, --n8n-version alone builds into the cache folder)');
  addCatalogOption(build).action(async (options) => {
    setExit(await runCatalogBuild(options, io));
  });
}
