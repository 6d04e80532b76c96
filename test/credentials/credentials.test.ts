/**
 * The credentials' tests, run the way n8n's credentials tester runs them (test/helpers/credential-test.ts):
 * an answer that is not the API the credential is for fails with what to fix, even with status 200.
 */
import { FlowtuneFineTuningApi } from '../../credentials/FlowtuneFineTuningApi.credentials';
import { FlowtuneN8nApi } from '../../credentials/FlowtuneN8nApi.credentials';
import { FINE_TUNING_CREDENTIAL, FINE_TUNING_CREDENTIAL_LABEL, N8N_API_CREDENTIAL, N8N_API_CREDENTIAL_LABEL } from '../../nodes/shared/provider';
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server';
import { runCredentialTest } from '../helpers/credential-test';
import { stubN8n } from '../helpers/stub-n8n';
import { webPage } from '../helpers/web-page';

const fineTuning = new FlowtuneFineTuningApi();
const n8nApi = new FlowtuneN8nApi();

it('keeps the type names (saved credentials refer to them); messages use the display names', () => {
  expect([fineTuning.name, n8nApi.name]).toEqual([FINE_TUNING_CREDENTIAL, N8N_API_CREDENTIAL]);
  expect([fineTuning.displayName, n8nApi.displayName]).toEqual([FINE_TUNING_CREDENTIAL_LABEL, N8N_API_CREDENTIAL_LABEL]);
});

describe('Fine-Tuning API credential test', () => {
  let fake: FakeOpenAI;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
  });
  afterEach(() => fake.close());

  it('passes for an OpenAI-compatible API, and for Together AI (whose /models is a bare array) on its fine-tunes list', async () => {
    expect(await runCredentialTest(fineTuning, { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.baseURL })).toEqual({ status: 'OK', message: 'Connection successful!' });
    expect(fake.requestsTo('/v1/models', 'GET')).toHaveLength(1);
    expect(await runCredentialTest(fineTuning, { provider: 'compatible', apiKey: 'sk-test', baseUrl: `${fake.baseURL}/` })).toMatchObject({ status: 'OK' });
    expect(await runCredentialTest(fineTuning, { provider: 'together', apiKey: 'sk-test', baseUrl: fake.baseURL })).toMatchObject({ status: 'OK' });
    expect(fake.requestsTo('/v1/fine-tunes', 'GET')).toHaveLength(1);
  });

  it('fails for a web page answering 200 (n8n’s own editor, say), naming the likely fix', async () => {
    const page = await webPage();
    try {
      const result = await runCredentialTest(fineTuning, { provider: 'compatible', apiKey: '', baseUrl: page.url });
      expect(result.status).toBe('Error');
      expect(result.message).toMatch(/^The Base URL did not answer like an OpenAI-compatible API \(GET \/models returned no model list; perhaps a web page or a missing path\)\. The Base URL usually ends with \/v1/);
      expect(page.received).toEqual(['GET /models']);
    } finally {
      await page.close();
    }
  });

  it('fails for JSON without a model list and for a server root without /v1 (404), naming /v1; a refused key names the key', async () => {
    const notAList = /^The Base URL did not answer like an OpenAI-compatible API .*usually ends with \/v1/;
    const other = await stubN8n(() => [200, { status: 'ok' }]);
    try {
      expect(await runCredentialTest(fineTuning, { provider: 'compatible', apiKey: '', baseUrl: other.url })).toMatchObject({ status: 'Error', message: expect.stringMatching(notAList) });
    } finally {
      await other.close();
    }
    expect(await runCredentialTest(fineTuning, { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.url })).toMatchObject({ status: 'Error', message: expect.stringMatching(notAList) });
    expect(fake.requestsTo(/models/).map((r) => r.path)).toEqual(['/models']);

    const refused = { status: 'Error', message: 'The API key was refused: check the API Key' };
    expect(await runCredentialTest(fineTuning, { provider: 'openai', apiKey: 'sk-wrong', baseUrl: fake.baseURL })).toEqual(refused);
    expect(await runCredentialTest(fineTuning, { provider: 'together', apiKey: 'wrong', baseUrl: fake.baseURL })).toEqual(refused);
    expect(await runCredentialTest(fineTuning, { provider: 'nebius', apiKey: 'wrong', baseUrl: fake.baseURL })).toEqual(refused);
  });
});

describe('n8n API credential test', () => {
  it('passes for n8n’s public API (with or without /api/v1 in the Base URL)', async () => {
    const n8n = await stubN8n(() => [200, { data: [], nextCursor: null }]);
    try {
      expect(await runCredentialTest(n8nApi, { baseUrl: n8n.url, apiKey: 'k' })).toMatchObject({ status: 'OK' });
      expect(await runCredentialTest(n8nApi, { baseUrl: `${n8n.url}/api/v1/`, apiKey: 'k' })).toMatchObject({ status: 'OK' });
      expect(n8n.received.map((r) => [r.url, r.key])).toEqual([
        ['/api/v1/workflows?limit=1', 'k'],
        ['/api/v1/workflows?limit=1', 'k'],
      ]);
    } finally {
      await n8n.close();
    }
  });

  it('fails for a web page, a missing API and a refused key, saying what to do', async () => {
    const page = await webPage();
    try {
      expect(await runCredentialTest(n8nApi, { baseUrl: page.url, apiKey: 'k' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/^The Base URL did not answer like n8n's public API .*without \/api\/v1/) });
    } finally {
      await page.close();
    }
    const refused = await stubN8n((req) => (req.url?.startsWith('/api/v1/') ? [401, { message: 'unauthorized' }] : [404, {}]));
    try {
      expect(await runCredentialTest(n8nApi, { baseUrl: refused.url, apiKey: 'wrong' })).toEqual({ status: 'Error', message: 'n8n refused the API key: create one in n8n under Settings → n8n API and paste it here' });
    } finally {
      await refused.close();
    }
    const missing = await stubN8n(() => [404, { message: 'not found' }]);
    try {
      expect(await runCredentialTest(n8nApi, { baseUrl: missing.url, apiKey: 'k' })).toMatchObject({ status: 'Error', message: expect.stringMatching(/^The Base URL did not answer like n8n's public API/) });
    } finally {
      await missing.close();
    }
  });
});
