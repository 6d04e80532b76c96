/**
 * Reading workflow inputs for the CLI: files, directories (recursive `*.json`) and
 * stdin (`-`). A file holding a JSON array (`n8n export:workflow --all`) yields one
 * entry per element. Parse failures become entries too (reported as INVALID_JSON);
 * only unreadable paths are I/O errors.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describeJsonError } from '../schemas/json-text';

export { describeJsonError };

export interface WorkflowInput {
  /** File name, `name[i]` for array elements, `-` for stdin. */
  file: string;
  /** The parsed JSON value, or the raw text when it is not valid JSON. */
  value: unknown;
  /** Set when the text is not JSON: message with line and column. */
  parseError?: string;
}

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function parseWorkflowText(file: string, text: string): WorkflowInput[] {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return [{ file, value: text, parseError: describeJsonError(text) }];
  }
  if (Array.isArray(value)) return value.map((item, i) => ({ file: `${file}[${i}]`, value: item }));
  return [{ file, value }];
}

function listJsonFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listJsonFiles(full));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) found.push(full);
  }
  return found;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}`);
  }
}

/** Expand paths into workflow inputs; stdin text is passed in so the caller owns the stream. */
export function readWorkflowInputs(paths: string[], readStdin: () => string): WorkflowInput[] {
  const inputs: WorkflowInput[] = [];
  for (const p of paths) {
    if (p === '-') {
      inputs.push(...parseWorkflowText('-', readStdin()));
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new InputError(`cannot read ${p}: no such file or directory`);
    }
    const files = isDir ? listJsonFiles(p) : [p];
    if (isDir && files.length === 0) throw new InputError(`${p}: no .json files in this directory`);
    for (const file of files) inputs.push(...parseWorkflowText(file, readText(file)));
  }
  return inputs;
}
