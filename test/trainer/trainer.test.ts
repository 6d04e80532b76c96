/**
 * The trainer against the local fake OpenAI-compatible server: safe launch (checks,
 * idempotent create under lost answers and retries), clear errors, watching, metrics
 * artifacts, Azure and Nebius specifics, and the `flowtune train` commands.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { TrainerError } from '../../trainer/errors';
import { describeProviderError } from '../../trainer/provider-errors';
import { JobRegistry } from '../../trainer/job-store';
import { IDEMPOTENCY_METADATA_KEY, launchJob, planLaunch, type DataLaunchRequest, type LaunchRequest } from '../../trainer/launch';
import { metricsCsv, parseResultCsv, renderLossSvg } from '../../trainer/metrics';
import { createProvider } from '../../trainer/providers';
import { saveJobMetrics, watchJob } from '../../trainer/watch';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { chatExamples as examples } from '../helpers/training';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'flowtune-trainer-'));

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

function request(overrides: Partial<DataLaunchRequest> = {}): DataLaunchRequest {
  const { provider, baseURL } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL });
  return {
    provider,
    baseURL,
    training: { path: 'train.jsonl', content: Buffer.from(examples(12)) },
    validation: { path: 'validation.jsonl', content: Buffer.from(examples(3, 100)) },
    model: 'gpt-4o-mini-2024-07-18',
    method: { type: 'supervised', nEpochs: 2 },
    suffix: 'flowtune',
    ...overrides,
  };
}

const createRequests = () => fake.requestsTo('/v1/fine_tuning/jobs', 'POST');
const quick = { backoffMs: () => 5 };

describe('launch', () => {
  it('checks the data before anything is sent and names file and line', () => {
    const bad = `${examples(11)}{"messages": [{"role": "user", "content": "no answer"}]}\n`;
    expect(() => planLaunch(request({ training: { path: 'data/train.jsonl', content: Buffer.from(bad) } }))).toThrow(/data\/train\.jsonl:12: example_missing_assistant_message/);
    expect(() => planLaunch(request({ method: { type: 'supervised', nEpochs: 51 } }))).toThrow(/epochs must be a whole number from 1 to 50/);
    expect(fake.requests).toHaveLength(0);
  });

  it('estimates the cost and derives a key from data and settings', () => {
    const plan = planLaunch(request());
    expect(plan.training.examples).toBe(12);
    expect(plan.cost.epochs).toBe(2);
    expect(plan.cost.billedTokens).toBe(plan.training.tokens.total * 2);
    expect(plan.cost.usd).toBeGreaterThan(0);
    expect(planLaunch(request()).key).toBe(plan.key);
    expect(planLaunch(request({ suffix: 'other' })).key).not.toBe(plan.key);
    expect(planLaunch(request({ training: { path: 'x', content: Buffer.from(examples(12, 1)) } })).key).not.toBe(plan.key);
  });

  it('creates once, tags the job with its key, and reuses it on relaunch', async () => {
    const registry = new JobRegistry(tmp());
    const plan = planLaunch(request());
    const first = await launchJob(request(), plan, { registry, ...quick });
    expect(first.reused).toBe(false);
    expect(first.job.metadata[IDEMPOTENCY_METADATA_KEY]).toBe(plan.key);
    expect(first.job.validationFile).toMatch(/^file-/);
    const second = await launchJob(request(), plan, { registry, ...quick });
    expect(second).toMatchObject({ reused: true, job: { id: first.job.id } });
    // A crash lost the local registry: the provider's metadata search still finds the job.
    const third = await launchJob(request(), plan, { registry: new JobRegistry(tmp()), ...quick });
    expect(third).toMatchObject({ reused: true, job: { id: first.job.id } });
    expect(createRequests()).toHaveLength(1);
    // Found before anything was uploaded again.
    expect(fake.requestsTo('/v1/files', 'POST')).toHaveLength(2);
    expect(registry.find(first.job.id)).toMatchObject({ key: plan.key, provider: 'openai', status: first.job.status });
  });

  it.each([
    ['a 500 after the job was created', { status: 500, afterHandling: true }],
    ['a dropped connection after the job was created', { dropConnection: true, afterHandling: true }],
  ])('never duplicates a job when %s', async (_label, fault) => {
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', ...fault });
    const statuses: string[] = [];
    const result = await launchJob(request(), planLaunch(request()), { registry: new JobRegistry(tmp()), onStatus: (m) => statuses.push(m), ...quick });
    expect(result.reused).toBe(true);
    expect(fake.state.jobs.size).toBe(1);
    expect(createRequests()).toHaveLength(1);
    expect(statuses.join('\n')).toMatch(/looking for it before retrying/);
  });

  it('retries a create that was rate limited (nothing was done) without duplicating', async () => {
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', status: 429 });
    const result = await launchJob(request(), planLaunch(request()), { registry: new JobRegistry(tmp()), ...quick });
    expect(result.reused).toBe(false);
    expect(createRequests()).toHaveLength(2);
    expect(fake.state.jobs.size).toBe(1);
  });

  it('gives up after the attempts with the provider error', async () => {
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', status: 503, times: 5 });
    await expect(launchJob(request(), planLaunch(request()), { registry: new JobRegistry(tmp()), attempts: 2, ...quick })).rejects.toMatchObject({ kind: 'server', status: 503 });
    expect(createRequests()).toHaveLength(2);
    expect(fake.state.jobs.size).toBe(0);
  });
});

describe('clear errors', () => {
  const launch = (r: LaunchRequest) => launchJob(r, planLaunch(r), { registry: new JobRegistry(tmp()), ...quick });

  it('names the 2027 sunset and the alternatives when OpenAI refuses new jobs', async () => {
    fake.settings.refuseNewJobs = { status: 403 };
    const error = await launch(request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerError);
    expect(error).toMatchObject({ kind: 'not_eligible' });
    expect((error as Error).message).toMatch(/2027-01-06/);
    expect((error as Error).message).toMatch(/--provider nebius/);
    expect((error as Error).message).toMatch(/flowtune train export/);
  });

  it('explains a wrong key, a missing key and a model that cannot be fine-tuned', async () => {
    const wrong = createProvider({ provider: 'openai', apiKey: 'sk-wrong-key-123456', baseURL: fake.baseURL });
    await expect(launch(request({ provider: wrong.provider }))).rejects.toThrow(/refused the API key \(401\).*OPENAI_API_KEY/);
    expect(() => createProvider({ provider: 'nebius', env: {} })).toThrow(/no API key for Nebius Token Factory: set NEBIUS_API_KEY or pass --api-key/);
    expect(() => createProvider({ provider: 'azure', apiKey: 'k', env: {} })).toThrow(/Azure OpenAI needs --base-url/);
    expect(() => createProvider({ provider: 'mistral', apiKey: 'k' })).toThrow(/unknown provider "mistral": use openai, azure, nebius, together/);
    await expect(launch(request({ model: 'gpt-3.5-turbo-instruct' }))).rejects.toMatchObject({ kind: 'model_not_supported' });
  });

  it("passes on the provider's message with the line of an invalid file", async () => {
    await fake.close();
    fake = await startFakeOpenAI({ trainingFileChecks: 'upload' });
    const { provider } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL });
    const error = await provider.uploadFile(Buffer.from(`${examples(2)}not json\n`), 'train.jsonl').catch((e: unknown) => e);
    const described = describeProviderError(error, 'openai', { file: 'train.jsonl' });
    expect(described.kind).toBe('invalid_file');
    expect(described.message).toMatch(/rejected the training file train\.jsonl: .*[Ll]ine 3/);
  });

  it('reports an unreachable host', async () => {
    const { provider } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1' });
    const error = await provider.getJob('ftjob-x').catch((e: unknown) => e);
    expect(describeProviderError(error, 'openai', { baseURL: 'http://127.0.0.1:9/v1' })).toMatchObject({ kind: 'unreachable' });
  });
});

describe('watch and metrics', () => {
  it('follows a job to the end, then writes metrics.csv and loss.svg beside the registry entry', async () => {
    fake.settings.autoAdvance = 3;
    const registry = new JobRegistry(tmp());
    const r = request();
    const { job } = await launchJob(r, planLaunch(r), { registry, ...quick });
    const statuses: string[] = [];
    let lastStep = 0;
    const result = await watchJob(r.provider, job.id, {
      intervalMs: 1,
      onUpdate: (u) => {
        statuses.push(u.job.status);
        if (u.metrics) {
          expect(u.metrics.step).toBeGreaterThanOrEqual(lastStep);
          lastStep = u.metrics.step;
        }
      },
    });
    expect(result).toMatchObject({ detached: false, job: { status: 'succeeded' } });
    expect(result.job.fineTunedModel).toMatch(/^ft:gpt-4o-mini-2024-07-18:.*:flowtune:/);
    expect(statuses).toContain('running');
    expect(lastStep).toBeGreaterThan(0);

    const saved = await saveJobMetrics(r.provider, result.job, registry);
    expect(saved.rows).toBeGreaterThan(0);
    const rows = parseResultCsv(readFileSync(saved.csv, 'utf8'));
    expect(rows).toHaveLength(saved.rows);
    expect(rows[0].trainLoss).toBeGreaterThan(0);
    expect(readFileSync(saved.svg, 'utf8')).toMatch(/^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
    expect(path.dirname(saved.csv)).toBe(path.join(registry.dir, 'jobs', `openai-${job.id}`));

    const models = await r.provider.listModels();
    expect(models.map((m) => m.id)).toContain(result.job.fineTunedModel);
    await r.provider.deleteModel(result.job.fineTunedModel!);
    expect((await r.provider.listModels()).map((m) => m.id)).not.toContain(result.job.fineTunedModel);
  });

  it('detaches on abort without cancelling the job', async () => {
    const r = request();
    const { job } = await launchJob(r, planLaunch(r), { registry: new JobRegistry(tmp()), ...quick });
    const controller = new AbortController();
    const result = await watchJob(r.provider, job.id, { intervalMs: 60_000, signal: controller.signal, onUpdate: () => controller.abort() });
    expect(result.detached).toBe(true);
    expect(fake.requestsTo(/\/cancel$/)).toHaveLength(0);
    expect((await r.provider.getJob(job.id)).status).not.toBe('cancelled');
  });

  it('reads result CSVs, writes our CSV, draws an empty chart without values', () => {
    const rows = parseResultCsv('step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,2.5,0.4,,\n2,2.0,0.5,2.2,0.45\n');
    expect(rows).toEqual([
      { step: 1, trainLoss: 2.5, trainAccuracy: 0.4 },
      { step: 2, trainLoss: 2.0, trainAccuracy: 0.5, validLoss: 2.2, validAccuracy: 0.45 },
    ]);
    expect(metricsCsv(rows)).toBe('step,epoch,train_loss,train_accuracy,valid_loss,valid_accuracy\n1,,2.5,0.4,,\n2,,2,0.5,2.2,0.45\n');
    expect(renderLossSvg([])).toContain('no loss values reported');
    expect(renderLossSvg(rows).match(/<polyline/g)).toHaveLength(2);
  });
});

describe('Azure and Nebius', () => {
  it('Azure: v1 path under the resource endpoint, key in api-key', async () => {
    const { provider, baseURL } = createProvider({ provider: 'azure', apiKey: 'sk-test', baseURL: fake.url });
    expect(baseURL).toBe(`${fake.url}/openai/v1`);
    const r = request({ provider, baseURL });
    const { job } = await launchJob(r, planLaunch(r), { registry: new JobRegistry(tmp()), ...quick });
    const create = fake.requestsTo('/v1/fine_tuning/jobs', 'POST')[0];
    expect(create.path).toBe('/openai/v1/fine_tuning/jobs');
    expect(create.headers['api-key']).toBe('sk-test');
    expect(job.provider).toBe('azure');
    expect(await provider.servingFor('my-deployment')).toEqual({ baseURL: `${fake.url}/openai/v1`, headers: { 'api-key': 'sk-test' }, model: 'my-deployment' });
  });

  it('Nebius: maps hyperparameters, refuses a multiplier, deploys a LoRA checkpoint for serving', async () => {
    const { provider, baseURL } = createProvider({ provider: 'nebius', apiKey: 'sk-test', baseURL: fake.baseURL });
    const r = request({
      provider,
      baseURL,
      model: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
      method: { type: 'supervised', nEpochs: 3, learningRate: 0.00002, batchSize: 8 },
      lora: { enabled: true, r: 16, alpha: 32 },
    });
    const { job } = await launchJob(r, planLaunch(r), { registry: new JobRegistry(tmp()), ...quick });
    const body = fake.requestsTo('/v1/fine_tuning/jobs', 'POST')[0].body as { method: { supervised: { hyperparameters: Record<string, unknown> } } };
    expect(body.method.supervised.hyperparameters).toEqual({ n_epochs: 3, batch_size: 8, learning_rate: 0.00002, lora: true, lora_r: 16, lora_alpha: 32 });
    // Refused before anything is sent (the provider registry knows Nebius takes an absolute rate).
    const bad = request({ provider, baseURL, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', method: { type: 'supervised', learningRateMultiplier: 2 } });
    const sent = fake.requests.length;
    expect(() => planLaunch(bad)).toThrow(/does not take learning-rate multiplier .*absolute learning rate/);
    expect(fake.requests).toHaveLength(sent);

    fake.advance(job.id);
    const serving = await provider.servingFor(job.id);
    const deploy = fake.requestsTo('/v0/models', 'POST');
    expect(deploy).toHaveLength(1);
    expect((deploy[0].body as { source: string }).source).toMatch(new RegExp(`^${job.id}:`));
    expect(serving.baseURL).toBe(fake.baseURL);
    expect(serving.model).toBeTruthy();
  });
});

describe('flowtune train', () => {
  function io(overrides: Partial<CliIO> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), readStdin: () => '', color: false, env: {}, ...overrides } satisfies CliIO,
    };
  }

  function datasetDir(): string {
    const dir = tmp();
    writeFileSync(path.join(dir, 'train.jsonl'), examples(12));
    writeFileSync(path.join(dir, 'validation.jsonl'), examples(3, 50));
    return dir;
  }

  it('start asks before spending, and refuses without a terminal unless --yes', async () => {
    const data = datasetDir();
    const registry = tmp();
    const common = ['train', 'start', '--data', data, '--provider', 'openai', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--model', 'gpt-4o-mini-2024-07-18', '--registry', registry];

    const noTty = io();
    expect(await runCli(common, noTty.io)).toBe(2);
    expect(noTty.err.join('')).toMatch(/confirm the cost with --yes/);
    expect(noTty.out.join('')).toMatch(/estimate: +\$\d+\.\d\d/);

    const declined = io({ confirm: async () => false });
    expect(await runCli(common, declined.io)).toBe(0);
    expect(declined.err.join('')).toMatch(/not launched; nothing was uploaded or spent/);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(0);

    const agreed = io({ confirm: async (q) => /Launch this fine-tuning job/.test(q) });
    expect(await runCli(common, agreed.io)).toBe(0);
    expect(agreed.out.join('')).toMatch(/created job ftjob-\S+ \(validating_files\)/);
    expect(fake.state.jobs.size).toBe(1);
  });

  it('start --yes --json, then status, watch, list, models and cancel by job id', async () => {
    fake.settings.autoAdvance = 5;
    const data = datasetDir();
    const registry = tmp();
    const provider = ['--base-url', fake.baseURL, '--api-key', 'sk-test', '--registry', registry];
    const started = io();
    expect(await runCli(['train', 'start', '--data', data, '--provider', 'openai', '--model', 'gpt-4o-mini', '--epochs', '2', '--yes', '--json', ...provider], started.io)).toBe(0);
    const { job, reused } = JSON.parse(started.out.join('')) as { job: { id: string }; reused: boolean };
    expect(reused).toBe(false);

    // The provider comes from the local registry now.
    const status = io();
    expect(await runCli(['train', 'status', job.id, ...provider], status.io)).toBe(0);
    expect(status.out.join('')).toMatch(new RegExp(`job +${job.id}\\nstatus +\\w+`));

    const watched = io();
    expect(await runCli(['train', 'watch', job.id, '--interval', '0.001', ...provider], watched.io)).toBe(0);
    const text = watched.out.join('');
    expect(text).toMatch(/succeeded: ft:gpt-4o-mini-2024-07-18:/);
    const csv = /metrics \(\d+ steps\): (\S+)/.exec(text)![1];
    expect(existsSync(csv)).toBe(true);
    expect(existsSync(path.join(path.dirname(csv), 'loss.svg'))).toBe(true);
    expect(new JobRegistry(registry).find(job.id)).toMatchObject({ status: 'succeeded' });

    const listed = io();
    expect(await runCli(['train', 'list', '--provider', 'openai', ...provider], listed.io)).toBe(0);
    expect(listed.out.join('')).toContain(job.id);
    const models = io();
    expect(await runCli(['train', 'models', '--provider', 'openai', '--json', ...provider], models.io)).toBe(0);
    expect(JSON.parse(models.out.join(''))).toEqual([expect.objectContaining({ id: expect.stringMatching(/^ft:/) })]);

    const again = io();
    expect(await runCli(['train', 'start', '--data', data, '--provider', 'openai', '--model', 'gpt-4o-mini', '--epochs', '2', '--yes', ...provider], again.io)).toBe(0);
    expect(again.out.join('')).toMatch(new RegExp(`existing job ${job.id}`));

    fake.settings.autoAdvance = 0;
    const second = io();
    expect(await runCli(['train', 'start', '--data', data, '--provider', 'openai', '--model', 'gpt-4o-mini', '--epochs', '3', '--yes', ...provider], second.io)).toBe(0);
    const secondId = /created job (\S+)/.exec(second.out.join(''))![1];
    const cancelled = io();
    expect(await runCli(['train', 'cancel', secondId, ...provider], cancelled.io)).toBe(0);
    expect(cancelled.out.join('')).toMatch(new RegExp(`job ${secondId}: cancel`));
  });

  it('sends OpenAI’s documented create shape and never a second job, whatever fault hits the create (CLI)', async () => {
    const data = datasetDir();
    const registry = tmp();
    const start = (extra: string[] = []) => runCli(['train', 'start', '--data', data, '--provider', 'openai', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--model', 'gpt-4o-mini-2024-07-18', '--epochs', '2', '--suffix', 'cli', '--yes', '--registry', registry, ...extra], io().io);
    for (const fault of [
      { status: 500, afterHandling: true },
      { status: 503 },
      { status: 429, headers: { 'retry-after': '0' } },
      { dropConnection: true, afterHandling: true },
      { dropConnection: true },
    ]) {
      fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', ...fault });
      expect(await start()).toBe(0);
    }
    // Every run found the one job: the first create succeeded or was found after the lost answer.
    expect(fake.state.jobs.size).toBe(1);
    const body = fake.requestsTo('/v1/fine_tuning/jobs', 'POST')[0].body as Record<string, unknown>;
    expect(body).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      training_file: expect.stringMatching(/^file-/),
      validation_file: expect.stringMatching(/^file-/),
      suffix: 'cli',
      metadata: { flowtune_key: expect.stringMatching(/^[0-9a-f]{32}$/) },
      method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } },
    });
    // Uploads happened once, before the first create.
    expect(fake.requestsTo('/v1/files', 'POST')).toHaveLength(2);
  });

  it('never duplicates a job when the create times out and the server finishes it later', async () => {
    // The server answers after 600 ms; the client gives up after 300 ms.
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', delayMs: 600 });
    const { provider, baseURL } = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL, timeout: 300 });
    const r = request({ provider, baseURL });
    // Waiting long enough before the look-up finds the late job.
    const patient = await launchJob(r, planLaunch(r), { registry: new JobRegistry(tmp()), backoffMs: () => 1000 });
    expect(patient.reused).toBe(true);
    expect(fake.state.jobs.size).toBe(1);

    // Too short a wait: the retry creates a twin. The late job has landed by the time the retry
    // returns, so the twin is cancelled and the first job is the answer.
    const slower = createProvider({ provider: 'openai', apiKey: 'sk-test', baseURL: fake.baseURL, timeout: 500 });
    const other = request({ provider: slower.provider, baseURL: slower.baseURL, suffix: 'impatient' });
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', delayMs: 700 });
    fake.faults.add({ method: 'POST', path: '/v1/fine_tuning/jobs', delayMs: 400 });
    const statuses: string[] = [];
    const result = await launchJob(other, planLaunch(other), { registry: new JobRegistry(tmp()), backoffMs: () => 5, onStatus: (m) => statuses.push(m) });
    const twins = await Promise.all([...fake.state.jobs.values()].filter((j) => j.suffix === 'impatient').map((j) => slower.provider.getJob(j.id)));
    expect(twins).toHaveLength(2);
    const [kept, cancelled] = [twins.filter((j) => j.status !== 'cancelled'), twins.filter((j) => j.status === 'cancelled')];
    expect(kept).toHaveLength(1);
    expect(cancelled).toHaveLength(1);
    expect(result).toMatchObject({ reused: true, job: { id: kept[0].id } });
    expect(statuses.join('\n')).toMatch(new RegExp(`cancelled ${cancelled[0].id}: a duplicate of ${kept[0].id}`));
  });

  it('watch resumes from the local registry alone (provider, endpoint) after a crash', async () => {
    const data = datasetDir();
    const registry = tmp();
    const started = io();
    expect(await runCli(['train', 'start', '--data', data, '--provider', 'openai', '--base-url', fake.baseURL, '--api-key', 'sk-test', '--model', 'gpt-4o-mini-2024-07-18', '--yes', '--json', '--registry', registry], started.io)).toBe(0);
    const { job } = JSON.parse(started.out.join('')) as { job: { id: string } };
    fake.settings.autoAdvance = 10;
    // A new process: nothing but the job id, the registry and the key in the environment.
    const watched = io({ env: { OPENAI_API_KEY: 'sk-test' } });
    expect(await runCli(['train', 'watch', job.id, '--interval', '0.001', '--registry', registry], watched.io)).toBe(0);
    expect(watched.out.join('')).toMatch(/succeeded: ft:/);
    expect(new JobRegistry(registry).find(job.id)).toMatchObject({ status: 'succeeded', fineTunedModel: expect.stringMatching(/^ft:/) });
  });

  it('explains bad input with exit 2', async () => {
    const missingKey = io();
    mkdirSync(path.join(tmp(), 'x'), { recursive: true });
    expect(await runCli(['train', 'start', '--data', datasetDir(), '--provider', 'together', '--model', 'm', '--yes'], missingKey.io)).toBe(2);
    expect(missingKey.err.join('')).toMatch(/set TOGETHER_API_KEY or pass --api-key/);
    const noData = io();
    expect(await runCli(['train', 'start', '--data', '/nonexistent/train.jsonl', '--provider', 'openai', '--api-key', 'k', '--model', 'm', '--yes'], noData.io)).toBe(2);
    expect(noData.err.join('')).toMatch(/cannot read training data \/nonexistent\/train\.jsonl: ENOENT/);
    const unknownJob = io();
    expect(await runCli(['train', 'status', 'ftjob-unknown', '--registry', tmp()], unknownJob.io)).toBe(2);
    expect(unknownJob.err.join('')).toMatch(/--provider is required .*job ftjob-unknown is not in the local registry/);
  });
});
