/**
 * Models the generator can ask: any OpenAI-compatible chat completions endpoint
 * (OpenAI, Azure, Nebius, Together, vLLM, Ollama, llama.cpp serving a LoRA) — and the
 * offline retrieval baseline (retrieval.ts). Constrained decoding is sent the way the
 * server's kind takes it (constrained/), falls back when refused, and a strict-form answer
 * is converted back to the compact workflow before the pipeline reads it.
 */
import OpenAI from 'openai';
import type { NodeCatalog } from '../schemas/catalog/catalog';
import { afterRefusal, decodingPlan, noDecoding, type DecodingPlan } from './constrained/decoding';
import { probeServerKind, probeVllmVersion, serverKindFromUrl, type ServerIdentity, type ServerKind } from './constrained/server-kind';
import { fromStrictWorkflow } from './constrained/strict-form';
import { extractJson } from './extract';
import type { ChatMessage, CompleteOptions, DecodingTrace, ModelReply, WorkflowModel } from './types';
import { FlowtuneError } from '../core/errors';

export { workflowResponseSchema } from './constrained/schemas';

/** How long one model answer may take, the SDK's retries included, unless the caller says otherwise. */
export const DEFAULT_MODEL_TIMEOUT_MS = 120_000;

/** The model server gave no answer within the timeout (retries included). */
export class ModelTimeoutError extends FlowtuneError {
  override name = 'ModelTimeoutError';
  declare readonly baseURL: string;
  constructor(
    baseURL: string,
    readonly timeoutMs: number,
  ) {
    super(`the model server at ${baseURL} did not answer within ${timeoutMs / 1000} s`, { kind: 'timeout', baseURL });
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
  /** How to constrain decoding (default `auto`: from the host, else a bounded probe of the server). */
  serverKind?: ServerKind;
  /** Bound on the probes of `auto` (and of the vLLM version), together (default DEFAULT_PROBE_TIMEOUT_MS). */
  probeTimeoutMs?: number;
}

/** A 4xx (or a grammar failure) that names the constraint: the server does not take it. */
function isRefusal(error: unknown): error is InstanceType<typeof OpenAI.APIError> {
  if (!(error instanceof OpenAI.APIError) || typeof error.status !== 'number') return false;
  const about = /response_format|json_schema|structured|guided|grammar|schema|unrecognized request argument/i.test(error.message);
  return about && (error.status === 400 || error.status === 422 || error.status === 500);
}

/** A strict-form answer → the compact workflow's JSON text; anything else stays as it is, with why. */
function readStrictAnswer(text: string): { text: string; note?: string } {
  const extracted = extractJson(text);
  if (!extracted.ok) return { text };
  const converted = fromStrictWorkflow(extracted.value);
  if (!converted.ok) return { text, note: `answer not in the strict form (${converted.path || '/'}: ${converted.message}), read as it is` };
  return { text: JSON.stringify(converted.workflow) };
}

const UNCONSTRAINED: DecodingPlan = { mode: 'none', request: {}, strictForm: false };

export class ChatCompletionsModel implements WorkflowModel {
  readonly baseline = false;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  /** How this model's calls are constrained, once known; replaced by its fallback when the server refuses it. */
  private plan: Promise<DecodingPlan> | undefined;
  /** The server refused the constraint (once per model): generation went on with the fallback. */
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

  /** The server's kind: given, read from the host, or probed (bounded; never an error). */
  async identifyServer(): Promise<ServerIdentity> {
    const { baseURL, serverKind = 'auto' } = this.endpoint;
    const probe = {
      headers: { Authorization: `Bearer ${this.endpoint.apiKey ?? 'not-needed'}`, ...this.endpoint.headers },
      ...(this.endpoint.fetch ? { fetch: this.endpoint.fetch } : {}),
      ...(this.endpoint.probeTimeoutMs !== undefined ? { timeoutMs: this.endpoint.probeTimeoutMs } : {}),
    };
    if (serverKind === 'auto') return serverKindFromUrl(baseURL) ?? probeServerKind(baseURL, probe);
    if (serverKind === 'vllm') {
      const version = await probeVllmVersion(baseURL, probe);
      return { kind: 'vllm', ...(version ? { version } : {}), how: 'server kind given' };
    }
    return { kind: serverKind, how: 'server kind given' };
  }

  private decodingPlan(): Promise<DecodingPlan> {
    if (!this.catalog) return Promise.resolve(noDecoding('no catalog to build the schema from'));
    const catalog = this.catalog;
    this.plan ??= this.identifyServer().then((server) => decodingPlan(server, catalog));
    return this.plan;
  }

  async complete(messages: ChatMessage[], options: CompleteOptions): Promise<ModelReply> {
    const started = performance.now();
    const asked = options.constrained ? await this.decodingPlan() : UNCONSTRAINED;
    const body = {
      model: this.endpoint.model,
      messages,
      temperature: this.endpoint.temperature ?? 0,
      ...(this.endpoint.maxTokens ? { max_tokens: this.endpoint.maxTokens } : {}),
    };
    // The SDK's timeout is per attempt and it retries: one signal bounds the whole call.
    const signal = AbortSignal.timeout(this.timeoutMs);
    let sent;
    try {
      sent = await this.create(body, asked, signal);
    } catch (error) {
      if (signal.aborted || error instanceof OpenAI.APIConnectionTimeoutError) throw new ModelTimeoutError(this.endpoint.baseURL, this.timeoutMs);
      throw error;
    }
    const { response, plan } = sent;
    const raw = response.choices[0]?.message?.content ?? '';
    const read = plan.strictForm ? readStrictAnswer(raw) : { text: raw };
    const reason = [plan.reason, read.note].filter(Boolean).join('; ');
    const decoding: DecodingTrace = { mode: plan.mode, ...(reason ? { reason } : {}) };
    return {
      text: read.text,
      ...(options.constrained ? { decoding } : {}),
      ...(response.usage ? { promptTokens: response.usage.prompt_tokens, completionTokens: response.usage.completion_tokens } : {}),
      latencyMs: performance.now() - started,
    };
  }

  private async create(
    body: OpenAI.ChatCompletionCreateParamsNonStreaming,
    plan: DecodingPlan,
    signal: AbortSignal,
  ): Promise<{ response: OpenAI.ChatCompletion; plan: DecodingPlan }> {
    // Fields the SDK does not type (structured_outputs, guided_json, json_schema) go in the body as they are.
    const request = { ...body, ...plan.request } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    try {
      return { response: await this.client.chat.completions.create(request, { signal }), plan };
    } catch (error) {
      if (plan.mode === 'none' || !isRefusal(error)) throw error;
      // The server does not take this constraint: its fallback from now on (once per model).
      const next = afterRefusal(plan, error.message);
      this.plan = Promise.resolve(next);
      this.schemaRefused = true;
      return this.create(body, next, signal);
    }
  }
}
