/** flowtune dataset check <file.jsonl|-> [--model id] [--json] [--prices file] */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createColors } from 'picocolors';
import { fineTuningEndWarning } from '../../dataset/tokens';
import { CHECK_CODES, checkJsonlLines, type CheckResult } from '../../dataset/check';
import {
  estimateTrainingCost,
  loadPriceTable,
  MAX_DEFAULT_EPOCHS,
  MAX_TARGET_EXAMPLES,
  MIN_DEFAULT_EPOCHS,
  MIN_TARGET_EXAMPLES,
  type PriceTable,
  PriceTableError,
  TARGET_EPOCHS,
  type TrainingCostEstimate,
} from '../../dataset/cost';
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../io';

export interface DatasetCheckCommandOptions {
  model: string;
  json?: boolean;
  /** A price table JSON file laid over dataset/prices.json. */
  prices?: string;
}

export interface DatasetCheckReport extends CheckResult {
  file: string;
  cost: TrainingCostEstimate;
}

/** OpenAI refuses a training file with fewer examples. */
export const MIN_OPENAI_EXAMPLES = 10;
/** Line numbers shown per category in the text report. */
const FIRST_LINES = 5;

/** The lines of a file, read in 1 MiB chunks: a large file is never held whole. */
export function* readLinesSync(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    const decoder = new StringDecoder('utf8');
    let pending = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      pending += decoder.write(buffer.subarray(0, n));
      let start = 0;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n', start)) {
        yield pending.slice(start, nl);
        start = nl + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    if (pending !== '') yield pending;
  } finally {
    closeSync(fd);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

function epochsRule(cost: TrainingCostEstimate): string {
  if (cost.epochsSource === 'given') return 'as given';
  const seen = cost.examples * TARGET_EPOCHS;
  if (seen < MIN_TARGET_EXAMPLES) {
    return `default rule: ${fmt(cost.examples)} examples × ${TARGET_EPOCHS} < ${MIN_TARGET_EXAMPLES} → min(${MAX_DEFAULT_EPOCHS}, ⌊${MIN_TARGET_EXAMPLES} / ${fmt(cost.examples)}⌋)`;
  }
  if (seen > MAX_TARGET_EXAMPLES) {
    return `default rule: ${fmt(cost.examples)} examples × ${TARGET_EPOCHS} > ${fmt(MAX_TARGET_EXAMPLES)} → max(${MIN_DEFAULT_EPOCHS}, ⌊${fmt(MAX_TARGET_EXAMPLES)} / ${fmt(cost.examples)}⌋)`;
  }
  return `default rule: ${fmt(cost.examples)} examples × ${TARGET_EPOCHS} within ${MIN_TARGET_EXAMPLES}–${fmt(MAX_TARGET_EXAMPLES)}`;
}

function lineList(lines: number[]): string {
  const shown = lines.slice(0, FIRST_LINES).join(', ');
  return `${lines.length === 1 ? 'line' : 'lines'} ${shown}${lines.length > FIRST_LINES ? `, … (${lines.length - FIRST_LINES} more)` : ''}`;
}

export function formatCheckReport(report: DatasetCheckReport, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  const tokenizer = `${report.encoding}${report.approximate ? `, an estimate: ${report.model}'s tokenizer is not bundled` : ''}`;
  out.push(`${c.bold(report.file)}: ${fmt(report.examples)} example(s), model ${report.model} (${tokenizer})`);
  const ending = fineTuningEndWarning(report.model);
  if (ending) out.push(c.yellow(`warning: ${ending}`));
  if (report.examples < MIN_OPENAI_EXAMPLES) out.push(c.yellow(`note: OpenAI fine-tuning needs at least ${MIN_OPENAI_EXAMPLES} examples`));
  out.push('');

  if (report.errors.length === 0) {
    out.push(c.green('format: no errors'));
  } else {
    out.push(c.red(`format: ${fmt(report.errors.length)} error(s)`));
    const width = Math.max(...CHECK_CODES.map((code) => code.length));
    for (const code of CHECK_CODES) {
      const found = report.errors.filter((e) => e.code === code);
      if (found.length === 0) continue;
      const lines = [...new Set(found.map((e) => e.line))];
      out.push(`  ${c.bold(code.padEnd(width))} ${String(found.length).padStart(6)}  ${lineList(lines)}`);
      out.push(`  ${' '.repeat(width)}         e.g. line ${found[0].line}: ${found[0].message}`);
    }
  }
  out.push('');

  const t = report.tokens;
  out.push(
    `tokens per example (cookbook count): total ${fmt(t.total)}, min ${fmt(t.min)}, mean ${fmt(t.mean)}, p50 ${fmt(t.p50)}, p90 ${fmt(t.p90)}, max ${fmt(t.max)}`,
  );
  const limitNote = report.limitDocumented ? '' : ' (assumed: no documented limit for this model)';
  out.push(`per-example limit ${fmt(report.limit)}${limitNote}: ${report.overLimit > 0 ? c.red(`${fmt(report.overLimit)} over`) : '0 over'}`);
  out.push('');

  const cost = report.cost;
  out.push(`training: ${cost.epochs} epoch(s) (${epochsRule(cost)})`);
  out.push(`billed tokens: ${fmt(cost.tokensPerEpoch)} per epoch (each example capped at ${fmt(cost.limit)}) × ${cost.epochs} = ${fmt(cost.billedTokens)}`);
  out.push(
    cost.usd === null || cost.usdPerMillion === null
      ? `cost: no price known for ${report.model} (add it with --prices <file>)`
      : `cost: ${fmt(cost.billedTokens)} × $${cost.usdPerMillion.toFixed(2)} / 1M (${cost.priceKey}) ≈ ${c.bold(`$${cost.usd.toFixed(2)}`)}`,
  );
  return `${out.join('\n')}\n`;
}

/** fs errors carry a string `code` (ENOENT, EISDIR…); duck-typed, as they may come from another realm. */
const isIoError = (error: unknown): error is NodeJS.ErrnoException =>
  typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as Error).message === 'string';

export function runDatasetCheck(file: string, options: DatasetCheckCommandOptions, io: CliIO): number {
  let prices: PriceTable;
  try {
    prices = loadPriceTable(options.prices);
  } catch (error) {
    if (!(error instanceof PriceTableError)) throw error;
    io.stderr(`flowtune: ${error.message}\n`);
    return EXIT_USAGE;
  }
  let result: CheckResult;
  try {
    result = checkJsonlLines(file === '-' ? io.readStdin().split('\n') : readLinesSync(file), options.model);
  } catch (error) {
    if (!isIoError(error)) throw error;
    io.stderr(`flowtune: cannot read ${file === '-' ? 'standard input' : file}: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const cost = estimateTrainingCost({ tokensPerExample: result.tokens.perExample.map((e) => e.tokens), model: options.model, prices });
  const report: DatasetCheckReport = { file, ...result, cost };
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report, io.color));
  return result.errors.length > 0 ? EXIT_INVALID : EXIT_OK;
}
