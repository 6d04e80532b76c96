/**
 * Output formats for trainers. OpenAI chat JSONL is canonical; Alpaca and ShareGPT
 * serve LLaMA-Factory, Axolotl and friends, with LLaMA-Factory's dataset_info.json.
 */
export const FORMATS = ['openai', 'alpaca', 'sharegpt', 'llama-factory'] as const;
export type OutputFormat = (typeof FORMATS)[number];

export interface TrainingPair {
  system: string;
  request: string;
  /** The assistant's answer: the target workflow as JSON text. */
  target: string;
}

export function openAiChatLine(pair: TrainingPair): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: pair.system },
      { role: 'user', content: pair.request },
      { role: 'assistant', content: pair.target },
    ],
  });
}

export function alpacaRecord(pair: TrainingPair): string {
  return JSON.stringify({ instruction: pair.request, input: '', output: pair.target, system: pair.system });
}

export function shareGptLine(pair: TrainingPair): string {
  return JSON.stringify({
    conversations: [
      { from: 'system', value: pair.system },
      { from: 'human', value: pair.request },
      { from: 'gpt', value: pair.target },
    ],
  });
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
