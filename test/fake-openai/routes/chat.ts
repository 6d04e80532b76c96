/**
 * `POST /v1/chat/completions` (and Azure's `/deployments/{name}/chat/completions`): scripted
 * replies, streamed as OpenAI's SSE chunks when `stream: true`, with rough usage counts.
 * Constrained decoding is read the way the fake's server kind reads it (constraints.ts).
 */
import { nonConformance, readConstraint } from '../constraints';
import { apiError, json, jsonObject, type Reply } from '../http';
import { route, type Ctx, type Route } from '../router';
import { roughTokens } from '../validate';

export interface ChatMessage {
  role: string;
  content?: unknown;
  [key: string]: unknown;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string; json_schema?: unknown };
  [key: string]: unknown;
}

/** A scripted reply: text, an object (sent as JSON text), or a function of the request. */
export type ChatReply = string | Record<string, unknown> | ((request: ChatRequest) => string | Record<string, unknown>);

/** The replies chat completions give: queued ones first, then the default responder. */
export class ChatScript {
  private readonly queue: ChatReply[] = [];
  private responder: (request: ChatRequest) => string | Record<string, unknown> = (request) =>
    `Fake reply ${this.requests.length} from ${request.model}.`;
  /** Every chat request body received, in order (`response_format` included). */
  readonly requests: ChatRequest[] = [];
  /** Scripted replies that did not conform to the schema their request constrained them to (a test bug). */
  readonly violations: string[] = [];

  /** Queues replies for the next requests, one each. */
  reply(...replies: ChatReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Sets what answers once the queue is empty. */
  respondWith(responder: (request: ChatRequest) => string | Record<string, unknown>): this {
    this.responder = responder;
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
    this.violations.length = 0;
  }

  /** Records the request and produces the assistant text. */
  answer(request: ChatRequest): string {
    this.requests.push(request);
    const next = this.queue.length ? this.queue.shift()! : this.responder;
    const value = typeof next === 'function' ? next(request) : next;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

function promptText(messages: ChatMessage[]): string {
  return messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))).join('\n');
}

function completions(ctx: Ctx, deployment?: string): Reply {
  const body = jsonObject(ctx.body);
  if (!body) return apiError(400, 'We could not parse the JSON body of your request.');
  const model = deployment ?? body.model;
  if (typeof model !== 'string' || model === '') return apiError(400, 'you must provide a model parameter');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return apiError(400, "Missing required parameter: 'messages'.", { param: 'messages', code: 'missing_required_parameter' });
  }
  const { core } = ctx;
  if (!core.isChatModel(model)) {
    return apiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, { code: 'model_not_found' });
  }
  const request = { ...body, model } as ChatRequest;
  const read = readConstraint(body, core.settings);
  if ('refusal' in read) {
    core.chat.requests.push(request);
    return read.refusal;
  }
  const content = core.chat.answer(request);
  const mismatch = read.constraint && nonConformance(content, read.constraint);
  if (mismatch) {
    const message = `fake-openai: the scripted reply does not conform to the ${read.constraint!.field} schema: ${mismatch}`;
    core.chat.violations.push(message);
    return apiError(400, message);
  }
  const id = `chatcmpl-${core.ids.alnum(29)}`;
  const created = core.clock.now();
  const shownModel = core.resolveAlias(model);
  const promptTokens = roughTokens(promptText(request.messages));
  const completionTokens = roughTokens(content);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const common = { id, created, model: shownModel, system_fingerprint: 'fp_fake0000', service_tier: 'default' };

  if (request.stream !== true) {
    return json({
      ...common,
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' },
      ],
      usage,
    });
  }

  const includeUsage = request.stream_options?.include_usage === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    JSON.stringify({
      ...common,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const pieces = content.match(/\S+\s*|\s+/g) ?? [];
  const events = [
    chunk({ role: 'assistant', content: '', refusal: null }, null),
    ...pieces.map((piece) => chunk({ content: piece }, null)),
    chunk({}, 'stop'),
  ];
  if (includeUsage) events.push(JSON.stringify({ ...common, object: 'chat.completion.chunk', choices: [], usage }));
  events.push('[DONE]');
  return { kind: 'sse', status: 200, events };
}

export const chatRoutes: Route[] = [
  route('POST', 'v1', /^\/chat\/completions$/, (ctx) => completions(ctx)),
  route('POST', 'v1', /^\/deployments\/([^/]+)\/chat\/completions$/, (ctx, [deployment]) => completions(ctx, deployment)),
];
