/**
 * npm run bench:generate — the generator's own cost per generation, model time excluded:
 * extract JSON from the answer + validate + deterministic repair + repair bookkeeping + hydrate +
 * final validation, over answers shaped like real model output (fenced, with prose, some needing
 * JSON repair, some with an invented node type: repaired deterministically when fixWorkflow can,
 * else a repair round is prepared). Also the offline baseline's latency.
 * Figures go to BENCHMARKS.md (bench:generate markers).
 */
import { cleanWorkflow } from '../dataset/clean';
import { compactWorkflow } from '../dataset/compact';
import { generateWorkflow } from '../generator/pipeline';
import { OfflineModel, offlineIndexFor } from '../generator/offline/model';
import { RetrievalIndex } from '../generator/retrieval';
import type { ChatMessage, ModelReply, WorkflowModel } from '../generator/types';
import { readTemplates } from '../dataset/sources/templates';
import { loadCatalog } from '../schemas/catalog/load';
import { measureTable, writeBenchmarkSection } from './benchmarks-md';
import { validateWorkflow } from '../schemas/validator';

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const f2 = (n: number) => n.toFixed(2);

/** Answers the next prepared text at once: the pipeline's own time is what is measured. */
class InstantModel implements WorkflowModel {
  readonly id = 'instant';
  readonly baseline = false;
  private next: string[] = [];

  /** The answers of the next generation (what one generation left unasked is dropped). */
  queue(...answers: string[]): void {
    this.next = [...answers];
  }

  async complete(_messages: ChatMessage[]): Promise<ModelReply> {
    return { text: this.next.shift() ?? '{}', latencyMs: 0 };
  }
}

async function main(): Promise<void> {
  const catalog = loadCatalog();
  const examples: Array<{ request: string; compact: string }> = [];
  for (const t of await readTemplates()) {
    const cleaned = cleanWorkflow(JSON.parse(t.workflowJson), t.name).workflow;
    if (!validateWorkflow(cleaned, { catalog }).valid || cleaned.nodes.length < 2) continue;
    examples.push({ request: t.description.split('\n')[0].slice(0, 300) || t.name, compact: JSON.stringify(compactWorkflow(cleaned, { catalog })) });
  }

  // Answers as models write them: every 4th with a trailing comma (jsonrepair), every 5th with an
  // invented node type first (validation errors → a repair round → the right answer).
  const model = new InstantModel();
  const times: number[] = [];
  const timesFixed: number[] = [];
  const timesRepair: number[] = [];
  let valid = 0;
  for (let round = 0; round < 2; round++) {
    times.length = 0;
    timesFixed.length = 0;
    timesRepair.length = 0;
    valid = 0;
    for (const [i, e] of examples.entries()) {
      const fenced = `Here is the workflow:\n\`\`\`json\n${i % 4 === 0 ? e.compact.replace(/}$/, ',}') : e.compact}\n\`\`\`\nLet me know if you need changes.`;
      const broken = i % 5 === 0 ? e.compact.replace(/"type":"n8n-nodes-base\.[A-Za-z]+"/, '"type":"n8n-nodes-base.chatGpt"') : undefined;
      if (broken && broken !== e.compact) model.queue(broken, fenced);
      else model.queue(fenced);
      const t0 = process.hrtime.bigint();
      const result = await generateWorkflow(e.request, { model, catalog, maxRepairs: 1 });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      (result.trace.rounds.length > 1 ? timesRepair : result.trace.outcome === 'fixed' ? timesFixed : times).push(ms);
      if (result.valid) valid++;
    }
  }

  // The offline baseline over the same requests (its index holds them all; built once, before timing).
  const index = new RetrievalIndex(examples.map((e, i) => ({ request: e.request, target: e.compact, line: i + 1 })));
  const retrieval = new OfflineModel(index, catalog);
  offlineIndexFor(index, catalog);
  const retrievalMs: number[] = [];
  for (const e of examples) retrievalMs.push((await retrieval.complete([], { request: e.request })).latencyMs);

  const all = [...times, ...timesFixed, ...timesRepair];
  const rows: Array<[string, string]> = [
    [
      'generations (valid stock n8n.io templates as model answers)',
      `${all.length}: ${times.length} answered right at once, ${timesFixed.length} repaired deterministically (fixWorkflow, no model round), ${timesRepair.length} after one repair round; ${valid} valid in the end`,
    ],
    ['pipeline time per generation, model excluded (extract + validate + deterministic repair + repair bookkeeping + hydrate + final validation)', `median ${f2(quantile(all, 0.5))} ms, p90 ${f2(quantile(all, 0.9))} ms, max ${f2(Math.max(...all))} ms (goal: median < 5 ms)`],
    ['… one round only', `median ${f2(quantile(times, 0.5))} ms, p90 ${f2(quantile(times, 0.9))} ms`],
    ['… repaired deterministically', timesFixed.length > 0 ? `median ${f2(quantile(timesFixed, 0.5))} ms, p90 ${f2(quantile(timesFixed, 0.9))} ms` : 'none'],
    ['… with one repair round', timesRepair.length > 0 ? `median ${f2(quantile(timesRepair, 0.5))} ms, p90 ${f2(quantile(timesRepair, 0.9))} ms` : 'none'],
    ['offline baseline latency (read intent + pick + adapt + validate; index built beforehand)', `median ${f2(quantile(retrievalMs, 0.5))} ms, p90 ${f2(quantile(retrievalMs, 0.9))} ms over ${examples.length} training examples`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k}: ${v}\n`);

  if (!process.argv.includes('--no-write')) {
    process.stdout.write(`updated ${writeBenchmarkSection('generate', measureTable(rows), { node: true })}\n`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
