/**
 * Token counting for fine-tuning data: which BPE encoding a model uses, how many tokens a chat
 * example takes by the OpenAI cookbook's rule, and the per-example limit of OpenAI fine-tuning.
 *
 * Tokenizer: `gpt-tokenizer` (pure JS, encodings shipped in the package, no network, no wasm).
 * Measured on the 2,352 n8n.io template workflows (33.8 M characters, o200k_base): 9.6–10.1 s,
 * against 17.0–17.8 s for the wasm `tiktoken` and 40 s for `js-tiktoken`. Its counts equal
 * OpenAI's tiktoken on all of them but one: gpt-tokenizer 4.0.0 cannot produce the tokens that
 * begin with the bytes of U+FEFF (a byte-order mark inside the text), so each such occurrence
 * counts one token more (10,208,189 vs 10,208,188 tokens over the whole set).
 *
 * Special-token text such as `<|endoftext|>` inside a message is counted as ordinary text
 * (tiktoken's `encode(text, disallowed_special=())`), never rejected.
 */

/** The encodings this module loads (both ship inside gpt-tokenizer). */
export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface ModelEntry {
  encoding: EncodingName;
  /**
   * Last day new fine-tuning jobs of this family can be started at its maker (ISO date), where announced.
   * OpenAI stops new self-serve fine-tuning jobs on 2027-01-06 (Azure OpenAI keeps the gpt-4.1 family until at least 2027-04).
   */
  fineTuningEnds?: string;
  /**
   * Tokens allowed in ONE training example by OpenAI supervised fine-tuning (the "training
   * examples context length"), where documented. Absent: no documented limit.
   */
  exampleTokenLimit?: number;
}

/**
 * THE model table. A key matches a model id equal to it or starting with it followed by `-`
 * (dated snapshots, `-mini`, `-preview`…); the longest matching key wins, so
 * `gpt-4o-mini-2024-07-18` → `gpt-4o-mini`, `gpt-4-turbo-2024-04-09` → `gpt-4-turbo`, and
 * `gpt-4o` / `gpt-4.1` / `gpt-4.5` never fall into `gpt-4` (no `-` after it).
 *
 * Limits: OpenAI fine-tuning guide, "Token limits" table (training examples context length):
 * gpt-4o-2024-08-06 and gpt-4o-mini-2024-07-18 65,536 (the same figure is in Azure OpenAI's
 * fine-tuning model table); gpt-3.5-turbo-0125 and -1106 16,385; gpt-3.5-turbo-0613 4,096
 * (cookbook Chat_finetuning_data_prep uses 16,385 for gpt-3.5-turbo). The gpt-4.1 family's
 * 65,536 is the figure of OpenAI's guide as given by the maintainers; not re-verified here.
 */
/** OpenAI's announced end of new self-serve fine-tuning jobs (the trainer's OpenAI notices read it from here). */
export const OPENAI_FINE_TUNING_ENDS = '2027-01-06';

export const MODEL_TABLE: Readonly<Record<string, ModelEntry>> = {
  'gpt-4o': { encoding: 'o200k_base', exampleTokenLimit: 65_536, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-4o-mini': { encoding: 'o200k_base', exampleTokenLimit: 65_536, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'chatgpt-4o': { encoding: 'o200k_base' },
  'gpt-4.1': { encoding: 'o200k_base', exampleTokenLimit: 65_536, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-4.1-mini': { encoding: 'o200k_base', exampleTokenLimit: 65_536, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-4.1-nano': { encoding: 'o200k_base', exampleTokenLimit: 65_536, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-4.5': { encoding: 'o200k_base' },
  'gpt-5': { encoding: 'o200k_base' },
  o1: { encoding: 'o200k_base' },
  o3: { encoding: 'o200k_base' },
  o4: { encoding: 'o200k_base' },
  'gpt-4': { encoding: 'cl100k_base' },
  'gpt-4-turbo': { encoding: 'cl100k_base' },
  'gpt-3.5-turbo': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-3.5-turbo-0125': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-3.5-turbo-1106': { encoding: 'cl100k_base', exampleTokenLimit: 16_385, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
  'gpt-3.5-turbo-0613': { encoding: 'cl100k_base', exampleTokenLimit: 4_096, fineTuningEnds: OPENAI_FINE_TUNING_ENDS },
};

/**
 * The per-example limit assumed where none is documented (open models, gpt-4, o-series):
 * the current OpenAI figure. `ModelInfo.limitDocumented` says which case applies.
 */
export const DEFAULT_EXAMPLE_TOKEN_LIMIT = 65_536;

/**
 * The base model defaults name (dataset build / check, the Fine-Tune node from version 1.2): open weights that
 * Together (LoRA and full), Nebius and the open-source trainers (Unsloth, Axolotl, TRL) all fine-tune, so the
 * default outlives OpenAI's end of self-serve fine-tuning (2027-01-06). Its tokenizer is not bundled: token
 * counts for it are estimates (FALLBACK_ENCODING), and say so.
 */
export const DEFAULT_BASE_MODEL = 'Qwen/Qwen3-8B';

/** Fine-tuning of a model that ends within this many days is worth a warning wherever the model is chosen. */
export const FINE_TUNING_END_WARNING_DAYS = 92;

/**
 * A warning when new fine-tuning jobs of `model`'s family end within FINE_TUNING_END_WARNING_DAYS of `today`
 * (or have ended); undefined otherwise.
 */
export function fineTuningEndWarning(model: string, today: Date = new Date()): string | undefined {
  const { base, family } = modelInfo(model);
  const ends = family === null ? undefined : MODEL_TABLE[family].fineTuningEnds;
  if (!ends) return undefined;
  const days = Math.ceil((Date.parse(`${ends}T00:00:00Z`) - today.getTime()) / 86_400_000);
  if (days > FINE_TUNING_END_WARNING_DAYS) return undefined;
  // No day count: a build's report stays the same from one day to the next.
  const when = days <= 0 ? `ended on ${ends}` : `end on ${ends}`;
  return `new fine-tuning jobs of ${base} at OpenAI ${when}; ${DEFAULT_BASE_MODEL} (Together, Nebius, open-source trainers) or Azure OpenAI's gpt-4.1 family keep training`;
}

/** Encoding used for models outside the table (Qwen, Llama… HF ids): counts are approximate. */
export const FALLBACK_ENCODING: EncodingName = 'o200k_base';

export interface ModelInfo {
  /** As given. */
  model: string;
  /** The base model: `ft:` and `openai/` prefixes removed. */
  base: string;
  /** The MODEL_TABLE key that matched, or null for an unknown model. */
  family: string | null;
  fineTuned: boolean;
  encoding: EncodingName;
  /** True when the model is not in the table: counted with FALLBACK_ENCODING, not its own tokenizer. */
  approximate: boolean;
  exampleTokenLimit: number;
  limitDocumented: boolean;
}

/** `ft:gpt-4o-mini-2024-07-18:org::id` → `gpt-4o-mini-2024-07-18`; `openai/gpt-4o` → `gpt-4o`. */
export function baseModel(model: string): string {
  let base = model.trim();
  if (base.startsWith('ft:')) base = base.slice(3).split(':')[0];
  if (base.toLowerCase().startsWith('openai/')) base = base.slice('openai/'.length);
  return base;
}

function findFamily(base: string): string | null {
  const id = base.toLowerCase();
  let best: string | null = null;
  for (const key of Object.keys(MODEL_TABLE)) {
    if ((id === key || id.startsWith(`${key}-`)) && (best === null || key.length > best.length)) best = key;
  }
  return best;
}

export function modelInfo(model: string): ModelInfo {
  const base = baseModel(model);
  const family = findFamily(base);
  const entry = family === null ? undefined : MODEL_TABLE[family];
  return {
    model,
    base,
    family,
    fineTuned: model.trim().startsWith('ft:'),
    encoding: entry?.encoding ?? FALLBACK_ENCODING,
    approximate: entry === undefined,
    exampleTokenLimit: entry?.exampleTokenLimit ?? DEFAULT_EXAMPLE_TOKEN_LIMIT,
    limitDocumented: entry?.exampleTokenLimit !== undefined,
  };
}

export function encodingForModel(model: string): EncodingName {
  return modelInfo(model).encoding;
}

/** Tokens allowed per training example (DEFAULT_EXAMPLE_TOKEN_LIMIT where none is documented). */
export function exampleTokenLimit(model: string): number {
  return modelInfo(model).exampleTokenLimit;
}

interface Encoder {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
}

/** An encoding, with a count per pre-tokenized piece already seen. */
interface LoadedEncoding {
  encoder: Encoder;
  /** The encoding's own pre-tokenizer (gpt-tokenizer's): BPE never merges across its pieces. */
  split: RegExp;
  pieces: Map<string, number>;
}

const encodings = new Map<EncodingName, LoadedEncoding>();
const AS_TEXT = { disallowedSpecial: new Set<string>() };
/** Pieces remembered per encoding (the 2,352 templates' examples hold ≈ 110,000 distinct ones). */
const PIECE_CACHE_MAX = 500_000;

/** Loaded on first use: the rank tables take 0.1–0.3 s, which other commands need not pay. */
function encoding(name: EncodingName): LoadedEncoding {
  let loaded = encodings.get(name);
  if (!loaded) {
    // The cjs paths resolve both through the package's exports map and under moduleResolution "node".
    const encoder = (name === 'o200k_base' ? require('gpt-tokenizer/cjs/encoding/o200k_base') : require('gpt-tokenizer/cjs/encoding/cl100k_base')) as Encoder;
    const regexes = require('gpt-tokenizer/cjs/encodingParams/constants') as Record<'O200K_TOKEN_SPLIT_REGEX' | 'CL100K_TOKEN_SPLIT_REGEX', RegExp>;
    const split = name === 'o200k_base' ? regexes.O200K_TOKEN_SPLIT_REGEX : regexes.CL100K_TOKEN_SPLIT_REGEX;
    loaded = { encoder, split: new RegExp(split.source, split.flags), pieces: new Map() };
    encodings.set(name, loaded);
  }
  return loaded;
}

/**
 * Exact token count of `text` as plain text (special-token strings count as text). The
 * tokenizer splits text into pieces by its regex and byte-pair-encodes each piece alone, so
 * the count is the sum over pieces; JSON targets repeat their pieces (keys, node types,
 * punctuation runs) thousands of times, and a count per piece halves the tokenizer's time.
 */
export function countTokensWithEncoding(text: string, name: EncodingName): number {
  if (text === '') return 0;
  const { encoder, split, pieces } = encoding(name);
  let total = 0;
  split.lastIndex = 0;
  for (let match = split.exec(text); match !== null; match = split.exec(text)) {
    const piece = match[0];
    if (piece === '') {
      split.lastIndex++; // never happens with these patterns; never loop on it either
      continue;
    }
    let count = pieces.get(piece);
    if (count === undefined) {
      // A piece never holds a whole special token (the pre-tokenizer splits `<|` from the
      // word), so the default options — cheaper per call than AS_TEXT — count it the same;
      // they would throw on one, and then it is counted as text.
      try {
        count = encoder.countTokens(piece);
      } catch {
        count = encoder.countTokens(piece, AS_TEXT);
      }
      if (pieces.size < PIECE_CACHE_MAX) pieces.set(piece, count);
    }
    total += count;
  }
  return total;
}

export function countTokens(text: string, model: string): number {
  return countTokensWithEncoding(text, encodingForModel(model));
}

/** Per message: `<|start|>`, the separator and `<|end|>` (cookbook: tokens_per_message). */
export const TOKENS_PER_MESSAGE = 3;
/** A `name` key costs one token more (cookbook: tokens_per_name). */
export const TOKENS_PER_NAME = 1;
/** Every reply is primed with `<|start|>assistant<|message|>`. */
export const REPLY_PRIMING_TOKENS = 3;

function valueTokens(value: unknown, encoding: EncodingName): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'string') return countTokensWithEncoding(value, encoding);
  // tool_calls, function_call and other structured values: their JSON text.
  return countTokensWithEncoding(JSON.stringify(value), encoding);
}

/**
 * The cookbook's num_tokens_from_messages: 3 per message, the tokens of every value, 1 more for
 * `name`, 3 for the reply priming. String values are encoded as they are, null is free,
 * structured values (tool_calls, function_call) are encoded as JSON text; `weight` is a training
 * switch, not text, and costs nothing. Messages that are not objects are skipped.
 */
export function countChatTokens(messages: Iterable<unknown>, model: string): number {
  return countChatTokensWithEncoding(messages, encodingForModel(model));
}

export function countChatTokensWithEncoding(messages: Iterable<unknown>, encoding: EncodingName): number {
  let tokens = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    if (message === null || typeof message !== 'object' || Array.isArray(message)) continue;
    tokens += TOKENS_PER_MESSAGE;
    for (const [key, value] of Object.entries(message)) {
      if (key === 'weight') continue;
      tokens += valueTokens(value, encoding);
      if (key === 'name') tokens += TOKENS_PER_NAME;
    }
  }
  return tokens;
}
