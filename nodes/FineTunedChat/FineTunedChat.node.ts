import {
  NodeConnectionTypes,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import type { ServingEndpoint } from '../../trainer/types';
import { chatCompletion, itemMessages, ROLES } from './shared/chat';
import { modelTimeoutMs, oncePerKey, resolveProvider, serviceName, type ResolvedCredentialProvider } from '../shared/connection';
import { maxTokensOption, MODEL_SUBTITLE, modelProperty, selectedModel, temperatureOption, timeoutOption } from '../shared/model-fields';
import { FINE_TUNING_CREDENTIAL_LABEL } from '../shared/provider';
import { searchModels } from '../shared/searchModels';
import { continueOnFailItem, toNodeError } from '../shared/errors';

export class FineTunedChat implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Fine-Tuned Chat',
    name: 'fineTunedChat',
    icon: { light: 'file:../../icons/flowtune.svg', dark: 'file:../../icons/flowtune.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: MODEL_SUBTITLE,
    description: 'Chat with a fine-tuned model on OpenAI, Azure OpenAI, Nebius, Together AI or an OpenAI-compatible server (vLLM, Ollama, llama.cpp)',
    defaults: { name: 'Fine-Tuned Chat' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'flowtuneFineTuningApi', required: true }],
    properties: [
      modelProperty,
      {
        displayName: 'System Prompt',
        name: 'systemPromptSource',
        type: 'options',
        default: 'custom',
        options: [
          { name: 'Custom', value: 'custom', description: 'Your own system prompt (or none)' },
          {
            name: 'Flowtune Workflow Prompt',
            value: 'flowtune',
            description: 'The system prompt of flowtune training data: use it with models fine-tuned on a flowtune dataset to get n8n workflow JSON',
          },
        ],
      },
      {
        displayName: 'System Message',
        name: 'systemPrompt',
        type: 'string',
        typeOptions: { rows: 3 },
        default: '',
        placeholder: 'e.g. You are a helpful assistant',
        description: 'Sent first, as the system message. Leave empty to send none.',
        displayOptions: { show: { systemPromptSource: ['custom'] } },
      },
      {
        displayName: 'Workflow Format',
        name: 'workflowFormat',
        type: 'options',
        default: 'compact',
        description: 'The target format the model was trained on (flowtune dataset build --target)',
        options: [
          { name: 'Compact', value: 'compact', description: 'Defaults, IDs and positions omitted (flowtune default)' },
          { name: 'Full', value: 'full', description: 'As n8n exports workflows' },
        ],
        displayOptions: { show: { systemPromptSource: ['flowtune'] } },
      },
      {
        displayName: 'Prompt',
        name: 'promptType',
        type: 'options',
        noDataExpression: true,
        default: 'single',
        options: [
          { name: 'Single Prompt', value: 'single', description: 'One user message' },
          { name: 'Messages', value: 'messages', description: 'A conversation: system, user and assistant messages' },
        ],
      },
      {
        displayName: 'Text',
        name: 'prompt',
        type: 'string',
        typeOptions: { rows: 4 },
        default: '',
        required: true,
        placeholder: 'e.g. Create a workflow that posts new GitHub issues to Slack',
        displayOptions: { show: { promptType: ['single'] } },
      },
      {
        displayName: 'Messages Input',
        name: 'messagesInput',
        type: 'options',
        default: 'define',
        options: [
          { name: 'Define Below', value: 'define', description: 'List the messages one by one' },
          { name: 'From JSON or Expression', value: 'json', description: 'An array of {role, content}, e.g. from a previous node' },
        ],
        displayOptions: { show: { promptType: ['messages'] } },
      },
      {
        displayName: 'Messages',
        name: 'messages',
        type: 'fixedCollection',
        typeOptions: { multipleValues: true, sortable: true },
        placeholder: 'Add Message',
        default: { values: [{ role: 'user', content: '' }] },
        displayOptions: { show: { promptType: ['messages'], messagesInput: ['define'] } },
        options: [
          {
            displayName: 'Message',
            name: 'values',
            values: [
              {
                displayName: 'Role',
                name: 'role',
                type: 'options',
                default: 'user',
                options: [
                  { name: 'System', value: 'system' },
                  { name: 'User', value: 'user' },
                  { name: 'Assistant', value: 'assistant' },
                ],
              },
              {
                displayName: 'Content',
                name: 'content',
                type: 'string',
                typeOptions: { rows: 2 },
                default: '',
              },
            ],
          },
        ],
      },
      {
        displayName: 'Messages (JSON)',
        name: 'messagesJson',
        type: 'json',
        default: '[\n  {"role": "user", "content": "Hello"}\n]',
        description: `An array of {role, content} (roles: ${ROLES.join(', ')}), or an expression that returns one`,
        displayOptions: { show: { promptType: ['messages'], messagesInput: ['json'] } },
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'JSON Output',
            name: 'jsonOutput',
            type: 'boolean',
            default: false,
            description: 'Whether to ask for a JSON object (response_format json_object) and also output the parsed answer as an object. Mention JSON in the prompt: OpenAI requires it.',
          },
          maxTokensOption,
          temperatureOption,
          timeoutOption,
        ],
      },
    ],
  };

  methods = {
    listSearch: { searchModels },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const output: INodeExecutionData[] = [];
    let resolved: ResolvedCredentialProvider | undefined;
    // Serving may deploy the model first (Nebius) or look up a job (Together): once per model per run.
    const servings = new Map<string, Promise<ServingEndpoint>>();

    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      let model = '';
      let service = 'the model endpoint';
      try {
        resolved ??= await resolveProvider(this, itemIndex);
        service = serviceName(resolved.credential);
        model = selectedModel(this, itemIndex);
        const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
        const messages = itemMessages(this, itemIndex);

        const { provider } = resolved;
        const endpoint = await oncePerKey(servings, model, () => provider.servingFor(model));
        const jsonOutput = options.jsonOutput === true;
        const body: IDataObject = {
          model: endpoint.model,
          messages,
          ...(typeof options.temperature === 'number' ? { temperature: options.temperature } : {}),
          ...(typeof options.maxTokens === 'number' ? { max_tokens: options.maxTokens } : {}),
          ...(jsonOutput ? { response_format: { type: 'json_object' } } : {}),
        };
        const answer = await chatCompletion(this, endpoint, body, {
          timeoutMs: modelTimeoutMs(options),
          context: { service, credential: FINE_TUNING_CREDENTIAL_LABEL, model, itemIndex },
        });
        const json: IDataObject = { ...answer };
        if (jsonOutput) {
          try {
            json.json = JSON.parse(answer.content) as IDataObject;
          } catch (error) {
            throw new NodeOperationError(this.getNode(), `The answer for item ${itemIndex} is not valid JSON: ${(error as Error).message}`, {
              itemIndex,
              description: `Answer (finish reason ${answer.finishReason ?? 'unknown'}): ${answer.content.slice(0, 300)}`,
            });
          }
        }
        output.push({ json, pairedItem: { item: itemIndex } });
      } catch (error) {
        const nodeError = toNodeError(this.getNode(), error, { service, credential: FINE_TUNING_CREDENTIAL_LABEL, ...(model ? { model } : {}), itemIndex });
        if (this.continueOnFail()) {
          output.push(continueOnFailItem(nodeError, { item: itemIndex }));
          continue;
        }
        throw nodeError;
      }
    }
    return [output];
  }
}
