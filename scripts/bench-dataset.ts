/**
 * npm run bench:dataset — build the dataset from the 2,352 n8n.io templates and
 * compare with plain JSON.parse + JSON.stringify of the same bytes. Token counting
 * is timed separately. Figures go to BENCHMARKS.md (bench:dataset markers).
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildDataset, DEFAULT_BUILD_SETTINGS, type BuildOptions } from '../dataset/build';
import { FORMATS } from '../dataset/formats';
import { defaultWorkerCount } from '../dataset/prepare-pool';
import { readTemplates } from '../dataset/sources/templates';
import { countChatTokens, countTokens } from '../dataset/tokens';
import { loadCatalog } from '../schemas/catalog/load';
import { packageRoot } from '../schemas/paths';

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

async function main(): Promise<void> {
  const model = DEFAULT_BUILD_SETTINGS.model;
  const cpuBefore = cpuTimes();
  const templates = await readTemplates();
  const bytes = templates.reduce((n, t) => n + Buffer.byteLength(t.workflowJson), 0);

  // Baseline: the least any tool must do with these bytes.
  let t0 = process.hrtime.bigint();
  for (const t of templates) JSON.stringify(JSON.parse(t.workflowJson));
  const baselineMs = ms(t0);

  const out = mkdtempSync(path.join(os.tmpdir(), 'flowtune-bench-dataset-'));
  const options: BuildOptions = {
    ...DEFAULT_BUILD_SETTINGS,
    sources: [{ kind: 'templates' }],
    outDir: out,
    catalog: loadCatalog(),
    formats: new Set(FORMATS),
    model,
  };
  // Warm-up run (JIT, catalog indexes, sql.js), then the measured runs: in this thread, and on
  // worker threads (started cold for every build, as in a CLI run).
  const workers = defaultWorkerCount();
  await buildDataset({ ...options, countTokens: false, workers: 0 });
  t0 = process.hrtime.bigint();
  const withoutTokens = await buildDataset({ ...options, countTokens: false, workers: 0 });
  const pipelineMs = ms(t0);
  t0 = process.hrtime.bigint();
  await buildDataset({ ...options, countTokens: false, workers });
  const workersMs = ms(t0);
  t0 = process.hrtime.bigint();
  const full = await buildDataset(options);
  const fullMs = ms(t0);

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

  const n = templates.length;
  const cpuAfter = cpuTimes();
  const steal = cpuBefore && cpuAfter ? (100 * (cpuAfter.steal - cpuBefore.steal)) / Math.max(1, cpuAfter.total - cpuBefore.total) : undefined;
  const rows: Array<[string, string]> = [
    ['input', `${n} templates, ${(bytes / 1e6).toFixed(1)} MB of workflow JSON (n8n-mcp data/nodes.db); node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}${steal !== undefined ? `, CPU steal ${steal.toFixed(0)}%` : ''}`],
    ['JSON.parse + JSON.stringify of the same bytes', `${fmt(baselineMs)} ms`],
    ['dataset build without token counting (read, clean, redact, validate, filter, compact, dedupe, split, write 3 formats), one thread, warm', `${fmt(pipelineMs)} ms = ${fmt((n / pipelineMs) * 1000)} workflows/s = ${(pipelineMs / baselineMs).toFixed(1)}× the baseline`],
    [`the same on ${workers} worker thread(s), started cold`, `${fmt(workersMs)} ms = ${(workersMs / baselineMs).toFixed(1)}× the baseline`],
    [`dataset build with token counting (${workers} worker threads)`, `${fmt(fullMs)} ms = ${fmt((n / fullMs) * 1000)} workflows/s`],
    ['token counting alone (o200k_base, train examples)', `${fmt(tokenMs)} ms for ${examples.length} examples`],
    ['accepted / train / validation', `${full.counts.accepted} / ${full.counts.train} / ${full.counts.validation} (without tokens: ${withoutTokens.counts.accepted} accepted)`],
    ['tokens per chat example (system + request + compact answer)', `mean ${fmt(full.tokens.target.mean)}, p90 ${fmt(full.tokens.target.p90)}, max ${fmt(full.tokens.target.max)}`],
    ['tokens of the workflow JSON alone: compact target vs the template as stored (minified)', `${fmt(minified)} → ${fmt(compact)} = ${((1 - compact / minified) * 100).toFixed(0)}% fewer`],
    ['tokens of the workflow JSON alone: compact target vs an n8n editor export (pretty-printed)', `${fmt(pretty)} → ${fmt(compact)} = ${((1 - compact / pretty) * 100).toFixed(0)}% fewer`],
    ['peak RSS', `${fmt(peakRss / 1048576)} MB`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k}: ${v}\n`);

  if (!process.argv.includes('--no-write')) {
    const file = path.join(packageRoot(), 'BENCHMARKS.md');
    const start = '<!-- bench:dataset:start -->';
    const end = '<!-- bench:dataset:end -->';
    const text = readFileSync(file, 'utf8');
    if (!text.includes(start)) throw new Error(`${file}: marker ${start} not found`);
    const section = [`Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:dataset\`.`, '', '| measure | figure |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
    const next = `${text.slice(0, text.indexOf(start) + start.length)}\n${section}\n${text.slice(text.indexOf(end))}`;
    writeFileSync(`${file}.tmp`, next);
    renameSync(`${file}.tmp`, file);
    process.stdout.write(`updated ${file}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
