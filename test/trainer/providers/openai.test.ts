/**
 * OpenAIProvider (trainer/providers/openai.ts) against the fake OpenAI server: the requests it
 * sends (path, auth headers, bodies), how each answer becomes a FineTuneJob, event, checkpoint or
 * model, and what its failures turn into (describeProviderError's kinds).
 */
import { OpenAIProvider, OPENAI } from '../../../trainer/providers/openai';
import { TrainerError } from '../../../trainer/errors';
import { describeProviderError } from '../../../trainer/provider-errors';
import type { CreateJobRequest } from '../../../trainer/types';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { chatExamples } from '../../helpers/training';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI({ organization: { id: 'org-flowtune', slug: 'flowtune' } });
});
afterEach(async () => {
  await fake.close();
});

const provider = (options: Partial<ConstructorParameters<typeof OpenAIProvider>[0]> = {}) => new OpenAIProvider({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0, ...options });

async function uploaded(p: OpenAIProvider, n = 12): Promise<string> {
  return (await p.uploadFile(Buffer.from(chatExamples(n)), 'train.jsonl')).id;
}

const supervised = (trainingFile: string, overrides: Partial<CreateJobRequest> = {}): CreateJobRequest => ({
  model: 'gpt-4o-mini-2024-07-18',
  trainingFile,
  method: { type: 'supervised', nEpochs: 2, batchSize: 4, learningRateMultiplier: 0.5 },
  suffix: 'flowtune',
  seed: 7,
  metadata: { flowtune_key: 'k1' },
  ...overrides,
});

describe('requests on the wire', () => {
  it('uploads a training file as multipart with purpose fine-tune, Bearer key and organisation header', async () => {
    const p = provider({ organization: 'org-flowtune' });
    const file = await p.uploadFile(Buffer.from(chatExamples(12)), 'train.jsonl');
    const [sent] = fake.requestsTo('/v1/files', 'POST');
    expect(sent.path).toBe('/v1/files');
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.headers['openai-organization']).toBe('org-flowtune');
    expect(String(sent.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toMatchObject({ fields: { purpose: 'fine-tune' } });
    expect(file).toEqual({ id: expect.stringMatching(/^file-/), bytes: Buffer.byteLength(chatExamples(12)), filename: 'train.jsonl' });
    expect(fake.state.files.get(file.id)).toBeDefined();
  });

  it('creates a supervised job with its hyperparameters, suffix, seed and metadata', async () => {
    const p = provider();
    const trainingFile = await uploaded(p);
    const job = await p.createJob(supervised(trainingFile));
    const [sent] = fake.requestsTo('/v1/fine_tuning/jobs', 'POST');
    expect(sent.body).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: trainingFile,
      suffix: 'flowtune',
      seed: 7,
      metadata: { flowtune_key: 'k1' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 0.5 } } },
    });
    expect(job).toMatchObject({
      id: expect.stringMatching(/^ftjob-/),
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      fineTunedModel: null,
      trainingFile,
      validationFile: null,
      metadata: { flowtune_key: 'k1' },
      hyperparameters: { nEpochs: 2, batchSize: 4, learningRateMultiplier: 0.5 },
      suffix: 'flowtune',
      seed: 7,
      error: null,
    });
    expect(job.raw).toMatchObject({ id: job.id, object: 'fine_tuning.job' });
  });

  it('sends DPO with beta under method.dpo', async () => {
    const p = provider();
    const trainingFile = await uploaded(p);
    await p.createJob(supervised(trainingFile, { method: { type: 'dpo', nEpochs: 1, beta: 0.1 }, suffix: undefined, seed: undefined, metadata: undefined }));
    const [sent] = fake.requestsTo('/v1/fine_tuning/jobs', 'POST');
    expect((sent.body as { method: unknown }).method).toEqual({ type: 'dpo', dpo: { hyperparameters: { n_epochs: 1, beta: 0.1 } } });
  });

  it('never retries job creation (paid work), even with retries allowed for other calls', async () => {
    const p = provider({ maxRetries: 3 });
    const trainingFile = await uploaded(p);
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', status: 500, times: Infinity });
    const error = await p.createJob(supervised(trainingFile)).catch((e: unknown) => e);
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'POST')).toHaveLength(1);
    expect(describeProviderError(error, 'openai')).toMatchObject({ kind: 'server', status: 500 });
  });

  it('deletes a model with DELETE /v1/models/<id>', async () => {
    const p = provider();
    const job = await p.createJob(supervised(await uploaded(p)));
    fake.advance(job.id);
    const done = await p.getJob(job.id);
    await p.deleteModel(done.fineTunedModel!);
    expect(fake.requestsTo(/^\/v1\/models\//, 'DELETE').map((r) => r.method)).toEqual(['DELETE']);
    expect((await p.listModels()).map((m) => m.id)).not.toContain(done.fineTunedModel);
  });
});

describe('answers read', () => {
  it('follows a job to success: fine-tuned model, finish time, result files, per-step metrics', async () => {
    const p = provider();
    const job = await p.createJob(supervised(await uploaded(p)));
    fake.advance(job.id);
    const done = await p.getJob(job.id);
    expect(done.status).toBe('succeeded');
    expect(done.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:flowtune:flowtune:/);
    expect(done.finishedAt).toBeGreaterThanOrEqual(done.createdAt);
    expect(done.trainedTokens).toBeGreaterThan(0);
    expect(done.resultFiles).toHaveLength(1);

    const metrics = await p.metrics(done);
    expect(metrics.length).toBeGreaterThan(0);
    expect(metrics.map((m) => m.step)).toEqual([...metrics.map((m) => m.step)].sort((a, b) => a - b));
    expect(metrics[0]).toMatchObject({ step: 1, trainLoss: expect.any(Number) });

    const events = await p.listEvents(job.id);
    expect(events.some((e) => e.metrics && e.metrics.step > 0 && typeof e.metrics.trainLoss === 'number')).toBe(true);
    expect(events.every((e) => typeof e.message === 'string' && typeof e.createdAt === 'number')).toBe(true);

    const checkpoints = await p.listCheckpoints(job.id);
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(checkpoints[0]).toMatchObject({ id: expect.stringMatching(/^ftckpt_/), model: expect.stringMatching(/^ft:/), step: expect.any(Number) });

    const models = await p.listModels();
    expect(models).toContainEqual(expect.objectContaining({ id: done.fineTunedModel, baseModel: 'gpt-4o-mini-2024-07-18' }));
    expect(models.every((m) => m.id.startsWith('ft:'))).toBe(true);
  });

  it('lists jobs newest first and keeps only those with the asked metadata', async () => {
    const p = provider();
    const trainingFile = await uploaded(p);
    const a = await p.createJob(supervised(trainingFile, { metadata: { flowtune_key: 'a' } }));
    const b = await p.createJob(supervised(trainingFile, { metadata: { flowtune_key: 'b' } }));
    const all: string[] = [];
    for await (const job of p.listJobs()) all.push(job.id);
    expect(all).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(all.indexOf(b.id)).toBeLessThan(all.indexOf(a.id));
    const onlyA: string[] = [];
    for await (const job of p.listJobs({ metadata: { flowtune_key: 'a' } })) onlyA.push(job.id);
    expect(onlyA).toEqual([a.id]);
  });

  it('cancels a running job', async () => {
    const p = provider();
    const job = await p.createJob(supervised(await uploaded(p)));
    const cancelled = await p.cancelJob(job.id);
    expect(fake.requestsTo(`/v1/fine_tuning/jobs/${job.id}/cancel`, 'POST')).toHaveLength(1);
    expect(cancelled).toMatchObject({ id: job.id, status: 'cancelled' });
  });

  it('an answer without id or status is a server error naming the service and the field', async () => {
    const p = provider();
    fake.faults.add({ method: 'GET', path: /^\/v1\/fine_tuning\/jobs\/ftjob-x$/, status: 200, body: { object: 'fine_tuning.job', status: 'running' } });
    const error = await p.getJob('ftjob-x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect(error).toMatchObject({ kind: 'server' });
    expect((error as Error).message).toMatch(/^openai: the fine-tuning job in the answer: id: /);
  });

  it('serves a model at its own base URL with the Bearer key and organisation', async () => {
    expect(await provider({ organization: 'org-flowtune' }).servingFor('ft:x')).toEqual({
      baseURL: fake.baseURL,
      headers: { Authorization: 'Bearer sk-test', 'OpenAI-Organization': 'org-flowtune' },
      model: 'ft:x',
    });
  });
});

describe('failures as kinds', () => {
  it('a wrong key is invalid_key (401) naming OPENAI_API_KEY', async () => {
    const error = await provider({ apiKey: 'sk-wrong-key-123456' }).getJob('ftjob-x').catch((e: unknown) => e);
    const described = describeProviderError(error, 'openai');
    expect(described).toMatchObject({ kind: 'invalid_key', status: 401 });
    expect(described.message).toMatch(/OPENAI_API_KEY/);
    expect(described.data.serviceMessage).toMatch(/^Incorrect API key provided: sk-wrong\*+3456/);
  });

  it('a 429 is rate_limited; the SDK retries it when retries are allowed', async () => {
    fake.faults.add({ method: 'GET', path: '/v1/models', status: 429 });
    const error = await provider().listModels().catch((e: unknown) => e);
    expect(describeProviderError(error, 'openai')).toMatchObject({ kind: 'rate_limited', status: 429 });

    fake.faults.add({ method: 'GET', path: '/v1/models', status: 429, headers: { 'retry-after-ms': '5' } });
    await expect(provider({ maxRetries: 1 }).listModels()).resolves.toEqual([]);
    expect(fake.requestsTo('/v1/models', 'GET').map((r) => r.outcome)).toEqual([429, 429, 200]);
  });

  it('an unknown job is not_found (404)', async () => {
    const error = await provider().getJob('ftjob-missing').catch((e: unknown) => e);
    expect(describeProviderError(error, 'openai')).toMatchObject({ kind: 'not_found', status: 404 });
  });
});

describe('the registry entry', () => {
  it('builds an OpenAIProvider with the organisation', async () => {
    const p = OPENAI.create({ apiKey: 'sk-test', baseURL: fake.baseURL }, { organization: 'org-flowtune' });
    expect(p).toBeInstanceOf(OpenAIProvider);
    expect(p.name).toBe('openai');
    expect((await p.servingFor('m')).headers).toEqual({ Authorization: 'Bearer sk-test', 'OpenAI-Organization': 'org-flowtune' });
  });
});
