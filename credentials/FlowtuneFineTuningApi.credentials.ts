import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { answerRules, REFUSED_KEY_BODIES } from './test-rules';
import { PROVIDER_LIST } from '../trainer/providers';

/** Base URL when the credential leaves it empty: the provider registry's defaults, as an n8n expression. */
const DEFAULT_BASE_URLS = JSON.stringify(Object.fromEntries(PROVIDER_LIST.flatMap((p) => (p.defaultBaseURL ? [[p.name, p.defaultBaseURL]] : []))));
export const FINE_TUNING_BASE_URL_EXPRESSION = `={{ ($credentials.baseUrl || ${DEFAULT_BASE_URLS}[$credentials.provider] || '').replace(/\\/+$/, '') }}`;

/** What the test GETs below the base URL: `/models`, or a provider's own list with the `{data: [...]}` shape. */
const TEST_PATHS = JSON.stringify(Object.fromEntries(PROVIDER_LIST.flatMap((p) => (p.credentialTestPath ? [[p.name, p.credentialTestPath]] : []))));
export const FINE_TUNING_TEST_PATH_EXPRESSION = `={{ ${TEST_PATHS}[$credentials.provider] || "/models" }}`;

/** Any server speaking the OpenAI API: the OpenAI provider at another base URL (nodes/shared/provider.ts). */
export const COMPATIBLE_PROVIDER_OPTION = {
  name: 'OpenAI-Compatible Server',
  value: 'compatible',
  description: 'vLLM, Ollama, llama.cpp or any server speaking the OpenAI API (chat only unless it has a jobs API)',
} as const;

/** The Provider options: the registry's services in its order, then any OpenAI-compatible server. */
export const PROVIDER_OPTIONS = [...PROVIDER_LIST.map((p) => ({ name: p.label, value: p.name, description: p.credentialDescription })), COMPATIBLE_PROVIDER_OPTION];

export class FlowtuneFineTuningApi implements ICredentialType {
  name = 'flowtuneFineTuningApi';

  displayName = 'Flowtune Fine-Tuning API';

  documentationUrl = 'https://github.com/flowtune/n8n-nodes-flowtune#flowtune-train';

  icon = { light: 'file:../icons/flowtune.svg', dark: 'file:../icons/flowtune.dark.svg' } as const;

  properties: INodeProperties[] = [
    {
      displayName: 'Provider',
      name: 'provider',
      type: 'options',
      default: 'openai',
      options: PROVIDER_OPTIONS,
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Local servers (vLLM, Ollama, llama.cpp) accept any value',
    },
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: '',
      placeholder: 'https://api.openai.com/v1',
      description:
        'Leave empty for the provider default. Azure: https://RESOURCE.openai.azure.com/openai/v1. Local servers: e.g. http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama).',
    },
    {
      displayName: 'Organization ID',
      name: 'organization',
      type: 'string',
      default: '',
      displayOptions: { show: { provider: ['openai'] } },
      description: 'Only for OpenAI accounts in several organizations',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: {
        Authorization: '=Bearer {{$credentials.apiKey}}',
      },
    },
  };

  /**
   * GET /models must answer with OpenAI's model list, `{data: [...]}`: anything else (a web page with
   * status 200, n8n's own editor, a server root without /v1, a refusal) fails with what to fix. Together
   * AI's /models is a bare array, so it is tested on its fine-tunes list, which has the `data` shape.
   */
  test: ICredentialTestRequest = {
    request: {
      baseURL: FINE_TUNING_BASE_URL_EXPRESSION,
      url: FINE_TUNING_TEST_PATH_EXPRESSION,
      ignoreHttpStatusErrors: true,
    },
    rules: answerRules(
      ...REFUSED_KEY_BODIES.map((body) => ({ ...body, message: 'The API key was refused: check the API Key' })),
      {
        key: 'data',
        value: undefined,
        message:
          'The Base URL did not answer like an OpenAI-compatible API (GET /models returned no model list; perhaps a web page or a missing path). The Base URL usually ends with /v1, e.g. http://localhost:11434/v1 (Ollama) or http://localhost:8000/v1 (vLLM); leave it empty for the provider default. If the server needs a key, check the API Key too.',
      },
    ),
  };
}
