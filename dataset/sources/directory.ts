/**
 * `dir:<path>`: every `*.json` below a folder, read one file at a time (a 100,000-file
 * folder is never loaded at once). A file may hold a bare export, an array
 * (`n8n export:workflow --all`), a template record or the n8n.io API shape; a file
 * that cannot be read becomes a record with an error, never an exception.
 */
import { opendir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { describeJsonError } from '../../schemas/json-text';
import type { SourceRecord } from '../types';
import { recordsFromValue } from './records';
import { pathSource } from './source';

/** A `*.json` file to read, or a folder below the root that cannot be listed (reported and skipped). */
type Found = { file: string } | { dir: string; error: string };

async function* walk(dir: string, root: string): AsyncGenerator<Found> {
  const entries: Array<{ name: string; dir: boolean }> = [];
  try {
    for await (const entry of await opendir(dir)) entries.push({ name: entry.name, dir: entry.isDirectory() });
  } catch (error) {
    // The root itself is the user's --from: a typo there stops the build. Below it, one folder is skipped.
    if (dir === root) throw new Error(`dir:${root}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
    yield { dir, error: `cannot read folder (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.dir) yield* walk(full, root);
    else if (entry.name.toLowerCase().endsWith('.json')) yield { file: full };
  }
}

/** Strict UTF-8: a file with invalid bytes is reported, not silently mangled. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function* readDirectory(root: string): AsyncGenerator<SourceRecord> {
  for await (const found of walk(root, root)) {
    if ('error' in found) {
      yield { provenance: { source: 'dir', ref: `${path.relative(root, found.dir)}/` }, error: found.error };
      continue;
    }
    const { file } = found;
    const ref = path.relative(root, file) || path.basename(file);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      yield { provenance: { source: 'dir', ref }, error: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch (error) {
      // Invalid bytes, or more text than one string can hold.
      yield { provenance: { source: 'dir', ref }, error: (error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA' ? 'not valid UTF-8' : `too large to read (${bytes.length} bytes)` };
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') {
      yield { provenance: { source: 'dir', ref }, error: 'empty file' };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { provenance: { source: 'dir', ref }, error: `not valid JSON: ${describeJsonError(text)}` };
      continue;
    }
    for (const record of recordsFromValue(value, { source: 'dir', ref })) {
      // A file holding one workflow: its size is the file's (arrays are measured per element later).
      yield Array.isArray(value) ? record : { ...record, rawSize: text.length };
    }
  }
}

export const DIR_SOURCE = pathSource('dir', readDirectory);
