/**
 * The n8n release that the end-to-end tests run against, and where it is installed.
 *
 * Shared by scripts/n8n-install.ts (which installs it) and test/n8n/harness.ts (which starts it).
 * Bump N8N_VERSION here and nowhere else; the default install folder is versioned, so a bump
 * installs next to the old one instead of on top of it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Pinned n8n release. 2.38+ needs Node 24; several other 2.x releases pin sub-packages the registry lacks. */
export const N8N_VERSION = '2.8.4';

/**
 * npm overrides written into the install folder's package.json. Every n8n release depends on `xlsx`
 * through a SheetJS CDN tarball that is not on the npm registry; 0.18.5 is the last registry release.
 */
export const N8N_OVERRIDES: Readonly<Record<string, string>> = { xlsx: '0.18.5' };

/** n8n 2.8.4's engines field says `node >=20.19 <=24.x`. */
export const N8N_MIN_NODE = '20.19.0';

/** Environment variable that overrides the install folder. */
export const N8N_DIR_ENV = 'FLOWTUNE_N8N_DIR';

/** Written into the install folder only after `npm install` succeeded and the install was verified. */
export const N8N_MARKER_FILE = '.flowtune-n8n-installed.json';

/** Written before `npm install` starts and removed after the marker is written: if present, an install was interrupted. */
export const N8N_STARTED_FILE = '.flowtune-n8n-install-started';

export interface N8nInstallMarker {
  version: string;
  node: string;
  installedAt: string;
  durationMs: number;
}

/** `FLOWTUNE_N8N_DIR` (a leading `~` is expanded) or `~/.cache/flowtune/n8n-<version>`. */
export function n8nInstallDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[N8N_DIR_ENV]?.trim();
  if (configured) {
    const expanded = configured === '~' || configured.startsWith('~/') ? join(homedir(), configured.slice(1)) : configured;
    return resolve(expanded);
  }
  return join(homedir(), '.cache', 'flowtune', `n8n-${N8N_VERSION}`);
}

/** The n8n CLI entry point (a plain JS file; run it with `process.execPath`). */
export function n8nBinPath(dir: string): string {
  return join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** Version of `node_modules/n8n` in `dir`, or undefined when it is missing or unreadable. */
export function installedN8nVersion(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

export type N8nInstallState =
  | { installed: true; dir: string; marker: N8nInstallMarker }
  | { installed: false; dir: string; reason: string };

/** Cheap check (no process spawned): marker present for N8N_VERSION and node_modules/n8n at that version. */
export function n8nInstallState(dir: string = n8nInstallDir()): N8nInstallState {
  const markerPath = join(dir, N8N_MARKER_FILE);
  if (!existsSync(markerPath)) {
    return { installed: false, dir, reason: `no install marker ${markerPath}` };
  }
  let marker: N8nInstallMarker;
  try {
    marker = JSON.parse(readFileSync(markerPath, 'utf8')) as N8nInstallMarker;
  } catch (error) {
    return { installed: false, dir, reason: `unreadable install marker ${markerPath}: ${(error as Error).message}` };
  }
  if (marker.version !== N8N_VERSION) {
    return { installed: false, dir, reason: `install marker says n8n ${String(marker.version)}, expected ${N8N_VERSION}` };
  }
  if (existsSync(join(dir, N8N_STARTED_FILE))) {
    return { installed: false, dir, reason: 'a reinstall was started and has not finished' };
  }
  const actual = installedN8nVersion(dir);
  if (actual !== N8N_VERSION) {
    return { installed: false, dir, reason: `node_modules/n8n is ${actual ?? 'missing'}, expected ${N8N_VERSION}` };
  }
  if (!existsSync(n8nBinPath(dir))) {
    return { installed: false, dir, reason: `missing ${n8nBinPath(dir)}` };
  }
  return { installed: true, dir, marker };
}

/** The command that installs n8n, for error messages. */
export const N8N_INSTALL_HINT = 'npm run build && node dist/scripts/n8n-install.js';
