/**
 * The fake OpenAI-compatible server (test/fake-openai), driven through the official `openai` and
 * `together-ai` SDKs: if the SDKs parse its answers, paginate over them and raise their typed
 * errors, the shapes are the ones they expect.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  AuthenticationError,
  AzureOpenAI,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  toFile,
} from 'openai';
import type { Together } from 'together-ai';
import { main, parseArgs } from './main';
import { startFakeOpenAI, type FakeOpenAI } from './server';
import type { FakeOpenAIOptions } from './types';

// ---------------------------------------------------------------------------------------------
// Helpers

function example(i: number): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: 'You write n8n workflows as JSON.' },
      { role: 'user', content: `Build workflow number ${i}: a webhook that posts to Slack.` },
      { role: 'assistant', content: `{"name":"Workflow ${i}","nodes":[],"connections":{}}` },
    ],
  });
}

function jsonl(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => example(from + i)).join('\n') + '\n';
}

let fake: FakeOpenAI;
let client: OpenAI;

async function startWith(options: FakeOpenAIOptions = {}, clientOptions: ConstructorParameters<typeof OpenAI>[0] = {}) {
  fake = await startFakeOpenAI(options);
  client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0, ...clientOptions });
}

async function uploadTraining(text = jsonl(12), filename = 'train.jsonl') {
  return client.files.create({ file: await toFile(Buffer.from(text), filename), purpose: 'fine-tune' });
}

async function createJob(params: Partial<OpenAI.FineTuning.JobCreateParams> = {}) {
  const file = await uploadTraining();
  return client.fineTuning.jobs.create({ model: 'gpt-4o-mini-2024-07-18', training_file: file.id, ...params });
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

afterEach(async () => {
  await fake?.close();
});

// ---------------------------------------------------------------------------------------------

describe('auth', () => {
  beforeEach(() => startWith());

  it('rejects a wrong key with OpenAI’s 401 body, as an AuthenticationError', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-wrong-key-0123456789', baseURL: fake.baseURL, maxRetries: 0 });
    const err = await wrong.models.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    const auth = err as AuthenticationError;
    expect(auth.status).toBe(401);
    expect(auth.code).toBe('invalid_api_key');
    expect(auth.type).toBe('invalid_request_error');
    expect(auth.message).toContain('Incorrect API key provided: sk-wrong');
    expect(auth.message).toContain('6789. You can find your API key at https://platform.openai.com/account/api-keys.');
  });

  it('answers a request without a key with the "didn\'t provide an API key" error', async () => {
    const res = await fetch(`${fake.baseURL}/models`);
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { message: string; code: unknown; param: unknown } };
    expect(body.error.message).toMatch(/^You didn't provide an API key\./);
    expect(body.error.code).toBeNull();
    expect(body.error.param).toBeNull();
  });

  it('accepts Azure’s api-key header under /openai/v1 (AzureOpenAI client, deployment-style chat)', async () => {
    const azure = new AzureOpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/openai/v1`, apiVersion: 'preview', maxRetries: 0 });
    const jobs = await azure.fineTuning.jobs.list();
    expect(jobs.data).toEqual([]);
    const chat = await azure.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0].message.content).toMatch(/^Fake reply 1/);
    const [listCall, chatCall] = fake.requests;
    expect(listCall.path).toBe('/openai/v1/fine_tuning/jobs');
    expect(listCall.canonical).toBe('/v1/fine_tuning/jobs');
    expect(listCall.headers['api-key']).toBe('sk-test');
    expect(listCall.headers.authorization).toBeUndefined();
    expect(listCall.query['api-version']).toBe('preview');
    expect(chatCall.path).toBe('/openai/v1/deployments/gpt-4o-mini/chat/completions');
  });

  it('answers unknown paths with "Invalid URL"', async () => {
    const res = await fetch(`${fake.baseURL}/nothing/here`, { headers: { authorization: 'Bearer sk-test' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Invalid URL (GET /v1/nothing/here)');
  });
});

describe('files', () => {
  beforeEach(() => startWith());

  it('uploads multipart, lists with the cursor iterator, retrieves, serves content and deletes', async () => {
    const text = jsonl(12);
    const file = await uploadTraining(text);
    expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', filename: 'train.jsonl', bytes: Buffer.byteLength(text), status: 'processed' });
    expect(file.id).toMatch(/^file-[A-Za-z0-9]{22}$/);
    expect(typeof file.created_at).toBe('number');

    const second = await uploadTraining(jsonl(10), 'second.jsonl');
    const listed = await collect(client.files.list({ limit: 1 }));
    expect(listed.map((f) => f.id)).toEqual([second.id, file.id]); // newest first, one per page

    expect((await client.files.retrieve(file.id)).filename).toBe('train.jsonl');
    expect(await (await client.files.content(file.id)).text()).toBe(text);

    const deleted = await client.files.delete(file.id);
    expect(deleted).toEqual({ object: 'file', deleted: true, id: file.id });
    const err = await client.files.retrieve(file.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).message).toContain(`No such File object: ${file.id}`);
  });

  it('rejects a training file with a bad line, naming the example and the line', async () => {
    const lines = jsonl(5).split('\n');
    lines[2] = JSON.stringify({ prompt: 'old completion format', completion: 'x' });
    const err = await uploadTraining(lines.join('\n')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    const bad = err as BadRequestError;
    expect(bad.status).toBe(400);
    expect(bad.message).toContain("Invalid file format. Example 3 is missing key 'messages'. (line 3)");
    expect(bad.code).toBe('invalid_file_format');
    expect(bad.param).toBe('file');
    expect(fake.state.files.size).toBe(0);
  });

  it('words role and JSON problems as OpenAI does', async () => {
    const noRole = [example(1), JSON.stringify({ messages: [{ content: 'who am I?' }] })].join('\n');
    await expect(uploadTraining(noRole)).rejects.toThrow("Invalid file format. Example 2, message 1 Discriminator 'role' is missing in value (line 2)");
    const broken = [example(1), example(2), '{"messages": [', example(4)].join('\n');
    await expect(uploadTraining(broken)).rejects.toThrow(/Invalid file format\. Example 3 cannot be parsed\. Error: line contains invalid json: .* \(line 3\)/);
    await expect(uploadTraining(jsonl(3), 'train.txt')).rejects.toThrow('Invalid file format for Fine-Tuning API. Must be .jsonl');
  });

  it('with trainingFileChecks "job", accepts the upload and fails the job while validating files', async () => {
    await fake.close();
    await startWith({ trainingFileChecks: 'job' });
    const text = jsonl(12).replace('"role":"user"', '"role":"robot"');
    const file = await uploadTraining(text);
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    fake.advance(job.id);
    const failed = await client.fineTuning.jobs.retrieve(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({
      code: 'invalid_training_file',
      param: 'training_file',
      message: "The job failed due to an invalid training file. Invalid file format. Example 1, message 2 has an unrecognized role: 'robot'.",
    });
  });
});

describe('fine-tuning lifecycle', () => {
  beforeEach(() => startWith());

  it('creates, advances deterministically to success and leaves events, checkpoints, a results CSV and a model', async () => {
    const training = await uploadTraining(jsonl(12));
    const validation = await uploadTraining(jsonl(4, 100), 'valid.jsonl');
    const created = await client.fineTuning.jobs.create({
      model: 'gpt-4o-mini',
      training_file: training.id,
      validation_file: validation.id,
      suffix: 'flowtune',
      seed: 7,
      metadata: { run: 'lifecycle' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 4 } } },
    });
    expect(created.id).toMatch(/^ftjob-[A-Za-z0-9]{24}$/);
    expect(created).toMatchObject({
      object: 'fine_tuning.job',
      status: 'validating_files',
      model: 'gpt-4o-mini-2024-07-18', // alias resolved to the snapshot
      fine_tuned_model: null,
      finished_at: null,
      trained_tokens: null,
      result_files: [],
      seed: 7,
      organization_id: fake.settings.organization.id,
      metadata: { run: 'lifecycle' },
      hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 'auto' },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2, batch_size: 4, learning_rate_multiplier: 'auto' } } },
      error: { code: null, message: null, param: null },
      estimated_finish: null,
      integrations: [],
    });

    fake.advance(created.id, 1);
    expect((await client.fineTuning.jobs.retrieve(created.id)).status).toBe('queued');
    fake.advance(created.id, 1);
    const running = await client.fineTuning.jobs.retrieve(created.id);
    expect(running.status).toBe('running');
    expect(running.hyperparameters).toEqual({ n_epochs: 2, batch_size: 4, learning_rate_multiplier: 1.8 });
    expect(running.estimated_finish).toBeGreaterThan(running.created_at);

    fake.advance(created.id); // to the end
    const done = await client.fineTuning.jobs.retrieve(created.id);
    expect(done.status).toBe('succeeded');
    expect(done.fine_tuned_model).toMatch(/^ft:gpt-4o-mini-2024-07-18:fake-org:flowtune:[A-Za-z0-9]{8}$/);
    expect(done.trained_tokens).toBeGreaterThan(0);
    expect(done.finished_at).toBeGreaterThan(done.created_at);
    expect(done.result_files).toHaveLength(1);

    // Events: newest first from the API; 12 examples / batch 4 = 3 steps per epoch, 2 epochs.
    const events = (await collect(client.fineTuning.jobs.listEvents(created.id, { limit: 5 }))).reverse();
    const messages = events.map((e) => e.message);
    expect(messages[0]).toBe(`Created fine-tuning job: ${created.id}`);
    expect(messages[1]).toBe(`Validating training file: ${training.id} and validation file: ${validation.id}`);
    expect(messages[2]).toBe('Files validated, moving job to queued state');
    expect(messages[3]).toBe('Fine-tuning job started');
    expect(messages[4]).toMatch(/^Step 1\/6: training loss=\d+\.\d\d, validation loss=\d+\.\d\d$/);
    expect(messages).toContain(`Checkpoint created at step 3 with Snapshot ID: ${(await client.fineTuning.jobs.checkpoints.list(created.id)).data[1].fine_tuned_model_checkpoint}`);
    expect(messages.slice(-2)).toEqual([`New fine-tuned model created: ${done.fine_tuned_model}`, 'The job has successfully completed']);
    const metrics = events.filter((e) => e.type === 'metrics');
    expect(metrics).toHaveLength(6);
    const first = metrics[0].data as Record<string, number>;
    const last = metrics[5].data as Record<string, number>;
    expect(first).toMatchObject({ step: 1, total_steps: 6 });
    expect(Object.keys(first).sort()).toEqual(['step', 'total_steps', 'train_loss', 'train_mean_token_accuracy', 'valid_loss', 'valid_mean_token_accuracy']);
    expect(last.full_valid_loss).toBeGreaterThan(0);
    expect(last.train_loss).toBeLessThan(first.train_loss);
    expect(events.every((e) => e.object === 'fine_tuning.job.event' && e.level === 'info' && e.id.startsWith('ftevent-'))).toBe(true);

    // Checkpoints at each epoch end, newest first.
    const checkpoints = await client.fineTuning.jobs.checkpoints.list(created.id);
    expect(checkpoints.data.map((c) => c.step_number)).toEqual([6, 3]);
    expect(checkpoints.data[0]).toMatchObject({ object: 'fine_tuning.job.checkpoint', fine_tuning_job_id: created.id });
    expect(checkpoints.data[0].id).toMatch(/^ftckpt_/);
    expect(checkpoints.data[0].fine_tuned_model_checkpoint).toMatch(/^ft:gpt-4o-mini-2024-07-18:fake-org:flowtune:[A-Za-z0-9]{8}:ckpt-step-6$/);
    expect(checkpoints.data[0].metrics.full_valid_loss).toBeGreaterThan(0);

    // The results file: base64 of the CSV, as OpenAI serves it.
    const resultFile = await client.files.retrieve(done.result_files[0]);
    expect(resultFile).toMatchObject({ purpose: 'fine-tune-results', filename: 'step_metrics.csv' });
    const csv = Buffer.from(await (await client.files.content(resultFile.id)).text(), 'base64').toString('utf8');
    const rows = csv.trim().split('\n');
    expect(rows[0]).toBe('step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy');
    expect(rows).toHaveLength(7);
    expect(rows[1].split(',')).toHaveLength(5);
    expect(Number(rows[1].split(',')[1])).toBe(first.train_loss);

    // The model: listed, usable, deletable; base models are not deletable.
    const model = await client.models.retrieve(done.fine_tuned_model!);
    expect(model).toEqual({ id: done.fine_tuned_model, object: 'model', created: expect.any(Number), owned_by: fake.settings.organization.id });
    expect((await collect(client.models.list())).map((m) => m.id)).toContain(done.fine_tuned_model);
    const reply = await client.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: 'hi' }] });
    expect(reply.model).toBe(done.fine_tuned_model);
    expect(await client.models.delete(done.fine_tuned_model!)).toEqual({ id: done.fine_tuned_model, object: 'model', deleted: true });
    expect((await collect(client.models.list())).map((m) => m.id)).not.toContain(done.fine_tuned_model);
    await expect(client.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.models.delete('gpt-4o-mini')).rejects.toBeInstanceOf(PermissionDeniedError);
  });

  it('is deterministic: the same calls on two servers give the same ids and losses', async () => {
    const run = async () => {
      const job = await createJob({ seed: 3 });
      fake.advance(job.id);
      const done = await client.fineTuning.jobs.retrieve(job.id);
      const csv = await (await client.files.content(done.result_files[0])).text();
      return { id: job.id, model: done.fine_tuned_model, csv };
    };
    const first = await run();
    await fake.close();
    await startWith();
    expect(await run()).toEqual(first);
  });

  it('pages through jobs with for await over list({ limit: 2 }), newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await createJob()).id);
    const seen: string[] = [];
    for await (const job of client.fineTuning.jobs.list({ limit: 2 })) seen.push(job.id);
    expect(seen).toEqual([...ids].reverse());
    const pages = fake.requestsTo('/v1/fine_tuning/jobs', 'GET');
    expect(pages.map((r) => r.query.after)).toEqual([undefined, ids[3], ids[1]]);
    expect(pages.every((r) => r.query.limit === '2')).toBe(true);
  });

  it('filters jobs by metadata[k]=v', async () => {
    const a = await createJob({ metadata: { experiment: 'a' } });
    await createJob({ metadata: { experiment: 'b' } });
    await createJob();
    const listed = await client.fineTuning.jobs.list({ metadata: { experiment: 'a' } });
    expect(listed.data.map((j) => j.id)).toEqual([a.id]);
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'GET')[0].query).toEqual({ 'metadata[experiment]': 'a' });
  });

  it('cancels a running job; a finished job cannot be cancelled again', async () => {
    const job = await createJob();
    fake.advance(job.id, 3);
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('running');
    const cancelled = await client.fineTuning.jobs.cancel(job.id);
    expect(cancelled.status).toBe('cancelled');
    fake.advance(job.id);
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('cancelled');
    await expect(client.fineTuning.jobs.cancel(job.id)).rejects.toBeInstanceOf(BadRequestError);
    const last = (await client.fineTuning.jobs.listEvents(job.id, { limit: 1 })).data[0];
    expect(last.message).toBe('Fine-tuning job cancelled');
  });

  it('pauses and resumes: pausing, then paused (no progress), then running again', async () => {
    const job = await createJob();
    fake.advance(job.id, 3);
    expect((await client.fineTuning.jobs.pause(job.id)).status as string).toBe('pausing');
    fake.advance(job.id, 1);
    const paused = fake.state.jobs.get(job.id)!;
    expect(paused.phase).toBe('paused');
    const step = paused.step;
    fake.advance(job.id, 5);
    expect(fake.state.jobs.get(job.id)!.step).toBe(step);
    expect((await client.fineTuning.jobs.resume(job.id)).status).toBe('running');
    fake.advance(job.id);
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('succeeded');
  });

  it('with autoAdvance, a polling client sees progress without timers', async () => {
    await fake.close();
    await startWith({ autoAdvance: 4 });
    const job = await createJob(); // 12 examples, batch 1, 3 epochs = 36 steps
    const statuses: string[] = [];
    let current = job;
    while (!['succeeded', 'failed', 'cancelled'].includes(current.status)) {
      current = await client.fineTuning.jobs.retrieve(job.id);
      statuses.push(current.status);
    }
    expect(statuses[0]).toBe('running');
    expect(statuses.at(-1)).toBe('succeeded');
    expect(statuses).toHaveLength(10); // 2 + 36 + 1 units, 4 per GET
  });

  it('rejects models that cannot be fine-tuned, unknown files and too-long suffixes', async () => {
    const file = await uploadTraining();
    const bad = await client.fineTuning.jobs.create({ model: 'gpt-3.5-turbo-0613', training_file: file.id }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).message).toContain('Model gpt-3.5-turbo-0613 is not available for fine-tuning or does not exist.');
    expect((bad as BadRequestError).param).toBe('model');

    const missing = await client.fineTuning.jobs.create({ model: 'gpt-4.1-mini-2025-04-14', training_file: 'file-nope' }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BadRequestError);
    expect((missing as BadRequestError).param).toBe('training_file');
    expect((missing as BadRequestError).message).toContain('file-nope');

    await expect(client.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id, suffix: 'x'.repeat(65) })).rejects.toThrow(
      "Invalid 'suffix': string too long",
    );
    expect(fake.state.jobs.size).toBe(0);
  });

  it('fails a job with fewer than 10 examples with invalid_n_examples', async () => {
    const file = await uploadTraining(jsonl(7));
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    fake.advance(job.id);
    const failed = await client.fineTuning.jobs.retrieve(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual({ code: 'invalid_n_examples', param: 'training_file', message: 'Training file has 7 example(s), but must have at least 10 examples' });
    const events = (await client.fineTuning.jobs.listEvents(job.id)).data;
    expect(events[0]).toMatchObject({ level: 'error', message: failed.error!.message });
  });

  it('accepts the legacy top-level hyperparameters as a supervised method', async () => {
    const job = await createJob({ hyperparameters: { n_epochs: 1, batch_size: 2 } });
    expect(job.method).toEqual({ type: 'supervised', supervised: { hyperparameters: { n_epochs: 1, batch_size: 2, learning_rate_multiplier: 'auto' } } });
    fake.advance(job.id);
    const done = await client.fineTuning.jobs.retrieve(job.id);
    expect(done.hyperparameters).toEqual({ n_epochs: 1, batch_size: 2, learning_rate_multiplier: 1.8 });
    const events = await collect(client.fineTuning.jobs.listEvents(job.id, { limit: 100 }));
    expect(events.filter((e) => e.type === 'metrics')).toHaveLength(6); // 12 examples / batch 2, one epoch
  });

  it('runs DPO jobs and reports beta', async () => {
    const pref = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        input: { messages: [{ role: 'user', content: `q${i}` }] },
        preferred_output: [{ role: 'assistant', content: 'good' }],
        non_preferred_output: [{ role: 'assistant', content: 'bad' }],
      }),
    ).join('\n');
    const file = await uploadTraining(pref, 'pref.jsonl');
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id, method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } } });
    expect(job.method).toEqual({ type: 'dpo', dpo: { hyperparameters: { beta: 0.2, n_epochs: 'auto', batch_size: 'auto', learning_rate_multiplier: 'auto' } } });
    fake.advance(job.id);
    expect((await client.fineTuning.jobs.retrieve(job.id)).status).toBe('succeeded');
  });

  it('can refuse every new job, as after the self-serve wind-down', async () => {
    const file = await uploadTraining();
    fake.settings.refuseNewJobs = {};
    const err = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as PermissionDeniedError).message).toContain('no new fine-tuning jobs can be created');
    fake.settings.refuseNewJobs = { status: 400, message: 'Fine-tuning is unavailable.', code: 'fine_tuning_unavailable' };
    const custom = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id }).catch((e: unknown) => e);
    expect(custom).toBeInstanceOf(BadRequestError);
    expect((custom as BadRequestError).code).toBe('fine_tuning_unavailable');
    expect(fake.state.jobs.size).toBe(0);
  });

  it('fails a job on demand (failJob)', async () => {
    const job = await createJob();
    fake.advance(job.id, 4);
    fake.failJob(job.id, { code: 'server_error', message: 'Training crashed.' });
    const failed = await client.fineTuning.jobs.retrieve(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe('Training crashed.');
  });
});

describe('fault injection', () => {
  it('answers 500 once, and the SDK’s retry (visible in requests) then succeeds', async () => {
    await startWith({}, { maxRetries: 2 });
    fake.faults.add({ method: 'GET', path: '/v1/fine_tuning/jobs', status: 500, headers: { 'retry-after-ms': '1' } });
    const page = await client.fineTuning.jobs.list();
    expect(page.data).toEqual([]);
    const calls = fake.requestsTo('/v1/fine_tuning/jobs', 'GET');
    expect(calls.map((c) => c.outcome)).toEqual([500, 200]);
    expect(calls[1].headers['x-stainless-retry-count']).toBe('1');
    expect(fake.faults.list()).toEqual([]);
  });

  it('turns 500, 503 and 429 into the SDK’s typed errors with OpenAI’s bodies', async () => {
    await startWith();
    fake.faults.add({ path: '/v1/models', status: 500 });
    const e500 = await client.models.list().catch((e: unknown) => e);
    expect(e500).toBeInstanceOf(InternalServerError);
    expect((e500 as InternalServerError).type).toBe('server_error');
    expect((e500 as InternalServerError).message).toContain('The server had an error while processing your request. Sorry about that!');

    fake.faults.add({ path: '/v1/models', status: 503 });
    const e503 = await client.models.list().catch((e: unknown) => e);
    expect(e503).toBeInstanceOf(InternalServerError);
    expect((e503 as InternalServerError).status).toBe(503);

    fake.faults.add({ path: /^\/v1\/chat\//, status: 429, headers: { 'retry-after': '0' } });
    const e429 = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(e429).toBeInstanceOf(RateLimitError);
    expect((e429 as RateLimitError).code).toBe('rate_limit_exceeded');
    expect((e429 as RateLimitError).type).toBe('tokens');
    expect((e429 as RateLimitError).headers?.get('retry-after')).toBe('0');
  });

  it('afterHandling: the job is created, the 500 hides it, and the SDK’s retry creates a duplicate', async () => {
    await startWith({}, { maxRetries: 1 });
    const file = await uploadTraining();
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', status: 500, afterHandling: true, headers: { 'retry-after-ms': '1' } });
    const job = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    expect(fake.state.jobs.size).toBe(2); // the paid work was done twice
    expect([...fake.state.jobs.keys()]).toContain(job.id);
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'POST').map((r) => r.outcome)).toEqual([500, 200]);
  });

  it('afterHandling without retries: the caller sees an error although the job exists', async () => {
    await startWith();
    const file = await uploadTraining();
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', status: 500, afterHandling: true });
    await expect(client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id })).rejects.toBeInstanceOf(InternalServerError);
    expect(fake.state.jobs.size).toBe(1);
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', dropConnection: true, afterHandling: true });
    await expect(client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id })).rejects.toBeInstanceOf(APIConnectionError);
    expect(fake.state.jobs.size).toBe(2);
  });

  it('drops the connection before handling: APIConnectionError and nothing created', async () => {
    await startWith();
    const file = await uploadTraining();
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', dropConnection: true });
    const err = await client.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(fake.state.jobs.size).toBe(0);
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'POST')[0].outcome).toBe('dropped');
  });

  it('hangs: the SDK times out with APIConnectionTimeoutError', async () => {
    // Under jest the AbortError comes from another realm, so the SDK's `instanceof Error` check
    // fails and the timeout surfaces as a plain APIConnectionError. Re-throwing the error from
    // this realm (keeping its name) restores what a plain Node process sees.
    const realmSafeFetch: typeof fetch = async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (err) {
        throw Object.assign(new Error((err as Error).message), { name: (err as Error).name });
      }
    };
    await startWith({}, { timeout: 200, fetch: realmSafeFetch });
    fake.faults.add({ path: '/v1/models', hang: true, times: 2 });
    await expect(client.models.list()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(fake.requestsTo('/v1/models')[0].outcome).toBe('hung');

    const plain = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0, timeout: 200 });
    await expect(plain.models.list()).rejects.toBeInstanceOf(APIConnectionError);
  });

  it('delays, counts times, and matches /openai/v1 requests by their canonical path', async () => {
    await startWith();
    fake.faults.add({ path: '/v1/models', delayMs: 60 });
    const started = Date.now();
    await client.models.list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);

    const handle = fake.faults.add({ path: /^\/v1\/models$/, status: 500, times: 2 });
    const azureStyle = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/openai/v1`, maxRetries: 0 });
    await expect(azureStyle.models.list()).rejects.toBeInstanceOf(InternalServerError);
    await expect(client.models.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(handle).toMatchObject({ hits: 2, remaining: 0 });
    await expect(client.models.list()).resolves.toBeDefined();

    fake.faults.add({ path: '/v1/models', status: 500, times: Infinity });
    fake.faults.clear();
    await expect(client.models.list()).resolves.toBeDefined();
  });
});

describe('chat completions', () => {
  beforeEach(() => startWith());

  it('answers from the script, counts usage roughly and records response_format', async () => {
    fake.chat.reply('{"name":"My workflow"}', { nodes: [] });
    const first = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Write a workflow that does something useful for me' }],
      response_format: { type: 'json_object' },
    });
    expect(first).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-mini-2024-07-18' });
    expect(first.id).toMatch(/^chatcmpl-/);
    expect(first.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '{"name":"My workflow"}', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(first.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 6, total_tokens: 19 });

    const second = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'again' }] });
    expect(JSON.parse(second.choices[0].message.content!)).toEqual({ nodes: [] });

    fake.chat.respondWith((req) => `echo: ${String(req.messages.at(-1)?.content)}`);
    const third = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ping' }] });
    expect(third.choices[0].message.content).toBe('echo: ping');
    expect(fake.chat.requests.map((r) => r.response_format?.type)).toEqual(['json_object', undefined, undefined]);
  });

  it('streams SSE chunks that the SDK reassembles, with a usage chunk and [DONE]', async () => {
    fake.chat.reply('Here is your n8n workflow, as requested.');
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'stream it' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe('Here is your n8n workflow, as requested.');
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage?.completion_tokens).toBe(10);

    const raw = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(raw.headers.get('content-type')).toContain('text/event-stream');
    expect((await raw.text()).trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-nope', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as NotFoundError).code).toBe('model_not_found');
    expect((err as NotFoundError).message).toContain('The model `gpt-nope` does not exist or you do not have access to it.');
  });
});

describe('Together AI routes (together-ai SDK)', () => {
  let together: Together;
  let TogetherErrors: typeof import('together-ai');
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fake-together-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await startWith();
    // The SDK's files.upload reads TOGETHER_API_BASE_URL once, when its module loads.
    process.env.TOGETHER_API_BASE_URL = fake.baseURL;
    jest.resetModules();
    TogetherErrors = await import('together-ai');
    together = new TogetherErrors.Together({ apiKey: 'sk-test', baseURL: fake.baseURL, maxRetries: 0 });
  });

  afterEach(() => {
    delete process.env.TOGETHER_API_BASE_URL;
  });

  /** Together's three-step upload, done by hand (the SDK's own PUT fails on Node's fetch; see below). */
  async function presignedUpload(text: string, name = 'train.jsonl'): Promise<string> {
    const params = new URLSearchParams({ file_name: name, file_type: 'jsonl', purpose: 'fine-tune' });
    const start = await fetch(`${fake.baseURL}/files?${params}`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/x-www-form-urlencoded' },
      body: params.toString(),
      redirect: 'manual',
    });
    expect(start.status).toBe(302);
    const put = await fetch(start.headers.get('location')!, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: text });
    expect(put.status).toBe(200);
    return start.headers.get('x-together-file-id')!;
  }

  it('serves the SDK’s upload flow up to the PUT, which the SDK cannot send on Node’s fetch', async () => {
    const file = path.join(dir, 'train.jsonl');
    writeFileSync(file, jsonl(12));
    await expect(together.files.upload(file, 'fine-tune')).rejects.toThrow(/duplex/);
    const [start] = fake.requestsTo('/v1/files', 'POST');
    expect(start.outcome).toBe(302);
    expect(start.query).toMatchObject({ file_name: file, file_type: 'jsonl', purpose: 'fine-tune' });
  });

  it('uploads (presigned and multipart), creates, advances and reads a fine-tune through the SDK', async () => {
    const fileId = await presignedUpload(jsonl(12));
    const stored = await together.files.retrieve(fileId);
    expect(stored).toMatchObject({ id: fileId, object: 'file', filename: 'train.jsonl', purpose: 'fine-tune', Processed: true, FileType: 'jsonl', processing_status: 'COMPLETED' });

    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file_name', 'valid.jsonl');
    form.append('file', new Blob([jsonl(4, 50)]), 'valid.jsonl');
    const multipart = await fetch(`${fake.baseURL}/files/upload`, { method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: form });
    expect(await multipart.json()).toMatchObject({ object: 'file', filename: 'valid.jsonl', LineCount: 4, Processed: true });
    expect((await together.files.list()).data).toHaveLength(2);

    const created = await together.fineTuning.create({
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
      training_file: fileId,
      n_epochs: 2,
      batch_size: 4,
      suffix: 'flowtune',
    });
    expect(created.id).toMatch(/^ft-[0-9a-f-]{36}$/);
    expect(created).toMatchObject({ status: 'pending', n_epochs: 2, batch_size: 4, training_type: { type: 'Lora' }, training_method: { method: 'sft' } });
    expect(created.model_output_name).toMatch(/^fake-user\/Meta-Llama-3\.1-8B-Instruct-Reference-flowtune-[0-9a-f]{8}$/);
    expect(Date.parse(created.created_at)).not.toBeNaN();

    fake.advance(created.id, 2);
    expect((await together.fineTuning.retrieve(created.id)).status).toBe('running');
    fake.advance(created.id, 7); // 6 steps, then training complete → compressing
    expect((await together.fineTuning.retrieve(created.id)).status).toBe('compressing');
    fake.advance(created.id, 1);
    expect((await together.fineTuning.retrieve(created.id)).status).toBe('uploading');
    fake.advance(created.id);
    const done = await together.fineTuning.retrieve(created.id);
    expect(done.status).toBe('completed');
    expect(done.token_count).toBeGreaterThan(0);

    const events = (await together.fineTuning.listEvents(created.id)).data;
    expect(events.every((e) => e.object === 'fine-tune-event')).toBe(true);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('job_pending');
    expect(types).toEqual(expect.arrayContaining(['job_start', 'training_start', 'epoch_complete', 'checkpoint_save', 'model_compressing', 'model_upload_complete']));
    expect(types.at(-1)).toBe('job_complete');
    expect(done.events).toHaveLength(events.length);

    const checkpoints = (await together.fineTuning.listCheckpoints(created.id)).data;
    expect(checkpoints.map((c) => [c.step, c.checkpoint_type])).toEqual([
      [6, 'Final'],
      [3, 'Intermediate'],
    ]);

    const chat = await together.chat.completions.create({ model: done.model_output_name!, messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.choices[0].message?.content).toMatch(/^Fake reply/);

    const estimate = await together.fineTuning.estimatePrice({ training_file: fileId, n_epochs: 2 });
    expect(estimate.estimation_available).toBe(true);
    expect(estimate.estimation_available && estimate.estimated_train_token_count).toBeGreaterThan(0);
  });

  it('cancels through cancel_requested, lists jobs, and raises the SDK’s typed errors', async () => {
    const fileId = await presignedUpload(jsonl(12));
    const job = await together.fineTuning.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: fileId });
    expect((await together.fineTuning.cancel(job.id)).status).toBe('cancel_requested');
    fake.advance(job.id);
    expect((await together.fineTuning.retrieve(job.id)).status).toBe('cancelled');
    expect((await together.fineTuning.list()).data.map((j) => j.id)).toEqual([job.id]);
    await expect(together.fineTuning.retrieve('ft-missing')).rejects.toBeInstanceOf(TogetherErrors.NotFoundError);
    await expect(together.fineTuning.create({ model: 'not/a-model', training_file: fileId })).rejects.toBeInstanceOf(TogetherErrors.BadRequestError);
    const wrong = new TogetherErrors.Together({ apiKey: 'nope', baseURL: fake.baseURL, maxRetries: 0 });
    await expect(wrong.fineTuning.list()).rejects.toBeInstanceOf(TogetherErrors.AuthenticationError);
  });

  it('marks a badly formed upload INVALID_FORMAT and fails the job that uses it', async () => {
    const fileId = await presignedUpload(`${example(1)}\n{"nope": 1}\n`);
    const file = await together.files.retrieve(fileId);
    expect(file.processing_status).toBe('INVALID_FORMAT');
    expect(file.validation_report).toMatchObject({ valid: false, error: expect.stringContaining('line 2') });
    const job = await together.fineTuning.create({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', training_file: fileId });
    fake.advance(job.id);
    const failed = await together.fineTuning.retrieve(job.id);
    expect(failed.status).toBe('error');
    expect(failed.events!.at(-1)).toMatchObject({ type: 'job_error', level: 'error' });
  });
});

describe('Nebius serverless LoRA (/v0/models)', () => {
  beforeEach(() => startWith());

  const v0 = (p: string, init: RequestInit = {}) =>
    fetch(`${fake.url}/v0${p}`, { ...init, headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json', ...init.headers } });

  it('deploys a fine-tuned checkpoint; once validated it answers chat', async () => {
    const job = await createJob({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct' });
    fake.advance(job.id);
    const checkpoint = (await client.fineTuning.jobs.checkpoints.list(job.id)).data[0];
    const res = await v0('/models', {
      method: 'POST',
      body: JSON.stringify({ name: 'flowtune', base_model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-fast', source: `${job.id}:${checkpoint.id}` }),
    });
    expect(res.status).toBe(200);
    const deployed = (await res.json()) as { name: string; status: string; source: string };
    expect(deployed.status).toBe('validating');
    expect(deployed.name).toMatch(/^meta-llama\/Meta-Llama-3\.1-8B-Instruct-LoRa:flowtune-[a-z]{4}$/);

    await expect(client.chat.completions.create({ model: deployed.name, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(NotFoundError);
    fake.advance('flowtune');
    const info = (await (await v0('/models/flowtune')).json()) as { status: string; checkpoint_id: string; job_id: string };
    expect(info).toMatchObject({ status: 'active', checkpoint_id: checkpoint.id, job_id: job.id });
    const chat = await client.chat.completions.create({ model: deployed.name, messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.model).toBe(deployed.name);
    expect(((await (await v0('/models')).json()) as unknown[]).length).toBe(1);
  });

  it('answers bad requests FastAPI-style', async () => {
    const missing = await v0('/models', { method: 'POST', body: JSON.stringify({ name: 'x' }) });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as { detail: Array<{ loc: string[] }> }).detail.map((d) => d.loc[1])).toEqual(['base_model', 'source']);
    const unknown = await v0('/models', { method: 'POST', body: JSON.stringify({ name: 'x', base_model: 'm', source: 'ftjob-nope:ftckpt_nope' }) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'Fine-tuning job ftjob-nope not found' });
    const unauth = await fetch(`${fake.url}/v0/models`);
    expect(unauth.status).toBe(401);
  });
});

describe('main.ts (standalone entry)', () => {
  it('parses flags and prints the base URL as one JSON line', async () => {
    expect(parseArgs(['--port', '0', '--auto-advance', '2', '--api-key', 'k1', '--api-key', 'k2'])).toEqual({ port: 0, autoAdvance: 2, apiKeys: ['k1', 'k2'] });
    expect(() => parseArgs(['--bogus'])).toThrow('unknown option --bogus');
    expect(parseArgs(['--server-kind', 'vllm', '--server-version', '0.11.2'])).toEqual({ serverKind: 'vllm', serverVersion: '0.11.2' });
    expect(() => parseArgs(['--server-kind', 'tgi'])).toThrow('--server-kind takes openai, vllm, llamacpp, ollama');
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      fake = await main(['--port', '0', '--api-key', 'k1']);
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0]) as { url: string; baseURL: string; port: number };
    expect(printed.baseURL).toBe(`${printed.url}/v1`);
    expect(printed.port).toBeGreaterThan(0);
    const models = await new OpenAI({ apiKey: 'k1', baseURL: printed.baseURL, maxRetries: 0 }).models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });
});
