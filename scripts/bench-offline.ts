/**
 * npm run bench:offline — the offline baseline on requests written as users write them:
 * the titles of n8n.io templates ("Send Gmail attachments to Google Drive"), each scored
 * against its template.
 *
 * 1. The default dataset build from the n8n-mcp templates (seed 42; validation = 10% of the
 *    structural groups, so no near-copy of a scored template is on the training side).
 * 2. Titles eval file: every validation example whose title reads as a request (≥ 3 words,
 *    not "My workflow …", no " copy" suffix), the title as the request, the template as the
 *    reference → `<out>/titles-validation.jsonl`.
 * 3. `flowtune eval` machinery (generator/eval/run.ts, no repair rounds) on it, index built
 *    from train.jsonl only, for: the previous baseline (BM25 nearest training request, its
 *    workflow renamed) and the offline generator → `<out>/{before,after}/eval.{json,md}`.
 *
 * `--dev` scores a dev slice of the training side instead (every training example whose
 * title hashes into 1 of 10 buckets, held out of the index): what the generator's settings
 * were tuned on, so the validation titles stay unseen. `--bucket <0-9>` picks the bucket
 * (default 0; 1–3 were the cross-check). `--out <dir>` (default
 * flowtune-eval/offline), `--no-write` leaves BENCHMARKS.md alone.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sha1 } from '../util/hash';
import { systemPrompt } from '../dataset/prompt';
import { compareEvals, renderEvalMarkdown } from '../generator/eval/report';
import { readEvalExamples, runEval } from '../generator/eval/run';
import type { EvalFile } from '../generator/eval/metrics';
import { OfflineModel, offlineIndexFor } from '../generator/offline/model';
import { generateWorkflow } from '../generator/pipeline';
import { nameForRequest, readTrainingExamples, RetrievalIndex, templatesDataset, type TrainingExample } from '../generator/retrieval';
import type { ChatMessage, CompleteOptions, ModelReply, WorkflowModel } from '../generator/types';
import { loadCatalog } from '../schemas/catalog/load';
import { writeBenchmarkSection } from './benchmarks-md';

/** The baseline before the offline generator: the workflow of the nearest training request (BM25), renamed. */
class NearestRequestModel implements WorkflowModel {
  readonly id = 'bm25-nearest';
  readonly baseline = true;

  constructor(readonly index: RetrievalIndex) {}

  async complete(_messages: ChatMessage[], options: CompleteOptions): Promise<ModelReply> {
    const started = performance.now();
    const [hit] = this.index.nearest(options.request, 1);
    const workflow = JSON.parse((hit?.example ?? this.index.examples[0]).target) as Record<string, unknown>;
    return { text: JSON.stringify({ ...workflow, name: nameForRequest(options.request) }), latencyMs: performance.now() - started };
  }
}

const titleOf = (e: TrainingExample): string => {
  try {
    const name = (JSON.parse(e.target) as { name?: unknown }).name;
    return typeof name === 'string' ? name : '';
  } catch {
    return '';
  }
};

/** A template title as a user would type it, or undefined when it does not read as a request. */
function titleRequest(title: string): string | undefined {
  const text = title
    .replace(/[^\p{L}\p{N}\s&+:,.'()/-]/gu, ' ')
    .replace(/\s+copy$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (/^(my workflow|untitled|test)\b/i.test(text) || text.split(' ').length < 3) return undefined;
  return text;
}

const chatLine = (request: string, target: string) =>
  `${JSON.stringify({ messages: [{ role: 'system', content: systemPrompt('compact') }, { role: 'user', content: request }, { role: 'assistant', content: target }] })}\n`;

const f3 = (n: number) => n.toFixed(3);
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dev = args.includes('--dev');
  const bucketAt = args.indexOf('--bucket');
  const bucket = bucketAt >= 0 ? Number(args[bucketAt + 1]) : 0;
  if (!Number.isInteger(bucket) || bucket < 0 || bucket > 9) throw new Error(`--bucket: expected 0 to 9, got ${args[bucketAt + 1]}`);
  const outAt = args.indexOf('--out');
  const out = path.resolve(outAt >= 0 ? args[outAt + 1] : path.join('flowtune-eval', dev ? 'offline-dev' : 'offline'));
  mkdirSync(out, { recursive: true });
  const catalog = loadCatalog();
  const dataset = await templatesDataset(catalog);
  const trainFile = path.join(dataset, 'train.jsonl');
  const train = readTrainingExamples(trainFile);

  let indexed: TrainingExample[] = train;
  let scored: TrainingExample[];
  if (dev) {
    const inDev = (e: TrainingExample) => parseInt(sha1(`dev:${titleOf(e)}`).slice(0, 8), 16) % 10 === bucket;
    scored = train.filter(inDev);
    indexed = train.filter((e) => !inDev(e));
  } else {
    scored = readTrainingExamples(path.join(dataset, 'validation.jsonl'));
  }
  const evalFile = path.join(out, dev ? 'titles-dev.jsonl' : 'titles-validation.jsonl');
  // A workflow yields up to two examples (its title and a description sentence), both with its title: scored once.
  const lines = new Set<string>();
  for (const e of scored) {
    const request = titleRequest(titleOf(e));
    if (request) lines.add(chatLine(request, e.target));
  }
  writeFileSync(evalFile, [...lines].join(''));
  const examples = readEvalExamples(evalFile);

  const index = new RetrievalIndex(indexed);
  const started = performance.now();
  offlineIndexFor(index, catalog);
  const indexMs = performance.now() - started;
  const runs: Array<[string, WorkflowModel]> = [
    ['before', new NearestRequestModel(index)],
    ['after', new OfflineModel(index, catalog)],
  ];
  const files: EvalFile[] = [];
  for (const [name, model] of runs) {
    const file = await runEval({
      examples,
      catalog,
      model: model.id,
      baseline: true,
      data: evalFile,
      generate: (request) => generateWorkflow(request, { model, catalog, maxRepairs: 0 }),
    });
    mkdirSync(path.join(out, name), { recursive: true });
    writeFileSync(path.join(out, name, 'eval.json'), `${JSON.stringify(file, null, 2)}\n`);
    writeFileSync(path.join(out, name, 'eval.md'), renderEvalMarkdown(file));
    files.push(file);
  }
  writeFileSync(path.join(out, 'compare.md'), compareEvals(files[0], files[1]));

  const row = (label: string, value: (f: EvalFile) => string): [string, string, string] => [label, value(files[0]), value(files[1])];
  const latencies = files[1].examples.map((e) => e.latencyMs).sort((a, b) => a - b);
  const rows = [
    row('node-type F1 (goal ≥ 0.5)', (f) => f3(f.summary.means.nodeTypeF1)),
    row('node-type precision / recall', (f) => `${f3(f.summary.means.nodeTypePrecision)} / ${f3(f.summary.means.nodeTypeRecall)}`),
    row('trigger-type match (goal ≥ 55%)', (f) => pct(f.summary.means.triggerMatch)),
    row('trigger-kind match', (f) => pct(f.summary.means.triggerKindMatch)),
    row('typed-edge F1 (goal ≥ 0.25)', (f) => f3(f.summary.means.typedEdgeF1)),
    row('graph similarity', (f) => f3(f.summary.means.graphSimilarity)),
    row('valid (no repair rounds)', (f) => pct(f.summary.rates.validAfterRepair)),
  ];
  const summary = [
    `${examples.length} ${dev ? 'dev-slice' : 'validation'} template titles (${evalFile}); index: ${indexed.length} training examples, built in ${Math.round(indexMs)} ms.`,
    `Offline generator pipeline time per request: median ${latencies[Math.floor(latencies.length / 2)].toFixed(2)} ms, p90 ${latencies[Math.floor(latencies.length * 0.9)].toFixed(2)} ms.`,
  ];
  const table = ['| metric | before: BM25 nearest request, renamed | after: offline generator |', '|---|---:|---:|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  process.stdout.write(`${summary.join('\n')}\n\n${table.join('\n')}\n\nwritten: ${out}\n`);

  if (!dev && !args.includes('--no-write')) {
    process.stdout.write(`updated ${writeBenchmarkSection('offline', [...summary, '', ...table], { node: true })}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
