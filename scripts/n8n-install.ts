/**
 * node dist/scripts/n8n-install.js — install the pinned n8n release (scripts/n8n-version.ts) for the
 * end-to-end tests, into a cache folder outside the clone:
 *   $FLOWTUNE_N8N_DIR, default ~/.cache/flowtune/n8n-<version>
 *
 * Idempotent: a marker file is written only after `npm install` succeeded and the result was verified
 * (n8n version, CLI runs, sqlite3 native binding loads). A run that finds the marker does nothing.
 * An interrupted install (started-file present, no marker) is redone from an empty node_modules.
 * A lock directory (<dir>.install-lock) keeps two concurrent runs from installing at the same time;
 * the second one waits and then finds the marker.
 *
 * Takes 3–7 minutes and about 2.3 GB on a cold npm cache. Do not add --ignore-scripts: sqlite3 needs
 * its install script (it compiles from source when no prebuilt binary can be downloaded).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import {
  N8N_MARKER_FILE,
  N8N_MIN_NODE,
  N8N_OVERRIDES,
  N8N_STARTED_FILE,
  N8N_VERSION,
  installedN8nVersion,
  n8nBinPath,
  n8nInstallDir,
  n8nInstallState,
  type N8nInstallMarker,
} from './n8n-version';

const LOCK_TIMEOUT_MS = Number(process.env.FLOWTUNE_N8N_LOCK_TIMEOUT_MS ?? 30 * 60_000);
const HEARTBEAT_MS = 30_000;

function say(message: string): void {
  process.stderr.write(`[n8n-install] ${message}\n`);
}

class InstallError extends Error {}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------- lock

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** mkdir-based lock; a lock whose owner process is gone (same host) is stale and taken over. */
async function acquireLock(lockDir: string): Promise<() => void> {
  const started = Date.now();
  let lastNotice = 0;
  for (;;) {
    try {
      mkdirSync(lockDir);
      const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
      writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(owner));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(lockDir, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner: LockOwner | undefined;
    try {
      owner = JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as LockOwner;
    } catch {
      owner = undefined;
    }
    let stale = false;
    if (owner) {
      stale = owner.host === hostname() && !pidAlive(owner.pid);
    } else {
      // The owner writes owner.json right after mkdir; a lock without it for a minute is debris.
      try {
        stale = Date.now() - statSync(lockDir).mtimeMs > 60_000;
      } catch {
        continue; // lock vanished meanwhile: retry at once
      }
    }
    if (stale) {
      say(`removing stale lock ${lockDir}${owner ? ` (pid ${owner.pid} is gone)` : ''}`);
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    const waited = Date.now() - started;
    if (waited > LOCK_TIMEOUT_MS) {
      throw new InstallError(
        `another install holds ${lockDir}${owner ? ` (pid ${owner.pid} on ${owner.host} since ${owner.startedAt})` : ''} ` +
          `and did not finish within ${formatDuration(LOCK_TIMEOUT_MS)}. If no install is running, delete that folder.`,
      );
    }
    if (waited - lastNotice >= HEARTBEAT_MS || lastNotice === 0) {
      lastNotice = waited || 1;
      say(
        `another install is running${owner ? ` (pid ${owner.pid}, since ${owner.startedAt})` : ''}; waiting… ` +
          `(${formatDuration(waited)})`,
      );
    }
    await sleep(2000);
  }
}

// ---------------------------------------------------------------- npm

/** npm settings worth passing down from a parent `npm run` (registry, proxy, TLS, cache); everything else is dropped. */
const KEEP_NPM_CONFIG = new Set([
  'cache',
  'userconfig',
  'globalconfig',
  'registry',
  'cafile',
  'ca',
  'cert',
  'key',
  'proxy',
  'https_proxy',
  'http_proxy',
  'noproxy',
  'strict_ssl',
  'nodedir',
  'node_gyp',
  'fetch_retries',
  'fetch_retry_mintimeout',
  'fetch_retry_maxtimeout',
  'fetch_timeout',
  'maxsockets',
]);

/**
 * When this script runs under `npm run`, npm exports npm_config_prefix, npm_config_local_prefix (the clone),
 * npm_config_loglevel=silent, npm_package_* … Drop those so the child npm installs into `dir` and logs normally.
 */
function npmChildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_config_')) {
      const name = lower.slice('npm_config_'.length);
      if (KEEP_NPM_CONFIG.has(name) || name.includes(':registry') || name.startsWith('//')) env[key] = value;
      continue;
    }
    if (lower.startsWith('npm_')) continue;
    env[key] = value;
  }
  return env;
}

function countPackages(nodeModules: string): number {
  try {
    let n = 0;
    for (const entry of readdirSync(nodeModules)) {
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        try {
          n += readdirSync(join(nodeModules, entry)).length;
        } catch {
          /* scope dir vanished */
        }
      } else n++;
    }
    return n;
  } catch {
    return 0;
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Last log line worth showing in a heartbeat: npm's output is mostly (multi-line) warnings, which are skipped. */
function lastInterestingLine(file: string): string {
  const lines = tail(file, 30).split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].trim();
    if (!line || line === '(no log)' || line.startsWith('=====') || /^npm (warn|WARN|notice)\b/.test(line)) continue;
    if (!/[a-z]{3}/i.test(line)) continue; // a lone brace of a multi-line warning
    return line;
  }
  return '';
}

let activeChild: ChildProcess | undefined;

function runNpmInstall(dir: string, logFile: string): Promise<void> {
  const args = ['install', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts=false', '--no-workspaces'];
  const fd = openSync(logFile, 'a');
  writeSync(fd, `\n===== ${new Date().toISOString()} npm ${args.join(' ')} (node ${process.version}) =====\n`);
  const started = Date.now();
  return new Promise<void>((resolvePromise, reject) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, {
      cwd: dir,
      env: npmChildEnv(),
      stdio: ['ignore', fd, fd],
      shell: process.platform === 'win32',
    });
    activeChild = child;
    const timer = setInterval(() => {
      const last = lastInterestingLine(logFile).slice(0, 160);
      say(
        `still installing… ${formatDuration(Date.now() - started)} elapsed, ` +
          `${countPackages(join(dir, 'node_modules'))} packages in node_modules` +
          (last ? ` | ${last}` : ''),
      );
    }, HEARTBEAT_MS);
    const finish = (error?: Error): void => {
      clearInterval(timer);
      activeChild = undefined;
      closeSync(fd);
      if (error) reject(error);
      else resolvePromise();
    };
    child.on('error', (error) =>
      finish(new InstallError(`could not run npm: ${error.message}. Is npm on PATH?`)),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) return finish();
      finish(
        new InstallError(
          `npm install failed (${signal ? `signal ${signal}` : `exit code ${code}`}) after ${formatDuration(Date.now() - started)}.\n` +
            `---- last lines of ${logFile} ----\n${tail(logFile, 40)}\n----\n` +
            `Full log: ${logFile}\n` +
            `Common causes: no access to the npm registry (proxy/registry settings), Node.js outside n8n's range ` +
            `(>=${N8N_MIN_NODE} <=24.x; this is ${process.version}), no C/C++ toolchain for sqlite3 (gcc, g++, make, python3), ` +
            `or the disk is full (the install needs about 2.5 GB). Re-run this script to retry; the half-finished install is redone.`,
        ),
      );
    });
  });
}

// ---------------------------------------------------------------- verify

function verify(dir: string): void {
  const version = installedN8nVersion(dir);
  if (version !== N8N_VERSION) {
    throw new InstallError(`after npm install, node_modules/n8n is ${version ?? 'missing'} instead of ${N8N_VERSION}`);
  }
  const cli = spawnSync(process.execPath, [n8nBinPath(dir), '--version'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, N8N_DIAGNOSTICS_ENABLED: 'false' },
  });
  const printed = `${cli.stdout ?? ''}`.trim().split('\n').pop() ?? '';
  if (cli.status !== 0 || printed.trim() !== N8N_VERSION) {
    throw new InstallError(
      `\`n8n --version\` failed (status ${cli.status}, printed ${JSON.stringify(printed)}):\n${(cli.stderr ?? '').slice(-2000)}`,
    );
  }
  // n8n needs sqlite3's native binding (built by its install script); without it, startup fails with
  // "SQLite package has not been found installed".
  const sqlite = spawnSync(process.execPath, ['-e', "require('sqlite3')"], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (sqlite.status !== 0) {
    throw new InstallError(
      `the sqlite3 native binding does not load:\n${(sqlite.stderr ?? '').slice(-2000)}\n` +
        `Try: (cd ${dir} && npm rebuild sqlite3) — it needs gcc, g++, make and python3 when no prebuilt binary can be downloaded.`,
    );
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const t0 = Date.now();
  const dir = n8nInstallDir();

  if (compareVersions(process.version, N8N_MIN_NODE) < 0) {
    throw new InstallError(`n8n ${N8N_VERSION} needs Node.js >= ${N8N_MIN_NODE}; this is ${process.version}.`);
  }

  const before = n8nInstallState(dir);
  if (before.installed) {
    say(`n8n ${N8N_VERSION} is already installed in ${dir} (since ${before.marker.installedAt}); nothing to do.`);
    return;
  }

  mkdirSync(dirname(dir), { recursive: true });
  const release = await acquireLock(`${dir}.install-lock`);
  const onSignal = (signal: NodeJS.Signals): void => {
    say(`${signal}: stopping npm; the next run will redo the install.`);
    activeChild?.kill('SIGTERM');
    release();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const again = n8nInstallState(dir);
    if (again.installed) {
      say(`n8n ${N8N_VERSION} was installed in ${dir} by another run meanwhile; nothing to do.`);
      return;
    }
    say(`installing n8n ${N8N_VERSION} into ${dir} (${again.reason})`);
    mkdirSync(dir, { recursive: true });

    const nodeModules = join(dir, 'node_modules');
    const present = installedN8nVersion(dir);
    if (existsSync(join(dir, N8N_STARTED_FILE))) {
      say('a previous install was interrupted; removing its node_modules and starting over');
      rmSync(nodeModules, { recursive: true, force: true });
    } else if (present !== undefined && present !== N8N_VERSION) {
      say(`node_modules holds n8n ${present}; removing it`);
      rmSync(nodeModules, { recursive: true, force: true });
      rmSync(join(dir, 'package-lock.json'), { force: true });
    } else if (present === N8N_VERSION) {
      say(`found an unmarked n8n ${N8N_VERSION} install; letting npm check and complete it (quick when nothing is missing)`);
    }
    rmSync(join(dir, N8N_MARKER_FILE), { force: true });

    const pkg = {
      name: 'flowtune-n8n-runtime',
      private: true,
      description: 'n8n for the flowtune end-to-end tests (written by scripts/n8n-install.ts)',
      dependencies: { n8n: N8N_VERSION },
      overrides: N8N_OVERRIDES,
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    writeFileSync(join(dir, N8N_STARTED_FILE), `${new Date().toISOString()} pid ${process.pid}\n`);

    const logFile = join(dir, 'install.log');
    say(`running npm install (3–7 minutes and ~2.3 GB on a cold cache); log: ${logFile}`);
    const tNpm = Date.now();
    await runNpmInstall(dir, logFile);
    say(`npm install finished in ${formatDuration(Date.now() - tNpm)}; verifying`);

    verify(dir);
    const marker: N8nInstallMarker = {
      version: N8N_VERSION,
      node: process.version,
      installedAt: new Date().toISOString(),
      durationMs: Date.now() - t0,
    };
    writeFileSync(join(dir, N8N_MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
    rmSync(join(dir, N8N_STARTED_FILE), { force: true });
    say(`n8n ${N8N_VERSION} installed in ${dir} in ${formatDuration(Date.now() - t0)}`);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    release();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? (error instanceof InstallError ? error.message : error.stack ?? error.message) : String(error);
  say(`ERROR: ${message}`);
  process.exit(1);
});
