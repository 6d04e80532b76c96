/**
 * AzureOpenAIProvider (trainer/providers/azure.ts) against the fake OpenAI server, which answers
 * under `/openai/v1` as an Azure resource does: the v1 base URL, the key in `api-key`, Azure's
 * fine-tuned model ids, deployments as the serving model, a wrong key as invalid_key.
 */
import { AZURE, AzureOpenAIProvider, azureBaseURL } from '../../../trainer/providers/azure';
import { describeProviderError } from '../../../trainer/provider-errors';
import { startFakeOpenAI, type FakeOpenAI } from '../../fake-openai/server';
import { chatExamples } from '../../helpers/training';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI({ apiKeys: ['azure-key'] });
});
afterEach(async () => {
  await fake.close();
});

const provider = (apiKey = 'azure-key') => new AzureOpenAIProvider({ apiKey, baseURL: fake.url, maxRetries: 0 });

describe('azureBaseURL', () => {
  it('appends /openai/v1 to a resource endpoint once, whatever the trailing slashes', () => {
    expect(azureBaseURL('https://res.openai.azure.com')).toBe('https://res.openai.azure.com/openai/v1');
    expect(azureBaseURL('https://res.openai.azure.com/')).toBe('https://res.openai.azure.com/openai/v1');
    expect(azureBaseURL('https://res.openai.azure.com/openai/v1/')).toBe('https://res.openai.azure.com/openai/v1');
    expect(AZURE.apiBaseURL?.('https://res.openai.azure.com')).toBe('https://res.openai.azure.com/openai/v1');
  });
});

describe('requests on the wire', () => {
  it('uploads and creates a job under /openai/v1 with the key in api-key', async () => {
    const p = provider();
    expect(p.baseURL).toBe(`${fake.url}/openai/v1`);
    const file = await p.uploadFile(Buffer.from(chatExamples(12)), 'train.jsonl');
    const job = await p.createJob({ model: 'gpt-4o-mini-2024-07-18', trainingFile: file.id, method: { type: 'supervised', nEpochs: 1 } });
    const sent = fake.requests.map((r) => [r.method, r.path, r.headers['api-key']]);
    expect(sent).toEqual([
      ['POST', '/openai/v1/files', 'azure-key'],
      ['POST', '/openai/v1/fine_tuning/jobs', 'azure-key'],
    ]);
    expect(fake.requests[1].body).toMatchObject({ training_file: file.id, method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 1 } } } });
    expect(job).toMatchObject({ provider: 'azure', trainingFile: file.id, hyperparameters: { nEpochs: 1 } });
  });

  it('serves a deployment by its name with the api-key header', async () => {
    expect(await provider().servingFor('my-deployment')).toEqual({ baseURL: `${fake.url}/openai/v1`, headers: { 'api-key': 'azure-key' }, model: 'my-deployment' });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('answers read', () => {
  it("lists Azure's fine-tuned ids (<base>.ft-<hex>) and ft: ids, not the base models", async () => {
    const created = 1_700_000_000;
    fake.state.models.set('gpt-4o-mini-2024-07-18.ft-0123abcd', { id: 'gpt-4o-mini-2024-07-18.ft-0123abcd', created, ownedBy: 'organization-owner', kind: 'fine-tuned' });
    fake.state.models.set('ft:gpt-4o-mini-2024-07-18:org::abc', { id: 'ft:gpt-4o-mini-2024-07-18:org::abc', created: created + 1, ownedBy: 'organization-owner', kind: 'fine-tuned' });
    const models = await provider().listModels();
    expect(models.map((m) => m.id)).toEqual(['ft:gpt-4o-mini-2024-07-18:org::abc', 'gpt-4o-mini-2024-07-18.ft-0123abcd']);
    expect(fake.requestsTo('/v1/models', 'GET')[0].path).toBe('/openai/v1/models');
  });
});

describe('failures as kinds', () => {
  it('a wrong key is invalid_key (401) naming AZURE_OPENAI_API_KEY', async () => {
    const error = await provider('wrong-azure-key').getJob('ftjob-x').catch((e: unknown) => e);
    expect(fake.requests[0].headers['api-key']).toBe('wrong-azure-key');
    const described = describeProviderError(error, 'azure');
    expect(described).toMatchObject({ kind: 'invalid_key', status: 401, provider: 'azure' });
    expect(described.message).toMatch(/AZURE_OPENAI_API_KEY/);
  });

  it('a 429 with a quota message is quota, a plain one rate_limited', async () => {
    fake.faults.add({ path: /^\/v1\/fine_tuning\/jobs\//, status: 429, body: { error: { message: 'Insufficient quota for this resource.', type: 'insufficient_quota', code: 'insufficient_quota' } } });
    fake.faults.add({ path: /^\/v1\/fine_tuning\/jobs\//, status: 429 });
    const quota = await provider().getJob('ftjob-x').catch((e: unknown) => e);
    const limited = await provider().getJob('ftjob-x').catch((e: unknown) => e);
    expect(describeProviderError(quota, 'azure')).toMatchObject({ kind: 'quota', status: 429 });
    expect(describeProviderError(limited, 'azure')).toMatchObject({ kind: 'rate_limited', status: 429 });
  });
});

describe('the registry entry', () => {
  it('builds an AzureOpenAIProvider on the v1 base URL', () => {
    const p = AZURE.create({ apiKey: 'azure-key', baseURL: fake.url }, {});
    expect(p).toBeInstanceOf(AzureOpenAIProvider);
    expect(p.name).toBe('azure');
  });
});
