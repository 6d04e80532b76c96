/**
 * Errors of the nodes, in n8n's terms: the one `toNodeError` every node calls from its one catch,
 * and the one item a node outputs for a failed item when it continues on fail.
 *
 * What went wrong is read from the data of flowtune's errors (core/errors.ts: kind, status,
 * provider, the service's own message, the setting), never from their messages. It becomes a
 * NodeApiError when a service answered with an HTTP status or could not be reached, and a
 * NodeOperationError for what the node itself refuses (bad input: nothing was sent). Messages
 * name the service and say what to check in n8n (the credential, the model id), not the CLI's
 * flags and environment variables.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode, type INodeExecutionData, type JsonObject } from 'n8n-workflow';
import { FlowtuneError, isConnectionFailure, serviceMessageOf } from '../../core/errors';
import { N8nApiError } from '../../n8n-api/client';
import { sunsetNotice, TrainerError } from '../../trainer/errors';
import { describeProviderError } from '../../trainer/provider-errors';
import type { ProviderName } from '../../trainer/types';
import { ALTERNATIVE_PROVIDERS } from '../../trainer/providers';
import { TOOLS } from '../../trainer/bundles/context';
import { FINE_TUNING_CREDENTIAL_LABEL } from './provider';

export type NodeError = NodeApiError | NodeOperationError;

export const isNodeError = (error: unknown): error is NodeError => error instanceof NodeApiError || error instanceof NodeOperationError;

/** "the OpenAI-compatible server …" → "The OpenAI-compatible server …" (n8n and product names stay as they are). */
export const sentenceStart = (text: string): string => text.replace(/^the /, 'The ');

const sentence = (text: string) => (text === '' || /[.!?]$/.test(text) ? text : `${text}.`);

const at = (itemIndex: number | undefined) => (itemIndex !== undefined ? { itemIndex } : {});

/** Where a failure happened, for its wording. */
export interface NodeErrorContext {
  itemIndex?: number;
  /**
   * Who the node talked to, e.g. "OpenAI", "the OpenAI-compatible server", "n8n": a service failure
   * is then said as "<service> answered HTTP n: <its message>" or "Cannot reach <service>".
   */
  service?: string;
  /** Credential to check on 401/403 and when a service cannot be reached. */
  credential?: string;
  /** Model id, for 404 hints. */
  model?: string;
}

/** A service's answer or a thrown error, reduced to a status and the service's own words. */
export interface ServiceFailure {
  status?: number;
  message: string;
  /** No answer came: the service could not be reached. */
  unreachable?: boolean;
  /** Where the service was reached, when the error says. */
  baseURL?: string;
}

/** What a thrown error says about the service: from the data of flowtune's errors, else from the SDK or fetch error. */
export function failureOf(error: unknown): ServiceFailure {
  if (error instanceof FlowtuneError) {
    const unreachable = error.kind === 'unreachable';
    if (error instanceof N8nApiError && error.kind === 'invalid_key') return { status: error.status, message: 'the API key was refused' };
    return {
      ...(error.status !== undefined ? { status: error.status } : {}),
      // Answered or unreachable: the service's words; otherwise our own message says it all.
      message: error.status !== undefined || unreachable ? (error.serviceMessage ?? error.message) : error.message,
      ...(unreachable ? { unreachable } : {}),
      ...(unreachable && error.baseURL ? { baseURL: error.baseURL } : {}),
    };
  }
  const e = (error ?? {}) as { status?: unknown; cause?: unknown };
  const status = typeof e.status === 'number' ? e.status : undefined;
  let message = serviceMessageOf(error);
  const cause = e.cause && typeof e.cause === 'object' ? (e.cause as { message?: unknown }).message : undefined;
  if (status === undefined && typeof cause === 'string' && cause !== '' && !message.includes(cause)) message = `${message} (${cause})`;
  return { ...(status !== undefined ? { status } : {}), message, ...(isConnectionFailure(error) ? { unreachable: true } : {}) };
}

function hintFor(status: number, context: NodeErrorContext): string | undefined {
  if (status === 401 || status === 403) return `Check the API key of the "${context.credential}" credential.`;
  if (status === 404 && context.model) return `Check the model id "${context.model}": the model list shows the models this credential can use.`;
  if (status === 429) return 'The service is rate limiting requests or the account is out of quota: wait, or turn on Retry On Fail in the node settings.';
  if (status >= 500) return 'The service failed: try again later, or turn on Retry On Fail in the node settings.';
  return undefined;
}

/** A service's HTTP error answer, or a service that could not be reached, as a NodeApiError. */
export function apiError(node: INode, failure: ServiceFailure, context: NodeErrorContext & { service: string }, body?: unknown): NodeApiError {
  // n8n replaces messages naming ECONNREFUSED & co. with its own words; the description keeps who was unreachable.
  const status = failure.status;
  const hint = status !== undefined ? hintFor(status, context) : `Check that ${context.service} is reachable from n8n and the Base URL of the "${context.credential}" credential.`;
  const message =
    status !== undefined
      ? `${sentenceStart(context.service)} answered HTTP ${status}: ${failure.message}`
      : `Cannot reach ${context.service}${failure.baseURL ? ` at ${failure.baseURL}` : ''}: ${failure.message}`;
  const response: JsonObject = { message: failure.message, ...(status !== undefined ? { status } : {}), ...(body !== undefined && body !== null && typeof body === 'object' ? { body: body as JsonObject } : {}) };
  return new NodeApiError(node, response, {
    message,
    ...(hint ? { description: hint } : {}),
    ...(status !== undefined ? { httpCode: String(status) } : {}),
    ...at(context.itemIndex),
  });
}

/** A failure already said in node words (a provider call of Fine-Tune): `description` carries the service's message and what to do. */
export class ProviderCallError extends TrainerError {
  constructor(
    failure: TrainerError,
    message: string,
    readonly description: string | undefined,
  ) {
    super(failure.kind, message, failure.status, failure.data);
  }
}

/**
 * Any error thrown while handling an item (or a list search: no item) → the n8n error to report.
 * Node errors pass through (given the item index if they lack one); errors in node words keep
 * them; a service failure is said with `context.service` when the caller names it; the rest map
 * by their data: HTTP status or `unreachable` → NodeApiError, else NodeOperationError.
 */
export function toNodeError(node: INode, error: unknown, context: NodeErrorContext = {}): NodeError {
  if (isNodeError(error)) {
    if (error.context.itemIndex === undefined && context.itemIndex !== undefined) error.context.itemIndex = context.itemIndex;
    return error;
  }
  if (context.service !== undefined && !(error instanceof ProviderCallError)) {
    const failure = failureOf(error);
    if (failure.status !== undefined || failure.unreachable) return apiError(node, failure, { ...context, service: context.service });
    return new NodeOperationError(node, failure.message, at(context.itemIndex));
  }
  if (error instanceof FlowtuneError) {
    const description = error instanceof ProviderCallError ? error.description : undefined;
    if (error.status !== undefined || error.kind === 'unreachable') {
      const response: JsonObject = { message: error.message, ...(error.status !== undefined ? { status: error.status } : {}) };
      return new NodeApiError(node, response, {
        message: error.message,
        ...(description ? { description } : {}),
        ...(error.status !== undefined ? { httpCode: String(error.status) } : {}),
        ...at(context.itemIndex),
      });
    }
    return new NodeOperationError(node, error.message, { ...at(context.itemIndex), ...(description ? { description } : {}) });
  }
  return new NodeOperationError(node, error instanceof Error ? error : String(error), at(context.itemIndex));
}

/**
 * The item a node outputs for a failed item when it continues on fail: n8n's convention (its
 * OpenAI node: `{ json: { error: message }, pairedItem }`), plus the description as plain text and
 * the HTTP status when there are such.
 */
export function continueOnFailItem(error: NodeError, pairedItem: INodeExecutionData['pairedItem']): INodeExecutionData {
  const json: IDataObject = {
    error: error.message,
    ...(error.description ? { description: plainDescription(error.description) } : {}),
    ...(error instanceof NodeApiError && error.httpCode ? { httpCode: error.httpCode } : {}),
  };
  return { json, pairedItem };
}

/** A bad parameter or input item: nothing was sent. */
export function inputError(node: INode, message: string, itemIndex: number, description?: string): NodeOperationError {
  return new NodeOperationError(node, message, { itemIndex, ...(description ? { description } : {}) });
}

/** A model that did not answer within the node's Timeout option. */
export function timeoutError(node: INode, service: string, timeoutMs: number, itemIndex?: number): NodeOperationError {
  return new NodeOperationError(node, `${sentenceStart(service)} did not answer within ${timeoutMs} ms`, {
    ...at(itemIndex),
    description: 'Raise the Timeout option, or ask for fewer tokens.',
  });
}

const OTHER_PROVIDERS =
  `Choose another provider in the ${FINE_TUNING_CREDENTIAL_LABEL} credential (${ALTERNATIVE_PROVIDERS.map((p) => p.label).join(', ')}), ` +
  `or train an open model yourself (flowtune train export --for ${TOOLS.join('|')}).`;

export interface ProviderIdentity {
  name: ProviderName;
  /** As the user chose it in the credential (OpenAI-compatible servers are `openai` underneath). */
  label: string;
  baseURL: string;
}

/** Classify what a provider call threw (the trainer does, once) and phrase it for n8n. */
export function providerCallError(error: unknown, who: ProviderIdentity, context: { model?: string; file?: string } = {}): ProviderCallError {
  if (error instanceof ProviderCallError) return error;
  const described = describeProviderError(error, who.name, { baseURL: who.baseURL, ...context });
  const service = described.serviceMessage ?? '';
  switch (described.kind) {
    case 'invalid_key':
      return new ProviderCallError(described, `${who.label} refused the API key (401): check the API key of the ${FINE_TUNING_CREDENTIAL_LABEL} credential`, sentence(service));
    case 'not_eligible': {
      const sunset = who.name === 'openai' && who.label === 'OpenAI' ? ` ${sunsetNotice()}` : '';
      return new ProviderCallError(described, `${who.label} does not accept new fine-tuning jobs for this account.${sunset}`, `${sentence(service)} ${OTHER_PROVIDERS}`.trim());
    }
    case 'unreachable':
      // The low-level reason (ECONNREFUSED…) stays in the description: n8n replaces messages containing such codes.
      return new ProviderCallError(described, `Cannot reach ${who.label} at ${who.baseURL}`, `${sentence(service)} Check the network and the Base URL of the ${FINE_TUNING_CREDENTIAL_LABEL} credential.`);
    default:
      return new ProviderCallError(described, described.message, undefined);
  }
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
