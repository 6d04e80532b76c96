import type { INodeProperties } from 'n8n-workflow';
import type { FineTuneOperation } from '../../shared/types';
import * as cancel from './cancel';
import * as create from './create';
import * as get from './get';
import * as getAll from './getAll';
import * as listCheckpoints from './listCheckpoints';
import * as listEvents from './listEvents';

export const operations: Record<string, FineTuneOperation> = { cancel, create, get, getAll, listCheckpoints, listEvents };

export const description: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['job'] } },
    options: [
      { name: 'Cancel', value: 'cancel', description: 'Cancel a queued or running fine-tuning job', action: 'Cancel a job' },
      {
        name: 'Create',
        value: 'create',
        description: 'Check the training data, estimate the cost and start a fine-tuning job (once for the same data and settings)',
        action: 'Create a job',
      },
      { name: 'Get', value: 'get', description: 'Get the state of a fine-tuning job', action: 'Get a job' },
      { name: 'Get Many', value: 'getAll', description: 'List fine-tuning jobs, newest first', action: 'Get many jobs' },
      { name: 'List Checkpoints', value: 'listCheckpoints', description: 'List the checkpoints saved during training', action: 'List the checkpoints of a job' },
      { name: 'List Events', value: 'listEvents', description: 'List status messages and training metrics of a job', action: 'List the events of a job' },
    ],
    default: 'create',
  },
  ...create.description,
  ...get.description,
  ...getAll.description,
  ...cancel.description,
  ...listEvents.description,
  ...listCheckpoints.description,
];
