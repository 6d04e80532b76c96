/**
 * Training cost estimate for OpenAI fine-tuning, by the rule of the OpenAI cookbook
 * (examples/Chat_finetuning_data_prep.ipynb): the default number of epochs, billed tokens =
 * Σ min(limit, tokens of the example) × epochs, times a price per 1M training tokens.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import builtInPrices from './prices.json';
import { parseShape } from '../core/zod-errors';
import { isObject } from '../schemas/json-value';
import { modelInfo } from './tokens';
import { FlowtuneError, type ErrorData } from '../core/errors';

export const TARGET_EPOCHS = 3;
export const MIN_TARGET_EXAMPLES = 100;
export const MAX_TARGET_EXAMPLES = 25_000;
export const MIN_DEFAULT_EPOCHS = 1;
export const MAX_DEFAULT_EPOCHS = 25;

/**
 * The cookbook's default n_epochs. Its divisions are Python's `//` (floor), kept as written:
 * 30 examples → 100 // 30 = 3 epochs (90 examples seen, not ≥ 100); 10 → 10; 50,000 → 1.
 */
export function defaultEpochs(trainingExamples: number): number {
  const n = trainingExamples;
  if (n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / n));
  if (n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / n));
  return TARGET_EPOCHS;
}

const withoutComments = (value: unknown): unknown => (isObject(value) ? Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('$'))) : value);

/** A price file: model id → USD per 1M training tokens; `$`-keys are comments and are dropped. */
export const PRICE_TABLE_SCHEMA = z.preprocess(withoutComments, z.record(z.string(), z.number().finite().nonnegative()));

/** Model id → USD per 1M training tokens. */
export type PriceTable = z.infer<typeof PRICE_TABLE_SCHEMA>;

export class PriceTableError extends FlowtuneError {
  override name = 'PriceTableError';
  constructor(message: string, where: Pick<ErrorData, 'file' | 'field'> = {}) {
    super(message, { kind: 'invalid_input', ...where });
  }
}

/** The table of a price file's JSON; errors name `source` and the model id. */
export function parsePriceTable(value: unknown, source: string): PriceTable {
  return parseShape(PRICE_TABLE_SCHEMA, value, source, (message) => new PriceTableError(`${message} (a price table is a JSON object of model id → USD per 1M training tokens)`));
}

export const BUILT_IN_PRICES: Readonly<PriceTable> = parsePriceTable(builtInPrices, 'dataset/prices.json');

/** The built-in table with the entries of a user file (path) or table laid over it. */
export function loadPriceTable(override?: string | PriceTable): PriceTable {
  if (override === undefined) return { ...BUILT_IN_PRICES };
  if (typeof override !== 'string') return { ...BUILT_IN_PRICES, ...parsePriceTable(override, 'prices') };
  let text: string;
  try {
    text = readFileSync(override, 'utf8');
  } catch (error) {
    throw new PriceTableError(`cannot read price table ${override}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`${override}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ...BUILT_IN_PRICES, ...parsePriceTable(value, override) };
}

/** The family a price covers: the model table key without a `-MMDD` snapshot (gpt-3.5-turbo-0125 → gpt-3.5-turbo). */
function priceFamily(model: string): string | null {
  return modelInfo(model).family?.replace(/-\d{4}$/, '') ?? null;
}

/**
 * The price of a model: its own id (as given, then without `ft:`), then any key of the same
 * family (newest snapshot first), so `gpt-4o-mini-2024-07-18` prices `gpt-4o-mini` and
 * `ft:gpt-4o-mini-2024-07-18:org::id`. Unknown models are priced only by an exact key.
 */
export function priceFor(model: string, table: PriceTable): { key: string; usdPerMillion: number } | null {
  const info = modelInfo(model);
  for (const key of [model, info.base]) {
    if (Object.hasOwn(table, key)) return { key, usdPerMillion: table[key] };
  }
  const family = priceFamily(model);
  if (family === null) return null;
  const sameFamily = Object.keys(table)
    .filter((key) => priceFamily(key) === family)
    .sort()
    .reverse();
  return sameFamily.length > 0 ? { key: sameFamily[0], usdPerMillion: table[sameFamily[0]] } : null;
}

export interface TrainingCostInput {
  /** Tokens of every training example (countChatTokens). */
  tokensPerExample: readonly number[];
  model: string;
  /** Fixed n_epochs; omitted → the cookbook default for this many examples. */
  epochs?: number;
  /** A price file path or a table, laid over dataset/prices.json. */
  prices?: string | PriceTable;
}

/** A type alias (not an interface) so it fits records with an index signature. */
export type TrainingCostEstimate = {
  model: string;
  examples: number;
  epochs: number;
  epochsSource: 'default' | 'given';
  /** Per-example limit: longer examples are billed (and trained) up to it. */
  limit: number;
  /** Examples over the limit. */
  overLimit: number;
  /** Σ min(limit, tokens) — the tokens of one epoch. */
  tokensPerEpoch: number;
  billedTokens: number;
  /** The price table key used, or null when no price is known for the model. */
  priceKey: string | null;
  usdPerMillion: number | null;
  usd: number | null;
};

export function estimateTrainingCost(input: TrainingCostInput): TrainingCostEstimate {
  const { tokensPerExample, model } = input;
  if (input.epochs !== undefined && (!Number.isInteger(input.epochs) || input.epochs < 1)) {
    throw new RangeError(`epochs must be a whole number ≥ 1 (got ${input.epochs})`);
  }
  const limit = modelInfo(model).exampleTokenLimit;
  let tokensPerEpoch = 0;
  let overLimit = 0;
  for (const tokens of tokensPerExample) {
    tokensPerEpoch += Math.min(limit, tokens);
    if (tokens > limit) overLimit++;
  }
  const epochs = input.epochs ?? defaultEpochs(tokensPerExample.length);
  const billedTokens = tokensPerEpoch * epochs;
  const price = priceFor(model, loadPriceTable(input.prices));
  return {
    model,
    examples: tokensPerExample.length,
    epochs,
    epochsSource: input.epochs === undefined ? 'default' : 'given',
    limit,
    overLimit,
    tokensPerEpoch,
    billedTokens,
    priceKey: price?.key ?? null,
    usdPerMillion: price?.usdPerMillion ?? null,
    usd: price ? (billedTokens / 1_000_000) * price.usdPerMillion : null,
  };
}
