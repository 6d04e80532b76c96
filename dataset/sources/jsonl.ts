/** `jsonl:<path>`: one workflow or record per line, streamed. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { describeJsonError } from '../../schemas/json-text';
import type { SourceRecord } from '../types';
import { recordFromObject } from './records';
import { pathSource } from './source';

export async function* readJsonl(file: string): AsyncGenerator<SourceRecord> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    yield { provenance: { source: 'jsonl', ref: file }, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? error})` };
    return;
  }
  let line = 0;
  try {
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      line++;
      if (text.trim() === '') continue;
      const provenance = { source: 'jsonl' as const, ref: `${file}:${line}` };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { provenance, error: `not valid JSON: ${describeJsonError(text).replace(/^line 1, /, '')}` };
        continue;
      }
      yield value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { ...recordFromObject(value as Record<string, unknown>, provenance), rawSize: text.length }
        : { provenance, error: 'line is not a JSON object' };
    }
  } catch (error) {
    // A read error after opening (a folder given as the file, an I/O error): reported, the lines before it stay.
    yield { provenance: { source: 'jsonl', ref: line > 0 ? `${file}:${line + 1}` : file }, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? error})` };
  }
}

export const JSONL_SOURCE = pathSource('jsonl', readJsonl);
