/** `flowtune generate` and `flowtune import`: request → validated workflow → (optionally) a real n8n. */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../dataset/writer';
import type { Command } from 'commander';
import { generateWorkflow } from '../../generator/pipeline';
import { ChatCompletionsModel } from '../../generator/models';
import { isServerKind, SERVER_KINDS } from '../../generator/constrained/server-kind';
import { BASELINE_LABEL, OfflineModel } from '../../generator/offline/model';
import { defaultRetrievalData, readTrainingExamples, RetrievalIndex, TrainingDataError } from '../../generator/retrieval';
import type { GenerationResult, WorkflowModel } from '../../generator/types';
import { N8nApiClient, N8nApiError } from '../../n8n-api/client';
import { isObject } from '../../schemas/json-value';
import { checkJsonLimits, checkJsonTextLimits } from '../../schemas/limits';
import type { NodeCatalog } from '../../schemas/catalog/catalog';
import { unwrapWorkflow, validateWorkflow, type ValidationIssue } from '../../schemas/validator';
import type { ValidationPolicy } from '../../schemas/validator/policy';
import { describeJsonError } from '../inputs';
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../io';
import { addCatalogOption, addPolicyOptions, addTimeoutOption, catalogFrom, type CommonOptions, numberOption, policyFrom, timeoutOption } from '../options';
import { UsageError } from '../errors';

export interface ModelOptions {
  model: string;
  baseUrl?: string;
  apiKey?: string;
  data?: string;
  /** `--timeout` in seconds, as typed. */
  timeout: string;
  /** `--server-kind`, as typed. */
  serverKind: string;
}

/** Defaults of `--timeout`: a model may think for a while, n8n's API answers at once or not at all. */
export const MODEL_TIMEOUT_SECONDS = 120;
export const N8N_TIMEOUT_SECONDS = 30;

interface N8nOptions {
  n8nUrl?: string;
  n8nApiKey?: string;
}

interface GenerateCommandOptions extends CommonOptions, ModelOptions {
  fewShot: string;
  hints?: boolean;
  constrained?: boolean;
  /** Commander's --no-fix: false when given. */
  fix: boolean;
  maxRepairs: string;
  out?: string;
  json?: boolean;
  import?: boolean;
  n8nUrl?: string;
  n8nApiKey?: string;
}

interface ImportCommandOptions extends CommonOptions, N8nOptions {
  timeout: string;
  validate: boolean;
  json?: boolean;
}

/** The retrieval index of the training data (given, the local dataset, or a cached default build). */
export async function retrievalIndexFor(data: string | undefined, catalog: NodeCatalog): Promise<RetrievalIndex> {
  try {
    return new RetrievalIndex(readTrainingExamples(data ?? (await defaultRetrievalData(catalog))));
  } catch (error) {
    if (error instanceof TrainingDataError) throw new UsageError(error.message);
    throw error;
  }
}

/** `--model retrieval` (the offline baseline) or a model id on an OpenAI-compatible endpoint. */
export async function modelFor(options: ModelOptions, catalog: NodeCatalog, io: CliIO, timeoutMs: number, index?: RetrievalIndex): Promise<WorkflowModel> {
  if (options.model === 'retrieval') return new OfflineModel(index ?? (await retrievalIndexFor(options.data, catalog)), catalog);
  const env = io.env ?? process.env;
  const baseURL = options.baseUrl ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  const apiKey = options.apiKey ?? env.OPENAI_API_KEY;
  if (!apiKey && /api\.openai\.com/.test(baseURL)) throw new UsageError('no API key for https://api.openai.com: set OPENAI_API_KEY or pass --api-key (or --base-url for a local server)');
  const serverKind = options.serverKind ?? 'auto';
  if (!isServerKind(serverKind)) throw new UsageError(`--server-kind must be one of ${SERVER_KINDS.join(', ')} (got "${serverKind}")`);
  return new ChatCompletionsModel({ baseURL, model: options.model, timeoutMs, serverKind, ...(apiKey ? { apiKey } : {}) }, catalog);
}

/** The n8n API client of `--n8n-url` and its key; every request abandoned after `timeoutMs`. */
function n8nClient(options: N8nOptions, io: CliIO, timeoutMs: number): N8nApiClient {
  if (!options.n8nUrl) throw new UsageError('--n8n-url is required to create the workflow in n8n');
  const apiKey = options.n8nApiKey ?? (io.env ?? process.env).N8N_API_KEY;
  if (!apiKey) throw new UsageError('no n8n API key: pass --n8n-api-key or set N8N_API_KEY (Settings → n8n API in the n8n editor)');
  return new N8nApiClient(options.n8nUrl, apiKey, fetch, timeoutMs);
}

export type Importable = { ok: true; workflow: Record<string, unknown> } | { ok: false; issue: ValidationIssue };

/**
 * What `import` validates and sends — one value for both: the unwrapped workflow (template
 * records, the n8n.io API shape), named after its wrapper when it has no name of its own.
 * Size limits first: nothing past them is walked, validated or serialised.
 */
export function importableWorkflow(value: unknown): Importable {
  const { workflow, name } = unwrapWorkflow(value);
  const violation = checkJsonLimits(workflow);
  if (violation) return { ok: false, issue: { code: 'LIMIT_EXCEEDED', message: `too large to import: ${violation.message}`, ...(violation.path !== undefined ? { path: violation.path } : {}) } };
  if (!isObject(workflow) || !Array.isArray(workflow.nodes)) return { ok: false, issue: { code: 'SCHEMA', message: 'no workflow here: expected an object with a "nodes" list (or a record wrapping one)', path: '' } };
  return { ok: true, workflow: name !== undefined ? { ...workflow, name } : workflow };
}

function summary(result: GenerationResult): string {
  const { trace } = result;
  const lines = [
    `model:      ${trace.model}${trace.baseline ? ` (${BASELINE_LABEL})` : ''}`,
    `workflow:   ${result.workflow ? `"${result.workflow.name}", ${result.workflow.nodes.length} nodes: ${result.workflow.nodes.map((n) => n.type.replace(/^.*\./, '')).join(', ')}` : 'none (no usable workflow in the answer)'}`,
    `validation: ${result.valid ? 'valid' : `${result.errors.length} error(s)`}${result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''}`,
    ...result.errors.slice(0, 10).map((e) => `  ${e.code}${e.node ? ` [${e.node}]` : ''}: ${e.message}`),
    `rounds:     ${trace.rounds.length} (${trace.rounds.map((r) => `${r.kind}: ${r.parsed ? `${r.errors.length} error(s)` : 'no JSON'}${r.fixes ? `, ${r.fixes.filter((f) => f.applied).length} fixed deterministically` : ''}`).join('; ')})`,
    ...trace.rounds.flatMap((r) => (r.fixes ?? []).map((f) => `  ${f.applied ? 'fixed' : 'not fixed (confidence ' + f.confidence + ')'}: ${f.code}${f.node ? ` [${f.node}]` : ''}: ${f.description}`)),
    `tokens:     ${trace.promptTokens} prompt + ${trace.completionTokens} completion; ${Math.round(trace.totalMs)} ms`,
    ...(trace.rounds[0]?.decoding ? [`decoding:   ${trace.rounds[0].decoding.mode}${trace.rounds[0].decoding.reason ? ` — ${trace.rounds[0].decoding.reason}` : ''}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

async function runGenerate(words: string[], options: GenerateCommandOptions, catalog: NodeCatalog, policy: ValidationPolicy, io: CliIO): Promise<number> {
  const request = words.join(' ').trim();
  if (request === '') throw new UsageError('give the request, e.g. flowtune generate "Post new GitHub issues to Slack"');
  const fewShot = numberOption(options.fewShot, '--few-shot', { min: 0, max: 10, integer: true });
  const timeoutMs = timeoutOption(options.timeout);
  const index = options.model === 'retrieval' || fewShot > 0 ? await retrievalIndexFor(options.data, catalog) : undefined;
  const model = await modelFor(options, catalog, io, timeoutMs, index);
  let result: GenerationResult;
  try {
    result = await generateWorkflow(request, {
      model,
      catalog,
      policy,
      maxRepairs: numberOption(options.maxRepairs, '--max-repairs', { min: 0, max: 10, integer: true }),
      ...(options.constrained ? { constrained: true } : {}),
      ...(options.fix === false ? { fix: false } : {}),
      ...(fewShot > 0 && index ? { fewShot: { index, k: fewShot } } : {}),
      ...(options.hints ? { hints: { catalog } } : {}),
    });
  } catch (error) {
    io.stderr(`flowtune: the model call failed: ${(error as Error).message}\n`);
    return EXIT_USAGE;
  }

  let created: { id: string; editorUrl: string } | undefined;
  if (options.import) {
    if (!result.valid || !result.workflow) {
      io.stderr('flowtune: not importing: the workflow does not validate\n');
    } else {
      try {
        created = await n8nClient(options, io, timeoutMs).createWorkflow(result.workflow);
      } catch (error) {
        if (!(error instanceof N8nApiError)) throw error;
        io.stderr(`flowtune: ${error.message}\n`);
        return EXIT_USAGE;
      }
    }
  }

  if (options.out && result.workflow) writeFileAtomic(options.out, `${JSON.stringify(result.workflow, null, 2)}\n`);
  if (options.json) {
    io.stdout(`${JSON.stringify({ ...result, ...(result.trace.baseline ? { label: BASELINE_LABEL } : {}), ...(created ? { imported: created } : {}) }, null, 2)}\n`);
  } else {
    io.stderr(summary(result));
    if (!options.out && result.workflow) io.stdout(`${JSON.stringify(result.workflow, null, 2)}\n`);
    if (options.out) io.stderr(`written:    ${options.out}\n`);
    if (created) io.stderr(`imported:   workflow ${created.id} — ${created.editorUrl}\n`);
  }
  return result.valid ? EXIT_OK : EXIT_INVALID;
}

async function runImport(file: string, options: ImportCommandOptions, catalog: NodeCatalog, policy: ValidationPolicy, io: CliIO): Promise<number> {
  const client = n8nClient(options, io, timeoutOption(options.timeout));
  let text: string;
  try {
    text = file === '-' ? io.readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const notImporting = (issues: readonly ValidationIssue[], why: string) => {
    io.stderr(`flowtune: not importing ${file}: ${why}\n`);
    for (const e of issues.slice(0, 10)) io.stderr(`  ${e.code}${e.node ? ` [${e.node}]` : ''}: ${e.message}\n`);
    return EXIT_INVALID;
  };
  const textViolation = checkJsonTextLimits(text);
  if (textViolation) return notImporting([{ code: 'LIMIT_EXCEEDED', message: `too large to import: ${textViolation.message}` }], 'over the size limits');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: ${describeJsonError(text)}`);
  }
  const importable = importableWorkflow(value);
  // Even with --no-validate: past the limits or without nodes there is nothing n8n should get.
  if (!importable.ok) return notImporting([importable.issue], importable.issue.code === 'LIMIT_EXCEEDED' ? 'over the size limits' : 'not a workflow');
  if (options.validate) {
    const result = validateWorkflow(importable.workflow, { catalog, policy });
    if (!result.valid) return notImporting(result.errors, `${result.errors.length} validation error(s) (--no-validate to import anyway)`);
  }
  try {
    const created = await client.createWorkflow(importable.workflow);
    io.stdout(options.json ? `${JSON.stringify(created)}\n` : `created workflow ${created.id}: ${created.editorUrl}\n`);
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof N8nApiError)) throw error;
    io.stderr(`flowtune: ${error.message}\n`);
    return EXIT_USAGE;
  }
}

export function addModelOptions(command: Command): Command {
  return command
    .option('--model <id>', 'retrieval (offline baseline) or a model id on an OpenAI-compatible endpoint', 'retrieval')
    .option('--base-url <url>', 'OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, Azure, Nebius, Together…; or OPENAI_BASE_URL)')
    .option('--api-key <key>', 'API key of the endpoint (or OPENAI_API_KEY)')
    .option('--server-kind <kind>', `how --constrained constrains decoding: ${SERVER_KINDS.join('|')} (auto: from the host, else a 2 s probe of the server)`, 'auto')
    .option('--data <train.jsonl>', 'training examples for retrieval and few-shot (default: flowtune-dataset/train.jsonl, else a cached build from the templates)');
}

export function registerGenerate(program: Command, io: CliIO, setExit: (code: number) => void): void {
  const generate = addModelOptions(
    program
      .command('generate')
      .description('request → validated, importable n8n workflow (exit 0 valid, 1 invalid, 2 usage or model error)')
      .argument('<request...>', 'what the workflow should do'),
  )
    .option('--few-shot <k>', 'retrieved training examples shown to the model', '0')
    .option('--hints', 'suggest likely node types from the catalog')
    .option('--constrained', "constrain decoding to the workflow's JSON Schema, node types from the catalog, the way --server-kind takes it")
    .option('--max-repairs <n>', 'rounds that send the validator errors back to the model', '2')
    .option('--no-fix', 'no deterministic repair (fixWorkflow) of the answer before the repair rounds')
    .option('--out <file>', 'write the workflow JSON here (default: stdout)')
    .option('--json', 'print workflow, validation and trace as JSON')
    .option('--import', 'create the workflow in n8n through its public API when it validates')
    .option('--n8n-url <url>', 'n8n base URL for --import')
    .option('--n8n-api-key <key>', 'n8n API key for --import (or N8N_API_KEY)');
  addTimeoutOption(generate, MODEL_TIMEOUT_SECONDS, 'the model server (and n8n with --import)');
  addPolicyOptions(addCatalogOption(generate)).action(async (words: string[], options: GenerateCommandOptions) => {
    setExit(await runGenerate(words, options, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });

  const importCommand = program
    .command('import')
    .description('create a workflow file in n8n through its public API (validated first; exit 0 created, 1 invalid, 2 usage or n8n error)')
    .argument('<workflow.json>', 'workflow file, or - for stdin')
    .requiredOption('--n8n-url <url>', 'n8n base URL, e.g. http://localhost:5678')
    .option('--n8n-api-key <key>', 'n8n API key (or N8N_API_KEY)')
    .option('--no-validate', 'import without validating against the catalog')
    .option('--json', 'print {id, name, editorUrl} as JSON');
  addTimeoutOption(importCommand, N8N_TIMEOUT_SECONDS, 'n8n');
  addPolicyOptions(addCatalogOption(importCommand)).action(async (file: string, options: ImportCommandOptions) => {
    setExit(await runImport(file, options, await catalogFrom(options, (line) => io.stderr(`${line}\n`)), policyFrom(options), io));
  });
}
