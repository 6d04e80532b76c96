import type { INodeProperties } from 'n8n-workflow';
import type { FineTuneOperation } from '../../shared/types';
import * as buildTrainingData from './buildTrainingData';
import * as validate from './validate';

export const operations: Record<string, FineTuneOperation> = { buildTrainingData, validate };

export const description: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['dataset'] } },
    options: [
      {
        name: 'Build Training Data',
        value: 'buildTrainingData',
        description: 'Turn n8n workflows into chat training examples (redacted, validated, deduplicated, split)',
        action: 'Build training data from workflows',
      },
      {
        name: 'Validate',
        value: 'validate',
        description: 'Check training examples against the fine-tuning format, count tokens and estimate the cost',
        action: 'Validate training data',
      },
    ],
    default: 'buildTrainingData',
  },
  ...buildTrainingData.description,
  ...validate.description,
];
