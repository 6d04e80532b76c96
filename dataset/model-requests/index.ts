/**
 * Model-written requests: for each workflow, one call asks a model (any OpenAI-compatible server)
 * for N requests in a user's voice; answers are checked (check.ts), cached by content hash
 * (cache.ts) and, when a call or its answer fails, the workflow keeps its rule-based requests
 * (counted by reason). Plain data in, plain data out: the build decides what the items are and
 * what to do with the texts.
 *
 * Order: prompts are built for every item, the cache is read, the cost of the calls still to make
 * is estimated and confirmed (nothing is asked when everything is cached), then at most
 * `concurrency` calls run at a time. Results are keyed and listed in the order of the items,
 * whatever order the answers arrive in; with temperature 0 and the cache, a re-run gives the
 * same texts and makes no call.
 */
import { parsePriceTable, priceFor } from '../cost';
import { countTokens, modelInfo } from '../tokens';
import { cacheKey, type CachedAnswer, defaultRequestsCacheDir, RequestsCache } from './cache';
import { type AnswerProblemCode, checkAnswer } from './check';
import { RequestCallError, RequestsClient, type RequestsEndpoint } from './client';
import { buildRequestsPrompt, REQUEST_STYLES, REQUESTS_PROMPT_VERSION, type BuiltPrompt } from './prompt';
import inferencePrices from './prices.json';
import { FlowtuneError } from '../../core/errors';

export { defaultRequestsCacheDir } from './cache';
export { RequestsEndpointError } from './client';
export { REQUESTS_PROMPT_VERSION } from './prompt';

export const DEFAULT_REQUESTS_COUNT = 3;
export const DEFAULT_REQUESTS_CONCURRENCY = 4;
/** Failed examples listed in the stats (the counts cover all). */
const MAX_FAILURE_SAMPLES = 20;

export interface ModelRequestItem {
  /** Identifies the item in the result (any string unique among the items). */
  key: string;
  /** The target workflow, compact form preferred (a full workflow is read the same way). Redacted. */
  compactWorkflow: unknown;
  /** Redacted title and description. */
  title?: string;
  description?: string;
  /** The rule-based requests: what the item keeps when the model's answer fails. */
  fallback: string[];
}

export interface SpendEstimate {
  model: string;
  baseURL: string;
  /** Calls to make (items whose answer is not cached). */
  calls: number;
  cached: number;
  /** Prompt tokens of those calls, counted with the model's tokenizer (`tokensEstimated` when not its own). */
  promptTokens: number;
  /** Answer tokens: the styles' longest requests at 4 characters per token, plus the JSON around them. */
  completionTokens: number;
  tokensEstimated: boolean;
  /** Null: no price known for the model (self-hosted servers, most hosted open models). */
  usd: number | null;
  priceKey: string | null;
}

export interface ModelRequestsStats {
  model: string;
  baseURL: string;
  promptVersion: string;
  /** Requests asked for per workflow. */
  count: number;
  items: number;
  /** Calls made by this run (retries not counted) and answers served from the cache. */
  calls: number;
  cached: number;
  retries: number;
  /** Items whose requests are the model's, and items that kept their rule-based ones. */
  fromModel: number;
  fellBack: number;
  fallbackReasons: Partial<Record<AnswerProblemCode | 'call_failed', number>>;
  /** The first failures, with their item. */
  failures: Array<{ key: string; reason: AnswerProblemCode | 'call_failed'; message: string }>;
  /** Items whose workflow was summarised to fit the prompt cap. */
  summarised: number;
  /** Tokens of this run's calls (the server's usage; our count where it gave none). */
  promptTokens: number;
  completionTokens: number;
  /** The estimate shown before the calls, and the cost of the tokens used, when a price is known. */
  estimatedUsd: number | null;
  usd: number | null;
  /** The server took JSON mode (`response_format: json_object`). */
  jsonMode: boolean;
}

export interface ModelRequestResult {
  texts: string[];
  source: 'model' | 'fallback';
}

export interface ModelRequestsOptions extends Omit<RequestsEndpoint, 'temperature'> {
  /** Requests per workflow (default DEFAULT_REQUESTS_COUNT). */
  count?: number;
  /** Answer cache folder (default defaultRequestsCacheDir()). */
  cacheDir?: string;
  /** Calls at the same time (default DEFAULT_REQUESTS_CONCURRENCY). */
  concurrency?: number;
  /** Default 0: the same prompt gets the same answer as far as the server allows; the cache does the rest. */
  temperature?: number;
  /** Cap on the workflow part of each prompt, in tokens. */
  maxWorkflowTokens?: number;
  signal?: AbortSignal;
  /**
   * Asked with the estimate before the first call; not asked when every answer is cached.
   * False (or a throw) spends nothing: RequestsNotConfirmedError. Absent: the calls go ahead.
   */
  confirm?: (estimate: SpendEstimate) => boolean | Promise<boolean>;
  onProgress?: (done: number, total: number) => void;
}

/** The estimate was not confirmed: no call was made. */
export class RequestsNotConfirmedError extends FlowtuneError {
  override name = 'RequestsNotConfirmedError';
  constructor(readonly estimate: SpendEstimate) {
    super(`not calling ${estimate.model}: the estimated cost of ${estimate.calls} call(s) was not confirmed; nothing was spent`, { kind: 'not_confirmed' });
  }
}

/** The inference price table (input, output: USD per 1M tokens). */
const PRICES = {
  input: parsePriceTable(inferencePrices.input, 'dataset/model-requests/prices.json input'),
  output: parsePriceTable(inferencePrices.output, 'dataset/model-requests/prices.json output'),
};

function usdFor(model: string, promptTokens: number, completionTokens: number): { usd: number | null; key: string | null } {
  // Not loadPriceTable: that lays the table over the training prices.
  const input = priceFor(model, PRICES.input);
  const output = priceFor(model, PRICES.output);
  if (!input || !output) return { usd: null, key: null };
  return { usd: (promptTokens * input.usdPerMillion + completionTokens * output.usdPerMillion) / 1_000_000, key: input.key };
}

/** Tokens an answer takes at most in English-like text: 4 characters per token, plus the JSON around the requests. */
function answerTokens(prompt: BuiltPrompt): number {
  return Math.ceil(prompt.styles.reduce((sum, style) => sum + REQUEST_STYLES[style].max, 0) / 4) + 8 * prompt.styles.length + 8;
}

interface Planned {
  item: Omit<ModelRequestItem, 'compactWorkflow'>;
  prompt: BuiltPrompt;
  cacheKey: string;
}

export async function writeRequestsWithModel(
  items: Iterable<ModelRequestItem> | AsyncIterable<ModelRequestItem>,
  options: ModelRequestsOptions,
): Promise<{ requests: Map<string, ModelRequestResult>; stats: ModelRequestsStats; estimate: SpendEstimate }> {
  const { count, concurrency, temperature } = checkedSettings(options);
  const cache = new RequestsCache(options.cacheDir ?? defaultRequestsCacheDir());
  const planned = await planPrompts(items, options, count, temperature);
  const { cachedAnswers, misses } = readCachedAnswers(planned, cache);
  const estimate = estimateSpend(planned, misses, options);
  if (misses.length > 0 && options.confirm && !(await options.confirm(estimate))) throw new RequestsNotConfirmedError(estimate);

  const client = new RequestsClient({ ...options, temperature });
  const called = await callForMisses(planned, misses, { client, cache, concurrency, options });
  const answers = new Map([...cachedAnswers, ...called.answers]);
  const outcome = requestsFromAnswers(planned, answers, called.callFailures);
  const stats: ModelRequestsStats = {
    model: options.model,
    baseURL: options.baseURL,
    promptVersion: REQUESTS_PROMPT_VERSION,
    count,
    items: planned.length,
    calls: misses.length,
    cached: planned.length - misses.length,
    retries: client.retries,
    fromModel: outcome.fromModel,
    fellBack: outcome.fellBack,
    fallbackReasons: outcome.fallbackReasons,
    failures: outcome.failures,
    summarised: planned.filter((p) => p.prompt.summarised).length,
    promptTokens: called.used.prompt,
    completionTokens: called.used.completion,
    estimatedUsd: estimate.usd,
    usd: usdFor(options.model, called.used.prompt, called.used.completion).usd,
    jsonMode: client.jsonMode,
  };
  return { requests: outcome.requests, stats, estimate };
}

/** The options' count, concurrency and temperature, defaulted; a count or concurrency below 1 is a RangeError. */
function checkedSettings(options: ModelRequestsOptions): { count: number; concurrency: number; temperature: number } {
  const count = options.count ?? DEFAULT_REQUESTS_COUNT;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number ≥ 1 (got ${count})`);
  const concurrency = options.concurrency ?? DEFAULT_REQUESTS_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1 (got ${concurrency})`);
  return { count, concurrency, temperature: options.temperature ?? 0 };
}

/** Each item's prompt and cache key, in the items' order; a key given twice is an error. */
async function planPrompts(
  items: Iterable<ModelRequestItem> | AsyncIterable<ModelRequestItem>,
  options: ModelRequestsOptions,
  count: number,
  temperature: number,
): Promise<Planned[]> {
  // The workflows are not kept: a prompt is capped, a workflow is not.
  const planned: Planned[] = [];
  const keys = new Set<string>();
  for await (const { compactWorkflow, ...item } of items) {
    if (keys.has(item.key)) throw new Error(`model requests: item key "${item.key}" is given twice`);
    keys.add(item.key);
    const prompt = buildRequestsPrompt(
      { workflow: compactWorkflow, ...(item.title !== undefined ? { title: item.title } : {}), ...(item.description !== undefined ? { description: item.description } : {}) },
      { count, model: options.model, ...(options.maxWorkflowTokens !== undefined ? { maxWorkflowTokens: options.maxWorkflowTokens } : {}) },
    );
    const maxTokens = answerMaxTokens(prompt);
    const key = cacheKey({ model: options.model, promptVersion: REQUESTS_PROMPT_VERSION, settings: { temperature, maxTokens }, messages: prompt.messages });
    planned.push({ item, prompt, cacheKey: key });
  }
  return planned;
}

/** The cached answers by plan index, and the indexes still to call for (in order). */
function readCachedAnswers(planned: Planned[], cache: RequestsCache): { cachedAnswers: Map<number, CachedAnswer>; misses: number[] } {
  const cachedAnswers = new Map<number, CachedAnswer>();
  const misses: number[] = [];
  for (const [index, plan] of planned.entries()) {
    const hit = cache.get(plan.cacheKey);
    if (hit) cachedAnswers.set(index, hit);
    else misses.push(index);
  }
  return { cachedAnswers, misses };
}

/** What the calls for `misses` would take: tokens, and dollars when the model has a price. */
function estimateSpend(planned: Planned[], misses: number[], options: ModelRequestsOptions): SpendEstimate {
  const promptTokens = misses.reduce((sum, i) => sum + planned[i].prompt.promptTokens, 0);
  const completionTokens = misses.reduce((sum, i) => sum + answerTokens(planned[i].prompt), 0);
  const price = usdFor(options.model, promptTokens, completionTokens);
  return {
    model: options.model,
    baseURL: options.baseURL,
    calls: misses.length,
    cached: planned.length - misses.length,
    promptTokens,
    completionTokens,
    tokensEstimated: modelInfo(options.model).approximate,
    usd: price.usd,
    priceKey: price.key,
  };
}

interface CallsResult {
  /** The new answers by plan index (each also put in the cache). */
  answers: Map<number, CachedAnswer>;
  /** Messages of the calls that failed, by plan index. */
  callFailures: Map<number, string>;
  /** Tokens of the answered calls. */
  used: { prompt: number; completion: number };
}

/**
 * Calls the model for every miss, at most `concurrency` at a time, caching each answer as it comes.
 * A RequestCallError fails that item only; any other error stops the other calls and is thrown.
 */
async function callForMisses(
  planned: Planned[],
  misses: number[],
  { client, cache, concurrency, options }: { client: RequestsClient; cache: RequestsCache; concurrency: number; options: ModelRequestsOptions },
): Promise<CallsResult> {
  const answers = new Map<number, CachedAnswer>();
  const callFailures = new Map<number, string>();
  const used = { prompt: 0, completion: 0 };
  let done = planned.length - misses.length;
  options.onProgress?.(done, planned.length);
  if (misses.length === 0) return { answers, callFailures, used };
  // A failure every call would share stops the others (answers already in are cached).
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let fatal: unknown;
  let next = 0;
  const worker = async () => {
    while (next < misses.length && !signal.aborted) {
      const index = misses[next++];
      const plan = planned[index];
      try {
        const answer = await client.complete(plan.prompt.messages, signal, answerMaxTokens(plan.prompt));
        const stored: CachedAnswer = {
          text: answer.text,
          promptTokens: answer.promptTokens ?? plan.prompt.promptTokens,
          completionTokens: answer.completionTokens ?? countTokens(answer.text, options.model),
        };
        used.prompt += stored.promptTokens!;
        used.completion += stored.completionTokens!;
        cache.put(plan.cacheKey, stored, options.model);
        answers.set(index, stored);
      } catch (error) {
        if (error instanceof RequestCallError) callFailures.set(index, error.message);
        else {
          fatal ??= error;
          stop.abort(error);
          return;
        }
      }
      options.onProgress?.(++done, planned.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, misses.length) }, worker));
  if (options.signal?.aborted) throw options.signal.reason;
  if (fatal !== undefined) throw fatal;
  return { answers, callFailures, used };
}

/** How an item's requests came out, as the stats count it. */
type RequestsOutcome = Pick<ModelRequestsStats, 'fromModel' | 'fellBack' | 'fallbackReasons' | 'failures'>;

/** Each item's texts: the model's when its answer passes the checks, else its rule-based fallback (counted by reason). */
function requestsFromAnswers(
  planned: Planned[],
  answers: Map<number, CachedAnswer>,
  callFailures: Map<number, string>,
): RequestsOutcome & { requests: Map<string, ModelRequestResult> } {
  const requests = new Map<string, ModelRequestResult>();
  const outcome: RequestsOutcome = { fromModel: 0, fellBack: 0, fallbackReasons: {}, failures: [] };
  const fallBack = (plan: Planned, reason: AnswerProblemCode | 'call_failed', message: string) => {
    outcome.fellBack++;
    outcome.fallbackReasons[reason] = (outcome.fallbackReasons[reason] ?? 0) + 1;
    if (outcome.failures.length < MAX_FAILURE_SAMPLES) outcome.failures.push({ key: plan.item.key, reason, message });
    requests.set(plan.item.key, { texts: plan.item.fallback, source: 'fallback' });
  };
  for (const [index, plan] of planned.entries()) {
    const answer = answers.get(index);
    if (!answer) {
      fallBack(plan, 'call_failed', callFailures.get(index) ?? 'no answer');
      continue;
    }
    const checked = checkAnswer(answer.text, { styles: plan.prompt.styles, ...(plan.item.title !== undefined ? { title: plan.item.title } : {}), ...(plan.item.description !== undefined ? { description: plan.item.description } : {}) });
    if (!checked.ok) {
      fallBack(plan, checked.problem.code, checked.problem.message);
      continue;
    }
    outcome.fromModel++;
    requests.set(plan.item.key, { texts: checked.texts, source: 'model' });
  }
  return { requests, ...outcome };
}

/** The answer's token bound: every style at its longest, one token per character (scripts without spaces), plus the JSON. */
function answerMaxTokens(prompt: BuiltPrompt): number {
  return prompt.styles.reduce((sum, style) => sum + REQUEST_STYLES[style].max, 0) + 16 * prompt.styles.length + 32;
}
