/**
 * Output files written beside their final names and renamed only when the whole run
 * succeeded: an interrupted or failed build never leaves half a dataset, and never
 * destroys the previous one.
 */
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import * as path from 'node:path';

/** Bytes are handed to the streams in chunks of about this size (one line per write is slow). */
const CHUNK = 1 << 20;

export class OutputFiles {
  private readonly streams = new Map<string, WriteStream>();
  private readonly pending = new Map<string, Buffer[]>();
  private readonly pendingSize = new Map<string, number>();
  private readonly token = `${process.pid}-${Date.now().toString(36)}`;
  /** The first error of any file (disk full, folder removed): thrown by the next call, never an uncaught stream error. */
  private failure: Error | undefined;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private temp(name: string): string {
    return path.join(this.dir, `.${name}.${this.token}.tmp`);
  }

  /** Append text (UTF-8) or bytes to a file of this run (created on first write). */
  async write(name: string, data: string | Buffer | Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.streams.has(name)) {
      const stream = createWriteStream(this.temp(name));
      stream.on('error', (error) => (this.failure ??= error));
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
    if (!stream.write(Buffer.concat(parts))) await new Promise<void>((resolve) => stream.once('drain', () => resolve()).once('error', () => resolve()));
    if (this.failure) throw this.failure;
  }

  /** Make sure a file exists even when nothing was written to it. */
  async touch(name: string): Promise<void> {
    await this.write(name, '');
  }

  private async closeAll(): Promise<void> {
    for (const name of this.streams.keys()) await this.flush(name);
    await Promise.all([...this.streams.values()].map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.end(() => resolve())))));
    if (this.failure) throw this.failure;
  }

  /** Names of the files this run has written so far. */
  names(): string[] {
    return [...this.streams.keys()].sort();
  }

  /** Rename every temp file to its final name. */
  async commit(): Promise<string[]> {
    await this.closeAll();
    const names = [...this.streams.keys()].sort();
    for (const name of names) renameSync(this.temp(name), path.join(this.dir, name));
    this.streams.clear();
    return names;
  }

  async abort(): Promise<void> {
    await this.closeAll().catch(() => undefined);
    for (const name of this.streams.keys()) rmSync(this.temp(name), { force: true });
    this.streams.clear();
  }
}

/** One whole file, written beside its name and renamed: readers never see half of it. */
export function writeFileAtomic(file: string, content: string | Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, content);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
