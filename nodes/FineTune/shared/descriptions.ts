import type { INodeProperties } from 'n8n-workflow';

export const jobIdField: INodeProperties = {
  displayName: 'Job ID',
  name: 'jobId',
  type: 'string',
  required: true,
  default: '',
  placeholder: 'ftjob-abc123',
  description: 'ID of the fine-tuning job, as Job → Create outputs it',
};

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
