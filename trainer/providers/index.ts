/**
 * The provider registry: one home for what flowtune knows about each fine-tuning
 * service — its key variable, default endpoint, the training methods and settings it
 * takes, the fewest examples it accepts, its credential option, how advice names it, and
 * how to build its client. Each service's definition lives in its own file.
 */
import { TrainerError } from '../errors';
import type { FineTuneProvider, TrainingSetting } from '../types';
import { withDeadline } from '../deadline';
import type { ProviderDefinition } from './definition';
import { AZURE } from './azure';
import { NEBIUS } from './nebius';
import { OPENAI } from './openai';
import { TOGETHER } from './together';

export type { TrainingSetting } from '../types';
export type { ProviderConnection, ProviderDefinition, TrainingFacts } from './definition';

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

/**
 * The providers, in the order help and option lists show them. A new service: its file (client +
 * `ProviderDefinition`) and one line here.
 */
export const PROVIDER_LIST = [OPENAI, AZURE, NEBIUS, TOGETHER] as const;

export type ProviderName = (typeof PROVIDER_LIST)[number]['name'];
export type ProviderInfo = ProviderDefinition<ProviderName>;

export const PROVIDERS: Readonly<Record<ProviderName, ProviderInfo>> = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p])) as Record<ProviderName, ProviderInfo>;

export const PROVIDER_NAMES: readonly ProviderName[] = PROVIDER_LIST.map((p) => p.name);

export function isProviderName(name: string): name is ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(name);
}

/** The services offered when one refuses new jobs (OpenAI's sunset), in list order. */
export const ALTERNATIVE_PROVIDERS: readonly ProviderInfo[] = PROVIDER_LIST.filter((p) => p.alternative !== undefined);

/** The services that take a training setting with any method, e.g. learningRate → Nebius, Together. */
export function providersTaking(setting: TrainingSetting): ProviderInfo[] {
  return PROVIDER_LIST.filter((p) => Object.values(p.training.methods).some((settings) => settings?.includes(setting)));
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
  const resolvedBaseURL = info.apiBaseURL ? info.apiBaseURL(baseURL) : baseURL;
  const deadline = settings.timeout ? withDeadline(settings.timeout, { label: info.label, baseURL: resolvedBaseURL }, settings.fetch) : undefined;
  const provider = buildProvider(info, settings, apiKey, baseURL, deadline?.fetch ?? settings.fetch);
  return { provider: deadline ? deadline.wrap(provider) : provider, info, baseURL: resolvedBaseURL };
}

function buildProvider(info: ProviderInfo, settings: ProviderSettings, apiKey: string, baseURL: string, fetcher: typeof fetch | undefined): FineTuneProvider {
  // The SDK's own per-request timeout matches the whole call's (the deadline also aborts).
  const connection = { apiKey, baseURL, ...(fetcher ? { fetch: fetcher } : {}), ...(settings.timeout ? { timeout: settings.timeout } : {}) };
  return info.create(connection, settings.organization ? { organization: settings.organization } : {});
}
