/**
 * The chat model Fine-Tuned Chat Model supplies: LangChain's `ChatOpenAI` (n8n's copy, see
 * ./langchain.ts) pointed at the credential's serving endpoint, so that n8n's AI Agent and chains
 * accept it (a LangChain chat model with tool calling) exactly as they accept n8n's own
 * OpenAI-compatible chat models. What this adds to it:
 *
 * - HTTP through n8n's request helper (`nodes/shared/transport.ts`), so n8n's proxy settings and
 *   the execution's cancel signal apply; the endpoint's own authentication headers (Bearer,
 *   Azure's `api-key`, …) replace the OpenAI client's.
 * - Failures, once LangChain has given up retrying, as NodeApiError / NodeOperationError in the
 *   words of the other nodes (`nodes/shared/errors.ts`).
 * - The model's input and output in n8n's execution data (the sub-node's run in the editor and in
 *   the execution log), through a LangChain callback.
 */
import { NodeConnectionTypes, NodeOperationError, type IDataObject, type ISupplyDataFunctions } from 'n8n-workflow';
import type { ChatOpenAI } from '@langchain/openai';
import type { ServingEndpoint } from '../../../trainer/types';
import { n8nFetch } from '../../shared/transport';
import { isNodeError, timeoutError, toNodeError, type NodeErrorContext, type NodeError } from '../../shared/errors';
import type { LangChainOpenAIModule } from './langchain';

export interface ChatModelSettings {
  endpoint: ServingEndpoint;
  temperature?: number;
  maxTokens?: number;
  timeoutMs: number;
  maxRetries: number;
  /** Ask for a JSON object (response_format json_object). */
  jsonMode: boolean;
  /** Who answers and what to check, for error messages. */
  context: NodeErrorContext & { itemIndex: number; service: string };
}

/** The OpenAI client's fetch: its Authorization header replaced by the serving endpoint's headers. */
export function endpointFetch(base: typeof fetch, endpoint: ServingEndpoint): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    headers.delete('authorization');
    for (const [key, value] of Object.entries(endpoint.headers)) headers.set(key, value);
    return base(input, { ...init, headers });
  }) as typeof fetch;
}

function isTimeout(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | null;
  return e?.constructor?.name === 'APIConnectionTimeoutError' || (typeof e?.message === 'string' && /^request timed out/i.test(e.message));
}

/** A failure of the model (after LangChain's retries) as the node error n8n shows. */
export function modelError(ctx: Pick<ISupplyDataFunctions, 'getNode'>, error: unknown, settings: Pick<ChatModelSettings, 'timeoutMs' | 'context'>): NodeError {
  if (isNodeError(error)) return error;
  const { context } = settings;
  if (isTimeout(error)) return timeoutError(ctx.getNode(), context.service, settings.timeoutMs, context.itemIndex);
  return toNodeError(ctx.getNode(), error, context);
}

type ChatOpenAIClass = LangChainOpenAIModule['ChatOpenAI'];
type Failure = (error: unknown) => NodeError;

/** Per model instance: how its failures read (kept out of the instance, which LangChain serialises). */
const failures = new WeakMap<object, Failure>();
const subclasses = new WeakMap<ChatOpenAIClass, ChatOpenAIClass>();

/**
 * ChatOpenAI whose generation (plain or streamed, with the retries inside) fails with node
 * errors. Made once per LangChain copy, since the class only exists once that copy is loaded.
 */
function nodeErrorChatOpenAI(Base: ChatOpenAIClass): ChatOpenAIClass {
  let subclass = subclasses.get(Base);
  if (!subclass) {
    const fail = (model: object, error: unknown): unknown => failures.get(model)?.(error) ?? error;
    subclass = class FineTunedChatOpenAI extends Base {
      override async _generate(...args: Parameters<ChatOpenAI['_generate']>): ReturnType<ChatOpenAI['_generate']> {
        try {
          return await super._generate(...args);
        } catch (error) {
          throw fail(this, error);
        }
      }

      override async *_streamResponseChunks(...args: Parameters<ChatOpenAI['_streamResponseChunks']>): ReturnType<ChatOpenAI['_streamResponseChunks']> {
        try {
          yield* super._streamResponseChunks(...args);
        } catch (error) {
          throw fail(this, error);
        }
      }

      /**
       * Binding tools or options (what an agent does first) copies the model: LangChain 1.x as
       * a plain `new ChatOpenAI(fields)`, which would lose the overrides above. The copy becomes
       * one of these, with the same failure messages. (Older LangChain wraps this very model.)
       */
      override withConfig(...args: Parameters<ChatOpenAI['withConfig']>): ReturnType<ChatOpenAI['withConfig']> {
        const copy = super.withConfig(...args);
        if (copy instanceof Base && !(copy instanceof FineTunedChatOpenAI)) Object.setPrototypeOf(copy, FineTunedChatOpenAI.prototype);
        const failure = failures.get(this);
        if (failure && copy !== this) failures.set(copy, failure);
        return copy;
      }
    };
    subclasses.set(Base, subclass);
  }
  return subclass;
}

interface Generation {
  text?: string;
  generationInfo?: Record<string, unknown>;
}

/**
 * LangChain callbacks that record each model call as a run of the sub-node: what it was asked
 * (input), what it answered and the tokens it used (output), or its error. Awaited, so that the
 * data is there before the root node finishes.
 */
export function executionDataCallbacks(ctx: Pick<ISupplyDataFunctions, 'addInputData' | 'addOutputData' | 'getNode'>, options: IDataObject) {
  const runs = new Map<string, number>();
  const type = NodeConnectionTypes.AiLanguageModel;
  return {
    awaitHandlers: true,
    handleLLMStart(_llm: unknown, prompts: string[], runId: string): void {
      const { index } = ctx.addInputData(type, [[{ json: { messages: prompts, options } }]]);
      runs.set(runId, index);
    },
    handleLLMEnd(output: { generations: Generation[][]; llmOutput?: Record<string, unknown> }, runId: string): void {
      const index = runs.get(runId) ?? runs.size;
      runs.delete(runId);
      const generations = output.generations.map((list) => list.map((g) => ({ text: g.text ?? '', ...(g.generationInfo ? { generationInfo: g.generationInfo } : {}) })));
      const usage = output.llmOutput?.tokenUsage as IDataObject | undefined;
      ctx.addOutputData(type, index, [[{ json: { response: { generations }, ...(usage ? { tokenUsage: usage } : {}) } as IDataObject }]]);
    },
    handleLLMError(error: unknown, runId: string): void {
      const index = runs.get(runId) ?? runs.size;
      runs.delete(runId);
      ctx.addOutputData(type, index, isNodeError(error) ? error : new NodeOperationError(ctx.getNode(), error as Error));
    },
  };
}

/** The LangChain chat model for `settings`, built on n8n's copy of `@langchain/openai`. */
export function createChatModel(ctx: ISupplyDataFunctions, langchain: LangChainOpenAIModule, settings: ChatModelSettings): ChatOpenAI {
  const { endpoint } = settings;
  const Model = nodeErrorChatOpenAI(langchain.ChatOpenAI);
  const shown: IDataObject = {
    model: endpoint.model,
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    ...(settings.jsonMode ? { responseFormat: 'json_object' } : {}),
  };
  const model = new Model({
    model: endpoint.model,
    // The endpoint's headers authenticate (endpointFetch); the client insists on some key.
    apiKey: 'set-by-the-endpoint-headers',
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
    ...(settings.maxTokens !== undefined ? { maxTokens: settings.maxTokens } : {}),
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    ...(settings.jsonMode ? { modelKwargs: { response_format: { type: 'json_object' } } } : {}),
    configuration: {
      baseURL: endpoint.baseURL,
      fetch: endpointFetch(n8nFetch(ctx.helpers, ctx.getExecutionCancelSignal()), endpoint),
    },
    callbacks: [executionDataCallbacks(ctx, shown)],
  });
  failures.set(model, (error) => modelError(ctx, error, settings));
  return model;
}
