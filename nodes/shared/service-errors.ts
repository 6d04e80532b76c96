/**
 * Failures of the services the nodes talk to (a chat endpoint, a fine-tuning API, n8n's
 * public API) as n8n node errors: NodeApiError when a service answered with an HTTP
 * status or could not be reached, NodeOperationError for what the node itself refuses.
 * Messages name the service and say what to check in n8n (credential, model id), not
 * the CLI's flags and environment variables.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';
import { N8nApiError } from '../../n8n-api/client';
import { TrainerError } from '../../trainer/errors';

/** "the OpenAI-compatible server …" → "The OpenAI-compatible server …" (n8n and product names stay as they are). */
export const sentenceStart = (text: string): string => text.replace(/^the /, 'The ');

export type NodeError = NodeApiError | NodeOperationError;

export const isNodeError = (error: unknown): error is NodeError => error instanceof NodeApiError || error instanceof NodeOperationError;

/** A service's answer or a thrown SDK/transport error, reduced to a status and the service's own words. */
export interface ServiceFailure {
  status?: number;
  message: string;
}

interface WireError {
  status?: unknown;
  message?: unknown;
  error?: unknown;
  detail?: unknown;
  cause?: unknown;
}

/** The service's message inside an error body: OpenAI `{error: {message}}`, Nebius `{detail}`, n8n `{message}`. */
export function bodyMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() === '' ? undefined : body.trim().slice(0, 500);
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as WireError;
  if (b.error && typeof b.error === 'object' && typeof (b.error as WireError).message === 'string') return (b.error as { message: string }).message;
  if (typeof b.error === 'string') return b.error;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  if (Array.isArray(b.detail)) return JSON.stringify(b.detail).slice(0, 500);
  return undefined;
}

/** What a thrown error says: SDK API errors (openai, together-ai), TrainerError, N8nApiError, fetch failures. */
export function failureOf(error: unknown): ServiceFailure {
  if (error instanceof N8nApiError) {
    if (error.status === 401 || error.status === 403) return { status: error.status, message: 'the API key was refused' };
    // "n8n answered POST /workflows with HTTP 400: <n8n's message>" → n8n's message
    return { ...(error.status !== undefined ? { status: error.status } : {}), message: error.status !== undefined ? error.message.replace(/^.*? with HTTP \d+: /, '') : error.message };
  }
  if (error instanceof TrainerError) return { ...(error.status !== undefined ? { status: error.status } : {}), message: error.message };
  const e = (error ?? {}) as WireError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  // The SDKs prefix their message with the status ("401 Incorrect API key…").
  const raw = bodyMessage(e.error) ?? (typeof e.message === 'string' ? e.message : String(error));
  let message = raw.replace(/^\d{3}\s+/, '');
  const cause = e.cause && typeof e.cause === 'object' ? (e.cause as WireError).message : undefined;
  if (status === undefined && typeof cause === 'string' && cause !== '' && !message.includes(cause)) message = `${message} (${cause})`;
  return { ...(status !== undefined ? { status } : {}), message };
}

export interface FailureContext {
  /** Who answered, e.g. "OpenAI", "the OpenAI-compatible server", "n8n" (capitalised where a sentence starts with it). */
  service: string;
  /** Credential to check on 401/403. */
  credential: string;
  /** Model id, for 404 hints. */
  model?: string;
  itemIndex?: number;
}

function hintFor(status: number, context: FailureContext): string | undefined {
  if (status === 401 || status === 403) return `Check the API key of the "${context.credential}" credential.`;
  if (status === 404 && context.model) return `Check the model id "${context.model}": the model list shows the models this credential can use.`;
  if (status === 429) return 'The service is rate limiting requests or the account is out of quota: wait, or turn on Retry On Fail in the node settings.';
  if (status >= 500) return 'The service failed: try again later, or turn on Retry On Fail in the node settings.';
  return undefined;
}

/** A service's HTTP error answer as a NodeApiError. */
export function apiError(node: INode, failure: ServiceFailure, context: FailureContext, body?: unknown): NodeApiError {
  // n8n replaces messages naming ECONNREFUSED & co. with its own words; the description keeps who was unreachable.
  const status = failure.status;
  const hint = status !== undefined ? hintFor(status, context) : `Check that ${context.service} is reachable from n8n and the Base URL of the "${context.credential}" credential.`;
  const unreachable = /^cannot reach /i.test(failure.message) ? `C${failure.message.slice(1)}` : `Cannot reach ${context.service}: ${failure.message}`;
  const message = status !== undefined ? `${sentenceStart(context.service)} answered HTTP ${status}: ${failure.message}` : unreachable;
  const response: JsonObject = { message: failure.message, ...(status !== undefined ? { status } : {}), ...(body !== undefined && body !== null && typeof body === 'object' ? { body: body as JsonObject } : {}) };
  return new NodeApiError(node, response, {
    message,
    ...(hint ? { description: hint } : {}),
    ...(status !== undefined ? { httpCode: String(status) } : {}),
    ...(context.itemIndex !== undefined ? { itemIndex: context.itemIndex } : {}),
  });
}

/**
 * Any error thrown while handling an item → a node error carrying the item index. Node errors pass
 * through; errors with an HTTP status (or a failed connection) become NodeApiError; the rest
 * NodeOperationError.
 */
export function toNodeError(node: INode, error: unknown, context: FailureContext): NodeError {
  if (isNodeError(error)) return error;
  const failure = failureOf(error);
  // Duck-typed: fetch's errors may come from another realm than this module's Error.
  const e = error as { name?: unknown; message?: unknown; cause?: unknown } | null;
  const connection =
    failure.status === undefined &&
    typeof e?.message === 'string' &&
    /connection|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|fetch failed|socket|cannot reach/i.test(`${String(e.name)} ${e.message} ${String((e.cause as { message?: unknown } | undefined)?.message ?? e.cause ?? '')}`);
  if (failure.status !== undefined || connection) return apiError(node, failure, context);
  return new NodeOperationError(node, failure.message, context.itemIndex !== undefined ? { itemIndex: context.itemIndex } : {});
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const UNESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/**
 * A description of several lines (the problems found, then what to do) as n8n's error view shows
 * it: the editor renders `description` as sanitized HTML (p, br, ul, li, code… are kept), where
 * newlines run together into one paragraph. Each line is escaped and they are joined with <br>.
 */
export function linesDescription(lines: string[]): string {
  return lines.map((line) => line.replace(/[&<>]/g, (c) => ESCAPES[c])).join('<br>');
}

/** The plain text of a description (one line per <br>), for error items and anything that is not the editor. */
export function plainDescription(description: string): string {
  return description.replace(/<br\s*\/?>/g, '\n').replace(/&(amp|lt|gt);/g, (e) => UNESCAPES[e]);
}

/** A model that did not answer within the node's Timeout option. */
export function timeoutError(node: INode, service: string, timeoutMs: number, itemIndex?: number): NodeOperationError {
  return new NodeOperationError(node, `${sentenceStart(service)} did not answer within ${timeoutMs} ms`, {
    ...(itemIndex !== undefined ? { itemIndex } : {}),
    description: 'Raise the Timeout option, or ask for fewer tokens.',
  });
}

/** The JSON of an error item when the node continues on fail (n8n's convention: `{error}`). */
export function errorItemJson(error: NodeError): JsonObject {
  return {
    error: error.message,
    ...(error.description ? { description: plainDescription(error.description) } : {}),
    ...(error instanceof NodeApiError && error.httpCode ? { httpCode: error.httpCode } : {}),
  };
}
