import {
  NodeConnectionTypes,
  type IDataObject,
  type INodeType,
  type INodeTypeDescription,
  type ISupplyDataFunctions,
  type SupplyData,
} from 'n8n-workflow';
import { modelTimeoutMs, resolveProvider, serviceName } from '../shared/connection';
import { maxTokensOption, MODEL_SUBTITLE, modelProperty, selectedModel, temperatureOption, timeoutOption } from '../shared/model-fields';
import { FINE_TUNING_CREDENTIAL_LABEL } from '../shared/provider';
import { searchModels } from '../shared/searchModels';
import { toNodeError } from '../shared/errors';
import { loadLangChainOpenAI } from './shared/langchain';
import { createChatModel } from './shared/model';

export const DEFAULT_MAX_RETRIES = 2;

export class FineTunedChatModel implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Fine-Tuned Chat Model',
    name: 'fineTunedChatModel',
    icon: { light: 'file:../../icons/flowtune.svg', dark: 'file:../../icons/flowtune.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: MODEL_SUBTITLE,
    description: 'A fine-tuned model on OpenAI, Azure OpenAI, Nebius, Together AI or an OpenAI-compatible server, as the chat model of an AI Agent or chain',
    defaults: { name: 'Fine-Tuned Chat Model' },
    inputs: [],
    outputs: [NodeConnectionTypes.AiLanguageModel],
    outputNames: ['Model'],
    credentials: [{ name: 'flowtuneFineTuningApi', required: true }],
    properties: [
      {
        displayName: 'Connect this node to the Chat Model input of an AI Agent, a Basic LLM Chain or another AI node',
        name: 'connectionHint',
        type: 'notice',
        default: '',
      },
      {
        displayName: 'With the JSON response format, the prompt of the agent or chain must ask for JSON (OpenAI requires the word "JSON" in it)',
        name: 'jsonNotice',
        type: 'notice',
        default: '',
        displayOptions: { show: { '/options.responseFormat': ['json_object'] } },
      },
      modelProperty,
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Max Retries',
            name: 'maxRetries',
            type: 'number',
            typeOptions: { minValue: 0 },
            default: DEFAULT_MAX_RETRIES,
            description: 'How many times to try again after a failure that may pass (timeout, rate limit, server error)',
          },
          maxTokensOption,
          {
            displayName: 'Response Format',
            name: 'responseFormat',
            type: 'options',
            default: 'text',
            options: [
              { name: 'Text', value: 'text', description: 'Regular text answers' },
              { name: 'JSON', value: 'json_object', description: 'Ask for a JSON object (response_format json_object)' },
            ],
          },
          temperatureOption,
          timeoutOption,
        ],
      },
    ],
  };

  methods = {
    listSearch: { searchModels },
  };

  async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
    let service = 'the model endpoint';
    let model = '';
    try {
      const langchain = loadLangChainOpenAI(this.getNode(), itemIndex);
      const { provider, credential } = await resolveProvider(this, itemIndex);
      service = serviceName(credential);
      model = selectedModel(this, itemIndex);
      const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
      // Serving may deploy the model first (Nebius) or look up its job (Together).
      const endpoint = await provider.servingFor(model);
      const chatModel = createChatModel(this, langchain, {
        endpoint,
        ...(typeof options.temperature === 'number' ? { temperature: options.temperature } : {}),
        ...(typeof options.maxTokens === 'number' ? { maxTokens: options.maxTokens } : {}),
        timeoutMs: modelTimeoutMs(options),
        maxRetries: typeof options.maxRetries === 'number' && options.maxRetries >= 0 ? Math.floor(options.maxRetries) : DEFAULT_MAX_RETRIES,
        jsonMode: options.responseFormat === 'json_object',
        context: { service, credential: FINE_TUNING_CREDENTIAL_LABEL, model, itemIndex },
      });
      return { response: chatModel };
    } catch (error) {
      throw toNodeError(this.getNode(), error, { service, credential: FINE_TUNING_CREDENTIAL_LABEL, ...(model ? { model } : {}), itemIndex });
    }
  }
}
