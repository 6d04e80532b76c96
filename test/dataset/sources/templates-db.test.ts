/**
 * The templates database on first use: a user's file, an installed n8n-mcp, the cache,
 * else the pinned tarball from the npm registry, integrity-checked, only nodes.db kept.
 * A local HTTP server plays the registry.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';
import {
  cachedTemplatesDbPath,
  installedTemplatesDb,
  resolveTemplatesDb,
  tarballUrl,
  TEMPLATES_PACKAGE,
  TemplatesDbError,
  type DownloadProgress,
  type TemplatesPackage,
} from '../../../dataset/sources/templates-db';
import { readTemplates, streamStoredTemplates } from '../../../dataset/sources/templates';

const DB_BYTES = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));

/** A package tarball as npm serves it: package/package.json, package/data/nodes.db and a decoy. */
async function packageTarball(): Promise<Buffer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ft-pkg-'));
  mkdirSync(path.join(dir, 'package', 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'package', 'package.json'), '{"name":"fake-mcp","version":"1.0.0"}');
  writeFileSync(path.join(dir, 'package', 'data', 'nodes.db'), DB_BYTES);
  writeFileSync(path.join(dir, 'package', 'data', 'other.db'), 'not this one');
  const file = path.join(dir, 'pkg.tgz');
  await tar.c({ gzip: true, file, cwd: dir }, ['package']);
  return readFileSync(file);
}

const integrityOf = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

interface Registry {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** Serves `body` for every GET; `mode` cuts or stalls it. */
async function startRegistry(body: Buffer, mode: 'ok' | 'cut' | 'stall' | '404' = 'ok'): Promise<Registry> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (mode === '404') return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    if (mode === 'ok') return res.end(body);
    res.write(body.subarray(0, body.length >> 1));
    if (mode === 'cut') setTimeout(() => res.destroy(), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/registry/`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

describe('templates database', () => {
  let tarball: Buffer;
  let pin: TemplatesPackage;
  beforeAll(async () => {
    tarball = await packageTarball();
    pin = { name: 'fake-mcp', version: '1.0.0', integrity: integrityOf(tarball), entry: 'package/data/nodes.db' };
  });
  const fresh = () => mkdtempSync(path.join(tmpdir(), 'ft-cache-'));
  const noInstall = () => undefined;

  it('pins the n8n-mcp release the tests read, with the integrity npm recorded for it', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const lock = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string }> };
    expect(manifest.dependencies?.['n8n-mcp']).toBeUndefined();
    expect(manifest.devDependencies?.['n8n-mcp']).toBe(TEMPLATES_PACKAGE.version);
    expect(lock.packages['node_modules/n8n-mcp']).toMatchObject({ version: TEMPLATES_PACKAGE.version, integrity: TEMPLATES_PACKAGE.integrity });
    // In this checkout n8n-mcp is installed (dev dependency): found without a download.
    expect(installedTemplatesDb()).toMatch(/n8n-mcp[\\/]data[\\/]nodes\.db$/);
  });

  it('builds tarball addresses the way npm registries serve them', () => {
    expect(tarballUrl('https://registry.npmjs.org/')).toBe('https://registry.npmjs.org/n8n-mcp/-/n8n-mcp-2.87.0.tgz');
    expect(tarballUrl('https://npm.example.com/repository/npm-proxy')).toBe('https://npm.example.com/repository/npm-proxy/n8n-mcp/-/n8n-mcp-2.87.0.tgz');
    expect(tarballUrl('https://r.example/', { ...pin, name: '@scope/pkg' })).toBe('https://r.example/@scope/pkg/-/pkg-1.0.0.tgz');
  });

  it('downloads once, checks integrity, keeps only nodes.db in the cache, reports progress', async () => {
    const registry = await startRegistry(tarball);
    const cacheDir = fresh();
    const events: DownloadProgress[] = [];
    try {
      const file = await resolveTemplatesDb({ cacheDir, registry: registry.url, pin, findInstalled: noInstall, onDownloadProgress: (p) => events.push(p) });
      expect(file).toBe(cachedTemplatesDbPath(cacheDir, pin));
      expect(readFileSync(file).equals(DB_BYTES)).toBe(true);
      expect(readdirSync(path.dirname(file))).toEqual(['nodes.db']);
      expect(registry.requests).toEqual(['/registry/fake-mcp/-/fake-mcp-1.0.0.tgz']);
      expect(events.at(-1)).toMatchObject({ done: true, received: tarball.length, total: tarball.length });
      expect(events.filter((e) => e.done)).toHaveLength(1);
      // Second use: the cached copy, no request.
      expect(await resolveTemplatesDb({ cacheDir, registry: registry.url, pin, findInstalled: noInstall })).toBe(file);
      expect(registry.requests).toHaveLength(1);
    } finally {
      await registry.close();
    }
  });

  it('a tarball that does not match the pinned integrity is refused and nothing is kept', async () => {
    const registry = await startRegistry(tarball);
    const cacheDir = fresh();
    try {
      const wrongPin = { ...pin, integrity: integrityOf(Buffer.from('another release')) };
      const error = await resolveTemplatesDb({ cacheDir, registry: registry.url, pin: wrongPin, findInstalled: noInstall }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TemplatesDbError);
      expect((error as Error).message).toContain('integrity check failed');
      expect(readdirSync(path.dirname(cachedTemplatesDbPath(cacheDir, pin)))).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it.each([
    ['a cut connection', 'cut' as const, /cannot download/],
    ['a registry that stops sending', 'stall' as const, /no data for 0\.3 s/],
    ['a 404', '404' as const, /answered HTTP 404/],
  ])('%s is an error naming the address; nothing is kept', async (_label, mode, message) => {
    const registry = await startRegistry(tarball, mode);
    const cacheDir = fresh();
    try {
      const error = await resolveTemplatesDb({ cacheDir, registry: registry.url, pin, findInstalled: noInstall, idleTimeoutMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TemplatesDbError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(registry.url);
      expect(existsSync(cachedTemplatesDbPath(cacheDir, pin))).toBe(false);
      expect(readdirSync(path.dirname(cachedTemplatesDbPath(cacheDir, pin)))).toEqual([]);
    } finally {
      await registry.close();
    }
  });

  it("--templates-db: the user's file, or an error naming it", async () => {
    const installed = installedTemplatesDb()!;
    expect(await resolveTemplatesDb({ templatesDb: installed, findInstalled: () => { throw new Error('not consulted'); } })).toBe(installed);
    await expect(resolveTemplatesDb({ templatesDb: '/no/such/nodes.db' })).rejects.toThrow('/no/such/nodes.db: no such templates database (--templates-db)');
  });
});

describe('reading the templates database', () => {
  it('reads every row in id order, stops early cleanly, and names a file that is no templates database', async () => {
    const db = installedTemplatesDb()!;
    let count = 0;
    let previous = -1;
    for await (const row of streamStoredTemplates(db, { lists: false })) {
      expect(row.id).toBeGreaterThan(previous);
      previous = row.id;
      count++;
    }
    expect(count).toBe(2352);
    for await (const _ of streamStoredTemplates(db)) break; // closes the database on an early stop
    // Two readers at once (two builds, n8n and the CLI) do not lock each other out, and nothing is written beside the file.
    const a = streamStoredTemplates(db)[Symbol.asyncIterator]();
    const b = streamStoredTemplates(db)[Symbol.asyncIterator]();
    expect([(await a.next()).value?.id, (await b.next()).value?.id]).toEqual([expect.any(Number), expect.any(Number)]);
    expect(readdirSync(path.dirname(db))).toEqual(['nodes.db']);
    await a.return(undefined);
    await b.return(undefined);
    const notDb = path.join(mkdtempSync(path.join(tmpdir(), 'ft-notdb-')), 'nodes.db');
    writeFileSync(notDb, 'this is not SQLite');
    await expect(readTemplates(notDb)).rejects.toThrow(`${notDb}: not an n8n-mcp templates database`);
  });
});
