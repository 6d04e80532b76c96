/**
 * Part of `npm run build`: n8n loads node icons and codex files from beside the compiled
 * node files, so they are copied into dist/ with the same layout.
 */
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../schemas/paths';

const ASSET = /\.(svg|png|node\.json)$/;

function copyTree(from: string, to: string): number {
  let copied = 0;
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) copied += copyTree(source, path.join(to, entry.name));
    else if (ASSET.test(entry.name)) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, path.join(to, entry.name));
      copied++;
    }
  }
  return copied;
}

const root = packageRoot();
let total = 0;
for (const folder of ['icons', 'nodes', 'credentials']) total += copyTree(path.join(root, folder), path.join(root, 'dist', folder));
process.stdout.write(`copied ${total} node assets into dist/\n`);
