import { existsSync } from 'node:fs';
import * as os from 'node:os';
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

/** The user's cache folder (XDG_CACHE_HOME or ~/.cache on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows). */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches');
  return env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
}
