/**
 * Models the generator can ask: any OpenAI-compatible chat completions endpoint
 * (OpenAI, Azure, Nebius, Together, vLLM, Ollama, llama.cpp serving a LoRA) — and the
 * offline retrieval baseline (retrieval.ts).
 */
import OpenAI from 'openai';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { ChatMessage, CompleteOptions, ModelReply, WorkflowModel } from './types';

export interface ChatEndpoint {
  baseURL: string;
  apiKey?: string;
  model: string;
  headers?: Record<string, string>;
  temperature?: number;
  maxTokens?: number;
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
  /** The server refused `response_format: json_schema`: generation goes on unconstrained. */
  schemaRefused = false;

  constructor(
    private readonly endpoint: ChatEndpoint,
    private readonly catalog?: NodeCatalog,
  ) {
    this.client = new OpenAI({
      baseURL: endpoint.baseURL,
      // Local servers (vLLM, Ollama, llama.cpp) take any key.
      apiKey: endpoint.apiKey ?? 'not-needed',
      ...(endpoint.headers ? { defaultHeaders: endpoint.headers } : {}),
      ...(endpoint.timeoutMs ? { timeout: endpoint.timeoutMs } : {}),
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
    let response;
    try {
      response = await this.client.chat.completions.create(
        constrained ? { ...body, response_format: { type: 'json_schema', json_schema: { name: 'n8n_workflow', schema: this.schema!, strict: false } } } : body,
      );
    } catch (error) {
      // Servers without structured outputs refuse the parameter: ask again without it (once per model).
      if (!constrained || !(error instanceof OpenAI.BadRequestError) || !/response_format|json_schema|structured/i.test(error.message)) throw error;
      this.schemaRefused = true;
      response = await this.client.chat.completions.create(body);
    }
    return {
      text: response.choices[0]?.message?.content ?? '',
      ...(response.usage ? { promptTokens: response.usage.prompt_tokens, completionTokens: response.usage.completion_tokens } : {}),
      latencyMs: performance.now() - started,
    };
  }
}
