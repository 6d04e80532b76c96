/** flowtune validate <file|dir|->... [--json] */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { createColors } from 'picocolors';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { DEFAULT_MAX_ISSUES, type IssueCounts, validateWorkflow, type ValidationIssue, type ValidationPolicy } from '../../schemas/validator';
import { readWorkflowInputs, type InputEntry } from '../inputs';
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../io';
import { addCatalogOption, addPolicyOptions, catalogFrom, type CommonOptions, numberOption, policyFrom } from '../options';

export interface FileResult {
  file: string;
  valid: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  /** Present when issues past `--max-issues` were left out: how many. */
  truncated?: IssueCounts;
}

/** A path that could not be read (an I/O error: exit code 2 once the other results are printed). */
export interface UnreadablePath {
  file: string;
  error: string;
}

export interface ValidateReport {
  results: FileResult[];
  summary: { files: number; valid: number; invalid: number; byCode: Record<string, number> };
  /** Present only when some path could not be read. */
  unreadable?: UnreadablePath[];
}

export function validateInputs(inputs: InputEntry[], catalog: NodeCatalog, policy: ValidationPolicy, maxIssues?: number): ValidateReport {
  const unreadable: UnreadablePath[] = [];
  const readable = inputs.filter((input) => {
    if (input.readError !== undefined) unreadable.push({ file: input.file, error: input.readError });
    return input.readError === undefined;
  });
  const results = readable.map((input): FileResult => {
    if (input.parseError !== undefined) {
      return { file: input.file, valid: false, errors: [{ code: 'INVALID_JSON', message: `not valid JSON: ${input.parseError}` }], warnings: [] };
    }
    const { valid, errors, warnings, truncated } = validateWorkflow(input.value, { catalog, policy, maxIssues });
    return { file: input.file, valid, errors, warnings, ...(truncated ? { truncated } : {}) };
  });
  const byCode: Record<string, number> = {};
  for (const r of results) for (const issue of [...r.errors, ...r.warnings]) byCode[issue.code] = (byCode[issue.code] ?? 0) + 1;
  const valid = results.filter((r) => r.valid).length;
  return { results, summary: { files: results.length, valid, invalid: results.length - valid, byCode }, ...(unreadable.length > 0 ? { unreadable } : {}) };
}

function describeIssue(issue: ValidationIssue): string {
  const where = issue.node !== undefined ? `[${issue.node}] ` : '';
  const suggestion = issue.suggestion ? ` — ${issue.suggestion}` : '';
  return `${where}${issue.message}${suggestion}`;
}

export function formatReport(report: ValidateReport, color: boolean): string {
  const c = createColors(color);
  const table = new Table({
    head: ['File', 'Result', 'Errors', 'Warnings'],
    style: { head: color ? ['bold'] : [], border: color ? ['grey'] : [] },
    ...(color ? {} : { chars: { top: '-', 'top-mid': '+', 'top-left': '+', 'top-right': '+', bottom: '-', 'bottom-mid': '+', 'bottom-left': '+', 'bottom-right': '+', left: '|', 'left-mid': '+', mid: '-', 'mid-mid': '+', right: '|', 'right-mid': '+', middle: '|' } }),
  });
  for (const r of report.results) {
    const errors = r.errors.length + (r.truncated?.errors ?? 0);
    const warnings = r.warnings.length + (r.truncated?.warnings ?? 0);
    table.push([r.file, r.valid ? c.green('valid') : c.red('invalid'), String(errors), String(warnings)]);
  }
  const lines = [table.toString(), ''];
  for (const r of report.results) {
    if (r.errors.length === 0 && r.warnings.length === 0) continue;
    lines.push(c.bold(r.file));
    for (const e of r.errors) lines.push(`  ${c.red('error  ')} ${c.bold(e.code)} ${describeIssue(e)}`);
    for (const w of r.warnings) lines.push(`  ${c.yellow('warning')} ${c.bold(w.code)} ${describeIssue(w)}`);
    if (r.truncated) lines.push(c.dim(`  … ${r.truncated.errors} more error(s), ${r.truncated.warnings} more warning(s) not shown (--max-issues)`));
    lines.push('');
  }
  const { files, valid, invalid, byCode } = report.summary;
  const codes = Object.entries(byCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const unreadable = report.unreadable ? `; ${c.red(`${report.unreadable.length} path(s) not read`)}` : '';
  lines.push(`${files} workflow(s): ${c.green(`${valid} valid`)}, ${invalid > 0 ? c.red(`${invalid} invalid`) : '0 invalid'}${codes ? ` (${codes})` : ''}${unreadable}`);
  return `${lines.join('\n')}\n`;
}

export interface ValidateCommandOptions {
  json?: boolean;
  /** Issues kept per workflow (`--max-issues`). */
  maxIssues?: number;
}

export function runValidate(paths: string[], options: ValidateCommandOptions, catalog: NodeCatalog, policy: ValidationPolicy, io: CliIO): number {
  const inputs = readWorkflowInputs(paths, io.readStdin);
  const report = validateInputs(inputs, catalog, policy, options.maxIssues);
  for (const { file, error } of report.unreadable ?? []) io.stderr(`flowtune: cannot read ${file}: ${error}\n`);
  // Nothing read at all: the error lines say it all (stdout stays empty, as for a usage error).
  if (report.results.length > 0) io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, io.color));
  // README's contract: 2 for an I/O error (after the results of what could be read), else 1 for any invalid.
  return report.unreadable ? EXIT_USAGE : report.summary.invalid > 0 ? EXIT_INVALID : EXIT_OK;
}

/** `flowtune validate`. */
export function registerValidate(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const validate = program
    .command('validate')
    .description('validate n8n workflow files against the node catalog (exit 0 all valid, 1 any invalid, 2 usage or I/O error)')
    .argument('<paths...>', 'workflow files, directories (recursive *.json) or - for stdin')
    .option('--json', 'print machine-readable results')
    .option('--max-issues <n>', 'issues listed per workflow; the rest are counted ("truncated")', String(DEFAULT_MAX_ISSUES));
  addPolicyOptions(addCatalogOption(validate)).action(async (paths: string[], options: CommonOptions & { json?: boolean; maxIssues: string }) => {
    const maxIssues = numberOption(options.maxIssues, '--max-issues', { min: 1, max: 1_000_000, integer: true });
    setExit(runValidate(paths, { json: options.json, maxIssues }, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });
}
