/**
 * The deterministic fine-tuning lifecycle shared by the OpenAI and Together routes.
 *
 *   validating → queued → running (one step per unit, checkpoint at each epoch end)
 *     → [provider's finishing phases] → succeeded
 *
 * Nothing moves on its own: jobs advance only through `advanceJob` (called by `fake.advance()` or
 * by `autoAdvance` on GET), one unit per call step, on a virtual clock. Losses follow a seeded
 * decay curve, so a job with the same seed and data always reports the same numbers.
 */
import { hashNoise, type IdSource } from './random';
import type {
  Checkpoint,
  Hyperparameters,
  JobError,
  JobEvent,
  JobEventKind,
  JobPhase,
  JobRecord,
  Provider,
  RequestedHyperparameters,
  StepMetrics,
} from './types';

/** Virtual time in unix seconds: it moves only when the lifecycle does. */
export class Clock {
  constructor(
    private current: number,
    readonly secondsPerStep: number,
  ) {}

  now(): number {
    return this.current;
  }

  tick(): number {
    this.current += this.secondsPerStep;
    return this.current;
  }
}

/** What differs between providers' lifecycles. */
export interface ProviderLifecycle {
  /** Phases between the last training step and success (Together compresses and uploads). */
  finishing: JobPhase[];
  /** Whether cancel passes through `cancel_requested` before `cancelled`. */
  twoPhaseCancel: boolean;
  checkpointName(job: JobRecord, step: number): string;
  /** Names the model, stores result files, registers the model for chat. */
  onSucceeded(job: JobRecord): void;
}

export interface EngineContext {
  clock: Clock;
  ids: IdSource;
  providers: Record<Provider, ProviderLifecycle>;
}

/** What a create request decides (the fields as in JobRecord); createJob fills in the rest. */
export type NewJob = Pick<
  JobRecord,
  'id' | 'provider' | 'model' | 'trainingFile' | 'validationFile' | 'suffix' | 'seed' | 'metadata' | 'method' | 'requested' | 'integrations' | 'examples' | 'tokensPerEpoch' | 'pendingError'
> &
  Partial<Pick<JobRecord, 'extra'>>;

const TERMINAL: ReadonlySet<JobPhase> = new Set(['succeeded', 'failed', 'cancelled']);

export function isTerminal(job: JobRecord): boolean {
  return TERMINAL.has(job.phase);
}

/** 'auto' resolved the way a small OpenAI job usually reports it. */
export function resolveHyperparameters(requested: RequestedHyperparameters, examples: number, method: 'supervised' | 'dpo'): Hyperparameters {
  const pick = <T extends number>(v: T | 'auto' | undefined, auto: number): number => (typeof v === 'number' ? v : auto);
  const resolved: Hyperparameters = {
    n_epochs: pick(requested.n_epochs, 3),
    batch_size: pick(requested.batch_size, Math.max(1, Math.min(256, Math.round(examples * 0.002)))),
    learning_rate_multiplier: pick(requested.learning_rate_multiplier, 1.8),
  };
  if (method === 'dpo') resolved.beta = pick(requested.beta, 0.1);
  return resolved;
}

function addEvent(job: JobRecord, ctx: EngineContext, kind: JobEventKind, extra: Partial<JobEvent> = {}): void {
  const level = kind === 'failed' ? 'error' : 'info';
  job.events.push({ id: `ftevent-${ctx.ids.alnum(24)}`, createdAt: ctx.clock.now(), kind, level, ...extra });
  job.updatedAt = ctx.clock.now();
}

export function createJob(init: NewJob, ctx: EngineContext): JobRecord {
  const resolved = resolveHyperparameters(init.requested, init.examples, init.method);
  const stepsPerEpoch = Math.max(1, Math.ceil(init.examples / resolved.batch_size));
  const now = ctx.clock.now();
  const job: JobRecord = {
    ...init,
    extra: init.extra ?? {},
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    resolved,
    stepsPerEpoch,
    totalSteps: stepsPerEpoch * resolved.n_epochs,
    phase: 'validating',
    step: 0,
    events: [],
    checkpoints: [],
    metrics: [],
    fineTunedModel: null,
    resultFiles: [],
    error: null,
    trainedTokens: null,
  };
  addEvent(job, ctx, 'created');
  addEvent(job, ctx, 'validating');
  return job;
}

/** Seeded decay curve: loss falls from ~2.2 towards ~0.12, accuracy rises; small per-step noise. */
export function metricsAt(job: JobRecord, step: number, epochEnd: boolean): StepMetrics {
  const progress = step / job.totalSteps;
  const round = (x: number) => Math.round(x * 1e5) / 1e5;
  const noise = hashNoise(job.seed, step) - 0.5;
  const trainLoss = round(Math.max(0.01, 0.12 + 2.1 * Math.exp(-4 * progress) + noise * 0.08));
  const accuracy = (loss: number, n: number) => round(Math.min(1, Math.max(0, 1 - loss / 2.6 + n * 0.02)));
  const metrics: StepMetrics = { step, train_loss: trainLoss, train_mean_token_accuracy: accuracy(trainLoss, noise) };
  if (job.validationFile) {
    const vNoise = hashNoise(job.seed + 1, step) - 0.5;
    const validLoss = round(trainLoss * 1.1 + 0.03 + vNoise * 0.05);
    metrics.valid_loss = validLoss;
    metrics.valid_mean_token_accuracy = accuracy(validLoss, vNoise);
    if (epochEnd) {
      metrics.full_valid_loss = round(validLoss * 1.02);
      metrics.full_valid_mean_token_accuracy = accuracy(validLoss * 1.02, vNoise);
    }
  }
  return metrics;
}

/** OpenAI's results file: one row per step, validation columns empty when there is no validation file. */
export function resultsCsv(job: JobRecord): string {
  const cell = (v: number | undefined) => (v === undefined ? '' : String(v));
  const rows = job.metrics.map((m) =>
    [m.step, m.train_loss, m.train_mean_token_accuracy, cell(m.valid_loss), cell(m.valid_mean_token_accuracy)].join(','),
  );
  return ['step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy', ...rows].join('\n') + '\n';
}

function trainOneStep(job: JobRecord, ctx: EngineContext): void {
  job.step++;
  const epochEnd = job.step % job.stepsPerEpoch === 0;
  const metrics = metricsAt(job, job.step, epochEnd);
  job.metrics.push(metrics);
  addEvent(job, ctx, 'step', { step: job.step, metrics });
  if (!epochEnd) return;
  const checkpoint: Checkpoint = {
    id: `ftckpt_${ctx.ids.alnum(24)}`,
    createdAt: ctx.clock.now(),
    step: job.step,
    epoch: job.step / job.stepsPerEpoch,
    name: ctx.providers[job.provider].checkpointName(job, job.step),
    metrics,
  };
  job.checkpoints.push(checkpoint);
  if (job.step < job.totalSteps) addEvent(job, ctx, 'checkpoint', { step: job.step, detail: checkpoint.name });
}

function succeed(job: JobRecord, ctx: EngineContext): void {
  job.phase = 'succeeded';
  job.finishedAt = ctx.clock.now();
  job.trainedTokens = job.tokensPerEpoch * job.resolved.n_epochs;
  ctx.providers[job.provider].onSucceeded(job);
  addEvent(job, ctx, 'model_created', { detail: job.fineTunedModel ?? '' });
  addEvent(job, ctx, 'succeeded');
}

/** One lifecycle unit; false when the job cannot move (terminal or paused). */
function stepOnce(job: JobRecord, ctx: EngineContext): boolean {
  if (isTerminal(job) || job.phase === 'paused') return false;
  ctx.clock.tick();
  const finishing = ctx.providers[job.provider].finishing;
  switch (job.phase) {
    case 'validating':
      if (job.pendingError) {
        failJob(job, job.pendingError, ctx);
      } else {
        job.phase = 'queued';
        addEvent(job, ctx, 'validated');
      }
      return true;
    case 'queued':
      job.phase = 'running';
      job.startedAt = ctx.clock.now();
      addEvent(job, ctx, 'started');
      return true;
    case 'running':
      if (job.step < job.totalSteps) {
        trainOneStep(job, ctx);
        return true;
      }
      addEvent(job, ctx, 'training_complete');
      enterFinishing(job, finishing, 0, ctx);
      return true;
    case 'compressing':
    case 'uploading':
      enterFinishing(job, finishing, finishing.indexOf(job.phase) + 1, ctx);
      return true;
    case 'pausing':
      job.phase = 'paused';
      addEvent(job, ctx, 'paused');
      return true;
    case 'cancel_requested':
      job.phase = 'cancelled';
      addEvent(job, ctx, 'cancelled');
      return true;
    default:
      return false;
  }
}

function enterFinishing(job: JobRecord, finishing: JobPhase[], index: number, ctx: EngineContext): void {
  const next = finishing[index] ?? 'succeeded';
  if (next === 'succeeded') return succeed(job, ctx);
  job.phase = next;
  addEvent(job, ctx, next === 'compressing' ? 'compressing' : 'uploading');
}

/** Moves a job up to `steps` lifecycle units (all the way when omitted). */
export function advanceJob(job: JobRecord, ctx: EngineContext, steps = Infinity): void {
  for (let i = 0; i < steps; i++) if (!stepOnce(job, ctx)) break;
}

export function failJob(job: JobRecord, error: JobError, ctx: EngineContext): void {
  job.phase = 'failed';
  job.error = error;
  job.pendingError = null;
  addEvent(job, ctx, 'failed', { detail: error.message });
}

/** False when the job is already finished. */
export function cancelJob(job: JobRecord, ctx: EngineContext): boolean {
  if (isTerminal(job) || job.phase === 'cancel_requested') return false;
  if (ctx.providers[job.provider].twoPhaseCancel) {
    job.phase = 'cancel_requested';
    addEvent(job, ctx, 'cancel_requested');
  } else {
    job.phase = 'cancelled';
    addEvent(job, ctx, 'cancelled');
  }
  return true;
}

/** Only a running job can be paused. */
export function pauseJob(job: JobRecord, ctx: EngineContext): boolean {
  if (job.phase !== 'running') return false;
  job.phase = 'pausing';
  addEvent(job, ctx, 'pausing');
  return true;
}

/** Only a paused (or pausing) job can be resumed. */
export function resumeJob(job: JobRecord, ctx: EngineContext): boolean {
  if (job.phase !== 'paused' && job.phase !== 'pausing') return false;
  job.phase = 'running';
  addEvent(job, ctx, 'resumed');
  return true;
}

/** Estimated finish on the virtual clock while the job runs; null otherwise. */
export function estimatedFinish(job: JobRecord, ctx: EngineContext): number | null {
  if (job.phase !== 'running') return null;
  const remaining = job.totalSteps - job.step + 1 + ctx.providers[job.provider].finishing.length;
  return ctx.clock.now() + remaining * ctx.clock.secondsPerStep;
}
