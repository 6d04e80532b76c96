/**
 * npm run catalog:update — regenerate schemas/catalog/n8n-nodes.json from the newest
 * published n8n-nodes-base and @n8n/n8n-nodes-langchain tarballs, and
 * schemas/catalog/flowtune-nodes.json from this package's compiled nodes
 * (`--own-only`: just that one, offline).
 */
import { writeFileSync, renameSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { buildCatalog, serializeCatalog } from '../schemas/catalog/build';
import { fetchPackageDescriptions } from '../schemas/catalog/fetch';
import { N8N_PACKAGES } from '../schemas/catalog/catalog';
import { stockCatalogPath } from '../schemas/catalog/load';
import { buildOwnCatalog, ownCatalogPath } from '../schemas/catalog/own';

function newestVersion(pkg: string): string {
  return execFileSync('npm', ['view', pkg, 'version'], { encoding: 'utf8' }).trim();
}

/** The package's own nodes (from dist/, so run after the build). */
function updateOwnCatalog(): void {
  const own = buildOwnCatalog();
  const file = ownCatalogPath();
  writeFileSync(`${file}.tmp`, serializeCatalog(own));
  renameSync(`${file}.tmp`, file);
  process.stderr.write(`wrote ${file}: ${own.nodes.map((n) => n.type).join(', ')}\n`);
}

async function main(): Promise<void> {
  updateOwnCatalog();
  if (process.argv.includes('--own-only')) return;
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
  const tools = catalog.nodes.filter((n) => n.toolOf && !n.hitl).length;
  const hitl = catalog.nodes.filter((n) => n.hitl).length;
  process.stderr.write(
    `wrote ${out}: ${catalog.nodes.length} node types (${tools} runtime Tool and ${hitl} HitlTool variants) from ${catalog.sources
      .map((s) => `${s.package}@${s.version}`)
      .join(', ')}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
