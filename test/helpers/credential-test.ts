/**
 * A credential type's `test`, run as n8n's credentials tester runs a declarative test
 * (packages/cli/src/services/credentials-tester.service.ts, 2.8.4): the request's expressions
 * resolved with `$credentials` by n8n-workflow's expression engine, the credential's
 * `authenticate` headers added, the request sent, then its `rules`: `responseCode` rules for a
 * failed request, n8n's "any non-2xx fails", and `responseSuccessBody` rules on the first output
 * item of the answer (the body, or its first element when it is an array). (The real 2.8.4 tester
 * does not reach the `responseCode` rules: its request error carries no response.) The real tester runs
 * in test/n8n/credentials.e2e.test.ts.
 */
import {
  Workflow,
  type ICredentialDataDecryptedObject,
  type ICredentialType,
  type IDataObject,
  type IHttpRequestOptions,
  type INodeCredentialTestResult,
  type INodeTypes,
} from 'n8n-workflow';
import { httpRequest } from './n8n-context';

/** lodash's get for the plain dotted keys the rules use (a string body has no keys). */
function valueAt(value: unknown, key: string): unknown {
  let current = value;
  for (const part of key.split('.')) current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
  return current;
}

type Rule = { type: 'responseCode' | 'responseSuccessBody'; properties: { key?: string; value: unknown; message: string } };

function resolver(credentials: ICredentialDataDecryptedObject) {
  const node = { id: 'temp', name: 'Temp-Node', type: 'temp', typeVersion: 1, position: [0, 0] as [number, number], parameters: {} };
  const nodeTypes = { getByName: () => undefined, getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) } as unknown as INodeTypes;
  const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
  return (value: unknown): unknown =>
    typeof value === 'string' && value.startsWith('=')
      ? workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', { $credentials: credentials } as IDataObject)
      : value;
}

export async function runCredentialTest(type: ICredentialType, credentials: ICredentialDataDecryptedObject): Promise<INodeCredentialTestResult> {
  if (!type.test) throw new Error(`${type.name} has no declarative test`);
  const resolve = resolver(credentials);
  const request = type.test.request;
  const headers: Record<string, string> = {};
  const auth = type.authenticate as { properties?: { headers?: Record<string, string> } } | undefined;
  for (const [k, v] of Object.entries(auth?.properties?.headers ?? {})) headers[k] = String(resolve(v));
  const options: IHttpRequestOptions = {
    method: request.method ?? 'GET',
    baseURL: String(resolve(request.baseURL) ?? ''),
    url: String(resolve(request.url) ?? ''),
    headers,
    ...(request.qs ? { qs: request.qs as IDataObject } : {}),
    ...(request.ignoreHttpStatusErrors ? { ignoreHttpStatusErrors: true } : {}),
    json: true,
  };
  const rules = (type.test.rules ?? []) as unknown as Rule[];
  let body: unknown;
  try {
    body = await httpRequest(options);
  } catch (error) {
    const response = (error as { response?: { status: number } }).response;
    if (!response) return { status: 'Error', message: (error as Error).message };
    for (const rule of rules) if (rule.type === 'responseCode' && rule.properties.value === response.status) return { status: 'Error', message: rule.properties.message };
    return { status: 'Error', message: `Received HTTP status code: ${response.status}` };
  }
  const first = Array.isArray(body) ? body[0] : body;
  for (const rule of rules) {
    if (rule.type === 'responseSuccessBody' && valueAt(first, rule.properties.key ?? '') === rule.properties.value) return { status: 'Error', message: rule.properties.message };
  }
  return { status: 'OK', message: 'Connection successful!' };
}
