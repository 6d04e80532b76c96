import type { INodeProperties } from 'n8n-workflow';
import type { FineTuneOperation } from '../../shared/types';
import * as deleteModel from './delete';
import * as getAll from './getAll';

export const operations: Record<string, FineTuneOperation> = { delete: deleteModel, getAll };

export const description: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['model'] } },
    options: [
      { name: 'Delete', value: 'delete', description: 'Delete a fine-tuned model', action: 'Delete a model' },
      { name: 'Get Many', value: 'getAll', description: 'List the fine-tuned models of the account', action: 'Get many models' },
    ],
    default: 'getAll',
  },
  ...getAll.description,
  ...deleteModel.description,
];
