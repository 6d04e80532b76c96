/** flowtune dataset build — workflows → clean, secret-free training pairs; dataset sample — a few of them to read. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import type { ValidationPolicy } from '../../schemas/validator';
import { buildDataset, type BuildOptions, DEFAULT_BUILD_SETTINGS, DEFAULT_DATASET_DIR } from '../../dataset/build';
import { FORMATS, type OutputFormat } from '../../dataset/formats';
import { DEFAULT_REQUESTS_CONCURRENCY, RequestsNotConfirmedError, type ModelRequestsOptions, type SpendEstimate } from '../../dataset/model-requests';
import { DEFAULT_REQUESTS_TIMEOUT_MS } from '../../dataset/model-requests/client';
import { renderSummary } from '../../dataset/report';
import { MAX_REQUESTS_PER_WORKFLOW } from '../../dataset/requests';
import { DEFAULT_SOURCE, parseSourceSpec, sourceUsages } from '../../dataset/sources';
import { resolveTemplatesDb } from '../../dataset/sources/templates-db';
import { pairFromLine, pickSample, renderSample, type SamplePair } from '../../dataset/sample';
import { templatesDownloadReporter } from '../download-progress';
import { type CliIO, EXIT_OK, EXIT_USAGE } from '../io';
import { addCatalogOption, addPolicyOptions, catalogFrom, collect, type CommonOptions, numberOption, policyFrom } from '../options';
import { UsageError } from '../errors';
import { runDatasetCheck, type DatasetCheckCommandOptions } from './dataset-check';

export interface DatasetBuildCommandOptions {
  from: string[];
  out: string;
  target: string;
  format: string;
  validationSplit: string;
  seed: string;
  model: string;
  minNodes: string;
  maxNodes: string;
  minViews: string;
  maxPerStructure: string;
  nearDuplicate: string;
  augment: string;
  requestsPerWorkflow: string;
  workers?: string;
  prices?: string;
  n8nApiKey?: string;
  templatesDb?: string;
  json?: boolean;
  requestsModel?: string;
  requestsBaseUrl?: string;
  requestsApiKey?: string;
  requestsCache?: string;
  requestsConcurrency: string;
  requestsTimeout: string;
  yes?: boolean;
}

/** Where `--requests-model` calls go without `--requests-base-url`. */
export const DEFAULT_REQUESTS_BASE_URL = 'https://api.openai.com/v1';

/**
 * The requests model's endpoint from the options. The key: --requests-api-key, else FLOWTUNE_REQUESTS_API_KEY,
 * else OPENAI_API_KEY — the last only when the calls go to api.openai.com, so an OpenAI key never reaches
 * another server. Local servers (vLLM, Ollama, llama.cpp) need none.
 */
export function requestsModelOptions(options: DatasetBuildCommandOptions, env: NodeJS.ProcessEnv = process.env): ModelRequestsOptions | undefined {
  const requestsFlags = (['requestsBaseUrl', 'requestsApiKey', 'requestsCache'] as const).filter((k) => options[k] !== undefined);
  if (!options.requestsModel) {
    if (requestsFlags.length > 0) throw new UsageError(`--${requestsFlags[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --requests-model <id>`);
    return undefined;
  }
  const baseURL = options.requestsBaseUrl ?? DEFAULT_REQUESTS_BASE_URL;
  let host: string;
  try {
    host = new URL(baseURL).hostname;
  } catch {
    throw new UsageError(`--requests-base-url is not a URL: "${baseURL}"`);
  }
  const openAi = host === 'api.openai.com';
  const apiKey = options.requestsApiKey ?? env.FLOWTUNE_REQUESTS_API_KEY ?? (openAi ? env.OPENAI_API_KEY : undefined);
  if (!apiKey && openAi) throw new UsageError('no API key for https://api.openai.com: set OPENAI_API_KEY or FLOWTUNE_REQUESTS_API_KEY, or pass --requests-api-key (or --requests-base-url for a local server)');
  return {
    model: options.requestsModel,
    baseURL,
    ...(apiKey ? { apiKey } : {}),
    ...(options.requestsCache !== undefined ? { cacheDir: path.resolve(options.requestsCache) } : {}),
    concurrency: numberOption(options.requestsConcurrency, '--requests-concurrency', { min: 1, max: 64, integer: true }),
    timeoutMs: numberOption(options.requestsTimeout, '--requests-timeout', { min: 1, max: 3600 }) * 1000,
  };
}

const usd = (value: number | null) => (value === null ? 'price unknown' : `≈ $${value.toFixed(value < 1 ? 4 : 2)}`);

export function spendSummary(e: SpendEstimate): string {
  return (
    `requests model ${e.model} at ${e.baseURL}: ${e.calls.toLocaleString('en-US')} call(s) to make, ${e.cached.toLocaleString('en-US')} answer(s) cached; ` +
    `${e.promptTokens.toLocaleString('en-US')} prompt + ~${e.completionTokens.toLocaleString('en-US')} answer tokens${e.tokensEstimated ? ' (estimated: its tokenizer is not bundled)' : ''}, ${usd(e.usd)}\n`
  );
}

function parseFormats(value: string): Set<OutputFormat> {
  if (value === 'all') return new Set(FORMATS);
  const formats = value.split(',').map((f) => f.trim());
  for (const f of formats) if (!(FORMATS as readonly string[]).includes(f)) throw new UsageError(`unknown --format "${f}": use ${FORMATS.join(', ')} or all`);
  return new Set(formats as OutputFormat[]);
}

export function datasetBuildOptions(
  options: DatasetBuildCommandOptions,
  catalog: NodeCatalog,
  policy: ValidationPolicy,
  env: NodeJS.ProcessEnv = process.env,
): BuildOptions {
  const requestsModel = requestsModelOptions(options, env);
  if (options.target !== 'compact' && options.target !== 'full') throw new UsageError(`--target must be compact or full (got "${options.target}")`);
  const from = options.from.length > 0 ? options.from : [DEFAULT_SOURCE];
  return {
    sources: from.map(parseSourceSpec),
    outDir: path.resolve(options.out),
    catalog,
    policy,
    target: options.target,
    formats: parseFormats(options.format),
    validationSplit: numberOption(options.validationSplit, '--validation-split', { min: 0, max: 0.9 }),
    seed: numberOption(options.seed, '--seed', { min: 0, max: 2 ** 31, integer: true }),
    model: options.model,
    minNodes: numberOption(options.minNodes, '--min-nodes', { min: 0, max: 10_000, integer: true }),
    maxNodes: numberOption(options.maxNodes, '--max-nodes', { min: 1, max: 100_000, integer: true }),
    minViews: numberOption(options.minViews, '--min-views', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true }),
    maxPerStructure: numberOption(options.maxPerStructure, '--max-per-structure', { min: 1, max: 1_000_000, integer: true }),
    nearDuplicateThreshold: numberOption(options.nearDuplicate, '--near-duplicate', { min: 0.1, max: 1 }),
    augment: numberOption(options.augment, '--augment', { min: 0, max: 4, integer: true }),
    requestsPerWorkflow: numberOption(options.requestsPerWorkflow, '--requests-per-workflow', { min: 1, max: MAX_REQUESTS_PER_WORKFLOW, integer: true }),
    ...(options.workers !== undefined ? { workers: numberOption(options.workers, '--workers', { min: 0, max: 64, integer: true }) } : {}),
    ...(options.prices ? { prices: options.prices } : {}),
    ...(options.n8nApiKey ?? env.N8N_API_KEY ? { n8nApiKey: options.n8nApiKey ?? env.N8N_API_KEY } : {}),
    ...(options.templatesDb !== undefined ? { templates: { templatesDb: options.templatesDb } } : {}),
    ...(requestsModel ? { requestsModel } : {}),
  };
}

/**
 * The spend confirmation: the estimate is printed; --yes goes ahead, a terminal is asked, and without
 * either the build stops before any call (the previous dataset stays).
 */
function confirmSpend(io: CliIO, yes: boolean): (estimate: SpendEstimate) => Promise<boolean> {
  return async (estimate) => {
    io.stderr(spendSummary(estimate));
    if (yes) return true;
    if (!io.confirm) throw new UsageError(`not calling ${estimate.model}: confirm the estimated cost with --yes (no terminal to ask on); nothing was spent and the dataset was not written`);
    return io.confirm(`Call ${estimate.model} ${estimate.calls} time(s) (${usd(estimate.usd)})?`);
  };
}

export async function runDatasetBuild(options: BuildOptions, io: CliIO & { progress?: boolean }, json = false, yes = false): Promise<number> {
  // Found (or downloaded, with its own progress) before the build's progress bar starts.
  const templatesDb = options.sources.some((s) => s.kind === 'templates')
    ? await resolveTemplatesDb({ ...options.templates, onDownloadProgress: templatesDownloadReporter(io, io.progress === true) })
    : undefined;
  const bar = io.progress
    ? new SingleBar({ format: 'building dataset | {read} read | {accepted} accepted | {ref}', hideCursor: true, clearOnComplete: true, stream: process.stderr })
    : undefined;
  bar?.start(0, 0, { read: 0, accepted: 0, ref: '' });
  try {
    // No interrupt signal: Ctrl-C ends the process as in any build (cache entries are written whole, the outputs not at all).
    let report;
    try {
      report = await buildDataset({
        ...options,
        ...(templatesDb !== undefined ? { templates: { templatesDb } } : {}),
        onProgress: bar ? (e) => bar.update(e.read, { read: e.read, accepted: e.accepted, ref: e.ref.slice(-50) }) : undefined,
        ...(options.requestsModel
          ? {
              requestsModel: {
                ...options.requestsModel,
                confirm: async (estimate: SpendEstimate) => {
                  bar?.stop();
                  return confirmSpend(io, yes)(estimate);
                },
                ...(io.progress
                  ? {
                      onProgress: (done: number, total: number) => {
                        bar?.stop();
                        io.stderr(`\rwriting requests with ${options.requestsModel!.model}: ${done}/${total}${done === total ? '\n' : ''}`);
                      },
                    }
                  : {}),
              },
            }
          : {}),
      });
    } catch (error) {
      if (!(error instanceof RequestsNotConfirmedError)) throw error;
      io.stderr(`flowtune: ${error.message}; the dataset was not written\n`);
      return EXIT_OK;
    }
    bar?.stop();
    const removed = report.removedStale ? `removed ${report.removedStale.join(', ')} (left by an earlier build with other formats)\n` : '';
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : `${renderSummary(report)}wrote ${report.files.join(', ')} to ${options.outDir}\n${removed}`);
    return EXIT_OK;
  } finally {
    bar?.stop();
  }
}

export interface DatasetSampleCommandOptions {
  n: string;
  seed: string;
  json?: boolean;
}

/** The files `dataset sample` reads, in order (OpenAI chat format, as `dataset build` writes by default). */
export const SAMPLE_FILES = ['train.jsonl', 'validation.jsonl'] as const;

export function runDatasetSample(dir: string, options: DatasetSampleCommandOptions, catalog: NodeCatalog, io: CliIO): number {
  const n = numberOption(options.n, '-n', { min: 1, max: 10_000, integer: true });
  const seed = numberOption(options.seed, '--seed', { min: 0, max: 2 ** 31, integer: true });
  const files = SAMPLE_FILES.map((f) => path.join(dir, f)).filter((f) => existsSync(f));
  if (files.length === 0) {
    io.stderr(`flowtune: ${dir}: no ${SAMPLE_FILES.join(' or ')} (build one with flowtune dataset build --format openai)\n`);
    return EXIT_USAGE;
  }
  const pairs: SamplePair[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      io.stderr(`flowtune: ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      return EXIT_USAGE;
    }
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      const pair = pairFromLine(line, `${path.basename(file)}:${i + 1}`, catalog);
      if (pair) pairs.push(pair);
    });
  }
  const sample = pickSample(pairs, n, seed);
  io.stdout(options.json ? `${JSON.stringify(sample, null, 2)}\n` : renderSample(sample));
  return EXIT_OK;
}

/** `flowtune dataset` and its `build`, `check` and `sample`. */
export function registerDataset(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const dataset = program.command('dataset').description('training data: build pairs from workflows, check JSONL files');
  registerDatasetBuild(dataset, io, setExit);
  registerDatasetCheck(dataset, io, setExit);
  registerDatasetSample(dataset, io, setExit);
}

/** `flowtune dataset build`. */
function registerDatasetBuild(dataset: Command, io: CliIO, setExit: (code: number) => void): void {
  const datasetBuild = dataset
    .command('build')
    .description('turn workflows into clean, secret-free (request → workflow) training pairs')
    .option('--from <source>', `${sourceUsages(' (default)')} (repeatable)`, collect, [])
    .option('--out <dir>', 'output folder', DEFAULT_DATASET_DIR)
    .option('--target <kind>', 'compact (minimal JSON) or full (importable workflow)', DEFAULT_BUILD_SETTINGS.target)
    .option('--format <list>', `comma-separated: ${FORMATS.join(', ')}, or all`, 'all')
    .option('--validation-split <fraction>', 'share of examples for validation', String(DEFAULT_BUILD_SETTINGS.validationSplit))
    .option('--seed <n>', 'seed of the split and the augmentation', String(DEFAULT_BUILD_SETTINGS.seed))
    .option('--model <id>', 'base model: tokenizer, per-example limit and price', DEFAULT_BUILD_SETTINGS.model)
    .option('--min-nodes <n>', 'fewest nodes (sticky notes not counted)', String(DEFAULT_BUILD_SETTINGS.minNodes))
    .option('--max-nodes <n>', 'most nodes', String(DEFAULT_BUILD_SETTINGS.maxNodes))
    .option('--min-views <n>', 'fewest n8n.io views (templates only)', String(DEFAULT_BUILD_SETTINGS.minViews))
    .option('--max-per-structure <n>', 'examples allowed to share node types and typed edges', String(DEFAULT_BUILD_SETTINGS.maxPerStructure))
    .option('--near-duplicate <jaccard>', 'request similarity above which a request is a near duplicate', String(DEFAULT_BUILD_SETTINGS.nearDuplicateThreshold))
    .option('--requests-per-workflow <n>', 'requests per workflow (1-3): title-like, a sentence, a short paragraph; all on one side of the split', String(DEFAULT_BUILD_SETTINGS.requestsPerWorkflow))
    .option('--augment <n>', 'extra seeded phrasings of the first request (0-4)', String(DEFAULT_BUILD_SETTINGS.augment))
    .option('--prices <file>', 'price table JSON overriding the built-in one')
    .option('--workers <n>', 'worker threads preparing workflows (0 = none; default one per core); outputs do not depend on it')
    .option('--n8n-api-key <key>', 'API key for n8n:<baseUrl> sources (or N8N_API_KEY)')
    .option('--templates-db <file>', "n8n-mcp's data/nodes.db to read the templates from (default: an installed n8n-mcp, else downloaded once into the cache folder)")
    .option('--requests-model <id>', 'a model that writes the requests in a user\'s voice (any OpenAI-compatible server); rule-based requests stay where its answer fails')
    .option('--requests-base-url <url>', `OpenAI-compatible endpoint of --requests-model (vLLM, Ollama, Together, Azure…; default ${DEFAULT_REQUESTS_BASE_URL})`)
    .option('--requests-api-key <key>', 'API key of that endpoint (or FLOWTUNE_REQUESTS_API_KEY; OPENAI_API_KEY for api.openai.com only)')
    .option('--requests-cache <dir>', 'answer cache folder (default: the user cache folder, ~/.cache/flowtune/requests)')
    .option('--requests-concurrency <n>', 'calls to --requests-model at the same time', String(DEFAULT_REQUESTS_CONCURRENCY))
    .option('--requests-timeout <seconds>', 'bound on one call to --requests-model (retries after 429/5xx come on top)', String(DEFAULT_REQUESTS_TIMEOUT_MS / 1000))
    .option('--yes', 'call --requests-model without asking (the estimate is still printed)')
    .option('--json', 'print the report as JSON');
  addPolicyOptions(addCatalogOption(datasetBuild)).action(async (options: CommonOptions & DatasetBuildCommandOptions) => {
    const build = datasetBuildOptions(options, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io.env ?? process.env);
    setExit(await runDatasetBuild(build, { ...io, progress: io.color }, options.json, options.yes === true));
  });
}

/** `flowtune dataset check`. */
function registerDatasetCheck(dataset: Command, io: CliIO, setExit: (code: number) => void): void {
  dataset
    .command('check')
    .description('check an OpenAI chat fine-tuning JSONL file: cookbook format checks, token counts, cost estimate (exit 0 no errors, 1 format errors, 2 I/O error)')
    .argument('<file>', 'JSONL file, or - for stdin')
    .option('--model <id>', 'base or fine-tuned model id: tokenizer, per-example limit and price', DEFAULT_BUILD_SETTINGS.model)
    .option('--json', 'print the report as JSON')
    .option('--prices <file>', 'price table JSON laid over the built-in one (model id → USD per 1M training tokens)')
    .action((file: string, options: DatasetCheckCommandOptions) => {
      setExit(runDatasetCheck(file, options, io));
    });
}

/** `flowtune dataset sample`. */
function registerDatasetSample(dataset: Command, io: CliIO, setExit: (code: number) => void): void {
  const datasetSample = dataset
    .command('sample')
    .description('print a few seeded (request → workflow) pairs of a built dataset: the request, and a line about the workflow\'s nodes')
    .argument('<dir>', 'dataset folder (its train.jsonl and validation.jsonl)')
    .option('-n <count>', 'how many pairs', '20')
    .option('--seed <n>', 'seed of the pick', String(DEFAULT_BUILD_SETTINGS.seed))
    .option('--json', 'print the pairs as JSON');
  addCatalogOption(datasetSample).action(async (dir: string, options: CommonOptions & DatasetSampleCommandOptions) => {
    setExit(runDatasetSample(dir, options, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), io));
  });
}
