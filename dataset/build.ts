/**
 * The dataset build: sources → clean → validate → filter → target → redact → request
 * → dedupe → token limit → split → formats, with every rejection counted by reason.
 * Records stream through one at a time; accepted examples wait in a spool (memory,
 * then a temp file past a bound) until the split is known, then the outputs are
 * written and renamed into place together.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { ValidationPolicy } from '../schemas/validator';
import { estimateTrainingCost } from './cost';
import { writeRequestsWithModel, type ModelRequestsOptions } from './model-requests';
import { Acceptor, rejectionDetail } from './accept';
import { sha1 } from './dedupe';
import { alpacaRecord, llamaFactoryDatasetInfo, openAiChatLine, outputFileName, shareGptLine, type EncodedPair, type OutputFormat, type Split } from './formats';
import { SYSTEM_PROMPT_VERSION, systemPrompt, type TargetFormat } from './prompt';
import { defaultWorkerCount, prepareRecords } from './prepare-pool';
import { PREPARE_STEPS, type PrepareSettings, type StepTimes } from './prepare';
import { emptyRequestReport, renderReportMarkdown, summarizeLengths, type DatasetReport, summarizeTokens } from './report';
import { REQUEST_LENGTHS, requestVariants, type RequestLength, type RequestSource } from './requests';
import { describeSourceSpec, readSources, type SourceOptions, type SourceSpec } from './sources';
import { Spool } from './spool';
import { DEFAULT_VALIDATION_SPLIT, splitValidation } from './split';
import { countTokens, DEFAULT_BASE_MODEL, fineTuningEndWarning, modelInfo } from './tokens';
import type { Provenance, SourceRecord } from './types';
import { OutputFiles } from './writer';
import { FlowtuneError } from '../core/errors';

export interface BuildOptions extends SourceOptions {
  sources: SourceSpec[];
  outDir: string;
  catalog: NodeCatalog;
  policy?: Partial<ValidationPolicy>;
  target: TargetFormat;
  formats: Set<OutputFormat>;
  validationSplit: number;
  seed: number;
  /** Base model whose tokenizer and per-example limit apply. */
  model: string;
  minNodes: number;
  maxNodes: number;
  minViews: number;
  /** How many examples may share one structure (node types + typed edges). */
  maxPerStructure: number;
  /** Jaccard similarity of requests above which a later one is a near duplicate. */
  nearDuplicateThreshold: number;
  /** Extra seeded phrasings per example (0 = none). */
  augment: number;
  /** Requests per workflow (1-3, of different length), all on the workflow's side of the split. */
  requestsPerWorkflow: number;
  /** Price table file overriding the built-in one. */
  prices?: string;
  /** Count tokens (limit filter, token statistics, cost). Off only to time the rest (bench). */
  countTokens?: boolean;
  /** Worker threads preparing records (0 = in this thread); default one per core. Outputs do not depend on it. */
  workers?: number;
  onProgress?: (event: { read: number; accepted: number; ref: string }) => void;
  /** Receives the time of each step (BUILD_STEPS) of a build in this thread (`workers: 0`): `npm run bench:dataset`. */
  stepTimes?: StepTimes;
  /**
   * Requests written by a model (`--requests-model`): after the filters and before the split, every accepted
   * example asks it for its requests; those that pass the checks replace the example's rule-based request
   * (and its augmented phrasings), the others keep them (counted in `report.modelRequests`).
   */
  requestsModel?: ModelRequestsOptions;
}

/** Where a build's time goes: reading, each per-record step, the order-dependent filters, writing. */
export const BUILD_STEPS = ['read', ...PREPARE_STEPS, 'duplicates', 'write'] as const;

/** `source`, adding the time spent producing each record to `times.read`. */
async function* timedSource(source: AsyncIterable<SourceRecord>, times: StepTimes): AsyncGenerator<SourceRecord> {
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    const start = performance.now();
    const next = await iterator.next();
    times.read = (times.read ?? 0) + performance.now() - start;
    if (next.done) return;
    yield next.value;
  }
}

/** Where `flowtune dataset build` writes when no --out is given (and where generate and eval look). */
export const DEFAULT_DATASET_DIR = 'flowtune-dataset';

/** Defaults of the build settings: the CLI, the bench and the tests start from these. */
export const DEFAULT_BUILD_SETTINGS = {
  target: 'compact' as TargetFormat,
  validationSplit: DEFAULT_VALIDATION_SPLIT,
  seed: 42,
  model: DEFAULT_BASE_MODEL,
  minNodes: 2,
  maxNodes: 100,
  minViews: 0,
  maxPerStructure: 3,
  nearDuplicateThreshold: 0.8,
  augment: 0,
  requestsPerWorkflow: 2,
} satisfies Partial<BuildOptions>;

/** How many sample pairs REPORT.md shows. */
export const REPORT_SAMPLES = 20;

/** An accepted example waiting for the split; its target waits beside it, already encoded as a JSON string. */
interface SpooledExample {
  requests: Array<{ text: string; source: RequestSource; length: RequestLength; tokens: number }>;
  /** Seeded phrasings of the primary request (`--augment`). */
  variants: string[];
  /** The target's nodes in a line (sample pairs). */
  summary: string;
  /** Characters of the target workflow's JSON text. */
  targetChars: number;
  stratum: string;
  group: string;
  tokens: number;
  /** Characters of the workflow as read, and of its target (the report's size comparison). */
  rawChars: number;
  provenance: Provenance;
  /** Redacted name and description, kept only for a requests model. */
  title?: string;
  description?: string;
}

/** `k` of the indices [0, n), seeded (the report's sample pairs), each mapped to its place in the sample. */
function sampleIndices(n: number, k: number, seed: number): Map<number, number> {
  const order = Array.from({ length: n }, (_, i) => [sha1(`${seed}:sample:${i}`), i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return new Map(order.slice(0, k).map(([, i], place) => [i, place]));
}

/** Seeded, deterministic pick in [0, n) for one example (augmentation). */
function picker(seed: number, key: string): (n: number) => number {
  let counter = 0;
  return (n) => parseInt(sha1(`${seed}:${key}:${counter++}`).slice(0, 8), 16) % n;
}

function emptyReport(options: BuildOptions): DatasetReport {
  const info = modelInfo(options.model);
  const modelWarning = fineTuningEndWarning(options.model);
  return {
    systemPromptVersion: SYSTEM_PROMPT_VERSION,
    target: options.target,
    model: options.model,
    seed: options.seed,
    validationSplit: options.validationSplit,
    sources: options.sources.map(describeSourceSpec),
    counts: { read: 0, accepted: 0, train: 0, validation: 0, augmented: 0 },
    rejected: {},
    invalidCodes: {},
    requests: emptyRequestReport(options.requestsPerWorkflow),
    redactions: {},
    targetsCompleted: 0,
    tokens: { target: summarizeTokens([]), limit: info.exampleTokenLimit, overLimit: 0, encoding: info.encoding, estimate: info.approximate },
    modelWarnings: modelWarning ? [modelWarning] : [],
    size: { rawChars: 0, targetChars: 0 },
    cost: null,
    triggerKinds: {},
    nodeTypes: {},
    rejections: [],
    files: [],
  };
}

/**
 * The requests model's stage: every spooled example is asked for (key = its spool index), the stats go into
 * the report, and the texts of the examples whose answers passed are returned by key.
 */
/** The length class of a request written by a model (the rule-based ones are made to fit theirs). */
function lengthClassOf(text: string): RequestLength {
  return text.length <= REQUEST_LENGTHS.terse ? 'terse' : text.length <= REQUEST_LENGTHS.typical ? 'typical' : 'detailed';
}

/** A model's requests for one example, counted as its rule-based primary request was (the rest of the example is the same). */
function modelWrittenRequests(texts: string[], primary: SpooledExample['requests'][number], options: BuildOptions): SpooledExample['requests'] {
  const counting = options.countTokens !== false;
  const withoutRequest = counting ? primary.tokens - countTokens(primary.text, options.model) : 0;
  return texts.map((text) => ({ text, source: 'model' as const, length: lengthClassOf(text), tokens: counting ? withoutRequest + countTokens(text, options.model) : 0 }));
}

async function requestsFromModel(spool: Spool<SpooledExample>, options: ModelRequestsOptions, report: DatasetReport): Promise<Map<string, string[]>> {
  async function* items() {
    let index = 0;
    for await (const [example, targetString] of spool.entries()) {
      yield {
        key: String(index++),
        // The spool holds the target as the JSON string the formats write (the workflow's JSON text, encoded again).
        compactWorkflow: JSON.parse(JSON.parse(targetString) as string) as unknown,
        ...(example.title !== undefined ? { title: example.title } : {}),
        ...(example.description !== undefined ? { description: example.description } : {}),
        fallback: example.requests.map((r) => r.text),
      };
    }
  }
  const { requests, stats } = await writeRequestsWithModel(items(), options);
  report.modelRequests = stats;
  const texts = new Map<string, string[]>();
  for (const [key, result] of requests) if (result.source === 'model') texts.set(key, result.texts);
  return texts;
}

/** A build that accepted no example: it writes nothing, and the previous outputs stay. */
export class EmptyDatasetError extends FlowtuneError {
  constructor(
    readonly report: DatasetReport,
    readonly outDir: string,
  ) {
    const reasons = Object.entries(report.rejected)
      .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
      .slice(0, 3)
      .map(([reason, count]) => {
        const first = report.rejections.find((r) => r.reason === reason);
        return `${reason} ${count}${first ? ` (first: ${first.ref}${first.detail ? `: ${first.detail}` : ''})` : ''}`;
      });
    super(
      `no example accepted, nothing written (${outDir} is left as it was): read ${report.counts.read} record(s) from ${report.sources.join(', ')}` +
        (reasons.length > 0 ? `; rejected: ${reasons.join('; ')}` : ''),
      { kind: 'empty_dataset', file: outDir },
    );
    this.name = 'EmptyDatasetError';
  }
}

export async function buildDataset(options: BuildOptions): Promise<DatasetReport> {
  const report = emptyReport(options);
  const out = new OutputFiles(options.outDir);
  const spool = new Spool<SpooledExample>(out.scratchFile('spool'));
  const system = systemPrompt(options.target);
  const acceptor = new Acceptor({ maxPerStructure: options.maxPerStructure, nearDuplicateThreshold: options.nearDuplicateThreshold, tokenLimit: report.tokens.limit });
  const counts = acceptor.counts;
  const splitItems: Array<{ stratum: string; group: string }> = [];

  try {
    const settings: PrepareSettings = {
      target: options.target,
      model: options.model,
      countTokens: options.countTokens !== false,
      minNodes: options.minNodes,
      maxNodes: options.maxNodes,
      minViews: options.minViews,
      requestsPerWorkflow: options.requestsPerWorkflow,
      ...(options.policy ? { policy: options.policy } : {}),
    };
    const workers = options.workers ?? defaultWorkerCount();
    const times = options.stepTimes;
    const source = times ? timedSource(readSources(options.sources, options), times) : readSources(options.sources, options);
    for await (const { record, result } of prepareRecords(source, settings, options.catalog, workers, times)) {
      const start = times ? performance.now() : 0;
      try {
        report.counts.read++;
        options.onProgress?.({ read: report.counts.read, accepted: counts.accepted, ref: record.provenance.ref });
        const verdict = acceptor.accept(result, undefined);
        if (!verdict.accepted) {
          // A bounded sample of rejections with their provenance for the report.
          const detail = rejectionDetail(verdict.rejection);
          if (report.rejections.length < 200) report.rejections.push({ reason: verdict.rejection.reason, ref: record.provenance.ref, ...(detail ? { detail } : {}) });
          continue;
        }
        const { requests, example } = verdict;
        const { target, exactKey, group, tokens, stratum } = example;
        const primary = requests[0];
        const variants = options.augment > 0 ? requestVariants(primary.text, options.augment, picker(options.seed, exactKey)) : [];
        const spooled: SpooledExample = {
          requests: requests.map(({ text, source, length, tokens: n }) => ({ text, source, length, tokens: n })),
          variants,
          summary: example.summary,
          targetChars: target.length,
          stratum,
          group,
          tokens,
          rawChars: example.rawChars,
          provenance: record.provenance,
        };
        if (options.requestsModel) Object.assign(spooled, example.title !== undefined ? { title: example.title } : {}, example.description !== undefined ? { description: example.description } : {});
        splitItems.push({ stratum, group });
        // The target is encoded once, here, and copied into every format untouched.
        await spool.add(spooled, JSON.stringify(target));
      } finally {
        if (times) times.duplicates = (times.duplicates ?? 0) + performance.now() - start;
      }
    }
    // The report's counts are the acceptor's.
    Object.assign(report, { rejected: counts.rejected, invalidCodes: counts.invalidCodes, redactions: counts.redactions, targetsCompleted: counts.targetsCompleted, triggerKinds: counts.triggerKinds, nodeTypes: counts.nodeTypes });
    Object.assign(report.requests, { sources: counts.requestSources, stripped: counts.stripped, nearDuplicatesLeftOut: counts.nearDuplicatesLeftOut });
    report.counts.accepted = counts.accepted;
    report.tokens.overLimit = counts.overLimit;
    // Never replace a dataset with an empty one (a typo in --from, filters that exclude everything).
    if (report.counts.accepted === 0) throw new EmptyDatasetError(report, options.outDir);
    const modelTexts = options.requestsModel ? await requestsFromModel(spool, { count: options.requestsPerWorkflow, ...options.requestsModel }, report) : undefined;
    const writeStart = times ? performance.now() : 0;

    const validation = splitValidation(splitItems, options.validationSplit, options.seed);
    const encodedSystem = Buffer.from(JSON.stringify(system));
    const targetTokens: number[] = [];
    const trainTokens: number[] = [];
    const lineWriters: Array<[Exclude<OutputFormat, 'llama-factory'>, (pair: EncodedPair) => Buffer[]]> = [];
    if (options.formats.has('openai')) lineWriters.push(['openai', openAiChatLine]);
    if (options.formats.has('sharegpt')) lineWriters.push(['sharegpt', shareGptLine]);
    const alpacaCount: Record<Split, number> = { train: 0, validation: 0 };
    for (const split of ['train', 'validation'] as const) {
      for (const [format] of lineWriters) await out.touch(outputFileName(format, split));
      if (options.formats.has('alpaca')) await out.write(outputFileName('alpaca', split), '[');
    }

    const sampled = sampleIndices(report.counts.accepted, REPORT_SAMPLES, options.seed);
    const requestLengths: number[] = [];
    let index = 0;
    for await (const [example, targetString] of spool.entries()) {
      const encodedTarget = Buffer.from(targetString);
      const exampleIndex = index++;
      const split: Split = validation.has(exampleIndex) ? 'validation' : 'train';
      targetTokens.push(example.tokens);
      report.size.rawChars += example.rawChars;
      report.size.targetChars += example.targetChars;
      const fromModel = modelTexts?.get(String(exampleIndex));
      const requests = fromModel ? modelWrittenRequests(fromModel, example.requests[0], options) : example.requests;
      if (fromModel) {
        // Counted by source when accepted; the model's requests take the rule-based ones' place.
        for (const r of example.requests) report.requests.sources[r.source]--;
        report.requests.sources.model += requests.length;
      }
      for (const request of requests) {
        requestLengths.push(request.text.length);
        report.requests.lengthClasses[request.length]++;
      }
      if (sampled.has(exampleIndex)) {
        const shown = requests[parseInt(sha1(`${options.seed}:shown:${exampleIndex}`).slice(0, 8), 16) % requests.length];
        report.requests.samples.push({ order: sampled.get(exampleIndex)!, request: shown.text, source: shown.source, workflow: example.summary, split, ref: example.provenance.ref });
      }
      // A workflow's requests, and the variants of its primary one, all stay on its side of the split.
      const variants = fromModel ? [] : example.variants;
      const lines = [...requests.map((r) => ({ text: r.text, tokens: r.tokens, augmented: false })), ...variants.map((text) => ({ text, tokens: example.requests[0].tokens, augmented: true }))];
      for (const request of lines) {
        const pair: EncodedPair = { system: encodedSystem, request: Buffer.from(JSON.stringify(request.text)), target: encodedTarget };
        for (const [format, render] of lineWriters) await out.write(outputFileName(format, split), render(pair));
        if (options.formats.has('alpaca')) {
          const file = outputFileName('alpaca', split);
          await out.write(file, alpacaCount[split]++ === 0 ? '\n' : ',\n');
          await out.write(file, alpacaRecord(pair));
        }
        report.counts[split]++;
        if (split === 'train') trainTokens.push(request.tokens);
        if (request.augmented) report.counts.augmented++;
      }
    }
    report.requests.length = summarizeLengths(requestLengths);
    report.requests.samples.sort((a, b) => a.order - b.order);
    if (options.formats.has('alpaca')) {
      for (const split of ['train', 'validation'] as const) await out.write(outputFileName('alpaca', split), alpacaCount[split] > 0 ? '\n]\n' : ']\n');
    }
    if (options.formats.has('llama-factory')) {
      await out.write('dataset_info.json', `${JSON.stringify(llamaFactoryDatasetInfo(options.formats), null, 2)}\n`);
    }
    await out.write('system_prompt.txt', `${system}\n`);

    report.tokens.target = summarizeTokens(targetTokens);
    report.cost = estimateTrainingCost({ tokensPerExample: trainTokens, model: options.model, ...(options.prices ? { prices: options.prices } : {}) });
    report.nodeTypes = Object.fromEntries(Object.entries(report.nodeTypes).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    report.files = [...out.names(), 'report.json', 'REPORT.md'].sort();
    const stale = out.staleNames().filter((name) => !report.files.includes(name));
    if (stale.length > 0) report.removedStale = stale;
    await out.write('report.json', `${JSON.stringify(report, null, 2)}\n`);
    await out.write('REPORT.md', renderReportMarkdown(report));
    await out.commit({ removeStale: true });
    if (times) times.write = (times.write ?? 0) + performance.now() - writeStart;
    return report;
  } catch (error) {
    await out.abort();
    throw error;
  } finally {
    spool.dispose();
  }
}
