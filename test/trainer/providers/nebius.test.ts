/**
 * NebiusProvider (trainer/providers/nebius.ts) against the fake server's OpenAI-compatible jobs
 * and its Nebius routes (`POST /v0/models`): the default base URL, Nebius's hyperparameter names,
 * settings refused before any request, a checkpoint registered as a LoRA model for serving, and
 * Nebius's FastAPI-style errors read as kinds.
 */
import { NEBIUS, NEBIUS_BASE_URL, NebiusProvider, withNebiusErrors } from '../../../trainer/providers/nebius';
import { TrainerError } from '../../../trainer/errors';
import { describeProviderError } from '../../../trainer/provider-errors';
import type { CreateJobRequest } from '../../../trainer/types';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { chatExamples } from '../../helpers/training';

const BASE = 'meta-llama/Meta-Llama-3.1-8B-Instruct';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

const provider = (apiKey = 'sk-test') => new NebiusProvider({ apiKey, baseURL: fake.baseURL, maxRetries: 0 });

async function job(p: NebiusProvider, overrides: Partial<CreateJobRequest> = {}) {
  const file = await p.uploadFile(Buffer.from(chatExamples(12)), 'train.jsonl');
  return p.createJob({ model: BASE, trainingFile: file.id, method: { type: 'supervised' }, ...overrides });
}

describe('requests on the wire', () => {
  it('defaults to the Token Factory base URL', () => {
    expect(new NebiusProvider({ apiKey: 'k' }).baseURL).toBe(NEBIUS_BASE_URL);
    expect(NEBIUS.defaultBaseURL).toBe(NEBIUS_BASE_URL);
  });

  it("maps flowtune's settings onto Nebius's hyperparameter names (absolute learning rate, LoRA)", async () => {
    const p = provider();
    const created = await job(p, { method: { type: 'supervised', nEpochs: 3, batchSize: 8, learningRate: 0.00002 }, lora: { r: 16, alpha: 32, dropout: 0.05 } });
    const [sent] = fake.requestsTo('/v1/fine_tuning/jobs', 'POST');
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect((sent.body as { method: unknown }).method).toEqual({
      type: 'supervised',
      supervised: { hyperparameters: { n_epochs: 3, batch_size: 8, learning_rate: 0.00002, lora: true, lora_r: 16, lora_alpha: 32, lora_dropout: 0.05 } },
    });
    expect(created).toMatchObject({ provider: 'nebius', model: BASE });
  });

  it('sends no hyperparameters for "auto" settings (full fine-tuning unless LoRA is asked for)', async () => {
    await job(provider(), { method: { type: 'supervised', nEpochs: 'auto', batchSize: 'auto' } });
    const [sent] = fake.requestsTo('/v1/fine_tuning/jobs', 'POST');
    expect((sent.body as { method: unknown }).method).toEqual({ type: 'supervised', supervised: { hyperparameters: {} } });
  });

  it('refuses DPO and a learning-rate multiplier as unsupported, before the job request', async () => {
    const p = provider();
    const file = await p.uploadFile(Buffer.from(chatExamples(12)), 'train.jsonl');
    const dpo = await p.createJob({ model: BASE, trainingFile: file.id, method: { type: 'dpo', beta: 0.1 } }).catch((e: unknown) => e);
    const multiplier = await p.createJob({ model: BASE, trainingFile: file.id, method: { type: 'supervised', learningRateMultiplier: 2 } }).catch((e: unknown) => e);
    expect(dpo).toBeInstanceOf(TrainerError);
    expect(dpo).toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/only supervised/) });
    expect(multiplier).toMatchObject({ kind: 'unsupported', message: expect.stringMatching(/absolute learning rate/) });
    expect(fake.requestsTo('/v1/fine_tuning/jobs', 'POST')).toHaveLength(0);
  });
});

describe('serving', () => {
  it('serves a model id that is not a job as it is, without a request', async () => {
    expect(await provider().servingFor(`${BASE}-LoRa:mine-abcd`)).toEqual({ baseURL: fake.baseURL, headers: { Authorization: 'Bearer sk-test' }, model: `${BASE}-LoRa:mine-abcd` });
    expect(fake.requests).toHaveLength(0);
  });

  it("registers a job's last checkpoint as a LoRA model (POST /v0/models) and serves that name", async () => {
    const p = provider();
    const created = await job(p, { lora: { enabled: true } });
    fake.advance(created.id);
    const checkpoints = await p.listCheckpoints(created.id);
    const last = [...checkpoints].sort((a, b) => b.step - a.step)[0];
    const serving = await p.servingFor(created.id);
    const [deploy] = fake.requestsTo('/v0/models', 'POST');
    expect(deploy.path).toBe('/v0/models');
    expect(deploy.body).toEqual({ name: `flowtune-${created.id.replace(/^ftjob-/, '').slice(0, 12)}`, base_model: BASE, source: `${created.id}:${last.id}` });
    expect(serving).toEqual({ baseURL: fake.baseURL, headers: { Authorization: 'Bearer sk-test' }, model: expect.stringMatching(new RegExp(`^${BASE}-LoRa:flowtune-`)) });
    expect(fake.state.nebiusModels.get(serving.model)).toMatchObject({ source: `${created.id}:${last.id}`, base_model: BASE });
  });

  it('registers a named checkpoint as it is, without listing checkpoints', async () => {
    const p = provider();
    const created = await job(p);
    fake.advance(created.id);
    const first = (await p.listCheckpoints(created.id)).sort((a, b) => a.step - b.step)[0];
    const listed = fake.requestsTo(/\/checkpoints$/).length;
    await p.servingFor(`${created.id}:${first.id}`);
    expect(fake.requestsTo(/\/checkpoints$/)).toHaveLength(listed);
    expect(fake.requestsTo('/v0/models', 'POST')[0].body).toMatchObject({ source: `${created.id}:${first.id}` });
  });

  it('a job with no checkpoint yet is not_found, and nothing is registered', async () => {
    const p = provider();
    const created = await job(p);
    await expect(p.servingFor(created.id)).rejects.toMatchObject({ kind: 'not_found', message: expect.stringMatching(/has no checkpoint to deploy yet/) });
    expect(fake.requestsTo('/v0/models', 'POST')).toHaveLength(0);
  });
});

describe('answers read', () => {
  it("lists the account's custom models (a ':' suffix), not the catalogue", async () => {
    const created = 1_700_000_000;
    fake.state.models.set(`${BASE}-LoRa:mine-abcd`, { id: `${BASE}-LoRa:mine-abcd`, created, ownedBy: 'me', kind: 'lora' });
    fake.state.models.set(BASE, { id: BASE, created, ownedBy: 'system', kind: 'base' });
    const ids = (await provider().listModels()).map((m) => m.id);
    expect(ids).toContain(`${BASE}-LoRa:mine-abcd`);
    expect(ids).not.toContain(BASE);
  });
});

describe('withNebiusErrors', () => {
  const answer = (status: number, body: string, type = 'application/json') => withNebiusErrors(async () => new Response(body, { status, headers: { 'content-type': type } }));
  const read = async (f: typeof fetch) => (await (await f('https://x')).json()) as unknown;

  it("hands Nebius's { detail } to the SDK as { error: { message } }: a sentence, or each field of a request that does not validate", async () => {
    await expect(read(answer(409, JSON.stringify({ detail: 'Model with name x already exists' })))).resolves.toEqual({ error: { message: 'Model with name x already exists' } });
    const invalid = { detail: [{ loc: ['body', 'hyperparameters', 'lora_r'], msg: 'Input should be a valid integer', type: 'int_parsing' }] };
    await expect(read(answer(422, JSON.stringify(invalid)))).resolves.toEqual({ error: { message: 'hyperparameters.lora_r: Input should be a valid integer' } });
  });

  it('leaves answers in OpenAI\'s shape, successes and bodies that are not JSON as they are', async () => {
    const openai = JSON.stringify({ error: { message: 'bad', type: 'invalid_request_error' } });
    await expect(read(answer(400, openai))).resolves.toEqual(JSON.parse(openai));
    await expect(read(answer(200, JSON.stringify({ detail: 'fine' })))).resolves.toEqual({ detail: 'fine' });
    const html = await answer(502, '<html>bad gateway</html>', 'text/html')('https://x');
    expect(html.status).toBe(502);
    await expect(html.text()).resolves.toBe('<html>bad gateway</html>');
  });
});

describe('failures as kinds', () => {
  it("a wrong key on Nebius's own routes ({ detail }) is invalid_key naming NEBIUS_API_KEY", async () => {
    const p = provider('wrong');
    const error = await p.getJob('ftjob-x').catch((e: unknown) => e);
    const described = describeProviderError(error, 'nebius');
    expect(described).toMatchObject({ kind: 'invalid_key', status: 401 });
    expect(described.message).toMatch(/NEBIUS_API_KEY/);
  });

  it('a model name Nebius already has is bad_request (409), and the deployment is not retried', async () => {
    const p = provider();
    const created = await job(p);
    fake.advance(created.id);
    fake.faults.add({ method: 'POST', path: '/v0/models', status: 409, body: { detail: 'Model with name flowtune-x already exists' } });
    const error = await p.servingFor(created.id).catch((e: unknown) => e);
    const described = describeProviderError(error, 'nebius');
    expect(described).toMatchObject({ kind: 'bad_request', status: 409, provider: 'nebius', serviceMessage: 'Model with name flowtune-x already exists' });
    expect(described.message).toContain('Model with name flowtune-x already exists');
    expect(fake.requestsTo('/v0/models', 'POST')).toHaveLength(1);
  });
});
