/**
 * Output formats for trainers. OpenAI chat JSONL is canonical; Alpaca and ShareGPT
 * serve LLaMA-Factory, Axolotl and friends, with LLaMA-Factory's dataset_info.json.
 */
export const FORMATS = ['openai', 'alpaca', 'sharegpt', 'llama-factory'] as const;
export type OutputFormat = (typeof FORMATS)[number];

/**
 * A training pair whose strings are already JSON-encoded (`JSON.stringify(text)`):
 * every format embeds the same three strings, and escaping a large target once per
 * format was a fifth of the build.
 */
export interface EncodedPair {
  system: string;
  request: string;
  /** The assistant's answer, the target workflow's JSON text, encoded as a JSON string. */
  target: string;
}

export function openAiChatLine(p: EncodedPair): string {
  return `{"messages":[{"role":"system","content":${p.system}},{"role":"user","content":${p.request}},{"role":"assistant","content":${p.target}}]}`;
}

export function alpacaRecord(p: EncodedPair): string {
  return `{"instruction":${p.request},"input":"","output":${p.target},"system":${p.system}}`;
}

export function shareGptLine(p: EncodedPair): string {
  return `{"conversations":[{"from":"system","value":${p.system}},{"from":"human","value":${p.request}},{"from":"gpt","value":${p.target}}]}`;
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
