/**
 * Output formats for trainers. OpenAI chat JSONL is canonical; Alpaca and ShareGPT
 * serve LLaMA-Factory, Axolotl and friends, with LLaMA-Factory's dataset_info.json.
 */
export const FORMATS = ['openai', 'alpaca', 'sharegpt', 'llama-factory'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/**
 * A training pair whose strings are already JSON-encoded (`JSON.stringify(text)`) and
 * turned into UTF-8 bytes: every format embeds the same three strings, so a large target
 * is escaped and encoded once, not once per format.
 */
export interface EncodedPair {
  system: Buffer;
  request: Buffer;
  /** The assistant's answer, the target workflow's JSON text, encoded as a JSON string. */
  target: Buffer;
}

/** The fixed text of a line, between the pair's strings, encoded once. */
const bytes = (...parts: string[]) => parts.map((part) => Buffer.from(part));
const OPENAI = bytes('{"messages":[{"role":"system","content":', '},{"role":"user","content":', '},{"role":"assistant","content":', '}]}\n');
const ALPACA = bytes('{"instruction":', ',"input":"","output":', ',"system":', '}');
const SHAREGPT = bytes('{"conversations":[{"from":"system","value":', '},{"from":"human","value":', '},{"from":"gpt","value":', '}]}\n');

/** One line of OpenAI chat JSONL (with its newline), as the chunks to write. */
export function openAiChatLine(p: EncodedPair): Buffer[] {
  return [OPENAI[0], p.system, OPENAI[1], p.request, OPENAI[2], p.target, OPENAI[3]];
}

/** One record of an Alpaca JSON array (no separator), as the chunks to write. */
export function alpacaRecord(p: EncodedPair): Buffer[] {
  return [ALPACA[0], p.request, ALPACA[1], p.target, ALPACA[2], p.system, ALPACA[3]];
}

/** One line of ShareGPT JSONL (with its newline), as the chunks to write. */
export function shareGptLine(p: EncodedPair): Buffer[] {
  return [SHAREGPT[0], p.system, SHAREGPT[1], p.request, SHAREGPT[2], p.target, SHAREGPT[3]];
}

export type Split = 'train' | 'validation';

/** File names per format and split (one place, so writers, dataset_info and the report agree). */
export function outputFileName(format: Exclude<OutputFormat, 'llama-factory'>, split: Split): string {
  switch (format) {
    case 'openai':
      return `${split}.jsonl`;
    case 'alpaca':
      return `${split}.alpaca.json`;
    case 'sharegpt':
      return `${split}.sharegpt.jsonl`;
  }
}

/** Every file a dataset build may write: the only names ever removed as stale outputs of an earlier build. */
export const DATASET_FILE_NAMES: readonly string[] = [
  ...(['openai', 'alpaca', 'sharegpt'] as const).flatMap((format) => (['train', 'validation'] as const).map((split) => outputFileName(format, split))),
  'dataset_info.json',
  'system_prompt.txt',
  'report.json',
  'REPORT.md',
];

/** LLaMA-Factory's dataset registry for the files written beside it. */
export function llamaFactoryDatasetInfo(formats: Set<OutputFormat>): Record<string, unknown> {
  const info: Record<string, unknown> = {};
  for (const split of ['train', 'validation'] as const) {
    if (formats.has('alpaca')) {
      info[`flowtune_${split}_alpaca`] = {
        file_name: outputFileName('alpaca', split),
        formatting: 'alpaca',
        columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system' },
      };
    }
    if (formats.has('sharegpt')) {
      info[`flowtune_${split}_sharegpt`] = {
        file_name: outputFileName('sharegpt', split),
        formatting: 'sharegpt',
        columns: { messages: 'conversations' },
        tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', system_tag: 'system' },
      };
    }
    if (formats.has('openai')) {
      info[`flowtune_${split}_openai`] = {
        file_name: outputFileName('openai', split),
        formatting: 'sharegpt',
        columns: { messages: 'messages' },
        tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' },
      };
    }
  }
  return info;
}
