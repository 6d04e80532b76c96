/**
 * Runs nodes of this package through n8n's node execution interfaces without an n8n:
 * an `IExecuteFunctions` / `ILoadOptionsFunctions` built on plain data, whose HTTP
 * helpers really send requests (to the fake OpenAI server, a stub n8n) and apply the
 * credential's `authenticate` headers the way n8n does. The real n8n is the e2e suite.
 */
import type {
  ICredentialDataDecryptedObject,
  ICredentialType,
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  ILoadOptionsFunctions,
  INode,
  INodeExecutionData,
  INodeType,
  IBinaryData,
  ISupplyDataFunctions,
} from 'n8n-workflow';
import { FlowtuneFineTuningApi } from '../../credentials/FlowtuneFineTuningApi.credentials';
import { FlowtuneN8nApi } from '../../credentials/FlowtuneN8nApi.credentials';

const CREDENTIAL_TYPES: Record<string, ICredentialType> = {
  flowtuneFineTuningApi: new FlowtuneFineTuningApi(),
  flowtuneN8nApi: new FlowtuneN8nApi(),
};

/** `={{$credentials.apiKey}}`-style templates: the only expressions our credentials use in headers. */
function resolveCredentialTemplate(template: string, credentials: ICredentialDataDecryptedObject): string {
  const text = template.startsWith('=') ? template.slice(1) : template;
  return text.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_m, key: string) => String(credentials[key] ?? ''));
}

export interface HttpCall {
  options: IHttpRequestOptions;
  credentialType?: string;
}

/** n8n's `helpers.httpRequest`, on the platform fetch. */
export async function httpRequest(options: IHttpRequestOptions): Promise<unknown> {
  // As axios (under n8n's helper) combines them: the URL is appended to the base URL, whose path stays.
  const absolute = /^[a-z][a-z\d+.-]*:\/\//i.test(options.url);
  const url = new URL(absolute || !options.baseURL ? options.url : `${options.baseURL.replace(/\/+$/, '')}/${options.url.replace(/^\/+/, '')}`);
  for (const [k, v] of Object.entries(options.qs ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = String(v);
  let body: string | Buffer | URLSearchParams | undefined;
  const raw = options.body;
  if (raw !== undefined && raw !== null) {
    if (typeof raw === 'string' || Buffer.isBuffer(raw) || raw instanceof URLSearchParams) body = raw as string | Buffer | URLSearchParams;
    else {
      body = JSON.stringify(raw);
      headers['content-type'] ??= 'application/json';
    }
  }
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
    redirect: options.disableFollowRedirect ? 'manual' : 'follow',
    ...(options.abortSignal ? { signal: options.abortSignal as AbortSignal } : {}),
  });
  const buffer = Buffer.from(await response.arrayBuffer());
  const text = buffer.toString('utf8');
  let parsed: unknown = text;
  if (options.encoding === 'arraybuffer') parsed = buffer;
  else if (options.json !== false && /json/.test(response.headers.get('content-type') ?? '')) parsed = text === '' ? undefined : JSON.parse(text);
  if (!response.ok && !options.ignoreHttpStatusErrors) {
    const error = new Error(`Request failed with status code ${response.status}`) as Error & { httpCode: string; response: unknown };
    error.httpCode = String(response.status);
    error.response = { status: response.status, data: parsed };
    throw error;
  }
  if (options.returnFullResponse) {
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((v, k) => (responseHeaders[k] = v));
    return { body: parsed, headers: responseHeaders, statusCode: response.status, statusMessage: response.statusText };
  }
  return parsed;
}

export interface NodeRunOptions {
  /** Node parameters; a function gives per-item values. */
  parameters: IDataObject | ((itemIndex: number) => IDataObject);
  items?: INodeExecutionData[];
  credentials?: Record<string, ICredentialDataDecryptedObject>;
  continueOnFail?: boolean;
  signal?: AbortSignal;
  nodeName?: string;
  typeVersion?: number;
}

export interface NodeRunRecord {
  http: HttpCall[];
  sleeps: number[];
}

function valueAt(parameters: IDataObject, name: string): unknown {
  let current: unknown = parameters;
  for (const part of name.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as IDataObject)[part];
  }
  return current;
}

function baseContext(node: INodeType, options: NodeRunOptions, record: NodeRunRecord) {
  const nodeInfo: INode = {
    id: 'test-node',
    name: options.nodeName ?? node.description.displayName,
    type: `n8n-nodes-flowtune.${node.description.name}`,
    typeVersion: options.typeVersion ?? (Array.isArray(node.description.version) ? Math.max(...node.description.version) : node.description.version),
    position: [0, 0],
    parameters: {},
  };
  const parametersFor = (i: number): IDataObject => (typeof options.parameters === 'function' ? options.parameters(i) : options.parameters);
  const getCredentials = async (type: string): Promise<ICredentialDataDecryptedObject> => {
    const found = options.credentials?.[type];
    if (!found) throw new Error(`Node does not have any credentials set for "${type}"`);
    return found;
  };
  const request = async (options2: IHttpRequestOptions, credentialType?: string) => {
    record.http.push({ options: options2, ...(credentialType ? { credentialType } : {}) });
    return httpRequest(options2);
  };
  const helpers = {
    httpRequest: (o: IHttpRequestOptions) => request(o),
    async httpRequestWithAuthentication(credentialType: string, o: IHttpRequestOptions) {
      const credentials = await getCredentials(credentialType);
      const auth = CREDENTIAL_TYPES[credentialType]?.authenticate as { properties?: { headers?: Record<string, string> } } | undefined;
      const headers = { ...(o.headers ?? {}) } as IDataObject;
      for (const [k, v] of Object.entries(auth?.properties?.headers ?? {})) headers[k] = resolveCredentialTemplate(v, credentials);
      return request({ ...o, headers }, credentialType);
    },
    returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
    constructExecutionMetaData: (data: INodeExecutionData[], meta: { itemData: { item: number } | Array<{ item: number }> }) => data.map((d) => ({ ...d, pairedItem: meta.itemData })),
    assertBinaryData(itemIndex: number, property: string): IBinaryData {
      const binary = (options.items ?? [{ json: {} }])[itemIndex]?.binary?.[property];
      if (!binary) throw new Error(`This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`);
      return binary;
    },
    async getBinaryDataBuffer(itemIndex: number, property: string): Promise<Buffer> {
      const binary = (options.items ?? [{ json: {} }])[itemIndex]?.binary?.[property];
      if (!binary) throw new Error(`no binary property ${property}`);
      return Buffer.from(binary.data, 'base64');
    },
    async prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
      return { data: data.toString('base64'), ...(fileName ? { fileName } : {}), mimeType: mimeType ?? 'application/octet-stream', fileSize: String(data.length) };
    },
  };
  return {
    getNode: () => nodeInfo,
    getCredentials,
    getNodeParameter(name: string, itemIndexOrFallback?: unknown, fallback?: unknown, extra?: { extractValue?: boolean }) {
      const itemIndex = typeof itemIndexOrFallback === 'number' ? itemIndexOrFallback : 0;
      const fallbackValue = typeof itemIndexOrFallback === 'number' ? fallback : itemIndexOrFallback;
      let value = valueAt(parametersFor(itemIndex), name);
      if (value === undefined) {
        if (fallbackValue !== undefined) return fallbackValue;
        throw new Error(`Could not get parameter "${name}"`);
      }
      if (extra?.extractValue && value !== null && typeof value === 'object' && '__rl' in (value as IDataObject)) value = (value as IDataObject).value;
      return value;
    },
    helpers,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

/** An `IExecuteFunctions` for one run of `node` (only what the nodes of this package use). */
export function executeFunctions(node: INodeType, options: NodeRunOptions, record: NodeRunRecord = { http: [], sleeps: [] }): IExecuteFunctions {
  const base = baseContext(node, options, record);
  return {
    ...base,
    getInputData: () => options.items ?? [{ json: {} }],
    continueOnFail: () => options.continueOnFail ?? false,
    getExecutionCancelSignal: () => options.signal,
    onExecutionCancellation: () => undefined,
    getMode: () => 'manual',
    getWorkflow: () => ({ id: 'wf-test', name: 'test', active: false }),
    getInstanceBaseUrl: () => 'http://localhost:5678/',
  } as unknown as IExecuteFunctions;
}

export function loadOptionsFunctions(node: INodeType, options: NodeRunOptions, record: NodeRunRecord = { http: [], sleeps: [] }): ILoadOptionsFunctions {
  const base = baseContext(node, options, record);
  return { ...base, getCurrentNodeParameter: (name: string) => valueAt(typeof options.parameters === 'function' ? options.parameters(0) : options.parameters, name) } as unknown as ILoadOptionsFunctions;
}

/** Run a node's `execute` like n8n does; returns its output and what it sent. */
export async function runNode(node: INodeType, options: NodeRunOptions): Promise<{ output: INodeExecutionData[][]; record: NodeRunRecord }> {
  const record: NodeRunRecord = { http: [], sleeps: [] };
  if (!node.execute) throw new Error(`${node.description.name} has no execute method`);
  const output = (await node.execute.call(executeFunctions(node, options, record))) as INodeExecutionData[][];
  return { output, record };
}

/** What a sub-node recorded as its runs (`addInputData` / `addOutputData`), as n8n would show them. */
export interface SupplyDataRecord extends NodeRunRecord {
  inputs: Array<{ type: string; data: INodeExecutionData[][] }>;
  outputs: Array<{ type: string; index: number; data: INodeExecutionData[][] | Error }>;
}

/** An `ISupplyDataFunctions` for a sub-node (a chat model) whose `supplyData` an AI root node calls. */
export function supplyDataFunctions(node: INodeType, options: NodeRunOptions, record: SupplyDataRecord = { http: [], sleeps: [], inputs: [], outputs: [] }): ISupplyDataFunctions {
  const base = baseContext(node, options, record);
  return {
    ...base,
    getInputData: () => options.items ?? [{ json: {} }],
    continueOnFail: () => options.continueOnFail ?? false,
    getExecutionCancelSignal: () => options.signal,
    onExecutionCancellation: () => undefined,
    getMode: () => 'manual',
    getWorkflow: () => ({ id: 'wf-test', name: 'test', active: false }),
    getNextRunIndex: () => record.inputs.length,
    addInputData(type: string, data: INodeExecutionData[][]) {
      record.inputs.push({ type, data });
      return { index: record.inputs.length - 1 };
    },
    addOutputData(type: string, index: number, data: INodeExecutionData[][] | Error) {
      record.outputs.push({ type, index, data });
    },
    logAiEvent: () => undefined,
  } as unknown as ISupplyDataFunctions;
}
