/** flowtune catalog build --package <spec>... | --n8n-url <url>  --out <file> */
import { writeFileAtomic } from '../../dataset/writer';
import { buildCatalog, serializeCatalog, type PackageDescriptions } from '../../schemas/catalog/build';
import { mergeCatalogs } from '../../schemas/catalog/catalog';
import { fetchN8nDescriptions, fetchPackageDescriptions } from '../../schemas/catalog/fetch';
import { readCatalogFile } from '../../schemas/catalog/load';
import { type CliIO, EXIT_OK } from '../io';

export interface CatalogBuildOptions {
  package: string[];
  n8nUrl?: string;
  n8nEmail?: string;
  n8nPassword?: string;
  out: string;
  /** Extra catalog files merged into the output. */
  catalog?: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export async function runCatalogBuild(options: CatalogBuildOptions, io: CliIO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (options.package.length === 0 && !options.n8nUrl) throw new UsageError('catalog build needs --package <npm-name[@version]> (repeatable) or --n8n-url <url>');
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
  const built = buildCatalog(sources);
  const catalog = options.catalog?.length ? mergeCatalogs([built, ...options.catalog.map(readCatalogFile)]) : built;
  // An interrupted build never leaves half a catalog.
  writeFileAtomic(options.out, serializeCatalog(catalog));
  const described = catalog.sources.map((s) => `${s.package} ${s.version} (${s.nodeTypes} types)`).join('; ');
  io.stdout(`wrote ${options.out}: ${catalog.nodes.length} node types from ${described}\n`);
  return EXIT_OK;
}
