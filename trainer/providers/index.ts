/**
 * The provider registry: one home for what flowtune knows about each fine-tuning
 * service — its key variable, default endpoint, the training methods and settings it
 * takes, the fewest examples it accepts, and how to build its client.
 */
import { TrainerError } from '../errors';
import type { FineTuneProvider, ProviderName, TrainingMethod, TrainingSetting } from '../types';

export type { TrainingSetting } from '../types';
import { withDeadline } from '../deadline';
import { AzureOpenAIProvider, azureBaseURL } from './azure';
import { NEBIUS_BASE_URL, NebiusProvider } from './nebius';
import { OpenAIProvider } from './openai';
import { TOGETHER_BASE_URL, TogetherProvider } from './together';

/** In words, for messages that are not tied to a CLI flag or a node field. */
export const SETTING_LABELS: Readonly<Record<TrainingSetting, string>> = {
  epochs: 'epochs',
  batchSize: 'batch size',
  learningRateMultiplier: 'learning-rate multiplier',
  learningRate: 'absolute learning rate',
  beta: 'DPO beta',
  lora: 'LoRA on/off',
  loraR: 'LoRA rank',
  loraAlpha: 'LoRA alpha',
  loraDropout: 'LoRA dropout',
  seed: 'seed',
};

export interface TrainingFacts {
  /** The methods the service offers and the settings each takes; a setting not listed is refused before anything is sent. */
  methods: Partial<Readonly<Record<TrainingMethod['type'], readonly TrainingSetting[]>>>;
  /** Fewest training examples the service accepts (absent: none documented). */
  minExamples?: number;
}

// OpenAI: supervised takes n_epochs, batch_size, learning_rate_multiplier; DPO adds beta; at least 10 examples.
const OPENAI_SUPERVISED: readonly TrainingSetting[] = ['epochs', 'batchSize', 'learningRateMultiplier', 'seed'];
const OPENAI_TRAINING: TrainingFacts = { methods: { supervised: OPENAI_SUPERVISED, dpo: [...OPENAI_SUPERVISED, 'beta'] }, minExamples: 10 };
const LORA_SUPERVISED: readonly TrainingSetting[] = ['epochs', 'batchSize', 'learningRate', 'lora', 'loraR', 'loraAlpha', 'loraDropout', 'seed'];

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
  training: TrainingFacts;
}

export const PROVIDERS: Readonly<Record<ProviderName, ProviderInfo>> = {
  openai: {
    name: 'openai',
    label: 'OpenAI',
    keyEnv: 'OPENAI_API_KEY',
    defaultBaseURL: 'https://api.openai.com/v1',
    baseURLEnv: 'OPENAI_BASE_URL',
    note: 'new self-serve jobs stop on 2027-01-06; --base-url for any OpenAI-compatible jobs API',
    training: OPENAI_TRAINING,
  },
  azure: {
    name: 'azure',
    label: 'Azure OpenAI',
    keyEnv: 'AZURE_OPENAI_API_KEY',
    baseURLEnv: 'AZURE_OPENAI_ENDPOINT',
    note: 'v1 API of your resource: --base-url https://<resource>.openai.azure.com (or AZURE_OPENAI_ENDPOINT)',
    // Azure's fine-tuning API is OpenAI's, with the same 10-example minimum.
    training: OPENAI_TRAINING,
  },
  nebius: {
    name: 'nebius',
    label: 'Nebius Token Factory',
    keyEnv: 'NEBIUS_API_KEY',
    defaultBaseURL: NEBIUS_BASE_URL,
    note: 'OpenAI-compatible jobs; absolute --learning-rate; LoRA served serverless after deployment',
    // Supervised only (see nebius.ts for the hyperparameter names); no documented minimum.
    training: { methods: { supervised: LORA_SUPERVISED } },
  },
  together: {
    name: 'together',
    label: 'Together AI',
    keyEnv: 'TOGETHER_API_KEY',
    defaultBaseURL: TOGETHER_BASE_URL,
    note: 'own fine-tunes API (together-ai SDK); LoRA by default',
    // SFT and DPO (dpo_beta); seed is random_seed; no documented minimum.
    training: { methods: { supervised: LORA_SUPERVISED, dpo: [...LORA_SUPERVISED, 'beta'] } },
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
  /** Longest one call (all its requests and retries) may take, ms; it then fails naming the server. */
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
    throw new TrainerError('bad_request', `unknown provider "${settings.provider}": use ${PROVIDER_NAMES.join(', ')}`, undefined, { setting: 'provider' });
  }
  const info = PROVIDERS[settings.provider];
  const apiKey = settings.apiKey || env[info.keyEnv];
  if (!apiKey) throw new TrainerError('missing_key', `no API key for ${info.label}: set ${info.keyEnv} or pass --api-key`, undefined, { provider: info.name, setting: 'apiKey' });
  const baseURL = (settings.baseURL || (info.baseURLEnv ? env[info.baseURLEnv] : undefined) || info.defaultBaseURL)?.replace(/\/+$/, '');
  if (!baseURL) throw new TrainerError('bad_request', `${info.label} needs --base-url (${info.note})`, undefined, { provider: info.name, setting: 'baseURL' });
  const resolvedBaseURL = info.name === 'azure' ? azureBaseURL(baseURL) : baseURL;
  const deadline = settings.timeout ? withDeadline(settings.timeout, { label: info.label, baseURL: resolvedBaseURL }, settings.fetch) : undefined;
  const provider = buildProvider(info, settings, apiKey, baseURL, deadline?.fetch ?? settings.fetch);
  return { provider: deadline ? deadline.wrap(provider) : provider, info, baseURL: resolvedBaseURL };
}

function buildProvider(info: ProviderInfo, settings: ProviderSettings, apiKey: string, baseURL: string, fetcher: typeof fetch | undefined): FineTuneProvider {
  // The SDK's own per-request timeout matches the whole call's (the deadline also aborts).
  const common = { apiKey, baseURL, ...(fetcher ? { fetch: fetcher } : {}), ...(settings.timeout ? { timeout: settings.timeout } : {}) };
  switch (info.name) {
    case 'openai':
      return new OpenAIProvider({ ...common, ...(settings.organization ? { organization: settings.organization } : {}) });
    case 'azure':
      return new AzureOpenAIProvider(common);
    case 'nebius':
      return new NebiusProvider(common);
    case 'together':
      return new TogetherProvider(common);
  }
}
