/** flowtune fix <file|dir|->... [--min-confidence medium] [--write | --out <dir>] [--json] */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { createColors } from 'picocolors';
import { writeFileAtomic } from '../../dataset/writer';
import { DEFAULT_MIN_CONFIDENCE, fixWorkflow, isConfidence, type FixConfidence, type FixRecord } from '../../schemas/fix';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import type { ValidationIssue, ValidationPolicy } from '../../schemas/validator';
import { readWorkflowInputs, type InputEntry } from '../inputs';
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../io';
import { UsageError } from '../errors';
import { addCatalogOption, addPolicyOptions, catalogFrom, type CommonOptions, policyFrom } from '../options';
import type { UnreadablePath } from './validate';

export interface FixCommandOptions {
  minConfidence: string;
  write?: boolean;
  out?: string;
  json?: boolean;
}

export interface FixFileResult {
  file: string;
  /** Valid after the applied fixes. */
  valid: boolean;
  /** Some fix was applied. */
  changed: boolean;
  fixes: FixRecord[];
  /** What is left after fixing. */
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** The fixed workflow: in `--json` output when it is written nowhere else. */
  workflow?: unknown;
}

export interface FixReport {
  results: FixFileResult[];
  summary: { files: number; changed: number; valid: number; invalid: number; applied: number; reported: number };
  written?: string[];
  unreadable?: UnreadablePath[];
}

interface Fixed {
  input: InputEntry;
  result: FixFileResult;
  value: unknown;
}

export function fixInputs(inputs: InputEntry[], catalog: NodeCatalog, policy: ValidationPolicy, minConfidence: FixConfidence): { fixed: Fixed[]; unreadable: UnreadablePath[] } {
  const unreadable: UnreadablePath[] = [];
  const fixed: Fixed[] = [];
  for (const input of inputs) {
    if (input.readError !== undefined) {
      unreadable.push({ file: input.file, error: input.readError });
      continue;
    }
    if (input.parseError !== undefined) {
      const errors: ValidationIssue[] = [{ code: 'INVALID_JSON', message: `not valid JSON: ${input.parseError}` }];
      fixed.push({ input, value: input.value, result: { file: input.file, valid: false, changed: false, fixes: [], errors, warnings: [] } });
      continue;
    }
    const r = fixWorkflow(input.value, { catalog, policy, minConfidence });
    fixed.push({ input, value: r.workflow, result: { file: input.file, valid: r.validation.valid, changed: r.changed, fixes: r.fixes, errors: r.validation.errors, warnings: r.validation.warnings } });
  }
  return { fixed, unreadable };
}

function summary(results: FixFileResult[]): FixReport['summary'] {
  const valid = results.filter((r) => r.valid).length;
  const applied = results.reduce((n, r) => n + r.fixes.filter((f) => f.applied).length, 0);
  const all = results.reduce((n, r) => n + r.fixes.length, 0);
  return { files: results.length, changed: results.filter((r) => r.changed).length, valid, invalid: results.length - valid, applied, reported: all - applied };
}

/** Source files with their (fixed) content: an array file is rebuilt from its elements. */
function contents(fixed: Fixed[]): Map<string, { value: unknown; changed: boolean }> {
  const files = new Map<string, { value: unknown; changed: boolean }>();
  for (const { input, value, result } of fixed) {
    const source = input.source;
    if (!source || input.parseError !== undefined) continue;
    const entry = files.get(source.path) ?? { value: source.index === undefined ? value : [], changed: false };
    if (source.index !== undefined) (entry.value as unknown[])[source.index] = value;
    entry.changed ||= result.changed;
    files.set(source.path, entry);
  }
  return files;
}

function formatFix(f: FixRecord, color: boolean): string {
  const c = createColors(color);
  const where = f.node !== undefined ? `[${f.node}] ` : '';
  const status = f.applied ? c.green('fixed   ') : c.yellow(`reported`);
  return `  ${status} ${c.bold(f.code)} ${where}${f.description} (${f.confidence})`;
}

export function formatFixReport(report: FixReport, color: boolean): string {
  const c = createColors(color);
  const lines: string[] = [];
  for (const r of report.results) {
    lines.push(`${c.bold(r.file)}: ${r.valid ? c.green('valid') : c.red('invalid')}${r.changed ? '' : r.fixes.length > 0 ? ' (nothing applied)' : ''}`);
    for (const f of r.fixes) lines.push(formatFix(f, color));
    for (const e of r.errors) lines.push(`  ${c.red('error   ')} ${c.bold(e.code)} ${e.node !== undefined ? `[${e.node}] ` : ''}${e.message}`);
  }
  const s = report.summary;
  const unreadable = report.unreadable ? `; ${c.red(`${report.unreadable.length} path(s) not read`)}` : '';
  lines.push(
    '',
    `${s.files} workflow(s): ${s.changed} changed, ${c.green(`${s.valid} valid`)}, ${s.invalid > 0 ? c.red(`${s.invalid} invalid`) : '0 invalid'}; ${s.applied} fix(es) applied, ${s.reported} reported below the confidence threshold${unreadable}`,
  );
  for (const file of report.written ?? []) lines.push(`written: ${file}`);
  return `${lines.join('\n')}\n`;
}

export function runFix(paths: string[], options: FixCommandOptions, catalog: NodeCatalog, policy: ValidationPolicy, io: CliIO): number {
  if (!isConfidence(options.minConfidence)) throw new UsageError(`--min-confidence must be high, medium or low (got "${options.minConfidence}")`);
  if (options.write && options.out) throw new UsageError('give --write (in place) or --out <dir>, not both');
  if (options.write && paths.includes('-')) throw new UsageError('--write cannot write back to stdin: use --out <dir> or no option (stdout)');
  const inputs = readWorkflowInputs(paths, io.readStdin);
  const { fixed, unreadable } = fixInputs(inputs, catalog, policy, options.minConfidence);
  for (const { file, error } of unreadable) io.stderr(`flowtune: cannot read ${file}: ${error}\n`);
  const results = fixed.map((f) => f.result);
  const report: FixReport = { results, summary: summary(results), ...(unreadable.length > 0 ? { unreadable } : {}) };
  const files = contents(fixed);

  let toStdout: unknown;
  if (options.write) {
    report.written = [];
    for (const [file, { value, changed }] of files) {
      if (!changed) continue;
      writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
      report.written.push(file);
    }
  } else if (options.out) {
    const names = new Map<string, string>();
    for (const file of files.keys()) {
      const name = file === '-' ? 'stdin.json' : path.basename(file);
      const other = names.get(name);
      if (other !== undefined) throw new UsageError(`--out: ${other} and ${file} would both be written as ${name}`);
      names.set(name, file);
    }
    mkdirSync(options.out, { recursive: true });
    report.written = [];
    for (const [name, file] of names) {
      const target = path.join(options.out, name);
      writeFileAtomic(target, `${JSON.stringify(files.get(file)!.value, null, 2)}\n`);
      report.written.push(target);
    }
  } else if (options.json) {
    fixed.forEach((f) => (f.result.workflow = f.value));
  } else if (files.size > 1 || fixed.length > 1) {
    throw new UsageError('several workflows: give --write (fix in place) or --out <dir>, or --json to get them in the report');
  } else if (files.size === 1) {
    toStdout = [...files.values()][0].value;
  }

  if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    if (results.length > 0) io.stderr(formatFixReport(report, io.color));
    if (toStdout !== undefined) io.stdout(`${JSON.stringify(toStdout, null, 2)}\n`);
  }
  return unreadable.length > 0 ? EXIT_USAGE : report.summary.invalid > 0 ? EXIT_INVALID : EXIT_OK;
}

/** `flowtune fix`. */
export function registerFix(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const fix = program
    .command('fix')
    .description('repair workflow files deterministically (no model): each validator error gets the smallest change that makes it valid, with a confidence (exit 0 all valid after fixing, 1 any invalid, 2 usage or I/O error)')
    .argument('<paths...>', 'workflow files, directories (recursive *.json) or - for stdin')
    .option('--min-confidence <level>', 'apply fixes of this confidence or more (high, medium, low); the rest are only reported', DEFAULT_MIN_CONFIDENCE)
    .option('--write', 'write the fixed files in place (atomically; only files that changed)')
    .option('--out <dir>', 'write the fixed files into this folder')
    .option('--json', 'print machine-readable results (with the fixed workflows unless --write or --out)');
  addPolicyOptions(addCatalogOption(fix)).action(async (paths: string[], options: CommonOptions & FixCommandOptions) => {
    setExit(runFix(paths, options, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });
}
