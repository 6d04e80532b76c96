import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import { answerRules } from './test-rules';

export class FlowtuneN8nApi implements ICredentialType {
  name = 'flowtuneN8nApi';

  // n8n spells itself in lower case (the rule's own exception is n8n's "n8n API"); "N8n" reads as a typo.
  // eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-miscased
  displayName = 'Flowtune n8n API';

  documentationUrl = 'https://docs.n8n.io/api/authentication/';

  icon = { light: 'file:../icons/flowtune.svg', dark: 'file:../icons/flowtune.dark.svg' } as const;

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://localhost:5678',
      placeholder: 'https://n8n.example.com',
      description: 'The n8n instance that receives generated workflows (without /api/v1)',
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Create one in n8n under Settings → n8n API',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { 'X-N8N-API-KEY': '={{$credentials.apiKey}}' },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: "={{ $credentials.baseUrl.replace(/\\/+$/, '').replace(/\\/api\\/v1$/, '') }}",
      url: '/api/v1/workflows',
      qs: { limit: 1 },
      ignoreHttpStatusErrors: true,
    },
    rules: answerRules(
      { key: 'message', value: 'unauthorized', message: 'n8n refused the API key: create one in n8n under Settings → n8n API and paste it here' },
      {
        key: 'data',
        value: undefined,
        message:
          "The Base URL did not answer like n8n's public API (GET /api/v1/workflows returned no workflow list; perhaps a web page). Give the n8n address as you open it in the browser, e.g. https://n8n.example.com, without /api/v1; the public API must be enabled.",
      },
    ),
  };
}
