/** The fine-tuning provider of a node's credential, talking through n8n's HTTP helpers. */
import type { IExecuteFunctions, ILoadOptionsFunctions, ISupplyDataFunctions } from 'n8n-workflow';
import { createProvider, type ResolvedProvider } from '../../trainer/providers';
import { n8nFetch } from './transport';

export const FINE_TUNING_CREDENTIAL = 'flowtuneFineTuningApi';
export const N8N_API_CREDENTIAL = 'flowtuneN8nApi';
/** The credentials' display names, as messages refer to them (the credential classes' `displayName`). */
export const FINE_TUNING_CREDENTIAL_LABEL = 'Flowtune Fine-Tuning API';
export const N8N_API_CREDENTIAL_LABEL = 'Flowtune n8n API';

export interface FineTuningCredential {
  provider: string;
  apiKey?: string;
  baseUrl?: string;
  organization?: string;
}

/** `compatible` (any OpenAI-compatible server) is the OpenAI provider at another base URL. */
export async function providerFromCredential(ctx: IExecuteFunctions | ISupplyDataFunctions | ILoadOptionsFunctions): Promise<ResolvedProvider & { credential: FineTuningCredential }> {
  const credential = (await ctx.getCredentials(FINE_TUNING_CREDENTIAL)) as unknown as FineTuningCredential;
  const cancel = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
  const resolved = createProvider({
    provider: credential.provider === 'compatible' ? 'openai' : credential.provider,
    // Local servers take any key; the SDKs insist on one.
    apiKey: credential.apiKey || (credential.provider === 'compatible' ? 'not-needed' : ''),
    ...(credential.baseUrl ? { baseURL: credential.baseUrl } : {}),
    ...(credential.organization ? { organization: credential.organization } : {}),
    env: {},
    fetch: n8nFetch(ctx.helpers, cancel),
  });
  return { ...resolved, credential };
}
