/**
 * One chat completion through n8n's request helper: the messages of an item (system prompt,
 * a single prompt or a message list), POST {baseURL}/chat/completions with the serving
 * endpoint's headers, and the answer or the service's error.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { systemPrompt, type TargetFormat } from '../../../dataset/prompt';
import type { ServingEndpoint } from '../../../trainer/types';
import { bodyMessage } from '../../../core/errors';
import { apiError, sentenceStart, timeoutError, toNodeError, type NodeErrorContext } from '../../shared/errors';

export const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

export interface WireMessage extends IDataObject {
  role: string;
  content: string | IDataObject[] | null;
}

/** A message list given as JSON text or as the array an expression returns; each entry checked. */
export function parseMessages(value: unknown, ctx: IExecuteFunctions, itemIndex: number): WireMessage[] {
  let list = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value) as unknown;
    } catch (error) {
      throw new NodeOperationError(ctx.getNode(), `Messages of item ${itemIndex} are not valid JSON: ${(error as Error).message}`, {
        itemIndex,
        description: 'Give an array like [{"role": "user", "content": "Hello"}], or an expression returning one.',
      });
    }
  }
  if (!Array.isArray(list)) {
    throw new NodeOperationError(ctx.getNode(), `Messages of item ${itemIndex} must be an array of {role, content}`, { itemIndex });
  }
  return list.map((entry: unknown, n) => {
    const m = entry as { role?: unknown; content?: unknown } | null;
    const ok = m !== null && typeof m === 'object' && typeof m.role === 'string' && (ROLES as readonly string[]).includes(m.role) && (typeof m.content === 'string' || Array.isArray(m.content));
    if (!ok) {
      throw new NodeOperationError(ctx.getNode(), `Message ${n} of item ${itemIndex} needs a role (${ROLES.join(', ')}) and a content`, {
        itemIndex,
        description: `Got ${JSON.stringify(entry)?.slice(0, 200)}`,
      });
    }
    return { ...(entry as IDataObject), role: m.role as string, content: m.content as string | IDataObject[] };
  });
}

/** The system message of the node's settings, if any. */
export function systemMessage(ctx: IExecuteFunctions, itemIndex: number): WireMessage | undefined {
  const source = ctx.getNodeParameter('systemPromptSource', itemIndex, 'custom') as string;
  if (source === 'flowtune') return { role: 'system', content: systemPrompt(ctx.getNodeParameter('workflowFormat', itemIndex, 'compact') as TargetFormat) };
  const text = ctx.getNodeParameter('systemPrompt', itemIndex, '') as string;
  return text.trim() === '' ? undefined : { role: 'system', content: text };
}

/** System prompt, then the single prompt or the message list of an item. */
export function itemMessages(ctx: IExecuteFunctions, itemIndex: number): WireMessage[] {
  const system = systemMessage(ctx, itemIndex);
  const promptType = ctx.getNodeParameter('promptType', itemIndex, 'single') as string;
  let messages: WireMessage[];
  if (promptType === 'messages') {
    const input = ctx.getNodeParameter('messagesInput', itemIndex, 'define') as string;
    if (input === 'json') {
      messages = parseMessages(ctx.getNodeParameter('messagesJson', itemIndex), ctx, itemIndex);
    } else {
      const values = ctx.getNodeParameter('messages.values', itemIndex, []) as Array<{ role?: string; content?: string }>;
      messages = values.map((m) => ({ role: m.role ?? 'user', content: m.content ?? '' }));
    }
  } else {
    const prompt = ctx.getNodeParameter('prompt', itemIndex, '') as string;
    messages = prompt.trim() === '' ? [] : [{ role: 'user', content: prompt }];
  }
  if (messages.length === 0) {
    throw new NodeOperationError(ctx.getNode(), `Item ${itemIndex} has no prompt to send`, {
      itemIndex,
      description: promptType === 'messages' ? 'Add at least one message.' : 'Fill in the Prompt (or an expression giving it).',
    });
  }
  return system ? [system, ...messages] : messages;
}

export interface ChatAnswer {
  model: string;
  content: string;
  message: IDataObject;
  finishReason: string | null;
  usage: IDataObject | null;
}

export interface ChatCallOptions {
  timeoutMs: number;
  context: NodeErrorContext & { itemIndex: number; service: string };
}

/** POST {baseURL}/chat/completions; the service's error answers become NodeApiError, a timeout says so. */
export async function chatCompletion(ctx: IExecuteFunctions, serving: ServingEndpoint, body: IDataObject, options: ChatCallOptions): Promise<ChatAnswer> {
  const { itemIndex } = options.context;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const cancel = ctx.getExecutionCancelSignal();
  const signal = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
  let response: { statusCode: number; body: unknown };
  try {
    response = (await ctx.helpers.httpRequest({
      method: 'POST',
      url: `${serving.baseURL.replace(/\/+$/, '')}/chat/completions`,
      headers: { ...serving.headers, 'content-type': 'application/json', accept: 'application/json' },
      body,
      json: true,
      timeout: options.timeoutMs,
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      abortSignal: signal,
    })) as { statusCode: number; body: unknown };
  } catch (error) {
    if (timeout.aborted && !cancel?.aborted) {
      throw timeoutError(ctx.getNode(), options.context.service, options.timeoutMs, itemIndex);
    }
    throw toNodeError(ctx.getNode(), error, options.context);
  }
  let answer = response.body;
  if (typeof answer === 'string') {
    try {
      answer = JSON.parse(answer) as unknown;
    } catch {
      // not JSON: reported below
    }
  }
  if (response.statusCode >= 400) {
    throw apiError(ctx.getNode(), { status: response.statusCode, message: bodyMessage(answer) ?? 'no message' }, options.context, answer);
  }
  const choice = (answer as { choices?: Array<{ message?: IDataObject; finish_reason?: string | null }> } | undefined)?.choices?.[0];
  if (!choice?.message) {
    throw new NodeOperationError(ctx.getNode(), `${sentenceStart(options.context.service)} answered without a message`, {
      itemIndex,
      description: `Answer: ${(typeof answer === 'string' ? answer : JSON.stringify(answer ?? null)).slice(0, 300)}`,
    });
  }
  const wire = answer as { model?: unknown; usage?: IDataObject };
  return {
    model: typeof wire.model === 'string' && wire.model !== '' ? wire.model : serving.model,
    content: typeof choice.message.content === 'string' ? choice.message.content : '',
    message: choice.message,
    finishReason: choice.finish_reason ?? null,
    usage: wire.usage ?? null,
  };
}
