/**
 * node dist/scripts/install-check.js — install the package the way a user does and use it.
 *
 * `npm pack`, then a plain `npm install <tarball>` (no flags) into an empty folder outside
 * the clone, with none of this checkout's npm settings (its .npmrc hides install scripts,
 * and `npm run` passes its settings on as npm_config_* variables). Then, from that folder:
 * `flowtune --help`, `flowtune validate` on the shipped examples, a small `dataset build`
 * from a folder, and a `dataset build` from the n8n.io templates with an empty cache (the
 * pinned templates database is downloaded and integrity-checked).
 *
 * Fails unless: the install succeeds; no installed package has an install script or a
 * native build (so it installs the same on Node 20, 22 and 24); every installed package's
 * `engines.node` admits Node 20.12, 22 and 24; the CLI runs. Prints the install time, the
 * size on disk and the heaviest packages (BENCHMARKS.md, "Production install").
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as semver from 'semver';

const root = path.resolve(__dirname, '..', '..');
const NODE_LINES = ['20.12.0', '22.0.0', '24.0.0'];
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

class CheckError extends Error {}

function say(message: string): void {
  process.stdout.write(`[install-check] ${message}\n`);
}

/** The environment of a user's shell: none of this checkout's npm settings. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

function run(command: string, args: string[], options: SpawnSyncOptions & { cwd: string }): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 15 * 60_000, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new CheckError(`${command} ${args.join(' ')} (in ${options.cwd}) exited ${result.status ?? result.signal}:\n${output.slice(-4000)}`);
  return String(result.stdout ?? '');
}

/** Bytes on disk (blocks, as `du` counts them) and apparent bytes below a folder. */
function diskUsage(dir: string): { disk: number; apparent: number; files: number } {
  let disk = 0;
  let apparent = 0;
  let files = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      const stat = statSync(full, { bigint: false });
      disk += stat.blocks * 512;
      if (entry.isDirectory()) stack.push(full);
      else {
        apparent += stat.size;
        files++;
      }
    }
  }
  return { disk, apparent, files };
}

interface Manifest {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  engines?: { node?: string };
  gypfile?: boolean;
}

/** Every package folder below node_modules (scoped and nested included). */
function installedPackages(nodeModules: string): Array<{ dir: string; manifest: Manifest }> {
  const found: Array<{ dir: string; manifest: Manifest }> = [];
  const visit = (modules: string) => {
    if (!existsSync(modules)) return;
    for (const name of readdirSync(modules)) {
      if (name.startsWith('.')) continue;
      const dirs = name.startsWith('@') ? readdirSync(path.join(modules, name)).map((n) => path.join(modules, name, n)) : [path.join(modules, name)];
      for (const dir of dirs) {
        const file = path.join(dir, 'package.json');
        if (!existsSync(file)) continue;
        found.push({ dir, manifest: JSON.parse(readFileSync(file, 'utf8')) as Manifest });
        visit(path.join(dir, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return found;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function main(): void {
  const work = mkdtempSync(path.join(tmpdir(), 'flowtune-install-'));
  try {
    say(`packing ${root}`);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, env: userEnv() })) as Array<{ filename: string; size: number; unpackedSize: number; entryCount: number }>;
    const tarball = path.join(work, packed[0].filename);
    say(`${packed[0].filename}: ${mb(packed[0].size)} packed, ${mb(packed[0].unpackedSize)} unpacked, ${packed[0].entryCount} files`);

    const project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), '{"name":"flowtune-user","private":true}\n');
    const started = performance.now();
    run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, env: userEnv() });
    const seconds = (performance.now() - started) / 1000;

    const nodeModules = path.join(project, 'node_modules');
    const packages = installedPackages(nodeModules);
    const problems: string[] = [];
    for (const { dir, manifest } of packages) {
      const scripts = INSTALL_SCRIPTS.filter((s) => manifest.scripts?.[s]);
      if (scripts.length > 0) problems.push(`${manifest.name}@${manifest.version} has install scripts (${scripts.join(', ')})`);
      if (manifest.gypfile || existsSync(path.join(dir, 'binding.gyp'))) problems.push(`${manifest.name}@${manifest.version} has a native build (binding.gyp)`);
      const range = manifest.engines?.node;
      const refused = range ? NODE_LINES.filter((v) => !semver.satisfies(v, range, { includePrerelease: true })) : [];
      if (refused.length > 0) problems.push(`${manifest.name}@${manifest.version} needs node ${range} (not ${refused.join(', ')})`);
    }
    if (problems.length > 0) throw new CheckError(`the installed tree would not install everywhere n8n runs:\n  ${problems.join('\n  ')}`);
    if (packages.some((p) => p.manifest.name === 'n8n-workflow')) throw new CheckError('n8n-workflow was installed: the peer dependency must stay optional (n8n provides it)');

    const usage = diskUsage(nodeModules);
    const heaviest = readdirSync(nodeModules)
      .filter((n) => !n.startsWith('.'))
      .flatMap((n) => (n.startsWith('@') ? readdirSync(path.join(nodeModules, n)).map((m) => `${n}/${m}`) : [n]))
      .map((n) => ({ name: n, disk: diskUsage(path.join(nodeModules, n)).disk }))
      .sort((a, b) => b.disk - a.disk)
      .slice(0, 8);
    say(`plain npm install: ${seconds.toFixed(1)} s, ${packages.length} packages, ${mb(usage.disk)} on disk (${mb(usage.apparent)} apparent, ${usage.files} files)`);
    say(`heaviest: ${heaviest.map((p) => `${p.name} ${mb(p.disk)}`).join(', ')}`);

    // Use it from another folder, as a user would.
    const flowtune = path.join(nodeModules, '.bin', process.platform === 'win32' ? 'flowtune.cmd' : 'flowtune');
    const elsewhere = path.join(work, 'elsewhere');
    mkdirSync(elsewhere);
    const env = userEnv({ XDG_CACHE_HOME: path.join(work, 'cache'), FLOWTUNE_HOME: path.join(work, 'home'), NO_COLOR: '1' });
    const help = run(flowtune, ['--help'], { cwd: elsewhere, env });
    for (const command of ['validate', 'dataset', 'train', 'generate']) if (!help.includes(command)) throw new CheckError(`flowtune --help does not list ${command}`);
    const examples = path.join(nodeModules, 'n8n-nodes-flowtune', 'examples');
    run(flowtune, ['validate', path.join(examples, 'demo', 'valid-github-issues-to-slack.json')], { cwd: elsewhere, env });
    const invalid = spawnSync(flowtune, ['validate', '--json', path.join(examples, 'demo', 'invalid-node-type.json')], { cwd: elsewhere, env, encoding: 'utf8' });
    if (invalid.status !== 1 || !invalid.stdout.includes('UNKNOWN_NODE_TYPE')) throw new CheckError(`flowtune validate of an invalid example: exit ${invalid.status}, ${invalid.stdout.slice(0, 500)}`);
    say('flowtune --help and validate run from another folder');

    const built = JSON.parse(run(flowtune, ['dataset', 'build', '--out', 'from-templates', '--format', 'openai', '--json'], { cwd: elsewhere, env })) as { counts: { accepted: number } };
    if (built.counts.accepted < 1000) throw new CheckError(`dataset build from the templates accepted only ${built.counts.accepted} examples`);
    if (!existsSync(path.join(work, 'cache', 'flowtune'))) throw new CheckError('the templates database did not land in the user cache folder');
    say(`dataset build from the n8n.io templates (downloaded into an empty cache): ${built.counts.accepted} examples`);
    const small = JSON.parse(run(flowtune, ['dataset', 'build', '--from', `dir:${path.join(examples, 'demo')}`, '--out', 'small', '--json'], { cwd: elsewhere, env })) as { counts: { read: number; accepted: number } };
    if (small.counts.read !== 6 || small.counts.accepted !== 1) throw new CheckError(`dataset build from the shipped demo folder: ${JSON.stringify(small.counts)} (expected 6 read, 1 accepted)`);
    say(`small dataset build from a folder: ${small.counts.read} read, ${small.counts.accepted} accepted`);
    say('ok');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`[install-check] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
