/**
 * Where accepted examples wait until the split is known: in memory while they are
 * small (the n8n.io templates are ≈ 15 MB of targets), in a temp file beside the
 * outputs once they pass a bound, so a corpus of any size is never held at once.
 */
import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { closed, drained, OutputWriteError } from './writer';

/** Characters held in memory before the spool moves to its file. */
export const SPOOL_MEMORY_CHARS = 64 * 1024 * 1024;

export class Spool<T> {
  private held: Array<[T, string]> | undefined = [];
  private heldChars = 0;
  private stream: WriteStream | undefined;
  private pending: string[] = [];
  private pendingChars = 0;
  /** A write error of the file (disk full…), thrown by the next call instead of crashing the process. */
  private failure: Error | undefined;
  /** The file is written and closed: entries() only reads it. */
  private finished = false;

  /** `file` is created only if the examples outgrow `memoryChars`. */
  constructor(
    private readonly file: string,
    private readonly memoryChars = SPOOL_MEMORY_CHARS,
  ) {}

  /** `text` is JSON text (it never holds a raw tab or newline); `meta` must survive JSON. */
  async add(meta: T, text: string): Promise<void> {
    if (this.held) {
      this.held.push([meta, text]);
      this.heldChars += text.length;
      if (this.heldChars <= this.memoryChars) return;
      // Too large for memory: everything so far moves to the file, and so does what follows.
      this.stream = createWriteStream(this.file, { encoding: 'utf8', flags: 'wx' });
      this.stream.on('error', (error) => (this.failure ??= new OutputWriteError(this.file, error)));
      const held = this.held;
      this.held = undefined;
      for (const [m, t] of held) await this.append(m, t);
      return;
    }
    await this.append(meta, text);
  }

  private async append(meta: T, text: string): Promise<void> {
    if (this.failure) throw this.failure;
    const line = `${JSON.stringify(meta)}\t${text}\n`;
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    const stream = this.stream!;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!stream.write(text)) await drained(stream);
    if (this.failure) throw this.failure;
  }

  /** Every example, in the order added. Call after the last `add`; each call reads them all again. */
  async *entries(): AsyncGenerator<[T, string]> {
    if (this.held) {
      yield* this.held;
      return;
    }
    if (!this.finished) {
      this.finished = true;
      await this.flush();
      // A full disk may only show when the file is closed: never read back a truncated spool.
      const error = await closed(this.stream!);
      if (error) this.failure ??= new OutputWriteError(this.file, error);
    }
    if (this.failure) throw this.failure;
    for await (const line of createInterface({ input: createReadStream(this.file, 'utf8'), crlfDelay: Infinity })) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      yield [JSON.parse(line.slice(0, tab)) as T, line.slice(tab + 1)];
    }
  }

  /** Remove the file, if the spool had one. */
  dispose(): void {
    this.held = [];
    this.stream?.destroy();
    if (this.stream) rmSync(this.file, { force: true });
  }
}
