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
import { Acceptor, rejectionDetail, type AcceptCounts, type Rejection, type Verdict } from './accept';
import { sha1 } from '../util/hash';
import { alpacaRecord, llamaFactoryDatasetInfo, openAiChatLine, outputFileName, shareGptLine, type EncodedPair, type OutputFormat, type Split } from './formats';
import { SYSTEM_PROMPT_VERSION, systemPrompt, type TargetFormat } from './prompt';
import { defaultWorkerCount, prepareRecords } from './prepare-pool';
import { PREPARE_STEPS, type PrepareSettings, type StepTimes } from './prepare';
import { emptyRequestReport, renderReportMarkdown, summarizeLengths, type DatasetReport, summarizeTokens } from './report';
import { REQUEST_LENGTHS, requestVariants, type RequestLength, type RequestSource } from './requests';
import { describeSourceSpec, readSources, type SourceOptions, type SourceSpec } from './sources';
import { Spool } from './spool';
import { DEFAULT_VALIDATION_SPLIT, splitValidation, type SplitItem } from './split';
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

/**
 * The requests model's stage: every spooled example is asked for (key = its spool index), the stats go into
 * the report, and the texts of the examples whose answers passed are returned by key.
 */
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
  const times = options.stepTimes;

  try {
    const splitItems = await spoolAcceptedExamples(options, spool, report);
    // Never replace a dataset with an empty one (a typo in --from, filters that exclude everything).
    if (report.counts.accepted === 0) throw new EmptyDatasetError(report, options.outDir);
    const modelTexts = options.requestsModel ? await requestsFromModel(spool, { count: options.requestsPerWorkflow, ...options.requestsModel }, report) : undefined;
    const writeStart = times ? performance.now() : 0;
    const validation = splitValidation(splitItems, options.validationSplit, options.seed);
    const files = new FormatFiles(out, options.formats, system);
    await files.open();
    const written = await writeExamples(spool, validation, modelTexts, files, report, options);
    await files.close();
    await out.write('system_prompt.txt', `${system}\n`);
    summarizeWritten(report, written, options);
    await writeReportFiles(report, out);
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

/** The settings each record is prepared with (plain data: they travel to workers). */
function prepareSettings(options: BuildOptions): PrepareSettings {
  return {
    target: options.target,
    model: options.model,
    countTokens: options.countTokens !== false,
    minNodes: options.minNodes,
    maxNodes: options.maxNodes,
    minViews: options.minViews,
    requestsPerWorkflow: options.requestsPerWorkflow,
    ...(options.policy ? { policy: options.policy } : {}),
  };
}

/**
 * Reads and prepares every record, accepts them in order and spools the accepted examples; the report gets
 * the counts and a sample of the rejections. Returns each spooled example's stratum and group (the split's input).
 */
async function spoolAcceptedExamples(options: BuildOptions, spool: Spool<SpooledExample>, report: DatasetReport): Promise<SplitItem[]> {
  const acceptor = new Acceptor({ maxPerStructure: options.maxPerStructure, nearDuplicateThreshold: options.nearDuplicateThreshold, tokenLimit: report.tokens.limit });
  const splitItems: SplitItem[] = [];
  const workers = options.workers ?? defaultWorkerCount();
  const times = options.stepTimes;
  const source = times ? timedSource(readSources(options.sources, options), times) : readSources(options.sources, options);
  for await (const { record, result } of prepareRecords(source, prepareSettings(options), options.catalog, workers, times)) {
    const start = times ? performance.now() : 0;
    try {
      report.counts.read++;
      options.onProgress?.({ read: report.counts.read, accepted: acceptor.counts.accepted, ref: record.provenance.ref });
      const verdict = acceptor.accept(result, undefined);
      if (!verdict.accepted) {
        sampleRejection(report, verdict.rejection, record.provenance.ref);
        continue;
      }
      const spooled = spooledExample(verdict, record.provenance, options);
      splitItems.push({ stratum: spooled.stratum, group: spooled.group });
      // The target is encoded once, here, and copied into every format untouched.
      await spool.add(spooled, JSON.stringify(verdict.example.target));
    } finally {
      if (times) times.duplicates = (times.duplicates ?? 0) + performance.now() - start;
    }
  }
  copyAcceptCounts(acceptor.counts, report);
  return splitItems;
}

/** A bounded sample of rejections with their provenance for the report. */
function sampleRejection(report: DatasetReport, rejection: Rejection<undefined>, ref: string): void {
  const detail = rejectionDetail(rejection);
  if (report.rejections.length < 200) report.rejections.push({ reason: rejection.reason, ref, ...(detail ? { detail } : {}) });
}

/** What the spool keeps of an accepted example until the split is known (its target waits beside it). */
function spooledExample(verdict: Extract<Verdict<undefined>, { accepted: true }>, provenance: Provenance, options: BuildOptions): SpooledExample {
  const { requests, example } = verdict;
  const variants = options.augment > 0 ? requestVariants(requests[0].text, options.augment, picker(options.seed, example.exactKey)) : [];
  const spooled: SpooledExample = {
    requests: requests.map(({ text, source, length, tokens }) => ({ text, source, length, tokens })),
    variants,
    summary: example.summary,
    targetChars: example.target.length,
    stratum: example.stratum,
    group: example.group,
    tokens: example.tokens,
    rawChars: example.rawChars,
    provenance,
  };
  if (options.requestsModel) Object.assign(spooled, example.title !== undefined ? { title: example.title } : {}, example.description !== undefined ? { description: example.description } : {});
  return spooled;
}

/** The report's counts are the acceptor's. */
function copyAcceptCounts(counts: AcceptCounts, report: DatasetReport): void {
  Object.assign(report, { rejected: counts.rejected, invalidCodes: counts.invalidCodes, redactions: counts.redactions, targetsCompleted: counts.targetsCompleted, triggerKinds: counts.triggerKinds, nodeTypes: counts.nodeTypes });
  Object.assign(report.requests, { sources: counts.requestSources, stripped: counts.stripped, nearDuplicatesLeftOut: counts.nearDuplicatesLeftOut });
  report.counts.accepted = counts.accepted;
  report.tokens.overLimit = counts.overLimit;
}

/** The chosen formats' files of both splits, written pair by pair: JSON Lines files and Alpaca's JSON arrays. */
class FormatFiles {
  private readonly lineWriters: Array<[Exclude<OutputFormat, 'llama-factory'>, (pair: EncodedPair) => Buffer[]]> = [];
  private readonly alpaca: boolean;
  private readonly alpacaCount: Record<Split, number> = { train: 0, validation: 0 };
  private readonly encodedSystem: Buffer;

  constructor(
    private readonly out: OutputFiles,
    private readonly formats: Set<OutputFormat>,
    system: string,
  ) {
    if (formats.has('openai')) this.lineWriters.push(['openai', openAiChatLine]);
    if (formats.has('sharegpt')) this.lineWriters.push(['sharegpt', shareGptLine]);
    this.alpaca = formats.has('alpaca');
    this.encodedSystem = Buffer.from(JSON.stringify(system));
  }

  /** Every split's files exist, even empty; Alpaca's arrays are open. */
  async open(): Promise<void> {
    for (const split of SPLITS) {
      for (const [format] of this.lineWriters) await this.out.touch(outputFileName(format, split));
      if (this.alpaca) await this.out.write(outputFileName('alpaca', split), '[');
    }
  }

  /** One pair in every format of its split; `target` is already encoded as a JSON string. */
  async write(split: Split, request: string, target: Buffer): Promise<void> {
    const pair: EncodedPair = { system: this.encodedSystem, request: Buffer.from(JSON.stringify(request)), target };
    for (const [format, render] of this.lineWriters) await this.out.write(outputFileName(format, split), render(pair));
    if (this.alpaca) {
      const file = outputFileName('alpaca', split);
      await this.out.write(file, this.alpacaCount[split]++ === 0 ? '\n' : ',\n');
      await this.out.write(file, alpacaRecord(pair));
    }
  }

  /** Alpaca's arrays closed, LLaMA-Factory's dataset_info.json written. */
  async close(): Promise<void> {
    if (this.alpaca) {
      for (const split of SPLITS) await this.out.write(outputFileName('alpaca', split), this.alpacaCount[split] > 0 ? '\n]\n' : ']\n');
    }
    if (this.formats.has('llama-factory')) {
      await this.out.write('dataset_info.json', `${JSON.stringify(llamaFactoryDatasetInfo(this.formats), null, 2)}\n`);
    }
  }
}

const SPLITS = ['train', 'validation'] as const satisfies readonly Split[];

/** What the written examples add up to, for the report's statistics and the cost estimate. */
interface WrittenStats {
  /** Tokens of each example's largest chat example. */
  targetTokens: number[];
  /** Tokens of each training pair. */
  trainTokens: number[];
  /** Characters of each request written (augmented phrasings not included). */
  requestLengths: number[];
}

/**
 * Writes the spooled examples, in order, to their split's files: each example's requests (the model's in
 * place of the rule-based ones where it passed) and its augmented phrasings, all with its one target.
 */
async function writeExamples(
  spool: Spool<SpooledExample>,
  validation: Set<number>,
  modelTexts: Map<string, string[]> | undefined,
  files: FormatFiles,
  report: DatasetReport,
  options: BuildOptions,
): Promise<WrittenStats> {
  const written: WrittenStats = { targetTokens: [], trainTokens: [], requestLengths: [] };
  const sampled = sampleIndices(report.counts.accepted, REPORT_SAMPLES, options.seed);
  let index = 0;
  for await (const [example, targetString] of spool.entries()) {
    const encodedTarget = Buffer.from(targetString);
    const exampleIndex = index++;
    const split: Split = validation.has(exampleIndex) ? 'validation' : 'train';
    written.targetTokens.push(example.tokens);
    report.size.rawChars += example.rawChars;
    report.size.targetChars += example.targetChars;
    const fromModel = modelTexts?.get(String(exampleIndex));
    const requests = fromModel ? replaceWithModelRequests(fromModel, example, report, options) : example.requests;
    for (const request of requests) {
      written.requestLengths.push(request.text.length);
      report.requests.lengthClasses[request.length]++;
    }
    const order = sampled.get(exampleIndex);
    if (order !== undefined) report.requests.samples.push(samplePair(order, exampleIndex, requests, example, split, options.seed));
    // A workflow's requests, and the variants of its primary one, all stay on its side of the split.
    const variants = fromModel ? [] : example.variants;
    const lines = [...requests.map((r) => ({ text: r.text, tokens: r.tokens, augmented: false })), ...variants.map((text) => ({ text, tokens: example.requests[0].tokens, augmented: true }))];
    for (const request of lines) {
      await files.write(split, request.text, encodedTarget);
      report.counts[split]++;
      if (split === 'train') written.trainTokens.push(request.tokens);
      if (request.augmented) report.counts.augmented++;
    }
  }
  return written;
}

/** The model's requests for an example, recounted by source: they take the rule-based ones' place (counted when accepted). */
function replaceWithModelRequests(texts: string[], example: SpooledExample, report: DatasetReport, options: BuildOptions): SpooledExample['requests'] {
  const requests = modelWrittenRequests(texts, example.requests[0], options);
  for (const r of example.requests) report.requests.sources[r.source]--;
  report.requests.sources.model += requests.length;
  return requests;
}

/** One of the report's sample pairs: a seeded pick among the example's requests, beside its workflow's summary. */
function samplePair(order: number, exampleIndex: number, requests: SpooledExample['requests'], example: SpooledExample, split: Split, seed: number): DatasetReport['requests']['samples'][number] {
  const shown = requests[parseInt(sha1(`${seed}:shown:${exampleIndex}`).slice(0, 8), 16) % requests.length];
  return { order, request: shown.text, source: shown.source, workflow: example.summary, split, ref: example.provenance.ref };
}

/** The report's statistics over what was written: request lengths, sample order, tokens, cost, node types by use. */
function summarizeWritten(report: DatasetReport, written: WrittenStats, options: BuildOptions): void {
  report.requests.length = summarizeLengths(written.requestLengths);
  report.requests.samples.sort((a, b) => a.order - b.order);
  report.tokens.target = summarizeTokens(written.targetTokens);
  report.cost = estimateTrainingCost({ tokensPerExample: written.trainTokens, model: options.model, ...(options.prices ? { prices: options.prices } : {}) });
  report.nodeTypes = Object.fromEntries(Object.entries(report.nodeTypes).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

/** report.json and REPORT.md, listing every file of the dataset and the stale ones the commit removes. */
async function writeReportFiles(report: DatasetReport, out: OutputFiles): Promise<void> {
  report.files = [...out.names(), 'report.json', 'REPORT.md'].sort();
  const stale = out.staleNames().filter((name) => !report.files.includes(name));
  if (stale.length > 0) report.removedStale = stale;
  await out.write('report.json', `${JSON.stringify(report, null, 2)}\n`);
  await out.write('REPORT.md', renderReportMarkdown(report));
}
