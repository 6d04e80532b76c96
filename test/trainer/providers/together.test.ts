/**
 * TogetherProvider against small in-test HTTP stubs answering in Together's wire shapes
 * (together-ai 0.52.0 types, docs.together.ai/reference): what goes on the wire and how
 * the answers are mapped onto flowtune's shapes.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Together from 'together-ai';
import {
  TOGETHER_BASE_URL,
  TOGETHER_DEFAULT_N_EVALS,
  TOGETHER_STATUS_MAP,
  TOGETHER_SUFFIX_MAX,
  TogetherProvider,
  decodeSuffix,
  encodeSuffix,
  eventMetrics,
  togetherStatus,
} from '../../../trainer/providers/together';
import { TrainerError } from '../../../trainer/errors';
import { isTerminal, type CreateJobRequest, type FineTuneJob } from '../../../trainer/types';

interface Recorded {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  json?: any;
}

interface Reply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Stub {
  url: string;
  requests: Recorded[];
  close(): Promise<void>;
}

const stubs: Stub[] = [];

async function stub(handler: (req: Recorded, self: { url: string }) => Reply | Promise<Reply>): Promise<Stub> {
  const requests: Recorded[] = [];
  const self = { url: '' };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const full = new URL(req.url ?? '/', 'http://stub');
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', path: full.pathname, query: full.searchParams, headers: req.headers, body };
      if (/json/.test(String(req.headers['content-type'])) && body.length) rec.json = JSON.parse(body.toString('utf8'));
      requests.push(rec);
      try {
        const reply = await handler(rec, self);
        const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status ?? 200, { ...(payload ? { 'content-type': 'application/json' } : {}), ...reply.headers });
        res.end(payload);
      } catch (error) {
        res.writeHead(599);
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s: Stub = { url: self.url, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
  stubs.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

const KEY = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const TAG = '0123456789';
const API_KEY = 'tg-test-key';

const provider = (s: Stub, extra: Partial<ConstructorParameters<typeof TogetherProvider>[0]> = {}) =>
  new TogetherProvider({ apiKey: API_KEY, baseURL: `${s.url}/v1`, ...extra });

/** A job as `GET /v1/fine-tunes/{id}` / `GET /v1/fine-tunes` answer it. */
function wireJob(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa',
    status: 'pending',
    created_at: '2026-05-01T10:00:00.000Z',
    updated_at: '2026-05-01T10:00:05.000Z',
    user_id: 'user_abc',
    owner_address: 'dev@example.com',
    model: 'Qwen/Qwen3-8B',
    model_output_name: `acme/Qwen3-8B-n8n-flows-ft${TAG}-7f3a9c21`,
    suffix: `n8n-flows-ft${TAG}`,
    training_file: 'file-train-1',
    validation_file: '',
    n_epochs: 3,
    n_checkpoints: 1,
    n_evals: 0,
    batch_size: 'max',
    learning_rate: 0.00001,
    random_seed: 7,
    training_method: { method: 'sft', train_on_inputs: 'auto' },
    training_type: { type: 'Lora', lora_r: 16, lora_alpha: 32, lora_dropout: 0, lora_trainable_modules: 'all-linear' },
    token_count: 0,
    total_price: 0,
    events: [],
    ...over,
  };
}

const baseRequest = (over: Partial<CreateJobRequest> = {}): CreateJobRequest => ({
  model: 'Qwen/Qwen3-8B',
  trainingFile: 'file-train-1',
  suffix: 'n8n flows',
  seed: 7,
  metadata: { flowtune_key: KEY, purpose: 'test' },
  method: { type: 'supervised', nEpochs: 3, batchSize: 'auto', learningRate: 2e-5 },
  ...over,
});

describe('status mapping', () => {
  test('TOGETHER_STATUS_MAP: terminal states become the common ones, the rest stay open and non-terminal', () => {
    expect(TOGETHER_STATUS_MAP).toEqual({
      pending: 'queued',
      queued: 'queued',
      running: 'running',
      compressing: 'compressing',
      uploading: 'uploading',
      cancel_requested: 'cancel_requested',
      cancelled: 'cancelled',
      error: 'failed',
      user_error: 'failed',
      completed: 'succeeded',
    });
    const terminal = Object.keys(TOGETHER_STATUS_MAP).filter((s) => isTerminal(togetherStatus(s)));
    expect(terminal.sort()).toEqual(['cancelled', 'completed', 'error', 'user_error']);
    expect(togetherStatus('some_new_state')).toBe('some_new_state');
  });
});

describe('suffix encoding of the flowtune key', () => {
  test('user suffix is sanitised, the key tag appended, and read back', () => {
    expect(encodeSuffix('n8n flows_v2!', KEY)).toBe(`n8n-flows-v2-ft${TAG}`);
    expect(encodeSuffix(undefined, KEY)).toBe(`ft${TAG}`);
    expect(encodeSuffix('plain', undefined)).toBe('plain');
    expect(encodeSuffix(undefined, undefined)).toBeUndefined();
    expect(decodeSuffix(`n8n-flows-v2-ft${TAG}`)).toEqual({ tag: TAG, user: 'n8n-flows-v2' });
    expect(decodeSuffix(`ft${TAG}`)).toEqual({ tag: TAG, user: null });
    expect(decodeSuffix('plain')).toEqual({ user: 'plain' });
    // No suffix on the object: the tag is found in the output model name.
    expect(decodeSuffix(undefined, `acme/Qwen3-8B-x-ft${TAG}-1a2b3c4d`)).toEqual({ tag: TAG, user: null });
    expect(decodeSuffix(undefined, 'acme/Qwen3-8B-x-1a2b3c4d')).toEqual({ user: null });
  });

  test('a long suffix is cut to Together’s 64 characters, keeping the whole tag', () => {
    const suffix = encodeSuffix('a'.repeat(100), KEY.toUpperCase())!;
    expect(suffix.length).toBeLessThanOrEqual(TOGETHER_SUFFIX_MAX);
    expect(suffix.endsWith(`-ft${TAG}`)).toBe(true);
    expect(suffix).toMatch(/^[A-Za-z0-9-]+$/);
  });

  test('a key with fewer than 10 letters/digits is refused', () => {
    expect(() => encodeSuffix('x', 'ab-c')).toThrow(/at least 10/);
  });
});

describe('createJob', () => {
  test('maps the request onto POST /v1/fine-tunes (SFT, LoRA by default, key in the suffix)', async () => {
    const s = await stub((req) => ({ body: wireJob({ suffix: req.json.suffix, status: 'pending' }) }));
    const job = await provider(s).createJob(baseRequest({ validationFile: 'file-valid-1' }));

    expect(s.requests).toHaveLength(1);
    const [req] = s.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/fine-tunes');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.json).toEqual({
      model: 'Qwen/Qwen3-8B',
      training_file: 'file-train-1',
      validation_file: 'file-valid-1',
      n_evals: TOGETHER_DEFAULT_N_EVALS,
      n_epochs: 3,
      learning_rate: 2e-5,
      random_seed: 7,
      suffix: `n8n-flows-ft${TAG}`,
      training_method: { method: 'sft', train_on_inputs: 'auto' },
    });
    // batch size 'auto' → omitted (Together's default "max"); no training_type → LoRA.
    expect(req.json).not.toHaveProperty('batch_size');
    expect(req.json).not.toHaveProperty('training_type');
    expect(req.json).not.toHaveProperty('metadata');

    expect(job).toMatchObject({
      id: 'ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa',
      provider: 'together',
      status: 'queued',
      model: 'Qwen/Qwen3-8B',
      fineTunedModel: null,
      createdAt: Date.parse('2026-05-01T10:00:00.000Z') / 1000,
      finishedAt: null,
      trainingFile: 'file-train-1',
      validationFile: null,
      metadata: { flowtune_key: TAG },
      suffix: 'n8n-flows',
      seed: 7,
      hyperparameters: { nEpochs: 3, batchSize: 'auto' },
      resultFiles: [],
      error: null,
    });
    expect((job.raw as { id: string }).id).toBe(job.id);
  });

  test('explicit LoRA settings, full fine-tuning, DPO with beta', async () => {
    const s = await stub(() => ({ body: wireJob() }));
    const p = provider(s);
    await p.createJob(baseRequest({ lora: { r: 32, alpha: 64, dropout: 0.05 }, method: { type: 'supervised', batchSize: 8 } }));
    await p.createJob(baseRequest({ lora: { r: 8 } }));
    await p.createJob(baseRequest({ lora: { enabled: false } }));
    await p.createJob(baseRequest({ method: { type: 'dpo', beta: 0.2, nEpochs: 'auto' } }));
    await p.createJob(baseRequest({ method: { type: 'dpo', beta: 'auto' } }));

    const bodies = s.requests.map((r) => r.json);
    expect(bodies[0].training_type).toEqual({ type: 'Lora', lora_r: 32, lora_alpha: 64, lora_dropout: 0.05 });
    expect(bodies[0].batch_size).toBe(8);
    expect(bodies[1].training_type).toEqual({ type: 'Lora', lora_r: 8, lora_alpha: 16 });
    expect(bodies[2].training_type).toEqual({ type: 'Full' });
    expect(bodies[3].training_method).toEqual({ method: 'dpo', dpo_beta: 0.2 });
    expect(bodies[3]).not.toHaveProperty('n_epochs');
    expect(bodies[4].training_method).toEqual({ method: 'dpo' });
  });

  test('a learning-rate multiplier is refused before anything is sent', async () => {
    const s = await stub(() => ({ body: wireJob() }));
    const p = provider(s);
    await expect(p.createJob(baseRequest({ method: { type: 'supervised', learningRateMultiplier: 2 } }))).rejects.toThrow(
      /absolute learning rate/,
    );
    await expect(p.createJob(baseRequest({ method: { type: 'supervised', learningRateMultiplier: 0.00002 } }))).rejects.toBeInstanceOf(TrainerError);
    expect(s.requests).toHaveLength(0);
    await p.createJob(baseRequest({ method: { type: 'supervised', learningRateMultiplier: 'auto' } }));
    expect(s.requests[0].json).not.toHaveProperty('learning_rate');
  });

  test.each([
    ['503', 503, {}],
    ['500 that asks for a retry', 500, { 'x-should-retry': 'true' }],
    ['429', 429, {}],
  ])('is sent exactly once when the service answers %s (no SDK retry)', async (_label, status, headers) => {
    const s = await stub(() => ({ status, body: { error: { message: 'upstream trouble' } }, headers: { 'retry-after-ms': '1', ...headers } }));
    const error = await provider(s).createJob(baseRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Together.APIError);
    expect((error as InstanceType<typeof Together.APIError>).status).toBe(status);
    expect(s.requests.filter((r) => r.method === 'POST' && r.path === '/v1/fine-tunes')).toHaveLength(1);
  });

  test('while reads are retried (the same 503 then success)', async () => {
    let calls = 0;
    const s = await stub(() => (++calls === 1 ? { status: 503, body: { error: { message: 'busy' } }, headers: { 'retry-after-ms': '1' } } : { body: wireJob() }));
    const job = await provider(s).getJob('ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa');
    expect(job.status).toBe('queued');
    expect(s.requests).toHaveLength(2);
  });
});

describe('getJob', () => {
  test('a completed job: succeeded, output model, finish time, key from the output name', async () => {
    const raw = wireJob({ status: 'completed', updated_at: '2026-05-01T11:30:00.000Z', token_count: 123456, batch_size: 16 });
    delete raw.suffix; // the full job object carries no suffix in the SDK's type
    const s = await stub(() => ({ body: raw }));
    const job = await provider(s).getJob('ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa');
    expect(s.requests[0]).toMatchObject({ method: 'GET', path: '/v1/fine-tunes/ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa' });
    expect(job).toMatchObject({
      status: 'succeeded',
      fineTunedModel: `acme/Qwen3-8B-n8n-flows-ft${TAG}-7f3a9c21`,
      finishedAt: Date.parse('2026-05-01T11:30:00.000Z') / 1000,
      trainedTokens: 123456,
      metadata: { flowtune_key: TAG },
      hyperparameters: { nEpochs: 3, batchSize: 16 },
      suffix: null,
    });
  });

  test('a failed job carries the last error event; a running one an estimated finish', async () => {
    const events = [
      { object: 'fine-tune-event', created_at: '2026-05-01T10:00:01Z', type: 'job_start', level: 'info', message: 'Job started' },
      { object: 'fine-tune-event', created_at: '2026-05-01T10:02:00Z', type: 'job_error', level: 'error', message: 'Training file has invalid format at line 3' },
    ];
    const s = await stub((req) =>
      req.path.endsWith('/ft-err')
        ? { body: wireJob({ id: 'ft-err', status: 'error', events }) }
        : { body: wireJob({ id: 'ft-run', status: 'running', progress: { estimate_available: true, seconds_remaining: 600 } }) },
    );
    const p = provider(s);
    const failed = await p.getJob('ft-err');
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'job_error', message: 'Training file has invalid format at line 3' });
    expect(failed.finishedAt).toBe(Date.parse('2026-05-01T10:00:05.000Z') / 1000);

    const before = Math.floor(Date.now() / 1000);
    const running = await p.getJob('ft-run');
    expect(running.status).toBe('running');
    expect(isTerminal(running.status)).toBe(false);
    expect(running.finishedAt).toBeNull();
    expect(running.estimatedFinish).toBeGreaterThanOrEqual(before + 600);
  });

  test('a 401 surfaces as the SDK’s AuthenticationError with status 401', async () => {
    const s = await stub(() => ({
      status: 401,
      body: { error: { message: 'Invalid API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' } },
    }));
    const error = await provider(s).getJob('ft-x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Together.AuthenticationError);
    expect((error as InstanceType<typeof Together.APIError>).status).toBe(401);
    expect(s.requests).toHaveLength(1);
  });
});

describe('listJobs', () => {
  const jobs = [
    wireJob({ id: 'ft-old', created_at: '2026-04-01T00:00:00Z', suffix: `a-ft${TAG}`, status: 'cancelled' }),
    wireJob({ id: 'ft-other', created_at: '2026-05-03T00:00:00Z', suffix: 'b-ftffffffffff', model_output_name: 'acme/Qwen3-8B-b-ftffffffffff-11' }),
    wireJob({ id: 'ft-new', created_at: '2026-05-02T00:00:00Z', suffix: `c-ft${TAG}`, status: 'running' }),
    // No suffix in the list answer: the key is read from the output name.
    wireJob({ id: 'ft-mid', created_at: '2026-04-15T00:00:00Z', suffix: undefined, model_output_name: `acme/Qwen3-8B-d-ft${TAG}-22`, status: 'queued' }),
    wireJob({ id: 'ft-plain', created_at: '2026-03-01T00:00:00Z', suffix: 'plain', model_output_name: 'acme/Qwen3-8B-plain-33' }),
  ];

  test('newest first, filtered by the key in the suffix, full key on the matches', async () => {
    const s = await stub(() => ({ body: { data: jobs } }));
    const found: FineTuneJob[] = [];
    for await (const job of provider(s).listJobs({ metadata: { flowtune_key: KEY } })) found.push(job);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ method: 'GET', path: '/v1/fine-tunes' });
    expect(found.map((j) => j.id)).toEqual(['ft-new', 'ft-mid', 'ft-old']);
    expect(found.every((j) => j.metadata.flowtune_key === KEY)).toBe(true);
    expect(found.map((j) => j.status)).toEqual(['running', 'queued', 'cancelled']);
  });

  test('without a filter: every job, newest first, stopping at the limit', async () => {
    const s = await stub(() => ({ body: { data: jobs } }));
    const all: FineTuneJob[] = [];
    for await (const job of provider(s).listJobs()) all.push(job);
    expect(all.map((j) => j.id)).toEqual(['ft-other', 'ft-new', 'ft-mid', 'ft-old', 'ft-plain']);
    expect(all[0].metadata).toEqual({ flowtune_key: 'ffffffffff' });
    expect(all[4].metadata).toEqual({});

    const limited: string[] = [];
    for await (const job of provider(s).listJobs({ limit: 2 })) limited.push(job.id);
    expect(limited).toEqual(['ft-other', 'ft-new']);

    const filteredLimited: string[] = [];
    for await (const job of provider(s).listJobs({ metadata: { flowtune_key: KEY }, limit: 1 })) filteredLimited.push(job.id);
    expect(filteredLimited).toEqual(['ft-new']);
  });
});

describe('cancelJob', () => {
  test('POST /v1/fine-tunes/{id}/cancel; cancel_requested stays open', async () => {
    const s = await stub(() => ({ body: wireJob({ status: 'cancel_requested' }) }));
    const job = await provider(s).cancelJob('ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa');
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ method: 'POST', path: '/v1/fine-tunes/ft-5b1d2c3e-0001-4a6f-9d0e-aaaaaaaaaaaa/cancel' });
    expect(job.status).toBe('cancel_requested');
    expect(isTerminal(job.status)).toBe(false);
  });
});

const ev = (created_at: string, type: string, message: string, extra: Record<string, unknown> = {}) => ({
  object: 'fine-tune-event',
  created_at,
  type,
  level: 'info',
  message,
  ...extra,
});

const EVENTS = [
  ev('2026-05-01T10:00:00Z', 'job_pending', 'Fine-tune request created'),
  ev('2026-05-01T10:01:00Z', 'training_start', 'Training started for model Qwen/Qwen3-8B'),
  ev('2026-05-01T10:02:00Z', 'epoch_complete', 'Step 10/40: loss 1.25', { step: 10, total_steps: 40 }),
  ev('2026-05-01T10:03:00Z', 'checkpoint_save', 'Step 20/40, train loss: 0.98, eval loss: 1.10, epoch 1'),
  ev('2026-05-01T10:04:00Z', 'warning', 'Some rows were truncated', { level: 'legacy_iwarning' }),
  ev('2026-05-01T10:04:30Z', 'epoch_complete', 'Epoch completed, at step 30', { step: 30, total_steps: 40 }),
  ev('2026-05-01T10:05:00Z', 'job_complete', 'Training completed', { step: 40 }),
];

describe('listEvents', () => {
  test('newest first, levels normalised, step/loss from fields and message text', async () => {
    const s = await stub(() => ({ body: { data: EVENTS } }));
    const events = await provider(s).listEvents('ft-abc');
    expect(s.requests[0]).toMatchObject({ method: 'GET', path: '/v1/fine-tunes/ft-abc/events' });
    expect(events.map((e) => e.id)).toEqual(['ft-abc:6', 'ft-abc:5', 'ft-abc:4', 'ft-abc:3', 'ft-abc:2', 'ft-abc:1', 'ft-abc:0']);
    expect(events[0]).toEqual({ id: 'ft-abc:6', createdAt: Date.parse('2026-05-01T10:05:00Z') / 1000, level: 'info', message: 'Training completed' });
    // Progress from the fields, without values.
    expect(events[1].metrics).toEqual({ step: 30, totalSteps: 40 });
    expect(events[2].level).toBe('warning');
    expect(events[3].metrics).toEqual({ step: 20, totalSteps: 40, epoch: 1, trainLoss: 0.98, validLoss: 1.1 });
    expect(events[4].metrics).toEqual({ step: 10, totalSteps: 40, trainLoss: 1.25 });
    expect(events[5].metrics).toBeUndefined();

    const two = await provider(s).listEvents('ft-abc', 2);
    expect(two.map((e) => e.id)).toEqual(['ft-abc:6', 'ft-abc:5']);
  });

  test('eventMetrics reads the common message forms', () => {
    expect(eventMetrics({ message: 'step 5 of 50 - loss=0.5' })).toEqual({ step: 5, totalSteps: 50, trainLoss: 0.5 });
    expect(eventMetrics({ message: 'Evaluation at step 12: validation loss 0.75' })).toEqual({ step: 12, validLoss: 0.75 });
    expect(eventMetrics({ message: 'Checkpoint saved at step 30' })).toBeUndefined();
    expect(eventMetrics({ message: 'Training completed, loss 0.2' })).toBeUndefined(); // no step
  });
});

describe('listCheckpoints', () => {
  test('newest step first, Together checkpoint references as ids', async () => {
    const s = await stub(() => ({
      body: {
        data: [
          { checkpoint_type: 'Intermediate (step 10)', created_at: '2026-05-01T10:02:00Z', path: 's3://b/ft-abc/step-10', step: 10 },
          { checkpoint_type: 'Final Merged', created_at: '2026-05-01T10:05:00Z', path: 's3://b/ft-abc/final', step: 40, checkpoint: 'model', object_name: 'acme/Qwen3-8B-x' },
          { checkpoint_type: 'Final Adapter', created_at: '2026-05-01T10:05:00Z', path: 's3://b/ft-abc/final-adapter', step: 40, checkpoint: 'adapter' },
        ],
      },
    }));
    const checkpoints = await provider(s).listCheckpoints('ft-abc');
    expect(s.requests[0]).toMatchObject({ method: 'GET', path: '/v1/fine-tunes/ft-abc/checkpoints' });
    expect(checkpoints.map((c) => c.id).sort()).toEqual(['ft-abc:10', 'ft-abc:40/adapter', 'ft-abc:40/model']);
    expect(checkpoints[0].step).toBe(40);
    expect(checkpoints[2]).toEqual({ id: 'ft-abc:10', model: 'ft-abc:10', step: 10, createdAt: Date.parse('2026-05-01T10:02:00Z') / 1000, metrics: { step: 10 } });
    expect(checkpoints.find((c) => c.id === 'ft-abc:40/model')!.model).toBe('acme/Qwen3-8B-x');
  });
});

describe('metrics', () => {
  const job = { id: 'ft-abc' } as FineTuneJob;

  test('from GET /v1/fine-tunes/{id}/metrics, train and eval rows merged per step', async () => {
    const s = await stub(() => ({
      body: {
        metrics: [
          { timestamp: 1, 'train/global_step': 1, 'train/epoch': 0.1, 'train/loss': 2.4, 'train/grad_norm': 1.2, 'train/learning_rate': 1e-5 },
          { timestamp: 2, 'train/global_step': 2, 'train/epoch': 0.2, 'train/loss': 2.1 },
          { timestamp: 3, 'train/global_step': 2, 'eval/loss': 2.3 },
        ],
      },
    }));
    const rows = await provider(s).metrics(job);
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]).toMatchObject({ method: 'GET', path: '/v1/fine-tunes/ft-abc/metrics' });
    expect(rows).toEqual([
      { step: 1, epoch: 0.1, trainLoss: 2.4 },
      { step: 2, epoch: 0.2, trainLoss: 2.1, validLoss: 2.3 },
    ]);
  });

  test('from the events (steps with values only) when the metrics route has nothing, or is missing (404)', async () => {
    for (const metricsReply of [{ body: { metrics: [] } }, { status: 404, body: { error: { message: 'Not found' } } }] as Reply[]) {
      const s = await stub((req) => (req.path.endsWith('/metrics') ? metricsReply : { body: { data: EVENTS } }));
      const rows = await provider(s).metrics(job);
      expect(s.requests.map((r) => r.path)).toEqual(['/v1/fine-tunes/ft-abc/metrics', '/v1/fine-tunes/ft-abc/events']);
      expect(rows).toEqual([
        { step: 10, totalSteps: 40, trainLoss: 1.25 },
        { step: 20, totalSteps: 40, epoch: 1, trainLoss: 0.98, validLoss: 1.1 },
      ]);
    }
  });

  test('other errors are not swallowed', async () => {
    const s = await stub(() => ({ status: 401, body: { error: { message: 'bad key' } } }));
    await expect(provider(s).metrics(job)).rejects.toBeInstanceOf(Together.AuthenticationError);
  });
});

describe('models', () => {
  const jobs = [
    wireJob({ id: 'ft-1', status: 'completed', model_output_name: 'acme/Qwen3-8B-a-11', updated_at: '2026-05-01T12:00:00Z' }),
    wireJob({ id: 'ft-2', status: 'running', model_output_name: 'acme/Qwen3-8B-b-22' }),
    wireJob({ id: 'ft-3', status: 'completed', model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', model_output_name: 'acme/Meta-Llama-3.1-8B-Instruct-Reference-c-33', updated_at: '2026-05-02T12:00:00Z' }),
    wireJob({ id: 'ft-4', status: 'error', model_output_name: 'acme/Qwen3-8B-d-44' }),
  ];

  test('listModels: outputs of completed jobs, newest first', async () => {
    const s = await stub(() => ({ body: { data: jobs } }));
    const models = await provider(s).listModels();
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/fine-tunes']);
    expect(models).toEqual([
      { id: 'acme/Meta-Llama-3.1-8B-Instruct-Reference-c-33', createdAt: Date.parse('2026-05-02T12:00:00Z') / 1000, ownedBy: 'acme', baseModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' },
      { id: 'acme/Qwen3-8B-a-11', createdAt: Date.parse('2026-05-01T12:00:00Z') / 1000, ownedBy: 'acme', baseModel: 'Qwen/Qwen3-8B' },
    ]);
  });

  test('deleteModel deletes the job that made the model; an unknown model is a clear error', async () => {
    const s = await stub((req) => (req.method === 'DELETE' ? { body: { message: 'deleted' } } : { body: { data: jobs } }));
    const p = provider(s);
    await p.deleteModel('acme/Qwen3-8B-a-11');
    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/fine-tunes', 'DELETE /v1/fine-tunes/ft-1']);

    await p.deleteModel('ft-3');
    expect(s.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/v1/fine-tunes/ft-3' });

    const before = s.requests.length;
    await expect(p.deleteModel('acme/unknown')).rejects.toThrow(/delete/i);
    expect(s.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
  });
});

describe('uploadFile', () => {
  test('presigned flow: POST /v1/files → 302, PUT the bytes, GET /v1/files/{id}', async () => {
    const content = Buffer.from('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}\n');
    const s = await stub((req, self) => {
      if (req.method === 'POST' && req.path === '/v1/files') {
        return { status: 302, headers: { location: `${self.url}/upload/bucket/file-123?X-Amz-Signature=abc`, 'x-together-file-id': 'file-123' } };
      }
      if (req.method === 'PUT' && req.path === '/upload/bucket/file-123') return { status: 200 };
      if (req.method === 'GET' && req.path === '/v1/files/file-123') {
        return {
          body: { id: 'file-123', object: 'file', created_at: 1777000000, filename: 'train.jsonl', bytes: content.length, purpose: 'fine-tune', Processed: true, FileType: 'jsonl' },
        };
      }
      return { status: 404, body: { error: { message: 'no route' } } };
    });
    const file = await provider(s).uploadFile(content, 'train.jsonl');
    expect(file).toEqual({ id: 'file-123', bytes: content.length, filename: 'train.jsonl' });

    expect(s.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/files', 'PUT /upload/bucket/file-123', 'GET /v1/files/file-123']);
    const [start, put, read] = s.requests;
    expect(Object.fromEntries(start.query)).toEqual({ file_name: 'train.jsonl', file_type: 'jsonl', purpose: 'fine-tune' });
    expect(start.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(start.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(start.body.toString('utf8')))).toEqual({ file_name: 'train.jsonl', file_type: 'jsonl', purpose: 'fine-tune' });
    expect(put.query.get('X-Amz-Signature')).toBe('abc');
    expect(put.headers.authorization).toBeUndefined(); // the presigned URL carries its own signature
    expect(put.headers['content-type']).toBe('application/octet-stream');
    expect(put.body.equals(content)).toBe(true);
    expect(read.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  test('through an injected fetch, with a relative upload location', async () => {
    const s = await stub((req) => {
      if (req.method === 'POST') return { status: 302, headers: { location: '/put-here', 'x-together-file-id': 'file-9' } };
      if (req.method === 'PUT') return { status: 200 };
      return { body: { id: 'file-9', object: 'file', created_at: 1, filename: 'v.jsonl', bytes: 3, purpose: 'fine-tune', Processed: true, FileType: 'jsonl' } };
    });
    const seen: string[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push(`${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`);
      return fetch(input, init);
    };
    const file = await provider(s, { fetch: spy }).uploadFile(Buffer.from('{}\n'), 'v.jsonl');
    expect(file.id).toBe('file-9');
    expect(seen).toEqual(['POST /v1/files', 'PUT /put-here', 'GET /v1/files/file-9']);
  });

  test('a 401 on the first step is an AuthenticationError; nothing is PUT', async () => {
    const s = await stub(() => ({ status: 401, body: { error: { message: 'Invalid API key provided.' } } }));
    const error = await provider(s).uploadFile(Buffer.from('{}\n'), 'train.jsonl').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Together.AuthenticationError);
    expect((error as InstanceType<typeof Together.APIError>).status).toBe(401);
    expect((error as Error).message).toMatch(/Invalid API key/);
    expect(s.requests.map((r) => r.method)).toEqual(['POST']);
  });

  test('a failed PUT is an error with its status; unsupported file types are refused locally', async () => {
    const s = await stub((req, self) =>
      req.method === 'POST' ? { status: 302, headers: { location: `${self.url}/put`, 'x-together-file-id': 'file-1' } } : { status: 403, body: '<Error>SignatureDoesNotMatch</Error>' },
    );
    const error = await provider(s).uploadFile(Buffer.from('{}\n'), 'train.jsonl').catch((e: unknown) => e);
    expect((error as InstanceType<typeof Together.APIError>).status).toBe(403);
    expect((error as Error).message).toMatch(/SignatureDoesNotMatch/);
    await expect(provider(s).uploadFile(Buffer.from('x'), 'train.txt')).rejects.toThrow(/\.jsonl/);
  });
});

describe('servingFor', () => {
  test('a model id: Together’s OpenAI-compatible API with a bearer key, nothing requested', async () => {
    const p = new TogetherProvider({ apiKey: API_KEY });
    expect(await p.servingFor('acme/Qwen3-8B-a-11')).toEqual({
      baseURL: TOGETHER_BASE_URL,
      headers: { Authorization: `Bearer ${API_KEY}` },
      model: 'acme/Qwen3-8B-a-11',
    });
    expect(TOGETHER_BASE_URL).toBe('https://api.together.xyz/v1');
  });

  test('a job id resolves to its output model once completed', async () => {
    const s = await stub((req) => (req.path.endsWith('ft-done') ? { body: wireJob({ id: 'ft-done', status: 'completed' }) } : { body: wireJob({ id: 'ft-busy', status: 'running' }) }));
    const p = provider(s);
    expect(await p.servingFor('ft-done')).toEqual({
      baseURL: `${s.url}/v1`,
      headers: { Authorization: `Bearer ${API_KEY}` },
      model: `acme/Qwen3-8B-n8n-flows-ft${TAG}-7f3a9c21`,
    });
    await expect(p.servingFor('ft-busy')).rejects.toThrow(/no model to chat with yet \(status running\)/);
  });
});
