/**
 * The provider registry (trainer/providers/index.ts PROVIDER_LIST) and everything derived from it: a provider
 * added to the list shows up everywhere providers are named — or one of these fails.
 */
import { runCli } from '../../../cli/main';
import type { CliIO } from '../../../cli/io';
import { FlowtuneFineTuningApi, PROVIDER_OPTIONS } from '../../../credentials/FlowtuneFineTuningApi.credentials';
import { providerCallError } from '../../../nodes/shared/errors';
import { TrainerError } from '../../../trainer/errors';
import { describeProviderError } from '../../../trainer/provider-errors';
import { ALTERNATIVE_PROVIDERS, createProvider, PROVIDER_LIST, PROVIDER_NAMES, PROVIDERS, providersTaking } from '../../../trainer/providers';

async function help(args: string[]): Promise<string> {
  let out = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (out += t), readStdin: () => '', color: false, env: {} };
  expect(await runCli([...args, '--help'], io)).toBe(0);
  // Commander wraps long descriptions: compare with single spaces.
  return out.replace(/\s+/g, ' ');
}

describe('provider registry', () => {
  it('has unique names, each definition under its name, listed in order', () => {
    const names = PROVIDER_LIST.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(PROVIDER_NAMES).toEqual(names);
    for (const p of PROVIDER_LIST) expect(PROVIDERS[p.name]).toBe(p);
  });

  it.each(PROVIDER_LIST.map((p) => [p.name, p] as const))('%s: a factory whose client carries its name, a key variable, a training method', (_name, p) => {
    expect(p.keyEnv).toMatch(/^[A-Z][A-Z0-9_]*_API_KEY$/);
    expect(Object.keys(p.training.methods).length).toBeGreaterThan(0);
    // Building a client sends nothing.
    const { provider, info } = createProvider({ provider: p.name, apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1', env: {} });
    expect(provider.name).toBe(p.name);
    expect(info).toBe(p);
  });

  it.each(PROVIDER_LIST.map((p) => [p.name, p] as const))('%s: a missing key and a refused key name its key variable', (_name, p) => {
    const missing = (() => {
      try {
        createProvider({ provider: p.name, baseURL: 'http://127.0.0.1:9/v1', env: {} });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(TrainerError);
    expect((missing as TrainerError).kind).toBe('missing_key');
    expect((missing as TrainerError).message).toContain(p.keyEnv);
    expect(createProvider({ provider: p.name, baseURL: 'http://127.0.0.1:9/v1', env: { [p.keyEnv]: 'sk-env' } }).provider.name).toBe(p.name);
    expect(describeProviderError({ status: 401, error: { message: 'bad key' } }, p.name).message).toContain(`Check ${p.keyEnv} or --api-key`);
  });

  it('the credential offers every provider (label, name, description) in registry order, then any OpenAI-compatible server', () => {
    const credential = new FlowtuneFineTuningApi();
    const provider = credential.properties.find((p) => p.name === 'provider')!;
    expect(provider.options).toBe(PROVIDER_OPTIONS);
    expect(PROVIDER_OPTIONS.map((o) => o.value)).toEqual([...PROVIDER_NAMES, 'compatible']);
    for (const p of PROVIDER_LIST) expect(PROVIDER_OPTIONS).toContainEqual({ name: p.label, value: p.name, description: p.credentialDescription });
    expect(PROVIDER_NAMES).toContain(provider.default);
    // Saved credentials hold the values: the option list never loses one.
    expect(PROVIDER_OPTIONS.map((o) => o.value)).toEqual(expect.arrayContaining(['openai', 'azure', 'nebius', 'together', 'compatible']));
  });

  it('train elsewhere: the CLI and the node name every alternative and only those', () => {
    const refusal = { status: 403, error: { message: 'fine-tuning is not available for this account' } };
    const cli = describeProviderError(refusal, 'openai');
    expect(cli.kind).toBe('not_eligible');
    const node = providerCallError(refusal, { name: 'openai', label: 'OpenAI', baseURL: 'https://api.openai.com/v1' });
    expect(ALTERNATIVE_PROVIDERS.length).toBeGreaterThan(0);
    for (const p of PROVIDER_LIST) expect(cli.message.includes(`--provider ${p.name} `)).toBe(p.alternative !== undefined);
    for (const p of ALTERNATIVE_PROVIDERS) expect(cli.message).toContain(`--provider ${p.name} (${p.alternative})`);
    expect(node.description).toContain(`(${ALTERNATIVE_PROVIDERS.map((p) => p.label).join(', ')})`);
  });

  it('flowtune train start --help names every provider, key variable, and who takes each provider-specific setting', async () => {
    const text = await help(['train', 'start']);
    expect(text).toContain(PROVIDER_NAMES.join(', '));
    expect(text).toContain(`API key (or ${PROVIDER_LIST.map((p) => p.keyEnv).join(', ')})`);
    expect(text).toContain(`absolute learning rate (${providersTaking('learningRate').map((p) => p.shortLabel).join(', ')})`);
    expect(text).toContain(`learning-rate multiplier (${providersTaking('learningRateMultiplier').map((p) => p.shortLabel).join(', ')})`);
    expect(providersTaking('learningRate').length).toBeGreaterThan(0);
  });
});
