/**
 * A real n8n (the release pinned in scripts/n8n-version.ts) for end-to-end tests.
 *
 *   const n8n = await startN8n();          // fresh instance: temp user folder, SQLite, free ports
 *   const api = n8nApi(n8n);
 *   await api.get('/workflows');            // public API, X-N8N-API-KEY
 *   await api.rest('/types/nodes.json');    // editor routes, n8n-auth cookie
 *   await n8n.stop();
 *
 * Install n8n first: `npm run build && node dist/scripts/n8n-install.js`. startN8n() throws with that hint
 * when the install marker is missing, so an e2e test fails instead of silently skipping.
 *
 * Two ways to load this package's nodes:
 *   startN8n({ packageTarball: packPackage() })   // the way users install it: `npm install <tgz>` into
 *                                                  // <userFolder>/.n8n/nodes; types are n8n-nodes-flowtune.*
 *   startN8n({ customExtensions: dir })            // N8N_CUSTOM_EXTENSIONS; types are CUSTOM.*
 *
 * Set FLOWTUNE_N8N_KEEP=1 to keep the temp folder (log, database) after stop() for debugging.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tar from 'tar';
import { N8N_INSTALL_HINT, N8N_VERSION, n8nBinPath, n8nInstallState } from '../../scripts/n8n-version';

export interface StartN8nOptions {
  /**
   * A packed tarball of a community node package (see packPackage()), installed before start with a plain
   * `npm install <tgz>` into `<userFolder>/.n8n/nodes`, where n8n loads manually installed packages from.
   * Its nodes register under the package name (`n8n-nodes-flowtune.fineTune`), as in a user's n8n.
   */
  packageTarball?: string;
  /** Folder(s) with custom `*.node.js` files, `;`-separated (N8N_CUSTOM_EXTENSIONS). A broken node there makes startup fail. */
  customExtensions?: string;
  /** Extra environment for the n8n process (applied last). */
  env?: Record<string, string>;
  /** Readiness timeout in ms (default 180 000). */
  readyTimeoutMs?: number;
}

export interface RunningN8n {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Public API key (send as X-N8N-API-KEY). */
  apiKey: string;
  /** `n8n-auth=<jwt>`, ready for a Cookie header. */
  cookie: string;
  email: string;
  password: string;
  /** n8n's stdout+stderr. Removed by stop() unless FLOWTUNE_N8N_KEEP=1; log() still works afterwards. */
  logFile: string;
  /** The n8n user folder (N8N_USER_FOLDER); data lives in `<userFolder>/.n8n`. */
  userFolder: string;
  pid: number;
  version: string;
  /** Milliseconds for `npm install` of packageTarball (0 without one), from spawn until REST answered, and until the API key existed. */
  timings: { installMs: number; readyMs: number; bootstrapMs: number };
  log(): string;
  stop(): Promise<void>;
}

const EMAIL = 'e2e@flowtune.test';
const PASSWORD = 'Flowtune-E2e-1'; // n8n: 8–64 chars, at least one digit and one uppercase letter

/**
 * Scopes requested for the API key. These are the 2.8.4 names (GET /rest/api-keys/scopes). Without an
 * enterprise licence n8n ignores the request and grants every scope of the owner role, but we ask for
 * what the tests need so that a licensed instance behaves the same. There is no `workflow:execute` scope.
 */
export const API_KEY_SCOPES = [
  'workflow:create',
  'workflow:read',
  'workflow:update',
  'workflow:delete',
  'workflow:list',
  'workflow:activate',
  'workflow:deactivate',
  'workflowTags:list',
  'workflowTags:update',
  'tag:create',
  'tag:read',
  'tag:list',
  'execution:read',
  'execution:list',
  'credential:create',
  'credential:list',
] as const;

/** Environment variables never inherited from the test process (they would change n8n's behaviour). */
function inheritedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(N8N_|DB_|JEST_|npm_)/i.test(key) || key === 'NODE_ENV' || key === 'NODE_OPTIONS' || key === 'EXECUTIONS_MODE') continue;
    env[key] = value;
  }
  return env;
}

const ROOT = join(__dirname, '..', '..');

/**
 * `npm pack` of this checkout (build it first: `npm run build`) into a new temp folder; returns the tarball's path.
 * The caller removes it (rmSync(dirname(tgz), { recursive: true })) when done.
 */
export function packPackage(): string {
  const dest = mkdtempSync(join(tmpdir(), 'flowtune-pack-'));
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: ROOT, encoding: 'utf8', env: inheritedEnv() });
  const [{ filename }] = JSON.parse(out) as Array<{ filename: string }>;
  return join(dest, filename);
}

/**
 * The packed package unpacked as `<work>/ext/n8n-nodes-flowtune`, for `customExtensions` (N8N_CUSTOM_EXTENSIONS;
 * n8n names its nodes CUSTOM.*). Dependencies resolve from `<work>/node_modules`, above what n8n scans.
 */
export function unpackedPackage(): string {
  const tarball = packPackage();
  const work = dirname(tarball);
  const ext = join(work, 'ext', 'n8n-nodes-flowtune');
  mkdirSync(ext, { recursive: true });
  tar.x({ file: tarball, cwd: ext, strip: 1, sync: true });
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  return join(work, 'ext');
}

/** A user's manual install: `npm install <tgz>` in `<userFolder>/.n8n/nodes` (n8n's community package folder). */
function installCommunityPackage(userFolder: string, tarball: string): void {
  const nodesDir = join(userFolder, '.n8n', 'nodes');
  mkdirSync(nodesDir, { recursive: true });
  writeFileSync(join(nodesDir, 'package.json'), '{"name":"installed-nodes","private":true,"dependencies":{}}\n');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], {
    cwd: nodesDir,
    env: inheritedEnv(),
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`npm install ${tarball} in ${nodesDir} failed (${result.status ?? result.signal ?? result.error?.message}):\n${`${result.stdout}${result.stderr}`.slice(-3000)}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

async function twoFreePorts(): Promise<[number, number]> {
  const a = await freePort();
  for (let i = 0; i < 20; i++) {
    const b = await freePort();
    if (b !== a) return [a, b];
  }
  throw new Error('could not get two distinct free ports');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves when `promise` settles or after `ms`, whichever is first, without leaving a timer behind. */
async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function logTail(text: string, lines = 60): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Signal the whole process group (n8n + its task runner); false if nothing is left in it. */
function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

interface HttpResult {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

async function http(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<HttpResult> {
  const { timeoutMs = 30_000, ...rest } = init;
  const res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, headers: res.headers };
}

function authCookie(headers: Headers): string | undefined {
  for (const line of headers.getSetCookie()) {
    const match = /^(n8n-auth=[^;]+)/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Runs n8n as its child (`node -e SUPERVISOR <parentPid> <workDir> <n8n bin> start`) and exits with its code.
 * Group signals reach n8n directly, so the supervisor ignores them and waits for n8n. If the test process
 * disappears, it sends SIGTERM to the group, SIGKILL after 10 s, and removes the work folder.
 */
const SUPERVISOR = `
const { spawn } = require('node:child_process');
const { rmSync } = require('node:fs');
const [parentArg, workDir, ...cmd] = process.argv.slice(1);
const parent = Number(parentArg);
const ppid = process.ppid;
const n8n = spawn(process.execPath, cmd, { stdio: 'inherit' });
for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(s, () => {});
let orphaned = false;
n8n.on('exit', (code, signal) => {
  if (orphaned && process.env.FLOWTUNE_N8N_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const watch = setInterval(() => {
  if (process.ppid === ppid && alive(parent)) return;
  clearInterval(watch);
  orphaned = true;
  console.error('[flowtune harness] test process ' + parent + ' is gone; stopping n8n');
  try { process.kill(-process.pid, 'SIGTERM'); } catch {}
  setTimeout(() => { try { process.kill(-process.pid, 'SIGKILL'); } catch {} }, 10000);
}, 1000);
`;

export async function startN8n(options: StartN8nOptions = {}): Promise<RunningN8n> {
  const state = n8nInstallState();
  if (!state.installed) {
    throw new Error(
      `n8n ${N8N_VERSION} is not installed in ${state.dir} (${state.reason}).\n` +
        `Install it first (3–7 minutes, ~2.3 GB, once per machine): ${N8N_INSTALL_HINT}\n` +
        `(set FLOWTUNE_N8N_DIR to use another folder)`,
    );
  }

  const workDir = mkdtempSync(join(tmpdir(), 'flowtune-n8n-'));
  const userFolder = join(workDir, 'home');
  mkdirSync(userFolder);
  const logFile = join(workDir, 'n8n.log');
  const tInstall = Date.now();
  if (options.packageTarball) {
    try {
      installCommunityPackage(userFolder, options.packageTarball);
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }
  const installMs = Date.now() - tInstall;
  const [port, brokerPort] = await twoFreePorts();
  const url = `http://127.0.0.1:${port}`;

  const env: NodeJS.ProcessEnv = {
    ...inheritedEnv(),
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(port),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_HOST: '127.0.0.1',
    N8N_PROTOCOL: 'http',
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    DB_TYPE: 'sqlite',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
    // Only set when given: an empty N8N_CUSTOM_EXTENSIONS makes n8n glob its whole cwd for nodes.
    ...(options.customExtensions ? { N8N_CUSTOM_EXTENSIONS: options.customExtensions } : {}),
    ...options.env,
  };
  if (env.N8N_CUSTOM_EXTENSIONS === '') delete env.N8N_CUSTOM_EXTENSIONS;

  const t0 = Date.now();
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // detached → setsid: a small supervisor, n8n and its task runner share a new process group, which
    // stop() signals as a whole. The supervisor takes n8n down if this process dies without stop()
    // (Ctrl-C, a killed jest worker): jest gives tests a sandboxed `process` whose 'exit' event never fires.
    child = spawn(process.execPath, ['-e', SUPERVISOR, String(process.pid), workDir, n8nBinPath(state.dir), 'start'], {
      cwd: userFolder,
      env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  child.unref(); // a forgotten stop() must not keep jest alive; the exit hook below kills n8n
  const pid = child.pid;
  if (pid === undefined) {
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`could not spawn n8n (${n8nBinPath(state.dir)})`);
  }

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  // Safety net for a forgotten stop(): kill n8n and remove its folder when the test process exits.
  const killOnExit = (): void => {
    killGroup(pid, 'SIGKILL');
    if (process.env.FLOWTUNE_N8N_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  let stopped = false;
  let finalLog: string | undefined;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killGroup(pid, 'SIGTERM');
      await waitAtMost(exitPromise, 10_000);
      if (!exited) {
        killGroup(pid, 'SIGKILL');
        await waitAtMost(exitPromise, 5_000);
      }
    }
    // n8n is gone; make sure nothing else of its group (the task runner) survives.
    for (let i = 0; i < 20 && killGroup(pid, 0); i++) await sleep(100);
    killGroup(pid, 'SIGKILL');
    process.removeListener('exit', killOnExit);
    finalLog = readLog(logFile);
    if (process.env.FLOWTUNE_N8N_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
  };
  const log = (): string => finalLog ?? readLog(logFile);

  const fail = async (message: string): Promise<never> => {
    const exitNote = exited ? ` n8n exited (code ${exited.code}, signal ${exited.signal}).` : '';
    await stop();
    const where = process.env.FLOWTUNE_N8N_KEEP === '1' ? logFile : `${logFile}, now removed; set FLOWTUNE_N8N_KEEP=1 to keep it`;
    throw new Error(`${message}${exitNote}\n---- last lines of the n8n log (${where}) ----\n${logTail(log())}`);
  };

  // Readiness: /healthz answers early and every other URL says "starting up" (200 HTML) or 404 while
  // migrations run and routes mount. GET /rest/login answering 401 means the REST routes are mounted.
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  let lastStatus = 'no answer';
  for (;;) {
    if (exited) return fail('n8n exited before it became ready.');
    if (Date.now() - t0 > readyTimeoutMs) {
      return fail(`n8n did not become ready within ${readyTimeoutMs / 1000} s (GET /rest/login: ${lastStatus}).`);
    }
    try {
      const res = await http(`${url}/rest/login`, { timeoutMs: 5_000 });
      if (res.status === 401) break;
      lastStatus = `${res.status} ${res.text.slice(0, 80)}`;
    } catch (error) {
      lastStatus = (error as Error).message;
    }
    await sleep(500);
  }
  const readyMs = Date.now() - t0;

  try {
    const json = { 'Content-Type': 'application/json' };
    const setup = await http(`${url}/rest/owner/setup`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email: EMAIL, firstName: 'Flowtune', lastName: 'E2E', password: PASSWORD }),
    });
    if (setup.status !== 200) return fail(`POST /rest/owner/setup answered ${setup.status}: ${setup.text.slice(0, 500)}`);

    const login = await http(`${url}/rest/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ emailOrLdapLoginId: EMAIL, password: PASSWORD }),
    });
    const cookie = authCookie(login.headers) ?? authCookie(setup.headers);
    if (login.status !== 200 || !cookie) {
      return fail(`POST /rest/login answered ${login.status} (cookie ${cookie ? 'set' : 'missing'}): ${login.text.slice(0, 500)}`);
    }

    // Ask only for scopes this n8n knows (it lists them); unknown names in the right format are silently
    // replaced by the owner's full set when unlicensed, but a licensed instance would reject them.
    const known = await http(`${url}/rest/api-keys/scopes`, { headers: { Cookie: cookie } });
    const available = Array.isArray((known.json as { data?: unknown })?.data) ? ((known.json as { data: string[] }).data) : undefined;
    const scopes = available ? API_KEY_SCOPES.filter((s) => available.includes(s)) : [...API_KEY_SCOPES];
    const created = await http(`${url}/rest/api-keys`, {
      method: 'POST',
      headers: { ...json, Cookie: cookie },
      body: JSON.stringify({ label: `flowtune-e2e-${Date.now()}`, scopes, expiresAt: null }),
    });
    const apiKey = (created.json as { data?: { rawApiKey?: unknown } } | undefined)?.data?.rawApiKey;
    if (created.status !== 200 || typeof apiKey !== 'string') {
      return fail(`POST /rest/api-keys answered ${created.status}: ${created.text.slice(0, 500)}`);
    }

    return {
      url,
      apiKey,
      cookie,
      email: EMAIL,
      password: PASSWORD,
      logFile,
      userFolder,
      pid,
      version: N8N_VERSION,
      timings: { installMs, readyMs, bootstrapMs: Date.now() - t0 },
      log,
      stop,
    };
  } catch (error) {
    if (stopped) throw error;
    return fail(`bootstrapping n8n failed: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------- client

export class N8nHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} → ${status}: ${body.slice(0, 1000)}`);
    this.name = 'N8nHttpError';
  }
}

export interface N8nResponse<T = unknown> {
  status: number;
  data: T;
  text: string;
}

export interface N8nApi {
  /** Public API (`/api/v1` + path) with the API key; throws N8nHttpError on a non-2xx status. */
  get<T = unknown>(path: string): Promise<T>;
  post<T = unknown>(path: string, body: unknown): Promise<T>;
  put<T = unknown>(path: string, body: unknown): Promise<T>;
  delete<T = unknown>(path: string): Promise<T>;
  /** Public API without throwing: for asserting on error statuses. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<N8nResponse<T>>;
  /** Editor routes (path from the root, e.g. `/types/nodes.json`, `/rest/settings`) with the n8n-auth cookie; throws on non-2xx. */
  rest<T = unknown>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
}

export function n8nApi(running: Pick<RunningN8n, 'url' | 'apiKey' | 'cookie'>): N8nApi {
  const call = async <T>(method: string, path: string, body: unknown, auth: Record<string, string>): Promise<N8nResponse<T>> => {
    const headers: Record<string, string> = { Accept: 'application/json', ...auth };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await http(`${running.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: 120_000,
    });
    return { status: res.status, data: res.json as T, text: res.text };
  };
  const publicApi = <T>(method: string, path: string, body?: unknown): Promise<N8nResponse<T>> =>
    call<T>(method, `/api/v1${path.startsWith('/') ? path : `/${path}`}`, body, { 'X-N8N-API-KEY': running.apiKey });
  const ok = async <T>(method: string, path: string, res: Promise<N8nResponse<T>>): Promise<T> => {
    const r = await res;
    if (r.status < 200 || r.status >= 300) throw new N8nHttpError(method, path, r.status, r.text);
    return r.data;
  };
  return {
    get: <T>(path: string) => ok<T>('GET', path, publicApi<T>('GET', path)),
    post: <T>(path: string, body: unknown) => ok<T>('POST', path, publicApi<T>('POST', path, body)),
    put: <T>(path: string, body: unknown) => ok<T>('PUT', path, publicApi<T>('PUT', path, body)),
    delete: <T>(path: string) => ok<T>('DELETE', path, publicApi<T>('DELETE', path)),
    request: <T>(method: string, path: string, body?: unknown) => publicApi<T>(method, path, body),
    rest: <T>(path: string, init: { method?: string; body?: unknown } = {}) => {
      const method = init.method ?? 'GET';
      const full = path.startsWith('/') ? path : `/${path}`;
      return ok<T>(method, full, call<T>(method, full, init.body, { Cookie: running.cookie }));
    },
  };
}
