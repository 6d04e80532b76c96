/**
 * A lock file that works across processes on one machine: created with `wx` (exclusive),
 * holding the owner's pid, host and start time. A lock whose owner process is gone
 * (same host, pid dead) is stale and broken — under a second, short "breaker" lock so
 * that two waiters never both break it and one of them removes the other's fresh lock.
 * Waiting is bounded; the error names the file and the owner.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { FlowtuneError } from './errors';

export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time the lock was taken. */
  since: string;
  /** What the owner is doing, for the message of whoever waits. */
  purpose: string;
  /** Tells this holder's lock from a later one at the same path. */
  token: string;
}

export interface LockOptions {
  purpose: string;
  /** Longest wait for another holder, ms. */
  waitMs: number;
  /** Pause between attempts, ms (default 50). */
  pollMs?: number;
  /** Called once, when the lock is found held by a live process. */
  onWait?: (owner: LockOwner | undefined) => void;
}

/** A lock without readable owner is being written (or is garbage): stale only after this long. */
const UNREADABLE_STALE_MS = 30_000;
const BREAKER_STALE_MS = 10_000;

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

function readOwner(file: string): { raw: string; owner?: LockOwner } | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const owner = JSON.parse(raw) as LockOwner;
    return Number.isInteger(owner.pid) && typeof owner.host === 'string' ? { raw, owner } : { raw };
  } catch {
    return { raw };
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errno(error) === 'EPERM';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Can this lock be broken? Only when its owner is known dead, or it stayed unreadable too long. */
function isStale(file: string, seen: { raw: string; owner?: LockOwner }): boolean {
  if (!seen.owner) return ageMs(file) > UNREADABLE_STALE_MS;
  // A pid on another host (shared folder) says nothing here: wait for it instead.
  return seen.owner.host === hostname() && !isProcessAlive(seen.owner.pid);
}

function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function removeIfUnchanged(file: string, raw: string): void {
  const now = readOwner(file);
  if (now && now.raw === raw) {
    try {
      unlinkSync(file);
    } catch (error) {
      if (errno(error) !== 'ENOENT') throw error;
    }
  }
}

/** Break a stale lock; true when it was (or is already) gone. */
function breakStale(file: string, seen: { raw: string; owner?: LockOwner }): boolean {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, String(process.pid))) {
    // A breaker that died mid-break leaves its file: clear it after a while.
    if (ageMs(breaker) > BREAKER_STALE_MS) removeIfUnchanged(breaker, readOwner(breaker)?.raw ?? '');
    return false;
  }
  try {
    removeIfUnchanged(file, seen.raw);
    return true;
  } finally {
    try {
      unlinkSync(breaker);
    } catch {
      // already gone
    }
  }
}

export interface HeldLock {
  readonly file: string;
  release(): void;
}

/** One attempt: the lock, or who holds it. */
export function tryLock(file: string, purpose: string): { lock: HeldLock } | { owner?: LockOwner } {
  mkdirSync(path.dirname(file), { recursive: true });
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), purpose, token: randomBytes(8).toString('hex') };
  const raw = JSON.stringify(owner);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (createExclusive(file, raw)) return { lock: { file, release: () => removeIfUnchanged(file, raw) } };
    const seen = readOwner(file);
    if (seen === undefined) continue; // released in between
    if (!isStale(file, seen) || !breakStale(file, seen)) return seen.owner ? { owner: seen.owner } : {};
  }
  return { owner: readOwner(file)?.owner };
}

/** The lock stayed held by a live process for longer than the caller would wait. */
export class FileLockedError extends FlowtuneError {
  override name = 'FileLockedError';
  declare readonly file: string;
  constructor(
    file: string,
    readonly owner: LockOwner | undefined,
    readonly waitedMs: number,
  ) {
    const who = owner ? `process ${owner.pid} on ${owner.host} (${owner.purpose}, since ${owner.since})` : 'another process';
    super(`${file} is held by ${who}; waited ${Math.round(waitedMs / 1000)} s. Try again when it is done; if no flowtune process is running, delete ${file}.`, { kind: 'locked', file });
  }
}

const lockedError = (file: string, owner: LockOwner | undefined, waitedMs: number) => new FileLockedError(file, owner, waitedMs);

/** Run `action` holding the lock; wait (bounded) while a live process holds it. */
export async function withFileLock<T>(file: string, options: LockOptions, action: () => Promise<T>): Promise<T> {
  const started = Date.now();
  let told = false;
  for (;;) {
    const attempt = tryLock(file, options.purpose);
    if ('lock' in attempt) {
      try {
        return await action();
      } finally {
        attempt.lock.release();
      }
    }
    if (Date.now() - started >= options.waitMs) throw lockedError(file, attempt.owner, Date.now() - started);
    if (!told) {
      told = true;
      options.onWait?.(attempt.owner);
    }
    await sleepFor(options.pollMs ?? 50);
  }
}

/** The same for short synchronous critical sections (a read-modify-write of a small file). */
export function withFileLockSync<T>(file: string, options: Omit<LockOptions, 'onWait'>, action: () => T): T {
  const started = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const attempt = tryLock(file, options.purpose);
    if ('lock' in attempt) {
      try {
        return action();
      } finally {
        attempt.lock.release();
      }
    }
    if (Date.now() - started >= options.waitMs) throw lockedError(file, attempt.owner, Date.now() - started);
    Atomics.wait(pause, 0, 0, options.pollMs ?? 20);
  }
}
