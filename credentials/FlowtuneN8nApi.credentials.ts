import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class FlowtuneN8nApi implements ICredentialType {
  name = 'flowtuneN8nApi';

  displayName = 'Flowtune N8n API';

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
    },
  };
}
