import { existsSync } from 'node:fs';
import * as path from 'node:path';

let cachedRoot: string | undefined;

/**
 * The package root (where package.json and schemas/ live), whether running from
 * TypeScript sources (tests) or from the compiled dist/ tree.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'schemas', 'catalog', 'n8n-nodes.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`flowtune: cannot find schemas/catalog/n8n-nodes.json above ${__dirname}`);
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}
