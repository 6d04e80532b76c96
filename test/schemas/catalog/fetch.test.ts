/**
 * fetchN8nDescriptions (schemas/catalog/fetch.ts) against a local fake n8n: owner login, the
 * node-types endpoint, and the errors of `flowtune catalog build --n8n-url`.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCatalogBuild } from '../../../cli/commands/catalog';
import { buildCatalog, type RawNodeDescription } from '../../../schemas/catalog/build';
import { CatalogSourceError, fetchN8nDescriptions } from '../../../schemas/catalog/fetch';
import { readCatalogFile } from '../../../schemas/catalog/load';
import { baseWorkflow, link, node } from '../../helpers/workflows';
import { findNode, desc } from '../../helpers/catalog';
import { captureIO, cli } from '../../helpers/cli';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'flowtune-catalog-test-'));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------
// fetchN8nDescriptions against a local fake n8n
// ---------------------------------------------------------------------------

const OWNER = { email: 'owner@example.com', password: 'correct horse' };
const SESSION = 'n8n-auth=session-token-123';

const servedDescriptions: RawNodeDescription[] = [
  desc('n8n-nodes-base.set', [3, 3.4], { properties: [{ name: 'mode', type: 'options', default: 'manual', options: [{ name: 'Manual', value: 'manual' }] }] as unknown as RawNodeDescription['properties'] }),
  desc('n8n-nodes-base.manualTrigger', 1, { group: ['trigger'], inputs: [] }),
  desc('@n8n/n8n-nodes-langchain.agent', [1.7, 2], { inputs: '={{ [{ type: "main" }, { type: "ai_languageModel" }] }}' }),
  desc('n8n-nodes-acme.acme', [1, 2], { usableAsTool: true, properties: [{ name: 'color', type: 'options', default: 'red', options: [{ name: 'Red', value: 'red' }, { name: 'Blue', value: 'blue' }] }] as unknown as RawNodeDescription['properties'] }),
  desc('n8n-nodes-base.if', 2.2, { outputs: ['main', 'main'] }),
];

interface FakeN8n {
  url: string;
  requests: Array<{ method: string; url: string; cookie?: string; body?: unknown }>;
  close(): Promise<void>;
}

function startFakeN8n(options: { settingsStatus?: number; nodesBody?: unknown } = {}): Promise<FakeN8n> {
  const requests: FakeN8n['requests'] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      requests.push({ method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie, body });
      const loggedIn = (req.headers.cookie ?? '').split(/;\s*/).includes(SESSION);
      if (req.method === 'POST' && req.url === '/rest/login') {
        if (!String(req.headers['content-type']).startsWith('application/json')) return send(415, { message: 'json only' });
        const login = body as { emailOrLdapLoginId?: string; password?: string; email?: string } | undefined;
        if (!login || typeof login.emailOrLdapLoginId !== 'string' || typeof login.password !== 'string') return send(400, { message: 'bad request' });
        if (login.emailOrLdapLoginId !== OWNER.email || login.password !== OWNER.password) return send(401, { message: 'Wrong username or password.' });
        return send(200, { data: { id: 'u1', email: OWNER.email, role: 'global:owner' } }, {
          'set-cookie': [`${SESSION}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax`, 'n8n-browser=b1; Path=/'],
        });
      }
      if (req.method === 'GET' && req.url === '/types/nodes.json') {
        if (!loggedIn) return send(401, { status: 'error', message: 'Unauthorized' });
        return send(200, options.nodesBody ?? servedDescriptions);
      }
      if (req.method === 'GET' && req.url === '/rest/settings') {
        if (options.settingsStatus && options.settingsStatus !== 200) return send(options.settingsStatus, { message: 'nope' });
        return send(200, { data: { versionCli: '2.8.4', userManagement: {} } });
      }
      send(404, { message: `not found: ${req.method} ${req.url}` });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/** A port nothing listens on. */

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('fetchN8nDescriptions (a local fake n8n)', () => {
  let n8n: FakeN8n;
  beforeAll(async () => {
    n8n = await startFakeN8n();
  });
  afterAll(() => n8n.close());

  it('logs in, reads /types/nodes.json with the session cookie, groups by package, records the n8n version', async () => {
    const before = n8n.requests.length;
    const groups = await fetchN8nDescriptions(`${n8n.url}/`, OWNER);
    const requests = n8n.requests.slice(before);
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/rest/login', body: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
    const typesRequest = requests.find((r) => r.url === '/types/nodes.json')!;
    expect(typesRequest.cookie).toContain(SESSION);
    expect(typesRequest.cookie).not.toMatch(/HttpOnly|Path=/i);

    expect(groups.map((g) => [g.package, g.version, g.descriptions.length])).toEqual([
      ['n8n-nodes-base', 'n8n@2.8.4', 3],
      ['@n8n/n8n-nodes-langchain', 'n8n@2.8.4', 1],
      ['n8n-nodes-acme', 'n8n@2.8.4', 1],
    ]);

    const catalog = buildCatalog(groups);
    expect(catalog.sources).toEqual([
      { package: 'n8n-nodes-base', version: 'n8n@2.8.4', nodeTypes: 3 },
      { package: '@n8n/n8n-nodes-langchain', version: 'n8n@2.8.4', nodeTypes: 1 },
      { package: 'n8n-nodes-acme', version: 'n8n@2.8.4', nodeTypes: 2 },
    ]);
    expect(catalog.nodes.map((n) => n.type)).toEqual([
      '@n8n/n8n-nodes-langchain.agent',
      'n8n-nodes-acme.acme',
      'n8n-nodes-acme.acmeTool',
      'n8n-nodes-base.if',
      'n8n-nodes-base.manualTrigger',
      'n8n-nodes-base.set',
    ]);
    expect(findNode(catalog, 'n8n-nodes-base.manualTrigger').trigger).toBe(true);
    expect(findNode(catalog, '@n8n/n8n-nodes-langchain.agent').variants[0].inputs).toMatchObject({ types: [], dynamic: true, possible: ['ai_languageModel', 'main'] });
  });

  it('records "n8n@unknown" when the settings are unavailable', async () => {
    const noSettings = await startFakeN8n({ settingsStatus: 500 });
    try {
      const groups = await fetchN8nDescriptions(noSettings.url, OWNER);
      expect(groups.map((g) => g.version)).toEqual(['n8n@unknown', 'n8n@unknown', 'n8n@unknown']);
    } finally {
      await noSettings.close();
    }
  });

  it('fails clearly on a bad login (HTTP 401)', async () => {
    const attempt = fetchN8nDescriptions(n8n.url, { email: OWNER.email, password: 'wrong' });
    await expect(attempt).rejects.toThrow(CatalogSourceError);
    await expect(fetchN8nDescriptions(n8n.url, { email: OWNER.email, password: 'wrong' })).rejects.toThrow(/login .*failed with HTTP 401/);
  });

  it('fails clearly when nodes.json is refused or is not a list', async () => {
    const notList = await startFakeN8n({ nodesBody: { data: [] } });
    try {
      await expect(fetchN8nDescriptions(notList.url, OWNER)).rejects.toThrow(/did not return a list/);
    } finally {
      await notList.close();
    }
  });

  it('fails clearly on an unreachable host', async () => {
    const port = await closedPort();
    await expect(fetchN8nDescriptions(`http://127.0.0.1:${port}`, OWNER)).rejects.toThrow(CatalogSourceError);
    await expect(fetchN8nDescriptions(`http://127.0.0.1:${port}`, OWNER)).rejects.toThrow(new RegExp(`cannot reach n8n at http://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
  });

  it('flowtune catalog build --n8n-url writes a catalog validate can use', async () => {
    const out = path.join(mkdtempSync(path.join(tmp, 'n8n-url-')), 'mine.json');
    const run = await cli(['catalog', 'build', '--n8n-url', n8n.url, '--n8n-email', OWNER.email, '--n8n-password', OWNER.password, '--out', out]);
    expect(run.stderr).toContain(n8n.url);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(out);
    const written = readCatalogFile(out);
    expect(written.sources.map((s) => s.version)).toEqual(['n8n@2.8.4', 'n8n@2.8.4', 'n8n@2.8.4']);
    expect(readdirSync(path.dirname(out))).toEqual(['mine.json']);

    const wf = path.join(path.dirname(out), 'wf.json');
    writeFileSync(wf, JSON.stringify(baseWorkflow([node('Acme', 'n8n-nodes-acme.acme', 2, { color: 'blue' })], { Set: { main: [[link('Acme')]] } })));
    const validated = await cli(['validate', wf, '--catalog', out, '--json']);
    expect(JSON.parse(validated.stdout).results[0].errors).toEqual([]);
    expect(validated.code).toBe(0);
  });

  it('catalog build takes the login from N8N_EMAIL / N8N_PASSWORD, and needs one', async () => {
    const out = path.join(mkdtempSync(path.join(tmp, 'n8n-env-')), 'env.json');
    const io = captureIO();
    const code = await runCatalogBuild({ package: [], n8nUrl: n8n.url, out }, io, { N8N_EMAIL: OWNER.email, N8N_PASSWORD: OWNER.password });
    expect(code).toBe(0);
    expect(existsSync(out)).toBe(true);

    await expect(runCatalogBuild({ package: [], n8nUrl: n8n.url, out }, captureIO(), {})).rejects.toThrow(/owner login/);
    const missing = await cli(['catalog', 'build', '--n8n-url', n8n.url, '--out', out]);
    // runCli reads process.env; only assert the usage exit when no login is set there.
    if (!process.env.N8N_EMAIL || !process.env.N8N_PASSWORD) expect(missing.code).toBe(2);
  });

  it('catalog build exits 2 on a bad login, an unreachable host, or with nothing to read', async () => {
    const dir = mkdtempSync(path.join(tmp, 'n8n-bad-'));
    const out = path.join(dir, 'x.json');
    const badLogin = await cli(['catalog', 'build', '--n8n-url', n8n.url, '--n8n-email', OWNER.email, '--n8n-password', 'nope', '--out', out]);
    expect(badLogin.code).toBe(2);
    expect(badLogin.stderr).toContain('HTTP 401');
    const port = await closedPort();
    const unreachable = await cli(['catalog', 'build', '--n8n-url', `http://127.0.0.1:${port}`, '--n8n-email', 'a', '--n8n-password', 'b', '--out', out]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot reach n8n');
    const nothing = await cli(['catalog', 'build', '--out', out]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('--package');
    const noOut = await cli(['catalog', 'build', '--n8n-url', n8n.url]);
    expect(noOut.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
