/**
 * Models the generator can ask: any OpenAI-compatible chat completions endpoint
 * (OpenAI, Azure, Nebius, Together, vLLM, Ollama, llama.cpp serving a LoRA) — and the
 * offline retrieval baseline (retrieval.ts).
 */
import OpenAI from 'openai';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { ChatMessage, CompleteOptions, ModelReply, WorkflowModel } from './types';

/** How long one model answer may take, the SDK's retries included, unless the caller says otherwise. */
export const DEFAULT_MODEL_TIMEOUT_MS = 120_000;

/** The model server gave no answer within the timeout (retries included). */
export class ModelTimeoutError extends Error {
  override name = 'ModelTimeoutError';
  constructor(
    readonly baseURL: string,
    readonly timeoutMs: number,
  ) {
    super(`the model server at ${baseURL} did not answer within ${timeoutMs / 1000} s`);
  }
}

export interface ChatEndpoint {
  baseURL: string;
  apiKey?: string;
  model: string;
  headers?: Record<string, string>;
  temperature?: number;
  maxTokens?: number;
  /** Bound on one `complete` call as a whole, retries included (default DEFAULT_MODEL_TIMEOUT_MS). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/**
 * JSON Schema of a compact workflow whose node `type` is an enum of the catalog's types:
 * servers that honour `response_format: json_schema` cannot invent a node type.
 */
export function workflowResponseSchema(catalog: NodeCatalog): Record<string, unknown> {
  const types = [...catalog.types()].filter((t) => !t.entry.hidden).map((t) => t.entry.type).sort();
  return {
    type: 'object',
    properties: {
      name: { type: 'string' },
      nodes: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            type: { type: 'string', enum: types },
            typeVersion: { type: 'number' },
            parameters: { type: 'object' },
            credentials: { type: 'array', items: { type: 'string' } },
          },
          required: ['name', 'type'],
        },
      },
      connections: { type: 'object' },
    },
    required: ['nodes', 'connections'],
  };
}

export class ChatCompletionsModel implements WorkflowModel {
  readonly baseline = false;
  private readonly client: OpenAI;
  private schema: Record<string, unknown> | undefined;
  private readonly timeoutMs: number;
  /** The server refused `response_format: json_schema`: generation goes on unconstrained. */
  schemaRefused = false;

  constructor(
    private readonly endpoint: ChatEndpoint,
    private readonly catalog?: NodeCatalog,
  ) {
    this.timeoutMs = endpoint.timeoutMs ?? DEFAULT_MODEL_TIMEOUT_MS;
    this.client = new OpenAI({
      baseURL: endpoint.baseURL,
      // Local servers (vLLM, Ollama, llama.cpp) take any key.
      apiKey: endpoint.apiKey ?? 'not-needed',
      ...(endpoint.headers ? { defaultHeaders: endpoint.headers } : {}),
      timeout: this.timeoutMs,
      ...(endpoint.fetch ? { fetch: endpoint.fetch } : {}),
      maxRetries: 2,
    });
  }

  get id(): string {
    return this.endpoint.model;
  }

  async complete(messages: ChatMessage[], options: CompleteOptions): Promise<ModelReply> {
    const started = performance.now();
    const constrained = options.constrained && this.catalog && !this.schemaRefused;
    if (constrained) this.schema ??= workflowResponseSchema(this.catalog!);
    const body = {
      model: this.endpoint.model,
      messages,
      temperature: this.endpoint.temperature ?? 0,
      ...(this.endpoint.maxTokens ? { max_tokens: this.endpoint.maxTokens } : {}),
    };
    // The SDK's timeout is per attempt and it retries: one signal bounds the whole call.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response;
    try {
      response = await this.create(body, constrained === true, signal);
    } catch (error) {
      if (signal.aborted || error instanceof OpenAI.APIConnectionTimeoutError) throw new ModelTimeoutError(this.endpoint.baseURL, this.timeoutMs);
      throw error;
    }
    return {
      text: response.choices[0]?.message?.content ?? '',
      ...(response.usage ? { promptTokens: response.usage.prompt_tokens, completionTokens: response.usage.completion_tokens } : {}),
      latencyMs: performance.now() - started,
    };
  }

  private async create(body: OpenAI.ChatCompletionCreateParamsNonStreaming, constrained: boolean, signal: AbortSignal) {
    if (!constrained) return this.client.chat.completions.create(body, { signal });
    try {
      return await this.client.chat.completions.create(
        { ...body, response_format: { type: 'json_schema', json_schema: { name: 'n8n_workflow', schema: this.schema!, strict: false } } },
        { signal },
      );
    } catch (error) {
      // Servers without structured outputs refuse the parameter: ask again without it (once per model).
      if (!(error instanceof OpenAI.BadRequestError) || !/response_format|json_schema|structured/i.test(error.message)) throw error;
      this.schemaRefused = true;
      return this.client.chat.completions.create(body, { signal });
    }
  }
}
