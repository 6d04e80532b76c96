/**
 * Where the n8n.io templates database (`data/nodes.db` of the npm package n8n-mcp) comes
 * from. n8n-mcp is not a dependency: with its server stack and a native SQLite build it
 * would be most of an install that n8n loads into every instance, while only this one
 * file is read, and only by dataset builds from `templates`.
 *
 * In order: a file the user names (`--templates-db`); an installed n8n-mcp; the copy in
 * the user cache folder; else the pinned n8n-mcp tarball, downloaded from the npm
 * registry the user already uses, checked against a pinned integrity hash, with only
 * `data/nodes.db` extracted (temp file, then rename: a cut download leaves nothing).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { Parser, type ReadEntry } from 'tar';
import { userCacheDir } from '../../schemas/paths';
import { FlowtuneError, type ErrorData } from '../../core/errors';

/** The n8n-mcp release whose templates a build reads (the dev dependency of the same version is the tests' ground truth). */
export const TEMPLATES_PACKAGE = {
  name: 'n8n-mcp',
  version: '2.87.0',
  /** `dist.integrity` of that version on the npm registry. */
  integrity: 'sha512-xadw4KMsqP9CIPnvAVcuBTysY2S/87pO5nGuHS7dda655am+uY6qicnLA7QUxe/SJzaU2BtX8O4qtsmn8HLtbw==',
  /** The file inside the tarball. */
  entry: 'package/data/nodes.db',
} as const;

export type TemplatesPackage = { name: string; version: string; integrity: string; entry: string };

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';

/** No byte of the download for this long: the registry is not answering. */
const IDLE_TIMEOUT_MS = 30_000;

/** The templates database could not be found, downloaded or read. */
export class TemplatesDbError extends FlowtuneError {
  constructor(message: string, data: Omit<ErrorData, 'kind'> = {}) {
    super(message, { kind: 'io', ...data });
    this.name = 'TemplatesDbError';
  }
}

export interface DownloadProgress {
  /** The tarball's address. */
  url: string;
  received: number;
  /** From Content-Length; undefined when the registry does not say. */
  total?: number;
  done: boolean;
}

export interface TemplatesDbOptions {
  /** A nodes.db the user has (`--templates-db`): used as is, never downloaded. */
  templatesDb?: string;
  /** Cache folder (default: the user cache folder's `flowtune/`). */
  cacheDir?: string;
  /** npm registry base URL (default: the one npm is configured with). */
  registry?: string;
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** For tests: another package, integrity and entry. */
  pin?: TemplatesPackage;
  /** For tests: an installed-package lookup other than Node's resolution. */
  findInstalled?: () => string | undefined;
  /** Give up when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
}

/** `data/nodes.db` of an n8n-mcp installed beside flowtune (its `exports` map hides data/: go from its entry point). */
export function installedTemplatesDb(pin: TemplatesPackage = TEMPLATES_PACKAGE): string | undefined {
  let entry: string;
  try {
    entry = require.resolve(pin.name);
  } catch {
    return undefined;
  }
  for (let dir = path.dirname(entry); ; dir = path.dirname(dir)) {
    if (path.basename(dir) === pin.name && existsSync(path.join(dir, 'package.json'))) {
      const file = path.join(dir, pin.entry.replace(/^package\//, ''));
      return existsSync(file) ? file : undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where a downloaded copy lives: one file per pinned version. */
export function cachedTemplatesDbPath(cacheDir = path.join(userCacheDir(), 'flowtune'), pin: TemplatesPackage = TEMPLATES_PACKAGE): string {
  return path.join(cacheDir, `${pin.name}-${pin.version}`, path.basename(pin.entry));
}

/** The registry npm is configured with (user and global .npmrc, env), else the public one. */
export async function configuredNpmRegistry(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env.npm_config_registry ?? env.NPM_CONFIG_REGISTRY;
  if (fromEnv) return fromEnv;
  try {
    const { stdout } = await promisify(execFile)(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['config', 'get', 'registry'], {
      timeout: 10_000,
      shell: process.platform === 'win32',
    });
    const registry = stdout.trim();
    if (/^https?:\/\//.test(registry)) return registry;
  } catch {
    // No npm where flowtune runs (a slim n8n image): the public registry.
  }
  return DEFAULT_NPM_REGISTRY;
}

/** `<registry>/<name>/-/<name>-<version>.tgz`, the layout every npm registry serves. */
export function tarballUrl(registry: string, pin: TemplatesPackage = TEMPLATES_PACKAGE): string {
  const base = registry.endsWith('/') ? registry : `${registry}/`;
  const file = `${pin.name.split('/').pop()}-${pin.version}.tgz`;
  return new URL(`${pin.name}/-/${file}`, base).toString();
}

/** The templates database to read, downloading it once when no copy is at hand. */
export async function resolveTemplatesDb(options: TemplatesDbOptions = {}): Promise<string> {
  const pin = options.pin ?? TEMPLATES_PACKAGE;
  if (options.templatesDb !== undefined) {
    const file = path.resolve(options.templatesDb);
    if (!existsSync(file) || !statSync(file).isFile()) throw new TemplatesDbError(`${file}: no such templates database (--templates-db)`);
    return file;
  }
  const installed = (options.findInstalled ?? (() => installedTemplatesDb(pin)))();
  if (installed) return installed;
  const cached = cachedTemplatesDbPath(options.cacheDir, pin);
  if (existsSync(cached)) return cached;
  await downloadTemplatesDb(tarballUrl(options.registry ?? (await configuredNpmRegistry()), pin), cached, { ...options, pin });
  return cached;
}

/** sha512-… of the bytes, the form of npm's `dist.integrity`. */
function integrityOf(hash: ReturnType<typeof createHash>): string {
  return `sha512-${hash.digest('base64')}`;
}

/**
 * Stream the tarball once: hash every byte, and extract the one entry to a temp file
 * beside `destination`, renamed only when the hash matches the pin.
 */
export async function downloadTemplatesDb(
  url: string,
  destination: string,
  { pin, onDownloadProgress: onProgress, idleTimeoutMs = IDLE_TIMEOUT_MS }: Pick<TemplatesDbOptions, 'onDownloadProgress' | 'idleTimeoutMs'> & { pin: TemplatesPackage },
): Promise<void> {
  mkdirSync(path.dirname(destination), { recursive: true });
  const temp = `${destination}.${process.pid}-${Date.now().toString(36)}.tmp`;
  const idle = new AbortController();
  const idleReason = `no data for ${idleTimeoutMs / 1000} s`;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  };
  const reason = (error: unknown): string => {
    if (idle.signal.aborted) return idleReason;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  };
  try {
    touch();
    let response: Response;
    try {
      response = await fetch(url, { signal: idle.signal });
    } catch (error) {
      throw new TemplatesDbError(`cannot download the n8n.io templates from ${url}: ${reason(error)}`);
    }
    if (!response.ok || !response.body) throw new TemplatesDbError(`cannot download the n8n.io templates: ${url} answered HTTP ${response.status}`);
    const length = Number(response.headers.get('content-length'));
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    const hash = createHash('sha512');
    let received = 0;
    let found = false;
    const writes: Array<Promise<void>> = [];
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        if (entry.path !== pin.entry || entry.type !== 'File') return entry.resume();
        found = true;
        writes.push(pipeline(entry, createWriteStream(temp)));
      },
    });
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      touch();
      hash.update(chunk);
      received += chunk.length;
      onProgress?.({ url, received, ...(total !== undefined ? { total } : {}), done: false });
    });
    try {
      await pipeline(body, parser);
      await Promise.all(writes);
    } catch (error) {
      throw new TemplatesDbError(`cannot download the n8n.io templates from ${url}: ${reason(error)}`);
    }
    const actual = integrityOf(hash);
    if (actual !== pin.integrity) {
      throw new TemplatesDbError(`${url}: integrity check failed (expected ${pin.integrity}, got ${actual}); nothing was kept`);
    }
    if (!found) throw new TemplatesDbError(`${url}: the package has no ${pin.entry}`);
    renameSync(temp, destination);
    onProgress?.({ url, received, ...(total !== undefined ? { total } : {}), done: true });
  } finally {
    clearTimeout(timer);
    rmSync(temp, { force: true });
  }
}
