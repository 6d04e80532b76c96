/**
 * npm run catalog:update — regenerate schemas/catalog/n8n-nodes.json from the newest
 * published n8n-nodes-base and @n8n/n8n-nodes-langchain tarballs.
 */
import { writeFileSync, renameSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { buildCatalog, serializeCatalog } from '../schemas/catalog/build';
import { fetchPackageDescriptions } from '../schemas/catalog/fetch';
import { N8N_PACKAGES } from '../schemas/catalog/catalog';
import { stockCatalogPath } from '../schemas/catalog/load';

function newestVersion(pkg: string): string {
  return execFileSync('npm', ['view', pkg, 'version'], { encoding: 'utf8' }).trim();
}

async function main(): Promise<void> {
  const sources = [];
  for (const pkg of N8N_PACKAGES) {
    const spec = `${pkg}@${newestVersion(pkg)}`;
    process.stderr.write(`fetching ${spec}\n`);
    sources.push(await fetchPackageDescriptions(spec));
  }
  const catalog = buildCatalog(sources);
  const out = stockCatalogPath();
  writeFileSync(`${out}.tmp`, serializeCatalog(catalog));
  renameSync(`${out}.tmp`, out);
  const tools = catalog.nodes.filter((n) => n.toolOf).length;
  process.stderr.write(
    `wrote ${out}: ${catalog.nodes.length} node types (${tools} runtime Tool variants) from ${catalog.sources
      .map((s) => `${s.package}@${s.version}`)
      .join(', ')}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
