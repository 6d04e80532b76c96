/**
 * BENCHMARKS.md: each `npm run bench:<name>` rewrites only its own section, between
 * `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`, under a "Measured <date> by …" line
 * (temp file, then rename: an interrupted run leaves the file as it was).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../schemas/paths';

export interface SectionOptions {
  /** Name the Node.js version in the "Measured" line. */
  node?: boolean;
  /** With no BENCHMARKS.md yet, start one holding this section only. */
  createIfMissing?: boolean;
}

/** A two-column table of measures. */
export function measureTable(rows: ReadonlyArray<readonly [string, string]>): string[] {
  return ['| measure | figure |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
}

/** Replace the bench's section with `body` under its "Measured" line; returns the file written. */
export function writeBenchmarkSection(name: string, body: readonly string[], options: SectionOptions = {}): string {
  const file = path.join(packageRoot(), 'BENCHMARKS.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (!options.createIfMissing) throw error;
    text = `# Benchmarks\n\n${start}\n${end}\n`;
  }
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${file}: markers ${start} / ${end} not found`);
  const measured = `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:${name}\`${options.node ? ` (node ${process.version})` : ''}.`;
  const section = [measured, '', ...body].join('\n');
  writeFileSync(`${file}.tmp`, `${text.slice(0, from + start.length)}\n${section}\n${text.slice(to)}`);
  renameSync(`${file}.tmp`, file);
  return file;
}
