/**
 * Azure OpenAI through its v1 API (`https://<resource>.openai.azure.com/openai/v1/`),
 * which speaks OpenAI's fine-tuning routes. Differences: the key travels in `api-key`,
 * fine-tuned model ids look like `<base>.ft-<hex>`, and chatting needs a deployment
 * (made in Azure AI Foundry or through ARM): its name is the chat model id.
 */
import type OpenAI from 'openai';
import type { ProviderName, ServingEndpoint } from '../types';
import { type OpenAICompatibleOptions, OPENAI_TRAINING, OpenAIProvider } from './openai';
import type { ProviderDefinition } from './definition';

/** `https://x.openai.azure.com` or `…/openai/v1` → the v1 base URL. */
export function azureBaseURL(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return /\/openai\/v1$/.test(trimmed) ? trimmed : `${trimmed}/openai/v1`;
}

export class AzureOpenAIProvider extends OpenAIProvider {
  override readonly name: ProviderName = 'azure';

  constructor(options: OpenAICompatibleOptions & { baseURL: string }) {
    super({ ...options, baseURL: azureBaseURL(options.baseURL), defaultHeaders: { 'api-key': options.apiKey, ...options.defaultHeaders } });
  }

  protected override isFineTuned(model: OpenAI.Models.Model): boolean {
    return /\.ft-[0-9a-f]+/i.test(model.id) || model.id.startsWith('ft:');
  }

  protected override authHeaders(): Record<string, string> {
    return { 'api-key': this.options.apiKey };
  }

  /** `model` is the deployment name of the fine-tuned model (Azure serves only deployments). */
  override async servingFor(model: string): Promise<ServingEndpoint> {
    return { baseURL: this.client.baseURL, headers: this.authHeaders(), model };
  }
}

export const AZURE: ProviderDefinition<'azure'> = {
  name: 'azure',
  label: 'Azure OpenAI',
  shortLabel: 'Azure',
  keyEnv: 'AZURE_OPENAI_API_KEY',
  baseURLEnv: 'AZURE_OPENAI_ENDPOINT',
  note: 'v1 API of your resource: --base-url https://<resource>.openai.azure.com (or AZURE_OPENAI_ENDPOINT)',
  // Azure's fine-tuning API is OpenAI's, with the same 10-example minimum.
  training: OPENAI_TRAINING,
  credentialDescription: 'The v1 API of your Azure OpenAI resource',
  alternative: 'Azure OpenAI',
  apiBaseURL: azureBaseURL,
  create: (connection) => new AzureOpenAIProvider(connection),
};
