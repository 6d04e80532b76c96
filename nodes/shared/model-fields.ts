/**
 * The fields of the chat-side nodes that pick a model and tune its answers: Fine-Tuned Chat
 * and Fine-Tuned Chat Model show the same Model list (listSearch `searchModels`) and the same
 * options, so that both read the same way.
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties, type ISupplyDataFunctions } from 'n8n-workflow';
import { DEFAULT_MODEL_TIMEOUT_MS } from './connection';

/** The node subtitle showing the chosen model: `$parameter` gives a resource locator's value (the model ID), not its {mode, value}. */
export const MODEL_SUBTITLE = '={{ $parameter["model"] }}';

/** Model: a searchable list of the credential's (fine-tuned) models, or any model ID. Needs `methods.listSearch.searchModels`. */
export const modelProperty: INodeProperties = {
  displayName: 'Model',
  name: 'model',
  type: 'resourceLocator',
  default: { mode: 'list', value: '' },
  required: true,
  description: 'The model to chat with: a fine-tuned model of the account, or any model ID the endpoint serves',
  modes: [
    {
      displayName: 'From List',
      name: 'list',
      type: 'list',
      typeOptions: { searchListMethod: 'searchModels', searchable: true },
    },
    {
      displayName: 'ID',
      name: 'id',
      type: 'string',
      placeholder: 'e.g. ft:gpt-4o-mini-2024-07-18:acme:flowtune:abc123, a vLLM LoRA name or an Ollama model',
    },
  ],
};

/** The chosen model ID (either mode), trimmed; an empty choice is refused. */
export function selectedModel(ctx: IExecuteFunctions | ISupplyDataFunctions, itemIndex: number): string {
  const model = String(ctx.getNodeParameter('model', itemIndex, '', { extractValue: true }) ?? '').trim();
  if (model === '') throw new NodeOperationError(ctx.getNode(), 'Choose a model', { itemIndex, description: 'Pick one from the list or give its id.' });
  return model;
}

export const maxTokensOption: INodeProperties = {
  displayName: 'Maximum Tokens',
  name: 'maxTokens',
  type: 'number',
  typeOptions: { minValue: 1 },
  default: 1024,
  description: 'The most tokens the answer may have (max_tokens)',
};

export const temperatureOption: INodeProperties = {
  displayName: 'Temperature',
  name: 'temperature',
  type: 'number',
  typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
  default: 0,
  description: 'Sampling temperature: 0 is the most deterministic, higher values vary more',
};

export const timeoutOption: INodeProperties = {
  displayName: 'Timeout',
  name: 'timeout',
  type: 'number',
  typeOptions: { minValue: 1 },
  default: DEFAULT_MODEL_TIMEOUT_MS,
  description: 'Milliseconds to wait for the answer',
};
