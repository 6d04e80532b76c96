/**
 * Errors of the Fine-Tune node. Provider failures are classified once by the trainer
 * (`describeProviderError`); here they get n8n wording (the credential instead of CLI
 * flags and environment variables) and become NodeApiError (the service answered or
 * could not be reached) or NodeOperationError (bad input, nothing was sent).
 */
import { NodeApiError, NodeOperationError, type IExecuteFunctions, type INode, type JsonObject } from 'n8n-workflow';
import { describeProviderError, sunsetNotice, TrainerError } from '../../../trainer/errors';
import type { ProviderName } from '../../../trainer/types';
import { FINE_TUNING_CREDENTIAL_LABEL as CREDENTIAL_LABEL } from '../../shared/provider';


const OTHER_PROVIDERS =
  `Choose another provider in the ${CREDENTIAL_LABEL} credential (Azure OpenAI, Nebius Token Factory, Together AI), ` +
  'or train an open model yourself (flowtune train export --for unsloth|axolotl|llama-factory|trl).';

/** A provider failure in node words; `description` carries the service's own message and what to do. */
export class ProviderCallError extends TrainerError {
  constructor(
    kind: TrainerError['kind'],
    message: string,
    status: number | undefined,
    readonly description: string | undefined,
  ) {
    super(kind, message, status);
  }
}

/** The service's message as the SDKs carry it, without their "401 " prefix. */
export function serviceMessage(error: unknown): string {
  const e = (error ?? {}) as { message?: unknown; error?: { message?: unknown } | null };
  const raw = typeof e.error?.message === 'string' ? e.error.message : typeof e.message === 'string' ? e.message : String(error);
  return raw.replace(/^\d{3}\s+/, '').trim();
}

const sentence = (text: string) => (text === '' || /[.!?]$/.test(text) ? text : `${text}.`);

export interface ProviderIdentity {
  name: ProviderName;
  /** As the user chose it in the credential (OpenAI-compatible servers are `openai` underneath). */
  label: string;
  baseURL: string;
}

/** Classify what a provider call threw and phrase it for n8n. */
export function providerCallError(error: unknown, who: ProviderIdentity, context: { model?: string; file?: string } = {}): ProviderCallError {
  if (error instanceof ProviderCallError) return error;
  const described = describeProviderError(error, who.name, { baseURL: who.baseURL, ...context });
  const service = error instanceof TrainerError ? '' : serviceMessage(error);
  const { kind, status } = described;
  switch (kind) {
    case 'invalid_key':
      return new ProviderCallError(
        kind,
        `${who.label} refused the API key (401): check the API key of the ${CREDENTIAL_LABEL} credential`,
        status,
        sentence(service),
      );
    case 'not_eligible': {
      const sunset = who.name === 'openai' && who.label === 'OpenAI' ? ` ${sunsetNotice()}` : '';
      return new ProviderCallError(kind, `${who.label} does not accept new fine-tuning jobs for this account.${sunset}`, status, `${sentence(service)} ${OTHER_PROVIDERS}`.trim());
    }
    case 'unreachable':
      // The low-level reason (ECONNREFUSED…) stays in the description: n8n replaces messages containing such codes.
      return new ProviderCallError(kind, `Cannot reach ${who.label} at ${who.baseURL}`, status, `${sentence(service)} Check the network and the Base URL of the ${CREDENTIAL_LABEL} credential.`);
    default:
      return new ProviderCallError(kind, described.message, status, undefined);
  }
}

/** Credential problems found before any request (no key, no base URL, unknown provider). */
export function credentialError(error: unknown): ProviderCallError {
  if (error instanceof TrainerError && error.kind === 'missing_key') {
    return new ProviderCallError('missing_key', `The ${CREDENTIAL_LABEL} credential has no API key`, undefined, 'Enter the API key of your provider account in the credential.');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderCallError('bad_request', `The ${CREDENTIAL_LABEL} credential is incomplete: ${message.replace(/--base-url/g, 'a Base URL')}`, undefined, undefined);
}

type NodeError = NodeApiError | NodeOperationError;

/** A bad parameter or input item: nothing was sent. */
export function inputError(node: INode, message: string, itemIndex: number, description?: string): NodeOperationError {
  return new NodeOperationError(node, message, { itemIndex, ...(description ? { description } : {}) });
}

/** Whatever an operation (or a list search: no item) threw, as the n8n error to report for `itemIndex`. */
export function toNodeError(ctx: Pick<IExecuteFunctions, 'getNode'>, error: unknown, itemIndex?: number): NodeError {
  const node = ctx.getNode();
  if (error instanceof NodeApiError || error instanceof NodeOperationError) {
    if (error.context.itemIndex === undefined && itemIndex !== undefined) error.context.itemIndex = itemIndex;
    return error;
  }
  if (error instanceof TrainerError) {
    const description = error instanceof ProviderCallError ? error.description : undefined;
    if (error.status !== undefined || error.kind === 'unreachable') {
      const response: JsonObject = { message: error.message, ...(error.status !== undefined ? { status: error.status } : {}) };
      return new NodeApiError(node, response, {
        message: error.message,
        ...(description ? { description } : {}),
        ...(error.status !== undefined ? { httpCode: String(error.status) } : {}),
        ...(itemIndex !== undefined ? { itemIndex } : {}),
      });
    }
    return new NodeOperationError(node, error.message, { ...(itemIndex !== undefined ? { itemIndex } : {}), ...(description ? { description } : {}) });
  }
  if (error instanceof Error) return new NodeOperationError(node, error, itemIndex !== undefined ? { itemIndex } : {});
  return new NodeOperationError(node, String(error), itemIndex !== undefined ? { itemIndex } : {});
}
