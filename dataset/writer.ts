/**
 * Output files written beside their final names and renamed only when the whole run
 * succeeded: an interrupted or failed build never leaves half a dataset, and never
 * destroys the previous one. Every write, flush and close is checked (a full disk often
 * reports only when a file is closed) and the data is fsync'ed before the rename.
 *
 * One build at a time per folder (a lock file); temp files of builds that were killed
 * are removed by the next build into the same folder.
 */
import { isProcessAlive, tryLock } from '../core/file-lock';
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { DATASET_FILE_NAMES } from './formats';
import { FlowtuneError } from '../core/errors';

/** Bytes are handed to the streams in chunks of about this size (one line per write is slow). */
const CHUNK = 1 << 20;

/** Held while a build writes into a folder: a second build into it fails fast instead of mixing files. */
export const LOCK_FILE_NAME = '.flowtune-build.lock';

/** Temp files and locks older than this are orphans even if their process id is alive again (pids are reused). */
export const ORPHAN_AGE_MS = 24 * 60 * 60 * 1000;

/** This run's part of temp names: the process id (tells orphans from live runs) and a random token. */
export function runToken(): string {
  return `${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** `.<output name>.<pid>-<token>.tmp` (this version and earlier ones) and `.spool.<pid>[-<token>].tmp`. */
const TEMP_PATTERN = /^\.(.+)\.(\d+)-[0-9a-z]+\.tmp$/;
const SPOOL_PATTERN = /^\.spool\.(\d+)(?:-[0-9a-z]+)?\.tmp$/;

/** The process id in the name of a temp file a dataset build writes, or undefined for any other file. */
export function tempFileOwner(name: string): number | undefined {
  const spool = SPOOL_PATTERN.exec(name);
  if (spool) return Number(spool[1]);
  const output = TEMP_PATTERN.exec(name);
  return output && DATASET_FILE_NAMES.includes(output[1]) ? Number(output[2]) : undefined;
}

const isOld = (file: string, now: number) => {
  try {
    return now - statSync(file).mtimeMs > ORPHAN_AGE_MS;
  } catch {
    return false;
  }
};

/** Remove the temp files of dataset builds that died (their pid is gone, or they are old); returns their names. */
export function removeOrphanedTempFiles(dir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const pid = tempFileOwner(name);
    if (pid === undefined) continue;
    const file = path.join(dir, name);
    if (isProcessAlive(pid) && !isOld(file, now)) continue;
    rmSync(file, { force: true });
    removed.push(name);
  }
  return removed;
}

export class FolderLockedError extends FlowtuneError {
  constructor(
    readonly dir: string,
    readonly pid: number | undefined,
  ) {
    super(`${dir} is being written by another flowtune build${pid !== undefined ? ` (process ${pid})` : ''}; wait for it to finish, or remove ${path.join(dir, LOCK_FILE_NAME)} if no such build runs`, {
      kind: 'locked',
      file: path.join(dir, LOCK_FILE_NAME),
    });
    this.name = 'FolderLockedError';
  }
}

/** Take the folder's lock (taking over one left by a dead build); returns its release. */
function lockFolder(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE_NAME);
  let attempt: ReturnType<typeof tryLock>;
  try {
    attempt = tryLock(file, `dataset build into ${dir}`);
  } catch (error) {
    throw new OutputWriteError(file, error as Error);
  }
  if (!('lock' in attempt)) throw new FolderLockedError(dir, attempt.owner?.pid);
  return () => attempt.lock.release();
}

/** Wait until `stream` takes more data, or has failed or closed (the caller checks its error); leaves no listener behind. */
export function drained(stream: Writable): Promise<void> {
  if (stream.destroyed || !stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('error', done).off('close', done);
      resolve();
    };
    stream.on('drain', done).on('error', done).on('close', done);
  });
}

/** End `stream` and wait until its file is closed: the error of any write, of the final flush, fsync or close — or undefined. */
export function closed(stream: Writable): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const settle = () => resolve(stream.errored ?? undefined);
    if (stream.closed) return settle();
    stream.once('close', settle);
    if (!stream.writableEnded) stream.end();
  });
}

/** A write, flush or close of an output file failed (disk full, folder removed…). */
export class OutputWriteError extends FlowtuneError {
  declare readonly file: string;
  constructor(file: string, cause: Error) {
    super(`cannot write ${file}: ${cause.message}`, { kind: 'io', file }, { cause });
    this.name = 'OutputWriteError';
  }
}

export interface Committed {
  /** Names written by this build. */
  files: string[];
  /** Outputs of the previous build that this one does not write, removed after the new files were in place. */
  removed: string[];
}

export class OutputFiles {
  private readonly streams = new Map<string, WriteStream>();
  private readonly pending = new Map<string, Buffer[]>();
  private readonly pendingSize = new Map<string, number>();
  readonly token = runToken();
  private readonly unlock: () => void;
  /** The first error of any file: thrown by the next call, never an uncaught stream error. */
  private failure: Error | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.unlock = lockFolder(dir);
    try {
      removeOrphanedTempFiles(dir);
    } catch (error) {
      this.unlock();
      throw error;
    }
  }

  private temp(name: string): string {
    return path.join(this.dir, `.${name}.${this.token}.tmp`);
  }

  /** A temp file of this run for other scratch data (the spool); removed by a later build if this one dies. */
  scratchFile(kind: 'spool'): string {
    return path.join(this.dir, `.${kind}.${this.token}.tmp`);
  }

  private fail(name: string, error: Error): void {
    this.failure ??= new OutputWriteError(path.join(this.dir, name), error);
  }

  /** Append text (UTF-8) or bytes to a file of this run (created on first write). */
  async write(name: string, data: string | Buffer | Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.streams.has(name)) {
      // `flush`: the data reaches the disk before the rename; a failing fsync or close is an error of the build.
      const stream = createWriteStream(this.temp(name), { flags: 'wx', flush: true });
      stream.on('error', (error) => this.fail(name, error));
      this.streams.set(name, stream);
    }
    const parts = this.pending.get(name) ?? this.pending.set(name, []).get(name)!;
    let size = this.pendingSize.get(name) ?? 0;
    for (const chunk of Array.isArray(data) ? data : [typeof data === 'string' ? Buffer.from(data) : data]) {
      parts.push(chunk);
      size += chunk.length;
    }
    this.pendingSize.set(name, size);
    if (size >= CHUNK) await this.flush(name);
  }

  private async flush(name: string): Promise<void> {
    const parts = this.pending.get(name);
    const stream = this.streams.get(name);
    if (!parts || parts.length === 0 || !stream) return;
    this.pending.set(name, []);
    this.pendingSize.set(name, 0);
    if (!stream.write(Buffer.concat(parts))) await drained(stream);
    if (this.failure) throw this.failure;
  }

  /** Make sure a file exists even when nothing was written to it. */
  async touch(name: string): Promise<void> {
    await this.write(name, '');
  }

  /** Write what is pending and close every file; throws the first error of any of them. */
  private async closeAll(): Promise<void> {
    try {
      for (const name of this.streams.keys()) await this.flush(name);
    } finally {
      // Close all even after an error: no file descriptor is left open.
      for (const [name, error] of await Promise.all([...this.streams].map(async ([name, s]) => [name, await closed(s)] as const))) {
        if (error) this.fail(name, error);
      }
    }
    if (this.failure) throw this.failure;
  }

  /** Names of the files this run has written so far. */
  names(): string[] {
    return [...this.streams.keys()].sort();
  }

  /**
   * Outputs of the previous build (as its report.json lists them) that this run has not
   * written: only names a build writes, so no other file of the folder is ever touched.
   */
  staleNames(): string[] {
    let previous: unknown;
    try {
      previous = (JSON.parse(readFileSync(path.join(this.dir, 'report.json'), 'utf8')) as { files?: unknown }).files;
    } catch {
      return [];
    }
    if (!Array.isArray(previous)) return [];
    const written = new Set(this.streams.keys());
    return previous
      .filter((name): name is string => typeof name === 'string' && DATASET_FILE_NAMES.includes(name) && !written.has(name))
      .filter((name) => {
        try {
          return statSync(path.join(this.dir, name)).isFile();
        } catch {
          return false;
        }
      })
      .sort();
  }

  /**
   * Close, check and rename every temp file to its final name; with `removeStale` (a dataset
   * build), then remove the previous build's outputs that this run did not write.
   */
  async commit({ removeStale = false } = {}): Promise<Committed> {
    try {
      await this.closeAll();
      const stale = removeStale ? this.staleNames() : [];
      const names = this.names();
      for (const name of names) renameSync(this.temp(name), path.join(this.dir, name));
      this.streams.clear();
      for (const name of stale) rmSync(path.join(this.dir, name), { force: true });
      return { files: names, removed: stale };
    } finally {
      if (this.streams.size > 0) await this.abort();
      this.unlock();
    }
  }

  /** Remove this run's temp files; the previous outputs stay as they were. */
  async abort(): Promise<void> {
    await this.closeAll().catch(() => undefined);
    for (const name of this.streams.keys()) rmSync(this.temp(name), { force: true });
    this.streams.clear();
    this.unlock();
  }
}

/** One whole file, written beside its name, fsync'ed and renamed: readers never see half of it. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${runToken()}.tmp`);
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
