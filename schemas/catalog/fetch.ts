/**
 * The I/O edge of catalog building: node descriptions from npm tarballs (`npm pack`)
 * and from a running n8n's editor endpoint. buildCatalog() turns them into a catalog.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { groupDescriptionsByPackage, type PackageDescriptions, type RawNodeDescription } from './build';
import { FlowtuneError, type ErrorData, type ErrorKind } from '../../core/errors';

const run = promisify(execFile);

/** n8n's node descriptions could not be fetched (npm pack, an n8n instance's REST API). */
export class CatalogSourceError extends FlowtuneError {
  constructor(message: string, data: Omit<ErrorData, 'kind'> & { kind?: ErrorKind } = {}) {
    super(message, { kind: 'io', ...data });
    this.name = 'CatalogSourceError';
  }
}

interface PackResult {
  name: string;
  version: string;
  filename: string;
}

async function npmPack(spec: string, destination: string): Promise<PackResult> {
  try {
    const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', destination], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const [result] = JSON.parse(stdout) as PackResult[];
    return result;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new CatalogSourceError(`npm pack ${spec} failed: ${stderr.split('\n').find((l) => /ERR!/.test(l)) ?? stderr.trim()}`);
  }
}

function npmCommand(): string {
  return process.platform === 'win32' ? 'npm.cmd' : 'npm';
}

/**
 * Community packages built with n8n's node CLI do not ship `dist/types/nodes.json`:
 * install the tarball (with its n8n-workflow peer) in a scratch folder and read each
 * node class's description, the way n8n's loader does.
 */
async function descriptionsFromNodeClasses(tarball: string, pkgName: string, scratch: string): Promise<RawNodeDescription[]> {
  try {
    await run(npmCommand(), ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', scratch, tarball], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    throw new CatalogSourceError(`installing ${pkgName} to read its node classes failed: ${(error as { stderr?: string }).stderr ?? error}`);
  }
  return descriptionsFromPackageDir(path.join(scratch, 'node_modules', pkgName), pkgName);
}


/** Node descriptions of an installed package folder: each node class of its `n8n.nodes`, instantiated as n8n's loader does. */
export function descriptionsFromPackageDir(pkgDir: string, pkgName: string): RawNodeDescription[] {
  const manifest = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { n8n?: { nodes?: string[] } };
  const nodeFiles = manifest.n8n?.nodes ?? [];
  if (nodeFiles.length === 0) throw new CatalogSourceError(`${pkgName} declares no nodes in its package.json "n8n.nodes"`);
  const descriptions: RawNodeDescription[] = [];
  for (const file of nodeFiles) {
    const modulePath = path.join(pkgDir, file);
    let exported: Record<string, unknown>;
    try {
      exported = require(modulePath) as Record<string, unknown>;
    } catch (error) {
      throw new CatalogSourceError(`${pkgName}: cannot load ${file}: ${(error as Error).message}`);
    }
    for (const value of Object.values(exported)) {
      if (typeof value !== 'function') continue;
      let instance: { description?: RawNodeDescription & { defaultVersion?: number }; nodeVersions?: Record<string, { description: RawNodeDescription }> };
      try {
        instance = new (value as new () => typeof instance)();
      } catch {
        continue;
      }
      if (instance.nodeVersions) {
        // VersionedNodeType: one description per implementation, sharing the base description.
        for (const impl of new Set(Object.values(instance.nodeVersions))) {
          descriptions.push({ ...instance.description, ...impl.description } as RawNodeDescription);
        }
      } else if (instance.description?.name) {
        descriptions.push(instance.description);
      }
    }
  }
  return descriptions;
}

/** Node descriptions of one npm package (`name` or `name@version`), fetched with `npm pack`. */
export async function fetchPackageDescriptions(spec: string): Promise<PackageDescriptions> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-'));
  try {
    const packed = await npmPack(spec, scratch);
    const tarball = path.join(scratch, packed.filename);
    const unpacked = path.join(scratch, 'unpacked');
    mkdirSync(unpacked);
    await tar.x({ file: tarball, cwd: unpacked, filter: (p) => p === 'package/dist/types/nodes.json' || p === 'package/package.json' });
    const typesFile = path.join(unpacked, 'package', 'dist', 'types', 'nodes.json');
    const descriptions = existsSync(typesFile)
      ? (JSON.parse(readFileSync(typesFile, 'utf8')) as RawNodeDescription[])
      : await descriptionsFromNodeClasses(tarball, packed.name, path.join(scratch, 'install'));
    return { package: packed.name, version: packed.version, descriptions };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface N8nLogin {
  email: string;
  password: string;
}

/**
 * The exact node set of a running n8n, community nodes included: its editor serves
 * `/types/nodes.json` to a logged-in session.
 */
export async function fetchN8nDescriptions(baseUrl: string, login: N8nLogin): Promise<PackageDescriptions[]> {
  const base = baseUrl.replace(/\/+$/, '');
  const request = async (url: string, init?: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw new CatalogSourceError(`cannot reach n8n at ${base}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
  };
  const loginResponse = await request(`${base}/rest/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ emailOrLdapLoginId: login.email, password: login.password }),
  });
  if (!loginResponse.ok) {
    throw new CatalogSourceError(`n8n login at ${base}/rest/login failed with HTTP ${loginResponse.status}: check --n8n-email / --n8n-password`);
  }
  const cookies = loginResponse.headers.getSetCookie().map((c) => c.split(';')[0]);
  const headers = { cookie: cookies.join('; ') };
  const typesResponse = await request(`${base}/types/nodes.json`, { headers });
  if (!typesResponse.ok) throw new CatalogSourceError(`GET ${base}/types/nodes.json failed with HTTP ${typesResponse.status}`);
  const descriptions = (await typesResponse.json()) as RawNodeDescription[];
  if (!Array.isArray(descriptions)) throw new CatalogSourceError(`${base}/types/nodes.json did not return a list of node descriptions`);
  let n8nVersion = 'unknown';
  const settings = await request(`${base}/rest/settings`, { headers });
  if (settings.ok) {
    const body = (await settings.json()) as { data?: { versionCli?: string } };
    n8nVersion = body.data?.versionCli ?? n8nVersion;
  }
  return groupDescriptionsByPackage(descriptions).map((group) => ({ ...group, version: `n8n@${n8nVersion}`, runtimeTypesIncluded: true }));
}
