/**
 * node dist/scripts/browser-install.js — make sure a Chromium for the browser suite (test/browser) exists.
 *
 * The suite drives the system Chromium from Debian's packages with playwright-core; Playwright's own
 * browser downloads are never used (they come from a CDN this project's machines cannot reach).
 * Idempotent: when the browser already exists (FLOWTUNE_CHROMIUM or /usr/bin/chromium) nothing is
 * installed. Otherwise `apt-get update` and `apt-get install -y chromium` (root needed; about a minute,
 * ~350 MB). Prints the version it found or installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath } from './browser-path';

function say(message: string): void {
  process.stderr.write(`[browser-install] ${message}\n`);
}

function run(command: string, args: string[]): void {
  say(`${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function version(path: string): string {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${path} --version failed: ${(result.stderr || result.stdout || '').trim()}`);
  return result.stdout.trim();
}

function main(): void {
  const path = chromiumPath();
  if (existsSync(path)) {
    say(`found ${version(path)} at ${path}`);
    return;
  }
  if (process.env.FLOWTUNE_CHROMIUM) throw new Error(`FLOWTUNE_CHROMIUM=${path} does not exist`);
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`${path} is missing; install it as root: apt-get update && apt-get install -y chromium`);
  }
  const t0 = Date.now();
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'fonts-liberation']);
  if (!existsSync(path)) throw new Error(`apt-get installed chromium but ${path} is missing`);
  say(`installed ${version(path)} at ${path} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  say((error as Error).message);
  process.exit(1);
}
