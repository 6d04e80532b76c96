/** `flowtune train start|status|watch|cancel|list|models`: fine-tuning jobs on any provider. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { sunsetNotice, TrainerError, UnsupportedSettingsError } from '../../trainer/errors';
import { describeProviderError } from '../../trainer/provider-errors';
import { JobRegistry } from '../../trainer/job-store';
import { launchJob, planLaunch, sourceName, type DataFile, type DataLaunchPlan, type DataLaunchRequest } from '../../trainer/launch';
import { createProvider, isProviderName, PROVIDER_LIST, PROVIDER_NAMES, PROVIDERS, providersTaking, type ResolvedProvider } from '../../trainer/providers';
import type { FineTuneJob, LoraSettings, TrainingMethod, TrainingSetting } from '../../trainer/types';
import { saveJobMetrics, watchJob, type WatchUpdate } from '../../trainer/watch';
import { type CliIO, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from '../io';
import { addTimeoutOption, numberOption, timeoutOption } from '../options';
import { UsageError } from '../errors';

/** Seconds one call to a fine-tuning service may take (uploads of large files included). */
const DEFAULT_TIMEOUT_SECONDS = 300;

interface ProviderOptions {
  provider?: string;
  apiKey?: string;
  baseUrl?: string;
  organization?: string;
  registry?: string;
  json?: boolean;
  timeout: string;
}

interface StartOptions extends ProviderOptions {
  data: string;
  validation?: string;
  model: string;
  method: string;
  epochs?: string;
  batchSize?: string;
  learningRateMultiplier?: string;
  learningRate?: string;
  beta?: string;
  loraR?: string;
  loraAlpha?: string;
  suffix?: string;
  seed?: string;
  prices?: string;
  yes?: boolean;
  watch?: boolean;
  interval: string;
}

interface WatchOptions extends ProviderOptions {
  interval: string;
}

/** A number > 0 without a natural upper bound (learning rates, beta, LoRA alpha). */
const positive = (value: string, flag: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a number > 0 (got "${value}")`);
  return n;
};

const wholeNumber = (value: string, flag: string, min: number, max: number) => numberOption(value, flag, { min, max, integer: true });
const intervalMs = (value: string) => numberOption(value, '--interval', { min: 0.001, max: 86_400 }) * 1000;

/** The flag of each training setting (`lora` on/off has none: --lora-r and --lora-alpha turn it on). */
const SETTING_FLAGS: Readonly<Record<TrainingSetting, string | undefined>> = {
  epochs: '--epochs',
  batchSize: '--batch-size',
  learningRateMultiplier: '--learning-rate-multiplier',
  learningRate: '--learning-rate',
  beta: '--beta',
  lora: undefined,
  loraR: '--lora-r',
  loraAlpha: '--lora-alpha',
  loraDropout: undefined,
  seed: '--seed',
};

/** The services that take a setting, for its flag's help: "(Nebius, Together)". */
const takenBy = (setting: TrainingSetting) => `(${providersTaking(setting).map((p) => p.shortLabel).join(', ')})`;

/** A setting the provider does not take, in flags: a usage error (never dropped silently). */
function unsupportedUsage(error: UnsupportedSettingsError): UsageError {
  const flags = (list: readonly TrainingSetting[]) => list.flatMap((s) => (SETTING_FLAGS[s] ? [SETTING_FLAGS[s]] : []));
  const refused = flags(error.settings);
  if (refused.length === 0) return new UsageError(error.message);
  const label = PROVIDERS[error.provider].label;
  return new UsageError(
    `${refused.join(', ')} ${refused.length === 1 ? 'is not a setting' : 'are not settings'} of ${label} for --method ${error.method} ` +
      `(it takes ${flags(error.supported).join(', ')}); nothing was uploaded`,
  );
}

function registryOf(options: ProviderOptions): JobRegistry {
  return options.registry ? new JobRegistry(options.registry) : new JobRegistry();
}

/** The provider of a known job comes from the registry; otherwise from --provider. */
function providerFor(options: ProviderOptions, io: CliIO, jobId?: string): ResolvedProvider {
  const timeout = timeoutOption(options.timeout);
  const record = jobId ? registryOf(options).find(jobId) : undefined;
  const provider = options.provider ?? record?.provider;
  if (!provider) throw new UsageError(`--provider is required (${PROVIDER_NAMES.join(', ')})${jobId ? `: job ${jobId} is not in the local registry` : ''}`);
  return createProvider({
    timeout,
    provider,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...((options.baseUrl ?? (record && record.provider === provider ? record.baseURL : undefined)) ? { baseURL: options.baseUrl ?? record!.baseURL } : {}),
    ...(options.organization ? { organization: options.organization } : {}),
    env: io.env ?? process.env,
  });
}

function readData(file: string, label: string): DataFile {
  try {
    return { path: file, content: readFileSync(file) };
  } catch (error) {
    throw new UsageError(`cannot read ${label} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `--data` is a JSONL file or a `flowtune dataset build` folder (train.jsonl + validation.jsonl). */
function dataFiles(options: StartOptions): { training: DataFile; validation?: DataFile } {
  if (existsSync(options.data) && statSync(options.data).isDirectory()) {
    const train = path.join(options.data, 'train.jsonl');
    if (!existsSync(train)) throw new UsageError(`${options.data} has no train.jsonl (build one with flowtune dataset build --out ${options.data})`);
    const validation = options.validation ?? (existsSync(path.join(options.data, 'validation.jsonl')) ? path.join(options.data, 'validation.jsonl') : undefined);
    return { training: readData(train, 'training data'), ...(validation ? { validation: readData(validation, 'validation data') } : {}) };
  }
  return { training: readData(options.data, 'training data'), ...(options.validation ? { validation: readData(options.validation, 'validation data') } : {}) };
}

function methodOf(options: StartOptions): TrainingMethod {
  const common = {
    ...(options.epochs !== undefined ? { nEpochs: wholeNumber(options.epochs, '--epochs', 1, 50) } : {}),
    ...(options.batchSize !== undefined ? { batchSize: wholeNumber(options.batchSize, '--batch-size', 1, 4096) } : {}),
    ...(options.learningRateMultiplier !== undefined ? { learningRateMultiplier: positive(options.learningRateMultiplier, '--learning-rate-multiplier') } : {}),
    ...(options.learningRate !== undefined ? { learningRate: positive(options.learningRate, '--learning-rate') } : {}),
  };
  if (options.method === 'dpo') return { type: 'dpo', ...common, ...(options.beta !== undefined ? { beta: positive(options.beta, '--beta') } : {}) };
  if (options.method !== 'supervised') throw new UsageError(`--method must be supervised or dpo (got "${options.method}")`);
  if (options.beta !== undefined) throw new UsageError('--beta applies to --method dpo only');
  return { type: 'supervised', ...common };
}

function loraOf(options: StartOptions): LoraSettings | undefined {
  if (options.loraR === undefined && options.loraAlpha === undefined) return undefined;
  return {
    enabled: true,
    ...(options.loraR !== undefined ? { r: wholeNumber(options.loraR, '--lora-r', 1, 1024) } : {}),
    ...(options.loraAlpha !== undefined ? { alpha: positive(options.loraAlpha, '--lora-alpha') } : {}),
  };
}

/** Every option of `start` as values: usage errors here, before any file is read or any call is made. */
function startSettings(options: StartOptions) {
  const lora = loraOf(options);
  // --interval is used only after the job exists (--watch): a bad value must stop the launch.
  intervalMs(options.interval);
  timeoutOption(options.timeout);
  return {
    method: methodOf(options),
    ...(lora ? { lora } : {}),
    ...(options.seed !== undefined ? { seed: wholeNumber(options.seed, '--seed', 0, 2 ** 31 - 1) } : {}),
  };
}

const usd = (n: number | null) => (n === null ? 'unknown (no price for this model: see --prices)' : `$${n.toFixed(2)}`);

function planSummary(request: DataLaunchRequest, plan: DataLaunchPlan, resolved: ResolvedProvider): string {
  const lines = [
    `provider:   ${resolved.info.label} (${resolved.baseURL})`,
    `model:      ${request.model}`,
    `training:   ${request.training.path} — ${plan.training.examples} examples, ${plan.training.tokens.total.toLocaleString('en-US')} tokens`,
    ...(request.validation && plan.validation ? [`validation: ${sourceName(request.validation)} — ${plan.validation.examples} examples`] : []),
    `epochs:     ${plan.cost.epochs} (${plan.cost.epochsSource === 'default' ? 'default for this many examples' : 'given'})`,
    `billed:     ≈ ${plan.cost.billedTokens.toLocaleString('en-US')} training tokens`,
    `estimate:   ${usd(plan.cost.usd)}${plan.cost.priceKey && plan.cost.priceKey !== request.model ? ` (price of ${plan.cost.priceKey})` : ''}`,
  ];
  if (plan.training.approximate) lines.push(`note:       tokens counted with o200k_base (${request.model}'s tokenizer is not bundled): an estimate`);
  return `${lines.join('\n')}\n`;
}

function jobLines(job: FineTuneJob): string {
  const rows: Array<[string, string | number | null | undefined]> = [
    ['job', job.id],
    ['status', job.status],
    ['model', job.model],
    ['fine-tuned model', job.fineTunedModel],
    ['created', new Date(job.createdAt * 1000).toISOString()],
    ['finished', job.finishedAt ? new Date(job.finishedAt * 1000).toISOString() : null],
    ['estimated finish', job.estimatedFinish ? new Date(job.estimatedFinish * 1000).toISOString() : null],
    ['trained tokens', job.trainedTokens],
    ['training file', job.trainingFile],
    ['validation file', job.validationFile],
    ['error', job.error ? `${job.error.code ? `${job.error.code}: ` : ''}${job.error.message}` : null],
  ];
  return `${rows
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k.padEnd(17)} ${v}`)
    .join('\n')}\n`;
}

/** Run an action; TrainerErrors and usage errors become a message and exit code 2 (1 for a failed job). */
async function guarded(io: CliIO, provider: string | undefined, action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof UnsupportedSettingsError) throw unsupportedUsage(error);
    const described = error instanceof TrainerError ? error : describeProviderError(error, provider !== undefined && isProviderName(provider) ? provider : 'openai');
    io.stderr(`flowtune: ${described.message}\n`);
    return EXIT_USAGE;
  }
}

async function runStart(options: StartOptions, io: CliIO): Promise<number> {
  const { method, lora, seed } = startSettings(options);
  const resolved = providerFor(options, io);
  const { training, validation } = dataFiles(options);
  const request: DataLaunchRequest = {
    provider: resolved.provider,
    baseURL: resolved.baseURL,
    training,
    ...(validation ? { validation } : {}),
    model: options.model,
    method,
    ...(lora ? { lora } : {}),
    ...(options.suffix ? { suffix: options.suffix } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(options.prices ? { prices: options.prices } : {}),
  };
  // Settings against the provider, data format for the method, fewest examples: all local.
  const plan = planLaunch(request);
  const log = options.json ? io.stderr : io.stdout;
  log(planSummary(request, plan, resolved));
  if (resolved.info.name === 'openai' && resolved.baseURL === PROVIDERS.openai.defaultBaseURL) log(`note:       ${sunsetNotice()}\n`);

  if (!options.yes) {
    if (!io.confirm) {
      io.stderr('flowtune: not launching: confirm the cost with --yes (no terminal to ask on)\n');
      return EXIT_USAGE;
    }
    if (!(await io.confirm(`Launch this fine-tuning job (${usd(plan.cost.usd)})?`))) {
      io.stderr('not launched; nothing was uploaded or spent\n');
      return EXIT_OK;
    }
  }
  const registry = registryOf(options);
  const { job, reused } = await launchJob(request, plan, { registry, onStatus: (m) => io.stderr(`${m}\n`) });
  if (options.json) io.stdout(`${JSON.stringify({ job: { ...job, raw: undefined }, reused, key: plan.key, estimate: plan.cost })}\n`);
  else {
    io.stdout(`${reused ? 'existing' : 'created'} job ${job.id} (${job.status})\n`);
    io.stdout(`follow it: flowtune train watch ${job.id}${options.registry ? ` --registry ${options.registry}` : ''}\n`);
  }
  if (options.watch) return runWatch(job.id, options, io);
  return EXIT_OK;
}

function progressFor(io: CliIO, json: boolean): { update(u: WatchUpdate): void; stop(): void } {
  let bar: SingleBar | undefined;
  return {
    update({ job, events, metrics }) {
      if (json) {
        for (const e of events) io.stdout(`${JSON.stringify({ type: 'event', jobId: job.id, ...e })}\n`);
        io.stdout(`${JSON.stringify({ type: 'status', jobId: job.id, status: job.status, metrics: metrics ?? null })}\n`);
        return;
      }
      const latest = events.at(-1)?.message;
      if (!io.color) {
        for (const e of events) io.stdout(`${new Date(e.createdAt * 1000).toISOString()} ${e.message}\n`);
        return;
      }
      const total = metrics?.totalSteps ?? 0;
      const payload = {
        status: job.status,
        train: metrics?.trainLoss?.toFixed(3) ?? '–',
        valid: metrics?.validLoss?.toFixed(3) ?? '–',
        event: (latest ?? '').slice(0, 60),
      };
      if (!bar && total > 0) {
        bar = new SingleBar({
          format: '{bar} {value}/{total} steps | {status} | train {train} valid {valid} | ETA {eta_formatted} | {event}',
          hideCursor: true,
          etaBuffer: 20,
        });
        bar.start(total, metrics?.step ?? 0, payload);
      } else if (bar) {
        bar.setTotal(total || bar.getTotal());
        bar.update(metrics?.step ?? 0, payload);
      } else if (latest) io.stderr(`${job.status}: ${latest}\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}

async function runWatch(jobId: string, options: ProviderOptions & { interval: string }, io: CliIO): Promise<number> {
  const interval = intervalMs(options.interval);
  const resolved = providerFor(options, io, jobId);
  const registry = registryOf(options);
  const progress = progressFor(io, !!options.json);
  const signal = io.interrupt?.();
  const result = await watchJob(resolved.provider, jobId, {
    intervalMs: interval,
    ...(signal ? { signal } : {}),
    onUpdate: (u) => progress.update(u),
  }).finally(() => progress.stop());
  const { job } = result;
  registry.update(job.id, { status: job.status, fineTunedModel: job.fineTunedModel });
  if (result.detached) {
    io.stderr(`detached: job ${job.id} keeps running (${job.status}); resume with flowtune train watch ${job.id}\n`);
    return EXIT_OK;
  }
  if (job.status !== 'succeeded') {
    io.stderr(`job ${job.id} ${job.status}${job.error ? `: ${job.error.message}` : ''}\n`);
    return EXIT_INVALID;
  }
  const saved = await saveJobMetrics(resolved.provider, job, registry);
  if (options.json) io.stdout(`${JSON.stringify({ type: 'done', jobId: job.id, fineTunedModel: job.fineTunedModel, metrics: saved })}\n`);
  else {
    io.stdout(`succeeded: ${job.fineTunedModel}\n`);
    io.stdout(`metrics (${saved.rows} steps): ${saved.csv}\nloss curve: ${saved.svg}\n`);
  }
  return EXIT_OK;
}

/** `fromRegistry`: commands on one job take its provider from the local registry; the others need --provider. */
function addProviderOptions(command: Command, fromRegistry = true): Command {
  const withProvider = fromRegistry
    ? command.option('--provider <name>', `${PROVIDER_NAMES.join(', ')} (default: the job's, from the local registry)`)
    : command.requiredOption('--provider <name>', PROVIDER_NAMES.join(', '));
  return addTimeoutOption(withProvider, DEFAULT_TIMEOUT_SECONDS, 'the fine-tuning service')
    .option('--api-key <key>', `API key (or ${PROVIDER_LIST.map((p) => p.keyEnv).join(', ')})`)
    .option('--base-url <url>', 'API base URL (OpenAI-compatible services, Azure resource endpoint)')
    .option('--organization <id>', 'OpenAI organization')
    .option('--registry <dir>', 'local job registry folder (default: FLOWTUNE_HOME or the user config folder)')
    .option('--json', 'machine-readable output');
}

export function registerTrain(program: Command, io: CliIO, setExit: (code: number) => void): Command {
  const train = program.command('train').description('fine-tuning jobs: launch, watch, cancel, list; models; bundles for open-source trainers');
  const act: Act = async (provider, action) => setExit(await guarded(io, provider, action));
  registerStart(train, io, act);
  registerStatus(train, io, act);
  registerWatch(train, io, act);
  registerCancel(train, io, act);
  registerList(train, io, act);
  registerModels(train, io, act);
  return train;
}

/** Runs a subcommand's action with the provider's errors mapped (guarded) and sets the exit code. */
type Act = (provider: string | undefined, action: () => Promise<number>) => Promise<void>;

function registerStart(train: Command, io: CliIO, act: Act): void {
  addProviderOptions(
    train
      .command('start')
      .description('check the data, show the cost, and launch a fine-tuning job (never twice for the same data and settings)')
      .requiredOption('--data <path>', 'training JSONL (OpenAI chat format), or a flowtune dataset folder')
      .option('--validation <file>', 'validation JSONL (default: validation.jsonl of a dataset folder)')
      .requiredOption('--model <id>', 'base model to fine-tune')
      .option('--method <type>', 'supervised or dpo', 'supervised')
      .option('--epochs <n>', 'epochs, 1–50 (default: the service chooses)')
      .option('--batch-size <n>', 'batch size (default: auto)')
      .option('--learning-rate-multiplier <x>', `learning-rate multiplier ${takenBy('learningRateMultiplier')}`)
      .option('--learning-rate <x>', `absolute learning rate ${takenBy('learningRate')}`)
      .option('--beta <x>', 'DPO beta')
      .option('--lora-r <n>', `LoRA rank ${takenBy('loraR')}`)
      .option('--lora-alpha <n>', `LoRA alpha ${takenBy('loraAlpha')}`)
      .option('--suffix <s>', 'name suffix of the fine-tuned model')
      .option('--seed <n>', 'training seed')
      .option('--prices <file>', 'price table JSON laid over the built-in one')
      .option('--yes', 'launch without asking (the cost is still printed)')
      .option('--watch', 'follow the job after launching')
      .option('--interval <seconds>', 'polling interval with --watch', '15'),
    false,
  ).action((options: StartOptions) => act(options.provider, () => runStart(options, io)));
}

function registerStatus(train: Command, io: CliIO, act: Act): void {
  addProviderOptions(train.command('status').description('show a job').argument('<jobId>')).action((jobId: string, options: ProviderOptions) =>
    act(options.provider, async () => {
      const { provider } = providerFor(options, io, jobId);
      const job = await provider.getJob(jobId);
      io.stdout(options.json ? `${JSON.stringify({ ...job, raw: undefined })}\n` : jobLines(job));
      return EXIT_OK;
    }),
  );
}

function registerWatch(train: Command, io: CliIO, act: Act): void {
  addProviderOptions(
    train
      .command('watch')
      .description('follow a job until it ends (Ctrl-C detaches; the job keeps running); on success save metrics.csv and loss.svg')
      .argument('<jobId>')
      .option('--interval <seconds>', 'polling interval', '15'),
  ).action((jobId: string, options: WatchOptions) => act(options.provider, () => runWatch(jobId, options, io)));
}

function registerCancel(train: Command, io: CliIO, act: Act): void {
  addProviderOptions(train.command('cancel').description('cancel a job').argument('<jobId>')).action((jobId: string, options: ProviderOptions) =>
    act(options.provider, async () => {
      const { provider } = providerFor(options, io, jobId);
      const job = await provider.cancelJob(jobId);
      registryOf(options).update(jobId, { status: job.status });
      io.stdout(options.json ? `${JSON.stringify({ ...job, raw: undefined })}\n` : `job ${job.id}: ${job.status}\n`);
      return EXIT_OK;
    }),
  );
}

function registerList(train: Command, io: CliIO, act: Act): void {
  addProviderOptions(train.command('list').description("the provider's fine-tuning jobs, newest first").option('--limit <n>', 'at most this many', '20'), false).action(
    (options: ProviderOptions & { limit: string }) =>
      act(options.provider, async () => {
        const limit = wholeNumber(options.limit, '--limit', 1, 10_000);
        const { provider } = providerFor(options, io);
        const jobs: FineTuneJob[] = [];
        for await (const job of provider.listJobs({ limit })) jobs.push(job);
        if (options.json) io.stdout(`${JSON.stringify(jobs.map((j) => ({ ...j, raw: undefined })))}\n`);
        else for (const j of jobs) io.stdout(`${j.id}  ${String(j.status).padEnd(16)} ${j.model}  ${j.fineTunedModel ?? ''}\n`);
        return EXIT_OK;
      }),
  );
}

function registerModels(train: Command, io: CliIO, act: Act): void {
  addProviderOptions(train.command('models').description('fine-tuned models of the account'), false).action((options: ProviderOptions) =>
    act(options.provider, async () => {
      const { provider } = providerFor(options, io);
      const models = await provider.listModels();
      if (options.json) io.stdout(`${JSON.stringify(models)}\n`);
      else for (const m of models) io.stdout(`${m.id}  ${new Date(m.createdAt * 1000).toISOString().slice(0, 10)}  ${m.ownedBy}\n`);
      return EXIT_OK;
    }),
  );
}
