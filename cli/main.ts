#!/usr/bin/env node
/** The `flowtune` command. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { packageRoot } from '../schemas/paths';
import { runCatalogBuild } from './commands/catalog';
import { UsageError } from './errors';
import { datasetBuildOptions, DEFAULT_REQUESTS_BASE_URL, runDatasetBuild, runDatasetSample, type DatasetBuildCommandOptions, type DatasetSampleCommandOptions } from './commands/dataset';
import { DEFAULT_REQUESTS_CONCURRENCY } from '../dataset/model-requests';
import { DEFAULT_REQUESTS_TIMEOUT_MS } from '../dataset/model-requests/client';
import { runDatasetCheck, type DatasetCheckCommandOptions } from './commands/dataset-check';
import { runDemo } from './commands/demo';
import { DEFAULT_BUILD_SETTINGS, DEFAULT_DATASET_DIR } from '../dataset/build';
import { FORMATS } from '../dataset/formats';
import { sourceUsages } from '../dataset/sources';
import { registerEval } from './commands/eval';
import { registerGenerate } from './commands/generate';
import { registerTrain } from './commands/train';
import { registerTrainExport } from './commands/train-export';
import { runValidate } from './commands/validate';
import { runFix, type FixCommandOptions } from './commands/fix';
import { DEFAULT_MIN_CONFIDENCE } from '../schemas/fix';
import { InputError } from './inputs';
import { type CliIO, EXIT_USAGE, processIO } from './io';
import { addCatalogOption, addPolicyOptions, catalogFrom, type CommonOptions, numberOption, policyFrom } from './options';
import { DEFAULT_MAX_ISSUES } from '../schemas/validator';

const collect = (value: string, previous: string[]) => [...previous, value];

export function buildProgram(io: CliIO, setExit: (code: number) => void): Command {
  const program = new Command('flowtune')
    .description('Teach language models to write n8n workflows — and check what they write.')
    .version((JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

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

  const fix = program
    .command('fix')
    .description('repair workflow files deterministically (no model): each validator error gets the smallest change that makes it valid, with a confidence (exit 0 all valid after fixing, 1 any invalid, 2 usage or I/O error)')
    .argument('<paths...>', 'workflow files, directories (recursive *.json) or - for stdin')
    .option('--min-confidence <level>', 'apply fixes of this confidence or more (high, medium, low); the rest are only reported', DEFAULT_MIN_CONFIDENCE)
    .option('--write', 'write the fixed files in place (atomically; only files that changed)')
    .option('--out <dir>', 'write the fixed files into this folder')
    .option('--json', 'print machine-readable results (with the fixed workflows unless --write or --out)');
  addPolicyOptions(addCatalogOption(fix)).action(async (paths: string[], options: CommonOptions & FixCommandOptions) => {
    setExit(runFix(paths, options, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });

  const catalog = program.command('catalog').description('node catalogs');
  const build = catalog
    .command('build')
    .description('build a catalog from npm packages (community nodes), an n8n release (--n8n-version) or a running n8n (--n8n-url)')
    .option('--package <spec>', 'npm package name[@version] (repeatable)', collect, [])
    .option('--n8n-url <url>', 'read the exact node set of a running n8n (owner login needed)')
    .option('--n8n-email <email>', 'owner e-mail for --n8n-url (or N8N_EMAIL)')
    .option('--n8n-password <password>', 'owner password for --n8n-url (or N8N_PASSWORD)')
    .option('--out <file>', 'catalog file to write (without it, --n8n-version alone builds into the cache folder)');
  addCatalogOption(build).action(async (options) => {
    setExit(await runCatalogBuild(options, io));
  });

  const dataset = program.command('dataset').description('training data: build pairs from workflows, check JSONL files');
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

  registerTrainExport(registerTrain(program, io, setExit), io, setExit);
  registerGenerate(program, io, setExit);
  registerEval(program, io, setExit);

  const demo = program.command('demo').description('validate the bundled example workflows (a valid one and typical hallucinations)');
  addPolicyOptions(addCatalogOption(demo)).action(async (options: CommonOptions) => {
    setExit(runDemo(await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });
  return program;
}

/** Run the CLI; resolves to the exit code instead of exiting, so tests can call it. */
export async function runCli(argv: string[], io: CliIO = processIO): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (error instanceof InputError || error instanceof UsageError) {
      io.stderr(`flowtune: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`flowtune: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
