/**
 * What flowtune knows about one fine-tuning service, in one object: each provider's file
 * exports its definition and `index.ts` lists them. Everything else that names providers (key
 * variables, CLI help, the credential's options, the "train elsewhere" wording) is derived
 * from that list.
 */
import type { FineTuneProvider, TrainingMethod, TrainingSetting } from '../types';

export interface TrainingFacts {
  /** The methods the service offers and the settings each takes; a setting not listed is refused before anything is sent. */
  methods: Partial<Readonly<Record<TrainingMethod['type'], readonly TrainingSetting[]>>>;
  /** Fewest training examples the service accepts (absent: none documented). */
  minExamples?: number;
}

/** Supervised LoRA training as the adapter services (Nebius, Together) take it. */
export const LORA_SUPERVISED: readonly TrainingSetting[] = ['epochs', 'batchSize', 'learningRate', 'lora', 'loraR', 'loraAlpha', 'loraDropout', 'seed'];

/** What the factory gets: the key, the base URL as given (trailing slashes cut), and the call's limits. */
export interface ProviderConnection {
  apiKey: string;
  baseURL: string;
  fetch?: typeof fetch;
  /** The SDK's own per-request timeout, ms (the call's deadline also aborts). */
  timeout?: number;
}

export interface ProviderDefinition<Name extends string = string> {
  /** `--provider`, the credential's option value, job records: never renamed (saved credentials and registries hold it). */
  name: Name;
  /** The service's name in messages and the credential's option list. */
  label: string;
  /** In the CLI's per-flag notes, e.g. "(Nebius, Together)". */
  shortLabel: string;
  keyEnv: string;
  /** Base URL used when none is given (Azure has none: every resource has its own). */
  defaultBaseURL?: string;
  /** Environment variable holding the base URL (Azure endpoint). */
  baseURLEnv?: string;
  /** One line for `--help` and errors. */
  note: string;
  training: TrainingFacts;
  /** The description of its option in the Fine-Tuning API credential. */
  credentialDescription: string;
  /** What the credential test GETs below the base URL (default `/models`): an answer with OpenAI's `{data: [...]}` list shape. */
  credentialTestPath?: string;
  /** How "train elsewhere" advice names it (absent: not offered as an alternative, e.g. OpenAI after its sunset). */
  alternative?: string;
  /** The base URL calls actually go to, from the one given (Azure adds `/openai/v1`). */
  apiBaseURL?(baseURL: string): string;
  /** The client; `organization` is passed only where the service has organizations. */
  create(connection: ProviderConnection, extras: { organization?: string }): FineTuneProvider;
}
