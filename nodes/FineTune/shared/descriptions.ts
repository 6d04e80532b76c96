import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { DEFAULT_BASE_MODEL } from '../../../dataset/tokens';

/**
 * Node versions. 1.1: Job ID and Model ID are resource locators (From List / By ID), and Job → Create
 * takes the validation examples from the items' "split" field by default. Version 1 keeps its text
 * fields and defaults: saved workflows store only values that differ from the defaults.
 */
export const V1 = { '@version': [1] };
export const SINCE_V1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };
export const BEFORE_V1_2 = { '@version': [{ _cnd: { lt: 1.2 } }] };
export const SINCE_V1_2 = { '@version': [{ _cnd: { gte: 1.2 } }] };

/**
 * Base Model, whose default changed in version 1.2: before it, gpt-4o-mini (OpenAI ends new self-serve
 * fine-tuning jobs on 2027-01-06); from it, DEFAULT_BASE_MODEL, an open model every live provider trains.
 * Earlier versions keep their default, so saved workflows (which store only non-defaults) keep their model.
 */
export function baseModelFields(description: string): INodeProperties[] {
  return [
    {
      displayName: 'Base Model',
      name: 'model',
      type: 'string',
      required: true,
      default: 'gpt-4o-mini-2024-07-18',
      description,
      displayOptions: { show: BEFORE_V1_2 },
    },
    {
      displayName: 'Base Model',
      name: 'model',
      type: 'string',
      required: true,
      default: DEFAULT_BASE_MODEL,
      description,
      displayOptions: { show: SINCE_V1_2 },
      hint: `${DEFAULT_BASE_MODEL} trains at Together, Nebius and with the open-source trainers. OpenAI models (e.g. gpt-4.1-mini-2025-04-14) train at OpenAI until 2027-01-06, at Azure OpenAI until at least 2027-04.`,
    },
  ];
}

/** An ID as a resource locator (version 1.1) with a search list, and as the text field of version 1. */
function idFields(spec: { displayName: string; name: string; searchListMethod: string; placeholder: string; description: string }): INodeProperties[] {
  const { displayName, name, searchListMethod, placeholder, description } = spec;
  return [
    {
      displayName,
      name,
      type: 'resourceLocator',
      required: true,
      default: { mode: 'list', value: '' },
      description,
      displayOptions: { show: SINCE_V1_1 },
      modes: [
        { displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
        { displayName: 'ID', name: 'id', type: 'string', placeholder },
      ],
    },
    { displayName, name, type: 'string', required: true, default: '', placeholder, description, displayOptions: { show: V1 } },
  ];
}

export const jobIdFields: INodeProperties[] = idFields({
  displayName: 'Job ID',
  name: 'jobId',
  searchListMethod: 'searchJobs',
  placeholder: 'ftjob-abc123',
  description: 'The fine-tuning job: search by suffix, status or model, or give its ID as Job → Create outputs it',
});

export const modelIdFields: INodeProperties[] = idFields({
  displayName: 'Model ID',
  name: 'modelId',
  searchListMethod: 'searchModels',
  placeholder: 'ft:gpt-4o-mini-2024-07-18:my-org:flowtune:abc123',
  description: 'The fine-tuned model, e.g. <code>fineTunedModel</code> of a succeeded job. Deleting cannot be undone.',
});

/** The ID in a resource locator (version 1.1) or a text field (version 1), trimmed. */
export function idParameter(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
  return String(ctx.getNodeParameter(name, itemIndex, '', { extractValue: true }) ?? '').trim();
}

export function returnAllFields(): INodeProperties[] {
  return [
    {
      displayName: 'Return All',
      name: 'returnAll',
      type: 'boolean',
      default: false,
      description: 'Whether to return all results or only up to a given limit',
    },
    {
      displayName: 'Limit',
      name: 'limit',
      type: 'number',
      default: 50,
      typeOptions: { minValue: 1 },
      displayOptions: { show: { returnAll: [false] } },
      description: 'Max number of results to return',
    },
  ];
}

/** `limit` unless Return All is on. */
export function resultLimit(returnAll: boolean, limit: number): number | undefined {
  return returnAll ? undefined : Math.max(1, Math.floor(limit));
}

/** Which flowtune system prompt a prompt/completion item gets when it is turned into chat (Validate, Create). */
export const promptTargetOption: INodeProperties = {
  displayName: 'System Prompt for Prompt/Completion Items',
  name: 'target',
  type: 'options',
  default: 'compact',
  options: [
    { name: 'Compact Workflows', value: 'compact' },
    { name: 'Full Workflows', value: 'full' },
  ],
  description: 'Which flowtune system prompt a prompt/completion item gets when it is turned into chat',
};
