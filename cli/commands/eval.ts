/** `flowtune eval`: score a model (or the retrieval baseline) on a validation file; `--compare` two runs. */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../dataset/writer';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DEFAULT_DATASET_DIR } from '../../dataset/build';
import { renderEvalMarkdown, compareEvals, parseEvalFile } from '../../generator/eval/report';
import { readEvalExamples, runEval } from '../../generator/eval/run';
import { TrainingDataError } from '../../generator/retrieval';
import { generateWorkflow } from '../../generator/pipeline';
import { N8nApiClient, N8nApiError } from '../../n8n-api/client';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import type { ValidationPolicy } from '../../schemas/validator/policy';
import { type CliIO, EXIT_OK, EXIT_USAGE } from '../io';
import { addCatalogOption, addPolicyOptions, addTimeoutOption, catalogFrom, type CommonOptions, numberOption, policyFrom, timeoutOption } from '../options';
import { UsageError } from '../errors';
import { addModelOptions, MODEL_TIMEOUT_SECONDS, modelFor, retrievalIndexFor, type ModelOptions } from './generate';

interface EvalCommandOptions extends CommonOptions, ModelOptions {
  compare?: string[];
  train?: string;
  limit?: string;
  fewShot: string;
  constrained?: boolean;
  /** Commander's --no-fix: false when given. */
  fix: boolean;
  maxRepairs: string;
  n8nUrl?: string;
  n8nApiKey?: string;
  out: string;
  json?: boolean;
}

function readEval(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parseEvalFile(text, file);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function runEvalCommand(options: EvalCommandOptions, catalog: NodeCatalog, policy: ValidationPolicy, io: CliIO): Promise<number> {
  if (options.compare) {
    if (options.compare.length !== 2) throw new UsageError('--compare takes two eval.json files: --compare base.json fine-tuned.json');
    const [a, b] = options.compare.map(readEval);
    io.stdout(compareEvals(a, b));
    return EXIT_OK;
  }

  const localValidation = path.join(DEFAULT_DATASET_DIR, 'validation.jsonl');
  const data = options.data ?? (existsSync(localValidation) ? localValidation : undefined);
  if (!data) throw new UsageError('--data <validation.jsonl> is required (or run flowtune dataset build first)');
  const limit = options.limit === undefined ? undefined : numberOption(options.limit, '--limit', { min: 1, max: 1_000_000, integer: true });
  let examples;
  try {
    examples = readEvalExamples(data, limit);
  } catch (error) {
    if (error instanceof TrainingDataError) throw new UsageError(error.message);
    throw error;
  }
  const fewShot = numberOption(options.fewShot, '--few-shot', { min: 0, max: 10, integer: true });
  const maxRepairs = numberOption(options.maxRepairs, '--max-repairs', { min: 0, max: 10, integer: true });
  const timeoutMs = timeoutOption(options.timeout);
  // Retrieval and few-shot read the training side, never the examples being scored.
  const sibling = path.join(path.dirname(data), 'train.jsonl');
  const train = options.train ?? (existsSync(sibling) && path.resolve(sibling) !== path.resolve(data) ? sibling : undefined);
  const index = options.model === 'retrieval' || fewShot > 0 ? await retrievalIndexFor(train, catalog) : undefined;
  const model = await modelFor({ ...options, ...(train ? { data: train } : {}) }, catalog, io, timeoutMs, index);
  let n8n: N8nApiClient | undefined;
  if (options.n8nUrl) {
    const key = options.n8nApiKey ?? (io.env ?? process.env).N8N_API_KEY;
    if (!key) throw new UsageError('no n8n API key for --n8n-url: pass --n8n-api-key or set N8N_API_KEY');
    n8n = new N8nApiClient(options.n8nUrl, key, fetch, timeoutMs);
  }

  const bar = io.color && !options.json ? new SingleBar({ format: '{bar} {value}/{total} examples | ETA {eta_formatted}', hideCursor: true }) : undefined;
  bar?.start(examples.length, 0);
  let file;
  try {
    file = await runEval({
      examples,
      catalog,
      model: model.id,
      baseline: model.baseline,
      data,
      ...(limit !== undefined ? { limit } : {}),
      ...(n8n ? { n8n } : {}),
      onProgress: (done) => bar?.update(done),
      generate: (request) =>
        generateWorkflow(request, {
          model,
          catalog,
          policy,
          maxRepairs,
          ...(options.constrained ? { constrained: true } : {}),
          ...(options.fix === false ? { fix: false } : {}),
          ...(fewShot > 0 && index ? { fewShot: { index, k: fewShot } } : {}),
        }),
    });
  } catch (error) {
    if (error instanceof N8nApiError) {
      io.stderr(`flowtune: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`flowtune: evaluation stopped: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  } finally {
    bar?.stop();
  }

  mkdirSync(options.out, { recursive: true });
  const jsonFile = path.join(options.out, 'eval.json');
  const mdFile = path.join(options.out, 'eval.md');
  const markdown = renderEvalMarkdown(file);
  writeFileAtomic(jsonFile, `${JSON.stringify(file, null, 2)}\n`);
  writeFileAtomic(mdFile, markdown);
  if (options.json) io.stdout(`${JSON.stringify(file.summary, null, 2)}\n`);
  else io.stdout(`${markdown}\nwritten: ${jsonFile}, ${mdFile}\n`);
  return EXIT_OK;
}

export function registerEval(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const evalCommand = addModelOptions(
    program
      .command('eval')
      .description('score a model — or the retrieval baseline — on a validation file: JSON and validity rates, hallucinated node types, node-type and typed-edge F1, trigger match, graph similarity, the checks and GED similarity of n8n AI Workflow Builder evaluation, n8n acceptance, tokens, latency'),
  )
    .option('--train <train.jsonl>', 'training examples for retrieval and few-shot (default: train.jsonl beside --data)')
    .option('--limit <n>', 'score only the first n examples')
    .option('--few-shot <k>', 'retrieved training examples shown to the model', '0')
    .option('--constrained', "constrain decoding to the workflow's JSON Schema, node types from the catalog, the way --server-kind takes it")
    .option('--max-repairs <n>', 'repair rounds per example', '2')
    .option('--no-fix', 'no deterministic repair (fixWorkflow) before the repair rounds')
    .option('--n8n-url <url>', 'also create each workflow in this n8n (then delete it) to check acceptance')
    .option('--n8n-api-key <key>', 'n8n API key (or N8N_API_KEY)')
    .option('--out <dir>', 'folder for eval.json and eval.md', 'flowtune-eval')
    .option('--compare <files...>', 'compare two eval.json files side by side (base vs fine-tuned)')
    .option('--json', 'print the summary as JSON');
  // --data here names the validation file to score; the model options' help says training data.
  const dataOption = evalCommand.options.find((o) => o.long === '--data');
  if (dataOption) dataOption.description = 'validation JSONL to score (default: flowtune-dataset/validation.jsonl)';
  addTimeoutOption(evalCommand, MODEL_TIMEOUT_SECONDS, 'the model server and n8n');
  addPolicyOptions(addCatalogOption(evalCommand)).action(async (options: EvalCommandOptions) => {
    setExit(await runEvalCommand({ ...options, data: options.data }, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });
}
