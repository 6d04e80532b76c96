/**
 * npm run bench:dataset — build the dataset from the 2,352 n8n.io templates and
 * compare with plain JSON.parse + JSON.stringify of the same bytes.
 *
 * Cold builds run in fresh child processes, as `flowtune dataset build` does (each
 * reports its own baseline, so every ratio is taken at that minute's machine speed);
 * the warm build runs in this process after a warm-up; the per-step table shows where
 * a warm build's time goes. Token counting is timed separately. Figures go to
 * BENCHMARKS.md (bench:dataset markers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILD_STEPS, buildDataset, DEFAULT_BUILD_SETTINGS, type BuildOptions } from '../dataset/build';
import { FORMATS } from '../dataset/formats';
import { defaultWorkerCount } from '../dataset/prepare-pool';
import type { StepTimes } from '../dataset/prepare';
import { readTemplates } from '../dataset/sources/templates';
import { countChatTokens, countTokens } from '../dataset/tokens';
import { loadCatalog } from '../schemas/catalog/load';
import { measureTable, writeBenchmarkSection } from './benchmarks-md';

let peakRss = 0;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20).unref();

/** Share of CPU time the hypervisor took from this VM (/proc/stat "steal"): timings drift with it. */
function cpuTimes(): { steal: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { steal: fields[7] ?? 0, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const COLD_RUNS = 3;
const STEP_LABELS: Record<string, string> = {
  read: 'read the rows (SQLite)',
  decompress: 'decompress (base64 + gunzip)',
  parse: 'JSON.parse',
  validate: 'validate (and the node-count and views filters)',
  compact: 'compact target',
  redact: 'redact the target',
  encode: 'JSON.stringify the target',
  request: 'request (redact the texts, extract)',
  keys: 'dedupe keys and trigger kind',
  duplicates: 'duplicates, near duplicates, report counts, spool',
  write: 'split, three formats, report, write and rename',
};

function buildOptions(outDir: string): BuildOptions {
  return {
    ...DEFAULT_BUILD_SETTINGS,
    sources: [{ kind: 'templates' }],
    outDir,
    catalog: loadCatalog(),
    formats: new Set(FORMATS),
  };
}

/** JSON.parse + JSON.stringify of every template's workflow JSON: the least any tool must do with these bytes. */
function baselineMs(texts: string[]): number {
  const t0 = process.hrtime.bigint();
  for (const text of texts) JSON.stringify(JSON.parse(text));
  return ms(t0);
}

interface ColdRun {
  wallMs: number;
  cpuMs: number;
  baselineMs: number;
}

/** Child mode: one build in this fresh process (what a CLI run pays), then the baseline of that minute. */
async function coldChild(workers: number, countTokensToo: boolean): Promise<void> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'flowtune-bench-cold-'));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await buildDataset({ ...buildOptions(out), countTokens: countTokensToo, workers });
  const wallMs = ms(t0);
  const cpu = process.cpuUsage(cpu0);
  rmSync(out, { recursive: true, force: true });
  const texts = (await readTemplates()).map((t) => t.workflowJson);
  const run: ColdRun = { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, baselineMs: Math.min(baselineMs(texts), baselineMs(texts)) };
  process.stdout.write(JSON.stringify(run));
}

function coldRuns(workers: number, countTokensToo: boolean, runs: number): ColdRun[] {
  return Array.from({ length: runs }, () =>
    JSON.parse(execFileSync(process.execPath, [__filename, '--cold-child', String(workers), String(countTokensToo)], { encoding: 'utf8' })) as ColdRun,
  );
}

function describeCold(runs: ColdRun[], n: number): string {
  const walls = runs.map((r) => r.wallMs);
  const ratios = runs.map((r) => r.wallMs / r.baselineMs);
  const cpu = median(runs.map((r) => r.cpuMs));
  return `${fmt(median(walls))} ms median (${fmt(Math.min(...walls))}–${fmt(Math.max(...walls))}) = ${fmt((n / median(walls)) * 1000)} workflows/s = ${median(ratios).toFixed(1)}× the baseline (${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}×); CPU ${fmt(cpu)} ms`;
}

async function main(): Promise<void> {
  const model = DEFAULT_BUILD_SETTINGS.model;
  const cpuBefore = cpuTimes();
  const templates = await readTemplates();
  const texts = templates.map((t) => t.workflowJson);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const n = templates.length;
  const workers = defaultWorkerCount();

  // Cold: fresh processes, one thread and the default worker threads.
  const coldOne = coldRuns(0, false, COLD_RUNS);
  const coldWorkers = coldRuns(workers, false, COLD_RUNS);
  const coldTokens = coldRuns(workers, true, 1)[0];

  // Warm: this process, after a warm-up build (JIT, catalog indexes, redaction's cache of clean strings).
  const out = mkdtempSync(path.join(os.tmpdir(), 'flowtune-bench-dataset-'));
  const options = buildOptions(out);
  await buildDataset({ ...options, countTokens: false, workers: 0 });
  const warm: number[] = [];
  const warmBaselines: number[] = [];
  let withoutTokens = await buildDataset({ ...options, countTokens: false, workers: 0 });
  for (let i = 0; i < 3; i++) {
    warmBaselines.push(baselineMs(texts));
    const t0 = process.hrtime.bigint();
    withoutTokens = await buildDataset({ ...options, countTokens: false, workers: 0 });
    warm.push(ms(t0));
  }
  // Warm worker threads: the pool kept from the previous build (as in n8n, or a second build in one process).
  await buildDataset({ ...options, countTokens: false, workers });
  const warmPool: number[] = [];
  for (let i = 0; i < 3; i++) {
    warmBaselines.push(baselineMs(texts));
    const t0 = process.hrtime.bigint();
    await buildDataset({ ...options, countTokens: false, workers });
    warmPool.push(ms(t0));
  }
  const baseline = median(warmBaselines);
  const warmMs = median(warm);
  const warmPoolMs = median(warmPool);

  // Where a warm one-thread build's time goes, step by step (one more build, timed inside).
  const steps: StepTimes = {};
  let t0 = process.hrtime.bigint();
  await buildDataset({ ...options, countTokens: false, workers: 0, stepTimes: steps });
  const stepsBuildMs = ms(t0);
  const stepsMs = BUILD_STEPS.reduce((sum, step) => sum + (steps[step] ?? 0), 0);

  const full = await buildDataset({ ...options, workers });

  // Token counting alone, over the examples the build wrote.
  const lines = readFileSync(path.join(out, 'train.jsonl'), 'utf8').trim().split('\n');
  const examples = lines.map((l) => (JSON.parse(l) as { messages: Array<{ role: string; content: string }> }).messages);
  t0 = process.hrtime.bigint();
  for (const messages of examples) countChatTokens(messages, model);
  const tokenMs = ms(t0);
  rmSync(out, { recursive: true, force: true });

  // Workflow JSON alone: the template as stored (minified), as n8n's editor exports it
  // (pretty-printed), and the compact target written for it.
  const byName = new Map<string, string>();
  for (const t of templates) {
    const name = (JSON.parse(t.workflowJson) as { name?: string }).name ?? t.name;
    if (!byName.has(name)) byName.set(name, t.workflowJson);
  }
  let minified = 0;
  let pretty = 0;
  let compact = 0;
  for (const messages of examples) {
    const target = messages[2].content;
    const raw = byName.get((JSON.parse(target) as { name?: string }).name ?? '');
    if (!raw) continue;
    minified += countTokens(raw, model);
    pretty += countTokens(JSON.stringify(JSON.parse(raw), null, 2), model);
    compact += countTokens(target, model);
  }

  const cpuAfter = cpuTimes();
  const steal = cpuBefore && cpuAfter ? (100 * (cpuAfter.steal - cpuBefore.steal)) / Math.max(1, cpuAfter.total - cpuBefore.total) : undefined;
  const share = (x: number) => `${fmt(x)} ms = ${(x / baseline).toFixed(2)}×`;
  const rows: Array<[string, string]> = [
    ['input', `${n} templates, ${(bytes / 1e6).toFixed(1)} MB of workflow JSON (n8n-mcp data/nodes.db); node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(2)}${steal !== undefined ? `, CPU steal ${steal.toFixed(0)}%` : ''}`],
    ['JSON.parse + JSON.stringify of the same bytes (the baseline)', `${fmt(baseline)} ms here (median of 6, ${fmt(Math.min(...warmBaselines))}–${fmt(Math.max(...warmBaselines))}); each cold run measures its own`],
    [`**cold** build without token counting, one thread (fresh process, as the CLI runs; ${COLD_RUNS} runs)`, describeCold(coldOne, n)],
    [`cold build without token counting, ${workers} worker threads (${COLD_RUNS} runs)`, describeCold(coldWorkers, n)],
    [`cold build with token counting, ${workers} worker threads (the CLI default)`, describeCold([coldTokens], n)],
    ['**warm** build without token counting, one thread (same process after a warm-up; median of 3)', `${fmt(warmMs)} ms (${fmt(Math.min(...warm))}–${fmt(Math.max(...warm))}) = ${fmt((n / warmMs) * 1000)} workflows/s = ${(warmMs / baseline).toFixed(1)}× the baseline`],
    [`**warm** build without token counting, ${workers} worker threads kept from the previous build (median of 3)`, `${fmt(warmPoolMs)} ms (${fmt(Math.min(...warmPool))}–${fmt(Math.max(...warmPool))}) = ${fmt((n / warmPoolMs) * 1000)} workflows/s = ${(warmPoolMs / baseline).toFixed(1)}× the baseline`],
    ...BUILD_STEPS.filter((step) => step !== 'tokens').map((step): [string, string] => [`warm one-thread build, step: ${STEP_LABELS[step] ?? step}`, share(steps[step] ?? 0)]),
    ['warm one-thread build, between the steps (async iteration, progress)', `${share(Math.max(0, stepsBuildMs - stepsMs))} (that build: ${fmt(stepsBuildMs)} ms)`],
    ['token counting alone (o200k_base, train examples)', `${fmt(tokenMs)} ms for ${examples.length} examples`],
    ['accepted / train / validation', `${full.counts.accepted} / ${full.counts.train} / ${full.counts.validation} (without tokens: ${withoutTokens.counts.accepted} accepted)`],
    ['tokens per chat example (system + request + compact answer)', `mean ${fmt(full.tokens.target.mean)}, p90 ${fmt(full.tokens.target.p90)}, max ${fmt(full.tokens.target.max)}`],
    ['tokens of the workflow JSON alone: compact target vs the template as stored (minified)', `${fmt(minified)} → ${fmt(compact)} = ${((1 - compact / minified) * 100).toFixed(0)}% fewer`],
    ['tokens of the workflow JSON alone: compact target vs an n8n editor export (pretty-printed)', `${fmt(pretty)} → ${fmt(compact)} = ${((1 - compact / pretty) * 100).toFixed(0)}% fewer`],
    ['peak RSS (this process: templates in memory, warm builds)', `${fmt(peakRss / 1048576)} MB`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k}: ${v}\n`);

  if (!process.argv.includes('--no-write')) {
    process.stdout.write(`updated ${writeBenchmarkSection('dataset', measureTable(rows))}\n`);
  }
}

const childAt = process.argv.indexOf('--cold-child');
(childAt >= 0 ? coldChild(Number(process.argv[childAt + 1]), process.argv[childAt + 2] === 'true') : main()).catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
