/**
 * The provider registry: one home for what flowtune knows about each fine-tuning
 * service — its key variable, default endpoint, and how to build its client.
 */
import { TrainerError } from '../errors';
import type { FineTuneProvider, ProviderName } from '../types';
import { AzureOpenAIProvider } from './azure';
import { NEBIUS_BASE_URL, NebiusProvider } from './nebius';
import { OpenAIProvider } from './openai';
import { TOGETHER_BASE_URL, TogetherProvider } from './together';

export interface ProviderInfo {
  name: ProviderName;
  label: string;
  keyEnv: string;
  /** Base URL used when none is given (Azure has none: every resource has its own). */
  defaultBaseURL?: string;
  /** Environment variable holding the base URL (Azure endpoint). */
  baseURLEnv?: string;
  /** One line for `--help` and errors. */
  note: string;
}

export const PROVIDERS: Readonly<Record<ProviderName, ProviderInfo>> = {
  openai: {
    name: 'openai',
    label: 'OpenAI',
    keyEnv: 'OPENAI_API_KEY',
    defaultBaseURL: 'https://api.openai.com/v1',
    baseURLEnv: 'OPENAI_BASE_URL',
    note: 'new self-serve jobs stop on 2027-01-06; --base-url for any OpenAI-compatible jobs API',
  },
  azure: {
    name: 'azure',
    label: 'Azure OpenAI',
    keyEnv: 'AZURE_OPENAI_API_KEY',
    baseURLEnv: 'AZURE_OPENAI_ENDPOINT',
    note: 'v1 API of your resource: --base-url https://<resource>.openai.azure.com (or AZURE_OPENAI_ENDPOINT)',
  },
  nebius: {
    name: 'nebius',
    label: 'Nebius Token Factory',
    keyEnv: 'NEBIUS_API_KEY',
    defaultBaseURL: NEBIUS_BASE_URL,
    note: 'OpenAI-compatible jobs; absolute --learning-rate; LoRA served serverless after deployment',
  },
  together: {
    name: 'together',
    label: 'Together AI',
    keyEnv: 'TOGETHER_API_KEY',
    defaultBaseURL: TOGETHER_BASE_URL,
    note: 'own fine-tunes API (together-ai SDK); LoRA by default',
  },
};

export const PROVIDER_NAMES = Object.keys(PROVIDERS) as ProviderName[];

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as string[]).includes(name);
}

export interface ProviderSettings {
  provider: string;
  apiKey?: string;
  baseURL?: string;
  organization?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  timeout?: number;
}

export interface ResolvedProvider {
  provider: FineTuneProvider;
  info: ProviderInfo;
  baseURL: string;
}

/** Build a provider from CLI/node settings, with clear errors for an unknown name or a missing key. */
export function createProvider(settings: ProviderSettings): ResolvedProvider {
  const env = settings.env ?? process.env;
  if (!isProviderName(settings.provider)) {
    throw new TrainerError('bad_request', `unknown provider "${settings.provider}": use ${PROVIDER_NAMES.join(', ')}`);
  }
  const info = PROVIDERS[settings.provider];
  const apiKey = settings.apiKey || env[info.keyEnv];
  if (!apiKey) throw new TrainerError('missing_key', `no API key for ${info.label}: set ${info.keyEnv} or pass --api-key`);
  const baseURL = (settings.baseURL || (info.baseURLEnv ? env[info.baseURLEnv] : undefined) || info.defaultBaseURL)?.replace(/\/+$/, '');
  if (!baseURL) throw new TrainerError('bad_request', `${info.label} needs --base-url (${info.note})`);
  const common = { apiKey, baseURL, ...(settings.fetch ? { fetch: settings.fetch } : {}), ...(settings.timeout ? { timeout: settings.timeout } : {}) };
  switch (info.name) {
    case 'openai':
      return { provider: new OpenAIProvider({ ...common, ...(settings.organization ? { organization: settings.organization } : {}) }), info, baseURL };
    case 'azure': {
      const provider = new AzureOpenAIProvider(common);
      return { provider, info, baseURL: provider.baseURL };
    }
    case 'nebius':
      return { provider: new NebiusProvider(common), info, baseURL };
    case 'together':
      return { provider: new TogetherProvider(common), info, baseURL };
  }
}
