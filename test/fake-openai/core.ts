/**
 * The fake server's state and the operations routes share: settings, ids, the virtual clock, the
 * lifecycle engine wired to each provider's naming, the model registry and `advance()`.
 */
import { ChatScript } from './routes/chat';
import { advanceJob, Clock, isTerminal, resultsCsv, type EngineContext, type ProviderLifecycle } from './lifecycle';
import { IdSource } from './random';
import type { FakeOpenAIOptions, FileRecord, JobRecord, ModelRecord, NebiusModelRecord, Provider, ServerKind, Settings, State } from './types';

export const DEFAULT_FINE_TUNABLE = [
  'gpt-4o-mini-2024-07-18',
  'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano-2025-04-14',
  'meta-llama/Llama-3.1-8B-Instruct',
  'meta-llama/Meta-Llama-3.1-8B-Instruct',
  'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
];

export const DEFAULT_CHAT_MODELS = ['gpt-4o-mini', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'meta-llama/Meta-Llama-3.1-8B-Instruct-fast'];

export const DEFAULT_ALIASES: Record<string, string> = {
  'gpt-4o-mini': 'gpt-4o-mini-2024-07-18',
  'gpt-4.1-mini': 'gpt-4.1-mini-2025-04-14',
  'gpt-4.1-nano': 'gpt-4.1-nano-2025-04-14',
};

/** `owned_by` of the models each server lists. */
const BASE_MODEL_OWNER: Record<ServerKind, string> = { openai: 'system', vllm: 'vllm', llamacpp: 'llamacpp', ollama: 'library' };

/** Together-style owner of fine-tuned outputs (`<user>/<model>-<suffix>-<hash>`). */
const TOGETHER_USER = 'fake-user';

export class FakeCore {
  readonly state: State = {
    files: new Map(),
    jobs: new Map(),
    models: new Map(),
    nebiusModels: new Map(),
    uploads: new Map(),
  };
  readonly settings: Settings;
  readonly ids: IdSource;
  readonly clock: Clock;
  readonly chat = new ChatScript();
  readonly engine: EngineContext;
  /** Server root (`http://127.0.0.1:PORT`), set once listening. */
  url = '';

  constructor(options: FakeOpenAIOptions = {}) {
    const refusal = options.refuseNewJobs;
    this.settings = {
      apiKeys: options.apiKeys ?? ['sk-test'],
      organization: options.organization ?? { id: 'org-fake0000000000000000', slug: 'fake-org' },
      fineTunableModels: options.fineTunableModels ?? [...DEFAULT_FINE_TUNABLE],
      chatModels: options.chatModels ?? [...DEFAULT_CHAT_MODELS],
      modelAliases: options.modelAliases ?? { ...DEFAULT_ALIASES },
      autoAdvance: options.autoAdvance ?? 0,
      trainingFileChecks: options.trainingFileChecks ?? 'upload',
      minExamples: options.minExamples ?? 10,
      resultFileEncoding: options.resultFileEncoding ?? 'base64',
      refuseNewJobs: refusal === true ? {} : refusal || false,
      secondsPerStep: options.secondsPerStep ?? 10,
      serverKind: options.serverKind ?? 'openai',
      serverVersion: options.serverVersion ?? (options.serverKind === 'ollama' ? '0.12.6' : '0.12.0'),
    };
    this.ids = new IdSource(options.seed ?? 42);
    this.clock = new Clock(options.startTime ?? Math.floor(Date.now() / 1000), this.settings.secondsPerStep);
    this.engine = { clock: this.clock, ids: this.ids, providers: { openai: this.openaiLifecycle(), together: this.togetherLifecycle() } };
  }

  // -------------------------------------------------------------------------------------------
  // Provider lifecycles: naming and what success leaves behind

  private openaiLifecycle(): ProviderLifecycle {
    const prefix = (job: JobRecord) => `ft:${job.model}:${this.settings.organization.slug}:${job.suffix ?? ''}`;
    return {
      finishing: [],
      twoPhaseCancel: false,
      // Checkpoint snapshots carry their own id: ft:<base>:<org>:<suffix>:<id>:ckpt-step-<N>.
      checkpointName: (job, step) => `${prefix(job)}:${this.ids.alnum(8)}:ckpt-step-${step}`,
      onSucceeded: (job) => {
        job.fineTunedModel = `${prefix(job)}:${this.ids.alnum(8)}`;
        const csv = resultsCsv(job);
        const encoded = this.settings.resultFileEncoding === 'base64' ? Buffer.from(csv).toString('base64') : csv;
        const file = this.addFile({ provider: 'openai', filename: 'step_metrics.csv', purpose: 'fine-tune-results', content: Buffer.from(encoded) });
        job.resultFiles = [file.id];
        this.registerModel({ id: job.fineTunedModel, created: this.clock.now(), ownedBy: this.settings.organization.id, kind: 'fine-tuned', jobId: job.id });
      },
    };
  }

  private togetherLifecycle(): ProviderLifecycle {
    return {
      finishing: ['compressing', 'uploading'],
      twoPhaseCancel: true,
      checkpointName: (job, step) => `s3://together-fake/finetune/${job.id}/checkpoints/step-${step}`,
      onSucceeded: (job) => {
        job.fineTunedModel = String(job.extra.model_output_name);
        this.registerModel({ id: job.fineTunedModel, created: this.clock.now(), ownedBy: TOGETHER_USER, kind: 'fine-tuned', jobId: job.id });
      },
    };
  }

  togetherOutputName(model: string, suffix: string | null): string {
    return `${TOGETHER_USER}/${model.split('/').pop()}${suffix ? `-${suffix}` : ''}-${this.ids.hex(8)}`;
  }

  // -------------------------------------------------------------------------------------------
  // Files, models, jobs

  newFileId(provider: Provider): string {
    return provider === 'together' ? `file-${this.ids.uuid()}` : `file-${this.ids.alnum(22)}`;
  }

  addFile(init: Pick<FileRecord, 'provider' | 'filename' | 'purpose' | 'content'> & Partial<FileRecord>): FileRecord {
    const file: FileRecord = {
      bytes: init.content.length,
      createdAt: this.clock.now(),
      status: 'processed',
      ...init,
      id: init.id ?? this.newFileId(init.provider),
    };
    this.state.files.set(file.id, file);
    return file;
  }

  registerModel(model: ModelRecord): void {
    this.state.models.set(model.id, model);
  }

  /** Base models (chat and fine-tunable) plus fine-tuned and deployed ones, in listing order. */
  listModels(): ModelRecord[] {
    const created = 1_700_000_000;
    const base = [...new Set([...this.settings.chatModels, ...this.settings.fineTunableModels])].map(
      (id): ModelRecord => ({ id, created, ownedBy: BASE_MODEL_OWNER[this.settings.serverKind], kind: 'base' }),
    );
    return [...base, ...this.state.models.values()];
  }

  findModel(id: string): ModelRecord | undefined {
    return this.listModels().find((m) => m.id === id);
  }

  /** Models chat accepts: listed ones plus active Nebius LoRA deployments. */
  isChatModel(id: string): boolean {
    if (this.findModel(id)) return true;
    return this.state.nebiusModels.get(id)?.status === 'active';
  }

  resolveAlias(model: string): string {
    return this.settings.modelAliases[model] ?? model;
  }

  jobsOf(provider: Provider): JobRecord[] {
    return [...this.state.jobs.values()].filter((j) => j.provider === provider);
  }

  /**
   * Moves one job (or every job and Nebius deployment) forward by `steps` lifecycle units, all the
   * way to a terminal state when `steps` is omitted.
   */
  advance(id?: string, steps?: number): void {
    if (id !== undefined) {
      const job = this.state.jobs.get(id);
      if (job) return advanceJob(job, this.engine, steps);
      const nebius = this.findNebius(id);
      if (nebius) return this.advanceNebius(nebius.name);
      throw new Error(`fake-openai: no job or Nebius model ${id}`);
    }
    for (const job of this.state.jobs.values()) if (!isTerminal(job)) advanceJob(job, this.engine, steps);
    for (const model of this.state.nebiusModels.values()) this.advanceNebius(model.name);
  }

  /** A Nebius deployment by full name (`<base>-LoRa:<name>-<xxxx>`) or by the short name it was created with. */
  findNebius(name: string): NebiusModelRecord | undefined {
    return this.state.nebiusModels.get(name) ?? [...this.state.nebiusModels.values()].find((m) => m.shortName === name);
  }

  advanceNebius(name: string): void {
    const model = this.state.nebiusModels.get(name);
    if (model?.status === 'validating') model.status = 'active';
  }
}
