/**
 * Fine-Tune: training data from n8n workflows, format checks and cost, and
 * fine-tuning jobs and models on OpenAI, Azure OpenAI, Nebius Token Factory,
 * Together AI or an OpenAI-compatible jobs API. A thin adapter over flowtune's
 * dataset/ and trainer/ modules: one file per operation under resources/.
 */
import {
  NodeConnectionTypes,
  NodeOperationError,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { FINE_TUNING_CREDENTIAL } from '../shared/provider';
import { searchJobs } from './listSearch/searchJobs';
import { searchModels } from './listSearch/searchModels';
import * as dataset from './resources/dataset';
import * as job from './resources/job';
import * as model from './resources/model';
import { continueOnFailItem, toNodeError } from '../shared/errors';
import { allItems, type FineTuneOperation } from './shared/types';

const RESOURCES: Record<string, Record<string, FineTuneOperation>> = {
  dataset: dataset.operations,
  job: job.operations,
  model: model.operations,
};

// Not an AI tool (no usableAsTool): it reads all items as one dataset and starts paid training jobs.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class FineTune implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Fine-Tune',
    name: 'fineTune',
    icon: { light: 'file:../../icons/flowtune.svg', dark: 'file:../../icons/flowtune.dark.svg' },
    group: ['transform'],
    // 1.1: Job ID and Model ID lists, Create validates on the items' split field; 1.2: an open base model by
    // default (shared/descriptions.ts).
    version: [1, 1.1, 1.2],
    defaultVersion: 1.2,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description: 'Build training data from n8n workflows and fine-tune a model to write them',
    defaults: { name: 'Fine-Tune' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      {
        name: FINE_TUNING_CREDENTIAL,
        required: true,
        // Dataset operations run locally: no account needed.
        displayOptions: { show: { resource: ['job', 'model'] } },
      },
    ],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [
          { name: 'Dataset', value: 'dataset', description: 'Training data: build it from workflows, check it' },
          { name: 'Job', value: 'job', description: 'Fine-tuning jobs on the provider' },
          { name: 'Model', value: 'model', description: 'Fine-tuned models on the provider' },
        ],
        default: 'dataset',
      },
      ...dataset.description,
      ...job.description,
      ...model.description,
    ],
  };

  methods = {
    listSearch: { searchJobs, searchModels },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const resource = this.getNodeParameter('resource', 0) as string;
    const operation = this.getNodeParameter('operation', 0) as string;
    const op = RESOURCES[resource]?.[operation];
    if (!op) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of resource "${resource}" is not supported`);

    // Dataset operations (and Create from input items) read every item at once: one run.
    const once = op.usesAllItems?.call(this) ?? false;
    const runs = once ? 1 : items.length;
    const out: INodeExecutionData[] = [];
    for (let i = 0; i < runs; i++) {
      try {
        const produced = await op.execute.call(this, i);
        for (const item of produced) out.push({ ...item, pairedItem: item.pairedItem ?? (once ? allItems(items.length) : { item: i }) });
      } catch (error) {
        // A cancelled execution ends here, whatever continueOnFail says, with n8n's own cancellation error.
        // eslint-disable-next-line @n8n/community-nodes/require-node-api-error
        if (this.getExecutionCancelSignal()?.aborted) throw error;
        const nodeError = toNodeError(this.getNode(), error, { itemIndex: i });
        if (this.continueOnFail()) {
          out.push(continueOnFailItem(nodeError, once ? allItems(items.length) : { item: i }));
          continue;
        }
        throw nodeError;
      }
    }
    return [out];
  }
}
