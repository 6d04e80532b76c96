/**
 * Reading workflow inputs for the CLI: files, directories (recursive `*.json`) and
 * stdin (`-`). A file holding a JSON array (`n8n export:workflow --all`) yields one
 * entry per element. Parse failures become entries too (reported as INVALID_JSON), and
 * so do paths that cannot be read (reported as I/O errors): one bad path never hides
 * the results of the others.
 */
import { readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import { describeJsonError } from '../schemas/json-text';
import { FlowtuneError, type ErrorData } from '../core/errors';

export { describeJsonError };

/** One workflow as read from a path: a file, an element of a file's array, stdin, or a path that cannot be read. */
export interface InputEntry {
  /** File name, `name[i]` for array elements, `-` for stdin; the path itself when it cannot be read. */
  file: string;
  /** The parsed JSON value, or the raw text when it is not valid JSON (undefined when unreadable). */
  value: unknown;
  /** Set when the text is not JSON: message with line and column. */
  parseError?: string;
  /** Set when the path cannot be read: missing, no permission, a folder without `*.json` files. */
  readError?: string;
  /** The file it came from (`-` for stdin) and, for an element of a JSON array, its index: where a fixed workflow is written back. */
  source?: { path: string; index?: number };
}

export class InputError extends FlowtuneError {
  constructor(message: string, where: Pick<ErrorData, 'file' | 'line' | 'field'> = {}) {
    super(message, { kind: 'invalid_input', ...where });
    this.name = 'InputError';
  }
}

export function parseWorkflowText(file: string, text: string): InputEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return [{ file, value: text, parseError: describeJsonError(text), source: { path: file } }];
  }
  if (Array.isArray(value)) return value.map((item, i) => ({ file: `${file}[${i}]`, value: item, source: { path: file, index: i } }));
  return [{ file, value, source: { path: file } }];
}

const unreadable = (file: string, error: unknown): InputEntry => {
  const code = (error as NodeJS.ErrnoException).code;
  return { file, value: undefined, readError: code === 'ENOENT' ? 'no such file or directory' : (code ?? String(error)) };
};

/** A `*.json` file found below a folder, or a folder below it that cannot be listed (`readError`). */
type Listed = Pick<InputEntry, 'file' | 'readError'>;

/** `*.json` files below `dir`, in name order; a folder that cannot be listed comes back in its place, with its error. */
function listJsonFiles(dir: string): Listed[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    return [unreadable(dir, error)];
  }
  const found: Listed[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listJsonFiles(full));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) found.push({ file: full });
  }
  return found;
}

function readFile(file: string): InputEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return [unreadable(file, error)];
  }
  return parseWorkflowText(file, text);
}

/** Expand paths into workflow inputs; stdin text is passed in so the caller owns the stream. */
export function readWorkflowInputs(paths: string[], readStdin: () => string): InputEntry[] {
  const inputs: InputEntry[] = [];
  for (const p of paths) {
    if (p === '-') {
      inputs.push(...parseWorkflowText('-', readStdin()));
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (error) {
      inputs.push(unreadable(p, error));
      continue;
    }
    if (!isDir) {
      inputs.push(...readFile(p));
      continue;
    }
    const found = listJsonFiles(p);
    if (found.length === 0) inputs.push({ file: p, value: undefined, readError: 'no .json files in this directory' });
    for (const { file, readError } of found) inputs.push(...(readError !== undefined ? [{ file, value: undefined, readError }] : readFile(file)));
  }
  return inputs;
}
